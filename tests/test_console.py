"""The console's tables of strings and fields stay complete (no browser needed)."""

from __future__ import annotations

from conformance.service.console.labels import CONSOLE_LABELS, console_labels
from conformance.service.console.views import FORM
from conformance.service.requests import RunRequest


def test_every_run_request_option_is_on_the_form_with_a_label_in_each_language() -> None:
    names = [name for _, fields in FORM for name, _ in fields]
    assert sorted(names) == sorted(RunRequest.model_fields)
    for lang in CONSOLE_LABELS:
        assert all(f"f_{name}" in CONSOLE_LABELS[lang] for name in names)


def test_both_languages_have_every_label_and_none_hides_behind_a_dict_method() -> None:
    assert set(CONSOLE_LABELS["en"]) == set(CONSOLE_LABELS["ja"])
    for lang in CONSOLE_LABELS:  # templates read L.name: a key named like a dict method would print the method
        assert not [key for key in console_labels(lang) if hasattr(dict, key)]
