"""The faults the clinical review's fourth pass left open (November 2026), each caught through ``recommend``.

1. Within one urgency the most specific rule led, so cancer history + weight loss at 60 showed "GP within a few
   days" first although the cancer-history rule says the same day (NICE NG234): the soonest now leads.
"""
from __future__ import annotations

import itertools
import re

import pytest

from sciatica_course.loading import load_course
from sciatica_course.reasoning import explain, recommend

COURSE = load_course()
URGENCY = ("none", "routine", "urgent", "emergency")
LATEST = ("now", "today", "days", "weeks")


def rec(**f):
    return recommend(f, course=COURSE)


def _rules():
    return [rule for rf in COURSE.red_flags for rule in rf.rules]


def _presentation(rule, weeks=0):
    """Findings that make ``rule`` hold (its all_of and enough any_of terms)."""
    f = {}
    need = rule.when.min_any if rule.when.any_of else 0
    for term in (*rule.when.all_of, *rule.when.any_of[:need]):
        fid = term if isinstance(term, str) else term.finding
        lo = None if isinstance(term, str) else term.at_least
        f[fid] = True if COURSE.findings[fid].type == "bool" else max(int(lo or 0), 1)
    if weeks:
        f.setdefault("pregnancy_weeks", weeks)
    return f


# ---- 1. among referrals of one urgency the soonest leads -------------------------------------------------------
def test_cancer_history_with_weight_loss_leads_with_the_same_day_cancer_referral():
    r = rec(age=60, cancer_history=True, unexplained_weight_loss=True)
    assert r.urgency == "urgent" and not r.treat_today
    ref = r.referral
    assert ref.rule == "cancer_history_pain" and ref.latest == "today", ref.rule
    assert "same day" in ref.timeframe.lower() and "oncology" in ref.where
    rules = [x.rule for x in r.referrals]
    assert rules.index("cancer_history_pain") < rules.index("malignancy_cluster_weight_loss")
    # the explanation and every widget read the same order: the first referral shown is the same-day one
    first = next(p for p in explain(r, course=COURSE) if p.heading == "Referral")
    assert first.text.startswith(COURSE.red_flags["malignancy"].condition) and "same day" in first.text.lower()


def _merged(a, b):
    f = dict(_presentation(a))
    for k, v in _presentation(b).items():
        f[k] = max(f.get(k, v), v) if not isinstance(v, bool) else True
    return f


def test_referrals_are_ordered_by_urgency_then_how_soon_for_every_pair_of_rules():
    # every pair of rules fired together, pregnant or not: no referral is shown before a more urgent one, nor before
    # one of the same urgency that must happen sooner
    checked = 0
    for a, b in itertools.combinations(_rules(), 2):
        for weeks in (0, 24):
            f = _merged(a, b)
            if weeks:
                f.setdefault("pregnancy_weeks", weeks)
            refs = rec(**f).referrals
            keys = [(-URGENCY.index(x.urgency), LATEST.index(x.latest)) for x in refs]
            assert keys == sorted(keys), (a.id, b.id, weeks, [(x.rule, x.urgency, x.latest) for x in refs])
            checked += 1
    assert checked > 1000


SAME_DAY = re.compile(r"^(now|today|the same day)\b", re.I)
FEW_DAYS = re.compile(r"within a few days|next day or two|as soon as possible", re.I)


def test_every_rule_says_how_soon_in_agreement_with_its_timeframe_words():
    for rule in _rules():
        ref = rec(**_presentation(rule)).referrals
        ref = next(x for x in ref if x.rule == rule.id)
        tf = rule.referral.timeframe
        if rule.urgency == "emergency":
            assert ref.latest == "now", rule.id
        elif FEW_DAYS.search(tf):
            assert ref.latest == "days", (rule.id, tf)
        elif SAME_DAY.search(tf):
            assert ref.latest == "today", (rule.id, tf)
        else:
            assert ref.latest == "weeks" and rule.urgency == "routine", (rule.id, tf)
    # the data check refuses a latest that contradicts the urgency
    from dataclasses import replace

    rule = next(r for r in _rules() if r.id == "dvt_suspected")
    bad = replace(rule, referral=replace(rule.referral, latest="weeks"))
    assert any(path == "referral.latest" for path, _msg in bad.check())
    assert not list(rule.check())
