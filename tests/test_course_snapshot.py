"""The validated course kept between kernels (sciatica_course/snapshot.py): read back only for the same data and
code, never for broken data, never from a file that is not the user's own; a lesson's first run then skips parsing."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sciatica_course import loading, snapshot

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SCIATICA_COURSE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv(snapshot.VARIABLE, raising=False)
    loading._load_cached.cache_clear()
    yield tmp_path / "home"
    loading._load_cached.cache_clear()


@pytest.fixture
def data(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(ROOT / "data", d)
    return d


def _stamp(d):
    return loading._stamp(Path(d))


def test_a_loaded_course_is_kept_and_read_back_equal(home, data):
    parsed = loading.load_course(data)
    files = list((home / "course-cache").glob("*.pickle"))
    assert len(files) == 1
    again = snapshot.read(str(data), _stamp(data))
    assert again is not None and again is not parsed
    assert again == parsed and again.fingerprint == parsed.fingerprint
    assert again.quizzes[parsed.quizzes[0].id] == parsed.quizzes[0]      # lookup by id rebuilt


def test_a_fresh_process_uses_it_without_parsing(home, data):
    loading.load_course(data)
    code = ("from sciatica_course import loading\n"
            "loading._Loader.load = lambda self: 1 / 0      # parsing would fail loudly\n"
            f"print(len(loading.load_course({str(data)!r}).quizzes))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "SCIATICA_COURSE_HOME": str(home)})
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout) == len(loading.load_course(data).quizzes)


def test_an_edit_to_the_data_is_loaded_not_the_kept_course(home, data):
    before = loading.load_course(data)
    path = data / "lessons.yaml"
    path.write_text(path.read_text().replace("minutes: 15", "minutes: 16", 1))
    loading._load_cached.cache_clear()
    after = loading.load_course(data)
    assert after.fingerprint != before.fingerprint and after != before
    assert snapshot.key(str(data), _stamp(data)) != snapshot.key(str(ROOT / "data"), _stamp(ROOT / "data"))


def test_broken_data_is_never_kept_and_always_reported(home, data):
    path = data / "lessons.yaml"
    path.write_text(path.read_text() + "\n  - nonsense: [\n")
    for _ in range(2):
        loading._load_cached.cache_clear()
        with pytest.raises(loading.DataError):
            loading.load_course(data)
    assert not list((home / "course-cache").glob("*.pickle"))


def test_a_foreign_or_broken_file_is_ignored(home, data):
    loading.load_course(data)
    path = next((home / "course-cache").glob("*.pickle"))
    path.chmod(0o666)                                   # writable by others: not trusted
    assert snapshot.read(str(data), _stamp(data)) is None
    path.chmod(0o600)
    assert snapshot.read(str(data), _stamp(data)) is not None
    path.write_bytes(b"not a pickle")
    assert snapshot.read(str(data), _stamp(data)) is None
    loading._load_cached.cache_clear()
    assert loading.load_course(data).quizzes            # parsed again (and kept again)
    assert snapshot.read(str(data), _stamp(data)) is not None


def test_switched_off(home, data, monkeypatch):
    monkeypatch.setenv(snapshot.VARIABLE, "off")
    loading.load_course(data)
    assert not (home / "course-cache").exists()


def test_only_a_few_are_kept(home, data, monkeypatch):
    monkeypatch.setattr(snapshot, "KEEP", 2)
    path = data / "lessons.yaml"
    text = path.read_text()
    for minutes in (16, 17, 18):
        path.write_text(text.replace("minutes: 15", f"minutes: {minutes}", 1))
        loading._load_cached.cache_clear()
        loading.load_course(data)
    assert len(list((home / "course-cache").glob("*.pickle"))) == 2
