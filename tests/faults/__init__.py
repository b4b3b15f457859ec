"""The faulty-server collection: every module here with a FAULTS list contributes faults.

One module per area keeps parallel work apart; `all_faults()` is the catalogue.
"""

from __future__ import annotations

import importlib
import pkgutil

from tests.faults.model import Fault

_HELPERS = {"middleware", "model"}


def all_faults() -> list[Fault]:
    faults: list[Fault] = []
    for module in pkgutil.iter_modules(__path__):
        if module.name in _HELPERS:
            continue
        faults.extend(getattr(importlib.import_module(f"{__name__}.{module.name}"), "FAULTS", []))
    names = [f.name for f in faults]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"fault names must be unique: {sorted(duplicates)}")
    return faults
