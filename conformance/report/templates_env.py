"""The Jinja environment of a report writer, with its compiled templates kept in the user's cache.

Compiling report.html.j2 took a sixth of the CPU of an official run, every run. Jinja keys each cached
template on its name and the checksum of its source (and on Jinja's and Python's versions), so an edited
template is compiled again. The cache is an optimisation only: a folder that cannot be read or written
means compiling, never a failed report.
"""

from __future__ import annotations

from typing import Any

from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, PackageLoader, select_autoescape
from jinja2.bccache import Bucket

from conformance.user_cache import private_dir


class _KeptTemplates(FileSystemBytecodeCache):
    """FileSystemBytecodeCache that never fails a render: an OSError reading or writing is a cache miss."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _bytecode_cache() -> BytecodeCache | None:
    folder = private_dir("templates")
    return _KeptTemplates(str(folder), "%s.jinja") if folder is not None else None


def report_environment(package: str, **options: Any) -> Environment:
    """An autoescaping environment over `package`'s templates/ folder, with the kept compiled templates."""
    return Environment(loader=PackageLoader(package, "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       bytecode_cache=_bytecode_cache(), **options)
