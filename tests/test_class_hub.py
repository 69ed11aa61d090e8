"""The course on a real JupyterHub: the class configuration, and a simulated class of 5 students (smoke test of
``make class-sim``) with one more student logging in through headless Chromium and opening a lesson.

The hub needs configurable-http-proxy from npm (installed on first use into deploy/jupyterhub/_run/proxy);
these tests skip only when node or npm is missing.
"""
from __future__ import annotations

import json
import os
import runpy
import shutil
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.hub

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
CHROMIUM = os.environ.get("SCIATICA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
N = 5


def _load_config(tmp_path, **env):
    """Run jupyterhub_config.py the way JupyterHub does, with a fresh traitlets Config."""
    from traitlets.config import Config

    c = Config()
    old = dict(os.environ)
    os.environ.update({"SCIATICA_HUB_STATE": str(tmp_path / "state"), "SCIATICA_HUB_PASSWORD": "class-password-1",
                       "SCIATICA_HUB_RUNTIME_ROOT": "/tmp/sciatica-rt-test", "SCIATICA_HUB_FIGURES": "0", **env})
    try:
        ns = runpy.run_path(str(CONFIG), init_globals={"get_config": lambda: c})
    finally:
        os.environ.clear()
        os.environ.update(old)
    return c, ns


# ------------------------------------------------------------------------------------------ the configuration
def test_config_binds_localhost_and_avoids_the_kernel_traps(tmp_path):
    c, ns = _load_config(tmp_path)
    assert c.JupyterHub.ip == "127.0.0.1" and c.JupyterHub.hub_ip == "127.0.0.1"
    assert c.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")
    assert len({c.JupyterHub.port, c.JupyterHub.hub_port, int(c.ConfigurableHTTPProxy.api_url.rsplit(":", 1)[1])}) == 3
    assert "--KernelManager.transport=ipc" in c.Spawner.args            # trap 1
    assert c.Spawner.start_timeout >= 120 and c.Spawner.http_timeout >= 120
    assert c.JupyterHub.authenticator_class == "shared-password"
    assert c.SharedPasswordAuthenticator.user_password == "class-password-1"
    assert len(c.SharedPasswordAuthenticator.admin_password) >= 32
    assert Path(c.Spawner.cmd[-1]).name == "sciatica_singleuser.py" and Path(c.Spawner.cmd[-1]).exists()
    c, _ns = _load_config(tmp_path, SCIATICA_LEAN_SINGLEUSER="0")
    assert Path(c.Spawner.cmd[-1]).name == "jupyterhub-singleuser" and Path(c.Spawner.cmd[-1]).exists()
    assert "services" not in c.JupyterHub                                 # no API token unless asked for
    # as in `sciatica-course lab`: a kernel idle for an hour is shut, its tab open or not; never a busy one
    from sciatica_course.commands.lab import CULL_ARGS

    for arg in CULL_ARGS:
        assert arg in c.Spawner.args
    for arg in ("cull_idle_timeout=3600", "cull_connected=True", "cull_busy=False"):
        assert f"--MappingKernelManager.{arg}" in c.Spawner.args
    c, _ns = _load_config(tmp_path, SCIATICA_KERNEL_CULL_IDLE="0")
    assert "--MappingKernelManager.cull_idle_timeout=0" in c.Spawner.args   # switched off


def test_student_environment_is_per_student_and_short(tmp_path):
    c, ns = _load_config(tmp_path)

    class User:
        name = "a-student-with-a-rather-long-name-from-an-lms-export-0001"

    class Spawner:
        user = User()

    env = {k: (v(Spawner) if callable(v) else v) for k, v in c.Spawner.environment.items()}
    state = tmp_path / "state"
    assert env["SCIATICA_COURSE_HOME"] == str(state / "home" / User.name / ".sciatica-course")
    assert env["SCIATICA_HANDIN_DIR"] == str(state / "handin")
    # trap 2: the longest IPC socket path inside the runtime dir stays under Linux's 107 characters
    socket_path = Path(env["JUPYTER_RUNTIME_DIR"]) / ("kernel-" + "x" * 36 + "-ipc-65535")
    assert len(str(socket_path)) < 107
    assert User.name not in env["JUPYTER_RUNTIME_DIR"]
    other = type("S", (), {"user": type("U", (), {"name": "someone-else"})()})
    assert c.Spawner.environment["JUPYTER_RUNTIME_DIR"](other) != env["JUPYTER_RUNTIME_DIR"]


def test_course_is_copied_once_and_never_overwrites_a_students_copy(tmp_path):
    _, ns = _load_config(tmp_path)
    src = tmp_path / "notebooks"
    (src / "instructor").mkdir(parents=True)
    (src / "00_start_here.ipynb").write_text("{}")
    (src / "08_case_clinic.ipynb").write_text("{}")
    (src / "instructor" / "answers.ipynb").write_text("{}")
    (src / ".ipynb_checkpoints").mkdir()
    (src / ".ipynb_checkpoints" / "x.ipynb").write_text("{}")
    home = tmp_path / "home" / "ana"
    copied = ns["place_course"](home, src)
    assert sorted(copied) == ["00_start_here.ipynb", "08_case_clinic.ipynb"]
    assert not (home / "course" / "instructor").exists()
    (home / "course" / "00_start_here.ipynb").write_text('{"mine": true}')
    (src / "09_revision.ipynb").write_text("{}")        # a lesson added to the course later
    assert ns["place_course"](home, src) == ["09_revision.ipynb"]
    assert json.loads((home / "course" / "00_start_here.ipynb").read_text()) == {"mine": True}
    settings = home / ".jupyter/lab/user-settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    assert json.loads(settings.read_text())["fetchNews"] == "false"


def test_hub_draws_the_lesson_figures_once_for_the_class(tmp_path):
    c, ns = _load_config(tmp_path, SCIATICA_HUB_FIGURES="1")
    state = tmp_path / "state"
    env = {k: v for k, v in c.Spawner.environment.items() if not callable(v)}
    assert env["SCIATICA_FIGURE_CACHE"] == str(state / "figures")
    log = state / "figures.log"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and "figures in" not in (log.read_text() if log.exists() else ""):
        time.sleep(0.5)
    assert "figures in" in log.read_text() and "problem" not in log.read_text(), log.read_text()
    assert list((state / "figures").glob("*.json"))
    # the course data it checked goes into each student's own course home at spawn (no parsing in the storm)
    kept = list((state / "course-home" / "course-cache").glob("*.pickle"))
    assert len(kept) == 1
    ns["prepare_home"]("student-x", state / "home" / "student-x")
    given = state / "home" / "student-x" / ".sciatica-course" / "course-cache" / kept[0].name
    assert given.read_bytes() == kept[0].read_bytes() and (given.stat().st_mode & 0o077) == 0


def test_trimmed_server_extensions_file_is_valid():
    data = json.loads((ROOT / "deploy/jupyterhub/singleuser/jupyter_server_config.d/sciatica-class.json").read_text())
    ext = data["ServerApp"]["jpserver_extensions"]
    assert ext and not any(ext.values()) and "jupyterlab" not in ext


LEAN = ROOT / "deploy/jupyterhub/singleuser/python"
HUB_ONLY = ("sqlalchemy", "sqlalchemy.orm", "alembic", "jupyterhub.orm", "jupyterhub.roles", "jupyterhub.handlers",
            "jupyterhub.handlers.pages", "jupyterhub.metrics")


def _python(code: str, **env) -> str:
    import subprocess
    import sys

    run_env = {**os.environ, "PYTHONPATH": str(LEAN), **env}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=run_env, timeout=120).stdout


def test_lean_singleuser_leaves_the_hubs_database_and_pages_out():
    out = json.loads(_python(
        "import json, sys, sciatica_singleuser\n"
        "lean = sciatica_singleuser.lean_import()\n"
        "import jupyterhub.singleuser.extension, jupyterhub.singleuser.mixins\n"
        f"loaded = [m for m in {HUB_ONLY!r} if m in sys.modules]\n"
        "stubs = [m for m, v in sys.modules.items() if type(v).__module__ == 'sciatica_singleuser'\n"
        "         or getattr(v, '__file__', '') is None and m.startswith(('jupyterhub.', 'sqlalchemy'))]\n"
        "from jupyterhub.log import log_request\n"
        "from jupyter_server.prometheus.log_functions import prometheus_log_method\n"
        "import jupyterhub.log as hl, jupyterhub.scopes as sc\n"
        "same_metrics = hl.prometheus_log_method is prometheus_log_method\n"
        "user = sc.orm.User.__name__\n"                       # a deferred module still works when used
        "import sqlalchemy\n"
        "print(json.dumps({'lean': lean, 'loaded': loaded, 'stubs': stubs, 'metrics': same_metrics,\n"
        "  'user': user, 'real_sqlalchemy': hasattr(sqlalchemy, 'create_engine') and sqlalchemy.__file__ is not None}))\n"))
    assert out["lean"] is True and out["loaded"] == [] and out["stubs"] == []
    assert out["metrics"] and out["user"] == "User" and out["real_sqlalchemy"]


def test_lean_singleuser_can_be_switched_off_and_skips_unknown_versions():
    code = ("import sys, sciatica_singleuser\n"
            "print(sciatica_singleuser.lean_import(), 'sqlalchemy' in sys.modules)\n")
    assert _python(code, SCIATICA_LEAN_SINGLEUSER="0").split() == ["False", "False"]
    code = ("import sys, jupyterhub._version as v, sciatica_singleuser\n"
            "v.__version__ = '99.0.0'\n"
            "print(sciatica_singleuser.lean_import())\n")
    assert _python(code).strip() == "False"


# ------------------------------------------------------------------------------------------ a class on a real hub
@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("node and npm are needed for JupyterHub's configurable-http-proxy; install nodejs and npm")
    from deploy.jupyterhub import localhub

    try:
        localhub.ensure_proxy()
    except localhub.HubError as e:
        pytest.skip(f"configurable-http-proxy could not be installed from npm: {e}")
    state = Path(tempfile_short())
    h = localhub.Hub(state)   # window.jupyterapp (the browser student uses it) comes from the course's server config
    try:
        h.start()
        h.wait_figures()       # as when an instructor starts the hub before the class arrives
        yield h
    finally:
        cleanup = h.stop()
        shutil.rmtree(h.runtime_root, ignore_errors=True)
        shutil.rmtree(state, ignore_errors=True)
        assert not cleanup["left_after_stop"], f"processes left after the hub stopped: {cleanup}"


def tempfile_short() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="schub-test-", dir="/tmp")


def browser_student(hub, outcome: dict) -> None:
    """One student logs in at /hub/login with the class password, gets their server, and the first lesson opens
    with its widgets working (run the cells, click an answer, read the feedback). Runs in its own thread while the
    simulated class runs; the outcome (or the error) goes into ``outcome``."""
    t0 = time.monotonic()
    try:
        from playwright.sync_api import expect, sync_playwright

        from sciatica_course import load_course

        item = load_course().quizzes["start_sciatica_definition"]
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.goto(f"{hub.url}/hub/login")
                page.fill("#username_input", "browser-student")
                page.fill("#password_input", hub.password)
                page.click("#login_submit")
                page.wait_for_url("**/user/browser-student/lab/**", timeout=150_000)
                outcome["url"] = page.url
                page.wait_for_function(
                    """() => {
                        const app = window.jupyterapp;
                        if (!app || !app.shell) return false;
                        const w = app.shell.currentWidget;
                        return !!(w && w.context && w.context.isReady && w.sessionContext
                                  && w.sessionContext.session && w.sessionContext.session.kernel
                                  && w.sessionContext.session.kernel.status === 'idle');
                    }""", timeout=150_000)
                outcome["lesson_open_s"] = round(time.monotonic() - t0, 1)
                page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
                answer = page.get_by_role("button", name=item.options[0].text, exact=True).first
                answer.wait_for(timeout=90_000)
                answer.click()
                status = page.get_by_role("status")
                expect(status.filter(has_text="Not quite").or_(status.filter(has_text="Right")).first) \
                    .to_be_visible(timeout=30_000)
                outcome["feedback_s"] = round(time.monotonic() - t0, 1)
                outcome["stderr_outputs"] = page.locator(
                    ".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']").count()
            finally:
                browser.close()
    except Exception as e:  # reported by the test, not lost in the thread
        outcome["error"] = f"{type(e).__name__}: {e}"[:1500]


@pytest.fixture(scope="module")
def simulated(hub):
    """The simulated class of N students, with one real browser student logging in at the same time."""
    import threading

    from deploy.jupyterhub import localhub

    browser_outcome: dict = {}
    thread = None
    if Path(CHROMIUM).exists():
        thread = threading.Thread(target=browser_student, args=(hub, browser_outcome), daemon=True)
        thread.start()
    else:
        browser_outcome["skip"] = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    t = time.monotonic()
    result = localhub.run_class(hub, N, timeout=240, figures=False)
    if thread is not None:
        thread.join(timeout=240)
        if thread.is_alive():
            browser_outcome.setdefault("error", "the browser student did not finish within 240 s")
    print("\n" + localhub.format_figures(result) + f"\n(simulation {time.monotonic() - t:.1f} s; "
          f"browser student {browser_outcome})")
    result.browser = browser_outcome
    return result


def test_simulated_class_has_no_failures(simulated):
    assert not simulated.failures, "\n".join(f"{r.name} at {r.stage}: {r.error}" for r in simulated.failures)
    assert len(simulated.results) == N


def test_every_student_worked_through_three_lessons_following_the_pages_next_link(simulated):
    path = ["01_sciatic_nerve_path.ipynb", "02_root_levels.ipynb", "03_assessment_reasoning.ipynb"]
    for r in simulated.results:
        assert [lr.notebook for lr in r.lessons] == path, r
        assert [lr.next_link for lr in r.lessons[:-1]] == path[1:]
        for lr in r.lessons:
            assert lr.cells >= 8 and lr.comms_opened > 20       # the lesson's widgets really opened over the comms
            assert lr.feedback_s is not None and lr.feedback_s < 120
        assert r.first_feedback_s is not None and r.first_feedback_s < 120
        assert r.case and "/" in r.case_score


def test_hand_ins_and_class_report(simulated, hub):
    files = sorted(hub.handin.glob("*.json"))
    assert [f.stem for f in files] == [f"student-{i + 1:02d}" for i in range(N)]
    for f in files:
        doc = json.loads(f.read_text())
        assert doc["format"] == "sciatica-course-progress" and doc["version"] == 1
        assert doc["student"] == f.stem
        assert doc["case_attempts"] and doc["answers"]        # the case and the clicked question
    assert simulated.report["ok"], simulated.report
    assert Path(simulated.report["output"]).exists()


def test_progress_lives_in_each_students_home(simulated, hub):
    for r in simulated.results:
        home = hub.home(r.name)
        assert (home / "course" / "03_assessment_reasoning.ipynb").exists()
        assert not (home / "course" / "instructor").exists()
        assert any((home / ".sciatica-course").iterdir()), f"no progress store in {home}"


def test_figures_are_measured(simulated):
    f = simulated.figures()
    assert f["hub_api_ms"]["calls"] > N and f["hub_api_ms"]["p95"] is not None
    assert f["server_rss_mb"] and f["kernel_rss_mb"] and f["student_pss_mb"]
    # the Next link closes the lesson left (its kernel shut): one kernel per student at the end of the path, one
    # lesson's kernel of memory; nothing to close afterwards
    assert simulated.path["navigation"] == "page"
    assert f["kernels_alive"] == {"median": 1, "max": 1}
    assert f["after_closing"]["kernels_alive"] is None
    assert f["kernel_rss_mb"]["max"] < 100                # one lesson kernel, no matplotlib in it
    if os.geteuid() == 0:                          # physical pages are visible to root only
        assert f["student_distinct_mb"]["median"] <= f["student_rss_mb"]["median"]


def test_a_student_logs_in_with_chromium_and_opens_a_lesson(hub, simulated):
    """One more student, during the simulated class: log in, the first lesson opens, an answer gets feedback."""
    outcome = simulated.browser
    if "skip" in outcome:
        pytest.skip(outcome["skip"])
    assert "error" not in outcome, outcome["error"]
    assert "/user/browser-student/lab/tree/course/00_start_here.ipynb" in outcome["url"]
    assert outcome["feedback_s"] and outcome["stderr_outputs"] == 0
    assert (hub.home("browser-student") / "course" / "00_start_here.ipynb").exists()


def test_student_server_ports_are_distinct_and_outside_the_ephemeral_range(tmp_path):
    _, ns = _load_config(tmp_path)
    ports = {ns["server_port"](f"student-{i}") for i in range(60)}
    assert len(ports) == 60
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    assert all(1024 <= p < low for p in ports)
    assert ns["server_port"]("student-3") == ns["server_port"]("student-3")   # a restart may keep its port


def test_make_class_serves_the_login_page_and_stops_cleanly(tmp_path):
    """`make class`: the hub comes up on 127.0.0.1, prints its URL and the class password, and a SIGTERM (or
    Ctrl+C) stops it with nothing left running."""
    import re
    import signal
    import subprocess
    import sys

    import psutil
    import requests

    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("node and npm are needed for JupyterHub's configurable-http-proxy; install nodejs and npm")
    state = tmp_path / "class"
    proc = subprocess.Popen([sys.executable, "-m", "deploy.jupyterhub.localhub", "serve", "--state", str(state)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = ""
    try:
        deadline = time.monotonic() + 90
        while "Stop with Ctrl+C" not in out and time.monotonic() < deadline and proc.poll() is None:
            out += proc.stdout.readline()
        url = re.search(r"(http://127\.0\.0\.1:\d+)/hub/login", out)
        assert url, out
        password = (state / "password").read_text().strip()
        assert password in out
        assert requests.get(url.group(0), timeout=30).status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    left = []
    for p in psutil.process_iter(["cmdline"]):
        try:
            if str(state) in " ".join(p.info["cmdline"] or []) or str(state) in (p.cwd() or ""):
                left.append(p.pid)
        except psutil.Error:
            continue
    assert not left, f"processes left after stopping make class: {left}"
