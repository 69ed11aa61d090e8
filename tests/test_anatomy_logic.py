"""Pure anatomy logic: ordered segments, variants, muscles by supply, symptom maps and disc levels."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from sciatica_course import anatomy, load_course

COURSE = load_course()
REGION_IDS = list(COURSE.body_regions.ids)


def test_segment_at_and_bounds():
    segs = anatomy.segments(COURSE)
    assert anatomy.segment_at(1, COURSE).id == segs[0].id
    assert anatomy.segment_at(len(segs), COURSE).id == segs[-1].id
    with pytest.raises(ValueError, match="between 1 and"):
        anatomy.segment_at(0, COURSE)


def test_variant_lookup():
    assert anatomy.variant("b", COURSE).id == "variant_b"
    assert anatomy.variant("variant_f", COURSE).type == "F"
    with pytest.raises(KeyError, match="A, B, C, D, E, F"):
        anatomy.variant("Z", COURSE)
    assert anatomy.variant_summary(COURSE)["commonest_variant"].type == "B"


def test_muscles_by_supply_partitions():
    yes, no = anatomy.muscles_by_supply(COURSE)
    assert {m.id for m in yes} | {m.id for m in no} == set(COURSE.muscles.ids)
    assert "piriformis" in {m.id for m in no} and "semitendinosus" in {m.id for m in yes}


def test_symptom_maps():
    s1 = anatomy.consistent_roots(["heel", "sole", "posterior_calf"], COURSE)
    assert s1.all_regions == ("s1",) and s1.single_root and "S1" in s1.summary
    l5 = anatomy.consistent_roots(["lateral_leg", "dorsum_foot", "great_toe"], COURSE)
    assert l5.all_regions == ("l5",)
    mixed = anatomy.consistent_roots(["medial_leg", "sole"], COURSE)
    assert mixed.all_regions == () and mixed.some_regions == ("l4", "s1")
    assert "More than one root" in mixed.summary
    empty = anatomy.consistent_roots([], COURSE)
    assert empty.all_regions == () and "No areas" in empty.summary
    odd = anatomy.consistent_roots(["elbow", "heel"], COURSE)
    assert odd.unknown == ("elbow",) and odd.all_regions == ("s1",)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(REGION_IDS), max_size=6), st.sampled_from(REGION_IDS))
def test_adding_an_area_never_widens_the_common_roots(chosen, extra):
    before = anatomy.consistent_roots(chosen, COURSE)
    after = anatomy.consistent_roots(chosen + [extra], COURSE)
    if chosen:
        assert set(after.all_regions) <= set(before.all_regions)
    assert set(before.some_regions) <= set(after.some_regions)
    assert set(after.all_regions) <= set(after.some_regions)


def test_disc_levels_follow_root_02():
    assert anatomy.root_affected_by_disc("l4_l5", COURSE) == "l5"
    assert anatomy.root_affected_by_disc("l5_s1", COURSE) == "s1"
    with pytest.raises(KeyError):
        anatomy.root_affected_by_disc("l2_l3", COURSE)


def test_caveats_collected_without_repeats():
    cs = anatomy.caveats(COURSE)
    assert len(cs) == len(set(cs)) and any("older adults" in c for c in cs)   # ROOT-04
