"""``sciatica-course audit``: every fact the rules cite is traced to rules, vignettes, lessons and quiz items; with
the evidence sheet beside the repository (as CI has it), every urgency- or action-bearing fact of its red-flag,
contraindication and review sections has a rule and a vignette, or is listed as deliberately prose-only."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sciatica_course import load_course
from sciatica_course.audit import (audit_markdown, audit_text, coverage_problems, fact_audit,
                                   sheet_action_facts)
from sciatica_course.cli import main

COURSE = load_course()
ROWS = fact_audit(COURSE)


def _sheet() -> Path | None:
    env = os.environ.get("SCIATICA_FACTS_SHEET")
    for p in ([Path(env)] if env else []) + [Path(__file__).parents[2] / "shared" / "reference" / "clinical_facts.md"]:
        if p.exists():
            return p
    return None


SHEET = _sheet()
needs_sheet = pytest.mark.skipif(SHEET is None, reason="the evidence sheet is not beside the repository")


def test_every_rule_fact_is_traced():
    by_id = {r.fact_id: r for r in ROWS}
    for rf in COURSE.red_flags:
        for rule in rf.rules:
            assert rule.fact_ids, f"red-flag rule {rule.id} cites no fact ID"
            for f in rule.fact_ids:
                assert f"red_flag_rule:{rule.id}" in by_id[f].rules
    for ci in COURSE.contraindications:
        assert ci.fact_ids, ci.id
        for f in ci.fact_ids:
            assert f"contraindication:{ci.id}" in by_id[f].rules


def test_every_red_flag_rule_has_a_vignette():
    from sciatica_course.reasoning.findings import findings_dict
    from sciatica_course.reasoning.screening import screen

    fired = set()
    for v in COURSE.vignettes:
        fired |= set(screen(findings_dict(v.findings, COURSE), COURSE).fired)
    missing = [r.id for rf in COURSE.red_flags for r in rf.rules if r.id not in fired]
    assert not missing, f"red-flag rules no triage vignette exercises: {missing}"


def test_every_audited_fact_is_complete():
    incomplete = [r.fact_id for r in ROWS if not r.complete]
    assert not incomplete


def test_new_section_15_facts_are_taught_in_a_lesson_and_a_quiz():
    by_id = {r.fact_id: r for r in ROWS}
    for f in ("RF-07a", "RF-07b", "RF-07c", "RF-09", "RF-10"):
        assert by_id[f].lesson_cells, f"{f} is taught in no lesson cell"
        assert by_id[f].quizzes, f"{f} is taught by no quiz item"


def test_markdown_and_text_tables():
    md = audit_markdown(ROWS)
    assert md.startswith("# Fact-to-rule audit")
    assert "| Fact | Rules | Vignettes | Lesson cells | Quiz items | Status |" in md
    assert all(f"| {r.fact_id} |" in md for r in ROWS)
    txt = audit_text(ROWS)
    assert "RF-07a" in txt and "complete" in txt.splitlines()[-1]


def test_cli_writes_markdown(tmp_path, capsys):
    out = tmp_path / "audit.md"
    assert main(["audit", "-o", str(out)]) == 0
    assert "wrote the audit" in capsys.readouterr().out
    assert out.read_text().startswith("# Fact-to-rule audit")


def test_cli_prints_table(capsys):
    assert main(["audit"]) == 0
    assert "RF-01" in capsys.readouterr().out


def test_cli_reports_a_missing_fact_with_a_sheet(tmp_path, capsys):
    """A sheet fact nobody cites is reported and the exit code is 1 (works without the real sheet)."""
    sheet = tmp_path / "sheet.md"
    sheet.write_text("## 4. Red flags\n\n| ID | Fact |\n|---|---|\n| RF-01 | CES |\n| RF-99 | invented |\n"
                     "## 5. Irritability\n\n| IRR-01 | not counted |\n")
    assert sheet_action_facts(sheet.read_text()) == ["RF-01", "RF-99"]
    assert main(["audit", "--sheet", str(sheet)]) == 1
    err = capsys.readouterr().err
    assert "RF-99" in err and "RF-01" not in err


def test_audit_works_for_an_instructors_data_folder(tmp_path):
    """Built from the data alone: a copy of the data without notebooks beside it still audits."""
    data = tmp_path / "data"
    shutil.copytree(COURSE.data_dir, data)
    rows = fact_audit(load_course(data))
    assert {r.fact_id for r in rows} == {r.fact_id for r in ROWS}
    assert all(r.lesson_cells == [] for r in rows)


def test_prose_only_entries_say_why():
    for p in COURSE.prose_only_facts:
        assert len(p.reason) > 40


@needs_sheet
def test_every_urgency_on_the_sheet_has_a_rule_and_a_vignette():
    facts = sheet_action_facts(SHEET.read_text(encoding="utf-8"))
    for must in ("RF-01", "RF-01a", "RF-02a", "RF-04a", "RF-05a", "RF-07a", "RF-07b", "RF-07c", "RF-08a", "RF-09",
                 "RF-10", "RF-11", "CI-08a", "CI-13"):
        assert must in facts
    assert not coverage_problems(ROWS, facts)
