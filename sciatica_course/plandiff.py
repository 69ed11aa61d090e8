"""What changed between two plans (two :class:`~sciatica_course.reasoning.Recommendation`), in plain words.

One function for every place that compares plans - the session planner's "What changed" and a case debrief's
"What if" rows - so they cannot disagree (a what-if once said "on anticoagulants: no change in the plan" while
the planner showed the pressure advice changing). Labels are the course's names, never ids.
"""
from __future__ import annotations

URGENCY_WORDS = {"emergency": "emergency", "urgent": "urgent", "routine": "routine referral", "none": "no referral"}


def _word(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return URGENCY_WORDS.get(value, str(value).replace("_", "-"))


def plan_differences(before, after, course) -> list[str]:
    """Each difference as one plain-text phrase (empty when the plans are the same)."""
    name = lambda t: course.techniques[t].name if t in course.techniques else str(t)  # noqa: E731
    out = []
    if before.urgency != after.urgency:
        out.append(f"urgency {_word(before.urgency)} → {_word(after.urgency)}")
    if before.treat_today != after.treat_today:
        out.append("now " + ("treat today" if after.treat_today else "do not treat today"))
    if before.irritability != after.irritability:
        out.append(f"irritability {_word(before.irritability)} → {_word(after.irritability)}")
    if before.position != after.position:
        out.append(f"position {_word(before.position)} → {_word(after.position)}")
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
    if set(before.self_care) != set(after.self_care):
        out.append("self-care changed")
    if set(before.stop_rules) != set(after.stop_rules):
        out.append("stop rules changed")
    return out
