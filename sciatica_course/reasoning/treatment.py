"""The treatment half of ``recommend``: irritability, techniques, what to avoid, position, stop rules
and self-care.

Every rule comes from ``data/``: ``irritability.yaml`` (indicators, level rules, stop rules),
``techniques.yaml`` (fit by irritability), ``contraindications.yaml`` (excluded techniques, pressure,
position) and ``stretches.yaml``. The functions here only combine them:

- the irritability level is the highest ``raises_to`` among the indicators whose condition holds
  (``low`` when none does); the deciding indicators are the ones at that level;
- a technique is suitable today when its fit at that level is ``yes`` or ``modified`` and no
  contraindication that applies excludes it; everything else is in ``avoided`` with its reasons;
- the position is the first of (positions required by a caution, then the level's preferences)
  that no caution excludes.

``plan(findings, screen, course) -> Plan``; when ``screen.treat_today`` is False the plan holds no
irritability, no techniques and no position, and every technique is avoided with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

LEVELS = ("low", "moderate", "high")
PRESSURE_LABEL = {"light": "light", "light_moderate": "light to moderate", "moderate": "moderate"}
PRESSURE_CATEGORIES = ("swedish", "specific")   # technique categories a pressure limit applies to


# ---- conditions over findings ------------------------------------------------------------------
def condition_holds(cond, findings: Mapping[str, object]) -> bool:
    """Evaluate a :class:`~sciatica_course.model.Condition` against a findings dict with the shared
    evaluator (:func:`sciatica_course.conditions.holds`), so screening and treatment read conditions the
    same way: a bare finding id means present; an absent finding is false/normal and fails any numeric
    test; ``None`` means always."""
    from ..conditions import holds

    return bool(holds(cond, findings))


# ---- irritability --------------------------------------------------------------------------------
@dataclass(frozen=True)
class IrritabilityResult:
    level: str                                 # low | moderate | high
    deciding: tuple[str, ...]                  # ids of the indicators at the final level that hold
    holding: tuple[str, ...]                   # ids of every indicator that holds
    by_level: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def basis(self) -> str:
        return "consensus"


def indicators(course):
    return tuple(r for r in course.irritability if r.kind == "indicator")


def level_rule(level: str, course):
    for r in course.irritability:
        if r.kind == "level" and r.level == level:
            return r
    raise KeyError(f"data/irritability.yaml has no level rule for {level!r}")


def stop_rule_records(course):
    return tuple(r for r in course.irritability if r.kind == "stop_rule")


def classify(findings: Mapping[str, object], course) -> IrritabilityResult:
    """Rate irritability from (validated) findings with the indicators of ``data/irritability.yaml``."""
    holding = [r for r in indicators(course) if condition_holds(r.when, findings)]
    rank = {lv: i for i, lv in enumerate(LEVELS)}
    level = max((r.raises_to for r in holding), key=lambda lv: rank[lv], default="low")
    by_level = {lv: tuple(r.id for r in holding if r.raises_to == lv) for lv in LEVELS}
    return IrritabilityResult(level=level, deciding=by_level[level], holding=tuple(r.id for r in holding),
                              by_level=by_level)


def classify_irritability(findings: Mapping[str, object], course=None) -> IrritabilityResult:
    """Validate ``findings`` (PresentationError on bad input) and rate irritability."""
    from ..loading import load_course
    from .findings import validate_findings

    course = course if course is not None else load_course()
    return classify(validate_findings(findings, course), course)


# ---- the plan ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    irritability: Optional[str] = None
    techniques: tuple = ()
    avoided: dict = field(default_factory=dict)
    position: Optional[str] = None
    reasons: tuple = ()
    modifications: dict = field(default_factory=dict)
    indicators: tuple = ()
    stop_rules: tuple = ()
    self_care: tuple = ()
    contraindications: tuple = ()   # ids of the local contraindications and cautions that apply
    areas: tuple = ()               # Area records: body areas to avoid or treat only lightly today


def applicable_contraindications(findings, course, categories=("local", "caution")):
    return tuple(c for c in course.contraindications
                 if c.category in categories and condition_holds(c.when, findings))


def areas_today(cis) -> tuple:
    """The body areas of the contraindications that apply: ``avoid`` for a local exclusion
    (``action: avoid_area``), ``light`` for a caution that names an area; avoid first, then in file order."""
    from . import Area

    out = []
    for c in cis:
        if not c.area:
            continue
        action = "avoid" if c.action == "avoid_area" else "light"
        out.append(Area(area=c.area, action=action, reason=f"{c.name}: {c.what_to_do}",
                        sources=tuple(c.sources), rule=c.id))
    return tuple(sorted(out, key=lambda a: a.action != "avoid"))


def self_care_exclusions(cis, stretches=()) -> dict:
    """Stretch id -> the reasons (``name: why``) of the contraindications in force that leave it out, whatever
    the irritability: named in ``excluded_self_care`` (e.g. pressure on the inner thighs in pregnancy), or done in
    a position they exclude (``positions_excluded``; give ``stretches`` for that)."""
    out: dict = {}
    for c in cis:
        for sid in getattr(c, "excluded_self_care", ()):
            out.setdefault(sid, []).append(f"{c.name}: {c.why}")
        for s in stretches:
            if s.position is not None and s.position in c.positions_excluded and s.id not in c.excluded_self_care:
                out.setdefault(s.id, []).append(f"{c.name}: {c.why}")
    return out


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


PRESSURE_ORDER = ("light", "light_moderate", "moderate")
END_RANGE_TECHNIQUES = frozenset({"static_stretch", "contract_relax"})


@dataclass(frozen=True)
class DoseLimits:
    """What the contraindications and cautions in force cap, whatever the irritability level allows: the
    pressure (the strictest ``pressure`` of any of them, with their names) and end-range work (the names of
    those that exclude end-range stretching)."""

    pressure: Optional[str] = None
    pressure_by: tuple = ()
    end_range_by: tuple = ()

    def pressure_text(self) -> str:
        return f"{PRESSURE_LABEL[self.pressure]} at most" if self.pressure else ""


def dose_limits(cis) -> DoseLimits:
    caps = [c for c in cis if c.pressure]
    pressure = min((c.pressure for c in caps), key=PRESSURE_ORDER.index, default=None)
    return DoseLimits(pressure=pressure, pressure_by=tuple(dict.fromkeys(c.name for c in caps)),
                      end_range_by=tuple(dict.fromkeys(c.name for c in cis
                                                       if END_RANGE_TECHNIQUES & set(c.excluded_techniques))))


def limited_dosage(dosage, limits: DoseLimits) -> dict:
    """The level's dosage (session, pressure, position, movement, aims) with the caps of the cautions in force
    applied: a caution's limit replaces the level's advice, so the dose never contradicts the caution."""
    out = {"session": dosage.session, "pressure": dosage.pressure, "position": dosage.position,
           "movement": dosage.movement, "aims": dosage.aims}
    if limits.pressure:
        out["pressure"] = (f"{limits.pressure_text().capitalize()} today, whatever the level allows "
                           f"({'; '.join(limits.pressure_by)}); broad and flat at the endangerment sites.")
    if limits.end_range_by:
        out["movement"] = ("Gentle and mid-range only today: no end-range stretching, contract-relax or nerve "
                           f"tensioners ({'; '.join(limits.end_range_by)}).")
    return out


def _not_treating_reason(screen, course) -> str:
    from .screening import NOT_TODAY

    if screen.urgency in NOT_TODAY:
        return f"No hands-on treatment today: the screening found an {screen.urgency} reason to refer first."
    names = [course.contraindications[c].name for c in getattr(screen, "systemic", ()) if c in course.contraindications]
    if names:
        return "No hands-on treatment today: a systemic contraindication applies (" + "; ".join(names) + ")."
    return "No hands-on treatment today: the screening advises against treating."


def plan(findings: dict, screen, course) -> Plan:
    from . import Reason

    if not screen.treat_today:
        why = _not_treating_reason(screen, course)
        return Plan(avoided={t.id: why for t in course.techniques},
                    reasons=(Reason(why + " Irritability, techniques and position are planned only when it is "
                                    "safe to treat.", ("clinical_facts_sheet", "finucane_2020"), "note",
                                    "not_treating_today"),))

    irr = classify(findings, course)
    rule = level_rule(irr.level, course)
    ind = {r.id: r for r in indicators(course)}
    reasons = []

    # -- irritability
    if irr.deciding:
        labels = "; ".join(ind[i].label.lower() for i in irr.deciding)
        text = (f"Irritability is {irr.level} (a teaching synthesis, not a validated scale), decided by: {labels}. "
                f"Dosage: {rule.dosage.pressure}")
    else:
        text = (f"Irritability is {irr.level}: no moderate or high indicator is present (a teaching synthesis, "
                f"not a validated scale). Dosage: {rule.dosage.pressure}")
    srcs = tuple(dict.fromkeys([s for i in irr.deciding for s in ind[i].sources] + list(rule.sources)))
    early_limits = dose_limits(applicable_contraindications(findings, course))
    if early_limits.pressure:
        text += f" Limited today: pressure {early_limits.pressure_text()} ({'; '.join(early_limits.pressure_by)})."
    reasons.append(Reason(text, srcs, "irritability", rule.id))

    # -- techniques by irritability
    avoided: dict[str, list[str]] = {}
    mods: dict[str, list[str]] = {}
    for t in course.techniques:
        s = getattr(t.suitability, irr.level)
        if s.fit == "no":
            avoided.setdefault(t.id, []).append(f"{irr.level.capitalize()} irritability: {s.why}")
        else:
            mods[t.id] = [s.how] if s.how else ["As usual; keep checking the client's symptoms."]
            if t.caution:
                mods[t.id].append(t.caution)

    # -- local contraindications and cautions
    cis = applicable_contraindications(findings, course)
    limits = dose_limits(cis)
    excluded_positions: set[str] = set()
    required_positions: list[str] = []
    cap_stretching = False
    cap_pressure = False
    for c in cis:
        for tid in c.excluded_techniques:
            avoided.setdefault(tid, []).append(f"{c.name}: {c.why}")
            mods.pop(tid, None)
            if tid == "static_stretch":
                cap_stretching = True
            if tid in ("trigger_point_pressure", "deep_tissue"):
                cap_pressure = True
        if {"static_stretch", "contract_relax"} & set(c.excluded_techniques):
            # A caution that rules out end-range stretching also keeps every movement short of end range:
            # movement techniques are dosed as at moderate irritability at most (never loosened).
            for tid in list(mods):
                t = course.techniques[tid]
                if t.category not in ("movement", "neural", "stretch"):
                    continue
                if irr.level == "low":
                    capped = t.suitability.moderate
                    if capped.fit == "no":
                        avoided.setdefault(tid, []).append(f"{c.name}: no end-range loading. {c.why}")
                        mods.pop(tid)
                        continue
                    if capped.how:
                        mods[tid][0] = capped.how
                if limits.end_range_by and tid in mods and not any("short of end range" in m for m in mods[tid]):
                    # one sentence naming every caution behind it, not the same sentence once per caution
                    mods[tid].append(f"Gentle and short of end range ({'; '.join(limits.end_range_by)}).")
        if c.pressure:
            cap_pressure = True
            for tid in list(mods):
                if (course.techniques[tid].category in PRESSURE_CATEGORIES
                        and not any(m.startswith("Whatever the level allows") for m in mods[tid])):
                    mods[tid].append(f"Whatever the level allows, keep pressure {limits.pressure_text()} "
                                     f"({'; '.join(limits.pressure_by)}).")
        if c.action == "avoid_area":
            for tid in list(mods):
                mods[tid].append(f"Keep off {_lower_first(c.area or 'the affected area')} ({c.name}).")
        elif c.area and c.when is not None:
            head = f"Take extra care at {_lower_first(c.area)} ("
            for tid in list(mods):
                if course.techniques[tid].category in PRESSURE_CATEGORIES:
                    # one sentence per area, naming every caution behind it (two cautions may name the same area)
                    i = next((k for k, m in enumerate(mods[tid]) if m.startswith(head)), None)
                    if i is None:
                        mods[tid].append(f"{head}{c.name}).")
                    else:
                        mods[tid][i] = f"{mods[tid][i][:-2]}; {c.name})."
        if c.position:
            required_positions.append(c.position)
        excluded_positions.update(c.positions_excluded)
        reasons.append(Reason(f"{c.name} ({c.category}): {c.what_to_do}", tuple(c.sources), "contraindication", c.id))

    techniques = tuple(t.id for t in course.techniques if t.id in mods)
    reasons.append(Reason(
        f"Techniques suited to {irr.level} irritability: {', '.join(course.techniques[t].name for t in techniques) or 'none'}. "
        "Which technique suits which level is expert consensus, not trial evidence.",
        ("technique_fit_synthesis", "irritability_synthesis"), "technique", rule.id))

    # -- position
    position = None
    for p in list(required_positions) + list(rule.positions):
        if p not in excluded_positions:
            position = p
            break
    if position is None:  # every preference excluded: fall back to the level's first choice
        position = rule.positions[0]
    dpos = rule.dosage.position.rstrip(". ")
    why_pos = [f"the {irr.level}-irritability dosage suggests {dpos[0].lower()}{dpos[1:]}"]
    pos_sources = list(rule.sources)
    for c in cis:
        if c.position or c.positions_excluded:
            excl = f" and not {' or '.join(p.replace('_', '-') for p in c.positions_excluded)}" if c.positions_excluded else ""
            need = f"{c.position.replace('_', '-')}" if c.position else "another position"
            why_pos.append(f"{c.name.lower()} calls for {need}{excl}")
            pos_sources.extend(c.sources)
    reasons.append(Reason(f"Position: {position.replace('_', '-')} - " + "; ".join(why_pos) + ".",
                          tuple(dict.fromkeys(pos_sources)), "position", rule.id))

    # -- stop rules and self-care
    stops = tuple(r.id for r in stop_rule_records(course) if r.when is None or condition_holds(r.when, findings))
    care = []
    excluded_care = self_care_exclusions(cis, course.stretches)
    for s in course.stretches:
        if irr.level not in s.suits or s.id in excluded_care:
            continue
        if cap_stretching and s.kind == "stretch":
            continue
        if cap_pressure and s.kind == "self_massage":
            continue
        if s.position is not None and s.position in excluded_positions:
            continue
        care.append(s.id)

    return Plan(
        areas=areas_today(cis),
        irritability=irr.level,
        techniques=techniques,
        avoided={t.id: " Also: ".join(avoided[t.id]) for t in course.techniques if t.id in avoided},
        position=position,
        reasons=tuple(reasons),
        modifications={tid: " ".join(v) for tid, v in mods.items()},
        indicators=irr.deciding,
        stop_rules=stops,
        self_care=tuple(care),
        contraindications=tuple(c.id for c in cis),
    )


__all__ = ["plan", "Plan", "DoseLimits", "dose_limits", "limited_dosage", "areas_today", "self_care_exclusions", "classify", "classify_irritability", "IrritabilityResult", "condition_holds",
           "applicable_contraindications", "level_rule", "indicators", "stop_rule_records", "LEVELS"]
