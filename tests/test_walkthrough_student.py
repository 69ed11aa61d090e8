"""What a student read in the browser walk-through of 2026-11-30 (issue 16, "What the student sees"): the faults
it found, each as a test that would have caught it."""
from __future__ import annotations

import re

import pytest

from sciatica_course import load_course
from sciatica_course.reasoning import recommend
from sciatica_course.reasoning.findings import findings_dict

COURSE = load_course()
RANK = {"none": 0, "routine": 1, "urgent": 2, "emergency": 3}
# how a text states an urgency (the Emergency Department as a destination is not itself a level)
STATED = (("emergency", re.compile(r"\ban emergency\b|\bis an emergency\b|\bemergency\b(?! department)", re.I)),
          ("urgent", re.compile(r"\burgent\b", re.I)))
CONDITIONAL = re.compile(r"\b(?:if|would|could|whenever|ever|becomes?|unless)\b", re.I)
HYPOTHETICAL = re.compile(r"\bNeither\b|\bNot (?:his|her|their) story\b")


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;])\s+", text) if s.strip()]


def _intake_steps():
    for client in COURSE.intake:
        for q in client.questions:
            yield pytest.param(client, q, id=f"{client.id}-{q.id}")


@pytest.mark.parametrize("client,q", list(_intake_steps()))
def test_intake_text_agrees_with_recommend(client, q):
    """Lesson 3, Robert: the text said "an emergency. Stop the intake there and refer" after the cancer question
    while the live badge (recommend on what is known) said URGENT. An answer's stated urgency is what recommend
    gives for it; a higher level the text names must be conditional ("if he also has ...")."""
    alone = recommend(findings_dict(q.findings, COURSE), COURSE).urgency
    assert (q.urgency or "none") == alone, (
        f"{client.id}/{q.id}: the text is declared {q.urgency or 'none'} but recommend gives {alone} for this "
        "answer on its own (set `urgency:` in data/intake.yaml and make the text say it)")
    if q.urgency in ("urgent", "emergency"):
        assert re.search(q.urgency, q.changes, re.I), f"{client.id}/{q.id}: the text does not say {q.urgency}"
    for sentence in _sentences(q.changes):
        for level, pattern in STATED:
            if pattern.search(sentence) and RANK[level] > RANK[alone]:
                assert CONDITIONAL.search(sentence) or HYPOTHETICAL.search(q.changes), (
                    f"{client.id}/{q.id}: {sentence!r} states {level} unconditionally, but this answer gives "
                    f"{alone}")


@pytest.mark.parametrize("client", list(COURSE.intake), ids=lambda c: c.id)
def test_intake_summary_agrees_with_recommend(client):
    every = {}
    for q in client.questions:
        every.update(findings_dict(q.findings, COURSE))
    level = recommend(every, COURSE).urgency
    stated = [lv for lv, p in STATED
              if any(p.search(s) and not CONDITIONAL.search(s) for s in _sentences(client.summary))]
    if stated:
        assert stated[0] == level, f"{client.id}: the summary says {stated[0]}, recommend gives {level}"


def test_conditions_read_as_sentences_for_students():
    from sciatica_course.conditions import student_describe

    rules = {r.id: r for rf in COURSE.red_flags for r in rf.rules}
    text = student_describe(rules["cancer_neuro"].when, COURSE)
    assert text.startswith("History of cancer") and ", together with symptoms below the knee, " in text
    assert " or " in text and " OR " not in text and " AND " not in text
    ind = {r.id: r for r in COURSE.irritability}
    seen = {student_describe(r.when, COURSE) for r in COURSE.irritability if getattr(r, "when", None) is not None}
    assert "Pain 7 or more out of 10" in seen
    assert "Taking 120 minutes or more to settle after a flare" in seen
    assert "Pregnant" in seen, seen
    every = [student_describe(r.when, COURSE) for rf in COURSE.red_flags for r in rf.rules]
    every += [student_describe(c.when, COURSE) for c in COURSE.contraindications]
    every += list(seen)
    assert any(t.startswith("4 weeks or more since it started") and "not getting better" in t for t in every)
    assert any("aged 50 or over" in t.lower() for t in every)
    for t in every:
        assert not re.search(r"\b(?:AND|OR|NOT)\b|[≥≤=<>]|_", t), t
    del ind


def test_student_tables_show_no_code_like_logic():
    """The red-flag tables' "When", lesson 5's indicator "Rule" and the stop rules' "Applies" columns."""
    from sciatica_course.widgets.assessment import red_flag_table, rules_table
    from sciatica_course.widgets.treatment import indicator_table, stop_rule_table

    for block in (red_flag_table(course=COURSE), rules_table(course=COURSE), indicator_table(course=COURSE),
                  stop_rule_table(course=COURSE)):
        html = block._repr_html_()
        assert not re.search(r"\bAND\b|\bOR\b|\bNOT\b|[≥≤]|&gt;=|&lt;=", re.sub(r"<[^>]+>", " ", html)), html[:300]


def test_number_boxes_give_zero_one_meaning():
    """Lesson 4: "Weeks of pregnancy (0 if not pregnant) (0 = not asked)"."""
    from sciatica_course.widgets.assessment import ScreeningWidget
    from sciatica_course.widgets.treatment import session_planner

    labels = [c.description for c in ScreeningWidget(course=COURSE).controls.values()]
    planner = session_planner(course=COURSE)
    labels += [getattr(c, "description", "") for c in getattr(planner, "controls", {}).values()]
    assert "Weeks of pregnancy (0 = not pregnant)" in labels
    for label in labels:
        assert label.count("0 =") + label.count("0 if") <= 1, label


DIAGNOSING = re.compile(r"^\W*(?:Tell (?:them|the client)|Say|You have)\b.*\b(?:disc|herniation|syndrome|it is probably)"
                        r"|\bYou have [a-z ]*(?:syndrome|herniation|disc)\b", re.I)


def test_options_that_diagnose_the_client_are_unsafe():
    """Lesson 2: "Tell the client they have an L5-S1 disc herniation" answered Certain got only "Not quite": a
    massage therapist does not diagnose. Every option that tells a client what they have carries a safety class
    and says why (scope of practice)."""
    found = []
    for q in COURSE.quizzes:
        for o in q.options:
            if DIAGNOSING.search(o.text) and not o.correct:
                found.append(o)
                assert o.safety in ("unsafe", "critical"), f"{q.id}/{o.id}: {o.text!r} diagnoses the client"
                assert "scope" in (o.harm or "").lower(), f"{q.id}/{o.id}: the harm should explain scope of practice"
    assert len(found) >= 3


def _presentation_for(condition) -> dict:
    """A low-irritability presentation in which ``condition`` holds."""
    from rulekit import holding

    return holding(condition, base={"pain_score": 2}, course=COURSE)


def _capping_cautions():
    for c in COURSE.contraindications:
        if c.category in ("local", "caution") and c.when is not None and (
                c.pressure or {"static_stretch", "contract_relax"} & set(c.excluded_techniques)):
            yield pytest.param(c, id=c.id)


@pytest.mark.parametrize("c", list(_capping_cautions()))
def test_explained_dose_respects_the_cautions_in_force(c):
    """Lesson 6, Walter (osteoporosis, long-term steroids, low irritability): the dose said "deeper or specific
    work", "stretching including end range" and "tensioners" while the osteoporosis caution on the same page said
    gentle pressure only, no end-range stretching."""
    from sciatica_course.reasoning import explain

    rec = recommend(_presentation_for(c.when), COURSE)
    if not rec.treat_today:
        pytest.skip("no treatment today")
    lvl = next(r for r in COURSE.irritability if r.kind == "level" and r.level == rec.irritability)
    dose = next(p.text for p in explain(rec, COURSE) if p.text.startswith("Dose for"))
    if c.pressure:
        assert lvl.dosage.pressure not in dose or lvl.dosage.pressure.lower().startswith("light"), dose
        assert "at most today" in dose and c.name in dose, dose
    if {"static_stretch", "contract_relax"} & set(c.excluded_techniques):
        assert lvl.dosage.movement not in dose and "no end-range" in dose, dose
        assert not re.search(r"(?<!no )end range|(?<!or nerve )tensioners if", dose), dose


def test_walter_explanation_says_each_thing_once():
    """The same sentence twice per technique ("Whatever the level allows, keep pressure light at most"), once per
    caution; and the plan's dose reason names the limit."""
    from sciatica_course.reasoning import explain

    rec = recommend({"age": 71, "osteoporosis": True, "long_term_corticosteroids": True, "pain_score": 3}, COURSE)
    for tid, how in rec.modifications.items():
        sentences = [s.strip() for s in re.split(r"(?<=\.)\s+(?=[A-Z])", how) if s.strip()]
        starts = [s.split("(")[0] for s in sentences]
        assert len(starts) == len(set(starts)), (tid, how)
    text = str(explain(rec, COURSE))
    assert "Deeper or specific work" not in text and "Stretching including end range" not in text
    irr = next(r for r in rec.reasons if r.kind == "irritability")
    assert "Limited today: pressure light at most" in irr.text


def _truncated_labels():
    from sciatica_course.text import short_cite

    out = {}
    for s in COURSE.sources:
        label = short_cite(s.id, COURSE)
        if "…" in label:
            out[label] = s
    return out


def test_cut_source_titles_come_with_the_full_reference():
    """Lesson 3: source titles cut with "…" where the student reads them, with no Sources block giving the whole
    title. Every output that shows a cut label also shows the full reference."""
    import html as _html

    from sciatica_course.text import student_text
    from test_student_text import STUDENT_LESSONS, lesson_widget_texts

    cut = _truncated_labels()
    assert cut, "no cut labels: the test has nothing to check"
    from sciatica_course.widgets.assessment import IntakeConversation

    outputs = [(lesson.notebook, t) for lesson in STUDENT_LESSONS for t in lesson_widget_texts(lesson)]
    for client in COURSE.intake:                 # what the intake shows once every question is asked
        w = IntakeConversation(client.id, course=COURSE)
        for q in client.questions:
            w.ask(q.id)
        w.finish()
        outputs += [(f"intake {client.id}", w.transcript.value), (f"intake {client.id}", w.summary.value)]
    found = []
    for where, t in outputs:
        if True:
            plain = _html.unescape(t)
            for label, src in cut.items():
                if label in plain and student_text(src.citation) not in plain:
                    found.append(f"{where}: {label!r} without its full reference")
    assert not found, "\n".join(dict.fromkeys(found))


def test_empty_planner_says_nothing_was_screened():
    """Lesson 7: the planner with nothing asked showed "Treat today" with every technique ticked."""
    from sciatica_course.widgets.treatment import session_planner

    p = session_planner(course=COURSE)
    shown = p.plan_html.value
    assert "Nothing screened yet" in shown and "Treat today" not in shown and "✓" not in shown
    assert "red-flag questions" in shown
    p.explain()
    assert "Nothing screened yet" in p.explain_html.value
    p.set(pain_score=5)
    assert "Treat today" in p.plan_html.value
    p.reset()
    assert "Nothing screened yet" in p.plan_html.value


def test_referral_scripts_are_quoted_once():
    """Lesson 7: 'Say: “"What you have told me...' - a script already in quotes was wrapped in quotes again."""
    from sciatica_course.reasoning import explain
    from sciatica_course.widgets.treatment import plan_html

    for rf in COURSE.red_flags:
        for rule in rf.rules:
            rec = recommend(_presentation_for(rule.when), COURSE)
            texts = [plan_html(rec, COURSE), str(explain(rec, COURSE))]
            for t in texts:
                assert not re.search(r"[\"“][\"“]", t.replace("&quot;", '"')), (rule.id, t[:400])


def test_case_score_line_shows_the_gate_and_matches_the_lesson():
    """Lesson 8: the must-ask gate's penalty (−2) never showed in "Score so far", and "+5 points (certainty +2)"
    did not match the intro's "+1/+2/+3, 0/−2/−6"."""
    import json
    from pathlib import Path

    from sciatica_course.widgets.case_player import CasePlayer

    p = CasePlayer("anticoagulated_older_client", course=COURSE, record=False)
    gated = next(st for st in p.session.case.steps if st.requires)
    first = next(c.id for c in p.session.current.choices if c.id not in gated.requires)
    p.ask([first])
    p.done_asking()
    fb = p.choose(p.session.current.choices[0].id)      # deciding before the must-ask questions
    assert fb.gate and fb.gate_points == -gated.gate_penalty
    assert "must-ask gate \u22122" in p.score_html.value, p.score_html.value
    assert f"Score so far: {max(p.session.score, 0):g} of" in p.score_html.value   # never a negative "of"
    assert "This costs \u22122 points" in p.feedback.value
    p.ask([c for c in gated.requires])
    p.done_asking()
    p.confidence.value = 2
    fb = p.choose(p.session.current.choices[0].id)
    shown = p.feedback.value
    assert "for your certainty (Fairly sure)" in shown and "for the choice" in shown, shown
    assert f"{fb.certainty_marks:+g} for your certainty".replace("-", "\u2212") in shown
    nb = json.loads((Path(__file__).parents[1] / "notebooks" / "08_case_clinic.ipynb").read_text())
    intro = " ".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    intro = re.sub(r"\s+", " ", intro)
    assert "+1, +2 or +3" in intro and "0, −2 or −6" in intro
    assert "for the choice" in intro and "for your certainty" in intro
    assert {st.gate_penalty for c in COURSE.cases for st in c.steps if st.requires} == {2.0}
    assert "must-ask gate costs 2 points" in intro


def test_data_text_never_names_the_internal_sheet():
    """Lesson 3: "That is the sheet's definition", "(sheet section 14)": the evidence sheet is the team's working
    document, not something a student has. No text in data/ that a student can read names it."""
    from pathlib import Path

    import yaml

    root = Path(__file__).parents[1] / "data"
    found = []

    def walk(node, where):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("id", "sources", "kind", "fact_ids", "url"):
                    continue
                walk(v, f"{where}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}[{i}]")
        elif isinstance(node, str) and re.search(r"\bsheet\b", node, re.I):
            found.append(f"{where}: {node[:120]!r}")

    for path in sorted(root.rglob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), path.relative_to(root).as_posix())
    assert not found, "\n".join(found)


def test_planner_what_changed_covers_every_edit_since_the_last_clear():
    """Lesson 6: "What changed: nothing in the plan." after several findings had changed the plan - the diff
    compared with the last edit only (setting the pain after ticking osteoporosis changes nothing by itself)."""
    from sciatica_course.widgets.treatment import session_planner

    p = session_planner(course=COURSE)
    p.reset()
    for fid, value in (("osteoporosis", True), ("long_term_corticosteroids", True), ("pain_score", 3),
                       ("age", 71)):
        p.controls[fid].value = value          # what a click or typing does
    shown = p.changes_html.value
    assert "nothing" not in shown, shown
    assert "Known osteoporosis" in shown and "Age (71)" in shown and "left out now" in shown, shown
    p.reset()                                  # a clear starts a new comparison
    p.controls["pain_score"].value = 3
    assert "these findings do not change it" in p.changes_html.value
