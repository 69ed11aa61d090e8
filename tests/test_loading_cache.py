"""``load_course()`` is called a hundred times or more in a lesson (every citation, quiz and widget asks for the
course), so a repeat call is cheap - yet it never serves a course for data that changed: an instructor's edit, a new
case file, a removed one are all seen by the very next call."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from sciatica_course import DataError, load_course, loading, text
from test_loading import make_minimal

ROOT = Path(__file__).resolve().parents[1]


def _later(path: Path) -> None:
    """Move a file's modification time on (a file system's clock may not tick between two quick writes)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_every_change_to_the_data_is_seen_by_the_next_call(tmp_path):
    data = make_minimal(tmp_path)
    a = load_course(data)
    assert load_course(data) is a and load_course(str(data)) is a

    # a new case file in cases/ (broken here, so the error names it)
    case = data / "cases" / "new_case.yaml"
    case.write_text("id: [unclosed\n")
    with pytest.raises(DataError, match="new_case.yaml"):
        load_course(data)
    case.unlink()                                      # ... and removed again: the course as it was
    assert load_course(data) is a

    # an edit that keeps the file's size (only its time tells)
    domains = data / "exam_domains.yaml"
    assert domains.read_text() == "[]\n"
    domains.write_text("{]\n")
    _later(domains)
    with pytest.raises(DataError, match="exam_domains.yaml"):
        load_course(data)

    # a removed file
    domains.write_text("[]\n")
    _later(domains)
    assert load_course(data).summary() == a.summary()
    (data / "roots.yaml").unlink()
    with pytest.raises(DataError, match="roots.yaml"):
        load_course(data)


def test_the_stamp_lists_every_file_the_loader_reads():
    data = ROOT / "data"
    stamped = [Path(f) for f, _mtime, _size in loading._stamp(data)]
    read = sorted([*data.glob("*.yaml"), *(data / "cases").glob("*.yaml")])
    assert sorted(stamped) == read and len(set(stamped)) == len(stamped)
    assert loading._stamp(tmp := data / "no such folder") == () and not tmp.exists()


def test_a_citation_looks_the_course_up_once(monkeypatch):
    course = load_course()
    keys = [k for r in course.red_flags for k in r.sources]
    calls = []

    def counting(*a, **kw):
        calls.append(a)
        return course

    monkeypatch.setattr(loading, "load_course", counting)
    assert text.cite(keys) == text.cite(keys, course)
    assert len(calls) == 1
    assert text.cite([]) == "" and len(calls) == 1
