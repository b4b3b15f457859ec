"""The conformance cases, one module per area. Each case is declared with conformance.catalog.case."""
