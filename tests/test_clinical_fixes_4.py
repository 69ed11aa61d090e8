"""The faults the clinical review's fifth pass found in the day's rule changes (November 2026), each caught
through ``recommend`` / ``explain``.

1. (critical) Faint with sudden severe back pain at 36 weeks: the aortic-aneurysm script said "let them lie flat"
   (aortocaval compression from about 20 weeks: CI-08) and told a young pregnant woman with no aneurysm sign the
   pain "could be coming from the main blood vessel in your tummy".
"""
from __future__ import annotations

import re

import pytest

from sciatica_course.loading import load_course
from sciatica_course.reasoning import explain, recommend
from test_clinical_fixes_3 import _presentation as _holding, _rules  # noqa: E402

COURSE = load_course()


def rec(**f):
    return recommend(f, course=COURSE)


def _presentation(rule, weeks=0):
    """Findings that make ``rule`` hold, pregnant ``weeks`` (from 1) if given."""
    f = _holding(rule)
    if weeks:
        f["pregnancy_weeks"] = weeks
    return f


def _words(r):
    """Everything a referral tells the therapist or the client, and the explanation's referral lines."""
    parts = [f"{x.where} {x.timeframe} {x.say} {x.do}" for x in r.referrals]
    parts += [p.text for p in explain(r, course=COURSE) if p.heading == "Referral"]
    return " ".join(parts)


# "lie flat", "lie down flat", "let them lie flat", or "lie down" not followed by "on your/her left side"
LIE_FLAT = re.compile(r"\blie (?:down )?flat\b|\blying flat\b(?! on (?:the|your|her) back (?:compresses|can|this))"
                      r"|\blie (?:down )?on (?:your|her|their) back\b|\blie down\b(?! on (?:your|her|their) left side)",
                      re.I)


# ---- 1. no script tells a pregnant client from about 20 weeks to lie flat -------------------------------------
def test_faint_with_sudden_pain_at_36_weeks_gets_no_lie_flat_and_no_aneurysm_talk():
    r = rec(pregnancy_weeks=36, feels_faint_or_clammy=True, sudden_severe_back_pain=True)
    assert r.urgency == "emergency" and not r.treat_today
    rules = [x.rule for x in r.referrals]
    assert "aneurysm_rupture_suspected" not in rules
    assert rules[0] == "pregnancy_faint_sudden_pain"
    text = _words(r)
    assert not LIE_FLAT.search(text), LIE_FLAT.search(text)
    assert "main blood vessel" not in text
    assert "left side" in r.referral.say


def test_a_known_aneurysm_in_pregnancy_still_calls_999_with_her_on_her_left_side():
    for sign in ("known_aneurysm", "pulsating_abdomen"):
        r = rec(pregnancy_weeks=30, sudden_severe_back_pain=True, **{sign: True})
        rules = [x.rule for x in r.referrals]
        assert "aneurysm_rupture_suspected_pregnancy" in rules and "aneurysm_rupture_suspected" not in rules
        ref = next(x for x in r.referrals if x.rule == "aneurysm_rupture_suspected_pregnancy")
        assert ref.urgency == "emergency" and ref.ambulance and "left side" in ref.say
        assert not LIE_FLAT.search(_words(r))


def test_the_aneurysm_rule_outside_pregnancy_is_unchanged():
    r = rec(age=70, feels_faint_or_clammy=True, sudden_severe_back_pain=True)
    assert "aneurysm_rupture_suspected" in [x.rule for x in r.referrals]


@pytest.mark.parametrize("weeks", [20, 24, 28, 32, 36, 40])
def test_no_rule_tells_a_pregnant_client_to_lie_flat(weeks):
    bad = []
    for rule in _rules():
        for extra in ({}, {"feels_faint_or_clammy": True}, {"sudden_severe_back_pain": True}):
            f = {**_presentation(rule, weeks), **extra}
            text = _words(rec(**f))
            m = LIE_FLAT.search(text)
            if m:
                bad.append((rule.id, extra, m.group(0)))
    assert not bad, bad
