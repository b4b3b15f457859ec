"""GXD-18/19: supply-chain consistency of GxD footprints against a fixture bill of materials.

Each tier folds its suppliers' Cradle-to-Gate into its own upstream. GXD-18
checks that a buyer's upstream per piece covers what it consumed (and, for a
closed BOM, equals it plus the non-participating inputs); GXD-19 names the
likely cause of a gap and decomposes the Tier-0 total into per-tier
Gate-to-Gate shares (hotspot analysis, GxD note §4.3 and §5.2).

Footprints are linked by productIds, so they may come from one or several
targets. Chain tolerance: max(0.005 kgCO2e, 1 % of the expected value) per piece.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal, localcontext
from typing import Any

from conformance.rules.finding import Finding, Severity
from conformance.rules.gxd.figures import G2G, gate_within_cradle, split_adds_up
from conformance.rules.gxd.model import (
    ARITHMETIC,
    Gxd,
    decimal_text,
    locate,
    parse_decimal,
    report,
)

ONE_PERCENT = Decimal("0.01")
MIN_CHAIN_TOLERANCE = Decimal("0.005")
# GXD-19 causes of a chain gap, named in the diagnosis.
GATE_INSTEAD_OF_CRADLE = "used supplier G2G instead of C2G"
NETTED_CERTIFICATES = "netted supplier certificates"
MIX_UP = "per-kg/per-piece mix-up"


def chain_tolerance(expected: Decimal) -> Decimal:
    """max(0.005 kgCO2e, 1 % of |expected|) per piece."""
    with localcontext(ARITHMETIC):
        return max(MIN_CHAIN_TOLERANCE, ONE_PERCENT * abs(expected))


# --- the bill of materials ---------------------------------------------------------------


@dataclass(frozen=True)
class ChainLink:
    """One input of a buyer: `quantity` supplier declared units per piece of the buyer's product."""

    buyer_product_id: str
    supplier_product_id: str
    quantity: Decimal


@dataclass(frozen=True)
class BomEntry:
    """A buyer's inputs; `other` is kgCO2e per piece from non-participating suppliers."""

    buyer_product_id: str
    inputs: tuple[ChainLink, ...]
    other: Decimal
    closed: bool  # True: inputs + other are the whole upstream, so the check is an equality


@dataclass(frozen=True)
class Bom:
    entries: tuple[BomEntry, ...]

    def entry(self, product_id: str) -> BomEntry | None:
        return next((e for e in self.entries if e.buyer_product_id == product_id), None)

    def roots(self) -> list[str]:
        """Tier-0 buyers: products nobody in the BOM consumes."""
        supplied = {link.supplier_product_id for e in self.entries for link in e.inputs}
        return [e.buyer_product_id for e in self.entries if e.buyer_product_id not in supplied]


def served_part(bom: Bom, served: set[str]) -> tuple[Bom, list[BomEntry]]:
    """The entries whose buyer and every input are products the target itself serves, and the rest.

    Without a bill of materials for a foreign target, the fixture BOM may only link what the target's
    own data holds: a buyer whose suppliers it does not serve is not its chain to be judged on.
    """
    linked = [e for e in bom.entries
              if e.buyer_product_id in served and all(link.supplier_product_id in served for link in e.inputs)]
    return Bom(tuple(linked)), [e for e in bom.entries if e not in linked]


def _bom_decimal(value: object, where: str) -> Decimal:
    parsed = parse_decimal(value)
    if parsed is None or parsed < 0:
        raise ValueError(f"BOM {where} must be a decimal string >= 0, got {value!r}")
    return parsed


def _reject_cycles(bom: Bom) -> None:
    def visit(product: str, path: tuple[str, ...]) -> None:
        if product in path:
            raise ValueError(f"BOM has a cycle: {' -> '.join((*path, product))}")
        entry = bom.entry(product)
        for link in entry.inputs if entry else ():
            visit(link.supplier_product_id, (*path, product))

    for entry in bom.entries:
        visit(entry.buyer_product_id, ())


def load_bom(doc: Mapping[str, Any]) -> Bom:
    """A Bom from its JSON form (fixtures/gxd/bom.json); ValueError names what is malformed."""
    buyers = doc.get("buyers") if isinstance(doc, Mapping) else None
    if not isinstance(buyers, list) or not buyers:
        raise ValueError("BOM must have a non-empty 'buyers' array")
    entries = []
    for n, item in enumerate(buyers):
        if not (isinstance(item, Mapping) and isinstance(item.get("buyer"), str) and isinstance(item.get("inputs"), list)):
            raise ValueError(f"BOM buyers[{n}] needs a 'buyer' product id and an 'inputs' array")
        buyer = item["buyer"]
        links = []
        for m, link in enumerate(item["inputs"]):
            if not isinstance(link, Mapping) or not isinstance(link.get("supplier"), str):
                raise ValueError(f"BOM buyers[{n}].inputs[{m}] needs a 'supplier' product id")
            quantity = _bom_decimal(link.get("quantity"), f"buyers[{n}].inputs[{m}].quantity")
            links.append(ChainLink(buyer, link["supplier"], quantity))
        entries.append(BomEntry(buyer, tuple(links), _bom_decimal(item.get("other", "0"), f"buyers[{n}].other"),
                                item.get("closed") is True))
    bom = Bom(tuple(entries))
    _reject_cycles(bom)
    return bom


# --- one footprint's figures ---------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """A chain footprint's numbers per declared unit; g2g/up are None without a Gate-to-Gate split."""

    gxd: Gxd
    product_id: str
    c2g: Decimal
    upa: Decimal
    g2g: Decimal | None
    up: Decimal | None
    certificate: Decimal | None

    @property
    def name(self) -> str:
        value = self.gxd.footprint.get("productNameCompany")
        return value if isinstance(value, str) else self.product_id

    def per_piece(self, value: Decimal | None) -> Decimal | None:
        if value is None:
            return None
        with localcontext(ARITHMETIC):
            return value * self.upa


def _figures(footprint: Mapping[str, Any], product_id: str, spec: str) -> Figures | str:
    """The figures, or the reason they cannot be read (a sentence for the finding)."""
    gxd = locate(footprint, spec)
    if gxd is None:
        return "carries no GxD extension"
    c2g, upa = gxd.pcf_decimal("c2g"), gxd.pcf_decimal("upa")
    if c2g is None or upa is None or upa <= 0:
        return f"has no usable pcf.{gxd.pcf_name('c2g')} and pcf.{gxd.pcf_name('upa')} (decimal strings, amount > 0)"
    certificate = parse_decimal(gxd.member("certificate").get("certificateAmount"))
    return Figures(gxd, product_id, c2g, upa, gxd.gate(G2G), gxd.upstream(), certificate)


def _index(footprints: Iterable[object]) -> dict[str, Mapping[str, Any]]:
    """productId -> footprint; an Active footprint wins over an earlier Deprecated one."""
    found: dict[str, Mapping[str, Any]] = {}
    for footprint in footprints:
        if not isinstance(footprint, Mapping) or not isinstance(footprint.get("productIds"), list):
            continue
        for product_id in footprint["productIds"]:
            if not isinstance(product_id, str):
                continue
            known = found.get(product_id)
            if known is None or (known.get("status") != "Active" and footprint.get("status") == "Active"):
                found[product_id] = footprint
    return found


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TierRow:
    """One chain footprint as seen from one Tier-0 product; share = its consumed C2G / the Tier-0 total."""

    root_product_id: str
    tier: int
    footprint_id: str | None
    product_id: str
    product_name: str
    company: str | None
    c2g: Decimal
    g2g: Decimal | None
    upstream: Decimal | None
    unitary_product_amount: Decimal
    c2g_per_piece: Decimal
    g2g_per_piece: Decimal | None
    share_percent: Decimal


@dataclass(frozen=True)
class HotspotRow:
    """One contribution to the Tier-0 total per piece (GxD note §5.2)."""

    root_product_id: str
    contribution: str
    kgco2e_per_piece: Decimal
    share_percent: Decimal
    detail: str = ""


@dataclass
class ChainResult:
    findings: list[Finding] = field(default_factory=list)
    tiers: list[TierRow] = field(default_factory=list)
    hotspots: list[HotspotRow] = field(default_factory=list)

    def to_rows(self) -> dict[str, list[dict[str, object]]]:
        """Plain JSON-ready rows for the report: decimals as strings, shares to 0.1 %."""
        return {
            "findings": [f.to_dict() for f in self.findings],
            "tiers": [_plain(row) for row in self.tiers],
            "hotspots": [_plain(row) for row in self.hotspots],
        }


def percent_text(value: Decimal) -> str:
    """A share to 0.1 %; format() rounds without the context limits quantize() has."""
    return format(value, ".1f")


def _plain(row: TierRow | HotspotRow) -> dict[str, object]:
    def text(name: str, value: object) -> object:
        if not isinstance(value, Decimal):
            return value
        return percent_text(value) if name == "share_percent" else decimal_text(value)

    return {f.name: text(f.name, getattr(row, f.name)) for f in fields(row)}


# --- GXD-18 and the GXD-19 diagnosis -----------------------------------------------------------


def _causes(difference: Decimal, expected: Decimal, suppliers: Sequence[tuple[ChainLink, Figures]]) -> list[str]:
    """Known mistakes whose size equals `difference` (expected minus declared upstream per piece)."""
    allowed = chain_tolerance(expected)
    found = []
    with localcontext(ARITHMETIC):
        for link, s in suppliers:
            candidates = []
            if s.g2g is not None:
                candidates.append((link.quantity * (s.c2g - s.g2g),
                                   f"{link.quantity} x ({s.c2g} - {s.g2g}): {GATE_INSTEAD_OF_CRADLE}"))
            if s.certificate:
                candidates.append((link.quantity * s.certificate,
                                   f"{link.quantity} x {s.certificate}: {NETTED_CERTIFICATES}"))
            if s.upa != 1:
                consumed = link.quantity * s.c2g
                candidates += [
                    (consumed * (1 - s.upa), f"{link.quantity} x {s.c2g} x (1 - {s.upa}): {MIX_UP}"),
                    (consumed * (1 - 1 / s.upa), f"{link.quantity} x {s.c2g} x (1 - 1/{s.upa}): {MIX_UP}"),
                ]
            found += [f"{text} for supplier {s.name} ({s.product_id})"
                      for size, text in candidates if abs(difference - size) <= allowed]
    return found


def _check_buyer(
    entry: BomEntry, buyer: Figures, upstream: Decimal, suppliers: Sequence[tuple[ChainLink, Figures]]
) -> list[Finding]:
    """GXD-18 for one buyer whose footprints were all found, plus its GXD-19 diagnosis."""
    fp = buyer.gxd.footprint
    where = buyer.gxd.at("gateToGate")
    with localcontext(ARITHMETIC):
        declared = upstream * buyer.upa
        consumed = sum((link.quantity * s.c2g for link, s in suppliers), Decimal(0))
        expected = consumed + entry.other if entry.closed else consumed
        off = expected - declared
    parts = " + ".join(f"{s.name} {link.quantity} x {s.c2g}" for link, s in suppliers)
    breakdown = f"{parts} + other {entry.other}" if entry.closed else parts
    if entry.closed:
        broken = abs(off) > chain_tolerance(expected)
        claim = f"the closed BOM expects {decimal_text(expected)} ({breakdown})"
    else:
        broken = off > chain_tolerance(expected)
        claim = f"its suppliers' Cradle-to-Gate alone is {decimal_text(expected)} ({breakdown})"
    if not broken:
        return []
    findings = [report("GXD-18", Severity.ERROR, where,
                       f"{buyer.name} ({buyer.product_id}): upstream per piece is {decimal_text(declared)} kgCO2e "
                       f"({upstream} x {buyer.upa}) but {claim}; difference {decimal_text(off)} exceeds the chain "
                       f"tolerance {decimal_text(chain_tolerance(expected))}", fp)]
    causes = _causes(off, expected, suppliers)
    known = ", ".join((GATE_INSTEAD_OF_CRADLE, NETTED_CERTIFICATES, MIX_UP))
    diagnosis = "; ".join(causes) if causes else f"no known cause ({known}) matches"
    findings.append(report("GXD-19", Severity.INFO, where,
                           f"diagnosis for {buyer.name}: difference {decimal_text(off)} kgCO2e per piece = {diagnosis}", fp))
    return findings


def _failed_split_rule(footprint: Mapping[str, Any], spec: str) -> str | None:
    """GXD-11 or GXD-13 when that rule fails on the buyer: its upstream is then not comparable."""
    for check in (gate_within_cradle, split_adds_up):
        failed = [f.rule for f in check(footprint, spec) if f.severity is Severity.ERROR]
        if failed:
            return failed[0]
    return None


class _Chain:
    """The fetched footprints indexed by product id, with their figures read once."""

    def __init__(self, footprints: Iterable[object], spec: str) -> None:
        self.index = _index(footprints)
        self.spec = spec
        self._figures: dict[str, Figures | str] = {}

    def figures(self, product_id: str) -> Figures | str:
        """Figures of the footprint for `product_id`, or why there are none ('not found', ...)."""
        if product_id not in self._figures:
            footprint = self.index.get(product_id)
            self._figures[product_id] = "not found" if footprint is None else _figures(footprint, product_id, self.spec)
        return self._figures[product_id]


def _reconcile_buyer(entry: BomEntry, chain: _Chain) -> list[Finding]:
    buyer = chain.figures(entry.buyer_product_id)
    if isinstance(buyer, str):
        return [report("GXD-18", Severity.ERROR, "", f"cannot reconcile: buyer footprint for {entry.buyer_product_id} "
                       f"{buyer}", chain.index.get(entry.buyer_product_id))]
    fp, where = buyer.gxd.footprint, buyer.gxd.at("gateToGate")
    failed = _failed_split_rule(fp, chain.spec)
    if failed:
        return [report("GXD-18", Severity.INFO, where,
                       f"GXD-18 skipped for {buyer.name} ({buyer.product_id}): {failed} fails on that footprint, "
                       "so its upstream cannot be compared with its suppliers", fp)]
    if buyer.up is None:
        return [report("GXD-18", Severity.ERROR, where,
                       f"cannot reconcile: buyer footprint for {buyer.product_id} has no Gate-to-Gate split "
                       "(gateToGate.gateToGateFossilGhgEmissions)", fp)]
    suppliers = [(link, chain.figures(link.supplier_product_id)) for link in entry.inputs]
    missing = [report("GXD-18", Severity.ERROR, "", f"cannot reconcile: supplier footprint for {link.supplier_product_id} "
                      f"{s} (an input of {buyer.name})", fp) for link, s in suppliers if isinstance(s, str)]
    return missing or _check_buyer(entry, buyer, buyer.up, [(link, s) for link, s in suppliers if isinstance(s, Figures)])


# --- GXD-19 hotspot decomposition -----------------------------------------------------------------

GATE, UPSTREAM, OTHER, RESIDUAL = range(4)
LABELS = {
    GATE: "Tier {tier} gate-to-gate",
    UPSTREAM: "Upstream of Tier {tier}",
    OTHER: "Inputs from non-participating suppliers",
    RESIDUAL: "Unexplained residual",
}
TOTAL_LABEL = "Total = Tier 0 Cradle-to-Gate per piece"


class _Unsplittable(Exception):
    """A chain member without a usable Gate-to-Gate split: no decomposition for that Tier-0 product."""


@dataclass
class _Walk:
    """What one Tier-0 piece is made of: (kind, tier, who, kgCO2e) parts and, per product, its amount and tier."""

    parts: list[tuple[int, int, str, Decimal]] = field(default_factory=list)
    products: dict[str, tuple[Figures, Decimal, int]] = field(default_factory=dict)


def _split(chain: _Chain, product_id: str) -> tuple[Figures, Decimal, Decimal]:
    """(figures, G2G, UP) of a chain member, or _Unsplittable."""
    f = chain.figures(product_id)
    if isinstance(f, str) or f.g2g is None or f.up is None:
        raise _Unsplittable(f"the footprint for {product_id} has no usable Gate-to-Gate split")
    return f, f.g2g, f.up


def _walk(chain: _Chain, bom: Bom, product_id: str, amount: Decimal, path: tuple[str, ...], walk: _Walk) -> None:
    """Add `amount` declared units of `product_id` (and, through the BOM, its inputs) to `walk`."""
    if product_id in path:
        raise _Unsplittable(f"the BOM has a cycle through {product_id}")
    (f, g2g, up), tier = _split(chain, product_id), len(path)
    _, seen, first_tier = walk.products.get(product_id, (f, Decimal(0), tier))
    walk.products[product_id] = (f, seen + amount, min(tier, first_tier))
    walk.parts.append((GATE, tier, f.name, amount * g2g))
    entry = bom.entry(product_id)
    if entry is None:
        walk.parts.append((UPSTREAM, tier, f.name, amount * up))
        return
    pieces = amount / f.upa
    for link in entry.inputs:
        _walk(chain, bom, link.supplier_product_id, pieces * link.quantity, (*path, product_id), walk)
    consumed = sum((link.quantity * _split(chain, link.supplier_product_id)[0].c2g for link in entry.inputs), Decimal(0))
    walk.parts.append((OTHER, tier, f.name, pieces * entry.other))
    walk.parts.append((RESIDUAL, tier, f.name, amount * up - pieces * (consumed + entry.other)))


def _share(value: Decimal, total: Decimal) -> Decimal:
    return value * 100 / total if total else Decimal(0)


def _hotspot_rows(root: Figures, walk: _Walk) -> list[HotspotRow]:
    """§5.2: per-tier own Gate-to-Gate, upstream of the last participating tiers, other inputs, residual, total."""
    total = root.upa * root.c2g
    grouped: dict[tuple[int, int], list[tuple[str, Decimal]]] = {}
    for kind, tier, who, value in walk.parts:
        grouped.setdefault((kind, tier if kind in (GATE, UPSTREAM) else 0), []).append((who, value))
    rows = []
    for (kind, tier), items in sorted(grouped.items()):
        value = sum((v for _, v in items), Decimal(0))
        detail = "; ".join(f"{who} {decimal_text(v)}" for who, v in items if v)
        rows.append(HotspotRow(root.product_id, LABELS[kind].format(tier=tier), value, _share(value, total), detail))
    return [*rows, HotspotRow(root.product_id, TOTAL_LABEL, total, _share(total, total))]


def _tier_rows(root: Figures, walk: _Walk) -> list[TierRow]:
    total = root.upa * root.c2g
    rows = []
    for product_id, (f, amount, tier) in walk.products.items():
        footprint_id, company = f.gxd.footprint.get("id"), f.gxd.footprint.get("companyName")
        rows.append(TierRow(
            root.product_id, tier, footprint_id if isinstance(footprint_id, str) else None, product_id, f.name,
            company if isinstance(company, str) else None, f.c2g, f.g2g, f.up, f.upa,
            f.upa * f.c2g, f.per_piece(f.g2g), _share(amount * f.c2g, total),
        ))
    return sorted(rows, key=lambda row: (row.tier, row.product_id))


def _decompose(root_id: str, bom: Bom, chain: _Chain, result: ChainResult) -> None:
    root = chain.figures(root_id)
    if isinstance(root, str):
        return  # the GXD-18 pass already reported the missing or unusable footprint
    walk = _Walk()
    try:
        with localcontext(ARITHMETIC):
            _walk(chain, bom, root_id, root.upa, (), walk)
            rows, tiers = _hotspot_rows(root, walk), _tier_rows(root, walk)
    except _Unsplittable as reason:
        result.findings.append(report("GXD-19", Severity.INFO, "", f"no hotspot decomposition for {root.name}: {reason}",
                                      root.gxd.footprint))
        return
    result.hotspots += rows
    result.tiers += tiers
    parts = [r for r in rows if r.contribution not in (TOTAL_LABEL, LABELS[RESIDUAL])]
    largest = max(parts, key=lambda r: r.kgco2e_per_piece)
    result.findings.append(report(
        "GXD-19", Severity.INFO, "",
        f"hotspot for {root.name}: {decimal_text(rows[-1].kgco2e_per_piece)} kgCO2e per piece; largest contribution "
        f"{largest.contribution} {decimal_text(largest.kgco2e_per_piece)} ({percent_text(largest.share_percent)} %)",
        root.gxd.footprint))


def reconcile(footprints: Sequence[Mapping[str, Any]], bom: Bom, spec: str) -> ChainResult:
    """GXD-18 per buyer of `bom`, then the GXD-19 hotspot decomposition per Tier-0 product."""
    chain = _Chain(footprints, spec)
    result = ChainResult()
    for entry in bom.entries:
        result.findings += _reconcile_buyer(entry, chain)
    for root_id in bom.roots():
        _decompose(root_id, bom, chain, result)
    return result
