"""The lesson links the course draws (the "Next" link, the course map) move on: in JupyterLab they open the lesson
and close the lesson left (saved first, so its kernel shuts down); elsewhere they are plain relative links. The
browser suite (tests/browser, test_next_lesson_link_opens_in_lab_without_reloading) checks it in a real page."""
from __future__ import annotations

import html
import re

import pytest

from sciatica_course import lesson


def _links(markup: str) -> list[dict]:
    out = []
    for m in re.finditer(r"<a ([^>]*)>(.*?)</a>", markup):
        out.append({k: html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', m.group(1))}
                   | {"text": html.unescape(m.group(2))})
    return out


def _student_lessons(course):
    return sorted((l for l in course.lessons if not l.instructor), key=lambda l: l.number)


@pytest.mark.parametrize("n", range(10))
def test_next_link_moves_on_and_says_so(n, course):
    lessons = _student_lessons(course)
    if n >= len(lessons):
        pytest.skip("fewer lessons")
    this = lessons[n]
    markup = lesson.next_lesson_html(this.id, course)
    (a,) = _links(markup)
    expected = lessons[n + 1] if n + 1 < len(lessons) else lessons[0]     # after the last lesson: the course map
    assert a["href"] == a["data-sc-lesson"] == expected.notebook, "a plain relative link (the fallback)"
    assert a["href"] != this.notebook, "a lesson's Next link never leads to itself"
    assert "closes this lesson" in a["title"] and "answers are saved" in a["title"]
    assert lesson.NEXT_NOTE in html.unescape(markup)
    js = a["onclick"]
    assert "docmanager:open" in js and "context.save()" in js and "sessionContext.shutdown()" in js
    assert "left.close()" in js and "return true" in js   # without the app, the link is followed as before


def test_move_on_handler_falls_back_and_never_closes_the_lesson_it_opens():
    js = lesson.MOVE_ON_JS
    # nothing is prevented unless the app and the lesson's own widget are found
    assert js.index("if(!app||!node||!app.shell||") < js.index("event.preventDefault()")
    assert "event.ctrlKey||event.metaKey||event.shiftKey||event.altKey)return true;" in js   # open beside, as before
    assert js.index("if(!left||!left.context||!left.sessionContext)return true;") < js.index("event.preventDefault()")
    # the lesson left closes only after the next one opened, and only after it was saved
    assert js.index("docmanager:open") < js.index("context.save()") < js.index("shutdown()") < js.index("close()")
    assert "path===left.context.path" in js
    assert '"' not in js, "the handler goes into a double-quoted attribute"


def test_course_map_links_move_on_too(course):
    links = _links(lesson.course_map(course)._repr_html_())
    assert [a["href"] for a in links] == [l.notebook for l in _student_lessons(course)]
    assert all(a["onclick"] == lesson.MOVE_ON_JS and a["data-sc-lesson"] == a["href"] for a in links)


def test_class_simulation_still_finds_the_next_lesson(course):
    """deploy/jupyterhub/student.py follows the Next link in the lesson's HTML as the page does."""
    from deploy.jupyterhub.student import _LESSON_LINK

    markup = lesson.next_lesson_html("start_here", course)
    assert _LESSON_LINK.findall(markup)[-1] == course.lessons["sciatic_nerve_path"].notebook
