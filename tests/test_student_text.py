"""What a student reads: lesson cells that do not give answers away, and student text without internal codes.

Issue 16 (items 2 and 7): the visible call ``widgets.quiz("roots_dermatome_l5")`` named the answer, and fact
codes, source keys, seed numbers and snake_case ids leaked into markdown and widget text.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sciatica_course import load_course

ROOT = Path(__file__).parents[1]
COURSE = load_course()
STUDENT_LESSONS = sorted((l for l in COURSE.lessons if not l.instructor), key=lambda l: l.number)


def code_cells(lesson) -> list:
    nb = json.loads((ROOT / "notebooks" / lesson.notebook).read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


# Lessons show their questions by position: quiz(2, 3) is the third lesson-2 item in data/quizzes.yaml. These are
# the positions the notebooks were written against; new items are APPENDED (a lesson's list may grow at its
# end), never inserted or reordered, or a lesson would show a different question under its section.
PINNED = {
    0: ['start_scope', 'start_sciatica_definition', 'start_red_flag_action'],
    1: ['path_roots', 'path_exit_pelvis', 'path_gluteal_landmark', 'path_division_level', 'path_piriformis_supply',
        'path_fibular_head', 'path_variant_meaning', 'path_thigh_skin', 'kin_piriformis_action_flexion',
        'kin_hamstring_division'],
    2: ['roots_l5_key_test', 'roots_reflexes', 'roots_dermatome_l5', 'roots_disc_level', 'roots_single_tests',
        'roots_scope', 'roots_ankle_reflex_age', 'roots_l4_region', 'roots_case_foot_drop', 'kin_l5_key_muscle',
        'kin_gluteus_medius_l5'],
    3: ['assess_why_ask_history', 'assess_sitting_walking', 'assess_slr_positive', 'assess_slr_populations',
        'assess_lr_meaning', 'assess_crossed_slr', 'assess_fair_caveat', 'assess_scope'],
    4: ['rf_saddle_question', 'rf_ces_action', 'rf_serious_not_emergency', 'rf_fever', 'rf_dvt', 'rf_foot_drop',
        'rf_single_flags'],
    5: ['irr_definition', 'irr_sinss', 'irr_rate_case', 'irr_high_dosage', 'irr_reliability', 'irr_worse_pain',
        'irr_stop_rule'],
    6: ['ci_systemic_local', 'ci_dvt', 'ci_anticoagulants', 'ci_pregnancy_position', 'ci_osteoporosis',
        'ci_neuropathy', 'ci_batavia', 'ci_endangerment', 'pos_pregnancy_supine'],
    7: ['tech_high_avoid', 'tech_slider_tensioner', 'tech_nice', 'tech_cochrane', 'tech_natural_history',
        'tech_long_sitting', 'tech_anticoag_plan', 'pos_high_irritability_support'],
    8: ['clinic_something_odd', 'clinic_cancer_urgency', 'clinic_anticoagulant_plan', 'clinic_less_pain_foot_drop',
        'clinic_referral_words', 'clinic_hip_precautions'],
    9: ['revision_spacing_plan', 'revision_calibration_reading', 'revision_ask_explicitly'],
}


@pytest.mark.parametrize("number", sorted(PINNED))
def test_quiz_positions_only_grow_at_the_end(number):
    from sciatica_course.widgets.common import lesson_items

    now = [q.id for q in lesson_items(number, COURSE)]
    assert now[:len(PINNED[number])] == PINNED[number], (
        f"lesson {number}'s quiz items were reordered or one was inserted in the middle of data/quizzes.yaml; "
        "lessons show questions by position, so append new items at the end of the file")


@pytest.mark.parametrize("lesson", STUDENT_LESSONS, ids=lambda l: l.id)
def test_quiz_cells_do_not_name_the_answer(lesson):
    """A lesson asks for its questions as quiz(lesson number, n): the cell a student sees names no item id (the ids
    describe the answer, e.g. roots_dermatome_l5), and every question shown belongs to the lesson."""
    from sciatica_course.widgets.common import lesson_items

    seen = []
    for src in code_cells(lesson):
        for call in re.findall(r"quiz(?:_set)?\(([^)]*)\)", src):
            args = [a.strip() for a in call.split(",") if a.strip()]
            assert args and not re.search(r"['\"]", args[0]), (
                f"{lesson.notebook}: {src!r} names a quiz item; use widgets.quiz({lesson.number}, n)")
            if "quiz_set(" in src:
                continue
            assert args[0] == str(lesson.number), f"{lesson.notebook}: {src!r} shows another lesson's question"
            seen.append(int(args[1]))
    assert len(seen) == len(set(seen)), f"{lesson.notebook} shows a question twice"
    assert all(1 <= n <= len(lesson_items(lesson.number, COURSE)) for n in seen)


# ---- what a student reads: no internal codes, keys, seed numbers or ids (issue 16, item 7)

import html as _html  # noqa: E402

LEAKS = (
    (re.compile(r"\b(?:ANAT|CASE|CI|EV|IRR|KIN|RF|ROOT|STR|TECH|TEST)-\d{2}[a-z]?\b"), "an evidence-sheet fact code"),
    (re.compile(r"\[\s*[a-z0-9]+_[a-z0-9_]*(?:\s*,\s*[a-z0-9_]+)*\s*\]"), "source keys in brackets"),
    (re.compile(r"\bseed(?:s|'s)?\b|\bsource articles? \d|\bseed article", re.I), "a seed article named"),
    (re.compile(r"(?<![\w/.-])[a-z]+(?:_[a-z0-9]+)+\b"), "a snake_case id"),
    (re.compile(r"\b[\w-]+\.(?:yaml|py|md)\b|shared/reference"), "an internal file"),
    (re.compile(r"\b(\w{3,}) \1\b", re.I), "a doubled word"),
    (re.compile(r"\b(Right|Correct|Not quite)\.\s+\1\b"), "a doubled verdict"),
    # walk-through of 2026-11-30 (issue 16 "What the student sees", items 3, 5, 6)
    (re.compile(r"\bAND NOT\b|\) AND\b|\bAND \(|\bOR [^.]{0,80}\bOR\b|[≥≤]|>=|<="), "a rule written as code-like logic"),
    (re.compile(r"\bthe sheet's\b|\bsheet section\b|\(sheet\b|\bthe evidence sheet\b", re.I), "the internal evidence sheet"),
    (re.compile(r"\((?:see )?section \d+\)", re.I), "a section of the internal evidence sheet (the lessons have their own)"),
    (re.compile(r"[\"“]\\?[\"“](?=\w)"), "doubled quote marks"),
    (re.compile(r"\b(?:If|if|When|when) (?:A|An|The) [a-z]"), "a capital letter mid-sentence"),
    (re.compile(r"\burgency (?:none|routine|soon|urgent|emergency)\b|\birritability (?:low|moderate|high)\b(?= ->| →|,)"
                r"|(?:->|→) none\b|\bposition (?:prone|supine|side)"), "raw values instead of words"),
    (re.compile(r"\(\s*(?:from|see|and|in)?\s*\)"), "an empty citation"),
    (re.compile(r"→\s*[;.,)]"), "an arrow to nothing"),
    # walk-through, fourth: "You chose <q>...the nerve.</q>." read "the nerve.." on the revision dashboard
    (re.compile(r"[a-z)]\.\s{0,2}\.(?!\.)"), "a doubled full stop"),
)


def visible(html_text: str) -> str:
    """The words a student sees in an HTML fragment: no style blocks, tags, attributes, URLs or data URIs."""
    t = re.sub(r"<(style|script)\b.*?</\1>", " ", html_text, flags=re.S | re.I)
    t = re.sub(r"<[^>]+>", " ", t)
    t = _html.unescape(t)
    return re.sub(r"https?://\S+|data:\S+", " ", t)


def leaks(text: str) -> list:
    out = []
    for pattern, what in LEAKS:
        for m in pattern.finditer(text):
            out.append(f"{what}: …{text[max(0, m.start() - 50):m.end() + 30]!r}…")
    return out


def markdown_cells(lesson) -> list:
    """The lesson's markdown, minus sections addressed to instructors (they may name files and settings)."""
    nb = json.loads((ROOT / "notebooks" / lesson.notebook).read_text())
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    return [c for c in cells if not re.match(r"\s*#+\s*For instructors", c, re.I)]


def markdown_visible(md: str) -> str:
    md = re.sub(r"\]\([^)]*\)", "]", md)          # link targets are not read
    md = re.sub(r"`[^`]*\.ipynb`", " ", md)        # a lesson's file name, in code, as a link text
    return visible(md)


@pytest.mark.parametrize("lesson", STUDENT_LESSONS, ids=lambda l: l.id)
def test_lesson_markdown_has_no_internal_codes(lesson):
    found = [f for md in markdown_cells(lesson) for f in leaks(markdown_visible(md))]
    assert not found, f"{lesson.notebook}:\n" + "\n".join(found)


def widget_texts(obj, out, seen=None) -> list:
    """Every text a widget tree shows: HTML values, labels, descriptions, tooltips and option labels."""
    import ipywidgets as W

    seen = set() if seen is None else seen
    if id(obj) in seen:
        return out
    seen.add(id(obj))
    if isinstance(obj, W.Widget):
        if isinstance(obj, (W.HTML, W.HTMLMath, W.Label)):
            out.append(obj.value or "")
        for attr in ("description", "tooltip", "placeholder"):
            v = getattr(obj, attr, None)
            if isinstance(v, str):
                out.append(_html.escape(v))
        out.extend(_html.escape(str(o)) for o in getattr(obj, "_options_labels", None) or ())
        out.extend(_html.escape(str(t)) for t in getattr(obj, "tooltips", None) or ())
        for child in getattr(obj, "children", ()) or ():
            widget_texts(child, out, seen)
    elif hasattr(obj, "_repr_html_"):
        out.append(obj._repr_html_() or "")
    elif hasattr(obj, "_ipython_display_"):   # lesson.show(...) / the lesson's end: each part is shown
        for child in obj.children:
            widget_texts(child, out, seen)
    return out  # anything else is a raw repr: the browser suite fails on those


def lesson_widget_texts(lesson) -> list:
    """Build a lesson's widgets without a browser: run its code cells in order and collect what they show."""
    import ast

    ns, out = {}, []
    for src in code_cells(lesson):
        tree = ast.parse(src)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, lesson.notebook, "exec"), ns)
        if last is not None:
            widget_texts(eval(compile(ast.Expression(last.value), lesson.notebook, "eval"), ns), out)
    return out


@pytest.mark.parametrize("lesson", STUDENT_LESSONS, ids=lambda l: l.id)
def test_lesson_widgets_have_no_internal_codes(lesson):
    found = [f for t in lesson_widget_texts(lesson) for f in leaks(visible(t))]
    assert not found, f"{lesson.notebook}:\n" + "\n".join(dict.fromkeys(found))


def test_feedback_for_every_record_has_no_internal_codes():
    """The feedback a student reads after answering: every quiz option, every claim verdict, every contraindication
    sorted each way, every triage vignette answered each way, every case's what-ifs."""
    from sciatica_course.cases import what_ifs
    from sciatica_course.widgets.claims import VERDICTS, ClaimCheck
    from sciatica_course.widgets.common import Quiz

    found = []
    for q in COURSE.quizzes:
        for o in q.options:
            w = Quiz(q, course=COURSE, record=False)
            w.confidence.value = 3
            w.choose(o.id)
            found += [f"quiz {q.id}/{o.id}: {x}" for x in leaks(visible(w.feedback.value + w.stem.value))]
    for c in COURSE.claims:
        for v, _label, _hint in VERDICTS:
            w = ClaimCheck(c, course=COURSE)
            w.choose(v)
            found += [f"claim {c.id}: {x}" for x in leaks(visible(w.feedback.value + w.stem.value))]
    from sciatica_course.widgets.assessment import URGENCIES, TriagePractice
    from sciatica_course.widgets.treatment import ACTIONS, ContraindicationSorter

    sorter = ContraindicationSorter(course=COURSE)
    for _label, cid in sorter.choice.options:
        sorter.choice.value = cid
        for action, _label in ACTIONS:
            sorter.answer(action)
            found += [f"sorter {cid}/{action}: {x}" for x in leaks(visible(sorter.feedback.value))]
    for i, v in enumerate(COURSE.vignettes):
        for u in URGENCIES:
            t = TriagePractice(course=COURSE, record=False)
            t.index = i
            t.answer(u)
            found += [f"vignette {v.id}/{u}: {x}" for x in leaks(visible(t.feedback.value))]
    for case in COURSE.cases:
        for wi in what_ifs(case, COURSE):
            from sciatica_course.text import inline

            found += [f"what-if {case.id}: {x}" for x in leaks(visible(inline(" ".join(wi.differences))))]
    assert not found, "\n".join(dict.fromkeys(found))


def test_one_mark_per_urgency():
    """"!! EMERGENCY" in one lesson and "!!! EMERGENCY" in another: every widget takes its mark from one table."""
    from sciatica_course.text import URGENCY_MARK
    from sciatica_course.widgets import assessment, treatment

    assert {assessment.URGENCY_STYLE[u][1] for u in URGENCY_MARK} == set(URGENCY_MARK.values())
    assert treatment.URGENCY_MARK is URGENCY_MARK
    marks = set()
    for lesson in STUDENT_LESSONS:
        for t in lesson_widget_texts(lesson):
            marks |= set(re.findall(r"!+\s*EMERGENCY", visible(t)))
    assert marks <= {URGENCY_MARK["emergency"]}, marks


def test_student_text_helpers():
    from sciatica_course.text import cite, human_label, short_cite, student_text, without_verdict

    assert student_text("built from L4 to S3 (ANAT-99).", COURSE) == "built from L4 to S3."   # no source: dropped
    assert student_text("built from L4 to S3 (ANAT-01).", COURSE, citations=False) == "built from L4 to S3."
    assert student_text("65.4 mm (Tomaszewski 2016, ANAT-07).", COURSE) == "65.4 mm (Tomaszewski 2016)."
    assert student_text("responds well (seed 003); then") == "responds well; then"
    assert student_text("(section 10, seed 004).") == "."
    assert student_text("L4-L5 disc (NICE NG59)") == "L4-L5 disc (NICE NG59)"
    assert short_cite("deville_2000", COURSE) == "Devillé et al. 2000"
    assert short_cite("beaton_anson_1937", COURSE) == "Beaton and Anson 1937"
    assert short_cite("nice_ng59", COURSE) == "NICE NG59 2016"
    assert short_cite("no_such_source_2011", COURSE) == "No Such Source 2011"
    assert cite(["martin_2014", "deville_2000"], COURSE) == "(Martin et al. 2014; Devillé et al. 2000)"
    assert human_label("deep_tissue") == "Deep tissue"
    assert without_verdict("Right. Any cauda equina feature") == "Any cauda equina feature"
    for s in COURSE.sources:
        label = short_cite(s.id, COURSE)
        assert label and not leaks(label), (s.id, label)


def test_planner_changes_read_as_words():
    """"irritability high → ;": a value that became None, and ids such as side_lying, shown as words."""
    from types import SimpleNamespace

    from sciatica_course.widgets.treatment import diff_html

    def rec(**kw):
        base = dict(urgency="none", treat_today=True, irritability="high", position="side_lying", techniques=(),
                    modifications={}, avoided={}, self_care=(), stop_rules=(), referrals=(), reasons=())
        return SimpleNamespace(**{**base, **kw})

    html = diff_html(rec(), rec(irritability=None, position="prone", urgency="urgent"), COURSE)
    assert "high irritability becomes irritability not rated (no treatment today)" in html, html
    assert "the position changes from side-lying to lying face down (prone)" in html
    assert not leaks(visible(html)), leaks(visible(html))


def test_dashboard_with_unsafe_answers_and_cases_reads_as_words(tmp_path, monkeypatch):
    """The revision lesson after real work: an unsafe quiz answer, a case with a critical choice, topics."""
    from sciatica_course.progress import Store
    from sciatica_course.widgets.revision import Dashboard, RevisionSession

    monkeypatch.setenv("SCIATICA_COURSE_HOME", str(tmp_path))
    store = Store()
    store.record_answer("roots_case_foot_drop", "c", False, confidence=3, lesson="root_levels",
                        topic="root_levels", domain="A")
    store.record_answer("path_roots", "b", False, confidence=1)
    store.record_answer("start_scope", "b", False, confidence=1)    # an option that ends with its own full stop
    case = COURSE.cases["desk_worker_disc"]
    step = next(s for s in case.steps if s.kind == "red_flag")
    store.record_case_attempt({"uid": "x1", "case_id": case.id, "finished_at": "2026-11-01T10:00:00+00:00",
                               "exam_mode": False, "score": 0, "max_score": 4,
                               "safety_flags": [{"step_id": step.id, "choice_id": step.choices[0].id,
                                                 "safety": "critical", "confidence": 3}], "steps": []})
    d = Dashboard(course=COURSE)
    html = "".join(part.value for part in d.parts.values())
    assert "Unsafe answers to revisit first" in html and "Red-flag decision" in html
    s = RevisionSession(course=COURSE)
    assert s.queue[0].item_id == "roots_case_foot_drop" and s.queue[0].reason == "unsafe"
    texts = widget_texts(d, []) + widget_texts(s, [])
    found = [f for t in texts for f in leaks(visible(t))]
    assert not found, "\n".join(found)


def test_interactive_widgets_have_no_internal_codes():
    """What the planner, the self-care chooser and the likelihood-ratio explorer show as a student uses them."""
    from sciatica_course.widgets import assessment as A
    from sciatica_course.widgets import treatment as T

    found = []

    def scan(tag, w):
        found.extend(f"{tag}: {f}" for t in widget_texts(w, []) for f in leaks(visible(t)))

    planner = T.SessionPlanner(course=COURSE)
    for example in list(T.EXAMPLES):
        planner.load_example(example)
        scan(f"planner {example}", planner)
    chooser = T.SelfCareChooser(course=COURSE)
    for level in ("low", "moderate", "high"):
        chooser.level.value = level
        scan(f"self-care {level}", chooser)
    lr = A.LRExplorer(course=COURSE)
    for _label, test_id in lr.test.options:
        lr.test.value = test_id
        for _slabel, study in lr.study.options:
            lr.study.value = study
            lr.result.value = "negative" if lr.result.value == "positive" else "positive"
            scan(f"LR {test_id}/{study}", lr)
    assert not found, "\n".join(dict.fromkeys(found))


@pytest.mark.parametrize("lesson", STUDENT_LESSONS, ids=lambda l: l.id)
def test_case_cells_do_not_name_the_answer(lesson):
    """CasePlayer("cauda_equina") told the student the diagnosis before the first question: a lesson opens a case by
    the title the student reads anyway ("Sciatica that changed overnight")."""
    from sciatica_course.widgets.case_player import case_by_title

    titles = {c.title for c in COURSE.cases}
    for src in code_cells(lesson):
        for ref in re.findall(r"CasePlayer\(\s*[\"']([^\"']+)[\"']", src):
            assert ref in titles, f"{lesson.notebook}: {src!r} names a case id; open it by its title"
            assert case_by_title(ref, COURSE) in COURSE.cases


def test_case_by_title():
    from sciatica_course.widgets.case_player import CasePlayer, case_by_title

    assert case_by_title("sciatica  that changed OVERNIGHT", COURSE) == "cauda_equina"
    assert case_by_title("cauda_equina", COURSE) == "cauda_equina" and case_by_title(None, COURSE) is None
    p = CasePlayer("Sciatica that changed overnight", course=COURSE, record=False)
    assert p.session.case.id == "cauda_equina"
    with pytest.raises(KeyError):
        CasePlayer("No such case", course=COURSE, record=False)


def test_citations_come_with_a_sources_block():
    """Author-and-year citations in the lesson tables, and the full references in a Sources block beside them."""
    from sciatica_course.widgets import assessment
    from sciatica_course.widgets.common import Quiz

    html = assessment.red_flag_table("malignancy", course=COURSE)._repr_html_()
    assert "(NICE NG234 2023; Downie et al. 2013" in visible(html)
    assert "<summary>Sources</summary>" in html and COURSE.sources["downie_2013"].citation[:40] in html
    for table in (assessment.special_test_table(course=COURSE), assessment.accuracy_table(course=COURSE)):
        assert "<summary>Sources</summary>" in table._repr_html_()
    q = Quiz(COURSE.quizzes["rf_ces_action"], course=COURSE, record=False)
    q.choose("b")
    assert "<summary>Sources</summary>" in q.feedback.value

def test_red_flag_quiz_data_cites_authors_not_fact_codes():
    """The review found "(RF-00c)" in a red-flag quiz explanation. The widgets drop fact codes, which left that
    explanation with no citation at all: red-flag quiz text in the data cites authors and years instead."""
    found = []
    for q in COURSE.quizzes:
        if q.lesson != "red_flags_and_referral":
            continue
        texts = [q.stem] + [t for o in q.options for t in (o.text, o.explanation, getattr(o, "harm", None) or "")]
        found += [f"{q.id}: {m.group(0)}" for t in texts for m in LEAKS[0][0].finditer(t)]
    assert not found, found



# ---- fact codes become author-year citations (issue 16, item 7): "(ANAT-01)" used to vanish, leaving no citation

class _Sources(dict):
    """A bibliography as the Course holds it: looked up by key, iterated as records."""

    def __iter__(self):
        return iter(self.values())


def _toy_course():
    from types import SimpleNamespace as NS

    def src(key, kind, citation, year, facts):
        return NS(id=key, kind=kind, citation=citation, year=year, url=None, fact_ids=tuple(facts))

    return NS(sources=_Sources({s.id: s for s in (
        src("sheet", "evidence_sheet", "The course's evidence summary.", 2026, ["RF-03"]),
        src("blog_2020", "seed_article", "A massage blog. 2020.", 2020, ["IRR-07", "TECH-01"]),
        src("smith_2001", "textbook", "Smith A. A textbook. 2001.", 2001, ["RF-03", "ANAT-05"]),
        src("jones_2010", "primary", "Jones B, Brown C, Green D. A trial. J 2010;1:1.", 2010, ["RF-03"]),
        src("lee_2015", "review", "Lee E, Kim F. A review. R 2015;2:2.", 2015, ["RF-03", "IRR-07"]),
    )}), fingerprint="")


def test_fact_codes_become_author_year_citations():
    from sciatica_course.text import cited_sources, inline, student_text

    toy = _toy_course()
    # best first (a primary study or review before a textbook), at most two per code, the evidence sheet never
    assert student_text("Refer today (RF-03).", toy) == "Refer today (Jones et al. 2010; Lee and Kim 2015)."
    # the record's own sources win among the candidates
    assert student_text("Refer today (RF-03).", toy, prefer=["smith_2001"]) == "Refer today (Smith 2001)."
    # square brackets and several codes; a popular (seed) article only when nothing else supports the fact
    assert student_text("x [RF-03, IRR-07]; y", toy) == "x (Jones et al. 2010; Lee and Kim 2015); y"
    assert student_text("x (TECH-01).", toy) == "x (A massage blog)."
    # a code with a letter falls back to its fact; a code no source supports is dropped, with its brackets
    assert student_text("nerve (ANAT-05a) here (CI-99).", toy) == "nerve (Smith 2001) here."
    # a work the text already names is not cited twice
    assert student_text("as Lee 2015 showed (IRR-07).", toy) == "as Lee 2015 showed."
    assert student_text("see (Lee 2015, IRR-07; section 2).", toy) == "see (Lee 2015)."
    assert cited_sources("a (RF-03) b [IRR-07]", toy, prefer=["lee_2015"]) == ["lee_2015"]
    assert inline("**Refer** (RF-03)", toy, ["jones_2010"]) == "<b>Refer</b> (Jones et al. 2010)"
    # built once per course and kept on it
    assert toy._student_citations["facts"]["RF-03"] == ("jones_2010", "lee_2015", "smith_2001")


def _coded_texts():
    """(item, option, text) for every quiz stem, explanation and harm that cites a fact code in brackets."""
    from sciatica_course.text import _PAREN, FACT_ID

    for q in COURSE.quizzes:
        for o in q.options:
            for t in (q.stem, o.explanation, o.harm):
                if t and any(FACT_ID.search(m.group(0)) for m in _PAREN.finditer(t)):
                    yield q, o, t


def test_every_quiz_fact_code_has_a_source():
    """Each fact code a quiz cites is supported by a source (data/sources.yaml ``fact_ids``), so none is dropped
    from what the student reads: add the fact ID to the source that supports it."""
    from sciatica_course.text import FACT_ID, fact_source_keys

    missing = sorted({f"{q.id}: {c}" for q, _o, t in _coded_texts() for c in FACT_ID.findall(t)
                      if not fact_source_keys(c, COURSE, q.sources)})
    assert not missing, missing


def test_quiz_feedback_cites_authors_where_the_data_cites_fact_codes():
    """Every quiz option's feedback as a student sees it: where the data cited a fact code there is an author-year
    citation (or the text names that work itself), no code leaks, and the Sources block lists each work cited."""
    from sciatica_course.text import FACT_ID, _same_work, cited_sources, inline, short_cite
    from sciatica_course.widgets.common import Quiz

    coded = list(_coded_texts())
    assert len(coded) >= 50, "the quiz data has far fewer fact codes than expected: was the finder broken?"
    problems, widgets = [], {}
    for q, o, t in coded:
        keys = cited_sources(t, COURSE, q.sources)
        shown = visible(inline(t, COURSE, q.sources))
        if FACT_ID.search(shown) or not keys:
            problems.append(f"{q.id}/{o.id}: {shown!r} (cites {keys})")
            continue
        if not any(_same_work(short_cite(k, COURSE), shown) for k in keys):
            problems.append(f"{q.id}/{o.id}: no author-year citation in {shown!r}")
        if q.id not in widgets:
            w = Quiz(q, course=COURSE, record=False)
            w.choose(next(x.id for x in q.options if not x.correct))
            widgets[q.id] = w.feedback.value + w.stem.value
        html = widgets[q.id]
        if inline(t, COURSE, q.sources) not in html:
            problems.append(f"{q.id}/{o.id}: the widget does not show the cited text")
        block = html.split("<summary>Sources</summary>", 1)[-1] if "<summary>Sources</summary>" in html else ""
        problems += [f"{q.id}/{o.id}: {k} is cited but not in the Sources block" for k in keys
                     if _html.escape(COURSE.sources[k].citation, quote=True)[:40] not in block]
    assert not problems, "\n".join(problems)
