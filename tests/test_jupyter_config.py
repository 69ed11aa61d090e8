"""The course's JupyterLab defaults (closing a lesson's tab shuts its kernel down) are valid JupyterLab settings
and reach both ways a student gets a JupyterLab: ``sciatica-course lab`` and the class hub."""
from __future__ import annotations

import json
import os
from pathlib import Path

from sciatica_course.jupyter_config import config_dir, with_course_config


def _schema(plugin: str) -> dict:
    import jupyterlab

    pkg, name = plugin.split(":")
    roots = [Path(jupyterlab.__file__).parent / "schemas", Path(os.sys.prefix) / "share/jupyter/lab/schemas"]
    for root in roots:
        p = root / pkg / f"{name}.json"
        if p.is_file():
            return json.loads(p.read_text())
    raise AssertionError(f"no JupyterLab schema for {plugin}")


def test_overrides_are_known_jupyterlab_settings():
    overrides = json.loads((config_dir() / "labconfig" / "default_setting_overrides.json").read_text())
    assert overrides["@jupyterlab/notebook-extension:tracker"]["kernelShutdown"] is True
    for plugin, values in overrides.items():
        props = _schema(plugin)["properties"]
        for key, value in values.items():
            assert key in props, f"{plugin} has no setting {key!r} (renamed in this JupyterLab?)"
            kind = {"boolean": bool, "string": str}[props[key]["type"]]
            assert isinstance(value, kind) and value in props[key].get("enum", [value]), (plugin, key, value)


def test_course_config_goes_first_on_the_config_path():
    env = with_course_config({"JUPYTER_CONFIG_PATH": "/elsewhere"})
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [str(config_dir()), "/elsewhere"]
    assert with_course_config(env) == env


def test_class_hub_students_get_the_course_config():
    from deploy.jupyterhub import jupyterhub_config as hub

    path = hub.student_environment()["JUPYTER_CONFIG_PATH"]
    assert str(config_dir()) in path.split(os.pathsep)


def test_binder_and_kubernetes_students_get_the_course_config():
    root = Path(__file__).resolve().parents[1]
    for f in ("binder/start", "deploy/kubernetes.md"):
        assert "sciatica_course/jupyter_config" in (root / f).read_text(), f"{f} leaves out the course's lab defaults"
