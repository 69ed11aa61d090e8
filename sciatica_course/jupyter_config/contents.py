"""A lesson opens without JupyterLab's unsaved-changes dot.

The lessons are committed with ``language_info: {name: python}`` (``devtools strip``: no interpreter version in git).
When the kernel starts, JupyterLab writes the kernel's full ``language_info`` (version, mimetype, codemirror mode...)
into the notebook, so a lesson the student has only opened shows the "unsaved changes" dot on its tab, and closing
it asks whether to save. The server's contents manager hands JupyterLab the notebook with the ``language_info`` the
``python3`` kernel will report (ipykernel's ``IPythonKernel.language_info`` for this interpreter); JupyterLab finds
nothing to change and the lesson opens clean. Nothing is written to disk: the file changes only when the student
saves, as it would anyway.

Only a notebook on the ``python3`` kernel that this interpreter runs is touched; anything else is served as it is.
Set by ``jupyter_server_config.json`` (``ServerApp.contents_manager_class``) in this folder.
"""
from __future__ import annotations

import os
import sys

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

KERNEL = "python3"


def kernel_language_info() -> dict:
    """What ipykernel's ``python3`` kernel on this interpreter replies as ``language_info`` (kept equal to
    ``ipykernel.ipkernel.IPythonKernel.language_info``; tests/test_ux_fixes_2_lab.py compares a real reply)."""
    return {"name": "python", "version": sys.version.split()[0], "mimetype": "text/x-python",
            "codemirror_mode": {"name": "ipython", "version": sys.version_info[0]}, "pygments_lexer": "ipython3",
            "nbconvert_exporter": "python", "file_extension": ".py"}


def with_kernel_language_info(nb) -> bool:
    """Give a ``python3`` notebook the kernel's ``language_info`` (in place); True when it changed."""
    meta = nb.get("metadata") if hasattr(nb, "get") else None
    if not isinstance(meta, dict) or (meta.get("kernelspec") or {}).get("name") != KERNEL:
        return False
    info = meta.get("language_info") or {}
    full = kernel_language_info()
    if not isinstance(info, dict) or info.get("name", "python") != "python" or info == full:
        return False
    meta["language_info"] = full
    return True


class CourseContentsManager(AsyncLargeFileManager):
    """The server's default contents manager, serving notebooks with the kernel's ``language_info``."""

    _runs_here: bool | None = None

    def _kernel_runs_here(self) -> bool:
        """Whether the ``python3`` kernel is this interpreter (its version is the one to write)."""
        if self._runs_here is None:
            try:
                spec = self.parent.kernel_spec_manager.get_kernel_spec(KERNEL)
                exe = spec.argv[0]
                # jupyter_client launches a spec's bare "python", "python3" or "python3.N" as sys.executable
                bare = {"python", f"python{sys.version_info[0]}", "python%d.%d" % sys.version_info[:2]}
                self._runs_here = exe in bare or os.path.realpath(exe) == os.path.realpath(sys.executable)
            except Exception:  # no such kernel, no parent: serve notebooks as they are
                self._runs_here = False
        return self._runs_here

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        try:
            if content and model.get("type") == "notebook" and model.get("content") and self._kernel_runs_here():
                with_kernel_language_info(model["content"])
        except Exception:  # never keep a student from opening a lesson
            pass
        return model
