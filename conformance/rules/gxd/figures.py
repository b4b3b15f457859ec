"""GXD-10..15: the Gate-to-Gate split and its arithmetic against the Cradle-to-Gate total.

A buyer decomposes its supply chain with these numbers (hotspot analysis), so
a split that does not add up gives wrong hotspots even when every PACT field
is valid. Identities use Decimal with tol(x) = max(0.001, 0.5 % |x|).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext

from conformance.rules.finding import Finding, Severity
from conformance.rules.gxd.model import (
    ARITHMETIC,
    Gxd,
    amount_severity,
    data_rule,
    decimal_text,
    non_empty_string,
    non_negative,
    parse_decimal,
    tolerance,
)
from conformance.schemas.values import show

G2G = "gateToGateFossilGhgEmissions"
G2G_BIOGENIC = "gateToGateBiogenicCarbonContent"
UPSTREAM = "upstreamEmissions"
UNIT_COMMENT = "unitaryProductAmountComment"


@dataclass(frozen=True)
class _Split:
    """A GxD footprint's Cradle-to-Gate and Gate-to-Gate per declared unit, tol(C2G), and C2G's field name."""

    c2g: Decimal
    g2g: Decimal
    allowed: Decimal
    c2g_name: str


def _split(gxd: Gxd) -> _Split | None:
    """The split when both figures are readable decimal strings (their syntax is GXD-10's and the schema's)."""
    c2g, g2g = gxd.pcf_decimal("c2g"), gxd.gate(G2G)
    if c2g is None or g2g is None:
        return None
    return _Split(c2g, g2g, tolerance(c2g), f"pcf.{gxd.pcf_name('c2g')}")


@data_rule("GXD-10")
def gate_to_gate_syntax(gxd: Gxd) -> Iterable[Finding]:
    """gateToGateFossilGhgEmissions is a decimal string >= 0."""
    gate = gxd.member("gateToGate")
    if G2G in gate and not non_negative(gate[G2G]):
        yield gxd.finding("GXD-10", amount_severity(gate[G2G], published=True), gxd.at("gateToGate", G2G),
                          f'{G2G} must be a decimal string >= 0 such as "6.00" (own-operation emissions in kgCO2e '
                          f"per declared unit), got {show(gate[G2G])}")


@data_rule("GXD-11")
def gate_within_cradle(gxd: Gxd) -> Iterable[Finding]:
    """Gate-to-Gate <= Cradle-to-Gate + tol: own operations are part of the cradle-to-gate total."""
    split = _split(gxd)
    with localcontext(ARITHMETIC):
        exceeds = split is not None and split.g2g > split.c2g + split.allowed
    if split and exceeds:
        yield gxd.finding("GXD-11", Severity.ERROR, gxd.at("gateToGate", G2G),
                          f"Gate-to-Gate {split.g2g} exceeds the Cradle-to-Gate total {split.c2g_name} {split.c2g} "
                          f"kgCO2e per declared unit (tolerance {decimal_text(split.allowed)}); "
                          "own-operation emissions are part of that total")


@data_rule("GXD-12")
def not_gate_only(gxd: Gxd) -> Iterable[Finding]:
    """Gate-to-Gate equal to a positive Cradle-to-Gate suggests a Gate-to-Gate-only PCF."""
    split = _split(gxd)
    with localcontext(ARITHMETIC):
        equal = split is not None and split.c2g > 0 and abs(split.g2g - split.c2g) <= split.allowed
    if split and equal:
        yield gxd.finding("GXD-12", Severity.WARNING, gxd.at("gateToGate", G2G),
                          f"Gate-to-Gate {split.g2g} equals the Cradle-to-Gate total {split.c2g_name} {split.c2g}: "
                          "the PCF looks like a Gate-to-Gate-only figure, but PACT requires Cradle-to-Gate, "
                          "which includes purchased inputs")


@data_rule("GXD-13")
def split_adds_up(gxd: Gxd) -> Iterable[Finding]:
    """upstreamEmissions >= 0 and upstream + Gate-to-Gate = Cradle-to-Gate within tol."""
    if UPSTREAM not in gxd.member("gateToGate"):
        return
    at = gxd.at("gateToGate", UPSTREAM)
    if not non_negative(gxd.member("gateToGate")[UPSTREAM]):
        yield gxd.finding("GXD-13", amount_severity(gxd.member("gateToGate")[UPSTREAM], published=False), at,
                          f"{UPSTREAM} must be a decimal string >= 0 (kgCO2e per "
                          f"declared unit), got {show(gxd.member('gateToGate')[UPSTREAM])}")
        return
    split, upstream = _split(gxd), gxd.gate(UPSTREAM)
    if split is None or upstream is None:
        return
    with localcontext(ARITHMETIC):
        total = upstream + split.g2g
        off = total - split.c2g
    if abs(off) > split.allowed:
        yield gxd.finding("GXD-13", Severity.ERROR, at,
                          f"{UPSTREAM} {upstream} + {G2G} {split.g2g} = {decimal_text(total)}, but {split.c2g_name} is "
                          f"{split.c2g} (difference {decimal_text(off)}, tolerance {decimal_text(split.allowed)}); "
                          "the two parts must add up to the Cradle-to-Gate total")


@data_rule("GXD-14")
def split_members_together(gxd: Gxd) -> Iterable[Finding]:
    """The biogenic and upstream members come with the fossil Gate-to-Gate figure; biogenic is a Decimal."""
    gate = gxd.member("gateToGate")
    orphans = [name for name in (G2G_BIOGENIC, UPSTREAM) if name in gate]
    if orphans and G2G not in gate:
        yield gxd.finding("GXD-14", Severity.WARNING, gxd.at("gateToGate"),
                          f"{' and '.join(orphans)} given without {G2G}; the Gate-to-Gate split needs its fossil figure")
    if G2G_BIOGENIC in gate and parse_decimal(gate[G2G_BIOGENIC]) is None:
        yield gxd.finding("GXD-14", Severity.WARNING, gxd.at("gateToGate", G2G_BIOGENIC),
                          f"{G2G_BIOGENIC} must be a decimal string (it may be negative), got {show(gate[G2G_BIOGENIC])}")


@data_rule("GXD-15")
def piece_conversion_explained(gxd: Gxd) -> Iterable[Finding]:
    """A product amount other than 1 declared unit is explained, so a buyer can convert to per piece."""
    gate, at = gxd.member("gateToGate"), gxd.at("gateToGate", UNIT_COMMENT)
    if UNIT_COMMENT in gate and not non_empty_string(gate[UNIT_COMMENT]):
        yield gxd.finding("GXD-15", Severity.WARNING, at,
                          f"{UNIT_COMMENT} must be a non-empty string, got {show(gate[UNIT_COMMENT])}")
        return
    amount = gxd.pcf_decimal("upa")
    if amount is not None and amount != 1 and UNIT_COMMENT not in gate:
        yield gxd.finding("GXD-15", Severity.WARNING, at,
                          f"pcf.{gxd.pcf_name('upa')} is {amount}, but gateToGate.{UNIT_COMMENT} does not explain "
                          "how declared units map to one product piece")
