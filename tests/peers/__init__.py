"""PACT hosts of other shapes than conformance/reference/, each making other legal choices (issue 11).

They are bare ASGI callables (no framework, no routing table), written from the spec text, and never
import cases/ or the reference host's app: a verdict that holds on them is not tuned to our own host.
"""
