"""Class mode: serve one case's player with Voilà so an instructor can project it.

``sciatica-course present CASE_ID`` writes a tiny temporary notebook whose only code cell shows
``case_player(CASE_ID, hold_feedback=True)`` and runs ``python -m voila`` on it, bound to 127.0.0.1 on
a free port, with the code cells stripped (the class sees the player, never Python). Feedback is held
until the instructor presses "Reveal feedback" (after the class has voted); ``--exam`` holds all feedback
to the end of the case.

Nothing here imports Voilà or ipywidgets: the server runs in its own process.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .text import HTMLBlock

HOST = "127.0.0.1"


class PresentError(Exception):
    """The case cannot be presented (unknown case, bad port, Voilà did not start); the message says why."""


def free_port(host: str = HOST) -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def player_code(case_id: str, exam: bool = False) -> str:
    """The one code cell of the presentation notebook."""
    args = f"{case_id!r}, hold_feedback=True" + (", exam_mode=True" if exam else "")
    return ("from sciatica_course.widgets.case_player import case_player\n"
            f"case_player({args})")


def notebook_json(code: str, title: str | None = None) -> dict:
    """A minimal nbformat-4 notebook: an optional title (markdown) and one code cell."""
    cells = []
    if title:
        cells.append({"cell_type": "markdown", "metadata": {}, "source": title})
    cells.append({"cell_type": "code", "metadata": {}, "source": code, "outputs": [], "execution_count": None})
    return {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                     "language_info": {"name": "python"}},
        "cells": [dict(c, id=f"cell{i}") for i, c in enumerate(cells)],
    }


def write_notebook(folder: str | os.PathLike, code: str, title: str | None = None,
                   name: str = "present.ipynb") -> Path:
    path = Path(folder) / name
    path.write_text(json.dumps(notebook_json(code, title), indent=1), encoding="utf-8")
    return path


def voila_command(notebook: str | os.PathLike, port: int, python: str | None = None) -> list[str]:
    """The Voilà command line: local only, no browser, no code shown, no tracebacks sent to the page."""
    return [python or sys.executable, "-m", "voila", str(notebook),
            "--no-browser",
            f"--Voila.ip={HOST}",
            f"--Voila.port={port}",
            "--Voila.port_retries=0",
            "--VoilaConfiguration.strip_sources=True",
            "--VoilaConfiguration.show_tracebacks=False"]


def check_case(case_id: str, data_dir=None) -> str:
    """The case's title, or :class:`PresentError` naming the known case ids."""
    from .loading import DataError, load_course

    try:
        course = load_course(data_dir)
    except DataError as e:
        raise PresentError(f"the course data has problems, fix them first:\n{e}") from None
    case = course.cases.get(case_id)
    if case is None:
        known = ", ".join(course.cases.ids) or "(none yet)"
        raise PresentError(f"no case with id {case_id!r} in {course.data_dir}/cases/; known cases: {known}")
    return getattr(case, "title", case_id)


def wait_for_port(port: int, host: str = HOST, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> float:
    """Wait until something accepts TCP connections on ``host:port`` (not an HTTP request: ``/`` would start
    a kernel). Returns the seconds waited; raises :class:`PresentError` on timeout or if ``proc`` exits."""
    t0 = time.monotonic()
    while True:
        if proc is not None and proc.poll() is not None:
            raise PresentError(f"Voilà stopped before it was ready (exit code {proc.returncode})")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return time.monotonic() - t0
        except OSError:
            pass
        if time.monotonic() - t0 > timeout:
            raise PresentError(f"Voilà did not open {host}:{port} within {timeout:.0f} s")
        time.sleep(0.1)


@dataclass
class Presentation:
    """A running Voilà server (its process, URL and temporary folder). ``stop()`` ends it and removes the folder."""

    process: subprocess.Popen
    port: int
    folder: Path
    notebook: Path
    log: Path
    own_folder: bool = True
    _stopped: bool = field(default=False, repr=False)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def wait(self, timeout: float = 60.0) -> float:
        return wait_for_port(self.port, timeout=timeout, proc=self.process)

    def log_text(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        if self._stopped:
            return
        self._stopped = True
        p = self.process
        children = _children(p.pid)
        if p.poll() is None:
            try:  # the server and its kernels share a process group we created
                os.killpg(p.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError, AttributeError):
                p.terminate()
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError, AttributeError):
                    p.kill()
                p.wait(timeout)
        for c in children:  # kernels run in sessions of their own: end any our server left behind
            try:
                if c.is_running():
                    c.kill()
            except Exception:
                pass
        if self.own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _children(pid: int) -> list:
    try:
        import psutil

        return psutil.Process(pid).children(recursive=True)
    except Exception:
        return []


def serve_code(code: str, port: int | None = None, title: str | None = None, env: dict | None = None,
               folder: str | os.PathLike | None = None, python: str | None = None) -> Presentation:
    """Serve a one-cell notebook running ``code`` with Voilà; returns at once (call ``.wait()``)."""
    own = folder is None
    folder = Path(tempfile.mkdtemp(prefix="sciatica-present-")) if own else Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nb = write_notebook(folder, code, title)
    port = port or free_port()
    log = folder / "voila.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(voila_command(nb, port, python), cwd=str(folder), stdout=fh,
                                stderr=subprocess.STDOUT, env=env, start_new_session=True)
    return Presentation(proc, port, folder, nb, log, own_folder=own)


def present(case_id: str, exam: bool = False, port: int | None = None, data_dir=None, env: dict | None = None,
            folder=None) -> Presentation:
    """Check the case exists, then serve its player (feedback held for the reveal; ``exam`` holds it to the end)."""
    if port is not None and not (1 <= int(port) <= 65535):
        raise PresentError(f"--port must be between 1 and 65535 (got {port})")
    title = check_case(case_id, data_dir)
    if data_dir is not None:
        env = dict(os.environ if env is None else env, SCIATICA_COURSE_DATA=str(Path(data_dir).resolve()))
    mode = "exam: feedback at the end" if exam else "feedback held until you reveal it"
    heading = f"## {_md_escape(title)}\n\n*Class case · {mode}*"
    return serve_code(player_code(case_id, exam), port=port, title=heading, env=env, folder=folder)


def _md_escape(text: str) -> str:
    """Show a title literally in markdown (no HTML, no markup)."""
    import html

    out = str(text).replace("\\", "\\\\")
    for ch in "`*_[]#!|~":
        out = out.replace(ch, "\\" + ch)
    return html.escape(" ".join(out.split()), quote=False)


# ---------------------------------------------------------------------------------------------
# For the "running a class" notebook
_HTML = HTMLBlock


def case_list(course=None) -> _HTML:
    """Every case with its difficulty, a one-line summary and the command that presents it."""
    from .loading import load_course
    from .text import esc

    course = course if course is not None else load_course()
    rows = "".join(f"<tr><td><code>{esc(c.id)}</code></td><td>{esc(c.title)}</td><td>{esc(c.difficulty)}</td>"
                   f"<td>{esc(c.summary)}</td><td><code>sciatica-course present {esc(c.id)}</code></td></tr>"
                   for c in course.cases)
    text = "\n".join(f"{c.id}: {c.title} ({c.difficulty})" for c in course.cases)
    return _HTML("<table><caption>Cases you can present</caption><thead><tr><th scope=\"col\">case id</th>"
                 "<th scope=\"col\">title</th><th scope=\"col\">difficulty</th><th scope=\"col\">summary</th>"
                 f"<th scope=\"col\">command</th></tr></thead><tbody>{rows}</tbody></table>", text)


def preview(case_id: str, exam: bool = False, port: int = 8866) -> _HTML:
    """What ``sciatica-course present`` runs for this case: the one code cell and the Voila command (nothing is
    started)."""
    from .text import esc

    title = check_case(case_id)
    code = player_code(case_id, exam)
    cmd = " ".join(voila_command("<temporary folder>/present.ipynb", port, python="python"))
    text = f"{title}\n\nThe notebook's one cell:\n{code}\n\nThe server:\n{cmd}\n\nAddress: http://{HOST}:{port}/"
    return _HTML(f"<p><b>{esc(title)}</b>{' (exam mode)' if exam else ''}</p>"
                 f"<p>The temporary notebook's one code cell (the class never sees it):</p><pre>{esc(code)}</pre>"
                 f"<p>The server it starts (only this computer can reach it):</p><pre style=\"white-space:pre-wrap\">"
                 f"{esc(cmd)}</pre><p>Address to open and project: <code>http://{HOST}:{port}/</code> "
                 "(a free port is chosen when you leave out <code>--port</code>)</p>", text)
