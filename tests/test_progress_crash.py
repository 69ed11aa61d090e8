"""Nothing committed is ever lost: a writer killed with SIGKILL at random points, and writers racing.

The writer reports each record's uid to a side file only AFTER the store's write call has returned (that is,
after COMMIT). After every kill the file must pass ``PRAGMA integrity_check`` and hold every reported record.
"""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")

KILLS = 60
WRITER = r"""
import os, random, sys
from sciatica_course.progress import Store

store = Store(sys.argv[1])
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
rnd = random.Random(int(sys.argv[3]))
limit = int(sys.argv[4])
tag = sys.argv[3]
store.counts()                      # opens (and on the first run creates and migrates) the store
os.write(fd, b"ready\n")
i = 0
while limit < 0 or i < limit:
    k = rnd.random()
    if k < 0.6:
        uid = store.record_answer(f"item_{i % 37}", rnd.choice("abcd"), rnd.random() < 0.7,
                                  confidence=rnd.choice([None, 1, 2, 3]), seconds=round(rnd.random() * 30, 1),
                                  lesson="root_levels", topic="dermatomes", domain="A")
        kind = "answer"
    elif k < 0.9:
        steps = [{"step_id": f"s{j}", "kind": "choice", "choice_ids": ["x" * rnd.randint(1, 400)],
                  "safety": rnd.choice(["safe", "suboptimal", "unsafe", "critical"]), "points": 1,
                  "confidence": None} for j in range(rnd.randint(1, 30))]
        uid = store.record_case_attempt({"case_id": f"case_{i % 5}", "started_at": None, "exam_mode": False,
                                         "score": 3, "max_score": 5, "safety_flags": [], "steps": steps})
        kind = "attempt"
    else:
        uid = f"lesson_{tag}_{i}"
        store.mark_lesson_complete(uid)
        kind = "lesson"
    os.write(fd, f"{kind} {uid}\n".encode())    # only after the write call returned: committed
    i += 1
"""


def _writer(db: Path, side: Path, seed: int, limit: int = -1) -> subprocess.Popen:
    env = dict(os.environ)
    return subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(side), str(seed), str(limit)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _fork_writer(db: Path, side: Path, seed: int, limit: int = -1) -> int:
    """The same writer in a forked child process (no interpreter start-up, so many kills fit in seconds)."""
    pid = os.fork()
    if pid == 0:  # the child: write until killed; never return into pytest
        code = 0
        try:
            sys.argv = ["writer", str(db), str(side), str(seed), str(limit)]
            exec(compile(WRITER, "writer", "exec"), {"__name__": "writer"})
        except BaseException as e:  # noqa: BLE001 - reported to the parent through the side file
            fd = os.open(str(side), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            os.write(fd, f"error {type(e).__name__}:{e}\n".replace(" ", "_", 1).encode())
            code = 1
        finally:
            os._exit(code)
    return pid


def _reported(side: Path) -> dict:
    out = {"answer": set(), "attempt": set(), "lesson": set()}
    if not side.exists():
        return out
    for line in side.read_text().splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in out:
            out[parts[0]].add(parts[1])
    return out


def _stored(db: Path) -> tuple[list, dict]:
    conn = sqlite3.connect(db)  # plain sqlite3: look at the file as it is, change nothing
    try:
        check = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        # (a store killed before it was created or migrated may lack a table; nothing was reported for it)
        stored = {
            kind: {r[0] for r in conn.execute(f"SELECT {col} FROM {table}")} if table in tables else set()
            for kind, table, col in (("answer", "answers", "uid"), ("attempt", "case_attempts", "uid"),
                                     ("lesson", "lessons", "lesson_id"))
        }
    finally:
        conn.close()
    return check, stored


def _lines(side: Path) -> int:
    return side.read_text().count("\n") if side.exists() else 0


def _wait_lines(side: Path, pid: int, n: int, timeout=60.0):
    """Wait until the side file has at least ``n`` lines (the writer is running and committing)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if _lines(side) >= n:
            return
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            raise AssertionError("writer died: " + side.read_text()[-500:])
        time.sleep(0.002)
    raise AssertionError("the writer did not get going")


def test_sigkill_at_random_points_loses_nothing(tmp_path):
    db = tmp_path / "progress.sqlite3"
    side = tmp_path / "committed.txt"
    rnd = random.Random(20261121)
    t0 = time.monotonic()
    kills = 0
    lost_total = 0
    for k in range(KILLS):
        before = _lines(side)
        pid = _fork_writer(db, side, seed=k)
        if k % 10 == 3:
            # sometimes kill during start-up: opening and checking the store
            time.sleep(rnd.uniform(0.0, 0.02))
        else:
            # after a random number of commits (1 to 6, after the ready line), then a fraction of a write
            _wait_lines(side, pid, before + 1 + rnd.randint(1, 6))
            time.sleep(rnd.uniform(0.0, 0.004))
        done, _status = os.waitpid(pid, os.WNOHANG)
        if not done:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            kills += 1
        assert "error" not in side.read_text(), side.read_text()[-500:]
        if not db.exists():
            continue
        check, stored = _stored(db)
        assert check == ["ok"], f"after kill {k}: integrity_check {check}"
        reported = _reported(side)
        lost = {kind: reported[kind] - stored[kind] for kind in reported}
        lost_total = sum(len(v) for v in lost.values())
        assert lost_total == 0, f"after kill {k}: committed records missing: {lost}"
    reported = _reported(side)
    checked = sum(len(v) for v in reported.values())
    # nothing was moved aside as corrupt, and the store still opens and takes writes through the package
    assert not list(tmp_path.glob("progress.sqlite3.*-2*")), "the store was moved aside"
    from sciatica_course.progress import Store

    store = Store(db)
    assert store.schema_version() == 2
    store.record_answer("after_crash", "a", True)
    assert store.integrity_check() == ["ok"]
    elapsed = time.monotonic() - t0
    print(f"\ncrash test: {kills} SIGKILLs, {checked} committed records checked "
          f"({len(reported['answer'])} answers, {len(reported['attempt'])} case attempts, "
          f"{len(reported['lesson'])} lessons), {lost_total} lost, {elapsed:.1f} s")
    assert kills >= 50
    assert checked >= 2 * KILLS, "too few records were written for the test to mean much"


def test_two_writers_at_once_lose_nothing(tmp_path):
    db = tmp_path / "progress.sqlite3"
    sides = [tmp_path / f"side{i}.txt" for i in range(3)]
    n = 150
    procs = [_writer(db, sides[i], seed=1000 + i, limit=n) for i in range(3)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    check, stored = _stored(db)
    assert check == ["ok"]
    total = 0
    for side in sides:
        rep = _reported(side)
        total += sum(len(v) for v in rep.values())
        for kind in rep:
            assert rep[kind] <= stored[kind]
    assert total == 3 * n
    assert sum(len(v) for v in stored.values()) == 3 * n


def test_sigkill_while_creating_or_migrating_a_store(tmp_path):
    """Kills during start-up, on fresh files and on version-1 files being migrated: the file must stay sound,
    keep its old records, and open as the current version afterwards (never moved aside)."""
    from sciatica_course import progress

    rnd = random.Random(7)
    kills = 0
    for k in range(12):
        db = tmp_path / f"s{k}" / "progress.sqlite3"
        side = tmp_path / f"s{k}" / "side.txt"
        if k % 2:
            progress.create_version1_store(db)
            conn = sqlite3.connect(db)
            conn.execute("INSERT INTO answers (uid, item_id, option_id, correct, at) VALUES "
                         "('old', 'q', 'a', 1, '2026-01-01T00:00:00.000000+00:00')")
            conn.commit()
            conn.close()
        proc = _writer(db, side, seed=500 + k)
        time.sleep(rnd.uniform(0.05, 0.3))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        proc.stderr.close()
        if db.exists():
            check, stored = _stored(db)
            assert check == ["ok"]
            rep = _reported(side)
            assert all(rep[kind] <= stored[kind] for kind in rep)
        store = progress.Store(db)
        assert store.schema_version() == progress.SCHEMA_VERSION
        if k % 2:
            assert "old" in {a["uid"] for a in store.answers()}
        assert not list(db.parent.glob("progress.sqlite3.*-2*"))
    print(f"\ncrash test (creation/migration): {kills} SIGKILLs during start-up of 12 writers, every store sound")
    assert kills >= 8
