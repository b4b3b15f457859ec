"""Compiled report templates kept in the user's cache: reused, never stale, never a reason for a failed report."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pytest

from conformance.report import templates_env
from conformance.report.templates_env import report_environment
from conformance.user_cache import private_dir


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "pact-conformance" / "templates"


def _dict_environment(source: str) -> jinja2.Environment:
    """An environment as report_environment builds it, over one in-memory template."""
    return jinja2.Environment(loader=jinja2.DictLoader({"t.j2": source}), autoescape=True,
                              bytecode_cache=templates_env._bytecode_cache())  # noqa: SLF001


def test_a_compiled_report_template_is_kept_and_read_back_without_compiling(cache: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    report_environment("conformance.report").get_template("report.html.j2")
    kept = list(cache.iterdir())
    assert len(kept) == 1 and kept[0].stat().st_size > 0
    assert cache.stat().st_mode & 0o777 == 0o700

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("the kept template was compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", no_compiling)
    template = report_environment("conformance.report").get_template("report.html.j2")
    assert isinstance(template, jinja2.Template)


def test_an_edited_template_is_compiled_again_not_served_stale(cache: Path) -> None:
    assert _dict_environment("{{ 'old' }}").get_template("t.j2").render() == "old"
    assert _dict_environment("{{ 'new' }}").get_template("t.j2").render() == "new"


def test_a_damaged_kept_template_is_a_cache_miss(cache: Path) -> None:
    _dict_environment("{{ 1 + 1 }}").get_template("t.j2")
    for kept in cache.iterdir():
        kept.write_bytes(b"j2 not bytecode at all")
    assert _dict_environment("{{ 1 + 1 }}").get_template("t.j2").render() == "2"


def test_no_usable_cache_folder_means_compiling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "cache-is-a-file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert private_dir("templates") is None
    assert report_environment("conformance.report").bytecode_cache is None
    assert _dict_environment("{{ 'compiled' }}").get_template("t.j2").render() == "compiled"


def test_a_cache_folder_that_is_a_link_elsewhere_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What is read back from the folder is executed: only a real folder of the user's own is trusted."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = tmp_path / "cache" / "pact-conformance"
    root.mkdir(parents=True)
    os.symlink(elsewhere, root / "templates")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert private_dir("templates") is None


def test_a_write_error_while_keeping_a_template_does_not_fail_the_render(cache: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jinja2.FileSystemBytecodeCache, "dump_bytecode", full_disk)
    monkeypatch.setattr(jinja2.FileSystemBytecodeCache, "load_bytecode", full_disk)
    assert _dict_environment("{{ 'still rendered' }}").get_template("t.j2").render() == "still rendered"
