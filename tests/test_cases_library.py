"""The case library: every case validates, agrees with recommend(), and its expert path is played;
unsafe paths are played too, and the library covers the cases issue 7 asks for."""
import pytest

from sciatica_course import cases, load_course
from sciatica_course.model.cases import DECISION_KINDS, SAFETY_ORDER

COURSE = load_course()
IDS = list(COURSE.cases.ids)

REQUIRED = {  # issue 7: the varied cases the library must hold -> (urgency, irritability)
    "piriformis_runner": ("none", "low"),
    "desk_worker_disc": ("none", "high"),
    "cauda_equina": ("emergency", None),
    "cancer_history_back_pain": ("urgent", None),
    "pregnancy_pelvic_girdle": ("none", "moderate"),
    "anticoagulated_older_client": ("none", "moderate"),
    "diabetes_neuropathy": ("none", "moderate"),
    "dvt_calf": ("urgent", None),
    "new_foot_drop": ("urgent", None),
    "after_hip_replacement": ("none", "low"),
    "inflammatory_back_pain": ("routine", "moderate"),
    "weekend_athlete_hamstring": ("none", "moderate"),
}
NEW_RED_FLAG_CASES = {  # issue 15: five cases on the red flags of the fact sheet's section 15 -> (urgency, irritability)
    "aortic_aneurysm_back_pain": ("emergency", None),
    "anticoagulated_fall_head_injury": ("emergency", None),
    "pregnancy_warning_signs": ("emergency", None),
    "chemotherapy_fever": ("emergency", None),
    "vascular_claudication_walker": ("routine", "low"),
}


def test_library_has_the_required_cases():
    assert len(IDS) >= 12
    for cid, (urgency, irritability) in {**REQUIRED, **NEW_RED_FLAG_CASES}.items():
        c = COURSE.cases[cid]
        assert (c.expected.urgency, c.expected.irritability) == (urgency, irritability), cid
    assert {c.expected.urgency for c in COURSE.cases} == {"none", "routine", "urgent", "emergency"}
    assert {c.expected.irritability for c in COURSE.cases} >= {"low", "moderate", "high"}


def test_every_case_agrees_with_recommend():
    report = cases.agreement_report(COURSE)
    problems = [(e["case"], p) for e in report for p in e["problems"]]
    assert problems == []
    # the reasoning is live: nothing was skipped (urgency, treat today and irritability all compared)
    assert [(e["case"], e["skipped"]) for e in report if e["skipped"]] == []


@pytest.mark.parametrize("case_id", IDS)
def test_expert_path(case_id):
    s = cases.play_expert(case_id, course=COURSE)
    assert s.finished and s.current is None
    assert s.score == s.max_score > 0
    att = s.to_attempt()
    assert att["safety_flags"] == []
    assert all(step["safety"] == "safe" for step in att["steps"])
    assert not any(step["kind"] == "gate" for step in att["steps"])
    d = s.debrief()
    assert d.missed_red_flags == () and d.confident_unsafe == () and d.gates == ()
    assert all(r.matches_expert for r in d.rows)
    assert d.expert_summary and d.ending == d.expert_summary
    # the expert's answers are the ones in `expected`
    case = COURSE.cases[case_id]
    for step, chosen in case.expert_path():
        for c in chosen:
            if step.kind == "red_flag":
                assert (c.urgency, c.treat_today) == (case.expected.urgency, case.expected.treat_today)
            if step.kind == "irritability":
                assert c.irritability == case.expected.irritability


def _worst(session):
    step = session.current
    choices = session.available_choices()
    if step.multi:   # intake: ask only what the gate requires, plus the weakest question
        required = set()
        for s in session.case.steps:
            required.update(s.requires)
        ids = [c.id for c in choices if c.id in required] or [choices[0].id]
        weak = min(choices, key=lambda c: c.points)
        return list(dict.fromkeys(ids + [weak.id]))
    # a choice that goes on treating (so the plan is reached too), and among those the least safe
    return max(choices, key=lambda c: (c.treat_today is not False, SAFETY_ORDER.index(c.safety), -c.points)).id


@pytest.mark.parametrize("case_id", IDS)
def test_unsafe_path(case_id):
    s = cases.start(case_id, course=COURSE)
    while not s.finished:
        s.choose(_worst(s), confidence=3 if s.current.kind in DECISION_KINDS else None)
    att = s.to_attempt()
    assert s.score < s.max_score
    assert att["safety_flags"], "every case has at least one unsafe or critical choice"
    assert {f["safety"] for f in att["safety_flags"]} <= {"unsafe", "critical"}
    d = s.debrief()
    assert d.confident_unsafe, "a confident unsafe choice is flagged in the debrief"
    assert any(not r.matches_expert for r in d.rows)


@pytest.mark.parametrize("case_id", IDS)
def test_case_content(case_id):
    case = COURSE.cases[case_id]
    kinds = [s.kind for s in case.steps]
    assert kinds[0] == "intake" and "red_flag" in kinds and "debrief" in kinds
    if case.expected.treat_today:
        assert "irritability" in kinds and "plan" in kinds
    else:
        assert "referral" in kinds
    gates = [r for s in case.steps for r in s.requires]
    if case_id in REQUIRED:
        assert {"q_ces", "q_legs", "q_history"} <= set(gates), "the red-flag screen is a must-ask gate"
    # every red flag the client has is found by a must-ask question: a student cannot decide without asking it
    gated_asks = {f for cid in gates for f in case.choice(cid).asks}
    present = [fv.finding for fv in case.findings
               if fv.value is True and COURSE.findings[fv.finding].group == "red_flag"]
    assert not [f for f in present if f not in gated_asks], "a red flag of the case is not behind a must-ask gate"
    safeties = {c.safety for s in case.steps for c in s.choices}
    assert {"safe", "suboptimal"} <= safeties and safeties & {"unsafe", "critical"}
    for s in case.steps:
        for c in s.choices:
            assert c.sources and c.rationale and c.feedback


def test_safety_classes_used_per_case():
    """The classes each case uses (printed for the issue note with -s)."""
    for case in COURSE.cases:
        used = sorted({c.safety for s in case.steps for c in s.choices}, key=SAFETY_ORDER.index)
        print(f"{case.id}: urgency {case.expected.urgency}, irritability {case.expected.irritability}, "
              f"classes {', '.join(used)}")
        assert used[0] == "safe"


def test_what_ifs_use_recommend():
    d = cases.play_expert("desk_worker_disc", course=COURSE).debrief()
    labels = [w.label for w in d.what_ifs]
    assert any("low irritability" in l for l in labels) and any("anticoagulants" in l for l in labels)
    low = next(w for w in d.what_ifs if "low irritability" in w.label)
    assert low.irritability == "low" and low.differences
    # male client: no pregnancy variant; a pregnant client is not made pregnant again
    assert not any("pregnant" in l for l in labels)
    preg = cases.play_expert("pregnancy_pelvic_girdle", course=COURSE).debrief()
    assert not any("pregnant" in w.label for w in preg.what_ifs)
    runner = cases.play_expert("piriformis_runner", course=COURSE).debrief()
    pw = next(w for w in runner.what_ifs if "pregnant" in w.label)
    assert pw.changes == {"pregnancy_weeks": 24} and pw.treat_today is True


@pytest.mark.parametrize("case_id", list(NEW_RED_FLAG_CASES))
def test_new_red_flag_cases_teach_the_route(case_id):
    """Issue 15: each new case is tagged, every option is explained, slower-than-required referrals are critical,
    and the debrief names the route the rules give."""
    case = COURSE.cases[case_id]
    assert case.tags.lesson == "case_clinic" and case.tags.topics and case.tags.mblex_domains
    rec = cases.agreement_report(COURSE)
    entry = next(e for e in rec if e["case"] == case_id)
    assert entry["problems"] == [] and entry["skipped"] == []
    for s in case.steps:
        for c in s.choices:
            assert len(c.feedback) > 40 and c.rationale and c.sources, (case_id, c.id)
    if case.expected.urgency == "emergency":
        slower = [c for s in case.steps if s.kind in ("red_flag", "referral") for c in s.choices
                  if c.urgency in ("none", "routine", "urgent")]
        assert slower and all(c.safety == "critical" for c in slower), case_id
    summary = case.step("end").prompt.lower()
    route = {"aortic_aneurysm_back_pain": "ambulance", "anticoagulated_fall_head_injury": "emergency department",
             "pregnancy_warning_signs": "maternity", "chemotherapy_fever": "24-hour line",
             "vascular_claudication_walker": "routine gp"}[case_id]
    assert route in summary, (case_id, route)
