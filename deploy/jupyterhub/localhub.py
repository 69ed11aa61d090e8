"""The course on a real JupyterHub on this machine: ``serve`` for an instructor, ``simulate`` for a class.

    python -m deploy.jupyterhub.localhub serve                  # make class
    python -m deploy.jupyterhub.localhub simulate --students 40 # make class-sim N=40

``serve`` starts JupyterHub (deploy/jupyterhub/jupyterhub_config.py) on 127.0.0.1, prints the URL and the shared
class password, and runs until Ctrl+C. State (accounts, student homes, hand-ins) stays in deploy/jupyterhub/_run/class.

``simulate`` starts a fresh hub in a temporary folder, waits for it to draw the lesson figures into the class's
figure store (as it has when an instructor starts it before class), and plays a class: it creates N students through
the REST API in one POST and starts their servers concurrently from threads. Each student then works through a path
of lessons in a row (three from lesson 1 by default): open the lesson (a session, as JupyterLab opens a notebook),
run its code cells through a kernel on THEIR server (the widgets' comms open in this client as they would in a
browser), answer the first question the way the browser does (a comm message) and wait for the feedback, then move
on as the page does - its "Next" link, which opens the next lesson and closes the one left, shutting its kernel
(``--navigation tab``: the lesson left stays open in its tab with its kernel; memory is then measured as left and
again after those lessons are closed). At the end each hands in a
progress export (a case played through the engine) and leaves, kernels as they are. Then it builds the class report
from the hand-ins and prints: spawn time, time to the first feedback in each lesson, hub API latency (median, p95),
kernels alive and memory per student at the end of the path, then again after the lessons left are closed (what
closing their tabs or the idle-kernel culler does), failures; finally it stops the hub and checks that no process of
the class is left.

configurable-http-proxy comes from npm: it is installed on first use into deploy/jupyterhub/_run/proxy (git-ignored).
The class itself needs no network.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

from .measure import _pct, measure_memory, memory_snapshot
from .student import PATH_LESSONS, PATH_START, Api, HubError, close_left_lessons, run_student

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "jupyterhub_config.py"
RUN = HERE / "_run"
PROXY_DIR = RUN / "proxy"
PROXY_BIN = PROXY_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
PROXY_SPEC = "configurable-http-proxy@^5"
SERVICE = "class-sim"


# ----------------------------------------------------------------------------------------------- the proxy
def ensure_proxy(quiet: bool = True) -> str:
    """configurable-http-proxy from npm, installed once into deploy/jupyterhub/_run/proxy (never committed)."""
    if PROXY_BIN.exists():
        return str(PROXY_BIN)
    npm = shutil.which("npm")
    if not npm or not shutil.which("node"):
        raise HubError("JupyterHub's proxy needs node and npm (configurable-http-proxy); install nodejs and npm")
    PROXY_DIR.mkdir(parents=True, exist_ok=True)
    if not (PROXY_DIR / "package.json").exists():
        (PROXY_DIR / "package.json").write_text('{"name": "sciatica-hub-proxy", "private": true}\n')
    if not quiet:
        print(f"== installing {PROXY_SPEC} from npm into {PROXY_DIR} (first time only)", flush=True)
    r = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", str(PROXY_DIR),
                        PROXY_SPEC], capture_output=True, text=True, timeout=300)
    if r.returncode != 0 or not PROXY_BIN.exists():
        raise HubError(f"npm could not install {PROXY_SPEC}:\n{r.stderr.strip()[-2000:]}")
    return str(PROXY_BIN)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------------------------------------- the hub
class Hub:
    """A JupyterHub process started from jupyterhub_config.py, reachable at ``url`` (127.0.0.1)."""

    def __init__(self, state: Path, password: Optional[str] = None, token: Optional[str] = None,
                 port: Optional[int] = None, runtime_root: Optional[str] = None, log_level: str = "WARN",
                 singleuser_args: str = ""):
        self.state = Path(state).resolve()
        self.password = password or secrets.token_urlsafe(9)
        self.token = token or secrets.token_hex(24)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.runtime_root = runtime_root or tempfile.mkdtemp(prefix="scrt-", dir="/tmp")
        self.log_level = log_level
        self.singleuser_args = singleuser_args
        self.proc: Optional[subprocess.Popen] = None
        self.log_path = self.state / "hub.log"
        self._log = None

    @property
    def handin(self) -> Path:
        return self.state / "handin"

    def home(self, user: str) -> Path:
        return self.state / "home" / user

    def start(self, timeout: float = 60) -> "Hub":
        proxy = ensure_proxy()
        self.state.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update({
            "SCIATICA_HUB_STATE": str(self.state),
            "SCIATICA_HUB_PORT": str(self.port),
            "SCIATICA_HUB_API_PORT": str(free_port()),
            "SCIATICA_PROXY_API_PORT": str(free_port()),
            "SCIATICA_HUB_PASSWORD": self.password,
            "SCIATICA_HUB_PROXY": proxy,
            "SCIATICA_HUB_SERVICE_TOKEN": self.token,
            "SCIATICA_HUB_RUNTIME_ROOT": self.runtime_root,
            "SCIATICA_HUB_SINGLEUSER_ARGS": self.singleuser_args,
        })
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG), f"--log-level={self.log_level}"],
            cwd=str(self.state), env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        import requests

        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HubError(f"JupyterHub exited with code {self.proc.returncode}; see {self.log_path}:\n"
                               + self.log_tail())
            try:  # trap 5: the proxy answers 404 on /hub/api/ until the hub has added its route
                r = requests.get(f"{self.url}/hub/api/", timeout=5)
                if r.status_code == 200:
                    return
                last = f"HTTP {r.status_code}"
            except requests.RequestException as e:
                last = type(e).__name__
            time.sleep(0.2)
        raise HubError(f"JupyterHub did not answer at {self.url}/hub/api/ within {timeout:.0f} s ({last}); "
                       f"see {self.log_path}")

    def wait_figures(self, timeout: float = 180) -> Optional[float]:
        """Wait until the hub's background ``sciatica-course figures`` (started with the hub) has filled the class's
        figure store, as it has when an instructor starts the hub before the class arrives. Returns the seconds
        waited, or None if it did not finish in time (students then draw what is missing themselves)."""
        log = self.state / "figures.log"
        t = time.monotonic()
        while time.monotonic() - t < timeout:
            text = log.read_text(errors="replace") if log.exists() else ""
            if " figures in " in text:
                return round(time.monotonic() - t, 1)
            time.sleep(0.5)
        return None

    def log_tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def processes(self) -> list:
        """Every process belonging to this class: the hub's descendants, and any process whose command line,
        working folder or environment points into the hub's state folder (kernels, servers, proxy)."""
        import psutil

        found = {}
        if self.proc is not None:
            try:
                root = psutil.Process(self.proc.pid)
                for p in [root] + root.children(recursive=True):
                    found[p.pid] = p
            except psutil.NoSuchProcess:
                pass
        marks = (str(self.state), self.runtime_root)
        me = os.getpid()
        for p in psutil.process_iter(["pid", "cmdline", "cwd"]):
            if p.pid == me or p.pid in found:
                continue
            try:
                text = " ".join(p.info.get("cmdline") or []) + " " + (p.info.get("cwd") or "")
                if any(m in text for m in marks):
                    found[p.pid] = p
                    continue
                env = p.environ()
                if any(m in v for v in env.values() for m in marks):
                    found[p.pid] = p
            except (psutil.Error, OSError):
                continue
        return list(found.values())

    def stop(self, timeout: float = 30) -> dict:
        """Stop the hub (it stops every student's server), then look for anything left and end it.
        Returns {"left_after_stop": [...], "killed": n}."""
        import psutil

        before = self.processes()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        # the hub has stopped every server it knew; on a loaded machine (40 servers stopping on 2 cores) the last ones
        # may still be ending their kernels: give them time before calling anything "left"
        gone, alive = psutil.wait_procs([p for p in before if p.is_running()], timeout=30)
        alive += [p for p in self.processes() if p not in alive]
        left = []
        for p in alive:
            try:
                left.append(f"{p.pid} {' '.join(p.cmdline())[:120]}")
                p.terminate()
            except psutil.Error:
                pass
        psutil.wait_procs(alive, timeout=5)
        for p in alive:
            try:
                p.kill()
            except psutil.Error:
                pass
        if self._log:
            self._log.close()
            self._log = None
        return {"left_after_stop": left, "killed": len(left)}

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.runtime_root, ignore_errors=True)


def build_class_report(handin: Path, out: Path, figures: bool = True) -> dict:
    """``sciatica-course class-report`` if the course has it, else a minimal aggregation (said so)."""
    exe = Path(sys.executable).with_name("sciatica-course")
    help_text = subprocess.run([str(exe), "--help"], capture_output=True, text=True).stdout
    if "class-report" in help_text:
        t = time.monotonic()
        cmd = [str(exe), "class-report", str(handin), "-o", str(out)] + ([] if figures else ["--no-figures"])
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        return {"how": "sciatica-course class-report", "ok": r.returncode == 0, "seconds": round(time.monotonic() - t, 1),
                "output": str(out / "report.html"), "message": (r.stdout + r.stderr).strip()[-600:]}
    # minimal aggregation: count hand-ins, attempts and unsafe choices
    students, attempts, flags = 0, 0, 0
    for f in sorted(handin.glob("*.json")):
        doc = json.loads(f.read_text())
        if doc.get("format") != "sciatica-course-progress":
            continue
        students += 1
        attempts += len(doc.get("case_attempts", []))
        flags += sum(len(a.get("safety_flags", [])) for a in doc.get("case_attempts", []))
    out.mkdir(parents=True, exist_ok=True)
    summary = {"students": students, "case_attempts": attempts, "safety_flags": flags}
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return {"how": "minimal aggregation (sciatica-course class-report not available yet)", "ok": True,
            "output": str(out / "summary.json"), "message": json.dumps(summary)}


@dataclass
class ClassResult:
    students: int
    results: list = field(default_factory=list)
    create_users_s: float = 0.0
    all_ready_s: Optional[float] = None
    all_feedback_s: Optional[float] = None
    api_calls: int = 0
    api_median_ms: Optional[float] = None
    api_p95_ms: Optional[float] = None
    api_by_kind: dict = field(default_factory=dict)
    hub_rss_mb: Optional[float] = None        # the hub process (fixed cost of the class)
    proxy_rss_mb: Optional[float] = None      # configurable-http-proxy (node)
    hub_cpu_s: Optional[float] = None         # CPU seconds the hub spent on this class
    proxy_cpu_s: Optional[float] = None
    load_average: tuple = ()                  # of this machine before and after: other work skews the timings
    path: dict = field(default_factory=dict)  # start, lessons, navigation
    report: dict = field(default_factory=dict)
    cleanup: dict = field(default_factory=dict)
    wall_s: float = 0.0

    @property
    def failures(self) -> list:
        return [r for r in self.results if not r.ok]

    def figures(self) -> dict:
        ok = [r for r in self.results if r.ok]
        def stat(attr, of=None):
            vals = [(of(r) if of else getattr(r, attr)) for r in self.results]
            vals = [v for v in vals if v is not None]
            if not vals:
                return None
            return {"median": round(statistics.median(vals), 1), "max": round(max(vals), 1)}

        def closed(key):
            return stat(key, lambda r: (r.closed or {}).get(key) if key != "student_rss_mb" else (
                round(r.closed["server_rss_mb"] + r.closed["kernel_rss_mb"], 1) if r.closed else None))

        per_lesson = {}
        for r in self.results:
            for i, lr in enumerate(r.lessons):
                if lr.feedback_s is not None:
                    per_lesson.setdefault(f"{i + 1}. {lr.notebook}", []).append(lr.feedback_s)
        return {
            "students": self.students, "ok": len(ok), "failures": len(self.failures), "path": self.path,
            "lessons_per_student": stat("lessons", lambda r: len(r.lessons)),
            "spawn_s": stat("spawn_s"), "first_feedback_s": stat("first_feedback_s"),
            "lesson_feedback_s": stat("lesson_feedback_max_s"),
            "lesson_feedback_by_lesson_s": {k: {"median": round(statistics.median(v), 1), "max": round(max(v), 1),
                                                "students": len(v)} for k, v in per_lesson.items()},
            "kernels_alive": stat("kernels_alive"),
            "hub_api_ms": {"calls": self.api_calls, "median": self.api_median_ms, "p95": self.api_p95_ms,
                           "by_kind": self.api_by_kind},
            "server_rss_mb": stat("server_rss_mb"), "kernel_rss_mb": stat("kernel_rss_mb"),
            "student_rss_mb": stat("rss_total_mb"), "student_pss_mb": stat("student_pss_mb"),
            "student_uss_mb": stat("student_uss_mb"), "student_distinct_mb": stat("student_distinct_mb"),
            "server_cpu_s": stat("server_cpu_s"), "kernel_cpu_s": stat("kernel_cpu_s"),
            "after_closing": {"kernels_alive": closed("kernels"), "student_rss_mb": closed("student_rss_mb"),
                              "kernel_rss_mb": closed("kernel_rss_mb"), "student_pss_mb": closed("student_pss_mb"),
                              "student_uss_mb": closed("student_uss_mb"),
                              "student_distinct_mb": closed("student_distinct_mb")},
            "hub_rss_mb": self.hub_rss_mb, "proxy_rss_mb": self.proxy_rss_mb,
            "hub_cpu_s": self.hub_cpu_s, "proxy_cpu_s": self.proxy_cpu_s,
            "load_average": self.load_average,
        }

    def to_json(self) -> str:
        return json.dumps({"figures": self.figures(), "create_users_s": self.create_users_s,
                           "report": self.report, "cleanup": self.cleanup, "wall_s": self.wall_s,
                           "students": [asdict(r) for r in self.results]}, indent=2)


def run_class(hub: Hub, n: int, timeout: float = 300, prefix: str = "student",
              report: bool = True, figures: bool = True, progress=None, start: str = PATH_START,
              lessons: int = PATH_LESSONS, navigation: str = "page") -> ClassResult:
    """Play a class of ``n`` students on a running hub (see the module docstring and :func:`run_student`)."""
    import psutil

    say = progress or (lambda *_: None)
    latencies: list = []
    by_kind: dict = {}
    lock = threading.Lock()
    api = Api(hub, latencies, lock, by_kind)
    users = [f"{prefix}-{i + 1:02d}" for i in range(n)]
    result = ClassResult(students=n, path={"start": start, "lessons": lessons, "navigation": navigation})
    load0 = os.getloadavg()[0]
    try:
        hub_cpu0 = sum(psutil.Process(hub.proc.pid).cpu_times()[:2])
    except psutil.Error:
        hub_cpu0 = 0.0
    t0 = time.monotonic()
    r = api.hub_api("POST", "/users", json={"usernames": users}, timeout=timeout)   # one POST for the class
    if r.status_code not in (201, 409):
        raise HubError(f"creating {n} users: HTTP {r.status_code} {r.text[:300]}")
    result.create_users_s = round(time.monotonic() - t0, 2)
    say(f"created {n} students in {result.create_users_s} s; starting their servers")

    def one(i_user):
        i, user = i_user
        res = run_student(Api(hub, latencies, lock, by_kind), user, i, t0, timeout, start, lessons, navigation)
        say(f"  {user}: {'ok' if res.ok else 'FAILED at ' + res.stage + ': ' + res.error}"
            + (f" (server {res.spawn_s:.1f} s; feedback after opening each lesson "
               + ", ".join(f"{lr.feedback_s:.1f}" for lr in res.lessons) + " s)" if res.ok else ""))
        return res

    stop_probe = threading.Event()

    def probe():   # what an instructor's admin page feels: one hub API call a second through the class
        p = Api(hub, latencies, lock, by_kind)
        while not stop_probe.wait(1.0):
            try:
                p.hub_api("GET", "/user", timeout=timeout)
            except Exception:
                pass

    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    pool = ThreadPoolExecutor(max_workers=n)   # trap 3: one thread per student, not a loop
    try:
        result.results = list(pool.map(one, enumerate(users)))
    finally:   # on Ctrl+C do not wait here: stopping the hub ends the students' threads
        pool.shutdown(wait=False, cancel_futures=True)
        stop_probe.set()
    prober.join(timeout=timeout)
    ready = [r.spawn_s for r in result.results if r.spawn_s is not None]
    fb = [r.first_feedback_s for r in result.results if r.first_feedback_s is not None]
    result.all_ready_s = round(max(ready), 1) if ready else None
    result.all_feedback_s = round(max(fb), 1) if fb else None
    measure_memory(hub, result.results)      # the end of the path, kernels as the students left them
    if any(len(r.lessons) > 1 and r.kernels_alive and r.kernels_alive > 1 for r in result.results):
        # then as if each student had closed the lessons they left (or the idle culler had come by)
        api_close = Api(hub, latencies, lock, by_kind)
        with ThreadPoolExecutor(max_workers=min(n, 8)) as closer:
            list(closer.map(lambda r: close_left_lessons(api_close, r, timeout), result.results))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            snap = memory_snapshot(hub)
            if all(m["kernels"] <= 1 for m in snap.values()):
                break
            time.sleep(0.5)
        for r in result.results:
            r.closed = snap.get(r.name, {})
    try:
        hub_proc = psutil.Process(hub.proc.pid)
        result.hub_rss_mb = round(hub_proc.memory_info().rss / 1e6, 1)
        result.hub_cpu_s = round(sum(hub_proc.cpu_times()[:2]) - hub_cpu0, 1)
        proxies = [p for p in hub_proc.children() if "configurable-http-proxy" in " ".join(p.cmdline())]
        result.proxy_rss_mb = round(sum(p.memory_info().rss for p in proxies) / 1e6, 1)
        result.proxy_cpu_s = round(sum(sum(p.cpu_times()[:2]) for p in proxies), 1)
    except psutil.Error:
        pass
    result.load_average = (round(load0, 1), round(os.getloadavg()[0], 1))
    result.api_calls = len(latencies)
    if latencies:
        result.api_median_ms = round(statistics.median(latencies) * 1000, 1)
        result.api_p95_ms = round(_pct(latencies, 0.95) * 1000, 1)
        result.api_by_kind = {k: {"calls": len(v), "median_ms": round(statistics.median(v) * 1000, 1),
                                  "p95_ms": round(_pct(v, 0.95) * 1000, 1)} for k, v in sorted(by_kind.items())}
    if report:
        say("building the class report from the hand-ins")
        result.report = build_class_report(hub.handin, hub.state / "class-report", figures=figures)
    result.wall_s = round(time.monotonic() - t0, 1)
    return result


def format_figures(result: ClassResult) -> str:
    f = result.figures()
    def ms(d, unit="s"):
        return "-" if not d else f"median {d['median']:g}{' ' + unit if unit else ''}, max {d['max']:g}{' ' + unit if unit else ''}"
    lines = [
        f"students                      {f['students']} ({f['ok']} ok, {f['failures']} failed)",
        f"path                          {f['path'].get('lessons')} lessons in a row from {f['path'].get('start')}, "
        f"moving on by each lesson's Next link; the lesson left: "
        f"{'left open in its tab (--navigation tab)' if f['path'].get('navigation') == 'tab' else 'closed by the page, its kernel shut'}",
        f"create users (one POST)       {result.create_users_s} s",
        f"server ready after start      {ms(f['spawn_s'])} (all ready at {result.all_ready_s} s)",
        f"first feedback after start    {ms(f['first_feedback_s'])} (every student by {result.all_feedback_s} s)",
        f"first feedback in each lesson {ms(f['lesson_feedback_s'])} (after opening it; worst lesson per student)",
        *(f"  {k:34s}median {v['median']} s, max {v['max']} s ({v['students']} students)"
          for k, v in f["lesson_feedback_by_lesson_s"].items()),
        f"hub API latency               median {f['hub_api_ms']['median']} ms, p95 {f['hub_api_ms']['p95']} ms "
        f"({f['hub_api_ms']['calls']} calls)",
        *(f"  {k:28s}{v['calls']:4d} calls, median {v['median_ms']} ms, p95 {v['p95_ms']} ms"
          for k, v in f["hub_api_ms"]["by_kind"].items()),
        "memory per student at the end of the path, kernels as the student left them:",
        f"kernels alive per student     {ms(f['kernels_alive'], '')}",
        f"memory per student, RSS       server {ms(f['server_rss_mb'], 'MB')}; kernels {ms(f['kernel_rss_mb'], 'MB')}",
        f"                              server + kernel {ms(f['student_rss_mb'], 'MB')}",
        f"memory per student, PSS       {ms(f['student_pss_mb'], 'MB')} (shared libraries split between students)",
        f"memory per student, USS       {ms(f['student_uss_mb'], 'MB')} (private to the student)",
        f"memory per student, distinct  {ms(f['student_distinct_mb'], 'MB')} (server + kernel, each page once: a pod)",
        *([] if not f["after_closing"]["kernels_alive"] else [
            "after the lessons left are closed (their kernels shut: closing the tab, or the idle culler):",
            f"kernels alive per student     {ms(f['after_closing']['kernels_alive'], '')}",
            f"memory per student, RSS       kernels {ms(f['after_closing']['kernel_rss_mb'], 'MB')}; "
            f"server + kernel {ms(f['after_closing']['student_rss_mb'], 'MB')}",
            f"memory per student, USS       {ms(f['after_closing']['student_uss_mb'], 'MB')}",
            f"memory per student, distinct  {ms(f['after_closing']['student_distinct_mb'], 'MB')}"]),
        f"CPU per student (so far)      server {ms(f['server_cpu_s'], 's')}; kernel {ms(f['kernel_cpu_s'], 's')}",
        f"hub and proxy (fixed)         hub {f['hub_rss_mb']} MB, proxy {f['proxy_rss_mb']} MB RSS; "
        f"CPU for this class: hub {f['hub_cpu_s']} s, proxy {f['proxy_cpu_s']} s",
        f"machine load average          {f['load_average']} (before, after; 2 cores: other work skews timings)",
        f"class report                  {result.report.get('how', '-')}: "
        f"{'ok' if result.report.get('ok') else 'FAILED'} -> {result.report.get('output', '')}",
    ]
    for r in result.failures:
        lines.append(f"FAILED {r.name} at {r.stage}: {r.error}")
    if result.cleanup:
        left = result.cleanup.get("left_after_stop") or []
        lines.append(f"leftover processes after stop {len(left)}" + (": " + "; ".join(left) if left else ""))
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------- commands
def cmd_serve(args) -> int:
    state = Path(args.state or RUN / "class")
    try:
        ensure_proxy(quiet=False)
    except HubError as e:
        print(e, file=sys.stderr)
        return 1
    pw_file = state / "password"
    password = pw_file.read_text().strip() if pw_file.exists() else secrets.token_urlsafe(9)
    state.mkdir(parents=True, exist_ok=True)
    pw_file.write_text(password + "\n")
    hub = Hub(state, password=password, port=args.port or free_port(), runtime_root="/tmp/sciatica-rt",
              log_level="INFO")
    try:
        hub.start()
    except HubError as e:
        print(e, file=sys.stderr)
        hub.stop()
        return 1
    admin = (state / "admin_password").read_text().strip() if (state / "admin_password").exists() else "?"
    print(f"""
The class hub is running:  {hub.url}/hub/login

  Students: any user name, class password  {password}
  Instructor (admin panel at {hub.url}/hub/admin): user name  instructor,  password  {admin}

  Each student finds the course in ~/course; their progress stays in their own home; hand-ins land in
  {hub.handin}  (read them with: sciatica-course class-report {hub.handin} -o class-report)

  Log: {hub.log_path}
  Stop with Ctrl+C (it stops every student's server).
""", flush=True)
    try:
        while hub.proc.poll() is None:
            time.sleep(1)
        print(f"JupyterHub stopped (code {hub.proc.returncode}); see {hub.log_path}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping the class hub ...", flush=True)
        return 0
    finally:
        info = hub.stop()
        if info["left_after_stop"]:
            print(f"ended {info['killed']} leftover processes", file=sys.stderr)


def cmd_simulate(args) -> int:
    n = args.students
    state = Path(tempfile.mkdtemp(prefix="schub-", dir="/tmp"))
    print(f"== a simulated class of {n} students on a local JupyterHub (state in {state})", flush=True)
    try:
        ensure_proxy(quiet=False)
    except HubError as e:
        print(e, file=sys.stderr)
        return 1
    hub = Hub(state)
    result = None
    try:
        t = time.monotonic()
        hub.start()
        print(f"hub up at {hub.url} in {time.monotonic() - t:.1f} s", flush=True)
        waited = hub.wait_figures()
        print(f"class figure store filled {waited} s later" if waited is not None else
              "the class figure store was not filled in 180 s: students draw what is missing", flush=True)
        result = run_class(hub, n, timeout=args.timeout, progress=lambda s: print(s, flush=True),
                           start=args.start, lessons=args.lessons, navigation=args.navigation)
    except HubError as e:
        print(f"error: {e}", file=sys.stderr)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping the hub and every student's server ...", file=sys.stderr, flush=True)
    finally:
        cleanup = hub.stop()
        if result is not None:
            result.cleanup = cleanup
    if result is None:
        if not args.keep:
            shutil.rmtree(state, ignore_errors=True)
        shutil.rmtree(hub.runtime_root, ignore_errors=True)
        return 1
    out = RUN / f"class-sim-{n}.json"
    RUN.mkdir(parents=True, exist_ok=True)
    out.write_text(result.to_json())
    report_copy = RUN / f"class-sim-{n}-report"
    src = hub.state / "class-report"
    if src.exists():
        shutil.rmtree(report_copy, ignore_errors=True)
        shutil.copytree(src, report_copy)
    print("\n" + format_figures(result))
    print(f"\nfigures: {out}; class report: {report_copy}")
    if not args.keep:
        shutil.rmtree(state, ignore_errors=True)
    shutil.rmtree(hub.runtime_root, ignore_errors=True)
    return 0 if not result.failures and result.report.get("ok") and not result.cleanup["left_after_stop"] else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.jupyterhub.localhub",
                                     description="The sciatica course on a local JupyterHub.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="start the class hub on 127.0.0.1 and print the URL (make class)")
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--state", default=None, help="folder for accounts, homes and hand-ins (default _run/class)")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("simulate", help="a simulated class of N students (make class-sim N=40)")
    p.add_argument("--students", type=int, default=40)
    p.add_argument("--timeout", type=float, default=300, help="seconds each student may wait for any one step")
    p.add_argument("--keep", action="store_true", help="keep the temporary state folder")
    p.add_argument("--start", default=PATH_START, help=f"the lesson each student opens first ({PATH_START})")
    p.add_argument("--lessons", type=int, default=PATH_LESSONS,
                   help=f"lessons in a row per student, following the page's Next link ({PATH_LESSONS})")
    p.add_argument("--navigation", choices=("page", "tab"), default="page",
                   help="page: as the lesson's Next link does, the lesson left is closed and its kernel shut; tab: the "
                        "lesson left stays open in its tab with its kernel (then memory is measured both ways)")
    p.set_defaults(func=cmd_simulate)
    args = parser.parse_args(argv)
    # `kill`/`timeout` (SIGTERM) ends a class like Ctrl+C does: the hub and every student's server are stopped
    # (the hub runs in its own session, so nothing else would stop it)
    signal.signal(signal.SIGTERM, _interrupt)
    return int(args.func(args) or 0)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
