"""pact-gxd-conformance: conformance test suite for PACT and Green x Digital PCF exchange."""

__version__ = "0.1.0"
