"""The path explorer's figure in two layers (plotting.anatomy.NervePathLayers): the base PNG drawn once plus a
small SVG overlay per step must look like the whole highlighted figure, and a step must send far fewer bytes."""
from __future__ import annotations

import html
import io
import re
from urllib.parse import unquote

import pytest

from sciatica_course import anatomy, load_course
from sciatica_course.plotting.anatomy import nerve_path_layers, plot_nerve_path
from sciatica_course.plotting.common import figure_html
from sciatica_course.widgets import anatomy as A

COURSE = load_course()
N = len(anatomy.segments(COURSE))


@pytest.fixture(scope="module")
def layers():
    return nerve_path_layers(course=COURSE)


def _rgba(fig, transparent=False):
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    fig.savefig(buf := io.BytesIO(), format="png", dpi=100, transparent=transparent)
    from PIL import Image

    buf.seek(0)
    return np.asarray(Image.open(buf).convert("RGBA"), dtype=float) / 255, canvas


@pytest.mark.parametrize("step", [1, 3, 7, 9, N])
def test_base_plus_overlay_looks_like_the_highlighted_figure(layers, step):
    """Composite the overlay (rendered by Agg, transparent) over the un-highlighted figure and compare pixels
    with plot_nerve_path(highlight=step): same size, and nearly every pixel the same."""
    import numpy as np

    base, _ = _rgba(plot_nerve_path(course=COURSE).figure)
    over, _ = _rgba(layers.overlay_axes(step).figure, transparent=True)
    full, _ = _rgba(plot_nerve_path(highlight=step, course=COURSE).figure)
    assert base.shape == over.shape == full.shape
    a = over[..., 3:4]
    composite = over[..., :3] * a + base[..., :3] * (1 - a)
    diff = np.abs(composite - full[..., :3]).max(axis=2)
    assert (diff > 0.25).mean() < 0.002, f"{(diff > 0.25).mean():.4%} of pixels differ"
    assert a.max() == 1.0 and (a > 0).mean() < 0.1   # the overlay draws something, and only a little


@pytest.mark.parametrize("step", range(1, N + 1))
def test_overlay_holds_only_what_the_step_adds(layers, step):
    ax = layers.overlay_axes(step)
    sid = anatomy.segment_at(step, COURSE).id
    visible = {a.get_gid() for a in ax.get_children() if a.get_visible() and a.get_gid()}
    assert {f"highlight:{sid}", f"number:{sid}", f"label:{sid}"} <= visible
    assert not [g for g in visible if g.startswith(("segment:", "outline:"))]
    assert not any(a.get_visible() for a in ax.get_children() if a is ax.get_legend() or a is ax.title)
    assert tuple(ax.get_position().bounds) == pytest.approx(tuple(layers.position.bounds))


def test_overlay_html_is_a_small_figure_with_alt_text(layers):
    for step in range(1, N + 1):
        seg = anatomy.segment_at(step, COURSE)
        h = layers.overlay_html(step)
        assert h.startswith("<figure")
        alt = html.unescape(re.search(r'alt="([^"]*)"', h).group(1))
        assert f"Highlighted: step {step} of {N}, {seg.name}." in alt
        assert ("endangerment site" in alt.split("Highlighted:")[1]) == (seg.endangerment is not None)
        src = re.search(r'src="([^"]*)"', h).group(1)
        assert src.startswith("data:image/svg+xml,") and not re.search(r"[<>\"#&\s]{2}|[<>\"]", src)
        svg = unquote(src.split(",", 1)[1])
        assert svg.startswith("<svg") and svg.endswith("</svg>") and "<script" not in svg
    whole = len(figure_html(plot_nerve_path(highlight=5, course=COURSE)))
    assert max(len(layers.overlay_html(s)) for s in range(1, N + 1)) < whole / 2.5


def _messages(widgets, monkeypatch):
    """Every comm message the given widgets send from now on: (widget, sorted state keys, bytes)."""
    import json

    from ipywidgets import Widget

    sent, send = [], Widget._send
    names = {id(w): n for n, w in widgets.items()}

    def spy(self, msg, buffers=None):
        sent.append((names.get(id(self), type(self).__name__), sorted(msg.get("state", {})), len(json.dumps(msg))))
        return send(self, msg, buffers)

    monkeypatch.setattr(Widget, "_send", spy)
    return sent


def _parts(e):
    return {"steps": e.steps, "position": e.position, "figure": e.figure, "panel": e.panel, "base": e.base,
            "previous": e.previous, "next": e.next}


def test_a_step_sends_the_position_line_only(tmp_path, monkeypatch):
    """After set-up (every overlay in the store), the base, every overlay and every panel are in the page from the
    start; a step by Previous / Next sends one small message: the position line's text with the class that marks the
    current step button and shows the step's overlay and panel. No image, no panel and no step-button index again
    (the page's CSS picks them; ipywidgets rebuilds all the buttons of a ToggleButtons whose index the kernel sets:
    the explorer's feedback was 1.3x a do-nothing button's)."""
    monkeypatch.setenv("SCIATICA_FIGURE_CACHE", str(tmp_path / "store"))
    first = A.path_explorer(course=COURSE, start=1)
    first.prerender()                                       # `sciatica-course figures`
    e = A.path_explorer(course=COURSE, start=1)
    assert e.figure.value.count('<img class="sc-nerve-ov ') == N and e.panel.value.count("<div class='sc-nerve-step sc-nerve-step-") == N
    assert 'alt=""' in e.base.value and "data:image/png;base64," in e.base.value and "sc-nerve-overlay" in e.base.value
    assert "sc-nerve-figure" in e.figure_box._dom_classes and "sc-nerve-overlay" in e.figure._dom_classes
    sent = _messages(_parts(e), monkeypatch)
    for step in range(2, N + 1):
        e.next.click()
        assert e.shown["step"] == step and e.highlighted == e.segments[step - 1].id
    e.go("roots_l4_s3")
    e.previous.click()                                      # at the first step: nothing changes, nothing is sent
    by_widget = {w for w, _k, _n in sent}
    assert by_widget <= {"position", "previous", "next"}, sent
    assert [k for w, k, _n in sent if w == "position"] == [["_dom_classes", "value"]] * N
    assert max(n for _w, _k, n in sent) < 1000
    # a step button: the position line only (the kernel never sets the buttons' value: ipywidgets would rebuild them
    # and a keyboard user's focus would be lost); pressing the same button again after Next goes there (its "click")
    del sent[:]
    e.steps.set_state({"index": 4})                         # as the page sets it: button "5 · ..." pressed
    assert e.value == 5 and e.shown["step"] == 5
    e.next.click()
    assert e.value == 6 and e.steps.value == 5
    e.steps._handle_custom_msg({"event": "click"}, [])
    assert e.value == 5 and e.shown["step"] == 5
    assert [w for w, _k, _n in sent].count("steps") <= 1, sent       # at most the echo of the page's own press


def test_a_step_not_in_the_store_is_drawn_once_and_added_to_the_page(tmp_path, monkeypatch):
    """Without set-up (an empty store) the explorer draws only the step it shows; a step first shown is drawn,
    stored and added to the figure (before the class shows it); going back sends no image."""
    monkeypatch.setenv("SCIATICA_FIGURE_CACHE", str(tmp_path / "empty"))
    e = A.path_explorer(course=COURSE, start=2)
    assert e.figure.value.count("<img ") == 1 and "sc-nerve-ov-2" in e.figure.value
    sent = _messages(_parts(e), monkeypatch)
    e.next.click()
    assert e.figure.value.count("<img ") == 2 and e.shown["step"] == 3 and e.shown["overlay"]
    assert [w for w, _k, _n in sent] == ["figure", "position"]                  # the image before the class
    del sent[:]
    e.previous.click()
    e.next.click()
    assert [w for w, _k, _n in sent] == ["position"] * 2


def test_the_page_css_shows_one_step_and_position_comes_before_the_figure_and_panel():
    """The CSS shows ``.sc-nerve-ov-<n>`` and ``.sc-nerve-step-<n>`` only after an element with ``sc-nerve-at-<n>``
    among earlier siblings (the ``~`` combinator): the position line must come before the body that holds the
    figure and the panel, and carry exactly one such class."""
    e = A.path_explorer(course=COURSE, start=4)
    css = re.search(r"<style>(.*?)</style>", e.panel.value).group(1)
    assert css.startswith(".sc-nerve-figure img.sc-nerve-ov,.sc-nerve-panels>.sc-nerve-step{display:none}")
    for s in range(1, N + 1):
        assert f".sc-nerve-at-{s}~* .sc-nerve-figure img.sc-nerve-ov-{s}," in css
        assert f".sc-nerve-at-{s}~* .sc-nerve-panels>.sc-nerve-step-{s}" in css
    kids = list(e.children)
    later = kids[kids.index(e.position) + 1:]
    assert e.steps in later and "sc-nerve-steps" in e.steps._dom_classes        # the buttons follow the line too
    for s in range(1, N + 1):
        assert f".sc-nerve-at-{s}~.sc-nerve-steps button:nth-child({s})" in css
    body = next(c for c in later if e.panel in getattr(c, "children", ()))
    assert e.figure_box in body.children
    assert [c for c in e.position._dom_classes if c.startswith("sc-nerve-at-")] == ["sc-nerve-at-4"]
    e.position.add_class("kept")                           # classes set by others survive a step
    e.next.click()
    assert "kept" in e.position._dom_classes and "sc-nerve-at-5" in e.position._dom_classes
    assert "sc-nerve-at-4" not in e.position._dom_classes


def test_the_svg_data_uri_is_what_quote_makes(layers):
    """plotting.stored._svg_uri encodes an ASCII SVG by str.replace (fast): byte for byte what urllib's quote gives,
    for every overlay, every ASCII character (``%`` first, never encoded twice) and a non-ASCII SVG."""
    from urllib.parse import quote

    from sciatica_course.plotting.anatomy import _URI_SAFE
    from sciatica_course.plotting.stored import _svg_uri

    texts = [layers.overlay(s)[0] for s in range(1, N + 1)]
    texts += ["".join(map(chr, range(128))) * 2 + "%25%%3C", "<svg><text>Étape – ⚠</text></svg>"]
    for t in texts:
        assert _svg_uri(t) == "data:image/svg+xml," + quote(t, safe=_URI_SAFE)
