"""A student's working copy of the lessons: copied the first time, never overwritten.

The course's own ``notebooks/`` stay pristine (so ``git pull`` or a fresh download updates them cleanly); a student
works in a copy:

* on a laptop, ``lessons/`` in the course home (``$SCIATICA_COURSE_HOME``, else the per-user data folder, the same
  place as the progress store: see :func:`default_folder`);
* on the class hub, ``~/course`` in each student's home (``deploy/jupyterhub/jupyterhub_config.py`` calls
  :func:`place`).

:func:`place` copies every student lesson that is missing from the copy (the first time: all of them; after an update:
the new ones) and never overwrites a file that is there. It records, in a hidden ``.course-versions.json`` beside
the lessons, which version of the course each file was copied from, so :func:`status` can tell apart "you changed
this lesson" from "the course has a newer version of it". A newer version is offered, never forced:
:func:`reset` puts the course's current version in place and keeps the student's old copy beside it
(``03_assessment_reasoning.old-2026-11-30-0930.ipynb``). Progress lives in its own SQLite file and is never touched
here. Instructor notebooks, checkpoints and hidden files are never copied.

A notebook's version is a hash of its cells' types and sources only: running a lesson (outputs, execution counts,
widget state) does not count as changing it.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Optional

MANIFEST = ".course-versions.json"
FOLDER_NAME = "lessons"
FORMAT = 1

# status values (LessonState.state)
NOT_COPIED = "not copied yet"
CURRENT = "up to date"
EDITED = "edited by you"
UPDATE = "newer version in the course"
UPDATE_EDITED = "newer version in the course; yours has your changes"
DIFFERENT = "differs from the course's version"
GONE = "no longer in the course (yours is kept)"


def default_folder() -> Path:
    """Where a laptop keeps the student's lessons: ``lessons/`` beside the progress store."""
    from .progress import store_dir

    return store_dir() / FOLDER_NAME


def course_notebooks() -> Optional[Path]:
    """The course's ``notebooks/`` folder: beside the package (a clone or an editable install), beside the data
    folder, or under the working directory; None when none has ``00_start_here.ipynb``."""
    from .loading import default_data_dir

    for cand in (Path(__file__).resolve().parents[1] / "notebooks", default_data_dir().parent / "notebooks",
                 Path.cwd() / "notebooks"):
        if (cand / "00_start_here.ipynb").is_file():
            return cand
    return None


def course_files(notebooks: Path) -> list:
    """The files a student gets, relative to ``notebooks``: everything but ``instructor/``, checkpoints and hidden
    or dunder files."""
    out = []
    for src in sorted(Path(notebooks).rglob("*")):
        rel = src.relative_to(notebooks)
        if not src.is_file() or rel.parts[0] == "instructor":
            continue
        if any(part.startswith((".", "__")) for part in rel.parts):
            continue
        out.append(rel)
    return out


def fingerprint(path: Path) -> str:
    """A notebook's content (cell types and sources; not outputs, counts or metadata); other files' bytes."""
    data = Path(path).read_bytes()
    if Path(path).suffix == ".ipynb":
        try:
            nb = json.loads(data.decode("utf-8"))
            cells = [[c.get("cell_type"), "".join(c["source"]) if isinstance(c.get("source"), list)
                      else c.get("source", "")] for c in nb.get("cells", [])]
            data = json.dumps(cells, ensure_ascii=False).encode("utf-8")
        except (ValueError, AttributeError, TypeError, KeyError):
            pass                                  # not readable as a notebook: compare the bytes
    return hashlib.sha256(data).hexdigest()[:20]


def _read_manifest(folder: Path) -> dict:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = data.get("files")
        return files if isinstance(files, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}


def _write_manifest(folder: Path, files: dict) -> None:
    """Written whole to a temporary file and renamed into place: a crash never leaves half a manifest."""
    text = json.dumps({"format": FORMAT, "about": "which version of the course each lesson here was copied from "
                       "(sciatica-course lessons --status)", "files": files}, indent=1, sort_keys=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".course-versions-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.replace(tmp, folder / MANIFEST)


def _key(rel: Path) -> str:
    return rel.as_posix()


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def place(folder: Path, notebooks: Path) -> list:
    """Copy every course file missing from ``folder``; never overwrite one that is there. Returns the files copied
    (relative paths as text). The first call copies everything; after an update, only the new lessons."""
    folder, notebooks = Path(folder), Path(notebooks)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(folder)
    copied = []
    for rel in course_files(notebooks):
        dest = folder / rel
        if dest.exists():
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(notebooks / rel, dest)
        manifest[_key(rel)] = {"course": fingerprint(dest), "copied": _now()}
        copied.append(_key(rel))
    if copied or not (folder / MANIFEST).exists():
        _write_manifest(folder, manifest)
    return copied


@dataclass
class LessonState:
    name: str                 # relative path, e.g. "03_assessment_reasoning.ipynb"
    state: str                # one of the status values above

    @property
    def offer(self) -> bool:
        """True when resetting would bring something new from the course."""
        return self.state in (UPDATE, UPDATE_EDITED, DIFFERENT)


def status(folder: Path, notebooks: Path) -> list:
    """Every course file and how the student's copy stands against the course (read only)."""
    folder, notebooks = Path(folder), Path(notebooks)
    manifest = _read_manifest(folder)
    out = []
    for rel in course_files(notebooks):
        dest = folder / rel
        if not dest.exists():
            out.append(LessonState(_key(rel), NOT_COPIED))
            continue
        course_now, mine = fingerprint(notebooks / rel), fingerprint(dest)
        copied_from = (manifest.get(_key(rel)) or {}).get("course")
        if copied_from is None:               # copied by an older course version, or by hand
            state = CURRENT if mine == course_now else DIFFERENT
        elif copied_from == course_now:
            state = CURRENT if mine == copied_from else EDITED
        else:
            state = UPDATE if mine == copied_from else UPDATE_EDITED
        out.append(LessonState(_key(rel), state))
    # lessons the course has since renamed or removed: kept, and said so (old copies from a reset are not listed)
    listed = {s.name for s in out}
    for mine in sorted(folder.glob("[0-9][0-9]_*.ipynb")) if folder.is_dir() else []:
        if mine.name not in listed and ".old-" not in mine.name and _key(Path(mine.name)) in manifest:
            out.append(LessonState(mine.name, GONE))
    return out


class LessonNotFound(ValueError):
    pass


def find(notebooks: Path, which: str) -> Path:
    """A course lesson by number (``3``, ``03``) or file name (with or without ``.ipynb``); relative path."""
    files = [rel for rel in course_files(notebooks) if rel.suffix == ".ipynb"]
    w = which.strip()
    if w.isdigit():
        hits = [rel for rel in files if rel.name[:2].isdigit() and int(rel.name[:2]) == int(w)]
    else:
        stem = w[:-6] if w.endswith(".ipynb") else w
        hits = [rel for rel in files if rel.stem == stem or _key(rel) == w]
    if len(hits) != 1:
        names = ", ".join(rel.name[:2] for rel in files if rel.name[:2].isdigit())
        raise LessonNotFound(f"no lesson {which!r} in the course; use a lesson number ({names}) or a file name")
    return hits[0]


def _old_name(dest: Path) -> Path:
    stamp = datetime.now().strftime("%Y-%m-%d-%H%M")
    for n in range(1, 1000):
        suffix = "" if n == 1 else f"-{n}"
        cand = dest.with_name(f"{dest.stem}.old-{stamp}{suffix}{dest.suffix}")
        if not cand.exists():
            return cand
    raise OSError(f"too many old copies of {dest.name}")


def reset(folder: Path, notebooks: Path, which: str) -> tuple:
    """Put the course's current version of lesson ``which`` in the working copy. The student's copy, if it differs
    from the course's file, is kept beside it (renamed ``NAME.old-YYYY-MM-DD-HHMM.ipynb``). Returns
    ``(lesson path, old copy path or None)``."""
    folder, notebooks = Path(folder), Path(notebooks)
    rel = find(notebooks, which)
    src, dest = notebooks / rel, folder / rel
    old = None
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists() and dest.read_bytes() != src.read_bytes():
        old = _old_name(dest)
        os.replace(dest, old)
    # copy to a temporary name and rename: the lesson is either the old or the new file, never half of one
    tmp = dest.with_name(f".{dest.name}.resetting")
    shutil.copy2(src, tmp)
    os.replace(tmp, dest)
    manifest = _read_manifest(folder)
    manifest[_key(rel)] = {"course": fingerprint(dest), "copied": _now()}
    _write_manifest(folder, manifest)
    return dest, old
