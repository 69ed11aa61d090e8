"""One wording for each fact a student reads in several places: the lessons, quizzes, cases and tables quote
the data, or this test compares them. (A cancer history without neurological signs was "same day (advice within
24 h)" in lesson 4's table, "within a few days" in a case and "today or within a day or two" in a quiz; a
table and its note gave LR− 0.86 and 0.87 for the same study.)"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from sciatica_course import load_course
from sciatica_course.diagnostics import accuracy_rows, likelihood_ratios

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course()


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def student_texts():
    """(where, text) of what students read: lesson markdown and the data files shown in lessons and cases."""
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for i, c in enumerate(json.loads(nb.read_text())["cells"]):
            if c["cell_type"] == "markdown":
                yield f"{nb.name} cell {i}", "".join(c["source"])
    files = ["quizzes.yaml", "vignettes.yaml", "contraindications.yaml", "red_flags.yaml", "special_tests.yaml",
             "claims.yaml", "nerve_path.yaml", "intake.yaml"]
    files += [f"cases/{p.name}" for p in sorted((ROOT / "data" / "cases").glob("*.yaml"))]
    for name in files:
        path = ROOT / "data" / name
        if path.is_file():
            for s in _strings(yaml.safe_load(path.read_text())):
                yield name, s


def sentences(text):
    """Sentences, list items and table rows (a table row is one statement)."""
    return re.split(r"(?<=[.!?])\s+|\n\s*[-*]\s+|\n\s*\||\|\s*\n", " ".join(text.split("\n  ")))


# ---- urgency: a cancer history with new back pain and no neurological signs -------------------------------
OTHER_TIMEFRAMES = ("within a few days", "within a day or two", "within days", "this week", "today or within",
                    "in the next few days", "next few days")


def test_cancer_history_urgency_has_one_wording():
    rule = next(r for g in COURSE.red_flags for r in g.rules if r.id == "cancer_history_pain")
    assert "same day" in rule.referral.timeframe.lower()
    found = []
    for where, text in student_texts():
        for s in sentences(text):
            low = s.lower()
            if "cancer" in low.replace("non-cancer", "") and any(t in low for t in OTHER_TIMEFRAMES):
                found.append(f"{where}: {s.strip()[:160]}")
    assert not found, ("a cancer history's urgency is worded differently from the rule's timeframe "
                       f"({rule.referral.timeframe!r}):\n" + "\n".join(found))


# ---- likelihood ratios quoted in prose are the ones the tables compute -------------------------------------
LR_QUOTE = re.compile(r"LR\s?([+−-])\s*(?:=|≈|about|of|only)?\s*(\d+\.\d+)(?![\d÷/]|\s+[÷/])")
PAIR = re.compile(r"(0\.\d+)\s*/\s*(0\.\d+)")
SENS_SPEC = re.compile(r"sensitivity (?:was |of )?(0\.\d+)[^.]*?specificity (?:was |of )?(0\.\d+)")


def _lr_values(text: str) -> set[str]:
    """The LRs the course computes from its data, and from any "sensitivity / specificity" pair in the text."""
    values = set()
    for a in accuracy_rows(COURSE):
        if a.usable:
            values |= {f"{a.lr_pos:.2f}", f"{a.lr_neg:.2f}"}
    for se, sp in PAIR.findall(text) + SENS_SPEC.findall(text):
        lp, ln = likelihood_ratios(float(se), float(sp))
        values |= {f"{lp:.2f}", f"{ln:.2f}"}
    return values


@pytest.mark.parametrize("where,text", [(w, t) for w, t in student_texts() if LR_QUOTE.search(t)],
                         ids=lambda x: x if isinstance(x, str) and len(x) < 60 else "")
def test_quoted_likelihood_ratios_match_the_computed_ones(where, text):
    if where == "roots.yaml":   # source-reported LRs of single signs (no 2x2 data in the course)
        return
    allowed = _lr_values(text)
    # a figure the text marks as the paper's own ("the paper reports LR+ 4.57", from unrounded counts) is the
    # source's number (the evidence sheet quotes it), not a recomputation
    allowed |= {f"{float(v):.2f}" for v in re.findall(r"reports LR\s?[+−-]\s*(\d+\.\d+)", text)}
    wrong = [f"LR{sign} {v}" for sign, v in LR_QUOTE.findall(text) if f"{float(v):.2f}" not in allowed]
    assert not wrong, f"{where}: {wrong} differ from the likelihood ratios computed from the data: {text[:300]}"


# ---- the nerve's width at the piriformis ------------------------------------------------------------------
def test_nerve_width_is_quoted_one_way():
    widths = set()
    for where, text in student_texts():
        for m in re.finditer(r"(\d+(?:\.\d+)?) ?mm wide", text):
            widths.add((m.group(1), where))
    assert len({w for w, _ in widths}) <= 1, f"the nerve's pooled width is quoted differently: {sorted(widths)}"
