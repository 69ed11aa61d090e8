"""What changed between two plans (two :class:`~sciatica_course.reasoning.Recommendation`), in plain words.

One function for every place that compares plans - the session planner's "What changed" and a case debrief's
"What if" rows - so they cannot disagree (a what-if once said "on anticoagulants: no change in the plan" while
the planner showed the pressure advice changing). Labels are the course's names, never ids.
"""
from __future__ import annotations

URGENCY_WORDS = {"emergency": "emergency", "urgent": "urgent", "routine": "routine referral", "none": "no referral"}
POSITION_WORDS = {"prone": "lying face down (prone)", "side_lying": "side-lying", "supine": "lying on the back (supine)",
                  "semi_reclined": "semi-reclined"}


def _word(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return URGENCY_WORDS.get(value, str(value).replace("_", "-"))


def irritability_words(level) -> str:
    """``moderate`` -> "moderate irritability"; ``None`` (no treatment planned) -> "not rated (no treatment)"."""
    return f"{level} irritability" if level else "irritability not rated (no treatment today)"


def position_words(position) -> str:
    return POSITION_WORDS.get(position, str(position).replace("_", "-")) if position else "no position (no treatment today)"


def plan_headline(urgency, treat_today, irritability=None, position=None) -> str:
    """A plan in one human sentence: "No referral needed; treat today at high irritability, side-lying." -
    never "urgency none, treat today, irritability high, position side lying"."""
    ref = {"none": "No referral needed", "routine": "A routine referral", "urgent": "An urgent referral",
           "emergency": "An emergency referral"}.get(urgency, f"Referral: {urgency}")
    if not treat_today:
        return f"{ref}; do not treat today."
    text = f"{ref}; treat today"
    if irritability:
        text += f" at {irritability} irritability"
    if position:
        text += f", {POSITION_WORDS.get(position, position.replace('_', '-'))}"
    return text + "."


def plan_differences(before, after, course) -> list[str]:
    """Each difference as one plain-text phrase (empty when the plans are the same)."""
    name = lambda t: course.techniques[t].name if t in course.techniques else str(t)  # noqa: E731
    out = []
    if before.urgency != after.urgency:
        out.append(f"the referral changes from {_word(before.urgency)} to {_word(after.urgency)}")
    if before.treat_today != after.treat_today:
        out.append("now " + ("treat today" if after.treat_today else "do not treat today"))
    if before.irritability != after.irritability:
        out.append(f"{irritability_words(before.irritability)} becomes {irritability_words(after.irritability)}")
    if before.position != after.position:
        out.append(f"the position changes from {position_words(before.position)} to {position_words(after.position)}")
    gone = [t for t in before.techniques if t not in after.techniques]
    new = [t for t in after.techniques if t not in before.techniques]
    if gone:
        out.append("left out now: " + ", ".join(name(t) for t in gone))   # the plan's table says why
    if new:
        out.append("added: " + ", ".join(name(t) for t in new))
    how = [t for t in after.techniques
           if t in before.techniques and before.modifications.get(t) != after.modifications.get(t)]
    if how:
        out.append("how to do it changed for: " + ", ".join(name(t) for t in how))
    why = [t for t in after.avoided if t in before.avoided and before.avoided[t] != after.avoided[t]]
    if why:
        out.append("another reason to leave out: " + ", ".join(name(t) for t in why))
    areas = lambda r: {getattr(a, "id", a) for a in getattr(r, "areas", ())}  # noqa: E731
    if areas(before) != areas(after):
        out.append("body areas to avoid or treat lightly changed")
    refs = lambda r: [(x.where, x.timeframe) for x in r.referrals]  # noqa: E731
    if before.urgency == after.urgency and refs(before) != refs(after):
        out.append("where to refer changed")
    cautions = lambda r: {x.rule or x.text for x in r.reasons if x.kind == "contraindication"}  # noqa: E731
    if cautions(before) != cautions(after):
        out.append("the contraindications and cautions in force changed")
    if set(before.self_care) != set(after.self_care):
        out.append("self-care changed")
    if set(before.stop_rules) != set(after.stop_rules):
        out.append("stop rules changed")
    return out


def findings_changed(before, after, course) -> list[str]:
    """The findings that differ between two recommendations, as labels with their new values."""
    fb, fa = dict(getattr(before, "findings", {}) or {}), dict(getattr(after, "findings", {}) or {})
    out = []
    for f in course.findings:
        a, b = fa.get(f.id), fb.get(f.id)
        if (a or None) == (b or None):
            continue
        if f.type == "bool":
            out.append(f"{f.label} ({'yes' if a else 'no'})")
        else:
            out.append(f"{f.label} ({a:g})" if a else f"{f.label} (not given)")
    return out
