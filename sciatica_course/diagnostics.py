"""Likelihood ratios and pre-/post-test probability (Bayes' theorem in odds form).

A test result changes the *odds* of a condition by its likelihood ratio (LR):

- LR+ = sensitivity / (1 - specificity): how much a positive result raises the odds;
- LR- = (1 - sensitivity) / specificity: how much a negative result lowers them;
- post-test odds = pre-test odds × LR, with odds = p / (1 - p).

An LR near 1 changes almost nothing; as a rough guide LR+ above 5-10 or LR- below 0.1-0.2 moves the
probability a lot. The accuracy figures come from ``data/special_tests.yaml``; nothing clinical is written here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

__all__ = ["likelihood_ratios", "post_test_probability", "odds", "probability", "Accuracy", "accuracy_rows",
           "Interpretation", "interpret", "lr_words", "short_citation", "percent"]


def _check_p(name: str, p: float, open_interval: bool = False) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or p != p:
        raise ValueError(f"{name} must be a number between 0 and 1, got {p!r}")
    if open_interval and not 0 < p < 1:
        raise ValueError(f"{name} must be strictly between 0 and 1, got {p!r}")
    if not 0 <= p <= 1:
        raise ValueError(f"{name} must be between 0 and 1, got {p!r}")
    return float(p)


def likelihood_ratios(sensitivity: float, specificity: float) -> tuple[float, float]:
    """(LR+, LR-) of a test. LR+ is infinite when specificity is 1; LR- is infinite when specificity is 0."""
    se = _check_p("sensitivity", sensitivity)
    sp = _check_p("specificity", specificity)
    lr_pos = math.inf if sp == 1 else se / (1 - sp)
    lr_neg = math.inf if sp == 0 else (1 - se) / sp
    return lr_pos, lr_neg


def odds(p: float) -> float:
    """Odds of a probability (p / (1 - p)); infinite at p = 1."""
    p = _check_p("probability", p)
    return math.inf if p == 1 else p / (1 - p)


def probability(o: float) -> float:
    """Probability of odds (o / (1 + o)); 1 for infinite odds."""
    if o < 0 or o != o:
        raise ValueError(f"odds must be 0 or more, got {o!r}")
    return 1.0 if math.isinf(o) else o / (1 + o)


def post_test_probability(pre_test: float, lr: float) -> float:
    """The probability after a result with likelihood ratio ``lr``, from the ``pre_test`` probability."""
    pre = _check_p("pre-test probability", pre_test)
    if lr < 0 or lr != lr:
        raise ValueError(f"a likelihood ratio must be 0 or more, got {lr!r}")
    if pre in (0.0, 1.0):
        return pre
    if math.isinf(lr):
        return 1.0
    return probability(odds(pre) * lr)


def lr_words(lr: float) -> str:
    """A plain-words size of a likelihood ratio (rough conventional bands)."""
    if lr >= 10:
        return "a large increase"
    if lr >= 5:
        return "a moderate increase"
    if lr >= 2:
        return "a small increase"
    if lr > 1.0 / 2:
        return "almost no change"
    if lr > 0.2:
        return "a small decrease"
    if lr > 0.1:
        return "a moderate decrease"
    return "a large decrease"


@dataclass(frozen=True)
class Accuracy:
    """One reported accuracy of a test in one study and population, with its likelihood ratios."""

    test_id: str
    test_name: str
    study: str
    population: str
    setting: str
    reference_standard: str
    sensitivity: float
    specificity: Optional[float]
    n: Optional[int]
    note: Optional[str]
    lr_pos: Optional[float]
    lr_neg: Optional[float]
    short: str = ""            # a short citation such as "Devillé 2000"

    @property
    def label(self) -> str:
        who = {"surgical": "surgical series", "primary_care": "non-surgical / primary care",
               "specialist": "specialist clinic", "mixed": "mixed"}[self.setting]
        return f"{self.short or self.study} ({who})"

    @property
    def usable(self) -> bool:
        """Whether likelihood ratios can be computed (both sensitivity and specificity reported)."""
        return self.specificity is not None


def short_citation(key: str, course) -> str:
    """"Devillé 2000" from a source key: the first author's surname and the year (the key if unknown)."""
    src = course.sources.get(key)
    if src is None:
        return key
    first = src.citation.split(",")[0].split(".")[0].split()
    while len(first) > 1 and first[-1].isupper():
        first.pop()
    year = getattr(src, "year", None)
    return " ".join(first) + (f" {year}" if year else "")


def accuracy_rows(course, test_id: str | None = None) -> list[Accuracy]:
    """Every reported accuracy in ``data/special_tests.yaml`` (of one test, or all), with LRs where possible."""
    out = []
    for t in course.special_tests:
        if test_id is not None and t.id != test_id:
            continue
        for a in t.accuracy:
            lrp = lrn = None
            if a.specificity is not None:
                lrp, lrn = likelihood_ratios(a.sensitivity, a.specificity)
            out.append(Accuracy(t.id, t.name, a.study, a.population, a.setting, a.reference_standard,
                                a.sensitivity, a.specificity, a.n, a.note, lrp, lrn,
                                short_citation(a.study, course)))
    if test_id is not None and not out and test_id not in course.special_tests:
        raise KeyError(f"no special test {test_id!r}; tests: {', '.join(course.special_tests.ids)}")
    return out


@dataclass(frozen=True)
class Interpretation:
    accuracy: Accuracy
    result: str          # "positive" | "negative"
    pre_test: float
    lr: float
    post_test: float

    @property
    def change(self) -> float:
        return self.post_test - self.pre_test

    def sentence(self) -> str:
        """What the result does, in two parts that are never confused: the size of the likelihood ratio (what
        it does to the *odds*) and the change in the *probability*, which also depends on where it started
        (an LR+ of 5 moves 30% to 68%, but 99% only to "more than 99%")."""
        a = self.accuracy
        sign = "+" if self.result == "positive" else "−"
        name = a.test_name[:1].lower() + a.test_name[1:] if a.test_name[1:2].islower() else a.test_name
        return (f"With a pre-test probability of {percent(self.pre_test)}, a {self.result} {name} "
                f"(LR{sign} {self.lr:.2f} from {a.short or a.study}: "
                f"{a.population[:1].lower() + a.population[1:]}) "
                f"gives a post-test probability of {percent(self.post_test)}. {self.change_words()}")

    def change_words(self) -> str:
        """The odds change (from the LR's size) and the probability change (in percentage points), in words."""
        size = lr_words(self.lr)
        if size == "almost no change":
            odds = "The likelihood ratio is close to 1: it hardly changes the odds"
        else:
            odds = f"The likelihood ratio multiplies the odds by {self.lr:.2f}: {size} in the odds"
        points = round(abs(self.change) * 100)
        if points < 2:
            if self.pre_test >= 0.9 and self.lr >= 1:
                prob = "but the probability was already near certain, so it barely changes"
            elif self.pre_test <= 0.1 and self.lr <= 1:
                prob = "but the probability was already very low, so it barely changes"
            else:
                prob = "and the probability barely changes"
            joined = ", " + (prob if size != "almost no change" else "and " + prob.removeprefix("but ").removeprefix("and "))
        else:
            way = "rises" if self.change > 0 else "falls"
            joined = f"; the probability {way} by {points} percentage points"
        return odds + joined + "."


def percent(p: float) -> str:
    """A probability as a whole percentage that never claims certainty it does not have: 0.998 is
    "more than 99%", not "100%"; 0.003 is "less than 1%"."""
    if 0.995 <= p < 1:
        return "more than 99%"
    if 0 < p < 0.005:
        return "less than 1%"
    return f"{p:.0%}"


def interpret(accuracy: Accuracy, result: str, pre_test: float) -> Interpretation:
    """What a positive or negative result of a test (as reported in one study) does to a pre-test probability."""
    if result not in ("positive", "negative"):
        raise ValueError(f"result must be 'positive' or 'negative', got {result!r}")
    if not accuracy.usable:
        raise ValueError(f"{accuracy.study} reports no specificity for {accuracy.test_name}: no likelihood ratio")
    lr = accuracy.lr_pos if result == "positive" else accuracy.lr_neg
    return Interpretation(accuracy, result, float(pre_test), lr, post_test_probability(pre_test, lr))
