"""One short student session in a real browser, on a fresh clone, started with the README's student command: the
start page opens from the working copy, a lesson is run, answered and saved, Ctrl+C stops everything, and the clone
is exactly as before (`git status` clean, the notebooks' and data's bytes unchanged). Reuses tests/browser/labkit.py
and the fresh clone of tests/test_start.py; one lesson only."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import types
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
import labkit  # noqa: E402
from test_start import (clone_env, clone_setup, git_status, readme_student_command,  # noqa: E402,F401
                        wait_for_line)

LESSON = "00_start_here.ipynb"


def repo_snapshot(repo: Path) -> tuple:
    files = sorted(p for d in ("notebooks", "data") for p in (repo / d).rglob("*") if p.is_file())
    return git_status(repo), {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.mark.browser
@pytest.mark.skipif(os.name != "posix", reason="process groups")
def test_a_browser_session_through_a_lesson_leaves_the_repository_clean(tmp_path, clone_setup, playwright_instance,
                                                                       course):
    if not Path(labkit.CHROMIUM).exists():
        if os.environ.get("SCIATICA_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {labkit.CHROMIUM}")
        pytest.skip(f"Chromium not found at {labkit.CHROMIUM}")
    import psutil

    repo = clone_setup.repo
    assert clone_setup.setup.returncode == 0, clone_setup.setup.stdout
    before = repo_snapshot(repo)
    assert before[0] == ""
    env = clone_env(tmp_path)                      # this student's own home, lessons and progress
    env["SCIATICA_FIGURE_CACHE"] = "off"            # the figure step is tested in test_start; lesson 0 draws none
    # every cell in the DOM (as in the browser suite), so the page's buttons can be read
    labkit._write_json(Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab/notebook-extension/tracker.jupyterlab-settings",
                       {"windowingMode": "none"})
    # no --LabApp.expose_app_in_browser here: the student command exposes the app itself (the course's server config,
    # which the lessons' Next link needs to close the lesson left); Lab() waits for window.jupyterapp
    cmd = [*readme_student_command(sys.executable), "--no-browser"]
    proc = subprocess.Popen(cmd, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    seen: list = []
    browser = lab = None
    try:
        m = wait_for_line(proc, r"(http://127\.0\.0\.1:\d+)/lab/tree/00_start_here\.ipynb\?token=(\w+)", 180, seen)
        base, token = m.group(1), m.group(2)
        with urllib.request.urlopen(m.group(0), timeout=30) as page:
            assert page.status == 200
        browser = labkit.launch_browser(playwright_instance)
        # Lab() opens server.url + "/lab?reset": the token goes in the query, the rest into the fragment
        lab = labkit.Lab(browser, types.SimpleNamespace(url=f"{base}/lab?token={token}#"))
        lab.open(LESSON)
        report = lab.run_all(LESSON)
        assert not report["errors"] and not report["stderr"] and not report["widget_errors"], report
        assert report["rendered_widgets"] >= report["declared_widgets"] > 0, report
        shown = set(lab.notebook().get_by_role("button").all_inner_texts())
        shown = {t.strip() for t in shown}
        item = next((q for q in course.quizzes if all(o.text.strip() in shown for o in q.options)), None)
        assert item, f"no quiz question of data/quizzes.yaml shown with its options as buttons: {sorted(shown)}"
        wrong = next(o for o in item.options if not o.correct).text.strip()
        lab.notebook().get_by_role("button", name=wrong, exact=True).first.click()
        feedback = lab.notebook().get_by_role("status").filter(has_text="your answer").filter(has_text=wrong)
        lab.wait_for(feedback.first, LESSON, "feedback after an answer")
        toasts = lab.page.locator(".Toastify__toast").all_inner_texts()
        assert not any("news" in t for t in toasts), toasts          # no first-start question for a student
        lab.page.evaluate("async () => { await window.jupyterapp.commands.execute('docmanager:save'); }")
        lab.page.wait_for_timeout(500)
        kernels = [c for c in psutil.Process(proc.pid).children(recursive=True) if "ipykernel" in " ".join(c.cmdline())]
        assert kernels, "no kernel process found under the lab"
        # moving on by the Next link: lesson 1 opens in this page; lesson 0 is saved and closed and its kernel stops
        lab.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output a[data-sc-lesson]").last.click()
        lab.page.wait_for_function("""() => { const open = Array.from(window.jupyterapp.shell.widgets('main'))
            .filter(w => w.context).map(w => w.context.path);
            return open.length === 1 && open[0] === '01_sciatic_nerve_path.ipynb'; }""", timeout=60_000)
        left = {k.pid for k in kernels}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            kernels = [c for c in psutil.Process(proc.pid).children(recursive=True)
                       if "ipykernel" in " ".join(c.cmdline()) and c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
            if len(kernels) == 1 and kernels[0].pid not in left:
                break
            time.sleep(0.3)
        assert [k.pid for k in kernels if k.pid in left] == [], "moving on left lesson 0's kernel running"
        assert len(kernels) == 1, f"{len(kernels)} kernels after moving on to lesson 1"
        assert not lab.dialogs, lab.dialogs                      # no "Leave site?"
    finally:
        if lab:
            lab.shutdown()
        if browser:
            browser.close()
        os.killpg(proc.pid, signal.SIGINT)                 # Ctrl+C in the terminal
        rc = proc.wait(60)
        seen += proc.stdout.read().decode(errors="replace").splitlines()
    assert rc == 0, "\n".join(seen)
    assert "Stopped." in "\n".join(seen)
    psutil.wait_procs(kernels, timeout=20)
    assert not [k for k in kernels if k.is_running() and k.status() != psutil.STATUS_ZOMBIE], "a kernel outlived Ctrl+C"

    mine = tmp_path / "course-home" / "lessons" / LESSON
    assert '"output_type"' in mine.read_text(), "the lesson was not saved in the working copy"
    assert (tmp_path / "course-home" / "progress.sqlite3").is_file()
    assert repo_snapshot(repo) == before, "a session in the lab changed the repository"
