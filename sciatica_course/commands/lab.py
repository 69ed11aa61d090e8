"""``lab``: open the course in JupyterLab at the start page, from the student's working copy of the lessons;
``lessons``: how that copy stands against the course, and taking a lesson's newer version.

The lab serves the working copy (:mod:`sciatica_course.workcopy`), never the course's own ``notebooks/``: running
and editing lessons leaves the repository clean, so ``git pull`` or a new download updates it. What a student sees
in the terminal is a short, plain message (where the lessons are, the address, how to stop); JupyterLab's own log
goes to ``lab.log`` beside the progress store (``--verbose`` shows it instead).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

# Idle kernels are shut down after an hour (checked every 5 minutes), even with the lesson's tab still open
# (cull_connected=True): a student moving on with "Next" closes the lesson left (sciatica_course/lesson.py), and a
# lesson left open and untouched for an hour (another tab, lunch, a closed laptop) should not hold a Python process
# for the rest of the day. An hour is longer than any lesson's reading between two clicks; a busy kernel is never
# culled. Nothing is lost: answers are saved as they are given; the student presses Run All again to continue.
CULL_IDLE_SECONDS = 3600
CULL_ARGS = [f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
             "--MappingKernelManager.cull_interval=300",
             "--MappingKernelManager.cull_connected=True", "--MappingKernelManager.cull_busy=False"]
# No network at run time: no extension installs from PyPI, no news feed, no update check (as on the class hub).
OFFLINE_ARGS = ["--LabApp.extension_manager=readonly", "--LabApp.news_url=None",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
# An extension reads the deprecated ServerApp.token at start-up; the DeprecationWarning it prints looks like an
# error to a student and means nothing to them (the token is set through IdentityProvider / JUPYTER_TOKEN).
QUIET_WARNINGS = ["-W", "ignore:ServerApp.token config is deprecated:DeprecationWarning"]
START_PAGE = "00_start_here.ipynb"
DEFAULT_PORT = 8888


def register(sub):
    p = sub.add_parser("lab", help="open the course in JupyterLab at the start page (your own copy of the lessons)")
    p.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default: 8888 or the next free one)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser; print the address only")
    p.add_argument("--folder", default=None,
                   help="your lessons folder (default: lessons/ beside your progress; see `lessons --status`)")
    p.add_argument("--verbose", action="store_true", help="show JupyterLab's own log in the terminal")
    p.add_argument("extra", nargs="*", help="further options passed to jupyter lab (after --)")
    p.set_defaults(func=cmd_lab)

    q = sub.add_parser("lessons", help="your copy of the lessons: where it is, which lessons have a newer version "
                                       "(--status), take one (reset NN)")
    q.add_argument("--status", action="store_true", help="list every lesson and how your copy stands (default)")
    q.add_argument("--folder", default=None, help="your lessons folder (default: lessons/ beside your progress)")
    qs = q.add_subparsers(dest="action", metavar="ACTION")
    r = qs.add_parser("reset", help="replace your copy of lesson NN with the course's current version; your old "
                                    "copy is kept beside it (NAME.old-DATE.ipynb); progress is not touched")
    r.add_argument("lesson", nargs="+", help="lesson number (03) or file name")
    q.set_defaults(func=cmd_lessons)


def lab_command(notebooks_dir: str, port: int | None = None, no_browser: bool = False, extra=()) -> list[str]:
    """The ``jupyter lab`` command serving ``notebooks_dir`` with the start page as the default page."""
    cmd = [sys.executable, *QUIET_WARNINGS, "-m", "jupyterlab", f"--ServerApp.root_dir={notebooks_dir}",
           f"--LabApp.default_url=/lab/tree/{START_PAGE}", "--ServerApp.ip=127.0.0.1", *CULL_ARGS, *OFFLINE_ARGS]
    if port:
        cmd += [f"--port={port}", "--ServerApp.port_retries=0"]
    if no_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    # an option given by the caller replaces ours (JupyterLab refuses the same option twice)
    given = {e.split("=", 1)[0] for e in extra if e.startswith("--")}
    return [c for c in cmd if c.split("=", 1)[0] not in given] + list(extra)


def notebooks_dir():
    """The course's notebooks/ folder (see :func:`sciatica_course.workcopy.course_notebooks`)."""
    from ..workcopy import course_notebooks

    return course_notebooks()


def _free_port(start: int) -> int:
    import socket

    for port in range(start, start + 50):
        with socket.socket() as s:
            if os.name != "nt":   # as JupyterLab binds: a port a stopped lab left in TIME_WAIT is free again
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _folder(args) -> Path:
    from ..workcopy import default_folder

    return Path(args.folder).expanduser() if args.folder else default_folder()


def command_name() -> str:
    """How the student runs this course's commands: ``python3 start.py`` when started through start.py."""
    return os.environ.get("SCIATICA_COURSE_COMMAND") or "sciatica-course"


def _lesson_label(name: str) -> str:
    return name[:-6] if name.endswith(".ipynb") else name


def sync_message(folder: Path, notebooks: Path, out=print) -> list:
    """Place missing lessons in the working copy and say what happened and what a newer version offers."""
    from .. import workcopy

    first = not (folder / workcopy.MANIFEST).exists() and not any(folder.glob("*.ipynb"))
    copied = workcopy.place(folder, notebooks)
    if first:
        out(f"Your lessons: {folder} (copied from the course; your changes there are kept)")
    else:
        out(f"Your lessons: {folder}")
        for name in copied:
            out(f"  new lesson added: {_lesson_label(name)}")
    offers = [s for s in workcopy.status(folder, notebooks) if s.offer]
    if offers:
        out(f"  {len(offers)} lesson{'s' if len(offers) != 1 else ''} changed in the course since you copied "
            f"{'them' if len(offers) != 1 else 'it'}: " + ", ".join(_lesson_label(s.name) for s in offers))
        out(f"  To take the new version (your copy is kept beside it): {command_name()} lessons reset "
            + offers[0].name[:2])
    return copied


def _wait_ready(proc, url: str, token: str, timeout: float) -> bool:
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    req = urllib.request.Request(url + "/api/status", headers={"Authorization": f"token {token}"})
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(req, timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def _can_open_browser() -> bool:
    """False where Python's webbrowser would start a text browser in this very terminal (Linux without a display)."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    return True


def _open_browser(url: str) -> bool:
    if not _can_open_browser():
        return False
    import webbrowser

    try:
        return bool(webbrowser.open(url))
    except Exception:  # noqa: BLE001 - no browser is a normal case, reported in words
        return False


class _Stop(Exception):
    """SIGTERM reached this process (a service manager, a test): stop like Ctrl+C."""


def _stop(proc, timeout: float = 30, signalled: bool = False, how=None) -> None:
    """Stop JupyterLab the way Ctrl+C does (``how``: the signal, SIGINT by default; it then shuts its kernels down);
    kill it only if it hangs. ``signalled``: the terminal's Ctrl+C reached JupyterLab too, so give it a moment on
    its own first."""
    import signal
    import subprocess

    if signalled:
        try:
            proc.wait(5)
            return
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            pass
    if proc.poll() is not None:
        return
    try:
        if os.name == "nt":       # CTRL_C_EVENT would reach every process of the console, this one too
            proc.terminate()
        else:
            proc.send_signal(how or signal.SIGINT)
        proc.wait(timeout)
    except (subprocess.TimeoutExpired, KeyboardInterrupt, OSError, ValueError):
        proc.kill()
        proc.wait(10)


def cmd_lab(args) -> int:
    import secrets
    import signal
    import subprocess

    from ..progress import store_dir

    notebooks = notebooks_dir()
    if notebooks is None:
        print("cannot find the course notebooks (notebooks/00_start_here.ipynb); run this from the course folder",
              file=sys.stderr)
        return 1
    folder = _folder(args)
    try:
        sync_message(folder, notebooks)
    except OSError as e:
        print(f"cannot prepare your lessons folder {folder}: {e}. Choose another with --folder.", file=sys.stderr)
        return 1
    port = args.port or _free_port(DEFAULT_PORT)
    token = os.environ.get("JUPYTER_TOKEN") or secrets.token_hex(24)
    from ..jupyter_config import with_course_config

    # the course's JupyterLab defaults (sciatica_course/jupyter_config): closing a lesson's tab shuts its kernel
    # down; no "get Jupyter news?" question on the first start
    env = with_course_config(dict(os.environ, JUPYTER_TOKEN=token))
    cmd = lab_command(str(folder), port, no_browser=True, extra=args.extra)
    log_path = store_dir() / "lab.log"
    print("Starting JupyterLab (a few seconds; up to a minute the first time)...", flush=True)
    if args.verbose:
        log = None
    else:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(log_path, "wb")
    # stdin is not the terminal: JupyterLab then stops at the first Ctrl+C instead of asking "Shutdown (y/[n])?".
    # Our own SIGINT handler (not "ignored", as a background shell may have left it) is reset to the default in
    # JupyterLab, so Ctrl+C stops it even then.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    proc = subprocess.Popen(cmd, env=env, cwd=str(folder), stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT if log else None)
    if log:
        log.close()

    def on_term(signum, frame):                   # a service manager or a test stopping us: stop JupyterLab too
        raise _Stop()

    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, on_term)
    base = f"http://127.0.0.1:{port}"
    try:
        if not _wait_ready(proc, base, token, timeout=180):
            _stop(proc)
            print(f"JupyterLab did not start. Its log: {log_path}" if log else "JupyterLab did not start.",
                  file=sys.stderr)
            if log:
                tail = log_path.read_text(errors="replace").strip().splitlines()[-15:]
                print("\n".join("  " + line for line in tail), file=sys.stderr)
            return 1
        url = f"{base}/lab/tree/{START_PAGE}?token={token}"
        opened = not args.no_browser and _open_browser(url)
        print()
        print("The course is open in your web browser." if opened else
              "The course is running. Open this address in your web browser (Chrome, Edge, Firefox or Safari):")
        if opened:
            print("If no browser window opened, copy this address into your browser's address bar:")
        print(f"\n    {url}\n")
        print("Keep this window open while you work. To stop: press Ctrl+C here (your work is saved as you go).")
        print("To come back another day, run the same command again: your lessons and progress are kept.",
              flush=True)
        return 0 if proc.wait() in (0, -signal.SIGINT, 130) else proc.returncode
    except (KeyboardInterrupt, _Stop) as e:
        print("\nStopping the course...", flush=True)
        if isinstance(e, KeyboardInterrupt):
            _stop(proc, timeout=30, signalled=True)
        else:                                     # SIGTERM: passed on, as if JupyterLab had been sent it
            _stop(proc, timeout=20, how=getattr(signal, "SIGTERM", None))
        print("Stopped. Run the same command again to come back.", flush=True)
        return 0
    finally:
        if proc.poll() is None:
            _stop(proc)


def cmd_lessons(args) -> int:
    from .. import workcopy

    notebooks = notebooks_dir()
    if notebooks is None:
        print("cannot find the course notebooks (notebooks/00_start_here.ipynb)", file=sys.stderr)
        return 1
    folder = _folder(args)
    if args.action == "reset":
        if not folder.is_dir():
            print(f"no lessons folder yet at {folder}: opening the course ({command_name()}) makes it",
                  file=sys.stderr)
            return 1
        rc = 0
        for which in args.lesson:
            try:
                dest, old = workcopy.reset(folder, notebooks, which)
            except workcopy.LessonNotFound as e:
                print(e, file=sys.stderr)
                rc = 1
                continue
            except OSError as e:
                print(f"cannot reset lesson {which}: {e}", file=sys.stderr)
                rc = 1
                continue
            print(f"{dest.name}: now the course's current version"
                  + (f"; your old copy is beside it as {old.name}" if old else " (yours had no changes)"))
        if rc == 0:
            print("Your progress is unchanged. If the lesson is open in JupyterLab, close its tab (do not save it: "
                  "that would write your old version over the new one) and open it again.")
        return rc
    print(f"Your lessons: {folder}")
    print(f"The course:   {notebooks}")
    states = workcopy.status(folder, notebooks)
    width = max((len(_lesson_label(s.name)) for s in states), default=10)
    for s in states:
        print(f"  {_lesson_label(s.name):<{width}}  {s.state}")
    offers = [s for s in states if s.offer]
    if offers:
        print(f"Take a newer version with: {command_name()} lessons reset {offers[0].name[:2]}"
              " (your copy is kept beside it, progress is not touched)")
    if any(s.state == workcopy.NOT_COPIED for s in states):
        print("Lessons not copied yet are added the next time you open the course.")
    return 0
