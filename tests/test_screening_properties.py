"""Property tests of the screening half of ``recommend`` (urgency invariants of architecture.md).

Each invariant runs 2,000 generated presentations drawn from the findings vocabulary of
``data/findings.yaml`` (any subset, values in each finding's type and range), so the tests follow the data.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sciatica_course import load_course
from sciatica_course.reasoning import URGENCY_ORDER, recommend
from sciatica_course.reasoning.screening import screen

COURSE = load_course()
FINDINGS = COURSE.findings
RED_FLAGS = [f.id for f in FINDINGS if f.group == "red_flag"]
SYSTEMIC = {ci.id for ci in COURSE.contraindications if ci.category == "systemic"}
SETTINGS = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def value_strategy(spec):
    if spec.type == "bool":
        return st.booleans()
    lo = 0 if spec.min is None else spec.min
    hi = spec.max if spec.max is not None else lo + 200
    if spec.type == "int":
        return st.integers(int(lo), int(hi))
    return st.one_of(st.integers(int(lo), int(hi)), st.floats(lo, hi, allow_nan=False, allow_infinity=False))


def presentations():
    return st.fixed_dictionaries({}, optional={f.id: value_strategy(f) for f in FINDINGS})


def rank(u: str) -> int:
    return URGENCY_ORDER.index(u)


@SETTINGS
@given(presentations())
def test_emergency_or_urgent_means_no_treatment(f):
    r = recommend(f, course=COURSE)
    if r.urgency in ("emergency", "urgent"):
        assert r.treat_today is False
        assert r.techniques == ()
        assert r.irritability is None
        assert r.referrals and r.referrals[0].urgency == r.urgency


@SETTINGS
@given(presentations())
def test_systemic_contraindication_means_no_treatment(f):
    s = screen(f, COURSE)
    r = recommend(f, course=COURSE)
    assert set(s.systemic) <= SYSTEMIC
    if s.systemic:
        assert r.treat_today is False and r.techniques == ()
    else:
        assert r.treat_today is (r.urgency not in ("emergency", "urgent"))


@SETTINGS
@given(presentations(), st.sampled_from(RED_FLAGS), st.data())
def test_adding_a_red_flag_never_lowers_urgency(f, fid, data):
    spec = FINDINGS[fid]
    if spec.type == "bool":
        g = {**f, fid: True}
    else:  # a numeric red flag (age): adding it, or raising it, never lowers urgency
        lo = f.get(fid, spec.min or 0)
        g = {**f, fid: data.draw(st.integers(int(lo), int(spec.max)), label=fid)}
    before, after = recommend(f, course=COURSE), recommend(g, course=COURSE)
    assert rank(after.urgency) >= rank(before.urgency)
    assert set(before.referrals) <= set(after.referrals) or rank(after.urgency) >= rank(before.urgency)
    if not before.treat_today:
        assert not after.treat_today


@SETTINGS
@given(presentations())
def test_same_input_same_output(f):
    a = recommend(f, course=COURSE)
    b = recommend(dict(reversed(list(f.items()))), course=COURSE)
    assert a == b
    assert screen(f, COURSE) == screen(dict(f), COURSE)


@SETTINGS
@given(presentations())
def test_reasons_carry_sources_and_referrals_are_sorted(f):
    r = recommend(f, course=COURSE)
    assert all(reason.sources for reason in r.reasons)
    assert all(k in COURSE.sources for reason in r.reasons for k in reason.sources)
    ranks = [rank(ref.urgency) for ref in r.referrals]
    assert ranks == sorted(ranks, reverse=True)
    if r.urgency == "none":
        assert r.referrals == ()
    else:
        assert r.referral is r.referrals[0] and r.referral.urgency == r.urgency
        assert any(reason.kind in ("red_flag", "contraindication") for reason in r.reasons)
