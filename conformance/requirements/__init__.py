"""The requirement catalogue as data (catalogue.toml): what each cited requirement id asks, in the project's own
words (English and Japanese), on which basis, where the specification says it, and how a vendor fixes a failure.

Reports, `cases --coverage` and the console read it; tests/test_requirements.py fails when a case or a data rule
cites an id with no entry, or an entry misses a text in a language.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

LANGS = ("en", "ja")
BASES = ("MUST", "SHOULD", "MAY", "definition", "contested")
# Published specification pages: v2 minors by version, v3 as the latest published text.
_PACT_V2 = "https://docs.carbon-transparency.org/tr/data-exchange-protocol/v{version}.0/"
_PACT_V3 = "https://docs.carbon-transparency.org/tr/data-exchange-protocol/latest/"
_GXD_RULES = ("https://github.com/pact-gxd-conformance/pact-gxd-conformance/blob/main/docs/gxd-extension/1.1.0/"
              "README.md#4-conformance-rules-summary")


@dataclass(frozen=True)
class Requirement:
    """One catalogue entry; `text` and `fix` are keyed by language."""

    id: str
    basis: str
    text: dict[str, str]
    fix: dict[str, str]
    anchor: str | None = None
    anchor_v3: str | None = None
    sides: dict[str, list[str]] = field(default_factory=dict)  # a contested entry: both readings

    def url(self, spec: str) -> str:
        """The spec section for this version (GxD rules: the project's extension document)."""
        if self.id.startswith("GXD-"):
            return _GXD_RULES
        if spec.startswith("3"):
            return _PACT_V3 + (f"#{self.anchor_v3}" if self.anchor_v3 else "")
        return _PACT_V2.format(version=spec) + (f"#{self.anchor}" if self.anchor else "")

    def text_in(self, lang: str) -> str:
        return self.text.get(lang) or self.text["en"]

    def fix_in(self, lang: str) -> str:
        return self.fix.get(lang) or self.fix["en"]

    def to_dict(self, spec: str, lang: str = "en") -> dict[str, object]:
        return {"id": self.id, "basis": self.basis, "text": self.text_in(lang), "fix": self.fix_in(lang),
                "url": self.url(spec), "sides": self.sides.get(lang, self.sides.get("en", []))}


def _entry(requirement_id: str, data: dict[str, object]) -> Requirement:
    def strings(prefix: str) -> dict[str, str]:
        return {lang: str(data[key]) for lang in LANGS if (key := f"{prefix}{lang}") in data}

    sides = {lang: [str(s) for s in data[f"sides_{lang}"]]  # type: ignore[attr-defined]
             for lang in LANGS if f"sides_{lang}" in data}
    return Requirement(id=requirement_id, basis=str(data["basis"]), text=strings(""), fix=strings("fix_"),
                       anchor=data.get("anchor"), anchor_v3=data.get("anchor_v3"), sides=sides)  # type: ignore[arg-type]


@cache
def catalogue() -> dict[str, Requirement]:
    """Every entry by id, read once from the packaged TOML file."""
    raw = tomllib.loads(resources.files(__package__).joinpath("catalogue.toml").read_text(encoding="utf-8"))
    return {requirement_id: _entry(requirement_id, data) for requirement_id, data in raw.items()}


def requirement(requirement_id: str) -> Requirement | None:
    return catalogue().get(requirement_id)
