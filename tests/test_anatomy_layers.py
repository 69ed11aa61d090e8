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


def test_explorer_sends_the_base_once_and_a_small_overlay_per_step():
    e = A.path_explorer(course=COURSE, start=1)
    base = e.base.value
    assert 'alt=""' in base and "data:image/png;base64," in base and "sc-nerve-overlay" in base
    sent = []
    e.base.observe(lambda c: sent.append("base"), names="value")
    e.figure.observe(lambda c: sent.append(len(c["new"])), names="value")
    for _ in range(N - 1):
        e.next.click()
    e.go("roots_l4_s3")
    assert "base" not in sent and len(sent) == N and max(sent) < len(base) / 2.5
    assert e.base.value == base
    assert "sc-nerve-figure" in e.figure_box._dom_classes and "sc-nerve-overlay" in e.figure._dom_classes
