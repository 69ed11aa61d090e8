"""Every record of the real data: an id, sources that resolve, ids unique (parametrized per record)."""
from __future__ import annotations

import re

import pytest

from sciatica_course import load_course
from sciatica_course.model import COLLECTIONS

COURSE = load_course()
RECORDS = [(name, rec) for name in COLLECTIONS for rec in getattr(COURSE, name)]


@pytest.mark.parametrize("name,rec", RECORDS, ids=[f"{n}:{r.id}" for n, r in RECORDS])
def test_record_has_id_and_resolvable_sources(name, rec):
    assert re.fullmatch(r"[a-z][a-z0-9_]*", rec.id)
    assert rec.sources, f"{name}:{rec.id} has no sources"
    for key in rec.sources:
        assert key in COURSE.sources, f"{name}:{rec.id} cites unknown source {key}"


@pytest.mark.parametrize("name", list(COLLECTIONS))
def test_ids_unique(name):
    ids = [r.id for r in getattr(COURSE, name)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("src", list(COURSE.sources), ids=lambda s: s.id)
def test_source_names_a_citation(src):
    assert len(src.citation) > 10
    for fid in src.fact_ids:
        assert re.fullmatch(r"[A-Z]+-\d+[a-z]?", fid)


def test_fact_ids_exist_on_the_evidence_sheet():
    from pathlib import Path
    sheet = Path(__file__).parents[2] / "shared" / "reference" / "clinical_facts.md"
    if not sheet.exists():
        pytest.skip("the evidence sheet is not beside the repository")
    text = sheet.read_text()
    missing = {f for s in COURSE.sources for f in s.fact_ids if f"| {f} |" not in text}
    assert not missing


def test_lessons_numbered_and_linked():
    numbers = [l.number for l in COURSE.lessons if not l.instructor]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def test_every_quiz_option_explained():
    for q in COURSE.quizzes:
        assert sum(o.correct for o in q.options) == 1, q.id
        assert all(len(o.explanation) > 10 for o in q.options), q.id
