"""Records for anatomy: the bibliography, the nerve path, root levels, body regions, muscles."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, Optional, Union

from .core import (Doc, FactId, Id, MinLen, Point, Range, RegionId, RootId, SourceKeys, Text)


@dataclass(frozen=True)
class Source:
    """A bibliography entry. ``sources`` names where the entry was found (usually the evidence sheet)."""

    id: Id
    citation: Text
    supports: Annotated[str, MinLen(1), Doc("What this source supports in the course.")]
    sources: SourceKeys
    kind: Literal["primary", "guideline", "review", "textbook", "secondary", "evidence_sheet",
                  "curriculum", "seed_article"] = "primary"
    year: Optional[int] = None
    url: Optional[str] = None
    fact_ids: tuple[FactId, ...] = ()
    confidence: Optional[Literal["H", "M", "L"]] = None


@dataclass(frozen=True)
class Endangerment:
    site: Text
    structures: tuple[Text, ...]
    what_to_do: Text


@dataclass(frozen=True)
class NerveSegment:
    """One step along the sciatic nerve, in order from the roots to the terminal branches."""

    id: Id
    kind: Literal["segment"]
    order: int
    name: Text
    region: Literal["lumbosacral", "pelvis", "gluteal", "thigh", "popliteal", "leg", "foot"]
    branch: Literal["roots", "plexus", "sciatic", "tibial", "common_fibular"]
    description: Text
    landmarks: tuple[Text, ...]
    neighbours: tuple[Text, ...]
    muscles_supplied: tuple[Text, ...]
    massage_relevance: Text
    path: Annotated[tuple[Point, ...], MinLen(2), Doc("Schematic [x, y] points, posterior view.")]
    sources: SourceKeys
    endangerment: Optional[Endangerment] = None
    label_at: Optional[Point] = None
    short_name: Annotated[Optional[str], MinLen(1), Doc("A short label for buttons and the figure.")] = None
    deep_to_view: Annotated[bool, Doc("True where the nerve lies on the far (anterior) side in a posterior "
                                      "view: drawn dashed.")] = False


@dataclass(frozen=True)
class Outline:
    """A structure drawn on the posterior-view schematic (bone, muscle or landmark)."""

    id: Id
    kind: Literal["outline"]
    name: Text
    structure: Literal["bone", "muscle", "landmark"]
    polygon: Annotated[tuple[Point, ...], MinLen(2)]
    sources: SourceKeys
    closed: bool = True
    label_at: Optional[Point] = None


@dataclass(frozen=True)
class VariantDrawing:
    divided: bool
    tibial: Literal["below", "through", "above"]
    common_fibular: Literal["below", "through", "above"]


@dataclass(frozen=True)
class Variant:
    """A Beaton–Anson relation of the sciatic nerve to piriformis (types A–F)."""

    id: Id
    kind: Literal["variant"]
    type: Literal["A", "B", "C", "D", "E", "F"]
    name: Text
    description: Text
    drawing: VariantDrawing
    prevalence_note: Text
    sources: SourceKeys
    prevalence_percent: Annotated[Optional[float], Range(0, 100)] = None
    prevalence_ci: Optional[tuple[float, float]] = None


NervePathRecord = Union[NerveSegment, Outline, Variant]


@dataclass(frozen=True)
class MyotomeTest:
    movement: Text
    muscle: Text
    how: Text


@dataclass(frozen=True)
class Root:
    id: Id
    name: Text
    dermatome: Text
    myotomes: tuple[MyotomeTest, ...]
    reflex: Text
    reflex_reliable: bool
    pain_distribution: Text
    convention: Text
    caveats: tuple[Text, ...]
    sources: SourceKeys
    disc_level_usually: Optional[Text] = None


@dataclass(frozen=True)
class BodyRegion:
    """An area of the leg or foot a client can point to, drawn on the leg outline."""

    id: Id
    name: Text
    view: Literal["front", "back"]
    polygon: Annotated[tuple[Point, ...], MinLen(3)]
    roots: Annotated[tuple[RootId, ...], Doc("Roots a symptom here is consistent with: the root's dermatome or its "
                                             "typical pain distribution includes the area.")]
    sources: SourceKeys
    note: Optional[Text] = None
    pain_only: Annotated[tuple[RootId, ...], Doc("Those of `roots` whose typical pain distribution includes the area "
                                                 "but whose dermatome does not (the dermatome map leaves them "
                                                 "unshaded and labels them as pain).")] = ()

    def check(self):
        extra = [r for r in self.pain_only if r not in self.roots]
        if extra:
            yield "pain_only", f"{', '.join(extra)} must also be listed in roots"

    @property
    def dermatome_roots(self) -> tuple:
        """The roots whose dermatome includes the area (``roots`` without ``pain_only``)."""
        return tuple(r for r in self.roots if r not in self.pain_only)


@dataclass(frozen=True)
class Muscle:
    id: Id
    name: Text
    origin: Text
    insertion: Text
    action: Text
    nerve: Text
    roots: tuple[Annotated[str, Doc("A spinal root such as L5 or S1")], ...]
    supplied_by_sciatic: bool
    relation_to_sciatic: Text
    region: Literal["deep_gluteal", "gluteal", "posterior_thigh", "leg", "trunk", "hip_flexor", "lateral_hip"]
    sources: SourceKeys
    sciatic_division: Optional[Literal["tibial", "common_fibular"]] = None
    clinical_note: Optional[Text] = None

    def check(self):
        if self.supplied_by_sciatic and self.sciatic_division is None and self.region == "posterior_thigh":
            yield "sciatic_division", "a thigh muscle supplied by the sciatic nerve needs its division"
        if not self.supplied_by_sciatic and self.sciatic_division is not None:
            yield "sciatic_division", "given, but supplied_by_sciatic is false"
