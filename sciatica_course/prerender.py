"""Draw every lesson figure into the figure store in advance (``sciatica-course figures``).

Each student lesson's code cells are run here, in this process, the way Run All runs them (no kernel, no browser):
every figure a lesson shows is drawn into the store (see :mod:`sciatica_course.plotting.cache`). A widget whose
figure has a few states (the path explorer's steps, the variant types, the irritability levels) draws the others
too through its ``prerender()`` method. A new figure in a lesson is picked up without a list to keep up to date.

A class hub runs this once at start-up into a shared store, Binder's postBuild at image build, the first-time set-up
into the student's own: a student's kernel then shows those figures without importing matplotlib. The course data
is checked once here too and kept in the user's course home (:mod:`sciatica_course.snapshot`). The lessons run with a temporary progress folder, so no
progress is written anywhere.
"""
from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Optional


def student_notebooks(folder: Optional[Path] = None) -> list[Path]:
    """The student lessons (``notebooks/NN_*.ipynb``), in order."""
    if folder is None:
        from .loading import default_data_dir

        folder = default_data_dir().parent / "notebooks"
    return sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))


def _code_cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb.get("cells", []) if c.get("cell_type") == "code"]


def _run_cell(code: str, ns: dict):
    """Run a cell like IPython does: statements, then the value of a final expression (returned)."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<lesson cell>", "exec"), ns)
    if last is not None:
        return eval(compile(ast.Expression(last.value), "<lesson cell>", "eval"), ns)
    return None


def _show(value) -> None:
    """What the notebook's display would do with a cell's value, plus a widget's other figure states."""
    if value is None:
        return
    prerender = getattr(value, "prerender", None)
    if callable(prerender):
        prerender()
    html = getattr(value, "_repr_html_", None)
    if callable(html):
        html()


def prerender(store: Optional[Path] = None, notebooks: Optional[Path] = None, progress=None) -> dict:
    """Run every student lesson's cells with ``store`` as the figure store. Returns what was done:
    ``{"store", "figures", "lessons", "seconds", "problems"}``; a lesson cell that fails is reported, not raised."""
    from .plotting import cache

    store = Path(store) if store is not None else cache.cache_dir()
    if store is None:
        raise ValueError("the figure store is switched off (SCIATICA_FIGURE_CACHE=off); name a folder")
    store.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    # the course data checked once here and kept in this user's course home (sciatica_course.snapshot): a lesson's
    # kernel then reads it back instead of parsing every YAML file again
    from .loading import load_course

    load_course()
    if progress:
        progress("course data checked and kept for the lessons")
    problems, lessons = [], []
    saved = {k: os.environ.get(k) for k in (cache.VARIABLE, "SCIATICA_COURSE_HOME")}
    with tempfile.TemporaryDirectory(prefix="sciatica-prerender-") as home:
        os.environ[cache.VARIABLE] = str(store)
        os.environ["SCIATICA_COURSE_HOME"] = home
        try:
            lessons_to_run = student_notebooks(notebooks)
            for number, nb in enumerate(lessons_to_run, 1):
                ns: dict = {"__name__": "__lesson__"}
                lessons.append(nb.name)
                for i, code in enumerate(_code_cells(nb), 1):
                    try:
                        with contextlib.redirect_stdout(io.StringIO()):
                            _show(_run_cell(code, ns))
                    except Exception as e:  # noqa: BLE001 - reported: one lesson must not stop the others
                        problems.append(f"{nb.name} cell {i}: {type(e).__name__}: {e}")
                if progress:
                    progress(f"lesson figures {number}/{len(lessons_to_run)} ({nb.stem}): "
                             f"{len(list(store.glob('*.json')))} in the store")
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    return {"store": str(store), "figures": len(list(store.glob("*.json"))), "lessons": lessons,
            "seconds": round(time.monotonic() - t0, 1), "problems": problems}


__all__ = ["prerender", "student_notebooks"]
