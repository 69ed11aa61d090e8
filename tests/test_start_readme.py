"""The README cannot drift from what works: its commands are read from README.md, checked against start.py and the
real command line, and run (the student command and the test command in tests/test_start.py, on a fresh clone;
the lesson and progress commands here)."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
START_ACTIONS = {"lab", "test", "setup"}


def start_section() -> str:
    return README.split("<!-- section: start -->", 1)[1].split("<!-- /section: start -->", 1)[0]


def student_commands() -> dict:
    """The 'Type' column of the README's one-command table: {system: command}."""
    table = start_section().split("### 3.", 1)[1]
    rows = re.findall(r"^\| (Windows|macOS|Linux) \|.*\| `([^`]+)` \|$", table, re.M)
    return dict(rows)


def readme_test_command() -> str:
    """The command in the first code block of the developers' Tests section."""
    tests = README.split("### Tests", 1)[1]
    return re.search(r"```bash\n(.+?)\n```", tests, re.S).group(1).split("#")[0].strip()


def start_py_commands() -> list:
    """Every `start.py` command the README shows (inline code or code blocks), as argument lists after start.py."""
    found = []
    for m in re.finditer(r"(?:^|`)(?:py|python3?) start\.py((?: [^`\n#|]*)?)", README, re.M):
        args = m.group(1).strip()
        if "COMMAND" in args or "..." in args or "ARGS" in args:
            continue                                   # a pattern, not a command
        args = re.sub(r"[\[\]]", "", args)              # `setup [--dev]`: the option shown as optional
        found.append(shlex.split(args))
    return found


def test_the_student_command_is_one_line_per_system():
    cmds = student_commands()
    assert cmds == {"Windows": "py start.py", "macOS": "python3 start.py", "Linux": "python3 start.py"}
    first_screen = README[:README.index("### 3.") + 1500]
    assert "make test" not in first_screen and "start.py test" not in first_screen, \
        "the long test suite must not sit beside the student's command"
    for needed in ("Download ZIP", "git clone", "python.org", "Microsoft Store", "python3-venv",
                   "No browser opened?", "To stop:", "To come back another day:", "Ctrl+C", "first start takes"):
        assert needed in start_section(), needed


def test_every_start_py_command_in_the_readme_parses():
    from sciatica_course.cli import build_parser

    cmds = start_py_commands()
    assert ["lessons", "--status"] in cmds and ["lessons", "reset", "03"] in cmds and ["test"] in cmds
    parser = build_parser()
    for args in cmds:
        if not args or args[0] in START_ACTIONS or args[0].startswith("-"):
            lab_args = args[1:] if args and args[0] in START_ACTIONS else args
            if args and args[0] in ("test", "setup"):
                assert set(lab_args) <= {"--dev", "-x", "-q", "tests/test_start.py"}, args
                continue
            parser.parse_args(["lab", *lab_args])
            continue
        parser.parse_args(args)           # exits (fails the test) on a command the real CLI does not know


def test_the_readme_test_command_is_what_ci_make_and_start_py_run():
    cmd = readme_test_command()
    assert cmd == "python3 start.py test"
    assert cmd in (ROOT / ".ci" / "run").read_text().splitlines()
    make = (ROOT / "Makefile").read_text()
    assert re.search(r"^test:.*\n\t@?\$\(PYTHON\) start\.py test$", make, re.M)
    assert re.search(r"^lab:.*\n\t@?\$\(PYTHON\) start\.py lab$", make, re.M)
    import importlib.util
    spec = importlib.util.spec_from_file_location("start_for_readme", ROOT / "start.py")
    start = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(start)
    pytest_cmd = "python -m pytest " + " ".join(start.PYTEST_ARGS)
    assert f"`{pytest_cmd}`" in README, pytest_cmd


def _run_readme(args, cwd, home):
    env = dict(os.environ, SCIATICA_COURSE_HOME=str(home))
    return subprocess.run([sys.executable, str(ROOT / "start.py"), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def _venv_is_current() -> bool:
    import importlib.util
    import json
    spec = importlib.util.spec_from_file_location("start_for_readme", ROOT / "start.py")
    start = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(start)
    try:
        stamp = json.loads((ROOT / ".venv" / start.STAMP_NAME).read_text())
    except (OSError, ValueError):
        return False
    return stamp.get("project") == start.project_hash()


@pytest.mark.skipif(not _venv_is_current(), reason=".venv was not made by start.py for this pyproject.toml "
                                                   "(run `python3 start.py setup --dev` or `make venv`)")
def test_the_readme_lesson_and_progress_commands_run(tmp_path):
    """Each `start.py lessons ...` and `start.py progress ...` command of the README, run as written (in a
    temporary folder, with a temporary course home): none fails, and the repository is not written to."""
    from sciatica_course import workcopy

    home = tmp_path / "home"
    workcopy.place(home / "lessons", ROOT / "notebooks")
    before = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
    ran = 0
    for args in start_py_commands():
        if args and args[0] in ("lessons", "progress"):
            r = _run_readme(args, tmp_path, home)
            assert r.returncode == 0, f"start.py {shlex.join(args)}:\n{r.stdout}\n{r.stderr}"
            ran += 1
    assert ran >= 5
    assert (tmp_path / "my-progress.json").is_file() and (tmp_path / "for-class.json").is_file()
    assert subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True,
                          text=True).stdout == before
