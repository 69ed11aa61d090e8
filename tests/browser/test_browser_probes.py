"""Probes on the course's own widgets in the real page: course text is shown as text and runs nothing,
and a question can be answered with the keyboard alone (Tab, Space, Enter)."""
from __future__ import annotations

import pytest

import labkit
from suite import CASE_PAYLOADS, PROBES, REPORT, XSS_MARK, is_benign

ROOT = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"


@pytest.fixture
def probe(lab):
    opened = []

    def open_probe(name):
        path = f"{PROBES}/{name}"
        lab.open(path, kernel=labkit.PROBE_KERNEL)
        report = lab.run_all(path)
        opened.append(path)
        problems = [*report["errors"], *report["stderr"], *report["widget_errors"]]
        problems += [e["text"] for e in lab.iopub(path) if not is_benign(e)]
        assert not problems, problems
        assert report["declared_widgets"] == report["rendered_widgets"] > 0, report
        return path

    yield open_probe
    for path in opened:
        lab.close(path)


def assert_nothing_injected(lab):
    lab.page.wait_for_timeout(300)   # give any injected handler a chance to fire
    injected = lab.page.evaluate(
        """([root, mark]) => {
             const nb = document.querySelector(root);
             return {flag: eval('typeof ' + mark + ' === "undefined" ? null : ' + mark),
                     imgs: nb.querySelectorAll('img[src="x"]').length,
                     scripts: nb.querySelectorAll('.jp-OutputArea-output script').length,
                     handlers: nb.querySelectorAll('.jp-OutputArea-output [onerror], .jp-OutputArea-output [onmouseover]').length};
           }""", [ROOT, XSS_MARK])
    assert injected == {"flag": None, "imgs": 0, "scripts": 0, "handlers": 0}, injected
    assert lab.dialogs == [], lab.dialogs


def test_case_text_with_markup_is_shown_literally_and_runs_nothing(lab, probe):
    if not REPORT.get("case_probe"):
        pytest.skip("the course has no cases yet")
    path = probe("xss_case_probe.ipynb")
    scope = lab.notebook()
    lab.wait_for(scope.get_by_role("button", name="Ask these questions", exact=True), path, "the case player")
    assert_nothing_injected(lab)     # first: nothing ran, nothing was injected; then: the text is literal
    for key in ("title", "client", "story"):
        lab.wait_for(scope.get_by_text(CASE_PAYLOADS[key], exact=False).filter(visible=True).first, path, f"the case {key} as text")
    question = scope.get_by_role("checkbox", name=CASE_PAYLOADS["question"], exact=True)
    assert question.count() == 1, "the intake question is not a checkbox named by its text"
    question.check()
    scope.get_by_role("button", name="Ask these questions", exact=True).click()
    lab.wait_for(scope.get_by_text(CASE_PAYLOADS["answer"], exact=False).filter(visible=True).first, path, "the client's answer as text")
    assert_nothing_injected(lab)


def test_quiz_text_with_markup_is_shown_literally_and_runs_nothing(lab, probe):
    probe("xss_probe.ipynb")
    page, scope = lab.page, lab.notebook()
    dialogs_before = len(lab.dialogs)
    lab.wait_for(scope.get_by_text("Script probe", exact=False).first, f"{PROBES}/xss_probe.ipynb", "the question")
    assert_nothing_injected(lab)     # first: nothing ran, nothing was injected; then: the text is literal
    # the stem and the option are visible as text
    scope.get_by_text('<script>window.__sc_xss=2;alert(2)</script>', exact=False).first.wait_for(timeout=10_000)
    option = scope.get_by_role("button", name='Option <img src=x onerror="window.__sc_xss=3;alert(3)">', exact=True)
    assert option.count() == 1
    option.click()   # the explanations (with more markup) are rendered now
    feedback = scope.get_by_role("status").filter(has_text="your answer")
    lab.wait_for(feedback.first, f"{PROBES}/xss_probe.ipynb", "feedback")
    text = feedback.first.inner_text()
    assert "<script>window.__sc_xss=4;alert(4)</script>" in text, text
    assert '<img src=x onerror="window.__sc_xss=5;alert(6)">' in text, text
    assert_nothing_injected(lab)
    assert len(lab.dialogs) == dialogs_before == 0, lab.dialogs


def test_quiz_answered_with_keyboard_only(lab, probe):
    """Tab to a confidence level, Space to pick it, Tab to an option, Enter to answer: feedback appears."""
    path = probe("keyboard_probe.ipynb")
    page, scope = lab.page, lab.notebook()
    # Start where a keyboard user arrives in the question: the focus on the notebook cell holding it.
    stem = scope.get_by_text("Which answer do you reach with the keyboard alone?")
    stem.wait_for()
    page.evaluate("""(root) => {
        const cell = Array.from(document.querySelectorAll(root + ' .jp-CodeCell')).find(
            c => c.textContent.includes('Which answer do you reach with the keyboard alone?'));
        cell.scrollIntoView(); cell.focus(); return document.activeElement === cell; }""", ROOT)
    keys = []

    def focused() -> str:
        return page.evaluate("() => (document.activeElement && document.activeElement.textContent || '').trim()")

    def tab_to(name: str, limit: int = 25):
        for _ in range(limit):
            page.keyboard.press("Tab")
            keys.append("Tab")
            if focused() == name:
                return
        raise AssertionError(f"{name!r} not reached with {limit} Tab presses (keys: {keys}); focus on {focused()!r}")

    tab_to("Fairly sure")
    page.keyboard.press("Space")
    keys.append("Space")
    pressed = scope.get_by_role("button", name="Fairly sure", exact=True)
    page.wait_for_function("(el) => el.classList.contains('mod-active') || el.getAttribute('aria-pressed') === 'true'",
                           arg=pressed.element_handle(), timeout=5_000)
    tab_to("Keyboard option one")
    page.keyboard.press("Enter")
    keys.append("Enter")
    feedback = scope.get_by_role("status").filter(has_text="your answer").filter(has_text="Keyboard option one")
    lab.wait_for(feedback.first, path, "feedback after Enter")
    text = feedback.first.inner_text()
    assert "Right." in text and "Correct answer" in text and "Not this one" in text, text
    REPORT.setdefault("keyboard", {})["keys"] = keys
    assert [e for e in lab.iopub(path) if not is_benign(e)] == []
