"""start.py, the one entry point: a fresh clone gets .venv and opens the start page from the student's working copy;
a second run does nothing again; an old Python is refused with a clear message; Windows paths.

The fresh-clone test makes a real .venv and a real `pip install -e .`, but takes the course's dependencies from
the running environment (SCIATICA_START_REUSE_SITE) instead of downloading them, so it runs in seconds; a real
first install is what `.ci/run` does on a fresh machine."""
from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import tokenize
import types
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PYENV = Path.home() / ".pyenv" / "versions"


def load_start():
    spec = importlib.util.spec_from_file_location("start_under_test", ROOT / "start.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


start = load_start()


# ------------------------------------------------------------------------------------------ paths and messages

def test_windows_paths(monkeypatch):
    monkeypatch.setattr(os, "name", "nt")
    venv = r"C:\Users\sam\Documents\sciatica-course-main\.venv"
    assert start.venv_bin(venv) == venv + r"\Scripts"
    assert start.venv_python(venv) == venv + r"\Scripts\python.exe"
    assert start.venv_script("sciatica-course", venv) == venv + r"\Scripts\sciatica-course.exe"
    assert start.command_name(nt=True) == "py start.py"
    msg = start.python_problem((3, 8, 10))
    assert "Python 3.10 or newer" in msg and "3.8.10" in msg and "Microsoft Store" in msg and "py -3 start.py" in msg


def test_posix_paths(monkeypatch):
    monkeypatch.setattr(os, "name", "posix")
    assert start.venv_python("/home/sam/course/.venv") == "/home/sam/course/.venv/bin/python"
    assert start.venv_script("sciatica-course", "/c/.venv") == "/c/.venv/bin/sciatica-course"
    assert start.command_name(nt=False) == "python3 start.py"


def test_test_paths_replace_the_default_ones():
    assert start.pytest_args([]) == start.PYTEST_ARGS
    assert "notebooks" in start.pytest_args(["-k", "fresh"])
    args = start.pytest_args(["-q", "tests/test_start.py::test_windows_paths"])
    assert "notebooks" not in args and args[-1] == "tests/test_start.py::test_windows_paths"
    assert "--nbval-lax" in args


def test_installs_only_when_needed_and_keeps_extras(tmp_path, monkeypatch):
    """The stamp decides: nothing twice; the test tools when first asked; a pyproject change reinstalls the same."""
    installs = []
    monkeypatch.setattr(start, "create_venv", lambda venv: False)
    monkeypatch.setattr(start, "check_imports", lambda python, modules: None)
    monkeypatch.setattr(start, "pip_install", lambda python, extras, venv: installs.append(extras) or 1.0)
    project = ["p1"]
    monkeypatch.setattr(start, "project_hash", lambda: project[0])
    venv = str(tmp_path)
    start.ensure_environment(dev=False, venv=venv)
    start.ensure_environment(dev=False, venv=venv)
    start.ensure_environment(dev=True, venv=venv)
    start.ensure_environment(dev=False, venv=venv)
    start.ensure_environment(dev=True, venv=venv)
    assert installs == [[], ["class", "test"]]
    project[0] = "p2"                              # pyproject.toml changed (a git pull)
    start.ensure_environment(dev=False, venv=venv)
    assert installs[-1] == ["class", "test"] and len(installs) == 3


def test_python_versions():
    assert start.python_problem((3, 10, 0)) is None and start.python_problem((3, 13, 1)) is None
    assert "this is Python 3.9.18" in start.python_problem((3, 9, 18), nt=False)


def test_missing_venv_names_the_debian_package(monkeypatch):
    import builtins
    real = builtins.__import__

    def no_ensurepip(name, *a, **kw):
        if name == "ensurepip":
            raise ImportError("No module named 'ensurepip'")
        return real(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_ensurepip)
    msg = start.venv_module_problem()
    assert "sudo apt install python3-venv" in msg and "python%d.%d-venv" % sys.version_info[:2] in msg


def test_start_py_uses_no_new_syntax_and_only_the_standard_library():
    """An old Python must reach the version check: no f-strings, no annotations, stdlib imports only."""
    src = (ROOT / "start.py").read_text()
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        assert not (tok.type == tokenize.STRING and re.match(r"(?i)[rb]*f", tok.string)), tok
        assert tok.type != getattr(tokenize, "FSTRING_START", -1), tok
    imports = set(re.findall(r"^\s*import (\w+)|^\s*from (\w+) import", src, re.M))
    names = {a or b for a, b in imports}
    assert names <= set(sys.stdlib_module_names), names - set(sys.stdlib_module_names)
    import ast
    for node in ast.walk(ast.parse(src)):
        assert not isinstance(node, (ast.AnnAssign, ast.NamedExpr, ast.JoinedStr)), node.lineno
        if isinstance(node, (ast.FunctionDef, ast.arg)):
            assert getattr(node, "returns", None) is None and getattr(node, "annotation", None) is None, node.lineno


def old_pythons():
    found = []
    for pattern in ("2.7.*", "3.6.*", "3.8.*", "3.9.*"):
        found += sorted(PYENV.glob(pattern + "/bin/python"))[-1:]
    return found or [pytest.param(None, marks=pytest.mark.skip("no old Python on this machine"))]


@pytest.mark.parametrize("python", old_pythons(), ids=lambda p: p.parts[-3] if p else "none")
def test_an_old_python_is_refused_clearly(tmp_path, python):
    shutil.copy(ROOT / "start.py", tmp_path / "start.py")
    r = subprocess.run([str(python), "start.py"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "The course needs Python 3.10 or newer; this is Python " + python.parts[-3] in r.stdout
    assert "python.org" in r.stdout and "Traceback" not in r.stdout + r.stderr
    assert not (tmp_path / ".venv").exists()


# ------------------------------------------------------------------------------------------ a fresh clone

def fresh_clone(dest: Path) -> Path:
    """The repository's files as a new clone would have them (tracked and new, not ignored), committed."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    for f in filter(None, files):
        src = ROOT / f
        if src.is_file():
            (dest / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / f)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=dest, check=True)
    subprocess.run([*git, "add", "-A"], cwd=dest, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "clone"], cwd=dest, check=True)
    return dest


def clone_env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_", "VIRTUAL_ENV", "PYTHON"))}
    home = tmp_path / "home"
    for d in ("jcfg", "jdata", "jrt", "ipython", "mpl"):
        (home / d).mkdir(parents=True, exist_ok=True)
    env.update(HOME=str(home), SCIATICA_COURSE_HOME=str(tmp_path / "course-home"),
               JUPYTER_CONFIG_DIR=str(home / "jcfg"), JUPYTER_DATA_DIR=str(home / "jdata"),
               JUPYTER_RUNTIME_DIR=str(home / "jrt"), JUPYTERLAB_SETTINGS_DIR=str(home / "lab-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "lab-ws"), IPYTHONDIR=str(home / "ipython"),
               MPLCONFIGDIR=str(home / "mpl"), MPLBACKEND="Agg")
    env[start.REUSE_VARIABLE] = sysconfig.get_paths()["purelib"]
    # ... and the JupyterLab extensions (the widgets' front end) that came with those packages
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    env.pop("SCIATICA_FIGURE_CACHE", None)
    return env


def wait_for_line(proc, pattern: str, timeout: float, seen: list) -> re.Match:
    """Read the process's output until a line matches (a thread-free reader with a deadline)."""
    import selectors

    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    buf = ""
    while time.monotonic() < deadline:
        if not sel.select(timeout=0.5):
            if proc.poll() is not None:
                break
            continue
        chunk = os.read(proc.stdout.fileno(), 4096).decode(errors="replace")
        if not chunk:
            break
        buf += chunk
        *lines, buf = buf.split("\n")
        for line in lines:
            seen.append(line)
            m = re.search(pattern, line)
            if m:
                return m
    raise AssertionError(f"{pattern!r} not seen within {timeout} s; output:\n" + "\n".join(seen + [buf]))


def stop_like_ctrl_c(proc, timeout: float = 60) -> int:
    """What Ctrl+C in the terminal does: SIGINT to the whole foreground process group."""
    os.killpg(proc.pid, signal.SIGINT)
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
        raise


def git_status(repo: Path) -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo, capture_output=True,
                          text=True, check=True).stdout


def readme_student_command(py: str) -> list:
    """The README's student command for Linux, as written there, with this Python as `python3`."""
    from test_start_readme import student_commands

    cmd = student_commands()["Linux"].split()
    assert cmd[:2] == ["python3", "start.py"], cmd
    return [py, *cmd[1:]]


@pytest.fixture(scope="session")
def clone_setup(tmp_path_factory):
    """A fresh clone set up by `start.py setup` (once per session; this module and test_start_browser use it)."""
    if os.name != "posix":
        pytest.skip("process groups")
    tmp = tmp_path_factory.mktemp("fresh-clone")
    repo = fresh_clone(tmp / "sciatica-course-main")
    env = clone_env(tmp)
    r = subprocess.run([sys.executable, "start.py", "setup"], cwd=repo, env=env, capture_output=True, text=True,
                       timeout=600)
    return types.SimpleNamespace(repo=repo, tmp=tmp, env=env, setup=r)


@pytest.mark.slow
def test_fresh_clone_setup_then_start_page_from_the_working_copy(clone_setup):
    from test_start_readme import readme_test_command

    repo, env, tmp_path = clone_setup.repo, clone_setup.env, clone_setup.tmp
    py = sys.executable
    student = readme_student_command(py)
    tests = readme_test_command().split()
    tests = [py, *tests[1:]]

    # 1. set-up on a fresh clone: .venv made, the course installed into it (the clone's code, not ours)
    r = clone_setup.setup
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Creating the course's own Python environment" in r.stdout and "Installed in" in r.stdout
    assert "Preparing the lesson figures once" in r.stdout and "figures in" in r.stdout   # set-up draws them
    vpy = Path(start.venv_python(str(repo / ".venv")))
    where = subprocess.run([str(vpy), "-c", "import sciatica_course; print(sciatica_course.__file__)"],
                           env=env, capture_output=True, text=True, cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(repo), where.stdout + where.stderr
    stamp = json.loads((repo / ".venv" / start.STAMP_NAME).read_text())

    # 2. idempotent: nothing made or installed the second time
    t0 = time.monotonic()
    r = subprocess.run([py, "start.py", "setup"], cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "Install" not in r.stdout and "Creating" not in r.stdout, r.stdout
    assert json.loads((repo / ".venv" / start.STAMP_NAME).read_text()) == stamp
    assert time.monotonic() - t0 < 60

    # 3. the student command: figures once, then the start page, served from the working copy
    proc = subprocess.Popen([*student, "--no-browser"], cwd=repo, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    seen: list = []
    try:
        m = wait_for_line(proc, r"(http://127\.0\.0\.1:\d+)/lab/tree/00_start_here\.ipynb\?token=(\w+)", 240, seen)
        base, token = m.group(1), m.group(2)
        auth = {"Authorization": f"token {token}"}
        with urllib.request.urlopen(m.group(0), timeout=30) as page:
            assert page.status == 200
        req = urllib.request.Request(base + "/api/contents/00_start_here.ipynb?content=0", headers=auth)
        with urllib.request.urlopen(req, timeout=30) as resp:
            assert json.load(resp)["type"] == "notebook"
    finally:
        rc = stop_like_ctrl_c(proc)
        seen += proc.stdout.read().decode(errors="replace").splitlines()
    out = "\n".join(seen)
    assert rc == 0, out
    lessons = tmp_path / "course-home" / "lessons"
    assert f"Your lessons: {lessons}" in out and (lessons / "00_start_here.ipynb").is_file()
    assert "Preparing the lesson figures once" not in out          # drawn at set-up, not again at the start
    assert "Warning" not in out and "Traceback" not in out and "[W " not in out, out
    assert "Stopped. Run the same command again to come back." in out
    assert "DeprecationWarning" not in (tmp_path / "course-home" / "lab.log").read_text()
    assert git_status(repo) == "", "using the course changed the repository"

    # 4. the README's test command works on the clone (one small module collected, not the whole suite)
    r = subprocess.run([*tests, "--collect-only", "-q", "tests/test_package.py"], cwd=repo, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "tests/test_package.py::" in r.stdout, r.stdout[-3000:] + r.stderr[-3000:]
    assert "with the test and class tools" in r.stdout
    assert git_status(repo) == ""

    # 5. the second start draws no figures again
    figures = json.loads((repo / ".venv" / start.STAMP_NAME).read_text())["figures"]
    assert str(tmp_path / "course-home" / "figures") in figures
    assert start.ensure_figures.__doc__ and _figures_again(repo, env) is False


def _figures_again(repo, env):
    code = ("import sys, os; sys.argv=['x']; os.chdir(%r); import importlib.util as u; "
            "s=u.spec_from_file_location('s', 'start.py'); m=u.module_from_spec(s); s.loader.exec_module(m); "
            "print(m.ensure_figures(m.venv_python()))" % str(repo))
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return {"False": False, "True": True}.get(r.stdout.strip().splitlines()[-1])
