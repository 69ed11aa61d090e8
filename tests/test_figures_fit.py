"""Figures a student reads whole: no text runs off the figure, and the plotting area is not squeezed into a
sliver by long labels (lesson 9's MBLEx chart was squashed and its bar labels cut off at the right edge)."""
from __future__ import annotations

import pytest

from sciatica_course import load_course

COURSE = load_course()


def _texts(fig):
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def assert_fits(ax, min_axes_share: float = 0.4):
    fig = ax.figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    W, H = fig.bbox.width, fig.bbox.height
    outside = []
    for t in _texts(fig):
        bb = t.get_window_extent(renderer)
        if bb.x0 < -1 or bb.y0 < -1 or bb.x1 > W + 1 or bb.y1 > H + 1:
            outside.append(f"{t.get_text()[:50]!r} at x {bb.x0:.0f}..{bb.x1:.0f}, y {bb.y0:.0f}..{bb.y1:.0f} "
                           f"(figure {W:.0f}x{H:.0f})")
    assert not outside, "text cut off at the figure's edge:\n" + "\n".join(outside)
    if ax.axison:
        share = ax.get_window_extent(renderer).width / W
        assert share >= min_axes_share, f"the plot takes only {share:.0%} of the figure's width"


@pytest.fixture
def dashboard_data(tmp_path, monkeypatch):
    monkeypatch.setenv("SCIATICA_COURSE_HOME", str(tmp_path))
    from sciatica_course.revision import dashboard_data

    return dashboard_data(COURSE)


def test_mastery_by_domain_and_topic_fit(dashboard_data):
    from sciatica_course.plotting.progress import plot_mastery

    assert dashboard_data.domains and dashboard_data.topics
    assert_fits(plot_mastery(dashboard_data.domains, title="Mastery by MBLEx domain"))
    assert_fits(plot_mastery(dashboard_data.topics))


def test_mastery_fits_when_every_bar_is_full(dashboard_data):
    from dataclasses import replace

    from sciatica_course.plotting.progress import plot_mastery

    full = [replace(m, mastery=1.0, answered=m.items) for m in dashboard_data.domains]
    assert_fits(plot_mastery(full, title="Mastery by MBLEx domain"))
