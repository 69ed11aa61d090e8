"""The loader refuses bad data with file:line: field: message, reports every problem at once, and loads nothing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sciatica_course import DataError, load_course
from sciatica_course.loading import MAX_FILE_BYTES, validate
from sciatica_course.model import COLLECTIONS

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = sorted(p.name for p in (FIXTURES / "broken").iterdir() if p.is_dir())


def make_minimal(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for spec in COLLECTIONS.values():
        if spec.is_folder:
            (data / spec.path).mkdir()
        else:
            (data / spec.path).write_text("[]\n")
    for f in (FIXTURES / "minimal").iterdir():
        shutil.copy(f, data / f.name)
    return data


def test_minimal_folder_is_valid(tmp_path):
    course = load_course(make_minimal(tmp_path))
    assert len(course.sources) == 1 and len(course.lessons) == 1


@pytest.mark.parametrize("kind", BROKEN)
def test_broken_fixture_reports_exact_file_line_field(tmp_path, kind):
    data = make_minimal(tmp_path)
    folder = FIXTURES / "broken" / kind
    for f in folder.glob("*.yaml"):
        shutil.copy(f, data / f.name)
    expected = [f"{data}/{line}" for line in (folder / "expected.txt").read_text().splitlines() if line.strip()]
    problems = [str(p) for p in validate(data)]
    assert problems == expected
    with pytest.raises(DataError) as err:
        load_course(data)
    assert len(err.value.problems) == len(expected)
    assert "nothing was loaded" in str(err.value)


def test_every_kind_of_problem_has_a_fixture():
    assert len(BROKEN) >= 15


def test_python_tag_is_never_executed(tmp_path, capfd):
    data = make_minimal(tmp_path)
    marker = tmp_path / "pwned"
    (data / "exam_domains.yaml").write_text(
        f"- id: x\n  code: A\n  name: !!python/object/apply:os.system ['touch {marker}']\n"
        "  weight_percent: 1\n  course_relevance: r\n  sources: [sheet]\n")
    assert validate(data)
    assert not marker.exists()


def test_file_over_size_limit_is_refused(tmp_path):
    data = make_minimal(tmp_path)
    big = data / "claims.yaml"
    big.write_text("# " + "x" * (MAX_FILE_BYTES + 10) + "\n[]\n")
    problems = validate(data)
    assert [(Path(p.file).name, p.field) for p in problems] == [("claims.yaml", "(file)")]
    assert "limit" in problems[0].message


def test_alias_bomb_is_refused(tmp_path):
    data = make_minimal(tmp_path)
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    (data / "claims.yaml").write_text("\n".join(lines) + "\n")
    problems = validate(data)
    assert problems and "values" in problems[0].message


def test_missing_file_is_reported(tmp_path):
    data = make_minimal(tmp_path)
    (data / "roots.yaml").unlink()
    assert [str(p) for p in validate(data)] == [f"{data}/roots.yaml:0: (file): file not found"]


def test_missing_folder(tmp_path):
    with pytest.raises(DataError) as err:
        load_course(tmp_path / "nowhere")
    assert "no such data folder" in str(err.value)


def test_course_is_immutable(course):
    with pytest.raises(Exception):
        course.sources = ()
    with pytest.raises(Exception):
        course.sources[0].citation = "changed"
    with pytest.raises(AttributeError):
        course.sources._name = "other"


def test_collection_lookup(course):
    first = course.sources[0]
    assert course.sources[first.id] is first
    assert first.id in course.sources
    with pytest.raises(KeyError, match="no record with id"):
        course.sources["not_a_source"]


def test_load_is_cached_and_reloads_on_change(tmp_path):
    data = make_minimal(tmp_path)
    a = load_course(data)
    assert load_course(data) is a
    (data / "exam_domains.yaml").write_text(
        "- id: mblex_a\n  code: A\n  name: Anatomy\n  weight_percent: 11\n  course_relevance: r\n  sources: [sheet]\n")
    b = load_course(data)
    assert b is not a and len(b.exam_domains) == 1


def test_uses_safe_loading_only():
    src = (Path(__file__).parents[1] / "sciatica_course").rglob("*.py")
    for path in src:
        text = path.read_text()
        for bad in ("yaml.load(", "yaml.unsafe_load", "yaml.full_load", "UnsafeLoader", "yaml.Loader"):
            assert bad not in text, f"{path}: {bad}"
