"""Figures drawn once, shown many times.

A lesson's figures depend only on the course data (and, for a widget, on which of a few states it shows), so the
same pixels were being drawn by every student's kernel on every Run All: importing matplotlib (about 40 MB and most
of a lesson's run time) and drawing. Here a figure is kept as its PNG and alt text, under a key made of

  * the figure's name and parameters,
  * a fingerprint of the course data it was drawn from (an instructor's edit to ``data/`` gives a new key),
  * a fingerprint of the drawing code (``sciatica_course/plotting/*.py`` and the package version),

so a stored figure is never shown for data or code it was not drawn from. A missing figure is drawn (matplotlib is
imported only then) and stored. A figure is a PNG, or an SVG shown only inside an ``<img>`` (the path explorer's
step overlays), with its alt text and, where a widget needs it, a little metadata (where the axes sit).
:mod:`sciatica_course.plotting.stored` routes every figure of the student lessons through here.

Where: ``$SCIATICA_FIGURE_CACHE`` when set (``off`` switches the store off), else ``figures/`` in the student's
course folder (``$SCIATICA_COURSE_HOME`` or the per-user data folder, like progress). ``sciatica-course figures``
draws every lesson figure in advance: a class hub does it once for the whole class at start-up, Binder's postBuild
at image build. A store that cannot be written is read only (or ignored); nothing here ever stops a lesson.

Stored files hold only the PNG (checked to be one) and the alt text; the HTML is built here with the alt text
escaped, so a file placed in a shared store cannot put markup into a lesson.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Callable, Optional

from .common import img_html

VARIABLE = "SCIATICA_FIGURE_CACHE"
_PNG = b"\x89PNG\r\n\x1a\n"


def cache_dir() -> Optional[Path]:
    """The figure store now (follows the environment at call time); None when switched off."""
    given = os.environ.get(VARIABLE)
    if given is not None:
        given = given.strip()
        if given.lower() in ("", "0", "off", "no", "false"):
            return None
        return Path(given).expanduser()
    from ..progress import store_dir

    return store_dir() / "figures"


def data_fingerprint(course) -> str:
    """A hash of the data files' text ``course`` was loaded from (taken by the loader as it read them)."""
    return getattr(course, "fingerprint", "")


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the drawing code: every module of sciatica_course.plotting, and the package version."""
    from .. import __version__

    h = hashlib.sha256(str(__version__).encode())
    for f in sorted(Path(__file__).parent.glob("*.py")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def figure_key(name: str, params: tuple, course) -> str:
    raw = json.dumps([name, [repr(p) for p in params], data_fingerprint(course), code_fingerprint()])
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _read(path: Path, kind: str = "png") -> Optional[tuple]:
    """(content, alt, meta) of a stored record of ``kind`` ("png": bytes checked to be a PNG; "svg": text checked
    to be an ``<svg>`` element, only ever shown inside an ``<img>``), or None for a missing, broken or foreign file."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        alt, meta = record["alt"], record.get("meta") or {}
        if kind == "png":
            content = base64.b64decode(record["png"], validate=True)
            ok = content.startswith(_PNG)
        else:
            content = record["svg"]
            ok = isinstance(content, str) and content.lstrip().startswith("<svg") and content.rstrip().endswith(">")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not ok or not isinstance(alt, str) or not isinstance(meta, dict):
        return None
    return content, alt, meta


def _write(path: Path, name: str, kind: str, content, alt: str, meta: Optional[dict] = None) -> None:
    """Atomically (a temporary file renamed into place): many kernels may store the same figure at once."""
    record = {"name": name, "alt": alt,
              kind: base64.b64encode(content).decode("ascii") if kind == "png" else content}
    if meta:
        record["meta"] = meta
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(record, f)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass                                   # a read-only or full store: the figure is still shown


def _path(name: str, params: tuple, course) -> tuple[object, Optional[Path]]:
    from ..loading import load_course

    course = course if course is not None else load_course()
    folder = cache_dir()
    stored = folder is not None and data_fingerprint(course)      # a course built by hand is not stored
    return course, (folder / f"{figure_key(name, params, course)}.json" if stored else None)


def stored(name: str, kind: str, draw: Callable, *params, course=None) -> tuple:
    """(content, alt text, meta) of the figure ``name`` with ``params``: read from the store, or made by ``draw()``
    and stored. ``kind`` "png": ``draw()`` returns an Axes or Figure with alt text (drawn to PNG here) or a
    ``(png bytes, alt[, meta])`` tuple; "svg": it returns ``(svg text, alt[, meta])``. ``meta`` is a small
    JSON-able dict kept beside the figure (what a widget needs to know about it without drawing it)."""
    course, path = _path(name, params, course)
    if path is not None:
        found = _read(path, kind)
        if found is not None:
            return found
    made = draw()
    if not isinstance(made, tuple):
        from .common import alt_text, png_bytes   # matplotlib is imported only when a figure must be drawn

        fig = getattr(made, "figure", made)
        made = (png_bytes(fig), alt_text(made) or alt_text(fig))
    content, alt, meta = (tuple(made) + ({},))[:3]
    if path is not None:
        _write(path, name, kind, content, alt, meta)
    return content, alt, meta or {}


def figure_png(name: str, draw: Callable, *params, course=None) -> tuple[bytes, str]:
    """(PNG bytes, alt text) of the figure ``name`` with ``params``, from the store or drawn by ``draw()`` (which
    returns an Axes or Figure with alt text) and stored."""
    return stored(name, "png", draw, *params, course=course)[:2]


def figure_svg(name: str, draw: Callable, *params, course=None) -> tuple[str, str, dict]:
    """(SVG text, alt text, meta) of the figure ``name`` with ``params``, from the store or made by ``draw()``
    (which returns ``(svg, alt[, meta])``) and stored. The SVG is for an ``<img>`` only (a data URI), where no
    script in it can run."""
    return stored(name, "svg", draw, *params, course=course)


def figure_html(name: str, draw: Callable, *params, course=None, max_width: str = "100%") -> str:
    """The figure as an accessible ``<img>``, drawn at most once per course data, code and parameters."""
    png, alt = figure_png(name, draw, *params, course=course)
    return img_html(png, alt, max_width)


class StoredFigure:
    """What a lesson cell shows for a stored figure (rich display)."""

    def __init__(self, name: str, draw: Callable, *params, course=None, max_width: str = "100%"):
        self.html = figure_html(name, draw, *params, course=course, max_width=max_width)

    def _repr_html_(self):
        return self.html


__all__ = ["cache_dir", "stored", "figure_png", "figure_svg", "figure_html", "img_html", "StoredFigure", "figure_key", "data_fingerprint",
           "code_fingerprint", "VARIABLE"]
