"""The anatomy data (nerve path, roots, muscles, body regions, anatomy claims and quizzes) says what the
evidence sheet says: the numbers to get right (clinical_facts.md section 11) and the structure the lessons need."""
from __future__ import annotations

import re

import pytest

from sciatica_course import anatomy, load_course

COURSE = load_course()


def test_segments_are_ordered_and_run_from_roots_to_branches():
    segs = anatomy.segments(COURSE)
    assert [s.order for s in segs] == list(range(1, len(segs) + 1))
    assert segs[0].branch == "roots" and "L4" in segs[0].name and "S3" in segs[0].name
    assert {"tibial", "common_fibular"} <= {s.branch for s in segs}


def test_the_three_endangerment_sites_and_what_to_do():
    sites = {s.id: s.endangerment for s in anatomy.endangerment_sites(COURSE)}
    assert set(sites) == {"greater_sciatic_foramen", "popliteal_fossa", "common_fibular_nerve"}
    for e in sites.values():
        text = e.what_to_do.lower()
        assert "broad" in text and "light" in text
        assert "move away" in text
    for s in anatomy.endangerment_sites(COURSE):
        assert "werner_2020_endangerment" in s.sources


def test_numbers_to_get_right():
    text = " ".join(s.description for s in anatomy.segments(COURSE))
    assert "65.4 mm" in text                              # ANAT-07
    assert "halfway between the greater trochanter and the ischial tuberosity" in text  # ANAT-05
    v = {x.type: x for x in anatomy.variants(COURSE)}
    assert v["A"].prevalence_percent == 85.2 and v["A"].prevalence_ci == (78.4, 87.0)
    assert v["B"].prevalence_percent == 9.8 and v["B"].prevalence_ci == (6.5, 13.2)
    assert "90%" in v["A"].prevalence_note               # Poutoglidou 2020
    for t in "CDEF":                                      # no invented per-type figures
        assert v[t].prevalence_percent is None
        assert "16.9%" in v[t].prevalence_note


def test_variants_a_to_f_are_drawn_as_classified():
    d = {x.type: x.drawing for x in anatomy.variants(COURSE)}
    assert [t for t in sorted(d)] == list("ABCDEF")
    assert not d["A"].divided and d["A"].tibial == d["A"].common_fibular == "below"
    assert d["B"].divided and d["B"].common_fibular == "through" and d["B"].tibial == "below"
    assert d["C"].common_fibular == "above" and d["C"].tibial == "below"
    assert not d["D"].divided and d["D"].tibial == "through"
    assert {d["E"].tibial, d["E"].common_fibular} == {"through", "above"}
    assert not d["F"].divided and d["F"].tibial == "above"


def test_piriformis_is_not_supplied_by_the_sciatic_nerve():
    m = COURSE.muscles
    assert m["piriformis"].supplied_by_sciatic is False and m["piriformis"].roots == ("S1", "S2")
    for rotator in ("superior_gemellus", "obturator_internus", "inferior_gemellus", "quadratus_femoris"):
        assert m[rotator].supplied_by_sciatic is False
    assert m["biceps_femoris_short_head"].sciatic_division == "common_fibular"
    assert [x.id for x in m if x.sciatic_division == "common_fibular"] == ["biceps_femoris_short_head"]
    assert m["iliopsoas"].supplied_by_sciatic is False and "does not pass" in m["iliopsoas"].relation_to_sciatic


def test_the_sheets_sixteen_muscles_are_all_there():
    names = " ".join(x.name.lower() for x in COURSE.muscles)
    for muscle in ("piriformis", "superior gemellus", "obturator internus", "inferior gemellus", "quadratus femoris",
                   "gluteus maximus", "gluteus medius", "gluteus minimus", "semitendinosus", "semimembranosus",
                   "biceps femoris", "quadratus lumborum", "iliopsoas", "tensor fasciae latae", "gastrocnemius",
                   "soleus"):
        assert muscle in names


def test_roots_key_tests_reflexes_and_convention():
    r = COURSE.roots
    assert r.ids == ("l4", "l5", "s1")
    assert "patellar" in r["l4"].reflex.lower() and r["l4"].reflex_reliable
    assert not r["l5"].reflex_reliable and "no reliable" in r["l5"].reflex.lower()
    assert "achilles" in r["s1"].reflex.lower()
    assert r["l5"].myotomes[0].muscle == "Extensor hallucis longus"
    assert "plantarflexion" in r["s1"].myotomes[0].movement.lower()
    for root in r:
        assert "UK physiotherapy" in root.convention            # ROOT-01: one convention, named
        assert any("overlap" in c for c in root.caveats)          # ROOT-03, cited by author and year
        assert any("Iversen 2013" in c for c in root.caveats)
    assert any("side" in c and "older" in c for c in r["s1"].caveats)   # ROOT-04: compare side to side
    assert "L4-L5" in r["l5"].disc_level_usually and "L5-S1" in r["s1"].disc_level_usually


@pytest.mark.parametrize("region", list(COURSE.body_regions), ids=lambda r: r.id)
def test_body_regions_are_drawable_and_rooted(region):
    assert len(region.polygon) >= 3 and region.roots
    for x, y in region.polygon:
        assert -0.1 <= x <= 4.1 and -0.1 <= y <= 20.3


def test_region_roots_follow_section_2():
    b = COURSE.body_regions
    assert b["medial_leg"].roots == ("l4",)
    assert b["lateral_leg"].roots == ("l5",) and b["dorsum_foot"].roots == ("l5",) and b["great_toe"].roots == ("l5",)
    for rid in ("lateral_foot_back", "sole", "heel", "posterior_calf"):
        assert b[rid].roots == ("s1",)
    assert "S1-S3" in b["posterior_thigh"].note and "posterior femoral cutaneous" in b["posterior_thigh"].note
    assert {r.view for r in b} == {"front", "back"}


def test_anatomy_claims_and_quizzes():
    claims = [c for c in COURSE.claims if c.id.startswith("anat_")]
    assert len(claims) >= 4
    assert all(c.topic == "anatomy" and c.lesson == "sciatic_nerve_path" for c in claims)
    assert COURSE.claims["anat_psoas_compresses_sciatic"].verdict == "unsupported"
    assert COURSE.claims["anat_nerve_often_through_piriformis"].verdict == "overstated"
    path = COURSE.quizzes.where(lesson="sciatic_nerve_path")
    roots = COURSE.quizzes.where(lesson="root_levels")
    assert len([q for q in path if q.id.startswith("path_")]) >= 6
    assert len([q for q in roots if q.id.startswith("roots_")]) >= 6
    for q in path + roots:
        assert all(o.explanation.strip() for o in q.options)


def test_no_exact_length_of_the_nerve_is_quoted():
    """ANAT-11: avoid quoting an exact length; popular inch figures are unsourced."""
    texts = [s.description for s in anatomy.segments(COURSE)] + [c.explanation for c in COURSE.claims
                                                                   if c.id.startswith("anat_")]
    for t in texts:
        assert not re.search(r"\b\d+(\.\d+)?\s*(cm|m|metres?|feet|ft)\s+long", t)
