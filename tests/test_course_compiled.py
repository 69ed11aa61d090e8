"""The first-time set-up writes the course package's byte code (``sciatica-course figures`` -> ``compile_package``),
as a normal pip install does and an editable one does not: a lesson's kernel then reads ``__pycache__`` instead of
compiling the package from source, also where PYTHONDONTWRITEBYTECODE is set. Never a reason for the set-up to fail."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from sciatica_course.commands import figures

ROOT = Path(__file__).resolve().parents[1]


def _package_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "site" / "sciatica_course"
    shutil.copytree(ROOT / "sciatica_course", dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


def _stale(folder: Path) -> list:
    """The modules under ``folder`` whose byte code an import would not use as it is (missing or out of date)."""
    out = []
    for py in sorted(folder.rglob("*.py")):
        pyc = Path(importlib.util.cache_from_source(str(py)))
        st = py.stat()
        try:
            head = pyc.read_bytes()[:16]
        except OSError:
            head = b""
        fresh = (head[:4] == importlib.util.MAGIC_NUMBER and int.from_bytes(head[4:8], "little") == 0
                 and int.from_bytes(head[8:12], "little") == int(st.st_mtime) & 0xFFFFFFFF
                 and int.from_bytes(head[12:16], "little") == st.st_size & 0xFFFFFFFF)
        if not fresh:
            out.append(py.relative_to(folder).as_posix())
    return out


def test_the_set_up_leaves_every_module_compiled_and_up_to_date(tmp_path, monkeypatch):
    pkg = _package_copy(tmp_path)
    monkeypatch.setattr(figures, "PACKAGE", pkg)
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    drawn = []

    def prerender(store, notebooks, progress=None):
        drawn.append(store)
        return {"store": str(tmp_path / "figures"), "figures": 0, "lessons": [], "seconds": 0, "problems": []}

    monkeypatch.setattr("sciatica_course.prerender.prerender", prerender)
    assert _stale(pkg)                      # nothing compiled yet
    args = types.SimpleNamespace(store=None, notebooks=None, quiet=True, stop_with=None)
    assert figures.cmd_figures(args) == 0 and drawn
    assert _stale(pkg) == []

    # an edited module is compiled again by the next set-up; the others are left as they are
    edited = pkg / "text.py"
    other = Path(importlib.util.cache_from_source(str(pkg / "loading.py")))
    before = other.stat().st_mtime_ns
    edited.write_text(edited.read_text() + "\n# edited\n")
    os.utime(edited, ns=(edited.stat().st_atime_ns, edited.stat().st_mtime_ns + 2_000_000_000))
    assert _stale(pkg) == ["text.py"]
    assert figures.compile_package(pkg) is True
    assert _stale(pkg) == [] and other.stat().st_mtime_ns == before


def test_a_kernel_that_may_not_write_byte_code_reads_it(tmp_path):
    pkg = _package_copy(tmp_path)
    assert figures.compile_package(pkg) is True
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    code = (f"import sys; sys.path.insert(0, {str(pkg.parent)!r}); import sciatica_course.text as t; "
            f"assert t.__file__.startswith({str(pkg)!r}), t.__file__")
    r = subprocess.run([sys.executable, "-v", "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    read = Path(importlib.util.cache_from_source(str(pkg / "text.py")))
    assert f"code object from '{read}'" in r.stderr


def test_a_folder_it_cannot_write_never_fails_the_set_up(tmp_path):
    pkg = _package_copy(tmp_path)
    (pkg / "widgets" / "__pycache__").write_text("not a folder")   # cannot be written (also for root)
    assert figures.compile_package(pkg) is False                   # quietly: the set-up goes on
    assert [p for p in _stale(pkg) if not p.startswith("widgets")] == []
    figures.compile_package(tmp_path / "no such folder")               # nothing to do, nothing raised
