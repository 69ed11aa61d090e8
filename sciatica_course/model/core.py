"""Building blocks for the typed, immutable records of the course.

Every record type is a frozen dataclass. Field types use a small vocabulary that the
loader (``sciatica_course.loading``) validates and the schema writer
(``sciatica_course.schema``) turns into JSON Schema:

- ``str``, ``int``, ``float``, ``bool``; ``Literal[...]`` for closed choices;
- ``Optional[X]`` (the key may be omitted or null), ``tuple[X, ...]`` for YAML lists;
- a nested frozen dataclass for a YAML mapping (unknown keys are errors);
- ``Union[A, B]`` of dataclasses discriminated by a ``kind: Literal[...]`` field,
  or ``Union[str, SomeDataclass]`` (a bare string or a mapping);
- ``Annotated[X, marker, ...]`` with the markers below: :class:`Ref` (the value must be an
  id of another collection), :class:`Range`, :class:`Pattern`, :class:`MinLen`, :class:`Doc`.

A field with a default is optional in YAML. This module does no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Iterable, Iterator, Mapping


@dataclass(frozen=True)
class Ref:
    """The value must be the ``id`` of a record in ``collection`` (e.g. ``"sources"``)."""

    collection: str


@dataclass(frozen=True)
class Range:
    """Inclusive numeric bounds; ``None`` leaves a side open."""

    lo: float | None = None
    hi: float | None = None


@dataclass(frozen=True)
class Pattern:
    """The string must match this regular expression (``re.fullmatch``)."""

    regex: str
    hint: str = ""


@dataclass(frozen=True)
class MinLen:
    """A list (or string) must have at least this many items (characters)."""

    n: int


@dataclass(frozen=True)
class Doc:
    """A description for the JSON Schema (shown by editors as a tooltip)."""

    text: str


# ---- common field types -------------------------------------------------------------
ID_REGEX = r"[a-z][a-z0-9_]*"
Id = Annotated[str, Pattern(ID_REGEX, "snake_case: lower-case letters, digits and _; starts with a letter"),
               Doc("Stable snake_case identifier, unique in its file.")]
Text = Annotated[str, MinLen(1)]
SourceKey = Annotated[str, Ref("sources"), Doc("A key of data/sources.yaml.")]
SourceKeys = Annotated[tuple[SourceKey, ...], MinLen(1),
                       Doc("The sources behind this record: keys of data/sources.yaml.")]
FactId = Annotated[str, Pattern(r"[A-Z]+-\d+[a-z]?", "a fact ID of clinical_facts.md such as ANAT-01"),
                   Doc("A fact ID of shared/reference/clinical_facts.md, e.g. ANAT-01.")]
FindingId = Annotated[str, Ref("findings"), Doc("A finding id of data/findings.yaml.")]
TechniqueId = Annotated[str, Ref("techniques"), Doc("A technique id of data/techniques.yaml.")]
MuscleId = Annotated[str, Ref("muscles"), Doc("A muscle id of data/muscles.yaml.")]
LessonId = Annotated[str, Ref("lessons"), Doc("A lesson id of data/lessons.yaml.")]
RootId = Annotated[str, Ref("roots"), Doc("A root id of data/roots.yaml.")]
RegionId = Annotated[str, Ref("body_regions"), Doc("A region id of data/body_regions.yaml.")]
Point = tuple[float, float]  # [x, y] in schematic units

Level = Annotated[str, Doc("Irritability level.")]
MBLEX_DOMAINS = ("A", "B", "C", "D", "E", "F", "G")


class Collection(tuple):
    """An immutable, ordered collection of records with lookup by id.

    It is a tuple (iterate it, index it by position) and also answers ``coll["some_id"]``,
    ``"some_id" in coll`` and ``coll.ids``.
    """

    def __new__(cls, name: str, records: Iterable[Any]):
        self = super().__new__(cls, tuple(records))
        self._name = name
        self._index = {getattr(r, "id"): r for r in self}
        return self

    def __reduce__(self):      # pickled as its name and records (the index is rebuilt)
        return (type(self), (self._name, tuple(self)))

    @property
    def name(self) -> str:
        return self._name

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._index)

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            try:
                return self._index[key]
            except KeyError:
                raise KeyError(f"{self._name} has no record with id {key!r}") from None
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:  # type: ignore[override]
        if isinstance(key, str):
            return key in self._index
        return super().__contains__(key)

    def get(self, key: str, default=None):
        return self._index.get(key, default)

    def where(self, **attrs) -> tuple:
        """Records whose attributes equal the given values, e.g. ``quizzes.where(lesson="roots")``."""
        return tuple(r for r in self if all(getattr(r, k) == v for k, v in attrs.items()))

    def __repr__(self) -> str:
        return f"<Collection {self._name}: {len(self)} records>"

    # tuples are immutable already; make attribute assignment fail too
    def __setattr__(self, key, value):
        if key in ("_name", "_index") and not hasattr(self, key):
            return object.__setattr__(self, key, value)
        raise AttributeError("a Collection is immutable")


def frozen_mapping(d: Mapping) -> Mapping:
    from types import MappingProxyType

    return MappingProxyType(dict(d))


def iter_fields(obj) -> Iterator[tuple[str, Any]]:
    from dataclasses import fields

    for f in fields(obj):
        yield f.name, getattr(obj, f.name)
