"""The embedded reference PACT/GxD host: a conformant implementation served over TLS.

It is the default target of `pact-conformance run`, the base of every fault in
the project's faulty-server collection, and what `pact-conformance serve` shows
vendors. It depends on fixtures and schemas only, never on the cases.
"""
