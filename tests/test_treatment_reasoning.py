"""The treatment half of recommend on hand-picked presentations, classify, and explain."""
from __future__ import annotations

import pytest

from sciatica_course import load_course
from sciatica_course.reasoning import PresentationError, explain, recommend
from sciatica_course.reasoning.treatment import classify, classify_irritability, condition_holds

COURSE = load_course()
HIGH_EXCLUDED = {"deep_tissue", "cross_fibre_friction", "stripping", "trigger_point_pressure",
                 "contract_relax", "nerve_tensioner", "static_stretch"}


def rec(**f):
    return recommend(f, course=COURSE)


def test_architecture_example_is_high_and_avoids_provocative_work():
    r = rec(pain_score=7, night_pain=True, symptoms_below_knee=True)
    assert r.treat_today and r.irritability == "high"
    assert set(r.irritability_indicators) == {"irr_high_pain", "irr_high_night_pain"}
    assert not HIGH_EXCLUDED & set(r.techniques)
    assert r.position in ("side_lying", "semi_reclined")
    assert "long_sitting_hamstring_lean" not in r.self_care
    assert all(r.avoided[t].startswith("High irritability") for t in HIGH_EXCLUDED)


@pytest.mark.parametrize("findings, level", [
    ({}, "low"),
    ({"pain_score": 2, "settle_time_minutes": 5}, "low"),
    ({"pain_score": 4}, "moderate"),
    ({"settle_time_minutes": 30}, "moderate"),
    ({"symptoms_below_knee": True}, "moderate"),
    ({"numbness": True}, "moderate"),
    ({"symptoms_below_knee": True, "numbness": True}, "high"),
    ({"pain_score": 7}, "high"),
    ({"pain_at_rest": True}, "high"),
    ({"provoked_by_minimal_activity": True}, "high"),
    ({"settle_time_minutes": 120}, "high"),
    ({"night_pain": True, "pain_score": 1}, "high"),
])
def test_levels(findings, level):
    assert classify_irritability(findings, COURSE).level == level


def test_deciding_indicators_are_the_ones_at_the_final_level():
    res = classify({"pain_score": 8, "numbness": True, "settle_time_minutes": 30}, COURSE)
    assert res.level == "high" and res.deciding == ("irr_high_pain",)
    assert {"irr_mod_pain", "irr_mod_numbness", "irr_mod_settle"} <= set(res.holding)


def test_low_without_indicators_says_so():
    r = rec()
    assert r.irritability == "low" and r.irritability_indicators == ()
    assert "no moderate or high indicator" in r.reasons[0].text or any(
        "no moderate or high indicator" in x.text for x in r.reasons)


def test_pregnancy_from_20_weeks_is_side_lying_or_semi_reclined_at_every_level():
    for extra in ({}, {"pain_score": 5}, {"pain_score": 9}):
        r = rec(pregnancy_weeks=24, **extra)
        assert r.position in ("side_lying", "semi_reclined"), (extra, r.position)
        assert "stop_supine_hypotension" in r.stop_rules
        assert "knee_to_chest_single" not in r.self_care   # done lying on the back
    assert rec(pregnancy_weeks=12).position == "prone"      # positioning rule from about 20 weeks


@pytest.mark.parametrize("finding, technique, word", [
    ("anticoagulants", "deep_tissue", "Anticoagulant"),
    ("osteoporosis", "static_stretch", "Osteoporosis"),
    ("long_term_corticosteroids", "contract_relax", "Osteoporosis"),
    ("diabetes_neuropathy", "trigger_point_pressure", "neuropathy"),
])
def test_cautions_exclude_techniques_with_their_reason(finding, technique, word):
    r = rec(pain_score=2, **{finding: True})
    if not r.treat_today:
        pytest.skip(f"{finding} alone leads to referral in the screening data")
    assert technique not in r.techniques
    assert word.lower() in r.avoided[technique].lower()


def test_pressure_limit_and_area_notes_reach_the_modifications():
    r = rec(pain_score=2, anticoagulants=True, skin_lesion_in_area=True)
    assert "light to moderate at most" in r.modifications["effleurage"]
    assert "Keep off" in r.modifications["effleurage"]
    assert "stop_anticoagulant_bruising" in r.stop_rules


def test_red_flag_means_no_plan_and_every_technique_avoided():
    r = rec(pain_score=7, saddle_anaesthesia=True, bladder_dysfunction=True)
    assert r.urgency == "emergency" and not r.treat_today
    assert r.irritability is None and r.techniques == () and r.position is None
    assert set(r.avoided) == set(COURSE.techniques.ids)
    assert all("No hands-on treatment today" in v for v in r.avoided.values())


def test_systemic_contraindication_means_no_treatment():
    r = rec(dvt_signs=True)
    assert not r.treat_today and r.techniques == ()


def test_bad_input_names_the_key():
    with pytest.raises(PresentationError, match="pain_score"):
        rec(pain_score=11)
    with pytest.raises(PresentationError, match="pain_scor"):
        classify_irritability({"pain_scor": 3}, COURSE)


def test_condition_evaluation_matches_the_shared_evaluator():
    from sciatica_course import conditions

    for r in COURSE.irritability:
        if r.kind == "indicator":
            for f in ({}, {"pain_score": 3}, {"pain_score": 8, "numbness": True}, {"settle_time_minutes": 200}):
                assert condition_holds(r.when, f) == conditions.holds(r.when, f)


def test_explain_gives_every_point_a_source_that_resolves():
    for f in ({"pain_score": 8, "night_pain": True}, {"pain_score": 2, "pregnancy_weeks": 30, "anticoagulants": True},
              {"saddle_anaesthesia": True}, {}):
        e = explain(recommend(f, course=COURSE), COURSE)
        assert len(e) >= 2
        for p in e:
            assert p.text and p.sources
            for k in p.sources:
                assert k in COURSE.sources, k
        html = e.html()
        assert "<script" not in html


def test_explain_covers_every_technique_and_the_synthesis_label():
    r = recommend({"pain_score": 8, "night_pain": True}, course=COURSE)
    e = explain(r, COURSE)
    text = str(e)
    for t in COURSE.techniques:
        assert t.name in text
    assert "teaching synthesis" in text and "0.44" in text
    assert "Techniques suited today" in e.headings() and "Left out today" in e.headings()


def test_explain_when_not_treating_is_short_and_says_refer():
    e = explain(recommend({"saddle_anaesthesia": True}, course=COURSE), COURSE)
    assert "Do not massage today" in str(e)
    assert "Techniques suited today" not in e.headings()


def test_bone_fragility_keeps_movement_short_of_end_range():
    r = rec(osteoporosis=True, pain_score=2)
    assert "static_stretch" in r.avoided and "contract_relax" in r.avoided
    assert "short of end range" in r.modifications["passive_movement"]
