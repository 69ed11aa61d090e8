"""The browser suite's session: ONE JupyterLab server and ONE headless Chromium page for every test here.

The server is started by the test on a free port of 127.0.0.1 with temporary HOME / JUPYTER_* /
JUPYTERLAB_SETTINGS_DIR / JUPYTERLAB_WORKSPACES_DIR folders, no token, and is stopped by its own
process id. It serves a temporary copy of notebooks/ (the repository is never modified) plus probe
notebooks; every kernel keeps its progress store in a temporary SCIATICA_COURSE_HOME. Probe notebooks
run on a kernelspec whose SCIATICA_COURSE_DATA is a copy of data/ with extra quiz items (the script
probe and the keyboard probe), so lessons never see those items.

Set SCIATICA_BROWSER_NOTEBOOKS=/some/folder to run the suite on another folder of notebooks.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labkit  # noqa: E402
from suite import PROBE_ITEMS, PROBE_NOTEBOOKS, PROBES, REPORT, SOURCE, write_case_probe  # noqa: E402

def _browser_available() -> str | None:
    if not Path(labkit.CHROMIUM).exists():
        return f"Chromium not found at {labkit.CHROMIUM} (.ci/run installs Debian's chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


@pytest.fixture(scope="session")
def lab_session(request):
    """(server, Lab page, temp folder). One per test session."""
    why = _browser_available()
    if why:
        if os.environ.get("SCIATICA_REQUIRE_BROWSER"):
            pytest.fail(why)
        pytest.skip(why)
    t0 = time.monotonic()
    tmp = labkit.temp_dir()
    root = tmp / "notebooks"
    if SOURCE.is_dir():
        shutil.copytree(SOURCE, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    else:
        root.mkdir()
    for name, cells in PROBE_NOTEBOOKS.items():
        labkit.write_notebook(root / PROBES / name, cells, kernel=labkit.PROBE_KERNEL)
    course_home = tmp / "course-home"
    course_home.mkdir()
    data = labkit.probe_data(tmp, PROBE_ITEMS)
    REPORT["case_probe"] = write_case_probe(data)
    server = labkit.LabServer(tmp, root, env_extra={"SCIATICA_COURSE_HOME": course_home},
                              kernels={labkit.PROBE_KERNEL: {"SCIATICA_COURSE_DATA": str(data),
                                                             "SCIATICA_COURSE_HOME": str(course_home)}})
    pw = request.getfixturevalue("playwright_instance")  # the session's one Playwright (root conftest.py)
    server.start()
    browser = None
    try:
        browser = labkit.launch_browser(pw)
        lab = labkit.Lab(browser, server)
        REPORT["timings"]["session_ready_s"] = round(time.monotonic() - t0, 1)
        REPORT["tmp"] = str(tmp)
        yield server, lab, tmp
    finally:
        if browser is not None:
            browser.close()
        server.stop()
        REPORT["timings"]["session_total_s"] = round(time.monotonic() - t0, 1)
        try:
            (tmp / "browser-report.json").write_text(json.dumps(REPORT, indent=1))
        except OSError:
            pass
        if not os.environ.get("SCIATICA_KEEP_BROWSER_TMP"):
            for sub in ("notebooks", "home", "probe-data", "course-home"):
                shutil.rmtree(tmp / sub, ignore_errors=True)


@pytest.fixture(scope="session")
def lab(lab_session):
    return lab_session[1]


@pytest.fixture(scope="session")
def course():
    """The course the lessons' kernels load (the repository's data/)."""
    from sciatica_course import load_course

    return load_course()


def pytest_terminal_summary(terminalreporter):
    if not REPORT["notebooks"] and REPORT["chrome"] is None:
        return
    tr = terminalreporter
    tr.section("browser suite: accessibility (axe-core) and timings")
    for nb, r in REPORT["notebooks"].items():
        line = f"{nb}: run {r.get('run_s', '?')} s"
        if "axe" in r:
            counts = {}
            for v in r["axe"]:
                counts[v["impact"]] = counts.get(v["impact"], 0) + 1
            line += f"; course content axe violations: {counts or 'none'}"
        tr.write_line(line)
        for v in r.get("axe", []):
            tr.write_line(f"    [{v['impact']}] {v['id']}: {v['help']} ({v['nodes']} node(s)) e.g. {v['example']}")
    if REPORT["chrome"] is not None:
        tr.write_line("JupyterLab's own chrome (reported, not failed on):")
        for v in REPORT["chrome"] or []:
            tr.write_line(f"    [{v['impact']}] {v['id']}: {v['help']} ({v['nodes']} node(s)) e.g. {v['example']}")
        if not REPORT["chrome"]:
            tr.write_line("    no violations")
    t = REPORT["timings"]
    if t:
        tr.write_line("timings: " + ", ".join(f"{k}={v}" for k, v in t.items()))
    if REPORT.get("tmp"):
        tr.write_line(f"full report: {REPORT['tmp']}/browser-report.json")


# Following a lesson's "Next" link closes that lesson (sciatica_course/lesson.py): the test that follows it runs after
# every other test of the same notebook, wherever a test is added in the file.
MOVES_ON = "test_next_lesson_link_opens_in_lab_without_reloading"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    def notebook(item):
        spec = getattr(item, "callspec", None)
        return spec.params.get("rendered") if spec else None

    for item in [it for it in items if getattr(it, "originalname", None) == MOVES_ON]:
        items.remove(item)
        same = [i for i, other in enumerate(items) if notebook(other) == notebook(item)]
        items.insert(same[-1] + 1 if same else len(items), item)
