"""The course's JupyterLab defaults (closing a lesson's tab shuts its kernel down; the app exposed to the page, which
the lessons' "Next" link uses to close the lesson left) are valid JupyterLab settings and reach every way a student
gets a JupyterLab: ``sciatica-course lab``, the class hub, Binder; and idle kernels are culled alike in lab and hub."""
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


def test_server_config_exposes_the_app_for_the_next_link():
    """lesson.next_lesson's link closes the lesson left through ``window.jupyterapp``: LabApp.expose_app_in_browser,
    set in the config folder (found on JUPYTER_CONFIG_PATH by lab, hub, Binder and the browser suite), must be a real
    LabApp option and be packaged with the course."""
    from jupyterlab.labapp import LabApp

    config = json.loads((config_dir() / "jupyter_server_config.json").read_text())
    assert config["LabApp"] == {"expose_app_in_browser": True}
    assert set(config) <= {"LabApp", "ServerApp"}     # ServerApp: the contents manager (tests/test_ux_fixes_2_lab.py)
    trait = LabApp.class_traits()["expose_app_in_browser"]
    assert trait.metadata.get("config") and trait.default() is False   # ours is what switches it on
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert '"sciatica_course.jupyter_config" = ["labconfig/*.json", "*.json"]' in pyproject


def test_lab_culls_idle_kernels_even_with_a_tab_open_after_an_hour():
    """A lesson left open and untouched for an hour stops its kernel (README: Run All again to continue); a busy
    kernel never does."""
    from sciatica_course.commands.lab import CULL_ARGS, lab_command

    args = dict(a.removeprefix("--MappingKernelManager.").split("=") for a in CULL_ARGS)
    assert args == {"cull_idle_timeout": "3600", "cull_interval": "300", "cull_connected": "True",
                    "cull_busy": "False"}
    cmd = lab_command("/x/notebooks", port=9999, no_browser=True)
    assert all(a in cmd for a in CULL_ARGS)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert "A lesson left idle for an hour stops its kernel" in readme and "Run All" in readme

