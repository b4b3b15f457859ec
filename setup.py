"""Ships the top-level fixtures/ folder inside the wheel as conformance/_fixtures/.

The reference host serves those footprints and its GxD chain, so an installed tool needs
them; in a checkout (or an editable install) they are read from fixtures/ directly, which
keeps the folder where the tests, docs and rosters expect it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

FIXTURES = Path(__file__).resolve().parent / "fixtures"


class BuildWithFixtures(build_py):
    """build_py plus a copy of fixtures/ into the built conformance package."""

    def run(self) -> None:
        super().run()
        if not getattr(self, "editable_mode", False):
            shutil.copytree(FIXTURES, Path(self.build_lib) / "conformance" / "_fixtures", dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithFixtures})
