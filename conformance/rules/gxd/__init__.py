"""GxD (Green x Digital Consortium) extension rules GXD-01..17 and GXD-20..22 for the gxd profile.

Importing the package registers every per-footprint rule; the supply-chain
rules GXD-18/19 need several footprints and live in conformance.rules.gxd_chain.
"""

from conformance.rules.gxd import disclosure, envelope, figures, organization

__all__ = ["disclosure", "envelope", "figures", "organization"]
