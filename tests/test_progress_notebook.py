"""09_revision.ipynb runs on a store that already has progress (nbval runs it on an empty store)."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from sciatica_course import load_course
from sciatica_course.progress import Store

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "09_revision.ipynb"


def _fill(store: Store, course):
    rnd = random.Random(9)
    start = datetime.now(timezone.utc) - timedelta(days=20)
    for day in range(0, 20, 3):
        for q in course.quizzes:
            if rnd.random() < 0.5:
                opt = rnd.choice(q.options)
                store.record_answer(q.id, opt.id, opt.correct, confidence=rnd.choice([None, 1, 2, 3]),
                                    seconds=12.0, lesson=q.lesson, topic=q.topic, domain=q.mblex_domain,
                                    at=(start + timedelta(days=day, minutes=rnd.randint(0, 600))).isoformat())
    case_id = course.cases[0].id if len(course.cases) else "a_case"
    store.record_case_attempt({"case_id": case_id, "finished_at": start.isoformat(), "exam_mode": False,
                               "score": 2, "max_score": 8,
                               "safety_flags": [{"step_id": "screen", "choice_id": "treat", "safety": "critical",
                                                 "confidence": 3}],
                               "steps": [{"step_id": "screen", "kind": "choice", "choice_ids": ["treat"],
                                          "safety": "critical", "points": 0, "confidence": 3}]})
    store.mark_lesson_complete("start_here")
    store.set_student_name("Test <Student>")


def test_revision_notebook_runs_after_some_answers(tmp_path, monkeypatch):
    course = load_course()
    home = tmp_path / "home"
    _fill(Store(home / "progress.sqlite3"), course)
    monkeypatch.setenv("SCIATICA_COURSE_HOME", str(home))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error" or o.get("name") == "stderr"]
    assert not errors, errors
    assert not list(home.glob("progress.sqlite3.*-2*")), "the store was moved aside"
    assert Store(home / "progress.sqlite3").counts()["answers"] > 0
