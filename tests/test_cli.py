"""The sciatica-course command line: validate, export, schema (run as a real subprocess)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
CLI = [sys.executable, "-m", "sciatica_course"]


def run(*args, cwd=ROOT):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_validate_real_data_ok():
    r = run("validate")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("OK:")


def test_validate_copy_with_one_broken_field(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "lessons.yaml"
    lines = path.read_text().splitlines()
    n = next(i for i, l in enumerate(lines) if l.strip().startswith("minutes:"))
    lines[n] = lines[n].split(":")[0] + ": about forty"
    path.write_text("\n".join(lines) + "\n")
    r = run("validate", str(data))
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        f"{path}:{n + 1}: start_here.minutes: expected a whole number, got text ('about forty')"]
    assert "nothing was loaded" in r.stderr


def test_validate_missing_folder(tmp_path):
    r = run("validate", str(tmp_path / "nope"))
    assert r.returncode == 1 and "no such data folder" in r.stdout


def test_export_is_one_object_of_collections():
    r = run("export")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    for key in ("sources", "nerve_path", "roots", "muscles", "techniques", "contraindications", "red_flags",
                "findings", "special_tests", "irritability", "stretches", "claims", "quizzes", "cases"):
        assert isinstance(data[key], list), key
    assert all("id" in rec and "sources" in rec for recs in data.values() for rec in recs)


def test_export_to_file(tmp_path):
    out = tmp_path / "course.json"
    assert run("export", "-o", str(out)).returncode == 0
    assert json.loads(out.read_text())["lessons"]


def test_committed_schema_is_up_to_date():
    r = run("schema", "--check")
    assert r.returncode == 0, r.stderr


def test_schema_writes_every_file(tmp_path):
    r = run("schema", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    from sciatica_course.model import COLLECTIONS
    from sciatica_course.schema import schema_filename
    for name in COLLECTIONS:
        assert (tmp_path / schema_filename(name)).is_file()


def test_data_files_satisfy_their_json_schema():
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    from sciatica_course.model import COLLECTIONS
    from sciatica_course.schema import schema_filename
    for name, spec in COLLECTIONS.items():
        schema = json.loads((ROOT / "data" / "schema" / schema_filename(name)).read_text())
        files = sorted((ROOT / "data" / spec.path).glob("*.yaml")) if spec.is_folder else [ROOT / "data" / spec.path]
        for f in files:
            jsonschema.validate(yaml.safe_load(f.read_text()), schema)


def test_schema_rejects_an_unknown_key():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "data" / "schema" / "exam_domains.schema.json").read_text())
    bad = [{"id": "x", "code": "A", "name": "n", "weight_percent": 1, "course_relevance": "r", "sources": ["s"],
            "colour": "blue"}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_help_lists_commands():
    r = run("--help")
    assert r.returncode == 0
    for cmd in ("validate", "export", "schema", "lab"):
        assert cmd in r.stdout


def test_lab_command_opens_start_page():
    from sciatica_course.commands.lab import lab_command
    cmd = lab_command("/x/notebooks", port=9999, no_browser=True)
    assert "--LabApp.default_url=/lab/tree/00_start_here.ipynb" in cmd
    assert "--ServerApp.root_dir=/x/notebooks" in cmd and "--port=9999" in cmd


def test_console_script_is_declared():
    import tomllib
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text()) if sys.version_info >= (3, 11) else None
    if meta:
        assert meta["project"]["scripts"]["sciatica-course"] == "sciatica_course.cli:main"


def test_readme_course_map_is_generated_from_the_data():
    from sciatica_course.devtools import course_map_markdown
    readme = (ROOT / "README.md").read_text()
    assert course_map_markdown() in readme, "run: python -m sciatica_course.devtools readme"


def test_readme_puts_the_student_command_first():
    """The first command in the README is the student's (tests/test_start_readme.py checks the rest)."""
    readme = (ROOT / "README.md").read_text()
    first = re.search(r"`((?:py|python3?) start\.py[^`]*)`", readme).group(1)
    assert first == "py start.py"
    assert "start.py test" in (ROOT / ".ci" / "run").read_text()


def test_lab_serves_the_start_page(tmp_path):
    import os
    import socket
    import time
    import urllib.request
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    env = dict(os.environ, HOME=str(tmp_path), JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"),
               JUPYTER_DATA_DIR=str(tmp_path / "data"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "ws"))
    proc = subprocess.Popen([*CLI, "lab", "--no-browser", "--port", str(port), "--",
                             "--IdentityProvider.token=", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab/tree/00_start_here.ipynb", timeout=5) as r:
                    assert r.status == 200
                    break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/00_start_here.ipynb", timeout=5) as r:
            assert json.loads(r.read())["type"] == "notebook"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
