"""Fast checks of the browser suite's own pieces (no browser): the probe data is valid course data, the
probe notebooks are well formed, and notebook discovery finds every lesson."""
from __future__ import annotations

import json

import labkit
from suite import PROBE_ITEMS, PROBE_NOTEBOOKS, SOURCE, notebook_ids, write_case_probe


def test_probe_data_is_valid_course_data(tmp_path):
    from sciatica_course.loading import validate

    data = labkit.probe_data(tmp_path, PROBE_ITEMS)
    write_case_probe(data)
    problems = validate(data)
    assert problems == [], "\n".join(map(str, problems))


def test_probe_notebooks_are_one_line_calls(tmp_path):
    for name, cells in PROBE_NOTEBOOKS.items():
        nb = json.loads(labkit.write_notebook(tmp_path / name, cells, kernel=labkit.PROBE_KERNEL).read_text())
        assert nb["nbformat"] == 4 and all(c["outputs"] == [] for c in nb["cells"])
        assert all(src.startswith(("from sciatica_course", "quiz(", "case_player.")) for src in cells)


def test_every_notebook_is_found():
    found = set(notebook_ids())
    on_disk = {p.relative_to(SOURCE).as_posix() for p in SOURCE.rglob("*.ipynb")
               if ".ipynb_checkpoints" not in p.parts} if SOURCE.is_dir() else set()
    assert found == on_disk
