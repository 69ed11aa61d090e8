"""Broken cases are refused with file:line: field: message; a case that contradicts the course's rules is
refused by the recommend-agreement check. Fixtures: tests/fixtures/cases/*.yaml."""
import shutil
from pathlib import Path

import pytest

from sciatica_course import DataError, load_course
from sciatica_course.loading import validate

DATA = Path(__file__).resolve().parent.parent / "data"
FIX = Path(__file__).resolve().parent / "fixtures" / "cases"


def data_with(tmp_path, *fixtures, keep_cases=False):
    """A copy of the course data whose cases/ folder holds only the given fixture files."""
    root = tmp_path / "data"
    shutil.copytree(DATA, root, ignore=shutil.ignore_patterns("schema"))
    if not keep_cases:
        for f in (root / "cases").glob("*.yaml"):
            f.unlink()
    for name in fixtures:
        shutil.copy(FIX / f"{name}.yaml", root / "cases" / f"{name}.yaml")
    return root


def line_of(name, needle):
    for i, line in enumerate((FIX / f"{name}.yaml").read_text().splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {name}")


def problems_for(tmp_path, name):
    root = data_with(tmp_path, name)
    probs = validate(root)
    assert probs, f"{name} should be refused"
    assert all(p.file.endswith(f"{name}.yaml") for p in probs), [str(p) for p in probs]
    return probs


CASES = [  # fixture, expected words in the message, the line the message must point at
    ("unreachable", "cannot be reached from the start", "# BROKEN"),
    ("dangling_next", "'nowhere' is not a step id", "# BROKEN"),
    ("cycle", "a path never ends", "# BROKEN"),
    ("unknown_finding", "'sciatica_severity' is not an id in findings.yaml", "# BROKEN"),
    ("contradicts_rules", "recommend(findings) gives urgency 'emergency' but the case expects 'none'", "# BROKEN"),
    ("expert_technique_avoided", "the expert plan uses 'deep_tissue', which recommend(findings) avoids", "# BROKEN"),
    ("expert_mismatch", "the expert choice says urgency 'none'; expected says 'urgent'", "urgency: none"),
    # the grading table (fact sheet CASE-01), checked against recommend(findings)
    ("misgraded_slow_referral", "choice 'gp_soon' is graded 'unsafe' but the grading table (CASE-01) makes it "
                                "critical: it refers with urgency 'urgent' where the rules give an emergency",
     "# BROKEN"),
    ("misgraded_good_referral", "choice 'say_ed' is graded 'unsafe' but the grading table (CASE-01) makes it safe "
                                "to suboptimal", "# BROKEN"),
    ("misgraded_technique", "choice 'deep' is graded 'unsafe' but the grading table (CASE-01) makes it critical: "
                            "it uses a technique a contraindication excludes today: deep_tissue", "# BROKEN"),
    ("referral_without_urgency", "a referral choice says its urgency and treat_today", "# BROKEN"),
]


@pytest.mark.parametrize("name,words,needle", CASES, ids=[c[0] for c in CASES])
def test_broken_case_is_refused_with_file_and_line(tmp_path, name, words, needle):
    probs = problems_for(tmp_path, name)
    hits = [p for p in probs if words in p.message]
    assert hits, "\n".join(map(str, probs))
    assert hits[0].line == line_of(name, needle), str(hits[0])
    text = str(hits[0])
    assert text.startswith(str(tmp_path)) and f":{hits[0].line}: fx_{name}" in text


def test_load_course_refuses_a_case_that_contradicts_the_rules(tmp_path):
    with pytest.raises(DataError) as e:
        load_course(data_with(tmp_path, "contradicts_rules"))
    assert "recommend(findings) gives urgency 'emergency' but the case expects 'none'" in str(e.value)
    assert "contradicts_rules.yaml:" in str(e.value)


def test_the_valid_fixture_loads(tmp_path):
    course = load_course(data_with(tmp_path, "script_in_text"))
    assert course.cases.ids == ("fx_script_in_text",)


def test_a_bad_case_does_not_hide_the_others(tmp_path):
    probs = validate(data_with(tmp_path, "unreachable", "dangling_next", keep_cases=True))
    files = {Path(p.file).name for p in probs}
    assert files == {"unreachable.yaml", "dangling_next.yaml"}


def test_course_check_never_raises_when_reasoning_fails(tmp_path, monkeypatch):
    """The agreement check runs inside load_course for everyone: a crash in recommend is skipped, not raised."""
    import sciatica_course.reasoning as reasoning
    from sciatica_course import cases

    def boom(*a, **k):
        raise RuntimeError("reasoning being rewritten")

    monkeypatch.setattr(reasoning, "recommend", boom)
    course = load_course(data_with(tmp_path, "contradicts_rules"))   # loads: not compared, not raised
    report = cases.agreement_report(course)
    assert report[0]["skipped"] and not report[0]["problems"]


def test_placeholder_reasoning_is_detected_and_skipped(tmp_path, monkeypatch):
    """While the screening and treatment halves are placeholders, urgency and irritability are not compared."""
    import sciatica_course.reasoning as reasoning
    from sciatica_course import cases
    from sciatica_course.reasoning import Recommendation

    def placeholder(findings, course=None):
        return Recommendation(urgency="none", treat_today=True, irritability=None, techniques=(), avoided={},
                              position=None, reasons=())

    monkeypatch.setattr(reasoning, "recommend", placeholder)
    course = load_course(data_with(tmp_path, "contradicts_rules"))
    entry = cases.agreement_report(course)[0]
    assert entry["problems"] == []
    text = " ".join(entry["skipped"])
    assert "urgency and treat_today not compared" in text and "irritability not compared" in text


def test_treatment_half_live_but_screening_placeholder(tmp_path, monkeypatch):
    """Reasons from the treatment half alone do not make the screening look implemented."""
    import sciatica_course.reasoning as reasoning
    from sciatica_course import cases
    from sciatica_course.reasoning import Reason, Recommendation

    def half(findings, course=None):
        return Recommendation(urgency="none", treat_today=True, irritability="low", techniques=("effleurage",),
                              avoided={}, position="prone",
                              reasons=(Reason("low irritability", ("irritability_synthesis",), kind="irritability"),))

    monkeypatch.setattr(reasoning, "recommend", half)
    course = load_course(data_with(tmp_path, "contradicts_rules"))
    entry = cases.agreement_report(course)[0]
    assert entry["problems"] == [] and "urgency and treat_today not compared" in " ".join(entry["skipped"])


def test_every_library_choice_is_graded_as_the_table_says():
    """CASE-01 over the real library: no choice of any case is graded outside what the table allows, and the
    table has something to say about every red-flag and referral choice (each states urgency and treat_today)."""
    from sciatica_course import casecheck
    from sciatica_course.reasoning import recommend

    course = load_course()
    checked = 0
    for case in course.cases:
        rec = recommend(case.findings_dict(), course=course)
        assert casecheck.grading_problems(case, rec, course) == [], case.id
        excluded = casecheck.excluded_by_contraindication(rec, course) if rec.treat_today else {}
        for step in case.steps:
            if step.kind in ("red_flag", "referral"):
                for c in step.choices:
                    assert casecheck.grade_bounds(c, step.kind, rec, excluded) is not None, (case.id, c.id)
                    checked += 1
    assert checked >= 60


def test_grading_table_rules():
    """The table itself, on a hand-made recommendation: treating when urgent is critical, a slower referral in an
    emergency is critical, a routine referral when urgent is unsafe, a referral at or above the need is never worse
    than suboptimal, skipping a routine review is at least suboptimal."""
    from types import SimpleNamespace as NS

    from sciatica_course.casecheck import grade_bounds

    def rec(urgency, treat):
        return NS(urgency=urgency, treat_today=treat, reasons=(), avoided={}, irritability=None)

    def choice(u, t, techniques=()):
        return NS(urgency=u, treat_today=t, techniques=techniques)

    assert grade_bounds(choice("none", True), "red_flag", rec("urgent", False), {})[:2] == ("critical", "critical")
    assert grade_bounds(choice("routine", True), "referral", rec("urgent", False), {})[:2] == ("critical", "critical")
    assert grade_bounds(choice("urgent", False), "red_flag", rec("emergency", False), {})[:2] == ("critical", "critical")
    assert grade_bounds(choice("routine", False), "red_flag", rec("urgent", False), {})[:2] == ("unsafe", "critical")
    assert grade_bounds(choice("urgent", False), "referral", rec("urgent", False), {})[:2] == ("safe", "suboptimal")
    assert grade_bounds(choice("emergency", False), "referral", rec("urgent", False), {})[:2] == ("safe", "suboptimal")
    assert grade_bounds(choice("routine", True), "red_flag", rec("none", True), {})[:2] == ("safe", "suboptimal")
    assert grade_bounds(choice("none", True), "red_flag", rec("routine", True), {})[:2] == ("suboptimal", "critical")
    assert grade_bounds(choice(None, None), "irritability", rec("none", True), {}) is None


def test_the_validate_command_refuses_a_misgraded_library_case(tmp_path):
    """`sciatica-course validate` on a copy of the real data where one good referral of the real library is marked
    down (the cauda equina case's Emergency Department choice graded 'suboptimal' -> 'unsafe'): exit 1, the
    problem as file:line: field: message at the safety line, and nothing loaded."""
    import subprocess
    import sys

    root = data_with(tmp_path, keep_cases=True)
    path = root / "cases" / "cauda_equina.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, l in enumerate(lines) if l.strip() == "- id: ref_diagnose")
    n = next(i for i in range(start, len(lines)) if lines[i].strip() == "safety: suboptimal")
    lines[n] = lines[n].replace("suboptimal", "unsafe")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "sciatica_course", "validate", str(root)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout.splitlines() == [
        f"{path}:{n + 1}: cauda_equina.steps[2].choices[1].safety: choice 'ref_diagnose' is graded 'unsafe' but the "
        "grading table (CASE-01) makes it safe to suboptimal: it refers with urgency 'emergency', at the required "
        "urgency; a referral at or above the urgency the rules give is never unsafe or critical"], r.stdout
    assert "nothing was loaded" in r.stderr


def test_driving_the_client_where_the_rule_says_ambulance_is_unsafe_at_least():
    """RF-07a: a suspected leaking aneurysm is "call an ambulance, do not drive them". A choice at the right
    urgency that sends the client by car is graded unsafe at least (the review found it graded suboptimal)."""
    from types import SimpleNamespace as NS

    from sciatica_course import casecheck
    from sciatica_course.reasoning import recommend

    def rec(ambulance):
        ref = NS(urgency="emergency", rule="aneurysm_rupture_suspected", ambulance=ambulance)
        return NS(urgency="emergency", treat_today=False, reasons=(), avoided={}, irritability=None, referrals=(ref,))

    def choice(transport):
        return NS(urgency="emergency", treat_today=False, techniques=(), transport=transport)

    assert casecheck.grade_bounds(choice("own_way"), "referral", rec(True), {})[:2] == ("unsafe", "critical")
    assert casecheck.grade_bounds(choice("ambulance"), "referral", rec(True), {})[:2] == ("safe", "suboptimal")
    assert casecheck.grade_bounds(choice(None), "referral", rec(True), {})[:2] == ("safe", "suboptimal")
    # where the rule does not insist on an ambulance (e.g. cauda equina: the ED by any safe means), a car is fine
    assert casecheck.grade_bounds(choice("own_way"), "referral", rec(False), {})[:2] == ("safe", "suboptimal")
    # the real rule and the real case
    course = load_course()
    r = recommend(dict(age=72, sudden_severe_back_pain=True, known_aneurysm=True), course=course)
    assert r.referral.rule == "aneurysm_rupture_suspected" and r.referral.ambulance
    case = course.cases["aortic_aneurysm_back_pain"]
    drive = next(c for s in case.steps for c in s.choices if c.id == "ref_drive")
    assert drive.transport == "own_way" and drive.safety in ("unsafe", "critical") and drive.points <= 0
    assert "nsafe" in drive.feedback or "ritical" in drive.feedback
    # graded 'suboptimal' again, the check refuses it
    from dataclasses import replace
    bad = replace(case, steps=tuple(replace(s, choices=tuple(replace(c, safety="suboptimal") if c.id == "ref_drive"
                                                                 else c for c in s.choices)) for s in case.steps))
    problems = casecheck.grading_problems(bad, recommend(case.findings_dict(), course=course), course)
    assert any("ref_drive" in msg and "ambulance" in msg for _path, msg in problems), problems


def test_a_contraindicated_position_is_critical_like_a_contraindicated_technique():
    """CASE-01 / CI-08: flat supine for 40 minutes at 26 weeks is excluded by a contraindication, so the choice is
    critical (the review found it graded unsafe)."""
    from sciatica_course import casecheck
    from sciatica_course.reasoning import recommend

    course = load_course()
    case = course.cases["pregnancy_pelvic_girdle"]
    rec = recommend(case.findings_dict(), course=course)
    excluded = casecheck.excluded_by_contraindication(rec, course)
    assert "position:supine" in excluded and rec.position != "supine"
    supine = next(c for s in case.steps for c in s.choices if c.id == "plan_supine")
    assert casecheck.grade_bounds(supine, "plan", rec, excluded)[:2] == ("critical", "critical")
    assert supine.safety == "critical" and "ritical" in supine.feedback


def test_no_referral_at_all_for_an_urgent_picture_is_critical():
    """Clinical review (fourth pass): "mention the foot if it is no better in a month", said to a bus driver with a
    new foot drop, was graded unsafe. No referral for an urgent picture is critical, in cases as in the quizzes; a
    routine referral (without treating) stays unsafe at least (CASE-01)."""
    from types import SimpleNamespace as NS

    from sciatica_course import casecheck

    rec = NS(urgency="urgent", treat_today=False, reasons=(), avoided={}, irritability=None, referrals=())
    none = NS(urgency="none", treat_today=False, techniques=())
    routine = NS(urgency="routine", treat_today=False, techniques=())
    assert casecheck.grade_bounds(none, "referral", rec, {})[:2] == ("critical", "critical")
    assert casecheck.grade_bounds(routine, "referral", rec, {})[:2] == ("unsafe", "critical")
    reassure = next(c for s in load_course().cases["new_foot_drop"].steps for c in s.choices if c.id == "ref_reassure")
    assert reassure.safety == "critical" and reassure.urgency == "none" and reassure.feedback.startswith("Critical")


def test_the_expert_timeframe_agrees_with_the_rules():
    """The safe path quotes the expert's red-flag choice word for word: for a suspected DVT it read "see a doctor
    today or within a few days" while the rule says today (review, fourth pass). Where the top referral is for
    today, the expert's words never offer "within a few days" or "tomorrow"."""
    from sciatica_course.reasoning import recommend

    course = load_course()
    wrong = []
    for case in course.cases:
        rec = recommend(case.findings_dict(), course=course)
        ref = rec.referral
        if ref is None or "few days" in ref.timeframe.lower() or not any(
                w in ref.timeframe.lower() for w in ("today", "same day", "now")):
            continue
        for step in case.steps:
            for c in step.choices:
                if c.expert and step.kind in ("red_flag", "referral") and any(
                        w in c.text.lower() for w in ("within a few days", "tomorrow", "this week")):
                    wrong.append(f"{case.id}.{c.id}: {c.text[:90]} (rule: {ref.timeframe})")
    assert not wrong, "\n".join(wrong)
