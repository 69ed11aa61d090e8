"""``explain(rec)``: a plain-language rationale for a :class:`~sciatica_course.reasoning.Recommendation`,
each point with the source keys behind it.

The explanation reads like a tutor's notes on the plan: treat or refer, and why; how irritable the
presentation is and what decided it; the position; the body areas to avoid or treat lightly; each technique
with how to modify it; each technique
left out and why; the stop rules; the self-care that suits today. It adds no clinical rule of its own:
every sentence comes from the recommendation or from ``data/``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..text import esc, inline

URGENCY_WORDS = {
    "emergency": "an emergency (the same day, now)",
    "urgent": "urgent (the same day to within a few days)",
    "routine": "routine (an ordinary appointment)",
    "none": "not needed",
}


@dataclass(frozen=True)
class Point:
    """One point of an explanation: a heading, the text and the source keys behind it."""

    heading: str
    text: str
    sources: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.heading}: {self.text} [{', '.join(self.sources)}]"


@dataclass(frozen=True)
class Explanation:
    points: tuple[Point, ...]
    course: object = field(default=None, repr=False, compare=False)

    def __iter__(self):
        return iter(self.points)

    def __len__(self):
        return len(self.points)

    def __str__(self) -> str:
        return "\n".join(f"- {p}" for p in self.points)

    def headings(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.heading for p in self.points))

    def html(self) -> str:
        """The explanation as escaped HTML: one list per heading, each point with its sources."""
        parts = []
        for h in self.headings():
            items = []
            for p in self.points:
                if p.heading != h:
                    continue
                cites = "; ".join(_short_cite(k, self.course) for k in p.sources)
                items.append(f"<li>{inline(p.text)} <small>({cites})</small></li>")
            parts.append(f"<h4 style='margin:8px 0 2px'>{esc(h)}</h4><ul>{''.join(items)}</ul>")
        return "<div class='sc-explanation'>" + "".join(parts) + "</div>"

    def _repr_html_(self):
        return self.html()


def _short_cite(key: str, course) -> str:
    """Authors and year, with the full reference on hover (never the source key)."""
    from ..text import short_cite, student_text

    src = course.sources.get(key) if course is not None else None
    label = esc(short_cite(key, course))
    return f"<abbr title='{esc(student_text(src.citation))}'>{label}</abbr>" if src is not None else label


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _names(ids, coll) -> str:
    return ", ".join(coll[i].name for i in ids if i in coll)


def explain(rec, course=None) -> Explanation:
    """A plain-language rationale for ``rec`` (from :func:`~sciatica_course.reasoning.recommend`)."""
    from ..loading import load_course
    from .treatment import applicable_contraindications

    course = course if course is not None else load_course()
    pts: list[Point] = []
    add = lambda h, t, s: pts.append(Point(h, t, tuple(dict.fromkeys(s)) or ("clinical_facts_sheet",)))

    # -- the decision
    if rec.treat_today:
        text = "Massage can go ahead today, adapted as below."
        if rec.urgency != "none":
            text += f" A referral is still advised: {URGENCY_WORDS[rec.urgency]}."
        add("Decision", text, ["clinical_facts_sheet"])
    else:
        add("Decision", f"Do not massage today. Referral is {URGENCY_WORDS.get(rec.urgency, rec.urgency)}"
            if rec.urgency != "none" else
            "Do not massage today: a systemic contraindication applies. Postpone and refer.",
            ["finucane_2020", "werner_pathology"])
    lead = rec.referrals[0] if rec.referrals else None
    for ref in rec.referrals:
        if not rec.treat_today and ref is not lead:
            # inside a no-treatment decision the lead referral's script is the one to say (the most urgent, then the
            # soonest, then the most specific rule); every other one is passed on in one line when the client is seen:
            # a lower one's words would advise treating ("Treatment may go ahead...") or ask again about what is
            # known ("If you did hit your head..."), and a second script of the same urgency is a second course of
            # action (clinical review, fifth pass: faint at 36 weeks, then "I am going to call an ambulance")
            add("Referral", f"{ref.condition}: {ref.where}, {ref.timeframe}. Also mention this when the client is seen "
                f"for the referral above; no massage today.", ref.sources)
            continue
        say = ref.say.strip()
        say = say if say[:1] in ('"', "\u201c") else f"\u201c{say}\u201d"     # quoted once, never twice
        add("Referral", f"{ref.condition}: {ref.where}, {ref.timeframe}. Say: {say} Do: {ref.do}",
            ref.sources)
    for r in rec.reasons:
        if r.kind in ("red_flag", "contraindication", "note") and r.rule != "not_treating_today":
            add("Screening" if r.kind != "contraindication" else "Contraindications and cautions", r.text, r.sources)

    if not rec.treat_today:
        add("Scope", "A massage therapist screens and refers; they do not diagnose. Irritability, position and "
            "techniques are planned only once it is safe to treat.", ["clinical_facts_sheet"])
        return Explanation(tuple(pts), course)

    # -- irritability
    ind = {r.id: r for r in course.irritability if r.kind == "indicator"}
    lvl = next(r for r in course.irritability if r.kind == "level" and r.level == rec.irritability)
    if rec.irritability_indicators:
        decided = "; ".join(f"{ind[i].label.lower()} ({ind[i].explanation})" for i in rec.irritability_indicators)
        text = f"Irritability is **{rec.irritability}**. What decided it: {decided}"
    else:
        text = (f"Irritability is **{rec.irritability}**: none of the moderate or high indicators is present.")
    add("Irritability", text, [s for i in rec.irritability_indicators for s in ind[i].sources] + list(lvl.sources))
    from .treatment import dose_limits, limited_dosage

    cis_today = applicable_contraindications(rec.findings, course)
    limits = dose_limits(cis_today)
    d = limited_dosage(lvl.dosage, limits)   # a caution's cap replaces the level's advice, never contradicts it
    limited = " (limited by the cautions in force)" if (limits.pressure or limits.end_range_by) else ""
    add("Irritability", f"Dose for {rec.irritability} irritability{limited} - session: {d['session']} "
        f"Pressure: {d['pressure']} Movement: {d['movement']} Aim: {d['aims']}",
        list(lvl.sources) + [k for c in cis_today if c.pressure or c.excluded_techniques for k in c.sources])
    add("Irritability", "These rules are a teaching synthesis (consensus), not a validated scale: two therapists "
        "judging the same client agree only moderately (kappa 0.44).", ["irritability_synthesis", "barakatt_2009a"])

    # -- position
    pos = next((r for r in rec.reasons if r.kind == "position"), None)
    if pos is not None:
        text = pos.text.replace("Position: ", "Suggested position: ", 1)
        if limits.pressure:
            text += (f" In any position, pressure stays {limits.pressure_text()} - no forceful compression of the "
                     f"back ({'; '.join(limits.pressure_by)}).")
        add("Position", text, pos.sources)

    # -- body areas
    for a in rec.areas:
        verb = "Avoid" if a.action == "avoid" else "Light pressure only on"
        add("Body areas", f"{verb} {_lower_first(a.area)} - {a.reason}", a.sources)

    # -- techniques
    for tid in rec.techniques:
        t = course.techniques[tid]
        add("Techniques suited today", f"**{t.name}** - {rec.modifications.get(tid, '')} "
            f"(basis: {t.basis}; evidence: {t.evidence_note})", t.sources)
    cis = {c.name: c for c in applicable_contraindications(rec.findings, course)}
    for tid, why in rec.avoided.items():
        t = course.techniques[tid]
        srcs = list(t.sources)
        for name, c in cis.items():
            if name in why:
                srcs.extend(c.sources)
        add("Left out today", f"**{t.name}** - {why}", srcs)

    # -- stop rules and self-care
    stops = {r.id: r for r in course.irritability if r.kind == "stop_rule"}
    for sid in rec.stop_rules:
        r = stops[sid]
        add("Stop rules", f"If: {r.sign} Then: {r.action}", r.sources)
    for sid in rec.self_care:
        s = course.stretches[sid]
        note = " It tensions the nerve, so keep it gentle." if s.neural_tension else ""
        add("Self-care", f"**{s.name}** - {s.how}{note}", s.sources)
    for c in dict.fromkeys(course.stretches[sid].caution for sid in rec.self_care if course.stretches[sid].caution):
        add("Self-care", f"Scope: {c}", ["clinical_facts_sheet"])
    left = [s for s in course.stretches if s.id not in rec.self_care]
    if left:
        from .treatment import self_care_exclusions

        ruled_out = self_care_exclusions(cis_today, course.stretches)  # a caution's reason, not the irritability one, when it decides
        add("Self-care", "Not suggested today: " + "; ".join(
            f"{s.name} ({' '.join(ruled_out[s.id]) if s.id in ruled_out else s.why_not_otherwise})" for s in left),
            [k for s in left for k in s.sources] + [k for c in cis_today if c.excluded_self_care or c.positions_excluded for k in c.sources])
    add("Evidence", "Massage has short-term benefit at best in non-specific low back pain, with low-quality "
        "evidence; NICE advises manual therapy only within a package that includes exercise, and no trial "
        "establishes massage for radicular sciatica.", ["furlan_2015", "nice_ng59", "no_rct_massage_radicular"])
    return Explanation(tuple(pts), course)


__all__ = ["explain", "Explanation", "Point"]
