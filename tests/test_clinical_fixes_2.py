"""The faults the second clinical review left open (November 2026), each caught through ``recommend`` or the data.

1. In pregnancy a spinal / neurological / cancer emergency had two destinations in one answer (maternity triage in
   the destination line, "Emergency Department now" in the script).
2. Older age alone gave no fragile-skin caution (CI-13).
3. Quiz items graded "no referral" for an urgent or emergency picture as merely unsafe (CASE-01: critical).
4. At 36 weeks, feeling faint led with the aortic-aneurysm 999 script instead of the pregnancy presentation.
5. The butterfly stretch (pressure on the inner thighs, CI-08a) was offered to a pregnant client.
"""
from __future__ import annotations

import re

import pytest

from sciatica_course.loading import load_course
from sciatica_course.reasoning import explain, recommend
from rulekit import holding

COURSE = load_course()


def rec(**f):
    return recommend(f, course=COURSE)


# ---- 1. one destination per referral in pregnancy ------------------------------------------------------------
# the emergencies whose own destination is the Emergency Department, 999 or a 24-hour specialist line
SPINAL_EMERGENCIES = [
    ("suspected CES", dict(saddle_anaesthesia=True), "ces_feature"),
    ("new bladder change", dict(bladder_dysfunction=True), "ces_feature"),
    ("multi-root weakness", dict(multi_root_weakness=True), "motor_rapid_or_multi_root"),
    ("rapidly worsening weakness", dict(rapidly_worsening_weakness=True), "motor_rapid_or_multi_root"),
    ("weakness in both legs", dict(foot_drop=True, bilateral_leg_symptoms=True), "motor_bilateral"),
    ("cancer and numbness", dict(cancer_history=True, numbness=True), "cancer_neuro"),
    ("fever and numbness", dict(fever=True, numbness=True), "infection_neuro"),
]


@pytest.mark.parametrize("name,f,rule", SPINAL_EMERGENCIES, ids=[c[0] for c in SPINAL_EMERGENCIES])
@pytest.mark.parametrize("weeks", [10, 24, 36])
def test_a_spinal_emergency_in_pregnancy_goes_to_one_place_and_she_says_she_is_pregnant(name, f, rule, weeks):
    r = rec(pregnancy_weeks=weeks, **f)
    ref = r.referral
    assert r.urgency == "emergency" and ref.rule == rule, (name, ref.rule)
    assert "Emergency Department" in ref.where and "aternity" not in ref.where, (name, ref.where)
    # the script sends her where the destination line does - never also to the maternity unit - and she tells them
    assert "ring the maternity unit" not in ref.say.lower() and "maternity triage" not in ref.say.lower(), name
    assert "Emergency Department" in ref.say, name
    assert "pregnant" in ref.say and "weeks" in ref.say and "pregnant" in ref.do, name


PLACES = (("maternity", ("maternity unit", "maternity triage", "midwife")), ("ed", ("emergency department",)),
          ("999", ("999", "ambulance")), ("oncology", ("oncology", "chemotherapy line", "cancer team", "specialist team")),
          ("gp", ("gp", "urgent care")))


def _first_place(text: str):
    """The destination a text names first (maternity, ed, 999, oncology, gp), or None."""
    t, best = text.lower(), None
    for place, words in PLACES:
        for w in words:
            m = re.search(r"\b" + re.escape(w) + r"\b", t)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), place)
    return best and best[1]


def _presentation(rule, weeks):
    return holding(rule.when, weeks, course=COURSE)


@pytest.mark.parametrize("weeks", [0, 12, 24, 36])
def test_every_emergency_script_sends_the_client_first_where_its_destination_line_does(weeks):
    # every emergency rule, fired with findings that make it hold, pregnant or not: the first place the script
    # names is the first place the destination line names (one clear thing to act on)
    checked = 0
    for rf in COURSE.red_flags:
        for rule in rf.rules:
            if rule.urgency != "emergency":
                continue
            refs = {r.rule: r for r in rec(**_presentation(rule, weeks)).referrals}
            if rule.id not in refs:      # e.g. a gestation threshold not met at this number of weeks
                continue
            ref = refs[rule.id]
            assert _first_place(ref.where) == _first_place(ref.say), (weeks, rule.id, ref.where, ref.say)
            checked += 1
    assert checked >= 15


def test_urgent_flags_in_pregnancy_still_go_to_maternity_triage():
    # (a cancer history keeps the oncology team or GP the same day: clinical review, fourth pass,
    # tests/test_clinical_fixes_3.py)
    for f in (dict(foot_drop=True), dict(dvt_signs=True), dict(fever=True)):
        for ref in rec(pregnancy_weeks=24, **f).referrals:
            if ref.urgency == "urgent":
                assert ref.where.startswith("Maternity triage"), (f, ref.rule)


def test_not_pregnant_the_spinal_emergency_script_does_not_mention_pregnancy():
    for _name, f, _rule in SPINAL_EMERGENCIES:
        ref = rec(**f).referral
        assert "pregnant" not in ref.say, f


# ---- 2. older age alone: the fragile-skin caution -----------------------------------------------------------
def test_older_age_alone_gives_the_fragile_skin_caution_not_a_referral():
    r = rec(age=78, pain_score=3)
    assert r.urgency == "none" and r.treat_today and r.referrals == ()
    area = next(a for a in r.areas if a.rule == "fragile_skin_older_age")
    assert area.action == "light" and "skin" in area.area.lower()
    ci = COURSE.contraindications["fragile_skin_older_age"]
    assert ci.category == "caution" and ci.action == "adapt" and ci.pressure and ci.sources
    assert "CI-13" in ci.fact_ids
    assert any(x.kind == "contraindication" and x.rule == "fragile_skin_older_age" for x in r.reasons)
    # pressure techniques carry the cap
    assert "light to moderate at most" in r.modifications["effleurage"]
    # the caution is an adaptation, never a referral, and it holds from 65 (the course's "older age")
    assert "fragile_skin_older_age" not in [a.rule for a in rec(age=64, pain_score=3).areas]
    assert "fragile_skin_older_age" in [a.rule for a in rec(age=65, pain_score=3).areas]
    text = str(explain(r, course=COURSE))
    assert "Fragile skin (older age)" in text


# ---- 4. pregnancy leads when she feels faint ---------------------------------------------------------------
def test_faint_at_36_weeks_leads_with_the_pregnancy_presentation():
    r = rec(pregnancy_weeks=36, feels_faint_or_clammy=True)
    ref = r.referral
    assert r.urgency == "emergency" and ref.rule == "pregnancy_faint", ref.rule
    assert ref.where.startswith("Maternity triage") and "left side" in ref.where and "999" in ref.where
    assert "left side" in ref.say and "weeks pregnant" in ref.say
    assert "aneurysm" not in ref.say.lower() and "blood vessel in your tummy" not in ref.say
    # with sudden severe pain it is an ambulance - and still the pregnancy script first, not the aneurysm one
    r = rec(pregnancy_weeks=36, feels_faint_or_clammy=True, sudden_severe_back_pain=True)
    ref = r.referral
    assert ref.rule == "pregnancy_faint_sudden_pain" and ref.ambulance and "999" in ref.where
    assert "pregnant" in ref.where and "placenta" in ref.say
    rules = [x.rule for x in r.referrals]
    # fifth pass: the aneurysm script (lie flat; "the main blood vessel in your tummy") no longer fires in
    # pregnancy without an aneurysm sign (test_clinical_fixes_4)
    assert "aneurysm_rupture_suspected" not in rules
    # not pregnant: unchanged (the aneurysm script leads for sudden severe pain and faintness)
    assert rec(age=70, feels_faint_or_clammy=True, sudden_severe_back_pain=True).referral.rule == \
        "aneurysm_rupture_suspected"


@pytest.mark.parametrize("weeks", [20, 28, 36, 41])
def test_in_pregnancy_a_general_emergency_script_never_leads_over_a_pregnancy_one(weeks):
    # (a pulsing tummy with sudden severe pain keeps the aneurysm's 999 call first: a deliberate choice, tested in
    # test_screening_review.py)
    for f in (dict(feels_faint_or_clammy=True), dict(feels_faint_or_clammy=True, sudden_severe_back_pain=True),
              dict(feels_faint_or_clammy=True, pain_score=8)):
        r = rec(pregnancy_weeks=weeks, **f)
        first_pregnancy = next(i for i, x in enumerate(r.referrals) if x.rule.startswith("pregnancy_"))
        assert all(x.rule not in ("aneurysm_rupture_suspected", "systemically_unwell")
                   for x in r.referrals[:first_pregnancy]), (f, [x.rule for x in r.referrals])


# ---- 5. self-care in pregnancy -------------------------------------------------------------------------------
@pytest.mark.parametrize("weeks", [8, 16, 24, 36])
def test_no_self_care_that_presses_on_an_excluded_area_or_needs_an_excluded_position_in_pregnancy(weeks):
    for pain in (1, 4):
        r = rec(pregnancy_weeks=weeks, pain_score=pain)
        assert "groin_butterfly" not in r.self_care, (weeks, r.self_care)
        if weeks >= 20:
            assert all(COURSE.stretches[s].position not in ("supine", "prone") for s in r.self_care), r.self_care
        # the reason shown is the pregnancy caution, not the irritability one
        left = next(p.text for p in explain(r, course=COURSE) if p.text.startswith("Not suggested today"))
        assert re.search(r"Groin \(butterfly\) stretch \(Pregnancy \(clot risk", left), left
    # not pregnant, the butterfly is still offered at low irritability
    assert "groin_butterfly" in rec(pain_score=1).self_care


def test_every_stretch_that_presses_on_the_inner_thighs_or_calves_is_excluded_in_pregnancy():
    ci = COURSE.contraindications["pregnancy_clot_risk"]
    for s in COURSE.stretches:
        if re.search(r"(press|pressure)[^.]*\b(inner thighs?|calf|calves)\b", s.how, re.I):
            assert s.id in ci.excluded_self_care, s.id


def test_the_self_care_chooser_says_which_stretches_pregnancy_leaves_out():
    from sciatica_course.widgets.treatment import SelfCareChooser

    w = SelfCareChooser(course=COURSE)
    w.level.value = "low"
    html = w.out.value
    item = next(li for li in html.split("<li>") if "Groin (butterfly) stretch" in li)
    assert "Not with:" in item and "Pregnancy" in item
    item = next(li for li in html.split("<li>") if "Single knee to chest" in li)
    assert "Pregnancy from about 20 weeks" in item


# ---- 3. grading "no referral" for an urgent or emergency picture (CASE-01) ------------------------------------
# a correct answer that names an urgent or emergency destination marks a triage item
REFERRAL_WORDS = re.compile(r"Emergency Department|\b999\b|ambulance|same[- ]day|maternity|oncology|\burgent\b|"
                            r"\bemergency\b|medical (assessment|opinion)", re.I)
# an option that treats, waits or reassures instead of referring
NO_REFERRAL_WORDS = re.compile(r"^no referral|\b(treat|massage|stretch|strengthen|reassure|rest at home|see if it|"
                               r"see how it goes|review it in|come back|wait)\w*", re.I)
ORDER = ("none", "routine", "urgent", "emergency")


def _triage_items():
    return [q for q in COURSE.quizzes if q.requires in ("urgent", "emergency")]


def test_every_quiz_item_whose_answer_is_an_urgent_or_emergency_referral_says_so():
    for q in COURSE.quizzes:
        correct = next(o for o in q.options if o.correct)
        if REFERRAL_WORDS.search(correct.text):
            assert q.requires is not None, (q.id, correct.text)
    assert len(_triage_items()) >= 15


def test_no_referral_for_an_urgent_or_emergency_picture_is_always_critical():
    # CASE-01: critical = treating (or continuing) when the findings require an urgent or emergency referral, or any
    # referral slower than an emergency when one is required; a routine referral when urgent is required is unsafe
    graded = 0
    for q in _triage_items():
        for o in q.options:
            if o.correct:
                assert o.refers is not None and ORDER.index(o.refers) >= ORDER.index(q.requires), (q.id, o.id)
                continue
            if NO_REFERRAL_WORDS.search(o.text):
                assert o.refers is not None, (q.id, o.id, o.text)   # every treat / wait / reassure option says so
            if o.refers is None or ORDER.index(o.refers) >= ORDER.index(q.requires):
                continue
            if o.refers == "none" or q.requires == "emergency":
                assert o.safety == "critical", (q.id, o.id, o.text, o.safety)
            else:
                assert o.safety in ("unsafe", "critical"), (q.id, o.id, o.text, o.safety)
            assert o.harm, (q.id, o.id)
            graded += 1
    assert graded >= 40


def test_the_data_check_refuses_an_urgent_no_referral_option_graded_merely_unsafe():
    from dataclasses import replace

    q = COURSE.quizzes["rf_foot_drop"]
    opts = tuple(replace(o, safety="unsafe") if o.refers == "none" else o for o in q.options)
    problems = list(replace(q, options=opts).check())
    assert any("CASE-01" in msg and "critical" in msg for _path, msg in problems), problems
    assert not list(q.check())


# ---- 6. a head injury with a warning sign, without a blood thinner (NICE NG232) --------------------------------
def test_a_head_injury_with_a_warning_sign_goes_to_the_emergency_department_whoever_the_client():
    r = rec(age=34, minor_trauma=True, head_injury=True, head_injury_risk_sign=True, pain_score=3)
    assert r.urgency == "emergency" and not r.treat_today
    ref = r.referral
    assert ref.rule == "head_injury_warning_sign" and "Emergency Department" in ref.where
    assert "nice_ng232_community_referral" in ref.sources
    assert "not driving yourself" in ref.say and "999" in ref.do
    # the finding is asked in the screening widget, and its question names each sign the client can report
    from sciatica_course.widgets.assessment import ScreeningWidget

    assert "head_injury_risk_sign" in ScreeningWidget(course=COURSE).controls
    q = COURSE.findings["head_injury_risk_sign"].question.lower()
    for sign in ("knocked out", "memory", "headache", "sick", "brain surgery", "bleeding or clotting", "drinking"):
        assert sign in q, sign
    # without a warning sign it stays safety-netting; on a blood thinner the CT-within-8-hours rule leads
    assert rec(head_injury=True).urgency == "routine"
    assert rec(head_injury=True, head_injury_risk_sign=True, anticoagulants=True).referral.rule == \
        "anticoagulant_head_injury"
    # a warning sign means nothing without a head injury
    assert rec(head_injury_risk_sign=True).urgency == "none"


@pytest.mark.parametrize("weeks", [12, 24, 36])
def test_an_urgent_referral_routed_to_maternity_triage_does_not_also_tell_her_to_call_her_gp(weeks):
    # the same fault as the emergencies, one level down: "Please call your GP" in the script while the destination
    # line (and the pregnancy route's own sentence) say maternity triage
    told_gp = re.compile(r"\b(call|ring|see|book)\b[^.\"]*\byour GP\b|until the GP", re.I)
    checked = 0
    for rf in COURSE.red_flags:
        for rule in rf.rules:
            if rule.urgency != "urgent":
                continue
            for ref in rec(**_presentation(rule, weeks)).referrals:
                if ref.urgency == "urgent" and ref.where.startswith(("Maternity triage", "Hospital Emergency Department")):
                    assert not told_gp.search(ref.say) and not told_gp.search(ref.do), (ref.rule, ref.say, ref.do)
                    checked += 1
    assert checked >= 10
