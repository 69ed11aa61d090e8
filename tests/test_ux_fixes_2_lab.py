"""Second student walk-through: lesson 0 showed the "unsaved changes" dot as soon as it opened in JupyterLab.

The cause: lessons are committed with ``language_info: {name: python}`` and JupyterLab writes the kernel's full
``language_info`` into the notebook when the kernel starts (every lesson, not only lesson 0). The course's contents
manager (sciatica_course/jupyter_config/contents.py) serves each notebook with the ``language_info`` its kernel
will report, so opening a lesson changes nothing."""
from __future__ import annotations

import copy
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from sciatica_course.jupyter_config import config_dir
from sciatica_course.jupyter_config.contents import kernel_language_info, with_kernel_language_info

ROOT = Path(__file__).parents[1]
LESSON = "00_start_here.ipynb"


def test_the_course_server_config_uses_the_contents_manager():
    cfg = json.loads((config_dir() / "jupyter_server_config.json").read_text())
    assert cfg["ServerApp"]["contents_manager_class"] == \
        "sciatica_course.jupyter_config.contents.CourseContentsManager"


def test_the_language_info_is_what_the_python3_kernel_replies():
    """Equal to a real kernel's kernel_info reply (JupyterLab compares them deeply: any difference is a change)."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        reply = kc.kernel_info(reply=True, timeout=30)["content"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert reply["language_info"] == kernel_language_info()


def test_only_a_python3_stub_is_filled():
    nb = json.loads((ROOT / "notebooks" / LESSON).read_text())
    assert nb["metadata"]["language_info"] == {"name": "python"}     # as committed (devtools strip)
    filled = copy.deepcopy(nb)
    assert with_kernel_language_info(filled) and filled["metadata"]["language_info"] == kernel_language_info()
    assert not with_kernel_language_info(filled)                      # already equal: untouched
    other = copy.deepcopy(nb)
    other["metadata"]["kernelspec"]["name"] = "ir"
    other["metadata"]["language_info"] = {"name": "R"}
    assert not with_kernel_language_info(other) and other["metadata"]["language_info"] == {"name": "R"}
    assert filled["cells"] == nb["cells"]


@pytest.mark.browser
def test_lesson_0_opens_without_the_unsaved_changes_dot(tmp_path, playwright_instance):
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    import labkit

    if not Path(labkit.CHROMIUM).exists():
        if os.environ.get("SCIATICA_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {labkit.CHROMIUM}")
        pytest.skip(f"Chromium not found at {labkit.CHROMIUM}")
    root = tmp_path / "notebooks"
    root.mkdir()
    shutil.copy(ROOT / "notebooks" / LESSON, root / LESSON)
    (tmp_path / "course-home").mkdir()
    server = labkit.LabServer(tmp_path, root, env_extra={"SCIATICA_COURSE_HOME": tmp_path / "course-home"})
    server.start()
    browser = None
    try:
        browser = labkit.launch_browser(playwright_instance)
        page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        page.goto(server.url + f"/lab/tree/{LESSON}", wait_until="domcontentloaded")   # as the start command opens it
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started", timeout=60_000)
        state = """(path) => {
          const w = Array.from(window.jupyterapp.shell.widgets('main')).find(x => x.context && x.context.path === path);
          const k = w && w.sessionContext.session && w.sessionContext.session.kernel;
          if (!k || k.status !== 'idle') return null;
          const tab = document.querySelector('.lm-TabBar-tab.jp-mod-current');
          return {dirty: w.context.model.dirty, dot: !!(tab && tab.classList.contains('jp-mod-dirty')),
                  info: w.context.model.getMetadata('language_info')};
        }"""
        page.wait_for_function(state, arg=LESSON, timeout=60_000, polling=200)
        page.wait_for_timeout(1500)              # anything written after the kernel's reply has landed by now
        got = page.evaluate(state, LESSON)
        assert got and not got["dirty"] and not got["dot"], got
        assert got["info"] == kernel_language_info()
        assert json.loads((root / LESSON).read_text())["metadata"]["language_info"] == {"name": "python"}  # not saved
    finally:
        if browser is not None:
            browser.close()
        server.stop()
