"""The treatment data: the technique matrix keeps the safety rules of the architecture; syntheses are labelled."""
from __future__ import annotations

import pytest

from sciatica_course import load_course

COURSE = load_course()
ARCH_IDS = {"effleurage", "petrissage", "broad_compression", "deep_tissue", "trigger_point_pressure",
            "myofascial_release", "cross_fibre_friction", "stripping", "passive_movement", "contract_relax",
            "nerve_slider", "nerve_tensioner", "static_stretch", "rocking"}
HIGH_EXCLUDED = {"deep_tissue", "cross_fibre_friction", "stripping", "trigger_point_pressure",
                 "contract_relax", "nerve_tensioner", "static_stretch"}


def test_the_fourteen_technique_ids():
    assert set(COURSE.techniques.ids) == ARCH_IDS


@pytest.mark.parametrize("tid", sorted(HIGH_EXCLUDED))
def test_high_irritability_excludes_provocative_techniques_in_the_data(tid):
    s = COURSE.techniques[tid].suitability.high
    assert s.fit == "no" and s.why


@pytest.mark.parametrize("t", list(COURSE.techniques), ids=lambda t: t.id)
def test_fit_never_loosens_as_irritability_rises(t):
    rank = {"no": 0, "modified": 1, "yes": 2}
    fits = [getattr(t.suitability, lv).fit for lv in ("low", "moderate", "high")]
    assert rank[fits[0]] >= rank[fits[1]] >= rank[fits[2]], fits
    assert t.basis == "consensus"


def test_irritability_is_labelled_a_teaching_synthesis():
    levels = [r for r in COURSE.irritability if r.kind == "level"]
    assert {r.level for r in levels} == {"low", "moderate", "high"}
    assert all(r.basis == "consensus" and "irritability_synthesis" in r.sources for r in levels)
    assert any(r.id == "stop_peripheralising" and r.when is None for r in COURSE.irritability)


def test_stretches_that_tension_the_nerve_never_suit_high_irritability():
    for s in COURSE.stretches:
        if s.neural_tension:
            assert "high" not in s.suits, s.id
    lean = COURSE.stretches["long_sitting_hamstring_lean"]
    assert lean.neural_tension and lean.suits == ("low",) and "slump" in lean.why_not_otherwise


@pytest.mark.parametrize("lesson", ["irritability", "contraindications", "technique_selection"])
def test_at_least_six_quiz_items_per_lesson(lesson):
    items = COURSE.quizzes.where(lesson=lesson)
    assert len(items) >= 6
    for q in items:
        assert all(o.explanation.strip() for o in q.options)


def test_claims_of_the_seeds_have_verdicts_and_sources():
    mine = [c for c in COURSE.claims if not c.id.startswith("anat_")]
    assert len(mine) >= 15
    assert {c.verdict for c in mine} == {"supported", "overstated", "unsupported"}
