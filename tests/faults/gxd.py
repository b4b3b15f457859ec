"""GxD profile faults: invalid GxD data swapped in, a broken chain, no extension, extensions refused."""

from __future__ import annotations

import json
from typing import Any

from conformance.reference.data import FIXTURES_DIR, load_footprints
from conformance.rules import check_footprint
from conformance.rules.finding import Severity
from tests.faults.model import Fault

GXD = frozenset({"gxd"})
GROUP_OF = {
    "GXD-ENVELOPE": {"GXD-01", "GXD-02", "GXD-03", "GXD-04", "GXD-22"},
    "GXD-ORGANIZATION": {"GXD-05", "GXD-07", "GXD-08"},
    "GXD-GATE-TO-GATE": {"GXD-10", "GXD-11", "GXD-12", "GXD-13", "GXD-14", "GXD-15"},
    "GXD-DISCLOSURE": {"GXD-09", "GXD-16", "GXD-17", "GXD-20", "GXD-21"},
}


def _served_with(spec: str, replacement: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The gxd-profile dataset with `replacement` in place of the footprint with the same id."""
    dataset = [replacement if fp.get("id") == replacement.get("id") else fp for fp in load_footprints(spec, GXD)]
    return {("3.0" if spec == "3.0" else "2.3"): dataset}


def _swap_faults(spec: str) -> list[Fault]:
    faults = []
    for path in sorted((FIXTURES_DIR / "gxd" / spec / "invalid").glob("GXD-*.json")):
        rule = path.stem[:6]
        invalid = json.loads(path.read_text(encoding="utf-8"))
        errors = {f.rule for f in check_footprint(invalid, spec, GXD) if f.severity is Severity.ERROR}
        case = next((c for c, rules in GROUP_OF.items() if rule in rules), None)
        if case is None:
            continue
        if rule not in errors:  # a SHOULD-level rule warns without failing: the finding must be reported
            if spec != "2.3":
                continue  # the rules are version-agnostic; one spec proves the wiring and keeps CI fast
            faults.append(Fault(
                f"gxd-{path.stem.lower()}@{spec}", f"the host serves GxD data breaking {rule} (warning)",
                kills=frozenset(), warns=frozenset({rule}), specs=(spec,), profiles=GXD,
                overrides={"footprints": _served_with(spec, invalid)},
                collateral=frozenset({"GXD-CHAIN-CONSISTENT"}),  # changed figures may break the chain too
            ))
            continue
        kills = {case}
        if path.stem == "GXD-01-no-extension":
            kills = {"GXD-ENVELOPE"}
        if "DM-12" in errors:  # the envelope rules of the Data Model Extensions spec bind in PACT mode too
            kills.add("DM-EXTENSIONS")
        faults.append(Fault(
            f"gxd-{path.stem.lower()}@{spec}", f"the host serves GxD data breaking {rule} ({path.name})",
            kills=frozenset(kills), specs=(spec,), profiles=GXD,
            overrides={"footprints": _served_with(spec, invalid)},
            # a broken split can also break the chain arithmetic that depends on it
            collateral=frozenset({"GXD-CHAIN-CONSISTENT"}),
        ))
    return faults


def _chain_fault(spec: str) -> Fault:
    path = next((FIXTURES_DIR / "gxd" / spec / "chain-invalid").glob("GXD-18-*.json"))
    return Fault(
        f"gxd-chain-supplier-g2g-summed@{spec}", "the Tier-0 PCF summed a supplier's Gate-to-Gate instead of its PCF (GXD-18)",
        kills=frozenset({"GXD-CHAIN-CONSISTENT"}), specs=(spec,), profiles=GXD,
        overrides={"footprints": _served_with(spec, json.loads(path.read_text(encoding="utf-8")))},
    )


def _strip_extensions(spec: str) -> dict[str, list[dict[str, Any]]]:
    dataset = [{k: v for k, v in fp.items() if k != "extensions"} for fp in load_footprints(spec, GXD)]
    return {("3.0" if spec == "3.0" else "2.3"): dataset}


def _refuse_extensions(app: Any) -> Any:
    """Events whose body carries data model extensions are refused with 400 BadRequest."""

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or scope["method"] != "POST" or not scope["path"].endswith("/events"):
            await app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        if b'"extensions"' in body:
            payload = b'{"code": "BadRequest", "message": "unsupported extension"}'
            await send({"type": "http.response.start", "status": 400,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
            await send({"type": "http.response.body", "body": payload})
            return

        async def replay() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        await app(scope, replay, send)

    return wrapped


FAULTS = [
    *_swap_faults("2.3"), *_swap_faults("3.0"), _chain_fault("2.3"), _chain_fault("3.0"),
    *[Fault(
        f"gxd-no-extension-served@{spec}", "the host serves the chain's footprints without their GxD extension",
        kills=frozenset({"GXD-EXTENSION-PRESENT", "GXD-ENVELOPE"}), specs=(spec,), profiles=GXD,
        overrides={"footprints": _strip_extensions(spec)},
        collateral=frozenset({"GXD-CHAIN-CONSISTENT", "GXD-GATE-TO-GATE", "GXD-ORGANIZATION", "GXD-DISCLOSURE"}),
    ) for spec in ("2.3", "3.0")],
    Fault("gxd-extensions-refused", "the Events endpoint refuses footprints that carry data model extensions",
          kills=frozenset({"GXD-EXTENSIONS-ACCEPTED"}), profiles=GXD, wrap=_refuse_extensions),
]
