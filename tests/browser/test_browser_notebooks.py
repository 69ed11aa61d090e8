"""Every notebook in notebooks/ (found automatically) as a student meets it: JupyterLab in headless
Chromium, a fresh kernel, Run All, then no error output anywhere, every declared widget rendered, a real
interaction through the page by role and accessible name, and an axe-core scan of what the course renders.
What the student reads is checked too, in the same run: no raw Python value in any output, no control whose
text is cut off or which is narrower than its content, no squashed or clipped figure, and the "Next" lesson
link opens the next lesson inside JupyterLab without reloading the page and closes the lesson left (its kernel
shut down). The lesson a "Next" link opens is the one the next run uses, so the suite walks the course as a student
does, one kernel at a time.

To add a lesson-specific interaction, write a function ``(nb: Rendered, course) -> str`` (usually one call to
``press(nb, role, accessible_name, text_expected_in_a_status_region)``) and list it in INTERACTIONS under the
notebook's file name without .ipynb. Every lesson also gets the generic quiz interaction (answer_a_quiz).
"""
from __future__ import annotations

import re
import time

import pytest

import labkit
from suite import REPORT, SOURCE, is_benign, notebook_ids


class Rendered:
    """A notebook opened and run in the page, with what was found."""

    def __init__(self, path: str, lab, report: dict, seconds: float):
        self.path, self.lab, self.report, self.seconds = path, lab, report, seconds
        self.stem = path.rsplit("/", 1)[-1].removesuffix(".ipynb")
        self.instructor = path.startswith("instructor/")

    @property
    def page(self):
        return self.lab.page

    def scope(self):
        return self.lab.notebook()

    def problems(self) -> list[str]:
        """Error output anywhere: cell outputs, stderr in the page, widget errors, kernel iopub (widget callbacks)."""
        r = self.report
        found = [*r["errors"], *r["stderr"], *r["widget_errors"]]
        found += [f"kernel {e['type']}: {e['text'].strip()[:300]}" for e in self.lab.iopub(self.path)
                  if not is_benign(e)]
        if r["unexecuted"]:
            found.append(f"{r['unexecuted']} code cell(s) did not run")
        return found


# ---------------------------------------------------------------------------------------------
# Interactions
def answer_a_quiz(nb: Rendered, course) -> str:
    """Choose an option of an explained quiz question by its accessible name; the feedback must explain
    every option ("Correct answer" / "Not this one") and mark the student's answer."""
    names = nb.page.evaluate(
        "(sel) => Array.from(document.querySelectorAll(sel + ' button')).map(b => b.textContent.trim())",
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    counts = {}
    for n in names:
        counts[n] = counts.get(n, 0) + 1
    lesson = lesson_id(nb, course)
    items = sorted(course.quizzes, key=lambda q: q.lesson != lesson)   # this lesson's items first
    for item in items:
        texts = [o.text.strip() for o in item.options]
        if all(counts.get(t) == 1 for t in texts):
            break
    else:
        raise AssertionError(f"{nb.path}: no quiz question of data/quizzes.yaml is shown with one button per "
                             f"option (buttons seen: {sorted(counts)[:20]})")
    wrong = next(o for o in item.options if not o.correct)
    scope = nb.scope()
    button = scope.get_by_role("button", name=wrong.text.strip(), exact=True)
    button.scroll_into_view_if_needed()
    button.click()
    feedback = scope.get_by_role("status").filter(has_text="your answer").filter(has_text=wrong.text.strip())
    nb.lab.wait_for(feedback.first, nb.path, f"feedback after choosing {wrong.text.strip()!r}")
    text = feedback.first.inner_text()
    assert "Correct answer" in text and "Not this one" in text, text
    return f"quiz {item.id}: chose {wrong.id!r}, feedback explained every option"


def press(nb: Rendered, role: str, name: str, expect: str, nth: int = 0) -> str:
    """Press the nth control with this role and accessible name; a status region must then contain `expect`."""
    scope = nb.scope()
    # the name exactly, allowing an icon glyph before it (Font Awesome's ::before counts in the name)
    control = scope.get_by_role(role, name=re.compile(r"^[^\w]*" + re.escape(name) + r"\s*$"))
    assert control.count() > nth, f"{nb.path}: no {role} named {name!r} (found {control.count()})"
    control = control.nth(nth)
    control.scroll_into_view_if_needed()
    regions = scope.get_by_role("status").filter(has_text=expect)
    before = set(regions.all_inner_texts())
    control.click()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:   # a status region with `expect` whose text is new since the click
        if set(regions.all_inner_texts()) - before:
            return f"{role} {name!r} -> {expect!r}"
        nb.page.wait_for_timeout(100)
    errs = [f"{e['type']}: {e['text'].strip()[:500]}" for e in nb.lab.iopub(nb.path) if not is_benign(e)]
    raise AssertionError(f"{nb.path}: no new feedback with {expect!r} within 10 s of pressing {name!r}; "
                         "kernel said: " + ("\n".join(errs) or "nothing"))


def path_explorer_next(nb, course):
    done = press(nb, "button", "Next step ▶", "Step 2 of")
    # every step's overlay and panel are in the page; the position line's class shows step 2's, and only those
    from sciatica_course import anatomy

    name = anatomy.segments(course)[1].name
    scope = nb.scope()
    overlays, panels = scope.locator("img.sc-nerve-ov:visible"), scope.locator(".sc-nerve-step:visible")
    assert overlays.count() == 1 and panels.count() == 1, (overlays.count(), panels.count())
    assert f"step 2 of" in overlays.first.get_attribute("alt") and name in overlays.first.get_attribute("alt")
    assert panels.first.inner_text().startswith(f"2. {name}"), panels.first.inner_text()[:200]
    assert overlays.first.bounding_box()["height"] > 100, "the step's overlay is not laid over the figure"
    # the step buttons mark step 2 as current (from the position line's class: the kernel no longer sets their
    # index), and only it; pressing step 4's button, then Previous, then step 4's again goes to step 4 each time
    marked = lambda: scope.locator(".sc-nerve-steps button").evaluate_all(  # noqa: E731
        "bs => bs.map((b, i) => [i + 1, getComputedStyle(b).fontWeight >= 600]).filter(x => x[1]).map(x => x[0])")
    assert marked() == [2], marked()
    step4 = scope.locator(".sc-nerve-steps button").nth(3)
    for expect in ("Step 4 of", "Step 3 of", "Step 4 of"):
        target = step4 if expect == "Step 4 of" else scope.get_by_role("button", name="◀ Previous step", exact=True)
        target.click()
        scope.locator(".sc-feedback", has_text=expect).first.wait_for(timeout=10_000)
    assert marked() == [4], marked()
    # by keyboard: focus on step 4's button, Space; the focus stays on it (the kernel never rebuilds the buttons),
    # so Tab then Space presses step 5 (the walk-through found focus lost and Tab landing on step 1)
    step4.focus()
    nb.page.keyboard.press("Space")
    nb.page.wait_for_timeout(300)
    nb.page.keyboard.press("Tab")
    nb.page.keyboard.press("Space")
    scope.locator(".sc-feedback", has_text="Step 5 of").first.wait_for(timeout=10_000)
    assert marked() == [5], marked()
    return done + ("; one overlay and one panel shown, step 2's; the current step button marked, step buttons work "
                   "twice and by keyboard")


def variant_type_b(nb, course):
    return press(nb, "button", "Type B", "Type B")


def myth_check_verdict(nb, course):
    return press(nb, "button", "Unsupported", "The course's verdict")


def symptom_map_area(nb, course):
    from sciatica_course import anatomy

    region = anatomy.regions("front", course)[0]
    return press(nb, "button", region.name, "Before you read anything into this")


def intake_question(nb, course):
    q = course.intake["maria"].questions[0]
    return press(nb, "button", q.ask, "What this changes")


def screening_red_flag(nb, course):
    return press(nb, "checkbox", course.findings["saddle_anaesthesia"].label, "Massage today")


def screening_not_the_back(nb, course):
    """Lesson 4, "When it is not the back at all": the pregnancy worked example opens the screening widget with its
    findings, where weakness of more than one movement is routed to maternity triage."""
    scope = nb.scope()
    opener = scope.get_by_role("button", name=re.compile(r"Change these findings in the screening form\s*$")).first
    opener.scroll_into_view_if_needed()
    label = course.findings["multi_root_weakness"].label
    boxes = scope.get_by_role("checkbox", name=re.compile(r"^[^\w]*" + re.escape(label) + r"\s*$"))
    before = boxes.count()
    opener.click()
    deadline = time.monotonic() + 10
    while boxes.count() == before and time.monotonic() < deadline:
        nb.page.wait_for_timeout(100)
    assert boxes.count() == before + 1, "the worked example did not open its screening form"
    return "opened the worked example's form; " + press(nb, "checkbox", label, "Maternity triage")


def irritability_night_pain(nb, course):
    return press(nb, "checkbox", "Pain at night or waking from sleep", "Irritability:")


def contraindication_sort(nb, course):
    return press(nb, "button", "Postpone and refer", "Why:")


def case_intake(nb, course):
    """The first case player (desk_worker_disc): tick the first question, ask it, read the client's answer."""
    choice = course.cases["desk_worker_disc"].steps[0].choices[0]
    scope = nb.scope()
    box = scope.get_by_role("checkbox", name=choice.text, exact=True).first
    box.scroll_into_view_if_needed()
    box.check()
    players = scope.locator(".sc-case").filter(has=nb.page.get_by_role("combobox", name="Case"))
    idx = next(i for i in range(players.count())
               if players.nth(i).get_by_role("checkbox", name=choice.text, exact=True).count())
    player = players.nth(idx)   # by position: the ticked box leaves the player once asked
    scope.get_by_role("button", name="Ask these questions", exact=True).first.click()
    nb.lab.wait_for(scope.get_by_text(choice.answer, exact=False).filter(visible=True).first, nb.path,
                    "the client's answer")
    # asking stays at the intake (questions in rounds) and never fires the must-ask gate (it fires on deciding)
    done = player.get_by_role("button", name="Done asking: go to the decision", exact=True)
    assert done.count() == 1 and done.is_visible(), "no Done asking button after asking a question"
    assert player.get_by_role("alert").count() == 0, "asking a question showed an alert (the must-ask gate?)"
    second = course.cases["desk_worker_disc"].steps[0].choices[1]
    player.get_by_role("checkbox", name=second.text, exact=True).check()
    player.get_by_role("button", name="Ask these questions", exact=True).click()
    nb.lab.wait_for(player.get_by_text(second.answer[:60], exact=False).first, nb.path, "the second answer")
    assert player.get_by_role("alert").count() == 0, "a second round of questions showed an alert"
    return f"case desk_worker_disc: asked {choice.id!r} then {second.id!r} in two rounds, no gate"


NEW_RED_FLAG_CASES = ("aortic_aneurysm_back_pain", "anticoagulated_fall_head_injury", "pregnancy_warning_signs",
                      "chemotherapy_fever", "vascular_claudication_walker")


def new_cases_played(nb, course):
    """Issue 15: the five cases on the new red flags, played through the page in lesson 8's "not the back" player:
    choose each from the Case list, Start case, tick the expert's questions and ask them, then at every decision
    press "Certain" and the expert's option, until the debrief shows the full score."""
    from sciatica_course.cases import play_expert

    scope = nb.scope()
    first = course.cases[NEW_RED_FLAG_CASES[0]]
    players = scope.locator(".sc-case").filter(has=nb.page.get_by_role("combobox", name="Case"))
    idx = next((i for i in range(players.count())
                if players.nth(i).get_by_role("heading", name=first.title, exact=True).count()), None)
    assert idx is not None, f"{nb.path}: no case player shows {first.title!r}"
    player = players.nth(idx)   # by position: its heading changes as the cases change
    played = []
    for cid in NEW_RED_FLAG_CASES:
        case = course.cases[cid]
        if cid != NEW_RED_FLAG_CASES[0]:   # the player opens on the first case, untouched until now
            picker = player.get_by_role("combobox", name="Case")
            picker.scroll_into_view_if_needed()
            picker.select_option(label=f"{case.title} ({case.difficulty})")
            player.get_by_role("button", name="Start case", exact=True).click()
        nb.lab.wait_for(player.get_by_role("heading", name=case.title, exact=True).first, nb.path,
                        f"the title of {cid}")
        for step, chosen in case.expert_path():
            if step.kind == "debrief":
                break
            if step.kind == "intake":
                # the player re-renders its questions when a case starts, so a box ticked at that moment can be
                # lost: ask, then check that the client answered every question, and ask again what was lost
                others = {x.text for other in NEW_RED_FLAG_CASES if other != cid
                          for st in course.cases[other].steps for x in st.choices}
                unique = next((c for c in chosen if c.text not in others), chosen[-1])
                nb.lab.wait_for(player.get_by_role("checkbox", name=unique.text, exact=True).first, nb.path,
                                f"{cid}: the question {unique.id!r}")
                todo = list(chosen)
                for _round in range(3):
                    for c in todo:
                        box = player.get_by_role("checkbox", name=c.text, exact=True)
                        for attempt in range(3):
                            try:
                                box.check(timeout=10_000)
                                break
                            except Exception:   # detached while the step re-rendered: find it again
                                if attempt == 2:
                                    raise
                                nb.page.wait_for_timeout(300)
                    player.get_by_role("button", name="Ask these questions", exact=True).click()
                    nb.lab.wait_for(player.get_by_text(todo[-1].answer[:60], exact=False).first, nb.path,
                                    f"{cid}: the client's answer to {todo[-1].id}")
                    todo = [c for c in todo if not player.get_by_text(c.answer[:60], exact=False).count()]
                    if not todo:
                        break
                assert not todo, f"{cid}: questions not answered: {[c.id for c in todo]}"
                done = player.get_by_role("button", name="Done asking: go to the decision", exact=True)
                if done.count():   # asking stays at the intake (rounds); this goes on to the decision
                    done.first.click()
                continue
            (c,) = chosen
            nb.lab.wait_for(player.get_by_role("button", name=c.text, exact=True).first, nb.path,
                            f"{cid}: the option {c.id!r} of step {step.id!r}")
            player.get_by_role("button", name="Certain", exact=True).click()
            player.get_by_role("button", name=c.text, exact=True).click()
        session = play_expert(cid, course=course)
        done = player.get_by_text(f"Finished. Score: {session.max_score:g} of {session.max_score:g}", exact=False)
        nb.lab.wait_for(done.first, nb.path, f"{cid}: the debrief at full score", timeout=30)   # a loaded CI box
        played.append(cid)
    return "new red-flag cases played to the debrief at full score: " + ", ".join(played)


def complete_lesson(nb, course):
    return press(nb, "button", "Mark this lesson complete", "you completed this lesson")


# notebook file name without .ipynb -> extra interactions (each: (Rendered, course) -> description)
INTERACTIONS: dict[str, list] = {
    "01_sciatic_nerve_path": [path_explorer_next, variant_type_b, myth_check_verdict],
    "02_root_levels": [symptom_map_area],
    "03_assessment_reasoning": [intake_question],
    "04_red_flags_and_referral": [screening_red_flag, screening_not_the_back],
    "05_irritability": [irritability_night_pain],
    "06_contraindications": [contraindication_sort],
    "07_technique_selection": [myth_check_verdict],
    "08_case_clinic": [case_intake, new_cases_played],
    "09_revision": [complete_lesson],
}


def lesson_id(nb: Rendered, course) -> str | None:
    for lesson in course.lessons:
        if lesson.notebook == nb.path:
            return lesson.id
    return None


# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=notebook_ids())
def rendered(request, lab):
    path = request.param
    t0 = time.monotonic()
    lab.open(path)   # when the previous lesson's "Next" link opened it: that tab, its kernel fresh (nothing run)
    report = lab.run_all(path, timeout=150)
    seconds = round(time.monotonic() - t0, 1)
    REPORT["notebooks"].setdefault(path, {})["run_s"] = seconds
    yield Rendered(path, lab, report, seconds)
    lab.close(path)


def test_runs_without_error_output(rendered):
    problems = rendered.problems()
    assert not problems, f"{rendered.path} shows error output:\n" + "\n".join(problems)


def test_widgets_render(rendered):
    r = rendered.report
    assert not r["widget_errors"], r["widget_errors"]
    assert r["rendered_widgets"] >= r["declared_widgets"], (
        f"{rendered.path}: {r['declared_widgets']} widget output(s) declared, {r['rendered_widgets']} rendered")
    if rendered.instructor or "widgets" not in _sources(rendered.path):
        return
    assert r["declared_widgets"] > 0 and r["rendered_widgets"] > 0, f"{rendered.path}: no widget rendered"


def test_interaction(rendered, course):
    funcs = list(INTERACTIONS.get(rendered.stem, []))
    if not rendered.instructor or _has_quiz(rendered):
        funcs.insert(0, answer_a_quiz)
    if not funcs:
        pytest.skip("instructor notebook without quiz questions or listed interactions")
    done = [f(rendered, course) for f in funcs]
    REPORT["notebooks"][rendered.path]["interactions"] = done
    # the callbacks ran without leaving an error in the kernel either
    problems = rendered.problems()
    assert not problems, "error output after interacting:\n" + "\n".join(problems)


def test_no_raw_python_in_outputs(rendered):
    """A student who knows no Python never reads a repr: ``Recommendation(...)``, ``<... object at 0x...>``,
    a dict or tuple shown as text (lessons 6 and 7 printed the planner's Recommendation). In a student lesson
    any output shown as plain text is a Python value; in an instructor notebook (which teaches pandas steps)
    object and dataclass reprs still fail."""
    view = rendered.lab.student_view()
    found = view["reprs"]
    if not rendered.instructor:   # the instructors' class-results notebook shows pandas steps and their values
        found = view["plain"] + found
    else:
        REPORT["notebooks"][rendered.path]["plain_values"] = view["plain"]
    assert not found, f"{rendered.path} shows raw Python to the student:\n" + "\n".join(found)


def test_controls_show_their_whole_text(rendered):
    """Every label, button, input and dropdown is wide enough for its text (no "Mark this lesso…", no 10 px
    number box), and every figure is drawn at its own aspect ratio inside its output."""
    view = rendered.lab.student_view()
    found = view["truncated"] + view["images"]
    assert not found, f"{rendered.path}: controls or figures a student cannot read whole:\n" + "\n".join(found)


def test_accessibility_of_course_content(rendered):
    violations = labkit.axe_scan(rendered.page, include=labkit.COURSE_CONTENT)
    REPORT["notebooks"][rendered.path]["axe"] = violations
    if REPORT["chrome"] is None:   # JupyterLab's own chrome: reported once, never failed on
        REPORT["chrome"] = labkit.axe_scan(rendered.page, exclude=labkit.COURSE_CONTENT)
    bad = [v for v in violations if v["impact"] in labkit.FAILING_IMPACTS]
    assert not bad, "serious/critical accessibility violations in course content:\n" + "\n".join(
        f"[{v['impact']}] {v['id']}: {v['help']} ({v['nodes']} nodes) e.g. {v['example']}" for v in bad)


def test_next_lesson_link_opens_in_lab_without_reloading(rendered, course, request):
    """The "Next" link at the end of a lesson opens the next lesson as a tab of the running JupyterLab - the page
    is not reloaded (no "Leave site?", no lost outputs) - and closes the lesson left, saved first, so its kernel
    shuts down: the server's kernel count does not grow as the student moves on (a walk-through that followed
    Next through the course ended with ten kernels). The lesson opened is the next one this suite runs (when it
    is), so the session walks the course as a student does; otherwise its tab is closed as the tab's × does and
    its kernel must shut down with it (the course's JupyterLab defaults, sciatica_course/jupyter_config).
    Last in this file: following the link closes the lesson the other tests look at."""
    if rendered.instructor:
        pytest.skip("instructor notebooks have no next-lesson link")
    lab = rendered.lab
    widget_links = lab.student_view()["widget_links"]
    assert not widget_links, (f"{rendered.path}: links to lessons inside widget HTML reload the page when followed "
                              "(show them as an HTML output, as lesson.next_lesson does):\n" + "\n".join(widget_links))
    result = lab.follow_next_link(rendered.path)
    REPORT["notebooks"][rendered.path]["next_link"] = result
    if result["link"] is None:
        if lesson_id(rendered, course) is None:
            pytest.skip("not a lesson of data/lessons.yaml")
        raise AssertionError(f"{rendered.path}: no link to the next lesson in the outputs")
    assert result["same_page"] and not result["dialogs"], (
        f"{rendered.path}: following {result['link']} reloaded the page (dialogs: {result['dialogs']})")
    assert result["opened"] == result["target"], (
        f"{rendered.path}: following {result['link']} opened {result['opened']!r}, not {result['target']!r}")
    assert result["target"] != rendered.path, f"{rendered.path}: its Next link leads to itself"
    REPORT.setdefault("path_kernels", []).append([rendered.path, *result["kernels"]])
    assert result["left_closed"], f"{rendered.path} stayed open after moving on to {result['target']}"
    assert result["left_saved"], f"{rendered.path} was closed without saving its outputs"
    assert result["left_kernel_shut_down"], f"moving on left {rendered.path}'s kernel running"
    before, after = result["kernels"]
    assert after <= before, (f"moving on from {rendered.path} to {result['target']}: {before} kernel(s) before, "
                             f"{after} after")
    if result["target"] != _next_in_session(request, rendered.path):
        assert lab.close_tab(result["target"]), (
            f"closing {result['target']}'s tab left its kernel running (sciatica_course/jupyter_config)")


def _next_in_session(request, path: str) -> str | None:
    """The notebook the `rendered` fixture opens after ``path`` in this session (None: ``path`` is the last)."""
    order = [it.callspec.params["rendered"] for it in request.session.items
             if hasattr(it, "callspec") and "rendered" in it.callspec.params]
    later = order[len(order) - order[::-1].index(path):] if path in order else []
    return next((p for p in later if p != path), None)


def _sources(path: str) -> str:
    import json

    nb = json.loads((SOURCE / path).read_text())
    return "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                     for c in nb["cells"] if c["cell_type"] == "code")


def _has_quiz(nb: Rendered) -> bool:
    return "quiz" in _sources(nb.path)


_JS_LAYOUT = """(root) => {
  const nb = document.querySelector(root);
  if (!nb) return {right: [], squeezed: [], tall: [], empty: [], unstyled: []};
  const out = {right: [], squeezed: [], tall: [], empty: [], unstyled: []};
  const vh = window.innerHeight;
  // the course's style block is in every course widget: it takes no room (it was an empty line above each question)
  // and its rules still apply (an option group is laid out as the course's stylesheet says)
  for (const h of nb.querySelectorAll('.widget-html')) {
    if (!h.querySelector('style') || h.innerText.trim() || h.querySelector('img, svg, canvas')) continue;
    const r = h.getBoundingClientRect();
    if (r.height > 0) out.empty.push(`${Math.round(r.height)} px`);
  }
  for (const q of nb.querySelectorAll('.sc-quiz + .sc-quiz')) {   // a rule between stacked questions
    if (getComputedStyle(q).borderTopStyle !== 'solid') out.unstyled.push(q.innerText.slice(0, 60));
  }
  for (const cell of nb.querySelectorAll('.jp-OutputArea-output td, .jp-OutputArea-output th')) {
    if (/^[-+−–]?[0-9.,%\s]*$/.test(cell.innerText.trim())) continue;  // numbers align right, as they should
    const a = getComputedStyle(cell).textAlign;
    if ((a === 'right' || a === 'end') && cell.innerText.trim().length > 3)
      out.right.push(cell.innerText.trim().slice(0, 60));
  }
  for (const out_el of nb.querySelectorAll('.jp-OutputArea-output')) {
    const full = out_el.getBoundingClientRect().width;
    for (const h of out_el.querySelectorAll('.widget-html')) {
      const r = h.getBoundingClientRect();
      const text = h.innerText.trim();
      if (text.length > 400 && r.width > 0 && r.width < 360 && full > 700)
        out.squeezed.push(`${Math.round(r.width)} px of ${Math.round(full)}: ${text.slice(0, 60)}`);
    }
  }
  for (const f of nb.querySelectorAll('.sc-layered')) {
    const r = f.getBoundingClientRect();
    if (r.height > 0.75 * vh) out.tall.push(`a figure ${Math.round(r.width)}x${Math.round(r.height)} px`);
  }
  return out;
}"""


def test_layout_reads_at_laptop_size(rendered):
    """What the walk-through met at 1280x800: tables JupyterLab right-aligns (the course map, the case library),
    a long text squeezed into a narrow column beside or under a figure (lesson 1's variant panel), and a figure
    taller than the screen (lesson 2's symptom map)."""
    found = rendered.page.evaluate(_JS_LAYOUT, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    problems = ([f"right-aligned table cell: {t!r}" for t in found["right"][:5]]
                + [f"text squeezed into {t!r}" for t in found["squeezed"]]
                + [f"taller than the screen: {t}" for t in found["tall"]]
                + [f"an empty line above a widget (its style block): {t}" for t in found["empty"][:3]]
                + [f"course styles not applied: {t!r}" for t in found["unstyled"][:3]])
    assert not problems, f"{rendered.path}:\n" + "\n".join(problems)
