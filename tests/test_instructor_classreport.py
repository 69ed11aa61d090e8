"""The class report: 40 generated attempt files (3 broken) -> tables, CSVs and one self-contained HTML page."""
from __future__ import annotations

import csv
import json
import re
import uuid

import pytest

from sciatica_course import classreport as cr
from sciatica_course.cli import main


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def export(student, attempts, **extra):
    doc = {"format": cr.FORMAT, "version": 1, "exported_at": "2026-11-20T10:00:00+00:00", "student": student,
           "anonymous": False, "answers": [], "case_attempts": attempts, "lessons": []}
    doc.update(extra)
    return doc


def attempt(case_id="demo_cauda_equina", choice="refer_emergency", safety="safe", conf=3, uid=None):
    return {"uid": uid or uuid.uuid4().hex, "case_id": case_id, "started_at": "2026-11-20T10:00:00+00:00",
            "finished_at": "2026-11-20T10:05:00+00:00", "exam_mode": False, "score": 4 if safety == "safe" else 0,
            "max_score": 4,
            "safety_flags": [] if safety in ("safe", "suboptimal") else
            [{"step_id": "red_flags", "choice_id": choice, "safety": safety, "confidence": conf}],
            "steps": [{"step_id": "red_flags", "kind": "red_flag", "choice_ids": [choice], "safety": safety,
                       "points": 4 if safety == "safe" else 0, "confidence": conf}]}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    files = cr.simulate_class(folder, students=40, broken=3, seed=7)
    assert len(files) == 40
    out = tmp_path_factory.mktemp("out")
    rep = cr.class_report(folder, out)
    return rep, folder, out


def test_forty_files_three_broken_are_listed_with_reasons(report):
    rep, folder, out = report
    s = rep.summary()
    assert s["files_read"] == 40 and s["files_used"] == 37 and s["files_skipped"] == 3
    assert s["students"] == 37 and s["attempts"] >= 37
    reasons = {k.file: k.reason for k in rep.data.skipped}
    assert reasons["truncated.json"].startswith("malformed: not valid JSON")
    assert reasons["shopping_list.json"].startswith("foreign:")
    assert reasons["student_01_again.json"] == "duplicate: the same content as student_01.json"
    rows = read_csv(out / "skipped.csv")
    assert {r["file"] for r in rows} == set(reasons)


def test_every_output_file_is_written(report):
    rep, folder, out = report
    for name in cr.OUTPUT_FILES:
        assert (out / name).is_file(), name
    header = (out / "scores.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ("student,cases_attempted,attempts,mean_best_percent,demo_cauda_equina,"
                      "demo_runner_buttock_pain,unsafe_choices,critical_choices")
    grades = read_csv(out / "scores.csv")
    assert len(grades) == 37
    choices = read_csv(out / "choices.csv")
    assert {r["safety"] for r in choices} <= set(cr.SAFETY_CLASSES)
    assert {"case_id", "step_id", "choice_id", "safety", "times_chosen", "share_percent"} <= set(choices[0])


def test_tables_add_up(report):
    rep, *_ = report
    # every step's shares are out of the attempts that reached it; single-choice steps add up to 100 %
    single = rep.choices[rep.choices["kind"] != "intake"]
    for (case, step), g in single.groupby(["case_id", "step_id"]):
        assert g["share_percent"].sum() == pytest.approx(100, abs=0.5), (case, step)
    assert (rep.unsafe["safety"].isin(["unsafe", "critical"])).all()
    assert list(rep.unsafe["times_chosen"]) == sorted(rep.unsafe["times_chosen"], reverse=True)
    cal = rep.calibration.set_index("label")
    assert cal.loc[["Guessing", "Fairly sure", "Certain"], "decisions"].sum() > 0
    assert set(rep.case_scores["case_id"]) == {"demo_cauda_equina", "demo_runner_buttock_pain"}
    assert rep.case_scores["attempts"].sum() == len(rep.attempts)


def test_html_is_self_contained_with_described_figures(report):
    rep, folder, out = report
    page = (out / "report.html").read_text(encoding="utf-8")
    imgs = re.findall(r'<img src="data:image/svg\+xml,[^"]+" alt="([^"]+)"', page)
    assert len(imgs) >= 5 and all(len(a) > 40 for a in imgs)
    assert not re.search(r'(src|href)="(?!data:)[^"#]', page), "the report must not load anything"
    assert "<script" not in page.lower()
    for title in ("Scores per case", "most common unsafe and critical choices", "Confidence calibration",
                  "Choice distribution per step", "Files skipped", "truncated.json"):
        assert title.lower() in page.lower(), title


def test_names_and_labels_are_escaped_and_csv_is_spreadsheet_safe(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil.json").write_text(json.dumps(export("<script>alert(1)</script>", [attempt(case_id="x<b>")])))
    (folder / "formula.json").write_text(json.dumps(export("=HYPERLINK(\"http://x\")", [attempt()])))
    rep = cr.class_report(folder, tmp_path / "out")
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "x<b>" not in page and "x&lt;b&gt;" in page
    cells = [r["student"] for r in read_csv(tmp_path / "out" / "scores.csv")]
    assert "'=HYPERLINK(\"http://x\")" in cells
    assert rep.summary()["students"] == 2


@pytest.mark.parametrize("content, reason", [
    (b"\xff\xfe\x00garbage", "foreign: not a text file"),
    (b"[1, 2, 3]", "foreign: not a sciatica-course progress export"),
    (json.dumps(export("a", [], version=2)).encode(), "foreign: export version 2"),
    (json.dumps(export("a", [])).encode(), "nothing to count"),
    (json.dumps(export("", [attempt()])).encode(), "malformed: student"),
    (json.dumps(export("a", [dict(attempt(), score="lots")])).encode(), "malformed: case_attempts[0].score"),
    (json.dumps(export("a", [dict(attempt(), steps=[{"step_id": "s", "choice_ids": ["c"], "safety": "safe",
                                                       "points": 1, "confidence": 5}])])).encode(),
     "malformed: case_attempts[0].steps[0].confidence"),
    (b'{"format": "sciatica-course-progress", "version": 1, "student": "a", "case_attempts": [{"score": NaN}]}',
     "malformed: not valid JSON (NaN"),
])
def test_each_kind_of_bad_file_is_named(tmp_path, content, reason):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.json").write_text(json.dumps(export("good", [attempt()])))
    (folder / "bad.json").write_bytes(content)
    rep = cr.class_report(folder, tmp_path / "out", figures=False)
    assert [s.file for s in rep.data.skipped] == ["bad.json"]
    assert rep.data.skipped[0].reason.startswith(reason), rep.data.skipped[0].reason
    assert (tmp_path / "out" / "report.html").is_file()


def test_attempts_are_merged_by_uid(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    a1, a2 = attempt(uid="a" * 32), attempt(uid="b" * 32, choice="treat_gently_today", safety="critical")
    (folder / "1_first.json").write_text(json.dumps(export("Ana", [a1])))
    (folder / "2_later.json").write_text(json.dumps(export("Ana", [a1, a2], exported_at="later")))
    (folder / "3_same_attempts.json").write_text(json.dumps(export("Ana", [a2, a1], exported_at="latest")))
    rep = cr.class_report(folder, tmp_path / "out", figures=False)
    assert len(rep.attempts) == 2
    assert [s.file for s in rep.data.skipped] == ["3_same_attempts.json"]
    assert rep.data.skipped[0].reason.startswith("duplicate: every attempt is already counted")
    assert rep.data.notes and "not counted twice" in rep.data.notes[0][1]
    assert rep.unsafe.iloc[0]["choice_id"] == "treat_gently_today" and rep.unsafe.iloc[0]["safety"] == "critical"


def test_an_empty_folder_still_makes_a_report(tmp_path):
    (tmp_path / "in").mkdir()
    rep = cr.class_report(tmp_path / "in", tmp_path / "out")
    assert rep.summary()["attempts"] == 0
    assert "No unsafe or critical choice" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_real_cases_played_by_the_engine_are_labelled_from_the_course(tmp_path, course):
    if not len(course.cases):
        pytest.skip("no cases in data/cases yet")
    folder = tmp_path / "in"
    cr.simulate_class(folder, students=6, broken=0, seed=1, course=course, case_ids=[course.cases[0].id])
    rep = cr.build_report(folder, course=course)
    assert rep.summary()["attempts"] >= 6
    case = course.cases[0]
    texts = {c.text[:30] for s in case.steps for c in s.choices}
    assert any(any(str(label).startswith(t[:20]) for t in texts) for label in rep.choices["choice"])
    for _, row in rep.choices.iterrows():     # the case's own safety class wins for every choice
        assert row["safety"] == case.choice(row["choice_id"]).safety


def test_cli_class_report(tmp_path, capsys):
    folder = tmp_path / "in"
    cr.simulate_class(folder, students=5, broken=1, seed=3)
    assert main(["class-report", str(folder), "-o", str(tmp_path / "out"), "--no-figures"]) == 0
    text = capsys.readouterr().out
    assert "4 student(s)" in text and "skipped truncated.json: malformed" in text
    assert (tmp_path / "out" / "report.html").is_file()
    assert main(["class-report", str(tmp_path / "missing"), "-o", str(tmp_path / "out")]) == 1
    assert "is not a folder" in capsys.readouterr().err


def test_real_progress_exports_round_trip(tmp_path, monkeypatch, course):
    """Students play with the engine, the progress store records, `progress export` writes the file the
    instructor collects; the class report reads it (named and anonymous)."""
    from sciatica_course import cases, progress

    if not len(course.cases):
        pytest.skip("no cases in data/cases yet")
    handed_in = tmp_path / "handed_in"
    handed_in.mkdir()
    case = course.cases[0]
    for i, anonymous in enumerate((False, True)):
        monkeypatch.setenv("SCIATICA_COURSE_HOME", str(tmp_path / f"home{i}"))
        progress.set_student_name(f"Student {i}")
        progress.record_case_attempt(cases.play_expert(case.id, course).to_attempt())
        progress.export_progress(handed_in / f"s{i}.json", anonymous=anonymous)
        progress.close_connections()
    rep = cr.build_report(handed_in, course=course)
    assert rep.data.skipped == [], rep.data.skipped
    assert len(rep.attempts) == 2 and (rep.attempts["percent"] == 100).all()
    assert "Student 0" in set(rep.attempts["student"]) and "Student 1" not in set(rep.attempts["student"])


def test_a_report_written_inside_the_folder_is_not_read_back(tmp_path):
    folder = tmp_path / "in"
    cr.simulate_class(folder, students=4, broken=0, seed=2)
    for _ in range(2):
        rep = cr.class_report(folder, folder / "report", figures=False)
        assert rep.data.skipped == [] and rep.summary()["files_read"] == 4
