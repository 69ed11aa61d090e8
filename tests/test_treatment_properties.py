"""Property tests of ``recommend``: every invariant of the architecture, over generated presentations.

Each invariant runs 2,000 generated presentations (``settings(max_examples=2000)``). Presentations draw
any subset of the findings vocabulary of ``data/findings.yaml`` with values in each finding's type and
range, so the tests follow the data when an instructor adds findings.
"""
from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sciatica_course import load_course
from sciatica_course.reasoning import LEVEL_ORDER, URGENCY_ORDER, recommend
from sciatica_course.reasoning.treatment import classify

COURSE = load_course()
FINDINGS = COURSE.findings
HIGH_EXCLUDED = {"deep_tissue", "cross_fibre_friction", "stripping", "trigger_point_pressure",
                 "contract_relax", "nerve_tensioner", "static_stretch"}
SETTINGS = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def value_strategy(spec):
    if spec.type == "bool":
        return st.booleans()
    lo = 0 if spec.min is None else spec.min
    hi = spec.max if spec.max is not None else max(lo, 0) + 2000
    if spec.type == "int":
        return st.integers(int(lo), int(hi))
    return st.one_of(st.integers(int(lo), int(hi)), st.floats(lo, hi, allow_nan=False, allow_infinity=False))


def _few_red_flags():
    """Course and caution findings freely; at most two red-flag findings (so many plans are treated)."""
    base = st.fixed_dictionaries({}, optional={f.id: value_strategy(f) for f in FINDINGS if f.group != "red_flag"})
    flags = st.lists(st.sampled_from([f.id for f in FINDINGS if f.group == "red_flag"]), max_size=2, unique=True)

    @st.composite
    def build(draw):
        d = draw(base)
        for fid in draw(flags):
            d[fid] = draw(value_strategy(FINDINGS[fid]))
        return d

    return build()


def presentations():
    """Any subset of the vocabulary, or (as often) a presentation with few red flags."""
    return st.one_of(st.fixed_dictionaries({}, optional={f.id: value_strategy(f) for f in FINDINGS}),
                     _few_red_flags())


def rec(findings):
    r = recommend(findings, course=COURSE)
    event(f"urgency={r.urgency}, irritability={r.irritability}")
    return r


def u_rank(u):
    return URGENCY_ORDER.index(u)


def l_rank(level):
    return LEVEL_ORDER.index(level)


def ids(group):
    return [f.id for f in FINDINGS if f.group in group]


def added(findings, fid, data):
    """A presentation with finding ``fid`` added (present) when it was absent or false."""
    spec = FINDINGS[fid]
    if spec.type == "bool":
        return {**findings, fid: True}
    v = data.draw(value_strategy(spec).filter(lambda x: x > 0), label=fid)
    return {**findings, fid: v}


@SETTINGS
@given(presentations())
def test_urgent_or_emergency_means_no_treatment_today(findings):
    r = rec(findings)
    if r.urgency in ("emergency", "urgent"):
        assert r.treat_today is False
        assert r.techniques == ()
    if not r.treat_today:
        assert r.techniques == () and r.irritability is None and r.position is None
        assert r.modifications == {} and r.self_care == () and r.stop_rules == ()
        assert r.areas == ()


@SETTINGS
@given(presentations(), st.data())
def test_adding_a_red_flag_never_lowers_urgency(findings, data):
    candidates = [f for f in ids(("red_flag",)) if not findings.get(f)]
    if not candidates:
        return
    fid = data.draw(st.sampled_from(candidates), label="red flag added")
    before, after = rec(findings), rec(added(findings, fid, data))
    assert u_rank(after.urgency) >= u_rank(before.urgency), (fid, before.urgency, after.urgency)
    if not before.treat_today:
        assert not after.treat_today


@SETTINGS
@given(presentations(), st.data())
def test_adding_a_caution_or_contraindication_never_adds_a_technique(findings, data):
    candidates = [f for f in ids(("caution", "red_flag")) if not findings.get(f)]
    if not candidates:
        return
    fid = data.draw(st.sampled_from(candidates), label="caution added")
    before, after = rec(findings), rec(added(findings, fid, data))
    assert set(after.techniques) <= set(before.techniques), (fid, set(after.techniques) - set(before.techniques))
    if before.treat_today and after.treat_today:
        # a caution only ever adds an area to avoid or treat lightly, and never turns "avoid" into "light"
        b = {(a.rule, a.action) for a in before.areas}
        assert b <= {(a.rule, a.action) for a in after.areas}, fid


@SETTINGS
@given(presentations(), st.sampled_from(["pain_score", "night_pain", "settle_time_minutes"]), st.data())
def test_worse_pain_night_pain_or_longer_settling_never_lowers_irritability(findings, what, data):
    worse = dict(findings)
    if what == "night_pain":
        worse["night_pain"] = True
    elif what == "pain_score":
        worse["pain_score"] = data.draw(st.integers(int(findings.get("pain_score", 0)), 10), label="worse pain")
    else:
        worse["settle_time_minutes"] = findings.get("settle_time_minutes", 0) + data.draw(
            st.integers(0, 2000), label="longer settle")
    a, b = classify(findings, COURSE), classify(worse, COURSE)
    assert l_rank(b.level) >= l_rank(a.level), (what, a.level, b.level)
    ra, rb = rec(findings), rec(worse)
    if ra.treat_today and rb.treat_today:
        assert l_rank(rb.irritability) >= l_rank(ra.irritability)


@SETTINGS
@given(presentations())
def test_high_irritability_never_suggests_provocative_techniques(findings):
    r = rec(findings)
    if r.irritability == "high":
        assert not (set(r.techniques) & HIGH_EXCLUDED), set(r.techniques) & HIGH_EXCLUDED
        assert HIGH_EXCLUDED <= set(r.avoided)


@SETTINGS
@given(presentations())
def test_same_input_same_output(findings):
    a = rec(findings)
    b = rec(dict(reversed(list(findings.items()))))
    assert a == b
    assert [str(x) for x in a.reasons] == [str(x) for x in b.reasons]


@SETTINGS
@given(presentations())
def test_every_technique_is_either_suggested_or_avoided_with_a_reason(findings):
    r = rec(findings)
    all_ids = set(COURSE.techniques.ids)
    assert set(r.techniques) | set(r.avoided) == all_ids
    assert not set(r.techniques) & set(r.avoided)
    assert all(r.avoided[t].strip() for t in r.avoided)
    assert set(r.modifications) == set(r.techniques)
    if r.treat_today:
        assert r.irritability in LEVEL_ORDER and r.position is not None
        assert "stop_peripheralising" in r.stop_rules
        assert set(r.irritability_indicators) <= {i.id for i in COURSE.irritability if i.kind == "indicator"}
        pw = findings.get("pregnancy_weeks") or 0
        if pw >= 14:   # CI-08a: no prone lying from about 14 weeks; CI-08: no flat supine from about 20
            assert r.position != "prone", (pw, r.position)
        if pw >= 20:
            assert r.position in ("side_lying", "semi_reclined"), (pw, r.position)
        if pw:         # CI-08a: calves and inner thighs excluded throughout pregnancy
            assert any(a.action == "avoid" and "calves and inner thighs" in a.area for a in r.areas)
        for a in r.areas:
            assert a.action in ("avoid", "light") and a.reason and a.sources
        if r.irritability == "high":
            assert r.position in ("side_lying", "semi_reclined")
        for s in r.self_care:
            assert r.irritability in COURSE.stretches[s].suits
