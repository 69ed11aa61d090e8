#!/usr/bin/env python3
"""Start the Sciatica course: the one command for Windows, macOS and Linux. Needs only Python 3.10 or newer.

    python3 start.py              open the course in JupyterLab (Windows: py start.py); options: --no-browser,
                                  --port N, --verbose (JupyterLab's own log), --folder DIR (your lessons)
    python3 start.py test [ARGS]  run every test (the README's test command; ARGS go to pytest)
    python3 start.py setup [--dev] only prepare .venv and the lesson figures (--dev: with the test and class tools)
    python3 start.py COMMAND ...  any sciatica-course command, e.g. `lessons --status`, `progress export -o F`

The first time, it makes a private Python environment in .venv inside this folder and installs the course into it
(a minute or two, from the internet); later starts take seconds. Nothing outside this folder is installed or changed
except your own lessons and progress (see `python3 start.py lessons --status`).

This file uses only Python's standard library and avoids newer syntax on purpose, so that an old Python prints a
clear message instead of a SyntaxError.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

MIN_PYTHON = (3, 10)
HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv")
STAMP_NAME = ".sciatica-start.json"
DEV_EXTRAS = ("test", "class")
# The README's test command (a test checks the README, .ci/run and this agree).
PYTEST_ARGS = ["--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider", "tests", "notebooks"]
# What the course needs to open, and what the tests need besides.
CHECK_IMPORTS = ["sciatica_course", "jupyterlab", "ipywidgets", "matplotlib", "pandas", "yaml"]
DEV_CHECK_IMPORTS = ["pytest", "nbval", "playwright", "jupyterhub"]
# For the project's own tests only: instead of pip, put this folder and an existing environment's packages (its
# site-packages folder) on the new .venv's path, so a test can make a fresh .venv in seconds.
REUSE_VARIABLE = "SCIATICA_START_REUSE_SITE"
# What the course's code and data look like now: the lesson figures are drawn again when this changes.
FIGURE_SOURCES = [("data", (".yaml",)), (os.path.join("sciatica_course", "plotting"), (".py",)),
                  ("notebooks", (".ipynb",))]

# Write the course package's byte code, as a normal pip install does (an editable one does not): a lesson's kernel
# then reads it instead of compiling the package again, also where PYTHONDONTWRITEBYTECODE is set.
COMPILE = "from sciatica_course.commands.figures import compile_package; compile_package()"


class StartError(Exception):
    """A problem the person at the keyboard can act on (the message says how)."""


def say(msg=""):
    print(msg)
    sys.stdout.flush()


# ----------------------------------------------------------------------------------------------- where things are

def is_windows(nt=None):
    return os.name == "nt" if nt is None else nt


def _path(nt):
    import ntpath
    import posixpath
    return ntpath if is_windows(nt) else posixpath


def venv_bin(venv=VENV, nt=None):
    """The folder of the environment's programs: .venv\\Scripts on Windows, .venv/bin elsewhere."""
    return _path(nt).join(venv, "Scripts" if is_windows(nt) else "bin")


def venv_python(venv=VENV, nt=None):
    return _path(nt).join(venv_bin(venv, nt), "python.exe" if is_windows(nt) else "python")


def venv_script(name, venv=VENV, nt=None):
    """A console script installed in the environment (``sciatica-course`` -> .venv\\Scripts\\sciatica-course.exe)."""
    return _path(nt).join(venv_bin(venv, nt), name + (".exe" if is_windows(nt) else ""))


def command_name(nt=None):
    """How a student types this command: ``py start.py`` on Windows (the python.org launcher), else python3."""
    if is_windows(nt):
        if nt is None and not shutil.which("py"):
            return "python start.py"
        return "py start.py"
    return "python3 start.py"


# ----------------------------------------------------------------------------------------------- checks

def python_problem(version=None, nt=None):
    """None, or what to do when this Python is too old to run the course."""
    v = tuple(version or sys.version_info[:3])
    if v[:2] >= MIN_PYTHON:
        return None
    found = ".".join(str(x) for x in v[:3])
    need = "%d.%d" % MIN_PYTHON
    lines = ["The course needs Python %s or newer; this is Python %s (%s)." % (need, found, sys.executable)]
    if is_windows(nt):
        lines.append("Install the newest Python from https://www.python.org/downloads/ (tick 'Add python.exe to "
                     "PATH') or from the Microsoft Store, then run: py -3 start.py")
    elif sys.platform == "darwin":
        lines.append("Install the newest Python from https://www.python.org/downloads/ (or `brew install python`), "
                     "then open a new Terminal window and run: python3 start.py (if that still finds the old one: "
                     "python3.13 start.py, with the version you installed)")
    else:
        lines.append("Install a newer Python with your package manager (for example `sudo apt install python3` on "
                     "a recent Debian or Ubuntu) or from https://www.python.org/downloads/, then run it on start.py, "
                     "for example: python3.12 start.py")
    return "\n".join(lines)


def venv_module_problem():
    """None, or what to install when this Python cannot make environments (Debian and Ubuntu ship venv apart)."""
    try:
        import ensurepip  # noqa: F401
        import venv  # noqa: F401
    except ImportError:
        return _venv_package_message()
    return None


def _venv_package_message():
    ver = "%d.%d" % sys.version_info[:2]
    return ("This Python cannot create a virtual environment: its 'venv' / 'ensurepip' part is not installed.\n"
            "On Debian or Ubuntu install it with:\n\n    sudo apt install python3-venv\n\n"
            "(or python%s-venv for this Python %s), then run this command again.\n"
            "Anaconda users can use environment.yml instead (see the README)." % (ver, ver))


# ----------------------------------------------------------------------------------------------- the environment

def _run_quiet(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, **kw)


def _file_hash(paths):
    h = hashlib.sha256()
    for p in paths:
        h.update(os.path.relpath(p, HERE).replace("\\", "/").encode("utf-8"))
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:20]


def project_hash():
    """What decides the installation: the dependencies in pyproject.toml."""
    return _file_hash([os.path.join(HERE, "pyproject.toml")])


def figure_sources_hash():
    files = []
    for folder, suffixes in FIGURE_SOURCES:
        for root, dirs, names in os.walk(os.path.join(HERE, folder)):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            files += [os.path.join(root, n) for n in sorted(names) if n.endswith(suffixes)]
    return _file_hash(files)


def read_stamp(venv=VENV):
    try:
        with open(os.path.join(venv, STAMP_NAME)) as f:
            data = json.load(f)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def write_stamp(data, venv=VENV):
    path = os.path.join(venv, STAMP_NAME)
    with open(path + ".tmp", "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.replace(path + ".tmp", path)


def _venv_works(python):
    """The environment's Python runs and is new enough (a .venv made by an older or removed Python does not)."""
    if not os.path.exists(python):
        return False
    try:
        r = _run_quiet([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    if r.returncode != 0:
        return False
    try:
        return tuple(int(x) for x in r.stdout.strip().split(".")) >= MIN_PYTHON
    except ValueError:
        return False


def create_venv(venv=VENV):
    """Make .venv (again, if the one there does not work). Returns True when it was made now."""
    python = venv_python(venv)
    if _venv_works(python):
        return False
    if os.path.exists(venv):
        say("The course environment in %s does not work with this Python; making it again." % venv)
        shutil.rmtree(venv)
    problem = venv_module_problem()
    if problem:
        raise StartError(problem)
    say("Creating the course's own Python environment in %s (once)..." % venv)
    # the project's tests (REUSE_VARIABLE) install nothing with pip, so they skip installing pip itself
    r = _run_quiet([sys.executable, "-m", "venv", venv] + (["--without-pip"] if os.environ.get(REUSE_VARIABLE) else []))
    if r.returncode != 0 or not os.path.exists(python):
        shutil.rmtree(venv, ignore_errors=True)
        if "ensurepip" in r.stdout or "venv" in r.stdout and "apt" in r.stdout:
            raise StartError(_venv_package_message())
        raise StartError("Could not create %s:\n%s" % (venv, r.stdout.strip()))
    return True


def _site_packages(python):
    r = _run_quiet([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    return r.stdout.strip()


class _PipProgress(object):
    """Turns pip's output into one line of progress: how many packages, which one now."""

    def __init__(self, log):
        self.log = log
        self.count = 0
        self.tty = sys.stdout.isatty()
        self.width = 0
        self.last = None

    def line(self, text):
        self.log.write(text)
        text = text.strip()
        name = None
        if text.startswith("Collecting ") or text.startswith("Processing ") and text.endswith(")"):
            self.count += 1
            name = text.split()[1]
            if name.endswith((".whl", ".tar.gz", ".zip")):          # a local file: its package name
                name = os.path.basename(name).split("-")[0]
            what = "getting"
        elif text.startswith("Installing collected packages"):
            n = len(text.split(":", 1)[-1].split(","))
            what, name = "installing", "%d package%s (the longest step)" % (n, "" if n == 1 else "s")
        elif text.startswith("Building editable") or text.startswith("Obtaining"):
            what, name = "preparing", "the course"
        else:
            return
        msg = "  %s %s" % (what, name)
        if msg == self.last:
            return
        self.last = msg
        if self.tty:
            msg = ("  [%3d] %s %s" % (self.count, what, name))[:78]
            sys.stdout.write("\r" + msg.ljust(self.width))
            self.width = len(msg)
            sys.stdout.flush()
        elif what != "getting" or self.count % 20 == 1:
            say(msg + (" (%d so far)" % self.count if what == "getting" else ""))

    def done(self):
        if self.tty and self.width:
            sys.stdout.write("\r" + " " * self.width + "\r")
            sys.stdout.flush()


def pip_install(python, extras, venv=VENV):
    """Install the course (editable: a ``git pull`` needs no reinstall) with the given extras, showing progress."""
    target = "." + ("[%s]" % ",".join(extras) if extras else "")
    cmd = [python, "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off", "-e", target]
    reuse = os.environ.get(REUSE_VARIABLE)
    if reuse:
        # the project's tests: this folder and an existing environment's packages on the path, nothing downloaded
        with open(os.path.join(_site_packages(python), "_sciatica_reuse.pth"), "w") as f:
            f.write(HERE + "\n" + reuse + "\n")
        return 0.0
    log_path = os.path.join(venv, "install.log")
    env = dict(os.environ, PYTHONUNBUFFERED="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    t0 = time.time()
    with open(log_path, "w") as log:
        log.write("$ %s\n" % " ".join(cmd))
        progress = _PipProgress(log)
        proc = subprocess.Popen(cmd, cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                universal_newlines=True, bufsize=1)
        try:
            for text in proc.stdout:
                progress.line(text)
            rc = proc.wait()
        finally:
            progress.done()
    if rc != 0:
        with open(log_path) as f:
            tail = f.read().strip().splitlines()[-25:]
        raise StartError("Installing the course failed (pip exit code %d). The last lines of %s:\n\n%s\n\n"
                         "Check the internet connection (a school or office network may need a proxy: set "
                         "HTTPS_PROXY), then run the same command again: it continues where it stopped."
                         % (rc, log_path, "\n".join("    " + t for t in tail)))
    return time.time() - t0


def check_imports(python, modules):
    # not from this folder, where `import sciatica_course` would succeed whether installed or not
    r = _run_quiet([python, "-c", "import " + ", ".join(modules)], cwd=os.path.dirname(python))
    if r.returncode != 0:
        last = (r.stdout.strip().splitlines() or ["?"])[-1]
        raise StartError("The course environment is incomplete (%s). Delete the .venv folder in %s and run the "
                         "same command again." % (last, HERE))


def ensure_environment(dev=False, venv=VENV):
    """Make .venv and install the course into it when needed (first time, after pyproject.toml changed, or when
    the test tools are asked for the first time). Returns the environment's Python."""
    problem = python_problem()
    if problem:
        raise StartError(problem)
    made = create_venv(venv)
    python = venv_python(venv)
    stamp = read_stamp(venv)
    need = sorted(DEV_EXTRAS) if dev else []
    have = stamp.get("extras") or []
    if not made and stamp.get("project") == project_hash() and all(x in have for x in need):
        return python
    extras = sorted(set(need) | set(have))      # what was installed before stays installed
    say("Installing the course and what it needs into %s%s." % (
        venv, " with the test and class tools" if extras else ""))
    say("The first time this downloads about %s (%s on disk) and takes a minute or two; later starts take seconds."
        % (("250 MB", "800 MB") if extras else ("150 MB", "550 MB")))
    seconds = pip_install(python, extras, venv)
    check_imports(python, CHECK_IMPORTS + (DEV_CHECK_IMPORTS if dev else []))
    stamp.update({"project": project_hash(), "extras": extras, "python": "%d.%d.%d" % sys.version_info[:3]})
    write_stamp(stamp, venv)
    say("Installed in %d s." % seconds)
    return python


def course_env():
    env = dict(os.environ, SCIATICA_COURSE_COMMAND=command_name(), PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def ensure_figures(python, venv=VENV):
    """Draw every lesson figure once into the figure store the lessons' kernels read (``sciatica-course figures``;
    the store is ``$SCIATICA_FIGURE_CACHE``, else figures/ beside the student's progress), when the course's data,
    drawing code or lessons changed since the last time for that store. A failure only costs speed: the lessons
    then draw their own figures."""
    env = course_env()
    # the course's byte code first (cheap when up to date; after a `git pull` it is written again)
    r = _run_quiet([python, "-c", COMPILE + "; from sciatica_course.plotting.cache import cache_dir; "
                    "print(cache_dir() or '')"], cwd=HERE, env=env)
    store = r.stdout.strip() if r.returncode == 0 else ""
    if not store:
        return None
    stamp = read_stamp(venv)
    drawn = stamp.get("figures") or {}
    want = figure_sources_hash()
    if drawn.get(store) == want and os.path.isdir(store):
        return False
    say("Preparing the lesson figures once, so lessons open quickly (about half a minute)...")
    t0 = time.time()
    r = _run_quiet([python, "-m", "sciatica_course", "figures", "--quiet", "--store", store], cwd=HERE, env=env)
    if r.returncode != 0:
        say("  (some figures could not be prepared; lessons will draw them themselves)")
        return None
    say("  done in %d s: %s" % (time.time() - t0, (r.stdout.strip().splitlines() or [""])[-1]))
    drawn[store] = want
    stamp = read_stamp(venv)
    stamp["figures"] = drawn
    write_stamp(stamp, venv)
    return True


# ----------------------------------------------------------------------------------------------- commands

def run(cmd, env=None, cwd=None):
    """Run a command in the foreground; Ctrl+C reaches it too, and this waits for it to finish stopping."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env)
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            continue


def pytest_args(extra):
    """The README's test command plus ``extra``; test paths in ``extra`` (``tests/test_start.py``,
    ``tests/test_cli.py::test_x``) replace the default ``tests notebooks``."""
    paths = [a for a in extra if not a.startswith("-") and os.path.exists(os.path.join(HERE, a.split("::")[0]))]
    if not paths:
        return PYTEST_ARGS + list(extra)
    return [a for a in PYTEST_ARGS if a not in ("tests", "notebooks")] + list(extra)


USAGE = __doc__.split("\n\n")[0] + "\n\n" + __doc__.split("\n\n")[1]


def main(argv=None):
    args = list(sys.argv[1:] if argv is None else argv)
    action = args[0] if args and not args[0].startswith("-") else "lab"
    if args and args[0] == action:
        args = args[1:]
    if action in ("help",) or args[:1] in (["-h"], ["--help"]) and action == "lab":
        say(USAGE)
        return 0
    try:
        if action == "setup":
            ensure_figures(ensure_environment(dev="--dev" in args))   # the first lesson then opens quickly
            say("The course environment is ready: %s" % venv_python())
            return 0
        if action == "test":
            python = ensure_environment(dev=True)
            return run([python, "-m", "pytest"] + pytest_args(args), env=course_env(), cwd=HERE)
        python = ensure_environment(dev=False)
        if action == "lab":
            ensure_figures(python)
            return run([python, "-m", "sciatica_course", "lab"] + args, env=course_env())
        # any other sciatica-course command, in the folder it was typed in (`progress export -o FILE` writes there)
        return run([python, "-m", "sciatica_course", action] + args, env=course_env())
    except StartError as e:
        say()
        say(str(e))
        return 1
    except KeyboardInterrupt:
        say("\nStopped.")
        return 130


def own_console_window(nt=None):
    """True when Windows opened a console window just for this script (start.py double-clicked in Explorer): the
    window then closes the moment the script ends, so a message must wait for Enter to be read."""
    if not is_windows(nt):
        return False
    try:
        import ctypes
        ids = (ctypes.c_uint * 8)()
        return ctypes.windll.kernel32.GetConsoleProcessList(ids, 8) <= 2     # this Python (and the py launcher)
    except Exception:  # noqa: BLE001 - not knowable: behave as in a terminal
        return False


if __name__ == "__main__":
    problem = python_problem()
    rc = 1 if problem else None
    if problem:
        print(problem)
    else:
        rc = main()
    if rc and own_console_window():
        try:
            input("\nPress Enter to close this window.")
        except (EOFError, KeyboardInterrupt):
            pass
    sys.exit(rc)
