"""The progress store: where it lives, what it records, migration, damaged files, export and import."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from sciatica_course import progress
from sciatica_course.progress import ProgressError, Store

ATTEMPT = {
    "case_id": "acute_l5", "started_at": "2026-11-20T10:00:00+00:00", "finished_at": "2026-11-20T10:07:00Z",
    "exam_mode": False, "score": 4, "max_score": 10,
    "safety_flags": [{"step_id": "screen", "choice_id": "treat_anyway", "safety": "critical", "confidence": 3}],
    "steps": [{"step_id": "screen", "kind": "choice", "choice_ids": ["treat_anyway"], "safety": "critical",
               "points": 0, "confidence": 3}],
}


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "progress.sqlite3")


def test_default_store_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SCIATICA_COURSE_HOME", str(tmp_path / "home"))
    assert progress.store_path() == tmp_path / "home" / "progress.sqlite3"
    uid = progress.record_answer("q1", "a", True, confidence=2, seconds=4.5, lesson="l", topic="t", domain="A")
    assert (tmp_path / "home" / "progress.sqlite3").exists()
    [a] = progress.answers()
    assert a["uid"] == uid and a["correct"] is True and a["confidence"] == 2 and a["domain"] == "A"


def test_default_store_without_the_variable_is_the_user_data_dir(monkeypatch):
    import platformdirs

    monkeypatch.delenv("SCIATICA_COURSE_HOME")
    assert progress.store_dir() == __import__("pathlib").Path(
        platformdirs.user_data_dir("sciatica-course", appauthor=False))


def test_records_and_queries(store):
    u1 = store.record_answer("q1", "b", False, confidence=3)
    u2 = store.record_answer("q1", "a", True)
    assert [a["uid"] for a in store.answers(item_id="q1")] == [u1, u2]
    uid = store.record_case_attempt(dict(ATTEMPT))
    assert store.record_case_attempt(dict(ATTEMPT, uid=uid)) == uid  # the same attempt twice: one copy
    [att] = store.case_attempts()
    assert att["uid"] == uid and att["safety_flags"][0]["safety"] == "critical"
    assert att["finished_at"] == "2026-11-20T10:07:00.000000+00:00"
    first = store.mark_lesson_complete("root_levels")
    assert store.mark_lesson_complete("root_levels") == first
    assert store.is_lesson_complete("root_levels") and not store.is_lesson_complete("revision")
    assert store.counts() == {"answers": 2, "case_attempts": 1, "lessons": 1}


def test_store_is_wal_and_versioned(store):
    store.record_answer("q", "a", True)
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == progress.SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == progress.APPLICATION_ID
    conn.close()


@pytest.mark.parametrize("kw, field", [
    (dict(item_id="", option_id="a", correct=True), "item_id"),
    (dict(item_id="q", option_id="a", correct="yes"), "correct"),
    (dict(item_id="q", option_id="a", correct=True, confidence=5), "confidence"),
    (dict(item_id="q", option_id="a", correct=True, seconds=-1), "seconds"),
])
def test_bad_answers_are_refused_with_the_field_named(store, kw, field):
    with pytest.raises(ProgressError, match=field):
        store.record_answer(**kw)
    assert store.counts()["answers"] == 0


def test_a_failed_transaction_leaves_nothing(store):
    with pytest.raises(RuntimeError):
        with store._write() as conn:
            store._insert_answer(conn, progress._check_answer(
                {"uid": "u1", "item_id": "q", "option_id": "a", "correct": True, "at": progress._now()}, "a"))
            raise RuntimeError("boom")
    assert store.counts()["answers"] == 0


def test_migration_from_version_1_keeps_the_data(tmp_path):
    path = progress.create_version1_store(tmp_path / "old.sqlite3")
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO answers (uid, item_id, option_id, correct, confidence, seconds, at) "
                 "VALUES ('u1', 'q1', 'a', 1, 2, 3.0, '2026-01-01T00:00:00.000000+00:00')")
    conn.execute("INSERT INTO lessons VALUES ('start_here', '2026-01-01T00:00:00.000000+00:00')")
    conn.execute("INSERT INTO settings VALUES ('student_name', 'Robin')")
    conn.commit()
    conn.close()
    store = Store(path)
    assert store.schema_version() == 2
    [a] = store.answers()
    assert a["uid"] == "u1" and a["lesson"] is None
    assert store.completed_lessons() == {"start_here": "2026-01-01T00:00:00.000000+00:00"}
    assert store.student_name() == "Robin"
    store.record_case_attempt(dict(ATTEMPT))  # the new table works
    store.record_answer("q2", "b", False, lesson="x", topic="t", domain="B")
    assert store.integrity_check() == ["ok"]


def test_a_newer_store_is_left_alone(tmp_path):
    path = progress.create_version1_store(tmp_path / "new.sqlite3")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(ProgressError, match="newer version"):
        Store(path).counts()
    assert path.exists() and not list(tmp_path.glob("*.corrupt-*"))


@pytest.mark.parametrize("content, tag", [
    (b"this is not a database at all\n" * 50, "corrupt"),
    (b"SQLite format 3\x00" + b"\xff" * 4000, "corrupt"),
])
def test_corrupt_file_is_moved_aside_and_kept(tmp_path, content, tag):
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(content)
    store = Store(path)
    uid = store.record_answer("q1", "a", True)
    kept = list(tmp_path.glob(f"progress.sqlite3.{tag}-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == content  # kept, byte for byte
    assert [a["uid"] for a in store.answers()] == [uid]          # a fresh store started
    assert any(kept[0].name in n and "could not be used" in n for n in progress.notices())


def test_foreign_sqlite_file_is_moved_aside(tmp_path):
    path = tmp_path / "progress.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('soup')")
    conn.commit()
    conn.close()
    store = Store(path)
    assert store.counts() == {"answers": 0, "case_attempts": 0, "lessons": 0}
    [kept] = list(tmp_path.glob("progress.sqlite3.foreign-*"))
    assert sqlite3.connect(kept).execute("SELECT name FROM recipes").fetchall() == [("soup",)]
    assert "does not belong to the sciatica course" in progress.notices()[-1]


def test_file_damaged_between_sessions_is_moved_aside(tmp_path):
    store = Store(tmp_path / "progress.sqlite3")
    store.record_answer("q1", "a", True)
    progress.close_connections()          # the kernel stops ...
    with open(store.path, "r+b") as fh:   # ... something else overwrites the file ...
        fh.write(b"garbage!" * 64)
    store.record_answer("q2", "a", True)  # ... and the next session starts afresh, keeping the old file
    assert [a["item_id"] for a in store.answers()] == ["q2"]
    assert list(tmp_path.glob("progress.sqlite3.corrupt-*"))


def _fill(store):
    store.set_student_name("Sam Okafor")
    store.record_answer("q1", "a", True, confidence=3, seconds=2.0, lesson="root_levels", topic="t", domain="A")
    store.record_answer("q2", "c", False, confidence=1, lesson="red_flags_and_referral", topic="r", domain="D")
    store.record_case_attempt(dict(ATTEMPT))
    store.mark_lesson_complete("start_here")


def test_export_import_round_trip_without_duplicates(tmp_path):
    a = Store(tmp_path / "a" / "progress.sqlite3")
    _fill(a)
    out = tmp_path / "export.json"
    res = a.export_progress(out)
    data = json.loads(out.read_text())
    assert data["format"] == "sciatica-course-progress" and data["version"] == 1
    assert data["student"] == "Sam Okafor" and data["anonymous"] is False
    assert set(data["answers"][0]) == {"uid", "item_id", "option_id", "correct", "confidence", "seconds", "at",
                                       "lesson", "topic", "domain"}
    assert data["lessons"] == [{"lesson_id": "start_here", "completed_at": data["lessons"][0]["completed_at"]}]
    assert res.counts == {"answers": 2, "case_attempts": 1, "lessons": 1}

    b = Store(tmp_path / "b" / "progress.sqlite3")
    b.record_answer("q9", "a", True)                      # b has its own history too
    r1 = b.import_progress(out)
    assert r1.added == {"answers": 2, "case_attempts": 1, "lessons": 1}
    r2 = b.import_progress(out)                           # importing again adds nothing
    assert r2.added == {"answers": 0, "case_attempts": 0, "lessons": 0} and "skipped" in r2.message
    assert b.counts() == {"answers": 3, "case_attempts": 1, "lessons": 1}
    assert b.student_name() == "Sam Okafor"               # adopted, as b had no name
    assert {x["uid"] for x in a.answers()} <= {x["uid"] for x in b.answers()}
    assert b.case_attempts() == a.case_attempts()
    # and back: a gains b's own answer, still without duplicates
    b.export_progress(tmp_path / "back.json")
    a.import_progress(tmp_path / "back.json")
    assert a.counts() == b.counts()


def test_anonymous_export_replaces_the_name_with_a_code(tmp_path):
    a = Store(tmp_path / "progress.sqlite3")
    _fill(a)
    out = tmp_path / "anon.json"
    a.export_progress(out, anonymous=True)
    text = out.read_text()
    data = json.loads(text)
    assert "Sam" not in text and "Okafor" not in text
    assert data["anonymous"] is True and data["student"].startswith("anon-")
    assert data["student"] == a.anonymous_code()          # the same code every time for this store
    b = Store(tmp_path / "b.sqlite3")
    b.import_progress(out)
    assert b.student_name() == ""                         # a code is not adopted as a name


@pytest.mark.parametrize("payload, message", [
    ("not json", "not valid JSON"),
    (json.dumps({"format": "something-else"}), "not a sciatica-course progress export"),
    (json.dumps({"format": "sciatica-course-progress", "version": 7}), "newer version"),
    (json.dumps({"format": "sciatica-course-progress", "version": 1,
                 "answers": [{"uid": "u", "item_id": "q", "option_id": "a", "correct": True, "at": "yesterday"}]}),
     r"answers\[0\]\.at"),
])
def test_bad_import_files_change_nothing(tmp_path, payload, message):
    f = tmp_path / "in.json"
    f.write_text(payload)
    store = Store(tmp_path / "progress.sqlite3")
    with pytest.raises(ProgressError, match=message):
        store.import_progress(f)
    assert store.counts() == {"answers": 0, "case_attempts": 0, "lessons": 0}


def test_cli_export_import_and_show(tmp_path):
    env = dict(os.environ, SCIATICA_COURSE_HOME=str(tmp_path / "one"))
    _fill(Store(tmp_path / "one" / "progress.sqlite3"))
    cli = [sys.executable, "-m", "sciatica_course"]
    out = tmp_path / "p.json"
    r = subprocess.run(cli + ["progress", "export", "-o", str(out), "--anonymous"], env=env, capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    assert "anon-" in r.stdout and json.loads(out.read_text())["anonymous"] is True
    env2 = dict(os.environ, SCIATICA_COURSE_HOME=str(tmp_path / "two"))
    r = subprocess.run(cli + ["progress", "import", str(out)], env=env2, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "Imported 2 answers" in r.stdout
    r = subprocess.run(cli + ["progress", "show"], env=env2, capture_output=True, text=True)
    assert r.returncode == 0 and "2 answers" in r.stdout and str(tmp_path / "two") in r.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    r = subprocess.run(cli + ["progress", "import", str(bad)], env=env2, capture_output=True, text=True)
    assert r.returncode == 1 and "not valid JSON" in r.stderr and "Traceback" not in r.stderr


def test_export_without_a_name_uses_the_code(tmp_path):
    a = Store(tmp_path / "progress.sqlite3")
    a.record_answer("q1", "a", True)
    res = a.export_progress(tmp_path / "e.json")
    data = json.loads((tmp_path / "e.json").read_text())
    assert data["student"] == a.anonymous_code() and data["anonymous"] is True and "no name is set" in res.message


def test_exports_are_readable_by_the_class_report(tmp_path):
    classreport = pytest.importorskip("sciatica_course.classreport")
    a = Store(tmp_path / "progress.sqlite3")
    _fill(a)
    for anonymous in (False, True):
        a.export_progress(tmp_path / "e.json", anonymous=anonymous)
        student, attempts = classreport.check_export(json.loads((tmp_path / "e.json").read_text()))
        assert student == ("anon-" + student[5:] if anonymous else "Sam Okafor") and len(attempts) == 1


def test_reading_does_not_create_a_store(tmp_path):
    store = Store(tmp_path / "none" / "progress.sqlite3")
    assert store.answers() == [] and store.completed_lessons() == {} and store.counts()["answers"] == 0
    assert store.student_name() == "" and store.schema_version() == progress.SCHEMA_VERSION
    assert not (tmp_path / "none").exists()
    store.record_answer("q", "a", True)
    assert store.path.exists() and len(store.answers()) == 1


def test_anonymous_codes_differ_between_stores(tmp_path):
    a, b = Store(tmp_path / "a.sqlite3"), Store(tmp_path / "b.sqlite3")
    assert a.anonymous_code() != b.anonymous_code() and a.anonymous_code() == a.anonymous_code()
