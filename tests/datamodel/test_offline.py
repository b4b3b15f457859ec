"""`validate` engine: input kinds, locations, exit codes, the one-line error and the JSON report."""

from __future__ import annotations

import io
import subprocess
import sys
import json
import uuid
from pathlib import Path

import pytest

from conformance import offline
from conformance.offline import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_UNREADABLE,
    PARALLEL_FROM_BYTES,
    validate_paths,
)
from tests.datamodel.helpers import FOOTPRINTS, fixture_files, load


def run(
    paths: list[str],
    spec: str = "2.3",
    fmt: str = "text",
    stdin: str = "",
    profiles: frozenset[str] = frozenset(),
    parallel_from_bytes: int = PARALLEL_FROM_BYTES,
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = validate_paths(
        paths, spec, profiles, fmt, out, err, io.StringIO(stdin), parallel_from_bytes=parallel_from_bytes
    )
    return code, out.getvalue(), err.getvalue()


def compact(doc: object) -> str:
    return json.dumps(doc, separators=(",", ":"))


@pytest.fixture
def good() -> dict:
    return load(fixture_files("2.3", "valid")[0])


@pytest.fixture
def bad() -> dict:
    return load(FOOTPRINTS / "2.3" / "invalid" / "DM-14-unassigned-country.json")


def test_valid_directory_exits_0_with_summary() -> None:
    code, out, err = run([str(FOOTPRINTS / "2.3" / "valid")])
    assert code == EXIT_OK and err == ""
    assert out.splitlines()[-1].startswith("7 footprints in 7 files: 7 valid, 0 invalid")


def test_invalid_file_exits_1_and_locates_the_finding(bad: dict, tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(bad, indent=2))
    code, out, _ = run([str(path)])
    assert code == EXIT_INVALID
    first = out.splitlines()[0]
    assert first.startswith(f"{path} [{bad['id']}] /pcf/geographyCountry DM-14 error: ")
    assert '"UK"' in first


def test_warnings_alone_exit_0(good: dict, tmp_path: Path) -> None:
    good["specVersion"] = "2.2.0"
    path = tmp_path / "warn.json"
    path.write_text(json.dumps(good))
    code, out, _ = run([str(path)])
    assert code == EXIT_OK and "DM-02 warning" in out


def test_json_lines_report_line_numbers(good: dict, bad: dict, tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text(f"{compact(good)}\n\n{compact(bad)}\n")
    code, out, _ = run([str(path)], fmt="json")
    report = json.loads(out)
    assert code == EXIT_INVALID
    assert (report["footprints"], report["valid"], report["invalid"]) == (2, 1, 1)
    assert {(f["line"], f["rule"]) for f in report["findings"]} == {(3, "DM-14")}


def test_response_bodies_and_events_are_unwrapped(good: dict, bad: dict, tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text(compact({"data": [good, bad]}))
    (tmp_path / "get.json").write_text(compact({"data": bad}))
    event = {
        "specversion": "1.0",
        "id": "e1",
        "source": "//host/path",
        "type": "org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1",
        "data": {"requestEventId": "r1", "pfs": [bad]},
    }
    (tmp_path / "event.json").write_text(compact(event))
    (tmp_path / "notes.txt").write_text("ignored: not .json or .jsonl")
    code, out, _ = run([str(tmp_path)], fmt="json")
    report = json.loads(out)
    assert code == EXIT_INVALID and report["footprints"] == 4
    assert sorted((Path(f["file"]).name, f["document_pointer"]) for f in report["findings"]) == [
        ("event.json", "/data/pfs/0"),
        ("get.json", "/data"),
        ("list.json", "/data/1"),
    ]


def test_stdin_json_lines_and_pretty_documents(good: dict, bad: dict) -> None:
    code, out, _ = run(["-"], stdin=f"{compact(good)}\n{compact(bad)}\n")
    assert code == EXIT_INVALID and out.startswith("<stdin>:2 ")
    code, out, _ = run(["-"], stdin=json.dumps(good, indent=2) + "\n" + json.dumps(good, indent=2))
    assert code == EXIT_OK and out.startswith("2 footprints in 1 file:")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"a": 1,\n "b" 2}', "invalid JSON at line 2 column 6: Expecting ':' delimiter"),
        ("", "invalid JSON at line 1 column 1: Expecting value"),
        ('{"a": NaN}', "NaN is not valid JSON"),
    ],
)
def test_unreadable_json_is_one_line_and_exit_2(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content)
    code, _, err = run([str(path)])
    assert code == EXIT_UNREADABLE
    assert err.count("\n") == 1 and err.startswith(f"error: {path}: ") and expected in err


def test_bad_json_line_names_the_line(good: dict, tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(f"{compact(good)}\n{{oops\n")
    code, _, err = run([str(path)])
    assert (code, err) == (
        EXIT_UNREADABLE,
        f"error: {path}: invalid JSON at line 2 column 2: Expecting property name enclosed in double quotes\n",
    )


def test_missing_file_and_non_utf8(tmp_path: Path) -> None:
    code, _, err = run([str(tmp_path / "nope.json")])
    assert (code, err) == (EXIT_UNREADABLE, f"error: {tmp_path / 'nope.json'}: no such file or directory\n")
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"companyName": "M\xfcller"}')
    code, _, err = run([str(path)])
    assert code == EXIT_UNREADABLE and "not UTF-8" in err


def test_json_report_stays_parseable_when_input_breaks(good: dict, tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(f"{compact(good)}\nnot json\n")
    code, out, _ = run([str(path)], fmt="json")
    report = json.loads(out)
    assert code == EXIT_UNREADABLE and report["footprints"] == 1 and "line 2" in report["error"]


def test_json_report_shape_is_stable(bad: dict, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(compact(bad))
    report = json.loads(run([str(path)], fmt="json")[1])
    assert list(report) == ["format", "spec", "profiles", "findings", "files", "footprints", "valid", "invalid", "error"]
    assert list(report["findings"][0]) == [
        "file",
        "line",
        "document_pointer",
        "rule",
        "pointer",
        "message",
        "severity",
        "area",
        "footprint_id",
        "key",  # rule, footprint id, pointer: how --baseline tells one finding from another
    ]


def test_json_lines_are_checked_as_they_are_read(good: dict, bad: dict) -> None:
    """Findings of line 2 are written before line 3 is read: the input is never held whole."""
    consumed: list[str] = []

    def lines():
        for doc in (good, bad, good, good):
            consumed.append("line")
            yield compact(doc) + "\n"

    class Watch(io.StringIO):
        seen_at_first_write: int | None = None

        def write(self, text: str) -> int:
            if self.seen_at_first_write is None:
                self.seen_at_first_write = len(consumed)
            return super().write(text)

    out = Watch()
    code = validate_paths(["-"], "2.3", frozenset(), "text", out, io.StringIO(), lines())  # type: ignore[arg-type]
    assert code == EXIT_INVALID and out.seen_at_first_write == 2


def test_broken_stdin_is_unreadable_input(good: dict) -> None:
    def lines():
        yield compact(good) + "\n"
        raise OSError("connection reset")

    err = io.StringIO()
    code = validate_paths(["-"], "2.3", frozenset(), "text", io.StringIO(), err, lines())  # type: ignore[arg-type]
    assert (code, err.getvalue()) == (EXIT_UNREADABLE, "error: <stdin>: cannot be read: connection reset\n")


def _mixed_lines(good: dict, bad: dict, count: int) -> list[bytes]:
    """`count` JSON lines, every fifth one invalid, every seventh followed by a blank line; fixed ids."""
    lines = []
    for index in range(count):
        footprint = {**(bad if index % 5 == 4 else good), "id": str(uuid.UUID(int=index, version=4))}
        lines.append(compact(footprint).encode() + b"\n" + (b"\n" if index % 7 == 0 else b""))
    return lines


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("damage", ["none", "bad JSON line", "bad UTF-8 line"])
def test_worker_processes_give_the_single_process_output(
    good: dict, bad: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, damage: str
) -> None:
    """Same bytes, exit code and error line; small chunks so results cross many chunks and wait in flight."""
    monkeypatch.setattr(offline, "_CHUNK_LINES", 7)
    lines = _mixed_lines(good, bad, 150)
    if damage == "bad JSON line":
        lines.insert(90, b"{oops\n")
    elif damage == "bad UTF-8 line":
        lines.insert(90, b'{"companyName": "M\xfcller"}\n')
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"".join(lines))
    single = run([str(path), str(FOOTPRINTS / "2.3" / "valid")], fmt=fmt)
    parallel = run([str(path), str(FOOTPRINTS / "2.3" / "valid")], fmt=fmt, parallel_from_bytes=0)
    assert parallel == single
    assert single[0] == (EXIT_INVALID if damage == "none" else EXIT_UNREADABLE)


def test_small_json_lines_never_start_workers(good: dict, bad: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a worker pool was started for a small file")

    monkeypatch.setattr(offline, "ProcessPoolExecutor", no_pool)
    path = tmp_path / "small.jsonl"
    path.write_bytes(b"".join(_mixed_lines(good, bad, 20)))
    assert run([str(path)])[0] == EXIT_INVALID


@pytest.mark.parametrize("name", ["huge.json", "huge.jsonl"])
def test_one_gib_file_is_refused_with_bounded_memory(name: str, good: dict, tmp_path: Path) -> None:
    """A 1 GiB document, or a JSON Lines file whose second line never ends: one line, exit 2, memory bounded."""
    path = tmp_path / name
    with path.open("wb") as handle:
        handle.write((compact(good) + "\n").encode() if name.endswith(".jsonl") else b"{")
        handle.truncate(1024 ** 3)  # sparse: 1 GiB without writing it
    script = ("import sys\nfrom conformance.cli import main\n"
              f"code = main(['validate', {str(path)!r}, '--spec', '2.3'])\n"
              "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
              "print('VMHWM_KIB', hwm.split()[1], code)\n")
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    _, peak_kib, code = next(l for l in completed.stdout.splitlines() if l.startswith("VMHWM_KIB")).split()
    assert int(code) == EXIT_UNREADABLE
    assert completed.stderr.count("\n") == 1 and "one footprint per line" in completed.stderr, completed.stderr
    assert int(peak_kib) / 1024 < 300
    if name.endswith(".jsonl"):
        assert "line 2 has more than" in completed.stderr  # the first line was read and checked


def test_long_stdin_document_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(offline, "MAX_DOCUMENT_BYTES", 1000)
    code, out, err = run(["-"], stdin="[\n" + " " * 2000 + "]\n")
    assert code == EXIT_UNREADABLE and "one footprint per line" in err
