"""The progress store: every answer, case attempt and completed lesson, kept in one SQLite file.

Where it lives: ``$SCIATICA_COURSE_HOME/progress.sqlite3`` when that variable names a folder, else
``platformdirs.user_data_dir("sciatica-course")/progress.sqlite3``. ``store_path()`` says which.

How nothing gets lost:

- the file is in WAL mode with ``synchronous=FULL``; every write is one ``BEGIN IMMEDIATE`` ... ``COMMIT``
  transaction, so a kernel killed at any moment leaves either the whole record or none of it;
- each operation opens its own connection with a busy timeout, so two kernels writing at once wait for each
  other instead of failing;
- the schema is versioned (``PRAGMA user_version``; ``PRAGMA application_id`` marks the file as ours) and
  every store is created at version 1 and migrated forward, so the migration path from version 1 runs on
  every new store;
- a corrupt file, or a SQLite file that belongs to something else, is moved aside (renamed with a
  timestamp, never deleted) and a fresh store starts; the message is kept in ``notices()``.

Nothing here prints: functions return values, and problems are raised as :class:`ProgressError` with a
message a student can read.

Public functions (the contract other modules use): :func:`record_answer`, :func:`record_case_attempt`,
:func:`mark_lesson_complete`, :func:`answers`, :func:`case_attempts`, :func:`completed_lessons`,
:func:`export_progress`, :func:`import_progress`, :func:`student_name`, :func:`set_student_name`.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Optional

APP_NAME = "sciatica-course"
FILE_NAME = "progress.sqlite3"
HOME_VARIABLE = "SCIATICA_COURSE_HOME"
SCHEMA_VERSION = 2
APPLICATION_ID = 0x53435052  # "SCPR": marks a SQLite file as a sciatica-course progress store
BUSY_TIMEOUT_SECONDS = 30.0
EXPORT_FORMAT = "sciatica-course-progress"
EXPORT_VERSION = 1
CONFIDENCE_LABELS = {1: "Guessing", 2: "Fairly sure", 3: "Certain"}
SAFETY_LEVELS = ("safe", "suboptimal", "unsafe", "critical")
UNSAFE_LEVELS = ("unsafe", "critical")
_SQLITE_HEADER = b"SQLite format 3\x00"


class ProgressError(Exception):
    """A problem with the progress store or a progress file, with a message a student can act on."""


# ----------------------------------------------------------------------------------------- where

def store_dir() -> Path:
    """The folder holding the progress store (``$SCIATICA_COURSE_HOME`` when set)."""
    home = os.environ.get(HOME_VARIABLE)
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def store_path() -> Path:
    """The progress file the course uses now."""
    return store_dir() / FILE_NAME


# ----------------------------------------------------------------------------------------- schema

# Version 1: the first layout (answers without lesson/topic/domain; lessons; settings).
SCHEMA_V1 = """
CREATE TABLE answers (
    uid TEXT PRIMARY KEY,
    item_id TEXT NOT NULL,
    option_id TEXT NOT NULL,
    correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
    confidence INTEGER CHECK (confidence IS NULL OR confidence IN (1, 2, 3)),
    seconds REAL,
    at TEXT NOT NULL
);
CREATE TABLE lessons (
    lesson_id TEXT PRIMARY KEY,
    completed_at TEXT NOT NULL
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT
);
"""

# MIGRATIONS[n] takes a store from version n to n + 1 (run inside one transaction).
MIGRATIONS = {
    1: """
ALTER TABLE answers ADD COLUMN lesson TEXT;
ALTER TABLE answers ADD COLUMN topic TEXT;
ALTER TABLE answers ADD COLUMN domain TEXT;
CREATE INDEX answers_item ON answers (item_id, at);
CREATE INDEX answers_at ON answers (at);
CREATE TABLE case_attempts (
    uid TEXT PRIMARY KEY,
    case_id TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT NOT NULL,
    exam_mode INTEGER NOT NULL DEFAULT 0,
    score REAL,
    max_score REAL,
    worst_safety TEXT,
    data TEXT NOT NULL
);
CREATE INDEX case_attempts_case ON case_attempts (case_id, finished_at);
""",
}
assert max(MIGRATIONS) + 1 == SCHEMA_VERSION


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _norm_time(value, where: str) -> str:
    """An ISO 8601 time as UTC with microseconds, so times sort as text."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str) and value.strip():
        try:
            dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ProgressError(f"{where}: not an ISO 8601 date-time: {value!r}") from None
    else:
        raise ProgressError(f"{where}: expected an ISO 8601 date-time, got {value!r}")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).isoformat(timespec="microseconds")


# ----------------------------------------------------------------------------------------- opening

_LOCK = threading.RLock()     # one store operation at a time in this process (connections are shared)
_CHECKED: set = set()          # (path, device, inode) of files checked in this process
_CONNS: dict = {}              # (path, pid) -> (connection, (path, device, inode)): one per file per process
_NOTICES: list = []            # messages about files moved aside, newest last


def notices() -> list:
    """Messages about progress files that were moved aside in this session (newest last)."""
    return list(_NOTICES)


def _file_key(path: Path):
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (str(path), st.st_dev, st.st_ino)


def _drop_connection(path: Path) -> None:
    """Close this process's connection to ``path`` (if any) and forget that the file was checked."""
    with _LOCK:
        entry = _CONNS.pop((str(path), os.getpid()), None)
        if entry is not None:
            try:
                entry[0].close()
            except sqlite3.Error:
                pass
        _CHECKED.difference_update({k for k in _CHECKED if k[0] == str(path)})


def close_connections() -> None:
    """Close every progress connection this process holds (they reopen on the next operation)."""
    with _LOCK:
        for (path, pid) in list(_CONNS):
            if pid == os.getpid():
                _drop_connection(Path(path))


def _move_aside(path: Path, reason: str) -> str:
    """Rename ``path`` (and its -wal/-shm companions) with a timestamp; never delete. Returns the notice."""
    _drop_connection(path)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    tag = "corrupt" if "corrupt" in reason or "damaged" in reason or "not a" in reason else "foreign"
    target = path.with_name(f"{path.name}.{tag}-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.{tag}-{stamp}-{n}")
    try:
        os.replace(path, target)
    except FileNotFoundError:  # another process moved it first
        return ""
    for suffix in ("-wal", "-shm"):
        companion = Path(str(path) + suffix)
        if companion.exists():
            try:
                os.replace(companion, Path(str(target) + suffix))
            except OSError:
                pass
    message = (f"Your progress file {path} could not be used ({reason}). It has been kept, renamed to "
               f"{target.name} in the same folder, and a new, empty progress store has been started. "
               "Nothing was deleted: an instructor can help recover the old file.")
    _NOTICES.append(message)
    return message


def _inspect(path: Path) -> Optional[str]:
    """Why the file at ``path`` cannot be used as our store (None when it can, or does not exist)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    if size == 0:
        return None
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head != _SQLITE_HEADER:
        return "corrupt: it is not a SQLite database"
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except sqlite3.OperationalError as e:
        raise ProgressError(f"The progress file {path} could not be opened: {e}.") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        check = [r[0] for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            raise ProgressError(f"The progress file {path} is busy: {e}. Try again in a moment.") from None
        return f"corrupt: {e}"
    except sqlite3.DatabaseError as e:
        return f"corrupt: {e}"
    finally:
        conn.close()
    if check != ["ok"]:
        return "corrupt: the integrity check failed (" + "; ".join(check[:3]) + ")"
    if app_id == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise ProgressError(
                f"The progress file {path} was written by a newer version of the course (store version "
                f"{version}; this version understands up to {SCHEMA_VERSION}). Update the course; the file "
                "has not been changed.")
        return None
    if app_id == 0 and version == 0 and not tables:
        return None  # an empty SQLite file: we can initialise it
    return "foreign: it is a SQLite database that does not belong to the sciatica course"


def _initialise(conn: sqlite3.Connection) -> None:
    """Create (at version 1) and migrate the schema to SCHEMA_VERSION, in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if version == 0 and app_id == 0:
            for stmt in _statements(SCHEMA_V1):
                conn.execute(stmt)
            conn.execute("INSERT OR IGNORE INTO settings (key, value) VALUES ('store_id', ?)",
                         (uuid.uuid4().hex,))
            conn.execute("INSERT OR IGNORE INTO settings (key, value) VALUES ('created_at', ?)", (_now(),))
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("PRAGMA user_version = 1")
            version = 1
        while version < SCHEMA_VERSION:
            for stmt in _statements(MIGRATIONS[version]):
                conn.execute(stmt)
            version += 1
            conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> Iterable[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def create_version1_store(path) -> Path:
    """Write an empty store in the first (version 1) layout. Used to test the migration path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        for stmt in _statements(SCHEMA_V1):
            conn.execute(stmt)
        conn.execute("INSERT INTO settings (key, value) VALUES ('store_id', ?)", (uuid.uuid4().hex,))
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("PRAGMA user_version = 1")
        conn.execute("COMMIT")
    finally:
        conn.close()
    return path


# ----------------------------------------------------------------------------------------- validation

def _check_answer(rec: dict, where: str) -> dict:
    problems = []
    if not isinstance(rec, dict):
        raise ProgressError(f"{where}: expected an object, got {type(rec).__name__}")

    def text(key, required=True):
        v = rec.get(key)
        if v is None and not required:
            return None
        if not isinstance(v, str) or not v.strip():
            problems.append(f"{where}.{key}: expected a non-empty text, got {v!r}")
            return None
        return v

    out = {
        "uid": text("uid"),
        "item_id": text("item_id"),
        "option_id": text("option_id"),
        "lesson": text("lesson", required=False),
        "topic": text("topic", required=False),
        "domain": text("domain", required=False),
    }
    correct = rec.get("correct")
    if not isinstance(correct, bool) and correct not in (0, 1):
        problems.append(f"{where}.correct: expected true or false, got {correct!r}")
    out["correct"] = bool(correct)
    conf = rec.get("confidence")
    if conf is not None and (isinstance(conf, bool) or conf not in (1, 2, 3)):
        problems.append(f"{where}.confidence: expected 1, 2, 3 or null, got {conf!r}")
    out["confidence"] = conf
    secs = rec.get("seconds")
    if secs is not None and (isinstance(secs, bool) or not isinstance(secs, (int, float))
                             or not math.isfinite(secs) or secs < 0):
        problems.append(f"{where}.seconds: expected a number of seconds >= 0 or null, got {secs!r}")
    out["seconds"] = None if secs is None else float(secs)
    try:
        out["at"] = _norm_time(rec.get("at"), f"{where}.at")
    except ProgressError as e:
        problems.append(str(e))
    if problems:
        raise ProgressError("\n".join(problems))
    return out


def _worst_safety(attempt: dict) -> Optional[str]:
    levels = [f.get("safety") for f in attempt.get("safety_flags") or [] if isinstance(f, dict)]
    levels += [s.get("safety") for s in attempt.get("steps") or [] if isinstance(s, dict)]
    ranked = [SAFETY_LEVELS.index(s) for s in levels if s in SAFETY_LEVELS]
    return SAFETY_LEVELS[max(ranked)] if ranked else None


def _check_attempt(rec: dict, where: str, new_uid: bool = False) -> dict:
    if not isinstance(rec, dict):
        raise ProgressError(f"{where}: expected an attempt object, got {type(rec).__name__}")
    problems = []
    out = dict(rec)
    if new_uid and not out.get("uid"):
        out["uid"] = uuid.uuid4().hex
    if not isinstance(out.get("uid"), str) or not out["uid"].strip():
        problems.append(f"{where}.uid: expected a non-empty text, got {out.get('uid')!r}")
    if not isinstance(out.get("case_id"), str) or not out["case_id"].strip():
        problems.append(f"{where}.case_id: expected a case id, got {out.get('case_id')!r}")
    for key in ("started_at", "finished_at"):
        v = out.get(key)
        if v is None:
            if key == "finished_at":
                out[key] = _now()
            continue
        try:
            out[key] = _norm_time(v, f"{where}.{key}")
        except ProgressError as e:
            problems.append(str(e))
    out["exam_mode"] = bool(out.get("exam_mode", False))
    for key in ("score", "max_score"):
        v = out.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v)):
            problems.append(f"{where}.{key}: expected a number, got {v!r}")
    for key in ("safety_flags", "steps"):
        v = out.setdefault(key, [])
        if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
            problems.append(f"{where}.{key}: expected a list of objects")
            continue
        for i, x in enumerate(v):
            s = x.get("safety")
            if s is not None and s not in SAFETY_LEVELS:
                problems.append(f"{where}.{key}[{i}].safety: expected one of {', '.join(SAFETY_LEVELS)}, got {s!r}")
    if problems:
        raise ProgressError("\n".join(problems))
    try:
        json.dumps(out)
    except (TypeError, ValueError) as e:
        raise ProgressError(f"{where}: the attempt cannot be saved as JSON ({e})") from None
    return out


# ----------------------------------------------------------------------------------------- results

@dataclass
class ImportResult:
    path: str
    added: dict = field(default_factory=dict)      # kind -> records added
    skipped: dict = field(default_factory=dict)    # kind -> records already present
    student: str = ""
    message: str = ""

    def __str__(self):
        return self.message


@dataclass
class ExportResult:
    path: str
    counts: dict
    anonymous: bool
    student: str
    message: str = ""

    def __str__(self):
        return self.message


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ----------------------------------------------------------------------------------------- the store

def _recovering(method):
    """Run a store operation; if the file turns out to be damaged while in use, check it again (which moves
    a damaged file aside and starts a fresh store) and run the operation once more."""
    import functools

    @functools.wraps(method)
    def wrapper(self, *args, **kw):
        try:
            return method(self, *args, **kw)
        except sqlite3.OperationalError:
            raise
        except sqlite3.DatabaseError:
            _drop_connection(self.path)
            return method(self, *args, **kw)
    return wrapper


def _rollback(conn) -> None:
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass


class Store:
    """One progress file. ``Store()`` is the course's current store; ``Store(path)`` any other file."""

    def __init__(self, path=None):
        self.path = (Path(path) if path is not None else store_path()).expanduser().absolute()

    def __repr__(self):
        return f"Store({str(self.path)!r})"

    # -- connections
    def _connect(self) -> sqlite3.Connection:
        """This process's connection to the store, opened (and the file checked) on first use. Callers hold
        ``_LOCK``. A file replaced or moved by another process, or damaged, is noticed and checked again."""
        path = self.path
        key = _file_key(path)
        entry = _CONNS.get((str(path), os.getpid()))
        if entry is not None:
            # (never open and close the file itself while SQLite has it open: on POSIX, closing any
            # descriptor of a file drops all of the process's locks on it, which can corrupt the store)
            if key == entry[1]:
                return entry[0]
            _drop_connection(path)
            key = _file_key(path)
        if key is None or key not in _CHECKED:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise ProgressError(f"The progress folder {path.parent} cannot be created: "
                                    f"{e.strerror or e}. Set SCIATICA_COURSE_HOME to a folder you can "
                                    "write to.") from None
            reason = _inspect(path)
            if reason:
                _move_aside(path, reason)
        try:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.OperationalError as e:
            raise ProgressError(f"The progress file {path} could not be opened: {e}.") from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            if key is None or key not in _CHECKED:
                if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                    _initialise(conn)
            new_key = _file_key(path)
            if new_key is not None:
                _CHECKED.add(new_key)
                _CONNS[(str(path), os.getpid())] = (conn, new_key)
        except sqlite3.OperationalError as e:
            conn.close()
            raise ProgressError(f"The progress file {path} could not be used: {e}.") from None
        except BaseException:
            conn.close()
            raise
        return conn

    @contextmanager
    def _read(self):
        if not self.path.exists():
            # looking does not create a store: read from an empty one in memory
            conn = sqlite3.connect(":memory:", isolation_level=None)
            try:
                _initialise(conn)
                yield conn
            finally:
                conn.close()
            return
        with _LOCK:
            conn = self._connect()
            try:
                yield conn
            except sqlite3.OperationalError as e:
                raise ProgressError(f"The progress file {self.path} could not be read: {e}.") from None

    @contextmanager
    def _write(self):
        """One transaction: everything inside is committed together or not at all."""
        with _LOCK:
            conn = self._connect()
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except sqlite3.OperationalError as e:
                _rollback(conn)
                raise ProgressError(f"The progress file {self.path} could not be written: {e}. "
                                    "Nothing was half-saved; try again.") from None
            except BaseException:
                _rollback(conn)
                raise

    # -- writing
    @_recovering
    def record_answer(self, item_id, option_id, correct, confidence=None, seconds=None, lesson=None,
                      topic=None, domain=None, at=None, uid=None) -> str:
        """Save one answer to a quiz item; returns its uid."""
        rec = _check_answer({"uid": uid or uuid.uuid4().hex, "item_id": item_id, "option_id": option_id,
                             "correct": correct, "confidence": confidence, "seconds": seconds,
                             "at": at or _now(), "lesson": lesson, "topic": topic, "domain": domain}, "answer")
        with self._write() as conn:
            self._insert_answer(conn, rec)
        return rec["uid"]

    @staticmethod
    def _insert_answer(conn, rec) -> bool:
        cur = conn.execute(
            "INSERT OR IGNORE INTO answers (uid, item_id, option_id, correct, confidence, seconds, at, lesson,"
            " topic, domain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (rec["uid"], rec["item_id"], rec["option_id"], int(rec["correct"]), rec["confidence"],
             rec["seconds"], rec["at"], rec["lesson"], rec["topic"], rec["domain"]))
        return cur.rowcount == 1

    @_recovering
    def record_case_attempt(self, attempt: dict) -> str:
        """Save a finished case attempt (the dict of ``Session.to_attempt()``); returns its uid.
        Saving the same attempt (same uid) twice keeps one copy."""
        rec = _check_attempt(attempt, "attempt", new_uid=True)
        with self._write() as conn:
            self._insert_attempt(conn, rec)
        return rec["uid"]

    @staticmethod
    def _insert_attempt(conn, rec) -> bool:
        cur = conn.execute(
            "INSERT OR IGNORE INTO case_attempts (uid, case_id, started_at, finished_at, exam_mode, score,"
            " max_score, worst_safety, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (rec["uid"], rec["case_id"], rec.get("started_at"), rec["finished_at"], int(rec["exam_mode"]),
             rec.get("score"), rec.get("max_score"), _worst_safety(rec), json.dumps(rec, ensure_ascii=False)))
        return cur.rowcount == 1

    @_recovering
    def mark_lesson_complete(self, lesson_id: str, at=None) -> str:
        """Mark a lesson complete; returns when it was first completed (marking again keeps that time)."""
        if not isinstance(lesson_id, str) or not lesson_id.strip():
            raise ProgressError(f"lesson_id: expected a lesson id, got {lesson_id!r}")
        when = _norm_time(at, "completed_at") if at is not None else _now()
        with self._write() as conn:
            self._upsert_lesson(conn, lesson_id, when)
            return conn.execute("SELECT completed_at FROM lessons WHERE lesson_id = ?", (lesson_id,)).fetchone()[0]

    @staticmethod
    def _upsert_lesson(conn, lesson_id, when) -> bool:
        before = conn.execute("SELECT completed_at FROM lessons WHERE lesson_id = ?", (lesson_id,)).fetchone()
        conn.execute("INSERT INTO lessons (lesson_id, completed_at) VALUES (?, ?) ON CONFLICT (lesson_id) DO "
                     "UPDATE SET completed_at = min(completed_at, excluded.completed_at)", (lesson_id, when))
        return before is None

    @_recovering
    def set_student_name(self, name: str) -> str:
        """Set the student's name (shown in exports unless they are anonymous)."""
        if not isinstance(name, str):
            raise ProgressError(f"name: expected a text, got {name!r}")
        name = " ".join(name.split())
        if len(name) > 200:
            raise ProgressError("name: at most 200 characters, please")
        with self._write() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES ('student_name', ?) ON CONFLICT (key) DO "
                         "UPDATE SET value = excluded.value", (name,))
        return name

    @_recovering
    def set_setting(self, key: str, value: Optional[str]) -> None:
        """Keep a small text value in the store (``None`` removes it): e.g. an unfinished revision session."""
        with self._write() as conn:
            if value is None:
                conn.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO "
                             "UPDATE SET value = excluded.value", (key, str(value)))

    # -- reading
    @_recovering
    def setting(self, key: str) -> Optional[str]:
        with self._read() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def student_name(self) -> str:
        return self.setting("student_name") or ""

    @_recovering
    def store_id(self) -> str:
        with self._read() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = 'store_id'").fetchone()
        return row[0] if row else ""

    def anonymous_code(self) -> str:
        """A code that stands in for the name in anonymous exports (the same for every export of this store)."""
        if not self.path.exists():
            with self._write():  # create the store, so the code is its own and stays the same
                pass
        digest = hashlib.sha256(("sciatica-course:" + self.store_id()).encode()).hexdigest()
        return "anon-" + digest[:10]

    @_recovering
    def answers(self, item_id=None, lesson=None, topic=None) -> list:
        """Saved answers, oldest first, as dicts (the export fields)."""
        sql = ("SELECT uid, item_id, option_id, correct, confidence, seconds, at, lesson, topic, domain "
               "FROM answers")
        where, args = [], []
        for col, val in (("item_id", item_id), ("lesson", lesson), ("topic", topic)):
            if val is not None:
                where.append(f"{col} = ?")
                args.append(val)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY at, rowid"
        keys = ("uid", "item_id", "option_id", "correct", "confidence", "seconds", "at", "lesson", "topic",
                "domain")
        with self._read() as conn:
            rows = conn.execute(sql, args).fetchall()
        out = []
        for r in rows:
            d = dict(zip(keys, r))
            d["correct"] = bool(d["correct"])
            out.append(d)
        return out

    @_recovering
    def case_attempts(self, case_id=None) -> list:
        """Saved case attempts, oldest first (by finish time), as the attempt dicts."""
        sql = "SELECT data FROM case_attempts"
        args = []
        if case_id is not None:
            sql += " WHERE case_id = ?"
            args.append(case_id)
        sql += " ORDER BY finished_at, rowid"
        with self._read() as conn:
            return [json.loads(r[0]) for r in conn.execute(sql, args)]

    @_recovering
    def completed_lessons(self) -> dict:
        """lesson id -> when it was first marked complete."""
        with self._read() as conn:
            return dict(conn.execute("SELECT lesson_id, completed_at FROM lessons ORDER BY completed_at"))

    def is_lesson_complete(self, lesson_id: str) -> bool:
        return lesson_id in self.completed_lessons()

    @_recovering
    def counts(self) -> dict:
        with self._read() as conn:
            return {
                "answers": conn.execute("SELECT count(*) FROM answers").fetchone()[0],
                "case_attempts": conn.execute("SELECT count(*) FROM case_attempts").fetchone()[0],
                "lessons": conn.execute("SELECT count(*) FROM lessons").fetchone()[0],
            }

    @_recovering
    def schema_version(self) -> int:
        with self._read() as conn:
            return conn.execute("PRAGMA user_version").fetchone()[0]

    def integrity_check(self) -> list:
        """``PRAGMA integrity_check`` rows (``["ok"]`` when the file is sound)."""
        with self._read() as conn:
            return [r[0] for r in conn.execute("PRAGMA integrity_check")]

    def status(self) -> dict:
        """Where the store is and what it holds (for ``progress show`` and the dashboard). Looking does not
        create a store: with no file yet, the counts are zero."""
        if not self.path.exists():
            return {"path": str(self.path), "schema_version": None, "student": "", "answers": 0,
                    "case_attempts": 0, "lessons": 0, "lessons_completed": {}, "notices": notices()}
        counts = self.counts()
        return {"path": str(self.path), "schema_version": self.schema_version(), "student": self.student_name(),
                **counts, "lessons_completed": self.completed_lessons(), "notices": notices()}

    # -- export and import
    def export_data(self, anonymous: bool = False) -> dict:
        """Everything in the store as the export object (see contracts: format ``sciatica-course-progress``).
        With no name set, the export is anonymous: the student is the store's code."""
        name = "" if anonymous else self.student_name()
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": _now(),
            "student": name or self.anonymous_code(),
            "anonymous": not name,
            "answers": self.answers(),
            "case_attempts": self.case_attempts(),
            "lessons": [{"lesson_id": k, "completed_at": v} for k, v in self.completed_lessons().items()],
        }

    def export_progress(self, path, anonymous: bool = False) -> ExportResult:
        """Write the export file (atomically: a half-written file never replaces a good one)."""
        data = self.export_data(anonymous=anonymous)
        path = Path(path)
        if path.parent and not path.parent.exists():
            raise ProgressError(f"Cannot write {path}: the folder {path.parent} does not exist.")
        tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
        try:
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except OSError as e:
            try:
                tmp.unlink()
            except OSError:
                pass
            raise ProgressError(f"Cannot write {path}: {e.strerror or e}.") from None
        counts = {k: len(data[k]) for k in ("answers", "case_attempts", "lessons")}
        if anonymous:
            who = f"anonymously as {data['student']}"
        elif data["anonymous"]:
            who = (f"as {data['student']} (no name is set; to put your name on exports run "
                   "`sciatica-course progress name \"Your Name\"`)")
        else:
            who = f"for {data['student']}"
        msg = (f"Exported {_plural(counts['answers'], 'answer')}, {_plural(counts['case_attempts'], 'case attempt')}"
               f" and {_plural(counts['lessons'], 'completed lesson')} {who} to {path}.")
        return ExportResult(str(path), counts, data["anonymous"], data["student"], msg)

    @_recovering
    def import_data(self, data: dict, source: str = "the file") -> ImportResult:
        """Merge an export object into this store by uid (records already here are skipped)."""
        if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
            raise ProgressError(f"{source} is not a sciatica-course progress export "
                                f"(expected \"format\": \"{EXPORT_FORMAT}\").")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise ProgressError(f"{source}: version: expected a whole number >= 1, got {version!r}")
        if version > EXPORT_VERSION:
            raise ProgressError(f"{source} was exported by a newer version of the course (format version "
                                f"{version}; this version reads up to {EXPORT_VERSION}). Update the course.")
        problems, answers_in, attempts_in, lessons_in = [], [], [], []
        for key in ("answers", "case_attempts", "lessons"):
            if not isinstance(data.get(key, []), list):
                problems.append(f"{source}: {key}: expected a list")
        if problems:
            raise ProgressError("\n".join(problems))
        for i, rec in enumerate(data.get("answers", [])):
            try:
                answers_in.append(_check_answer(rec, f"answers[{i}]"))
            except ProgressError as e:
                problems.append(str(e))
        for i, rec in enumerate(data.get("case_attempts", [])):
            try:
                attempts_in.append(_check_attempt(rec, f"case_attempts[{i}]"))
            except ProgressError as e:
                problems.append(str(e))
        for i, rec in enumerate(data.get("lessons", [])):
            if not isinstance(rec, dict) or not isinstance(rec.get("lesson_id"), str) or not rec["lesson_id"]:
                problems.append(f"lessons[{i}].lesson_id: expected a lesson id")
                continue
            try:
                lessons_in.append((rec["lesson_id"], _norm_time(rec.get("completed_at"), f"lessons[{i}].completed_at")))
            except ProgressError as e:
                problems.append(str(e))
        if problems:
            shown = problems[:20] + ([f"... and {len(problems) - 20} more"] if len(problems) > 20 else [])
            raise ProgressError(f"{source} was not imported (nothing was changed):\n" + "\n".join(shown))
        added = {"answers": 0, "case_attempts": 0, "lessons": 0}
        with self._write() as conn:
            for rec in answers_in:
                added["answers"] += self._insert_answer(conn, rec)
            for rec in attempts_in:
                added["case_attempts"] += self._insert_attempt(conn, rec)
            for lesson_id, when in lessons_in:
                added["lessons"] += self._upsert_lesson(conn, lesson_id, when)
            student = data.get("student") if isinstance(data.get("student"), str) else ""
            if student and not data.get("anonymous"):
                row = conn.execute("SELECT value FROM settings WHERE key = 'student_name'").fetchone()
                if not row or not row[0]:
                    conn.execute("INSERT INTO settings (key, value) VALUES ('student_name', ?) ON CONFLICT (key) "
                                 "DO UPDATE SET value = excluded.value", (" ".join(student.split())[:200],))
        totals = {"answers": len(answers_in), "case_attempts": len(attempts_in), "lessons": len(lessons_in)}
        skipped = {k: totals[k] - added[k] for k in totals}
        msg = (f"Imported {_plural(added['answers'], 'answer')}, {_plural(added['case_attempts'], 'case attempt')}"
               f" and {_plural(added['lessons'], 'completed lesson')} from {source}")
        n_skip = sum(skipped.values())
        msg += f" ({_plural(n_skip, 'record')} already here, skipped)." if n_skip else "."
        return ImportResult(source, added, skipped, data.get("student") or "", msg)

    def import_progress(self, path) -> ImportResult:
        """Merge an export file into this store (no duplicates: records are matched by uid)."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ProgressError(f"{path}: no such file.") from None
        except (OSError, UnicodeDecodeError) as e:
            raise ProgressError(f"{path}: cannot be read ({e}).") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise ProgressError(f"{path}:{e.lineno}: not valid JSON ({e.msg}).") from None
        return self.import_data(data, source=str(path))


# ----------------------------------------------------------------------------------------- module API

def default_store() -> Store:
    """The course's store now (follows ``$SCIATICA_COURSE_HOME`` at call time)."""
    return Store()


def record_answer(item_id, option_id, correct, confidence=None, seconds=None, lesson=None, topic=None,
                  domain=None) -> str:
    """Save one quiz answer to the course's store; returns its uid. ``confidence``: 1 Guessing,
    2 Fairly sure, 3 Certain, or None."""
    return Store().record_answer(item_id, option_id, correct, confidence=confidence, seconds=seconds,
                                 lesson=lesson, topic=topic, domain=domain)


def record_case_attempt(attempt: dict) -> str:
    """Save a case attempt (``Session.to_attempt()``); returns its uid."""
    return Store().record_case_attempt(attempt)


def mark_lesson_complete(lesson_id: str) -> str:
    """Mark a lesson complete; returns when it was first completed."""
    return Store().mark_lesson_complete(lesson_id)


def is_lesson_complete(lesson_id: str) -> bool:
    return Store().is_lesson_complete(lesson_id)


def completed_lessons() -> dict:
    return Store().completed_lessons()


def answers(item_id=None, lesson=None, topic=None) -> list:
    return Store().answers(item_id=item_id, lesson=lesson, topic=topic)


def case_attempts(case_id=None) -> list:
    return Store().case_attempts(case_id=case_id)


def student_name() -> str:
    return Store().student_name()


def set_student_name(name: str) -> str:
    return Store().set_student_name(name)


def status() -> dict:
    return Store().status()


def export_progress(path, anonymous: bool = False) -> ExportResult:
    """Write the course's progress to a JSON file; ``anonymous=True`` replaces the name with a code."""
    return Store().export_progress(path, anonymous=anonymous)


def import_progress(path) -> ImportResult:
    """Merge a progress export into the course's store (no duplicates)."""
    return Store().import_progress(path)


def handin_dir() -> Optional[Path]:
    """The class's shared hand-in folder (``$SCIATICA_HANDIN_DIR``, set by the course's JupyterHub), or None."""
    value = os.environ.get("SCIATICA_HANDIN_DIR", "").strip()
    return Path(value) if value else None


def hand_in(folder=None, anonymous: bool = False) -> ExportResult:
    """Export your progress into the class's hand-in folder as ``<user>.json`` (replacing your earlier
    hand-in), where ``sciatica-course class-report`` reads it."""
    import re

    target = Path(folder) if folder is not None else handin_dir()
    if target is None:
        raise ProgressError("There is no hand-in folder here (SCIATICA_HANDIN_DIR is not set); "
                            "export your progress and send the file to your instructor instead.")
    store = Store()
    who = (os.environ.get("JUPYTERHUB_USER") or store.student_name() or "").strip()
    if anonymous or not who:
        who = store.export_data(anonymous=True)["student"]
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", who).strip("._") or "student"
    return store.export_progress(target / f"{safe}.json", anonymous=anonymous)


__all__ = [
    "ProgressError", "Store", "ImportResult", "ExportResult", "store_dir", "store_path", "default_store",
    "hand_in", "handin_dir",
    "record_answer", "record_case_attempt", "mark_lesson_complete", "is_lesson_complete", "completed_lessons",
    "answers", "case_attempts", "student_name", "set_student_name", "status", "export_progress",
    "import_progress", "notices", "CONFIDENCE_LABELS", "SCHEMA_VERSION",
]
