"""Figures of lessons 1 and 2: take ax=None, return the Axes, set alt text, draw the right elements."""
from __future__ import annotations

import pytest

from sciatica_course import anatomy, load_course
from sciatica_course.plotting import alt_text, new_axes
from sciatica_course.plotting.anatomy import plot_nerve_path, plot_variant
from sciatica_course.plotting.roots import plot_dermatome_map, plot_disc_levels

COURSE = load_course()


def gids(ax):
    out = [a.get_gid() for a in ax.lines] + [p.get_gid() for p in ax.patches] + [t.get_gid() for t in ax.texts]
    return [g for g in out if g]


def texts(ax):
    return " ".join(t.get_text() for t in ax.texts)


def test_nerve_path_draws_every_segment_and_outline():
    ax = plot_nerve_path(course=COURSE)
    g = gids(ax)
    for s in anatomy.segments(COURSE):
        assert f"segment:{s.id}" in g
    for o in anatomy.outlines(COURSE):
        assert f"outline:{o.id}" in g
    assert not [x for x in g if x.startswith("highlight:")]
    assert "sciatic nerve" in alt_text(ax).lower() and "endangerment" in alt_text(ax).lower()


@pytest.mark.parametrize("step", [1, 3, 7, 9, 11])
def test_nerve_path_highlights_one_segment(step):
    seg = anatomy.segment_at(step, COURSE)
    ax = plot_nerve_path(step, course=COURSE)
    assert [x for x in gids(ax) if x.startswith("highlight:")] == [f"highlight:{seg.id}"]
    assert ax._sciatica_highlight == seg.id
    assert f"Step {step}:" in texts(ax)
    assert seg.name in alt_text(ax)


def test_nerve_path_uses_the_given_axes_and_rejects_unknown_segments():
    ax = new_axes()
    assert plot_nerve_path("division", ax=ax, course=COURSE) is ax
    with pytest.raises(KeyError, match="no nerve segment"):
        plot_nerve_path("elbow", course=COURSE)


@pytest.mark.parametrize("t", list("ABCDEF"))
def test_variants(t):
    ax = plot_variant(t, course=COURSE)
    v = anatomy.variant(t, COURSE)
    g = gids(ax)
    if v.drawing.divided:
        assert any(x.startswith("division:tibial") for x in g) and any(x.startswith("division:common_fibular") for x in g)
    else:
        assert any(x.startswith("division:undivided") for x in g)
    through = "through" in (v.drawing.tibial, v.drawing.common_fibular)
    assert (g.count("muscle:piriformis_head") == 2) == through
    assert f"Type {t}" in ax.get_title() and alt_text(ax).startswith(f"Beaton–Anson type {t}")
    if v.prevalence_percent:
        assert f"{v.prevalence_percent:g}%" in ax.get_title()


def test_dermatome_map_labels_every_region_in_text():
    ax = plot_dermatome_map(course=COURSE)
    g = gids(ax)
    for r in COURSE.body_regions:
        assert f"region:{r.id}" in g
    t = texts(ax)
    for name in ("L4", "L5", "S1", "L5/S1", "FRONT", "BACK", "UK physiotherapy convention", "Achilles",
                 "Great-toe extension", "No reliable standard reflex"):
        assert name in t
    assert "L5 dermatome:" in alt_text(ax) and "key test" in alt_text(ax)


def test_dermatome_map_draws_the_dermatome_and_labels_pain_separately():
    """Issue 15: the front of the thigh is L4 PAIN, not the L4 dermatome (medial leg to the medial malleolus);
    pain-only areas are unshaded, dashed and labelled as pain, and the alt text says which is which."""
    from matplotlib.patches import Polygon

    ax = plot_dermatome_map(course=COURSE)
    patches = {p.get_gid(): p for p in ax.patches if isinstance(p, Polygon) and p.get_gid()}
    thigh, medial = patches["region:anterior_thigh"], patches["region:medial_leg"]
    assert thigh.get_alpha() < 0.2 and not thigh.get_hatch() and thigh.get_linestyle() != "-"
    assert medial.get_alpha() > 0.5 and medial.get_hatch()
    t = texts(ax)
    assert "L4 pain" in t and "L5/S1 pain" in t and "not its dermatome" in t
    alt = alt_text(ax)
    assert "L4 dermatome: front of the knee, inner shin" in alt and "front of the thigh" not in alt.split("L4 pain")[0]
    assert "L4 pain: front of the thigh" in alt


def test_dermatome_map_outlines_the_selection():
    ax = plot_dermatome_map(["heel", "sole"], table=False, course=COURSE)
    g = gids(ax)
    assert "selected:heel" in g and "selected:sole" in g and "region:buttock" in g
    assert "heel" in alt_text(ax).lower()


@pytest.mark.parametrize("disc,root,spared", [("l4_l5", "l5", "l4"), ("l5_s1", "s1", "l5")])
def test_disc_levels_show_the_traversing_root(disc, root, spared):
    ax = plot_disc_levels(disc, course=COURSE)
    g = gids(ax)
    assert f"root:{root}:affected" in g and f"root:{spared}" in g and f"herniation:{disc}" in g
    assert "usually AFFECTED" in texts(ax) and "usually spared" in texts(ax)
    assert ax._sciatica_affected == root


@pytest.mark.parametrize("plot,args", [(plot_nerve_path, (3,)), (plot_variant, ("E",)),
                                       (plot_dermatome_map, ((),)), (plot_disc_levels, ("l5_s1",))])
def test_every_plot_draws_on_the_given_axes_and_sets_alt_text(plot, args):
    ax = new_axes()
    assert plot(*args, ax=ax, course=COURSE) is ax
    assert len(alt_text(ax)) > 80
