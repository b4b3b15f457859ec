"""The schema package: loading, SCHEMA findings, areas, and the OpenAPI documents."""

from __future__ import annotations

import json

import pytest
import schemathesis

from conformance import schemas
from conformance.rules.dm.fields import V2_DECIMALS, V3_DECIMALS, V3_DQI_DECIMALS
from conformance.rules.finding import AREAS, Severity
from conformance.schemas.areas import area_of, pointer, split_pointer
from conformance.versions import SPEC_VERSIONS, info
from tests.datamodel.helpers import valid


@pytest.mark.parametrize("spec", SPEC_VERSIONS)
def test_footprint_schema_is_a_private_copy(spec: str) -> None:
    schema = schemas.footprint_schema(spec)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    schema["required"].clear()
    assert schemas.footprint_schema(spec)["required"]


def test_unknown_version_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        schemas.footprint_schema("1.0")


def test_schema_findings_point_at_the_instance_and_its_area() -> None:
    doc = valid("2.3", "03-coated-steel-sheet")
    del doc["pcf"]["referencePeriodStart"]
    doc["pcf"]["dqi"]["temporalDQR"] = "2"
    doc["pcf"]["assurance"]["coverage"] = 7
    found = {(f.pointer, f.area) for f in schemas.validate_schema(doc, "2.3")}
    assert found == {
        ("/pcf/referencePeriodStart", "time"),
        ("/pcf/dqi/temporalDQR", "data-quality"),
        ("/pcf/assurance/coverage", "assurance"),
    }
    assert all(f.rule == "SCHEMA" and f.severity is Severity.ERROR for f in schemas.validate_schema(doc, "2.3"))


def test_v3_null_means_undefined_but_required_must_not_be_null() -> None:
    doc = valid("3.0", "05-road-freight")
    doc["comment"] = None
    doc["pcf"]["dqi"] = None
    assert schemas.validate_schema(doc, "3.0") == []
    doc["pcf"]["fossilGhgEmissions"] = None
    assert [f.pointer for f in schemas.validate_schema(doc, "3.0")] == ["/pcf/fossilGhgEmissions"]


def test_version_specific_properties() -> None:
    properties = {spec: set(schemas.footprint_schema(spec)["$defs"]["CarbonFootprint"]["properties"]) for spec in SPEC_VERSIONS}
    assert "ipccCharacterizationFactorsSources" not in properties["2.1"]
    assert "ipccCharacterizationFactorsSources" in properties["2.2"]
    assert {"crossSectoralStandards", "productMassPerDeclaredUnit"} <= properties["2.3"] - properties["2.2"]
    assert "declaredUnitOfMeasurement" in properties["3.0"] and "declaredUnit" not in properties["3.0"]


@pytest.mark.parametrize("spec", SPEC_VERSIONS)
def test_rule_field_tables_match_the_schema(spec: str) -> None:
    """DM-15/16/18/35 read fields.py; every decimal there must be a decimal string in the schema, and back."""
    schema = schemas.footprint_schema(spec)
    definitions = schema["$defs"]
    cf = definitions["CarbonFootprint"]["properties"]

    def is_decimal(node: dict) -> bool:
        node = node.get("else", node)
        return node.get("$ref", "").endswith("Decimal")

    table = V2_DECIMALS if info(spec).major == 2 else V3_DECIMALS
    assert {name for name, node in cf.items() if is_decimal(node)} == {name for name in table if name in cf}
    if info(spec).major == 3:
        dqi = definitions["DataQualityIndicators"]["properties"]
        assert {name for name, node in dqi.items() if is_decimal(node)} == set(V3_DQI_DECIMALS)


def test_enum_of_reads_the_schema() -> None:
    assert "Western Europe" in schemas.enum_of("2.3", "CarbonFootprint", "geographyRegionOrSubregion")
    assert schemas.enum_of("3.0", "Verification", "coverage") == ("PCF calculation model", "PCF program", "product level")
    assert schemas.enum_of("3.0", "", "status") == ("Active", "Deprecated")


@pytest.mark.parametrize(
    ("ptr", "area"),
    [
        ("", "identity"),
        ("/id", "identity"),
        ("/created", "time"),
        ("/extensions/0/data", "extensions"),
        ("/pcf", "emissions"),
        ("/pcf/fossilGhgEmissions", "emissions"),
        ("/pcf/referencePeriodEnd", "time"),
        ("/pcf/dqi/temporalDQR", "data-quality"),
        ("/pcf/verification", "assurance"),
        ("/pcf/geographyCountry", "identity"),
    ],
)
def test_area_of(ptr: str, area: str) -> None:
    assert area_of(ptr) == area and area in AREAS


def test_pointer_round_trip_escapes() -> None:
    parts = ["a/b", "c~d", 3]
    assert pointer(parts) == "/a~1b/c~0d/3"
    assert split_pointer(pointer(parts)) == ["a/b", "c~d", "3"]


@pytest.mark.parametrize("spec", SPEC_VERSIONS)
def test_openapi_document_loads_in_schemathesis(spec: str) -> None:
    document = schemas.openapi_document(spec)
    assert document["openapi"].startswith("3.1")
    loaded = schemathesis.openapi.from_dict(document)
    labels = {result.ok().label for result in loaded.get_all_operations()}
    prefix = info(spec).path_prefix
    expected = {"POST /auth/token", f"GET {prefix}/footprints", f"GET {prefix}/footprints/{{id}}", f"POST {prefix}/events"}
    if info(spec).oidc_defined:
        expected.add("GET /.well-known/openid-configuration")
    assert labels == expected


@pytest.mark.parametrize("spec", SPEC_VERSIONS)
def test_openapi_embeds_this_versions_footprint_schema(spec: str) -> None:
    components = schemas.openapi_document(spec)["components"]["schemas"]
    footprint = components["ProductFootprint"]
    assert "$defs" not in footprint and "$id" not in footprint
    assert set(footprint["required"]) == set(schemas.footprint_schema(spec)["required"])
    text = json.dumps(components)
    assert "#/$defs/" not in text


@pytest.mark.parametrize("spec", SPEC_VERSIONS)
def test_openapi_event_types_match_versions_table(spec: str) -> None:
    components = schemas.openapi_document(spec)["components"]["schemas"]
    consts = {
        components[name]["allOf"][1]["properties"]["type"]["const"]
        for name in ("PublishedEvent", "RequestCreatedEvent", "RequestFulfilledEvent", "RequestRejectedEvent")
    }
    assert consts == set(info(spec).event_types.values())


def test_v3_list_filters_are_repeatable_query_parameters() -> None:
    parameters = schemas.openapi_document("3.0")["components"]["parameters"]
    for name in ("ProductId", "CompanyId", "Geography", "Classification"):
        assert parameters[name]["explode"] is True and parameters[name]["in"] == "query"
    assert {parameters[name]["name"] for name in parameters} >= {
        "productId",
        "companyId",
        "geography",
        "classification",
        "validOn",
        "validAfter",
        "validBefore",
        "status",
        "limit",
    }


def test_openapi_path_holds_the_document() -> None:
    path = schemas.openapi_path("2.3")
    assert json.loads(path.read_text()) == schemas.openapi_document("2.3")
