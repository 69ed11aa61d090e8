"""JupyterLab defaults for the course, as a Jupyter config folder: ``labconfig/default_setting_overrides.json``
(JupyterLab settings) and ``jupyter_server_config.json`` (server options).

Put :func:`config_dir` on ``JUPYTER_CONFIG_PATH`` (``sciatica-course lab``, the class hub, Binder and the browser
suite do) and:

- closing a lesson's tab also shuts down its kernel. A student does not know kernels exist: a closed lesson should
  not keep a Python process (and its memory, on a class hub) running for the rest of the day. Nothing is lost:
  answers and progress are saved as they are given, and reopening a lesson runs it again. The student can still
  change this in Settings (it is a default, not a lock);
- the app is exposed to the page as ``window.jupyterapp`` (``LabApp.expose_app_in_browser``): a lesson's "Next"
  link uses it to open the next lesson and close the one left (sciatica_course/lesson.py). Trusted outputs can
  already run any script in the page, so this opens nothing new to them;
- JupyterLab does not ask "Would you like to get notified about official Jupyter news?" on a student's first start
  (nor fetch news or check for updates).
- a lesson opens without the "unsaved changes" dot: the server hands JupyterLab each notebook with the
  ``language_info`` its kernel will report, so opening changes nothing (``contents.py``).

Lessons left open are handled by the server's idle-kernel culling (sciatica_course/commands/lab.py CULL_ARGS).
"""
from __future__ import annotations

from pathlib import Path


def config_dir() -> Path:
    """The folder to add to ``JUPYTER_CONFIG_PATH``."""
    return Path(__file__).resolve().parent


def with_course_config(env: dict) -> dict:
    """``env`` with the course's Jupyter config folder first on ``JUPYTER_CONFIG_PATH`` (a copy)."""
    import os

    env = dict(env)
    rest = [p for p in env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p and p != str(config_dir())]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(config_dir()), *rest])
    return env
