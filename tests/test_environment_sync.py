"""environment.yml (conda-forge, Binder) and pyproject.toml list the same dependencies."""
from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[1]
NOT_DEPENDENCIES = {"python", "pip"}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    name = re.sub(r"[-_.]+", "-", m.group(1)).lower()
    return name, m.group(2).replace(" ", "")


def pyproject_deps() -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"])
    for extra in meta.get("optional-dependencies", {}).values():
        reqs += extra
    return dict(_split(r) for r in reqs)


def environment_deps() -> dict:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for req in dep["pip"]:
                if req.startswith("-e"):
                    continue
                name, spec = _split(req)
                out[name] = spec
        else:
            name, spec = _split(dep)
            if name not in NOT_DEPENDENCIES:
                out[name] = spec
    return out


def test_same_dependencies_and_bounds():
    assert environment_deps() == pyproject_deps()


def test_environment_installs_the_course_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip


def test_python_floor_agrees():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python>=3.10" in env["dependencies"]
    assert 'requires-python = ">=3.10"' in (ROOT / "pyproject.toml").read_text()


def test_detects_a_disagreement(tmp_path, monkeypatch):
    # the comparison itself must notice a changed bound
    deps = pyproject_deps()
    deps["pandas"] = ">=1.0"
    assert deps != environment_deps()


def test_binder_environment_is_the_same_without_the_editable_install():
    root = yaml.safe_load((ROOT / "environment.yml").read_text())
    binder = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())

    def strip(env):
        return [d if not isinstance(d, dict) else {"pip": [r for r in d["pip"] if not r.startswith("-e")]}
                for d in env["dependencies"]]

    assert binder["channels"] == root["channels"]
    assert strip(binder) == strip(root)
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post


def test_binder_draws_the_figures_into_the_image_and_points_students_at_them():
    post = (ROOT / "binder" / "postBuild").read_text()
    start = (ROOT / "binder" / "start").read_text()
    assert "sciatica-course figures --quiet --store .figures" in post
    assert post.index("pip install") < post.index("sciatica-course figures")      # the course is installed first
    assert "SCIATICA_FIGURE_CACHE" in start and start.rstrip().endswith('exec "$@"')
    assert os.access(ROOT / "binder" / "start", os.X_OK) and os.access(ROOT / "binder" / "postBuild", os.X_OK)
