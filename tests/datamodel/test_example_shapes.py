"""`validate` on documents shaped like PACT's published examples (our own small copies, not the files).

PACT's examples are footprints, ListFootprints/GetFootprint bodies, events and error
bodies, written for the version their specVersion names; validating them must say
which kind each is, check each footprint against its own version with --spec auto,
and warn when --spec disagrees. Rules the examples trip were checked against the text
(docs/divergences/datamodel.md).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from conformance.cli import main
from conformance.documents import Kind, declared_spec, kind_of
from tests.datamodel.helpers import FOOTPRINTS, load

ERROR_BODY = {"code": "AccessDenied", "message": "Access denied"}


def _v2_footprint() -> dict[str, Any]:
    """A 2.0.0 footprint as the v2 examples have it: no assurance provider named, no crossSectoralStandards."""
    footprint = load(FOOTPRINTS / "2.0" / "valid" / "03-coated-steel-sheet.json")
    footprint["pcf"]["assurance"] = {"assurance": False, "providerName": ""}
    footprint["pcf"].pop("crossSectoralStandards", None)
    return footprint


def _validate(tmp_path: Path, documents: dict[str, Any], *args: str) -> tuple[int, str, str]:
    paths = []
    for name, document in documents.items():
        path = tmp_path / name
        path.write_text(json.dumps(document), encoding="utf-8")
        paths.append(str(path))
    out, err = io.StringIO(), io.StringIO()
    code = main(["validate", *paths, *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_document_kinds() -> None:
    footprint = _v2_footprint()
    assert kind_of(ERROR_BODY) is Kind.ERROR_BODY
    assert kind_of(footprint) is Kind.FOOTPRINT
    assert kind_of({"data": [footprint]}) is Kind.LIST_BODY and kind_of({"data": footprint}) is Kind.GET_BODY
    assert kind_of({"specversion": "1.0", "type": "x", "data": {"pfs": [footprint]}}) is Kind.EVENT
    assert declared_spec(footprint) == "2.0" and declared_spec({"specVersion": "3.0.1"}) == "3.0"
    assert declared_spec({"specVersion": "9.9.9"}) is None


def test_an_error_body_is_not_a_footprint(tmp_path: Path) -> None:
    code, out, err = _validate(tmp_path, {"error-response.json": ERROR_BODY})
    assert code == 0, out
    assert "error body (code AccessDenied): carries no footprint" in err
    assert "0 footprints" in out


def test_spec_auto_checks_each_footprint_against_its_declared_version(tmp_path: Path) -> None:
    footprint = _v2_footprint()
    shapes = {"get.json": {"data": footprint}, "list.json": {"data": [footprint]},
              "event.json": {"specversion": "1.0", "id": "e1", "source": "//example", "type":
                             "org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1",
                             "data": {"requestEventId": "r1", "pfs": [footprint]}}}
    code, out, err = _validate(tmp_path, shapes, "--spec", "auto")
    assert code == 0, out + err  # an empty providerName is a contested warning, not an error
    assert "DM-29 warning" in out
    assert "3 footprints in 3 files: 3 valid" in out


def test_spec_disagreeing_with_spec_version_is_noted(tmp_path: Path) -> None:
    code, out, err = _validate(tmp_path, {"get.json": {"data": _v2_footprint()}}, "--spec", "2.3")
    assert "specVersion 2.0.0 is version 2.0, checked as 2.3 (--spec)" in err
    assert code == 1  # 2.3 requires crossSectoralStandards in the text, which this 2.0.0 footprint lacks


def test_v3_other_operator_name_beside_a_named_operator_is_a_warning(tmp_path: Path) -> None:
    footprint = load(sorted((FOOTPRINTS / "3.0" / "valid").glob("*.json"))[0])
    footprint["pcf"]["productOrSectorSpecificRules"] = [
        {"operator": "PEF", "ruleNames": ["Some rules"], "otherOperatorName": "Some operator"}]
    code, out, _ = _validate(tmp_path, {"rules.json": footprint}, "--spec", "3.0")
    assert code == 0 and "DM-25 warning" in out, out
