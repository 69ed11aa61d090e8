"""The student's working copy of the lessons (sciatica_course.workcopy, `sciatica-course lessons`): copied the first
time, never overwritten, new lessons added, changed ones offered, reset keeps the old copy beside; progress untouched."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sciatica_course import workcopy

ROOT = Path(__file__).parents[1]


def nb(*sources, outputs=None) -> str:
    cells = [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
              "outputs": outputs or [], "source": s} for i, s in enumerate(sources)]
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells})


@pytest.fixture
def course(tmp_path):
    src = tmp_path / "notebooks"
    (src / "instructor").mkdir(parents=True)
    (src / "00_start_here.ipynb").write_text(nb("print('start')"))
    (src / "03_assessment_reasoning.ipynb").write_text(nb("lesson(3)"))
    (src / "instructor" / "answers.ipynb").write_text(nb("secret"))
    (src / ".ipynb_checkpoints").mkdir()
    (src / ".ipynb_checkpoints" / "00_start_here-checkpoint.ipynb").write_text(nb("old"))
    return src


def states(folder, src):
    return {s.name: s.state for s in workcopy.status(folder, src)}


def test_first_run_copies_the_student_lessons_only(tmp_path, course):
    mine = tmp_path / "home" / "lessons"
    assert sorted(workcopy.place(mine, course)) == ["00_start_here.ipynb", "03_assessment_reasoning.ipynb"]
    assert not (mine / "instructor").exists() and not (mine / ".ipynb_checkpoints").exists()
    assert (mine / "03_assessment_reasoning.ipynb").read_text() == (course / "03_assessment_reasoning.ipynb").read_text()
    assert set(states(mine, course).values()) == {workcopy.CURRENT}


def test_second_run_keeps_a_students_edits_and_adds_new_lessons(tmp_path, course):
    mine = tmp_path / "lessons"
    workcopy.place(mine, course)
    edited = nb("lesson(3)", "my own note")
    (mine / "03_assessment_reasoning.ipynb").write_text(edited)
    (course / "09_revision.ipynb").write_text(nb("revise()"))          # a lesson added by an update
    assert workcopy.place(mine, course) == ["09_revision.ipynb"]
    assert (mine / "03_assessment_reasoning.ipynb").read_text() == edited
    assert states(mine, course) == {"00_start_here.ipynb": workcopy.CURRENT,
                                    "03_assessment_reasoning.ipynb": workcopy.EDITED,
                                    "09_revision.ipynb": workcopy.CURRENT}


def test_running_a_lesson_is_not_an_edit(tmp_path, course):
    mine = tmp_path / "lessons"
    workcopy.place(mine, course)
    ran = json.loads((mine / "00_start_here.ipynb").read_text())
    ran["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "start\n"}]
    ran["cells"][0]["execution_count"] = 1
    (mine / "00_start_here.ipynb").write_text(json.dumps(ran, indent=2))
    assert states(mine, course)["00_start_here.ipynb"] == workcopy.CURRENT


def test_a_changed_lesson_is_offered_not_forced(tmp_path, course):
    mine = tmp_path / "lessons"
    workcopy.place(mine, course)
    (mine / "00_start_here.ipynb").write_text(nb("print('start')", "mine"))
    (course / "00_start_here.ipynb").write_text(nb("print('start, corrected')"))
    (course / "03_assessment_reasoning.ipynb").write_text(nb("lesson(3)  # corrected"))
    assert workcopy.place(mine, course) == []
    st = {s.name: s for s in workcopy.status(mine, course)}
    assert st["00_start_here.ipynb"].state == workcopy.UPDATE_EDITED and st["00_start_here.ipynb"].offer
    assert st["03_assessment_reasoning.ipynb"].state == workcopy.UPDATE
    assert "mine" in (mine / "00_start_here.ipynb").read_text()      # never overwritten


def test_reset_keeps_the_old_copy_beside_and_never_touches_progress(tmp_path, course):
    home = tmp_path / "home"
    mine = home / "lessons"
    progress = home / "progress.sqlite3"
    home.mkdir()
    progress.write_bytes(b"SQLite format 3\x00 my answers")
    workcopy.place(mine, course)
    (mine / "03_assessment_reasoning.ipynb").write_text(nb("lesson(3)", "my notes"))
    (course / "03_assessment_reasoning.ipynb").write_text(nb("lesson(3)  # corrected"))
    dest, old = workcopy.reset(mine, course, "03")
    assert dest.read_text() == (course / "03_assessment_reasoning.ipynb").read_text()
    assert old.parent == mine and old.name.startswith("03_assessment_reasoning.old-") and old.suffix == ".ipynb"
    assert "my notes" in old.read_text()
    assert states(mine, course)["03_assessment_reasoning.ipynb"] == workcopy.CURRENT
    # an unchanged copy is replaced without leaving a duplicate; a second reset of the same minute gets a new name
    assert workcopy.reset(mine, course, "3")[1] is None
    (mine / "03_assessment_reasoning.ipynb").write_text(nb("again"))
    assert workcopy.reset(mine, course, "03_assessment_reasoning.ipynb")[1].name != old.name
    assert progress.read_bytes() == b"SQLite format 3\x00 my answers"
    with pytest.raises(workcopy.LessonNotFound, match="no lesson '42'"):
        workcopy.reset(mine, course, "42")
    with pytest.raises(workcopy.LessonNotFound):
        workcopy.reset(mine, course, "answers")                    # instructor notebooks are not lessons


def test_a_lesson_removed_from_the_course_is_kept_and_named(tmp_path, course):
    mine = tmp_path / "lessons"
    workcopy.place(mine, course)
    (course / "03_assessment_reasoning.ipynb").rename(course / "03_assessment.ipynb")
    workcopy.place(mine, course)
    assert states(mine, course) == {"00_start_here.ipynb": workcopy.CURRENT, "03_assessment.ipynb": workcopy.CURRENT,
                                    "03_assessment_reasoning.ipynb": workcopy.GONE}
    assert (mine / "03_assessment_reasoning.ipynb").is_file()
    (mine / "00_start_here.ipynb").write_text(nb("mine"))
    assert workcopy.reset(mine, course, "00")[1] is not None   # an old copy from a reset is not a lesson
    assert not any(".old-" in name for name in states(mine, course))


def test_a_copy_made_before_the_manifest_existed(tmp_path, course):
    """A class hub home (or an older version's copy) without .course-versions.json: equal is current, else offered."""
    mine = tmp_path / "course"
    mine.mkdir()
    (mine / "00_start_here.ipynb").write_text((course / "00_start_here.ipynb").read_text())
    (mine / "03_assessment_reasoning.ipynb").write_text(nb("something else"))
    assert workcopy.place(mine, course) == []
    assert states(mine, course) == {"00_start_here.ipynb": workcopy.CURRENT,
                                    "03_assessment_reasoning.ipynb": workcopy.DIFFERENT}


def test_default_folder_is_beside_the_progress_store(monkeypatch, tmp_path):
    monkeypatch.setenv("SCIATICA_COURSE_HOME", str(tmp_path / "h"))
    from sciatica_course.progress import store_path
    assert workcopy.default_folder() == store_path().parent / "lessons"


def _cli(*args, home):
    env = dict(os.environ, SCIATICA_COURSE_HOME=str(home), SCIATICA_COURSE_COMMAND="python3 start.py")
    return subprocess.run([sys.executable, "-m", "sciatica_course", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def test_lessons_command_status_and_reset(tmp_path):
    home = tmp_path / "home"
    r = _cli("lessons", "reset", "03", home=home)
    assert r.returncode == 1 and "no lessons folder yet" in r.stderr
    mine = home / "lessons"
    workcopy.place(mine, ROOT / "notebooks")
    lesson = mine / "03_assessment_reasoning.ipynb"
    data = json.loads(lesson.read_text())
    data["cells"].append({"cell_type": "markdown", "id": "mine", "metadata": {}, "source": "my note"})
    lesson.write_text(json.dumps(data))
    r = _cli("lessons", "--status", home=home)
    assert r.returncode == 0, r.stderr
    assert f"Your lessons: {mine}" in r.stdout
    assert re.search(r"^  03_assessment_reasoning +edited by you$", r.stdout, re.M), r.stdout
    assert "instructor" not in r.stdout
    r = _cli("lessons", "reset", "03", home=home)
    assert r.returncode == 0, r.stderr
    assert "your old copy is beside it as 03_assessment_reasoning.old-" in r.stdout
    assert "Your progress is unchanged" in r.stdout
    assert lesson.read_bytes() == (ROOT / "notebooks" / "03_assessment_reasoning.ipynb").read_bytes()
    r = _cli("lessons", "reset", "77", home=home)
    assert r.returncode == 1 and "no lesson '77'" in r.stderr and "00" in r.stderr


def test_hub_and_laptop_share_one_copy_function():
    text = (ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py").read_text()
    assert "from sciatica_course.workcopy import place" in text
    assert "shutil.copy2" not in text
