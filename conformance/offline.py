"""Engine of `pact-conformance validate`: check footprint files without a host.

Accepts footprint JSON, ListFootprints/GetFootprint bodies, CloudEvents that
carry footprints, arrays, JSON Lines, concatenated documents, directories and
stdin. JSON Lines are read line by line and findings are written as they are
found, so memory stays flat however large the input (the JSON report is
streamed too). A large JSON Lines file is checked by a pool of worker
processes, a bounded number of chunks at a time, because one process tops out
near 5,000 footprints/s; results are still written in input order.
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import stat
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, Self, TextIO

import ijson

from conformance.documents import Kind, describe, kind_of, spec_for, spec_notice
from conformance.rules import check_footprint
from conformance.rules.finding import Finding, Severity
from conformance.schemas.areas import pointer
from conformance.versions import DEFAULT_SPEC

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2
_SUFFIXES = (".json", ".jsonl")

# From this size (about 2,000 footprints) a JSON Lines file goes to worker processes; smaller
# inputs are done before the workers would have paid back their start-up.
PARALLEL_FROM_BYTES = 4 * 1024 * 1024
_CHUNK_LINES = 500  # per task: large enough that pickling and scheduling stay a few percent
# Input too large to be a footprint document is refused before it is in memory (a 1 GiB file,
# a line without an end): one clear line instead of gigabytes of parsing.
MAX_LINE_CHARS = 16 * 1024 * 1024
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
_CHUNKS_PER_WORKER = 2  # in flight: keeps every worker busy while memory stays bounded


class UnreadableInput(Exception):
    """Input that is not JSON (or not a file); its message is the one line printed to stderr."""


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    """A number beyond a double's range would become Infinity, which is no JSON value: refuse it."""
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number {text[:40]} is beyond the range of a double")
    return value


class _Object(dict[str, object]):
    """A JSON object that counts the keys it was given twice (RFC 8259: names SHOULD be unique)."""

    duplicates: tuple[str, ...] = ()
    flagged = 0  # objects with a duplicate key parsed so far: a footprint is searched only when this moved

    def __setitem__(self, key: str, value: object) -> None:  # the streaming parser builds objects this way
        if key in self:
            self.duplicates = (*self.duplicates, key)
            _Object.flagged += 1
        super().__setitem__(key, value)


def _object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    built = dict(pairs)
    if len(built) == len(pairs):
        return built
    flagged = _Object(built)
    seen: set[str] = set()
    flagged.duplicates = tuple(key for key, _ in pairs if key in seen or seen.add(key))
    _Object.flagged += 1
    return flagged


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float, object_pairs_hook=_object)
# Past this size a document that is one array is read item by item (ijson): its parsed form takes
# about 25 times its size, so a 200 MiB array of {} would otherwise need gigabytes.
STREAM_FROM_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Location:
    """Where a footprint came from: file, line (JSON Lines / multi-document input) and pointer inside the document."""

    file: str
    line: int | None
    document_pointer: str


@dataclass
class Notices:
    """Document-level remarks (kind, specVersion), each once per file with a count; printed after the findings."""

    counts: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        key = (name, message)
        self.counts[key] = self.counts.get(key, 0) + 1

    def lines(self) -> list[str]:
        return [f"{name}: {message}" + (f" ({count} times)" if count > 1 else "")
                for (name, message), count in self.counts.items()]


@dataclass
class Tally:
    footprints: int = 0
    valid: int = 0
    files: list[str] = field(default_factory=list)

    @property
    def invalid(self) -> int:
        return self.footprints - self.valid


def validate_paths(
    paths: list[str],
    spec: str,
    profiles: frozenset[str],
    fmt: str,
    out: TextIO,
    err: TextIO,
    stdin: TextIO,
    *,
    parallel_from_bytes: int = PARALLEL_FROM_BYTES,
) -> int:
    """Validate every footprint found under `paths`; 0 all valid, 1 an ERROR finding, 2 unreadable input.

    JSON Lines files of at least `parallel_from_bytes` are checked by worker processes; the output is
    the same either way.
    """
    reporter: _Reporter = _JsonReporter(out, spec, profiles) if fmt == "json" else _TextReporter(out)
    tally = Tally()
    notices = Notices()
    with _Workers(spec, profiles) as workers:
        try:
            for name, path in _sources(paths):
                tally.files.append(name)
                noted = _Noted(notices, name)
                if path is None:
                    checked = _checked(_stdin_documents(stdin), spec, profiles, noted)
                else:
                    checked = _file_checked(path, spec, profiles, workers, parallel_from_bytes, noted)
                for line, document_pointer, findings in checked:
                    tally.footprints += 1
                    if not findings:  # most footprints: no Location built, nothing written
                        tally.valid += 1
                        continue
                    location = Location(name, line, document_pointer)
                    for finding in findings:
                        reporter.finding(location, finding)
                    tally.valid += all(finding.severity is not Severity.ERROR for finding in findings)
        except UnreadableInput as exc:
            message = str(exc)
            reporter.finish(tally, error=message)
            print(f"error: {printable(message)}", file=err)
            return EXIT_UNREADABLE
    for line in notices.lines():  # on stderr in both formats: the JSON report's shape stays stable
        print(f"note: {line}", file=err)
    reporter.finish(tally, error=None)
    return EXIT_OK if tally.invalid == 0 else EXIT_INVALID


# --- input -------------------------------------------------------------------------------------

Documents = Iterator[tuple[int | None, object]]
# (line, pointer inside the document, findings) per footprint, in input order.
Checked = tuple[int | None, str, list[Finding]]


def _sources(paths: list[str]) -> Iterator[tuple[str, Path | None]]:
    """(display name, path; None for stdin) of every input file, directories expanded in sorted order."""
    for raw in paths:
        if raw == "-":
            yield "<stdin>", None
            continue
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.suffix in _SUFFIXES and p.is_file()):
                yield str(child), child
        elif path.is_file() or _is_stream(path):
            yield raw, path
        elif path.exists():
            raise UnreadableInput(f"{raw}: not a regular file (a socket or block device)")
        else:
            raise UnreadableInput(f"{raw}: no such file or directory")


def _is_stream(path: Path) -> bool:
    """A pipe or character device (`<(cmd)`, a FIFO, /dev/stdin): read like stdin, bounded the same way."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


class _Noted:
    """The notices of one input file (None-safe for worker processes, which keep none)."""

    def __init__(self, notices: Notices | None, name: str) -> None:
        self.notices, self.name = notices, name

    def __call__(self, message: str) -> None:
        if self.notices is not None:
            self.notices.add(self.name, message)


def _checked(documents: Documents, spec: str, profiles: frozenset[str],
             noted: _Noted | None = None) -> Iterator[Checked]:
    """Every footprint of every document checked in this process, lazily so findings stream out.

    With --spec auto each footprint is checked against the version its specVersion names.
    """
    note = noted or _Noted(None, "")
    iterator = iter(documents)
    while True:
        parsed_with = _Object.flagged
        try:
            line, document = next(iterator)
        except StopIteration:
            return
        found = False
        for checked in _checked_footprints(line, footprints_in(document), spec, profiles, parsed_with, note):
            found = True
            yield checked
        if not found:
            note(f"{describe(document)}: carries no footprint, nothing to check")


def _checked_footprints(line: int | None, footprints: Iterable[tuple[str, object]], spec: str,
                        profiles: frozenset[str], parsed_with: int | None = None,
                        note: _Noted | None = None) -> Iterator[Checked]:
    """parsed_with: _Object.flagged before the document was parsed; None when each footprint is parsed as it is pulled."""
    note = note or _Noted(None, "")
    iterator = iter(footprints)
    while True:
        before = _Object.flagged if parsed_with is None else parsed_with
        try:
            document_pointer, footprint = next(iterator)
        except StopIteration:
            return
        notice = spec_notice(footprint, spec, DEFAULT_SPEC)
        if notice:
            note(notice)
        try:
            findings = check_footprint(footprint, spec_for(footprint, spec, DEFAULT_SPEC), profiles)
        except RecursionError:
            findings = [Finding("JSON", "", "the footprint is nested too deeply to be checked", Severity.ERROR,
                                "identity")]
        if _Object.flagged != before:
            findings = findings + _duplicate_keys(footprint)
        yield line, document_pointer, findings


def _duplicate_keys(value: object, where: tuple[str | int, ...] = ()) -> list[Finding]:
    """A WARNING per object that names a key twice: receivers may keep either value (RFC 8259 §4)."""
    found: list[Finding] = []
    stack: list[tuple[object, tuple[str | int, ...]]] = [(value, where)]
    while stack:  # no recursion: the depth is the input's
        item, path = stack.pop()
        if isinstance(item, dict):
            if isinstance(item, _Object) and item.duplicates:
                identifier = value.get("id") if isinstance(value, dict) else None
                found += [Finding("JSON", pointer(path), f"key {key!r} appears more than once in this object; "
                                  "a receiver may keep either value", Severity.WARNING, "identity",
                                  identifier if isinstance(identifier, str) else None)
                          for key in dict.fromkeys(item.duplicates)]
            stack += [(child, (*path, key)) for key, child in item.items() if isinstance(child, dict | list)]
        elif isinstance(item, list):
            stack += [(child, (*path, index)) for index, child in enumerate(item) if isinstance(child, dict | list)]
    return found


def _file_checked(
    path: Path, spec: str, profiles: frozenset[str], workers: _Workers, parallel_from_bytes: int,
    noted: _Noted | None = None,
) -> Iterator[Checked]:
    """Results for one file: large JSON Lines files by the workers, everything else in this process."""
    try:
        if _is_stream(path):
            with path.open(encoding="utf-8") as stream:
                yield from _checked(_stream_documents(str(path), stream), spec, profiles, noted)
            return
        size = path.stat().st_size
        if path.suffix != ".jsonl":
            if size > MAX_DOCUMENT_BYTES:
                raise UnreadableInput(f"{path}: {size} bytes is more than a document may have here "
                                      f"({MAX_DOCUMENT_BYTES // 2**20} MiB); write it as JSON Lines, one footprint per line")
            if size >= STREAM_FROM_BYTES and _starts_with(path, b"["):
                yield from _checked_footprints(None, _array_items(path), spec, profiles, note=noted)
                return
            yield from _checked(_concatenated(str(path), path.read_text(encoding="utf-8")), spec, profiles, noted)
            return
        with path.open(encoding="utf-8") as handle:
            lines = _bounded_lines(str(path), handle)
            if size >= parallel_from_bytes:
                yield from workers.check_lines(str(path), lines)
            else:
                yield from _checked(_json_lines(str(path), lines, start=1), spec, profiles, noted)
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"{path}: not UTF-8 text (byte offset {exc.start})") from exc
    except OSError as exc:
        raise UnreadableInput(f"{path}: cannot be read: {exc.strerror}") from exc


def _starts_with(path: Path, opening: bytes) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip(b" \t\r\n\xef\xbb\xbf")
    return head.startswith(opening)


def _array_items(path: Path) -> Iterator[tuple[str, object]]:
    """(pointer, item) of a document that is one large array, parsed one item at a time."""
    with path.open("rb") as handle:
        items = ijson.items(handle, "item", use_float=True, map_type=_Object)
        index = 0
        try:
            for index, item in enumerate(items):
                yield pointer((index,)), item
        except ijson.JSONError as exc:
            raise UnreadableInput(f"{path}: invalid JSON after item {index}: {str(exc).splitlines()[0]}") from None
        except RecursionError:
            raise UnreadableInput(f"{path}: invalid JSON: item {index} is nested too deeply") from None


def _stdin_documents(stdin: TextIO) -> Documents:
    try:
        yield from _stream_documents("<stdin>", stdin)
    except OSError as exc:
        raise UnreadableInput(f"<stdin>: cannot be read: {exc}") from exc


def _stream_documents(name: str, stdin: TextIO) -> Documents:
    """JSON Lines when the first non-blank line is a whole document, else one or more documents in one text."""
    lines = _bounded_lines(name, stdin)
    number, first = next(((number, line) for number, line in enumerate(lines, start=1) if line.strip()), (0, ""))
    if not first:
        return
    try:
        value = _DECODER.decode(first)
    except (ValueError, RecursionError):
        rest = stdin.read(MAX_DOCUMENT_BYTES + 1)
        if len(first) + len(rest) > MAX_DOCUMENT_BYTES:
            raise UnreadableInput(f"{name}: more than {MAX_DOCUMENT_BYTES // 2**20} MiB in one document; "
                                  "send JSON Lines, one footprint per line") from None
        yield from _concatenated(name, first + rest, first_line=number)
        return
    yield number, value
    yield from _json_lines(name, lines, start=number + 1)


def _bounded_lines(name: str, handle: TextIO | Iterable[str]) -> Iterator[str]:
    """The lines of a text, refusing one longer than MAX_LINE_CHARS before all of it is in memory.

    A plain iterable of lines (no readline) is already split; its lines are only length-checked.
    """
    readline = getattr(handle, "readline", None)
    source = iter(lambda: readline(MAX_LINE_CHARS + 1), "") if readline else iter(handle)
    for number, line in enumerate(source, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise UnreadableInput(f"{name}: line {number} has more than {MAX_LINE_CHARS:,} characters; "
                                  "a JSON Lines file holds one footprint per line")
        yield line


def _json_lines(name: str, lines: Iterable[str], start: int) -> Documents:
    for number, text in enumerate(lines, start=start):
        if not text.strip():
            continue
        try:
            yield number, _DECODER.decode(text)
        except json.JSONDecodeError as exc:
            raise UnreadableInput(f"{name}: invalid JSON at line {number} column {exc.colno}: {exc.msg}") from exc
        except ValueError as exc:
            raise UnreadableInput(f"{name}: invalid JSON at line {number}: {exc}") from exc
        except RecursionError:
            raise UnreadableInput(f"{name}: invalid JSON at line {number}: nested too deeply") from None


def _concatenated(name: str, text: str, first_line: int = 1) -> Documents:
    """One document, or several written one after the other; line numbers only when there are several."""
    offset, values = 0, []
    while True:
        while offset < len(text) and text[offset].isspace():
            offset += 1
        if offset == len(text):
            break
        line = text.count("\n", 0, offset) + first_line
        try:
            value, offset = _DECODER.raw_decode(text, offset)
        except json.JSONDecodeError as exc:
            raise UnreadableInput(
                f"{name}: invalid JSON at line {exc.lineno + first_line - 1} column {exc.colno}: {exc.msg}"
            ) from exc
        except ValueError as exc:
            raise UnreadableInput(f"{name}: invalid JSON near line {line}: {exc}") from exc
        except RecursionError:
            raise UnreadableInput(f"{name}: invalid JSON near line {line}: nested too deeply") from None
        values.append((line, value))
    if not values:
        raise UnreadableInput(f"{name}: invalid JSON at line {first_line} column 1: Expecting value")
    if len(values) == 1:
        yield None, values[0][1]
    else:
        yield from values


def footprints_in(document: object) -> Iterator[tuple[str, object]]:
    """(pointer inside the document, footprint) for each footprint a document carries."""
    if isinstance(document, list):
        for index, item in enumerate(document):
            yield pointer((index,)), item
        return
    if kind_of(document) is Kind.ERROR_BODY:  # an Error response is not a footprint
        return
    if not isinstance(document, dict) or "data" not in document:
        yield "", document
        return
    data = document["data"]
    if "specversion" in document and isinstance(data, dict):  # a CloudEvent: only RequestFulfilled carries footprints
        for index, item in enumerate(data.get("pfs") if isinstance(data.get("pfs"), list) else []):
            yield pointer(("data", "pfs", index)), item
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield pointer(("data", index)), item
    else:
        yield "/data", data


# --- worker processes --------------------------------------------------------------------------

_ChunkResult = tuple[list[Checked], str | None]


class _Workers:
    """A process pool for large JSON Lines files, started on first use so small inputs never pay its start-up."""

    def __init__(self, spec: str, profiles: frozenset[str]) -> None:
        self.spec, self.profiles = spec, profiles
        self.count = os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Waits for the chunks being checked (a fraction of a second) and drops the queued ones."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def check_lines(self, name: str, lines: Iterable[str]) -> Iterator[Checked]:
        """Results of a JSON Lines text in input order, at most a few chunks read ahead.

        A read error (bad UTF-8, I/O) is raised only after the lines read before it are
        reported, exactly as the single-process path does.
        """
        pending: deque[Future[_ChunkResult]] = deque()
        chunks = _chunks(lines)
        failure: UnicodeDecodeError | OSError | UnreadableInput | None = None
        while True:
            try:
                start, chunk = next(chunks)
            except StopIteration:
                break
            except (UnicodeDecodeError, OSError, UnreadableInput) as exc:
                failure = exc
                break
            pending.append(self._submit(name, start, chunk))
            if len(pending) > self.count * _CHUNKS_PER_WORKER:
                yield from _unpack(pending.popleft().result())
        while pending:
            yield from _unpack(pending.popleft().result())
        if failure is not None:
            raise failure

    def _submit(self, name: str, start: int, chunk: list[str]) -> Future[_ChunkResult]:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.count, initializer=_ignore_interrupts)
        return self._pool.submit(_check_chunk, name, start, chunk, self.spec, self.profiles)


def _chunks(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """(number of the first line, lines) per chunk; on a read error the lines read so far come first."""
    start, chunk = 1, list[str]()
    try:
        for text in lines:
            chunk.append(text)
            if len(chunk) == _CHUNK_LINES:
                yield start, chunk
                start, chunk = start + _CHUNK_LINES, []
    except (UnicodeDecodeError, OSError, UnreadableInput):
        if chunk:
            yield start, chunk
        raise
    if chunk:
        yield start, chunk


def _ignore_interrupts() -> None:
    """Ctrl-C reaches the whole process group; only the main process acts on it (and stops the pool)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _check_chunk(name: str, start: int, lines: list[str], spec: str, profiles: frozenset[str]) -> _ChunkResult:
    """In a worker: the chunk's results up to the first unreadable line, and that line's message."""
    results: list[Checked] = []
    try:
        results.extend(_checked(_json_lines(name, lines, start), spec, profiles))  # keeps what came before a raise
    except UnreadableInput as exc:
        return results, str(exc)
    return results, None


def _unpack(chunk_result: _ChunkResult) -> Iterator[Checked]:
    results, error = chunk_result
    yield from results
    if error is not None:
        raise UnreadableInput(error)


# --- output ------------------------------------------------------------------------------------


_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """Text that can be written as UTF-8: an unpaired surrogate (from a \\ud800 escape, or a file name
    that is not UTF-8) becomes its \\uXXXX escape, which inside a JSON string means the same value."""
    return _SURROGATE.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


class _Reporter(Protocol):
    def finding(self, location: Location, finding: Finding) -> None: ...

    def finish(self, tally: Tally, error: str | None) -> None: ...


class _TextReporter:
    """One line per finding: `file:line /doc/pointer [id] /pointer RULE severity: message`, then a summary."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.counts = {severity: 0 for severity in Severity}

    def finding(self, location: Location, finding: Finding) -> None:
        self.counts[finding.severity] += 1
        where = location.file + (f":{location.line}" if location.line is not None else "")
        if location.document_pointer:
            where += f" {location.document_pointer}"
        footprint = f"[{finding.footprint_id}]" if finding.footprint_id else "[no id]"
        self.out.write(printable(
            f"{where} {footprint} {finding.pointer or '/'} {finding.rule} {finding.severity.value}: {finding.message}\n"
        ))

    def finish(self, tally: Tally, error: str | None) -> None:
        if error is not None:
            return
        errors, warnings = self.counts[Severity.ERROR], self.counts[Severity.WARNING]
        files = len(tally.files)
        self.out.write(
            f"{tally.footprints} footprints in {files} file{'' if files == 1 else 's'}: {tally.valid} valid, {tally.invalid} invalid "
            f"({errors} errors, {warnings} warnings)\n"
        )


class _JsonReporter:
    """A stable JSON document, streamed: findings are written as they come, totals at the end."""

    def __init__(self, out: TextIO, spec: str, profiles: frozenset[str]) -> None:
        self.out = out
        self.first = True
        out.write('{"format": "pact-conformance-validate/1", ')
        out.write(f'"spec": {json.dumps(spec)}, "profiles": {json.dumps(sorted(profiles))}, "findings": [')

    def finding(self, location: Location, finding: Finding) -> None:
        record = {
            "file": location.file,
            "line": location.line,
            "document_pointer": location.document_pointer,
            **finding.to_dict(),
        }
        self.out.write(("\n  " if self.first else ",\n  ") + printable(json.dumps(record, ensure_ascii=False)))
        self.first = False

    def finish(self, tally: Tally, error: str | None) -> None:
        totals = {
            "files": tally.files,
            "footprints": tally.footprints,
            "valid": tally.valid,
            "invalid": tally.invalid,
            "error": error,
        }
        self.out.write("\n], " + printable(json.dumps(totals, ensure_ascii=False))[1:] + "\n")
