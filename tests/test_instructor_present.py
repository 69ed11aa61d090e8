"""`present` serves a case's player with Voila on 127.0.0.1 (no code shown), driven in headless Chromium.

One Chromium per module; each Voila server is started by the test on a free port and stopped by its own
process id (and its kernels with it). The case served is the authoring template, written into a temporary
copy of data/ (the repository is never written)."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from sciatica_course import authoring, present
from sciatica_course.cli import main
from sciatica_course.loading import default_data_dir

CHROMIUM = os.environ.get("SCIATICA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
CASE = "present_test_case"


def _why_no_browser():
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


@pytest.fixture(scope="module")
def browser(request):
    why = _why_no_browser()
    if why:
        if os.environ.get("SCIATICA_REQUIRE_BROWSER"):
            pytest.fail(why)
        pytest.skip(why)
    pw = request.getfixturevalue("playwright_instance")  # the session's one Playwright (root conftest.py)
    b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """A private HOME and Jupyter folders for the servers, and a copy of data/ holding the template case."""
    tmp = tmp_path_factory.mktemp("present")
    data = tmp / "data"
    shutil.copytree(default_data_dir(), data, ignore=shutil.ignore_patterns("schema"))
    authoring.new_case(CASE, data)
    e = dict(os.environ, HOME=str(tmp / "home"), JUPYTER_CONFIG_DIR=str(tmp / "jcfg"),
             JUPYTER_RUNTIME_DIR=str(tmp / "jrt"), SCIATICA_COURSE_HOME=str(tmp / "course-home"),
             PYDEVD_DISABLE_FILE_VALIDATION="1")
    (tmp / "home").mkdir()
    return e, data


def _page_errors(page):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_present_refuses_an_unknown_case(capsys):
    assert main(["present", "no_such_case_here"]) == 1
    assert "no case with id 'no_such_case_here'" in capsys.readouterr().err
    with pytest.raises(present.PresentError):
        present.present("x", port=70000)


def test_presentation_notebook_shows_only_the_player():
    nb = present.notebook_json(present.player_code("a_case", exam=True), title="## <b>x</b>")
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) == 1 and "hold_feedback=True" in code[0]["source"] and "exam_mode=True" in code[0]["source"]
    cmd = present.voila_command("nb.ipynb", 9999)
    assert "--Voila.ip=127.0.0.1" in cmd and "--no-browser" in cmd
    assert "--VoilaConfiguration.strip_sources=True" in cmd
    assert "<b>" not in present._md_escape("<b>x</b> *y*")


def _case_player_available() -> bool:
    try:
        from sciatica_course.widgets import case_player  # noqa: F401
    except ImportError:
        return False
    return True


def test_present_a_case_and_reveal_feedback(browser, env):
    """The class view: the player renders with no code, the class's choices are taken, feedback is held until
    the instructor reveals it, and then it shows the choice's own feedback."""
    if not _case_player_available():
        pytest.skip("sciatica_course.widgets.case_player is not there yet")
    from sciatica_course import load_course

    e, data = env
    case = load_course(data).cases[CASE]
    p = present.present(CASE, data_dir=data, env=e)
    t0 = time.monotonic()
    try:
        p.wait(timeout=60)
        page = browser.new_page()
        errors = _page_errors(page)
        page.goto(p.url, timeout=90_000)
        intake = case.step(case.start)
        page.get_by_text(intake.prompt).first.wait_for(timeout=90_000)
        rendered = time.monotonic() - t0
        assert case.title in page.inner_text("body")
        assert "case_player(" not in page.content() and "import" not in page.inner_text("body")
        # intake: the class asks the expert's questions; the client's answers show, the feedback waits
        questions = [c for c in intake.choices if c.expert]
        for q in questions:
            page.get_by_role("checkbox", name=q.text).click(timeout=20_000)
        page.get_by_role("button", name="Ask these questions").click()
        page.get_by_text(questions[0].answer).first.wait_for(timeout=20_000)
        assert "Feedback held" in page.inner_text("body")
        assert questions[0].feedback not in page.inner_text("body")
        page.get_by_role("button", name="Reveal feedback").click()
        page.get_by_text(questions[0].feedback).first.wait_for(timeout=20_000)
        # the class may ask in rounds; the instructor moves on to the decision
        page.get_by_role("button", name="Done asking: go to the decision").click()
        # a decision with certainty: the class votes, the instructor reveals
        decision = case.step(next(s.id for s in case.steps if s.kind == "red_flag"))
        page.get_by_text(decision.prompt).first.wait_for(timeout=20_000)
        expert = next(c for c in decision.choices if c.expert)
        page.get_by_role("button", name="Certain").click()
        t1 = time.monotonic()
        page.get_by_role("button", name=expert.text).click()
        page.get_by_text("Feedback held").first.wait_for(timeout=20_000)
        page.get_by_role("button", name="Reveal feedback").click()
        page.get_by_text(expert.feedback).first.wait_for(timeout=20_000)
        feedback_s = time.monotonic() - t1
        assert "safe" in page.inner_text("body")
        assert not errors, errors
        page.close()
    finally:
        p.stop()
    print(f"player rendered {rendered:.1f} s after start; vote to revealed feedback {feedback_s:.2f} s")


def test_cli_present_in_exam_mode_runs_until_interrupted(browser, env):
    """`sciatica-course present CASE --exam --port P` in its own process: prints the address, serves the player
    in exam mode, and stops cleanly (with its kernel) on Ctrl+C."""
    if not _case_player_available():
        pytest.skip("sciatica_course.widgets.case_player is not there yet")
    import signal
    import subprocess
    import sys

    import psutil

    e, data = env
    port = present.free_port()
    # started with SIGINT ignored, as a shell starts a background command: Ctrl+C must still stop it
    proc = subprocess.Popen([sys.executable, "-m", "sciatica_course", "present", CASE, "--exam", "--port", str(port),
                             "--data-dir", str(data)], env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        present.wait_for_port(port, timeout=60, proc=proc)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/", timeout=90_000)
        page.get_by_text("exam mode: feedback comes at the end").first.wait_for(timeout=90_000)
        kernels = [c for c in psutil.Process(proc.pid).children(recursive=True) if "ipykernel" in " ".join(c.cmdline())]
        assert kernels, "a kernel runs the player"
        page.close()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert f"at http://127.0.0.1:{port}/" in out and "exam mode" in out
    time.sleep(0.5)
    assert not any(k.is_running() and k.status() != psutil.STATUS_ZOMBIE for k in kernels), "a kernel was left behind"


def test_class_report_page_is_accessible_and_runs_nothing(browser, tmp_path):
    """The class report opened as a file in Chromium: no script runs, no request leaves the page, every figure
    has alt text, and axe-core finds no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    from sciatica_course import classreport

    folder = tmp_path / "in"
    classreport.simulate_class(folder, students=12, broken=2, seed=5)
    evil = folder / "student_01.json"
    evil.write_text(evil.read_text().replace('"student_01"', '"<img src=x onerror=window.__sc_xss=1>"'))
    classreport.class_report(folder, tmp_path / "out")
    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((tmp_path / "out" / "report.html").as_uri())
    assert page.evaluate("window.__sc_xss === undefined")
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    imgs = page.get_by_role("img").all()
    assert len(imgs) >= 5 and all(len(i.get_attribute("alt") or "") > 40 for i in imgs)
    result = Axe().run(page, options={"resultTypes": ["violations"]})
    bad = [f"{v['id']}: {v.get('help')}" for v in result.response.get("violations", [])
           if v.get("impact") in ("serious", "critical")]
    assert not bad, bad
    page.close()
