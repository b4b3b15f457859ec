"""Per-version tables of the CarbonFootprint numeric properties (catalogue 3.3, 3.6).

DM-15 (encoding), DM-16/18/35 (signs) and DM-21/22 (ranges) read these tables,
so a property's type and sign are written down once, next to the spec text.
Signs: "any", ">=0", "<=0", ">0".
"""

from __future__ import annotations

V2_DECIMALS: dict[str, str] = {
    "unitaryProductAmount": ">0",
    "productMassPerDeclaredUnit": "any",  # 2.3 only; its sign is DM-17's business
    "pCfExcludingBiogenic": ">=0",
    "pCfIncludingBiogenic": "any",
    "fossilGhgEmissions": ">=0",
    "fossilCarbonContent": ">=0",
    "biogenicCarbonContent": ">=0",
    "dLucGhgEmissions": ">=0",
    "landManagementGhgEmissions": "any",  # any sign since 2.0.1
    "otherBiogenicGhgEmissions": ">=0",
    "iLucGhgEmissions": ">=0",
    "biogenicCarbonWithdrawal": "<=0",  # <= 0 since 2.0.1
    "aircraftGhgEmissions": ">=0",
    "packagingGhgEmissions": ">=0",
}

# 2.x JSON numbers: property -> (minimum, maximum).
V2_NUMBERS: dict[str, tuple[int, int]] = {
    "exemptedEmissionsPercent": (0, 5),
    "primaryDataShare": (0, 100),
}
V2_DQI_NUMBERS: dict[str, tuple[int, int]] = {
    "coveragePercent": (0, 100),
    "technologicalDQR": (1, 3),
    "temporalDQR": (1, 3),
    "geographicalDQR": (1, 3),
    "completenessDQR": (1, 3),
    "reliabilityDQR": (1, 3),
}

V3_DECIMALS: dict[str, str] = {
    "declaredUnitAmount": ">0",
    "productMassPerDeclaredUnit": "any",
    "pcfExcludingBiogenicUptake": "any",
    "pcfIncludingBiogenicUptake": "any",
    "fossilCarbonContent": ">=0",
    "biogenicCarbonContent": ">=0",
    "recycledCarbonContent": ">=0",
    "fossilGhgEmissions": ">=0",
    "landUseChangeGhgEmissions": ">=0",
    "landCarbonLeakage": ">=0",
    "landManagementFossilGhgEmissions": ">=0",
    "landManagementBiogenicCO2Emissions": ">=0",
    "landManagementBiogenicCO2Removals": "<=0",
    "biogenicCO2Uptake": "<=0",
    "biogenicNonCO2Emissions": ">=0",
    "landAreaOccupation": ">=0",
    "aircraftGhgEmissions": ">=0",
    "packagingGhgEmissions": ">=0",
    "packagingBiogenicCarbonContent": ">=0",
    "outboundLogisticsGhgEmissions": ">=0",
    "ccsTechnologicalCO2Capture": "<=0",
    "technologicalCO2Removals": "<=0",  # <= 0 since 3.0.2
    "ccuCarbonContent": ">=0",
    "exemptedEmissionsPercent": "any",  # range is DM-22
    "primaryDataShare": "any",  # range is DM-22
}
V3_DQI_DECIMALS: dict[str, tuple[int, int]] = {
    "technologicalDQR": (1, 5),
    "geographicalDQR": (1, 5),
    "temporalDQR": (1, 5),
}
V3_PERCENT_DECIMALS: dict[str, tuple[int, int]] = {
    "exemptedEmissionsPercent": (0, 100),
    "primaryDataShare": (0, 100),
}

SIGN_TEXT = {">0": "greater than 0", ">=0": "0 or greater", "<=0": "0 or less"}
