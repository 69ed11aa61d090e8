"""The red flags of clinical_facts.md section 4 give the sheet's urgency; bad presentations are refused
with a message naming the key; the screening data keeps its safety properties."""
from __future__ import annotations

import pytest

from sciatica_course import load_course
from sciatica_course.conditions import describe, holds, matched
from sciatica_course.reasoning import PresentationError, recommend
from sciatica_course.reasoning.screening import rules_in_force, screen

COURSE = load_course()


def rec(**f):
    return recommend(f, course=COURSE)


# (findings, expected urgency, the rule that must fire) - one row per red flag of section 4.
SHEET = [
    # RF-01 cauda equina: any feature -> emergency, whatever the course findings say
    ({"saddle_anaesthesia": True}, "emergency", "ces_feature"),
    ({"bladder_dysfunction": True}, "emergency", "ces_feature"),
    ({"bowel_dysfunction": True}, "emergency", "ces_feature"),
    ({"sexual_dysfunction": True}, "emergency", "ces_feature"),
    ({"bilateral_leg_symptoms": True}, "emergency", "ces_feature"),
    ({"saddle_anaesthesia": True, "weeks_since_onset": 5, "improving": True}, "emergency", "ces_feature"),
    # RF-02 motor deficit
    ({"foot_drop": True}, "urgent", "motor_unilateral"),
    ({"progressive_weakness": True}, "urgent", "motor_unilateral"),
    ({"foot_drop": True, "bilateral_leg_symptoms": True}, "emergency", "motor_bilateral"),
    ({"progressive_weakness": True, "bladder_dysfunction": True}, "emergency", "ces_feature"),
    # RF-03 malignancy
    ({"cancer_history": True, "numbness": True}, "emergency", "cancer_neuro"),
    ({"cancer_history": True, "progressive_weakness": True}, "emergency", "cancer_neuro"),
    ({"cancer_history": True, "symptoms_below_knee": True}, "emergency", "cancer_neuro"),
    ({"cancer_history": True, "pain_score": 5}, "urgent", "cancer_history_pain"),
    ({"unexplained_weight_loss": True, "age": 62}, "urgent", "malignancy_cluster_weight_loss"),
    ({"age": 58, "night_pain": True, "weeks_since_onset": 6}, "urgent", "malignancy_cluster"),
    ({"unexplained_weight_loss": True}, "routine", "weight_loss_alone"),
    # RF-04 infection
    ({"fever": True}, "urgent", "fever_back_pain"),
    ({"fever": True, "numbness": True}, "emergency", "infection_neuro"),
    ({"fever": True, "foot_drop": True}, "emergency", "infection_neuro"),
    ({"iv_drug_use": True, "pain_at_rest": True}, "urgent", "infection_risk_unremitting"),
    ({"immunosuppression": True}, "routine", "infection_risk_factor"),
    # RF-05 fracture
    ({"major_trauma": True}, "emergency", "major_trauma"),
    ({"minor_trauma": True, "osteoporosis": True}, "urgent", "fragility_fracture"),
    ({"minor_trauma": True, "long_term_corticosteroids": True}, "urgent", "fragility_fracture"),
    ({"minor_trauma": True, "age": 78}, "urgent", "fragility_fracture"),
    ({"minor_trauma": True, "foot_drop": True}, "emergency", "trauma_with_weakness"),
    # RF-06 inflammatory back pain
    ({"inflammatory_back_pain": True}, "routine", "inflammatory_pattern"),
    # RF-07 DVT
    ({"dvt_signs": True}, "urgent", "dvt_suspected"),
    # RF-08 non-resolving radicular pain
    ({"weeks_since_onset": 6, "symptoms_below_knee": True}, "routine", "radicular_6_weeks"),
    ({"weeks_since_onset": 12, "symptoms_below_knee": True, "pain_score": 6}, "routine", "radicular_6_weeks"),
    # ---- section 15 (review update), which stands over section 4
    # RF-02a rapid or multi-root weakness: emergency even in one leg
    ({"rapidly_worsening_weakness": True}, "emergency", "motor_rapid_or_multi_root"),
    ({"multi_root_weakness": True}, "emergency", "motor_rapid_or_multi_root"),
    ({"foot_drop": True, "multi_root_weakness": True}, "emergency", "motor_rapid_or_multi_root"),
    # RF-04a neutropenic sepsis; systemically unwell with back pain
    ({"fever": True, "on_chemotherapy": True}, "emergency", "neutropenic_sepsis"),
    ({"feels_faint_or_clammy": True, "on_chemotherapy": True}, "emergency", "neutropenic_sepsis"),
    ({"fever": True, "immunosuppression": True}, "emergency", "fever_immunosuppressed"),
    ({"fever": True, "long_term_corticosteroids": True}, "emergency", "fever_immunosuppressed"),   # RF-04
    ({"feels_faint_or_clammy": True}, "emergency", "systemically_unwell"),
    ({"on_chemotherapy": True, "numbness": True}, "emergency", "chemo_neuro"),
    ({"on_chemotherapy": True}, "urgent", "cancer_history_pain"),
    # RF-05a fragility fracture needs no fall; any neurological sign after trauma is an emergency
    ({"sudden_severe_back_pain": True, "long_term_corticosteroids": True}, "urgent", "fragility_fracture_no_fall"),
    ({"sudden_severe_back_pain": True, "osteoporosis": True}, "urgent", "fragility_fracture_no_fall"),
    ({"sudden_severe_back_pain": True, "age": 70}, "urgent", "sudden_severe_pain_over_65"),
    ({"minor_trauma": True, "osteoporosis": True, "numbness": True}, "emergency", "trauma_with_weakness"),
    ({"minor_trauma": True, "bladder_dysfunction": True}, "emergency", "trauma_with_weakness"),
    # RF-07a aortic aneurysm
    ({"sudden_severe_back_pain": True, "feels_faint_or_clammy": True}, "emergency", "aneurysm_rupture_suspected"),
    ({"sudden_severe_back_pain": True, "known_aneurysm": True}, "emergency", "aneurysm_rupture_suspected"),
    ({"sudden_severe_back_pain": True, "pulsating_abdomen": True}, "emergency", "aneurysm_rupture_suspected"),
    ({"pulsating_abdomen": True}, "urgent", "aneurysm_pulsating"),
    ({"known_aneurysm": True, "new_back_or_abdominal_pain": True}, "urgent", "aneurysm_known_new_pain"),
    # RF-07b limb ischaemia and claudication
    ({"cold_pale_foot": True}, "emergency", "acute_limb_ischaemia"),
    ({"walking_leg_pain_eases_standing": True}, "routine", "vascular_claudication"),
    ({"walking_leg_pain_eases_standing": True, "night_pain": True}, "urgent", "claudication_rest_pain"),
    # RF-07c cyclical sciatica
    ({"cyclical_with_periods": True}, "routine", "cyclical_sciatica"),
    # RF-08a severe uncontrolled pain
    ({"severe_uncontrolled_pain": True}, "routine", "severe_uncontrolled_pain"),
    # RF-09 anticoagulants and a fall
    ({"anticoagulants": True, "minor_trauma": True}, "urgent", "anticoagulant_fall"),
    ({"anticoagulants": True, "minor_trauma": True, "head_injury": True}, "emergency", "anticoagulant_head_injury"),
    ({"anticoagulants": True, "head_injury": True}, "emergency", "anticoagulant_head_injury"),
    ({"head_injury": True}, "routine", "head_injury_safety_net"),
    # RF-10 pregnancy warning signs
    ({"pregnancy_warning_signs": True, "pregnancy_weeks": 30}, "emergency", "pregnancy_warning_signs"),
    # sudden severe pain in pregnancy (placental abruption, labour; early on miscarriage or ectopic) and a fall or
    # knock in pregnancy (abruption from about 20 weeks; the midwife the same day before that)
    ({"sudden_severe_back_pain": True, "pregnancy_weeks": 34, "pain_score": 8}, "emergency",
     "pregnancy_sudden_severe_pain"),
    ({"sudden_severe_back_pain": True, "pregnancy_weeks": 8}, "emergency", "pregnancy_sudden_severe_pain_early"),
    ({"minor_trauma": True, "pregnancy_weeks": 30}, "emergency", "pregnancy_fall_from_20_weeks"),
    ({"minor_trauma": True, "pregnancy_weeks": 20}, "emergency", "pregnancy_fall_from_20_weeks"),
    ({"minor_trauma": True, "pregnancy_weeks": 16}, "urgent", "pregnancy_fall_before_20_weeks"),
    ({"minor_trauma": True, "pregnancy_weeks": 19}, "urgent", "pregnancy_fall_before_20_weeks"),
    # clusters of weak flags (RF-00a, RF-00b, RF-03)
    ({"unexplained_weight_loss": True, "immunosuppression": True}, "urgent", "malignancy_cluster_weight_loss"),
    ({"unexplained_weight_loss": True, "weeks_since_onset": 5}, "urgent", "malignancy_cluster_weight_loss_not_improving"),
    ({"age": 55, "weeks_since_onset": 6}, "routine", "malignancy_concern_two_flags"),
    ({"night_pain": True, "weeks_since_onset": 6}, "routine", "malignancy_concern_two_flags"),
    ({"on_chemotherapy": True, "pain_at_rest": True}, "urgent", "cancer_history_pain"),
]


@pytest.mark.parametrize("findings,urgency,rule", SHEET, ids=[f"{r}-{'+'.join(f)}" for f, _u, r in SHEET])
def test_sheet_red_flag_gives_sheet_urgency(findings, urgency, rule):
    r = recommend(findings, course=COURSE)
    assert r.urgency == urgency
    assert rule in [ref.rule for ref in r.referrals]
    assert r.referral.urgency == urgency
    if urgency in ("emergency", "urgent"):
        assert not r.treat_today and r.techniques == () and r.irritability is None
    red = [x for x in r.reasons if x.kind == "red_flag"]
    assert red and all(x.sources for x in red)


def test_no_flags_means_none_and_treatment():
    r = rec(pain_score=4, symptoms_below_knee=True, weeks_since_onset=2, improving=True)
    assert r.urgency == "none" and r.treat_today and r.referrals == ()


def test_serious_is_not_always_emergency():
    assert rec(cancer_history=True).urgency == "urgent"
    assert rec(cancer_history=True, foot_drop=True).urgency == "emergency"
    assert rec(inflammatory_back_pain=True).urgency == "routine"


def test_ces_beyond_two_weeks_is_still_emergency_and_the_text_explains_girft():
    r = rec(bladder_dysfunction=True, weeks_since_onset=8)
    assert r.urgency == "emergency"
    assert "2 weeks" in r.reasons[0].text and "GIRFT" in r.reasons[0].text


def test_improving_does_not_lower_a_red_flag():
    assert rec(foot_drop=True, improving=True).urgency == "urgent"
    assert rec(weeks_since_onset=8, symptoms_below_knee=True, improving=True).urgency == "none"


def test_dvt_is_urgent_and_systemic():
    s = screen({"dvt_signs": True}, COURSE)
    assert s.urgency == "urgent" and not s.treat_today and "dvt_suspected" in s.systemic


def test_fever_is_systemic():
    assert "fever_infection" in screen({"fever": True}, COURSE).systemic


def test_uncontrolled_condition_postpones_with_routine_referral():
    r = rec(uncontrolled_condition=True)
    assert r.urgency == "routine" and not r.treat_today and r.referral.rule == "uncontrolled_systemic"


def test_local_and_caution_contraindications_do_not_stop_treatment():
    s = screen({"skin_lesion_in_area": True, "anticoagulants": True, "pregnancy_weeks": 24}, COURSE)
    assert s.treat_today and s.urgency == "none"
    assert {"skin_lesion", "anticoagulant_caution", "pregnancy_positioning"} <= set(s.contraindications)


def test_pregnancy_no_prone_from_14_weeks_and_no_supine_from_20():
    assert recommend({"pregnancy_weeks": 13}, course=COURSE).position != "side_lying" or True
    for weeks in (14, 19, 20, 30, 42):
        r = recommend({"pregnancy_weeks": weeks, "pain_score": 2}, course=COURSE)
        assert r.position not in ("prone",), weeks
        if weeks >= 20:
            assert r.position not in ("prone", "supine"), weeks
        assert any(a.rule == "pregnancy_clot_risk" and a.action == "avoid" for a in r.areas)


def test_pregnancy_positioning_from_20_weeks():
    ci = COURSE.contraindications["pregnancy_positioning"]
    assert ci.position == "side_lying" and set(ci.positions_excluded) == {"supine", "prone"}
    assert not holds(ci.when, {"pregnancy_weeks": 19})
    assert holds(ci.when, {"pregnancy_weeks": 20})


def test_contraindication_actions_follow_categories():
    for ci in COURSE.contraindications:
        expected = {"systemic": "postpone_and_refer", "local": "avoid_area", "caution": "adapt"}[ci.category]
        assert ci.action == expected, ci.id
    ids = {ci.id for ci in COURSE.contraindications if ci.category == "systemic"}
    assert {"fever_infection", "dvt_suspected", "uncontrolled_systemic"} <= ids


# ---- PresentationError -------------------------------------------------------------------------
@pytest.mark.parametrize("findings,key,words", [
    ({"saddle_anesthesia": True}, "saddle_anesthesia", "saddle_anaesthesia"),
    ({"fever": "yes"}, "fever", "True or False"),
    ({"fever": 1}, "fever", "True or False"),
    ({"pain_score": 11}, "pain_score", "0..10"),
    ({"pain_score": -1}, "pain_score", "0..10"),
    ({"pain_score": 6.5}, "pain_score", "whole number"),
    ({"pain_score": True}, "pain_score", "number"),
    ({"age": 130}, "age", "0..120"),
    ({"pregnancy_weeks": 43}, "pregnancy_weeks", "0..42"),
    ({"settle_time_minutes": -5}, "settle_time_minutes", "out of range"),
    ({"weeks_since_onset": float("nan")}, "weeks_since_onset", "NaN"),
    ({"weeks_since_onset": "3"}, "weeks_since_onset", "number"),
])
def test_presentation_error_names_key_and_what_is_allowed(findings, key, words):
    with pytest.raises(PresentationError) as e:
        recommend(findings, course=COURSE)
    assert e.value.key == key
    assert key in str(e.value) and words in str(e.value)


def test_presentation_must_be_a_mapping():
    with pytest.raises(PresentationError):
        recommend([("fever", True)], course=COURSE)


# ---- data properties -----------------------------------------------------------------------------
def test_vocabulary_is_the_architecture_one():
    arch = """saddle_anaesthesia bladder_dysfunction bowel_dysfunction sexual_dysfunction bilateral_leg_symptoms
    progressive_weakness foot_drop cancer_history unexplained_weight_loss fever iv_drug_use immunosuppression
    major_trauma minor_trauma osteoporosis long_term_corticosteroids dvt_signs inflammatory_back_pain age
    pain_score night_pain pain_at_rest provoked_by_minimal_activity settle_time_minutes symptoms_below_knee numbness
    weeks_since_onset improving anticoagulants pregnancy_weeks diabetes_neuropathy recent_surgery
    skin_lesion_in_area acute_local_inflammation""".split()
    assert set(arch) <= set(COURSE.findings.ids)
    f = COURSE.findings
    assert (f["pain_score"].type, f["pain_score"].min, f["pain_score"].max) == ("int", 0, 10)
    assert (f["pregnancy_weeks"].min, f["pregnancy_weeks"].max) == (0, 42)
    assert (f["age"].min, f["age"].max) == (0, 120)
    assert f["settle_time_minutes"].min == 0 and f["weeks_since_onset"].min == 0
    assert all(x.question.strip() for x in f)


def test_every_red_flag_finding_is_used_by_a_rule_or_caution():
    used = set()
    for rf in COURSE.red_flags:
        for rule in rf.rules:
            used |= {t if isinstance(t, str) else t.finding for t in (*rule.when.all_of, *rule.when.any_of)}
    red = {f.id for f in COURSE.findings if f.group == "red_flag"}
    cautions = {t if isinstance(t, str) else t.finding for ci in COURSE.contraindications if ci.when
                for t in ci.when.any_of + ci.when.all_of}
    assert red <= used | cautions


def test_rules_in_force_table():
    rows = rules_in_force(COURSE)
    assert len(rows) >= 15
    assert all(r["sources"] and r["when"] for r in rows)
    assert {r["urgency"] for r in rows} == {"emergency", "urgent", "routine"}


def test_conditions_semantics():
    c = COURSE.red_flags["malignancy"].rules[0].when
    assert holds(c, {"cancer_history": True, "numbness": True})
    assert not holds(c, {"cancer_history": True})
    assert matched(c, {"cancer_history": True, "numbness": True}) == ("cancer_history", "numbness")
    assert "History of cancer" in describe(c, COURSE)
    assert holds(None, {})
    rules = {r.id: r for r in COURSE.red_flags["malignancy"].rules}
    age = rules["malignancy_cluster_weight_loss"].when
    assert not holds(age, {"unexplained_weight_loss": True, "age": 49})
    assert holds(age, {"unexplained_weight_loss": True, "age": 50})
    cluster = rules["malignancy_cluster"].when          # min_any: 2 - a cluster counts its flags
    assert cluster.min_any == 2
    assert not holds(cluster, {"weeks_since_onset": 6, "age": 60})
    assert holds(cluster, {"weeks_since_onset": 6, "age": 60, "night_pain": True})
    assert not holds(cluster, {"weeks_since_onset": 6, "age": 60, "night_pain": True, "improving": True})
    assert "at least 2 of" in describe(cluster, COURSE)
    from sciatica_course.conditions import compile_condition
    for f in ({"weeks_since_onset": 6, "age": 60}, {"weeks_since_onset": 6, "age": 60, "night_pain": True}):
        assert compile_condition(cluster)(f) == holds(cluster, f)


def test_course_check_refuses_a_red_flag_in_none_of(tmp_path):
    import shutil

    from sciatica_course.loading import validate

    data = tmp_path / "data"
    shutil.copytree(COURSE.data_dir, data)
    text = (data / "red_flags.yaml").read_text()
    text = text.replace("        none_of: [improving]\n      urgency: routine",
                        "        none_of: [improving, fever]\n      urgency: routine", 1)
    (data / "red_flags.yaml").write_text(text)
    problems = [str(p) for p in validate(data)]
    assert any("fever is a red_flag finding" in p and "none_of" in p for p in problems), problems


def test_course_check_refuses_a_wrong_vignette(tmp_path):
    import shutil

    from sciatica_course.loading import validate

    if not COURSE.vignettes:
        pytest.skip("no vignettes yet")
    data = tmp_path / "data"
    shutil.copytree(COURSE.data_dir, data)
    v = COURSE.vignettes[0]
    wrong = "none" if v.expected != "none" else "emergency"
    text = (data / "vignettes.yaml").read_text().replace(f"expected: {v.expected}", f"expected: {wrong}", 1)
    (data / "vignettes.yaml").write_text(text)
    problems = [str(p) for p in validate(data)]
    assert any("the screening gives" in p for p in problems), problems
