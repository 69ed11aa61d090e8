"""Pure anatomy logic for lessons 1 and 2: the ordered segments of the sciatic nerve, the Beaton–Anson
variants, which muscles the nerve supplies, and which root levels a symptom map is consistent with.

Everything here reads the data (``data/nerve_path.yaml``, ``roots.yaml``, ``muscles.yaml``,
``body_regions.yaml``) and returns plain records or small result objects: no drawing, no widgets.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


def _course(course):
    if course is None:
        from .loading import load_course

        course = load_course()
    return course


# ---------------------------------------------------------------- the nerve path
def segments(course=None) -> tuple:
    """The nerve's segments in order, from the roots to the terminal branches."""
    course = _course(course)
    return tuple(sorted((r for r in course.nerve_path if r.kind == "segment"), key=lambda r: r.order))


def outlines(course=None) -> tuple:
    """The bones, muscles and landmarks drawn on the posterior-view schematic (file order)."""
    return tuple(r for r in _course(course).nerve_path if r.kind == "outline")


def variants(course=None) -> tuple:
    """The Beaton–Anson variants, A to F."""
    return tuple(sorted((r for r in _course(course).nerve_path if r.kind == "variant"), key=lambda r: r.type))


def variant(type_or_id: str, course=None):
    """A variant by its letter (``"B"``) or its id (``"variant_b"``)."""
    for v in variants(course):
        if v.id == type_or_id or v.type == str(type_or_id).upper():
            return v
    raise KeyError(f"no Beaton–Anson variant {type_or_id!r}; choose one of A, B, C, D, E, F")


def segment_at(step: int, course=None):
    """The segment at ``step`` (1 = the roots), as used by the path explorer."""
    segs = segments(course)
    if not 1 <= step <= len(segs):
        raise ValueError(f"step must be between 1 and {len(segs)}, not {step}")
    return segs[step - 1]


def endangerment_sites(course=None) -> tuple:
    """The segments that are endangerment sites, in order along the nerve."""
    return tuple(s for s in segments(course) if s.endangerment is not None)


def variant_summary(course=None) -> dict:
    """Teaching figures for the variants: the typical type's pooled prevalence and the share that differ."""
    vs = {v.type: v for v in variants(course)}
    a = vs.get("A")
    return {
        "typical_percent": a.prevalence_percent if a else None,
        "typical_ci": a.prevalence_ci if a else None,
        "commonest_variant": max((v for v in vs.values() if v.type != "A" and v.prevalence_percent),
                                 key=lambda v: v.prevalence_percent, default=None),
    }


# ---------------------------------------------------------------- muscles
def muscles_by_supply(course=None) -> tuple[tuple, tuple]:
    """(muscles the sciatic nerve or its branches supply, muscles it does not), each in file order."""
    ms = tuple(_course(course).muscles)
    return tuple(m for m in ms if m.supplied_by_sciatic), tuple(m for m in ms if not m.supplied_by_sciatic)


# ---------------------------------------------------------------- roots and symptom maps
def root_order(course=None) -> tuple[str, ...]:
    """Root ids from the top of the spine down (as in the data file)."""
    return tuple(r.id for r in _course(course).roots)


def regions(view: str | None = None, course=None) -> tuple:
    """Body regions, optionally one view (``"front"`` or ``"back"``)."""
    rs = tuple(_course(course).body_regions)
    if view is not None:
        if view not in ("front", "back"):
            raise ValueError(f"view must be 'front' or 'back', not {view!r}")
        rs = tuple(r for r in rs if r.view == view)
    return rs


@dataclass(frozen=True)
class SymptomMapResult:
    """What a symptom map is consistent with. ``all_regions``: roots whose usual territory includes every
    chosen region; ``some_regions``: roots that include at least one; ``by_region``: region id -> roots."""

    regions: tuple[str, ...]
    all_regions: tuple[str, ...]
    some_regions: tuple[str, ...]
    by_region: dict
    unknown: tuple[str, ...] = ()

    @property
    def single_root(self) -> bool:
        return len(self.all_regions) == 1

    @property
    def summary(self) -> str:
        if not self.regions:
            return "No areas chosen yet."
        if self.all_regions:
            names = " or ".join(r.upper() for r in self.all_regions)
            return f"These areas together are consistent with {names}."
        if self.some_regions:
            names = ", ".join(r.upper() for r in self.some_regions)
            return (f"No single root's usual map covers all these areas; parts fit {names}. More than one root, "
                    "a peripheral nerve or something else may be involved.")
        return "None of these areas belongs to the L4, L5 or S1 maps used in this course."


def consistent_roots(region_ids: Iterable[str], course=None) -> SymptomMapResult:
    """Which of the course's roots (L4, L5, S1) a set of symptom areas is consistent with.

    Consistent means the area is in the root's usual dermatome or pain distribution; maps overlap and vary
    between people (ROOT-03), so this is never a diagnosis. Unknown region ids are reported, not raised."""
    course = _course(course)
    order = root_order(course)
    chosen = tuple(dict.fromkeys(region_ids))
    unknown = tuple(r for r in chosen if r not in course.body_regions)
    known = tuple(r for r in chosen if r in course.body_regions)
    by_region = {r: tuple(course.body_regions[r].roots) for r in known}
    if known:
        common = set(order)
        for roots in by_region.values():
            common &= set(roots)
        anywhere = set().union(*(set(v) for v in by_region.values()))
    else:
        common, anywhere = set(), set()
    return SymptomMapResult(
        regions=known,
        all_regions=tuple(r for r in order if r in common),
        some_regions=tuple(r for r in order if r in anywhere),
        by_region=by_region,
        unknown=unknown,
    )


def regions_for_root(root_id: str, course=None) -> tuple:
    """The body regions whose usual root list includes ``root_id``."""
    course = _course(course)
    if root_id not in course.roots:
        raise KeyError(f"no root {root_id!r}; roots: {', '.join(course.roots.ids)}")
    return tuple(r for r in course.body_regions if root_id in r.roots)


def caveats(course=None) -> tuple[str, ...]:
    """Every root caveat of the data, without repeats, in order."""
    seen = {}
    for r in _course(course).roots:
        for c in r.caveats:
            seen.setdefault(c, None)
    return tuple(seen)


# The lumbar levels for "which root does a disc level usually affect" (ROOT-02). The disc between two
# vertebrae is crossed by the root that exits one level lower (the traversing root); the root named after
# the upper vertebra has already left through the foramen above the disc.
DISC_LEVELS = {
    "l4_l5": {"label": "L4–L5 disc", "exiting": "l4", "traversing": "l5"},
    "l5_s1": {"label": "L5–S1 disc", "exiting": "l5", "traversing": "s1"},
}


def root_affected_by_disc(disc: str, course=None) -> str:
    """The root a posterolateral herniation at ``disc`` ("l4_l5" or "l5_s1") usually affects (ROOT-02)."""
    if disc not in DISC_LEVELS:
        raise KeyError(f"no disc level {disc!r}; choose one of {', '.join(DISC_LEVELS)}")
    label = DISC_LEVELS[disc]["label"].replace("–", "-")
    for r in _course(course).roots:
        if r.disc_level_usually and label in r.disc_level_usually:
            return r.id
    raise KeyError(f"roots.yaml names no root for the {label} disc (disc_level_usually)")
