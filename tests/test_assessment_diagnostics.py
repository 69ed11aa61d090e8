"""Likelihood ratios, post-test probability and the Fagan nomogram."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sciatica_course import load_course
from sciatica_course.diagnostics import (accuracy_rows, interpret, likelihood_ratios, lr_words,
                                         post_test_probability, short_citation)
from sciatica_course.plotting.common import alt_text, figure_html
from sciatica_course.plotting.diagnostics import plot_fagan

COURSE = load_course()


def test_sheet_figures():
    lrp, lrn = likelihood_ratios(0.36, 0.74)          # Capra 2011: LR+ 1.38, LR- 0.87 (TEST-04)
    assert round(lrp, 2) == 1.38 and round(lrn, 2) == 0.86 or round(lrn, 2) == 0.87
    lrp, lrn = likelihood_ratios(0.88, 0.83)          # FAIR: LR+ 5.2, LR- 0.14 (TEST-08)
    assert round(lrp, 1) == 5.2 and round(lrn, 2) == 0.14
    lrp, _ = likelihood_ratios(0.52, 0.90)            # seated piriformis stretch LR+ 5.2 (TEST-09)
    assert round(lrp, 1) == 5.2


def test_edges():
    assert likelihood_ratios(0.5, 1.0)[0] == math.inf
    assert post_test_probability(0.3, math.inf) == 1.0
    assert post_test_probability(0.0, 10) == 0.0 and post_test_probability(1.0, 0.1) == 1.0
    assert post_test_probability(0.5, 1) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        likelihood_ratios(1.2, 0.5)
    with pytest.raises(ValueError):
        post_test_probability(0.5, -1)


@settings(max_examples=300, deadline=None)
@given(st.floats(0.001, 0.999), st.floats(0.01, 100))
def test_post_test_moves_the_right_way(pre, lr):
    post = post_test_probability(pre, lr)
    assert 0 <= post <= 1
    if lr > 1:
        assert post >= pre - 1e-12
    elif lr < 1:
        assert post <= pre + 1e-12


def test_devilles_slr_versus_capra():
    rows = {a.study: a for a in accuracy_rows(COURSE, "slr") if a.usable}
    dev, cap = rows["deville_2000"], rows["capra_2011"]
    # a negative SLR rules out much more in a surgical series than in a non-surgical one
    assert interpret(dev, "negative", 0.5).post_test < interpret(cap, "negative", 0.5).post_test - 0.1
    assert lr_words(cap.lr_neg) == "almost no change"
    assert dev.setting == "surgical" and cap.setting == "primary_care"


def test_majlesi_quotes_only_sensitivity():
    rows = [a for a in accuracy_rows(COURSE) if a.study == "majlesi_2008"]
    assert rows and all(a.specificity is None and not a.usable for a in rows)
    with pytest.raises(ValueError):
        interpret(rows[0], "positive", 0.5)


def test_every_test_of_the_lesson_is_there():
    assert {"slr", "crossed_slr", "slump", "fair", "active_piriformis", "seated_piriformis_stretch"} <= set(
        COURSE.special_tests.ids)
    assert short_citation("deville_2000", COURSE) == "Devillé 2000"
    assert short_citation("van_der_windt_2010", COURSE) == "van der Windt 2010"
    with pytest.raises(KeyError):
        accuracy_rows(COURSE, "no_such_test")


def test_fagan_nomogram_has_alt_text_and_renders():
    ax = plot_fagan(0.3, [("SLR positive", 1.23), ("SLR negative", 0.35)])
    alt = alt_text(ax)
    assert "Pre-test probability 30%" in alt and "35%" in alt
    html = figure_html(ax)
    assert html.startswith("<figure") and "alt=" in html
    assert ax.get_legend() is not None
    assert "No test result drawn" in alt_text(plot_fagan(0.5))


def test_sentence_keeps_the_odds_and_the_probability_apart():
    """The LR explorer said "post-test 100%: a moderate increase" from a 99% pre-test: the LR's size describes the
    odds; the probability change is said in points, and never rounded up to certainty."""
    from sciatica_course.diagnostics import percent

    rows = [a for a in accuracy_rows(COURSE) if a.usable]
    seated = next(a for a in rows if a.test_id == "seated_piriformis_stretch")
    high = interpret(seated, "positive", 0.99)
    text = high.sentence()
    assert "100%" not in text and "more than 99%" in text
    assert "moderate increase in the odds" in text and "already near certain" in text and "barely" in text
    mid = interpret(seated, "positive", 0.30).sentence()
    assert "rises by 39 percentage points" in mid
    capra = next(a for a in rows if a.short.startswith("Capra"))
    near_one = interpret(capra, "negative", 0.30).sentence()
    assert "hardly changes the odds" in near_one and "falls by 3 percentage points" in near_one
    assert percent(0.999) == "more than 99%" and percent(0.001) == "less than 1%" and percent(1.0) == "100%"


def test_nomogram_never_rounds_up_to_certainty():
    from sciatica_course.plotting.diagnostics import plot_fagan

    ax = plot_fagan(0.99, (("Martin 2014", 3.0),), title="t")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "more than 99%" in labels[0] and "100%" not in labels[0]
    assert "100%" not in alt_text(ax)
    rows = [a for a in accuracy_rows(COURSE) if a.usable]
    near_one = interpret(next(a for a in rows if a.short.startswith("Devill")), "positive", 0.99).sentence()
    assert "hardly changes the odds, and the probability was already near certain" in near_one
