"""The validated course kept between kernels: parsed and checked once per data text, then read back in milliseconds.

``load_course()`` reads every YAML file into a node tree, checks each value against the record types and runs the
whole-course checks: about 0.15 s of every lesson's first run on a quiet machine, the largest part of a lesson's own
time. Once a course has loaded without a problem it is kept here (pickled) under a key made of

  * the data folder's path and the name and bytes of each of its files (any edit gives a new key),
  * the code that defines and checks the records (``sciatica_course/model/``, ``loading.py``, ``casecheck.py``) and
    the package and Python versions,

so a kept course is only ever the one the current loader would build from the current data. A course that does not
load (a :class:`~sciatica_course.loading.DataError`) is never kept: every load of broken data reports its problems.

Where: ``course-cache/`` in the student's own course home (beside their progress; ``$SCIATICA_COURSE_HOME`` or
the per-user data folder), never a shared store: a pickle runs code when read, so only files in a folder of the
user's own, owned by the user and not writable by others, are read. ``sciatica-course figures`` (the first-time
set-up) loads the course, so a newcomer's first lesson finds it kept. ``SCIATICA_COURSE_SNAPSHOT=off`` switches
this off. Nothing here ever stops a course from loading: an unreadable, stale or foreign file is ignored.
"""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Optional

VARIABLE = "SCIATICA_COURSE_SNAPSHOT"
KEEP = 8              # newest snapshots kept (an instructor's practice copies make more)


def folder() -> Optional[Path]:
    if os.environ.get(VARIABLE, "").strip().lower() in ("0", "off", "no", "false"):
        return None
    from .progress import store_dir

    return store_dir() / "course-cache"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    from . import __version__

    here = Path(__file__).resolve().parent
    h = hashlib.sha256(f"{__version__} {sys.version}".encode())
    for f in [*sorted((here / "model").glob("*.py")), here / "loading.py", here / "casecheck.py"]:
        if f.exists():
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def key(root: str, stamp: tuple) -> Optional[str]:
    """The key of the data files listed in ``stamp`` (as ``loading._stamp`` lists them), by their bytes."""
    h = hashlib.sha256(code_fingerprint().encode())
    h.update(str(Path(root).resolve()).encode())
    try:
        for entry in stamp:
            f = Path(entry[0])
            h.update(f.name.encode() + b"\0")
            h.update(f.read_bytes())
    except OSError:
        return None
    return h.hexdigest()[:40]


def _own(path: Path) -> bool:
    """A file (and its folder) of this user's, not writable by anyone else."""
    if not hasattr(os, "getuid"):
        return True                              # Windows: the per-user data folder is the user's own
    try:
        for p in (path, path.parent):
            st = p.stat()
            if st.st_uid != os.getuid() or st.st_mode & 0o022:
                return False
    except OSError:
        return False
    return True


def read(root: str, stamp: tuple):
    """The kept course for these data files, or None."""
    where, k = folder(), key(root, stamp)
    if where is None or k is None:
        return None
    path = where / f"{k}.pickle"
    if not path.is_file() or not _own(path):
        return None
    try:
        course = pickle.loads(path.read_bytes())
    except Exception:   # noqa: BLE001 - a stale or broken file: load the data instead
        return None
    from .loading import Course

    return course if isinstance(course, Course) else None


def write(root: str, stamp: tuple, course) -> None:
    """Keep ``course`` (atomically; a read-only or full folder is ignored) and drop all but the newest few."""
    where, k = folder(), key(root, stamp)
    if where is None or k is None:
        return
    try:
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
        import tempfile      # here, not at the top: a lesson that only reads the kept course never needs it

        fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(course, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, where / f"{k}.pickle")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        kept = sorted(where.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[KEEP:]:
            old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass


__all__ = ["read", "write", "key", "folder", "VARIABLE"]
