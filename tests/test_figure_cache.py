"""The figure store: a figure drawn once per course data, drawing code and parameters, never shown for anything
else; a broken, hostile or read-only store never stops a lesson."""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sciatica_course import load_course
from sciatica_course.plotting import cache

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course()


class Drawing:
    """A draw() that counts its calls and returns a tiny real figure with alt text."""

    def __init__(self, alt="A test figure"):
        self.calls, self.alt = 0, alt

    def __call__(self):
        from sciatica_course.plotting.common import new_axes, set_alt

        self.calls += 1
        ax = new_axes(figsize=(1, 1))
        ax.plot([0, 1], [0, 1])
        return set_alt(ax, self.alt)


@pytest.fixture
def store(tmp_path, monkeypatch):
    folder = tmp_path / "figures"
    monkeypatch.setenv(cache.VARIABLE, str(folder))
    return folder


def test_drawn_once_then_read_from_the_store(store):
    draw = Drawing()
    first = cache.figure_html("demo", draw, 1, "a", course=COURSE)
    second = cache.figure_html("demo", draw, 1, "a", course=COURSE)
    assert draw.calls == 1 and first == second
    assert first.startswith('<figure style="margin:0"><img src="data:image/png;base64,') and 'alt="A test figure"' in first
    assert len(list(store.glob("*.json"))) == 1 and not list(store.glob(".tmp-*"))


def test_other_parameters_or_names_are_other_figures(store):
    draw = Drawing()
    cache.figure_html("demo", draw, 1, course=COURSE)
    cache.figure_html("demo", draw, 2, course=COURSE)
    cache.figure_html("other", draw, 1, course=COURSE)
    assert draw.calls == 3 and len(list(store.glob("*.json"))) == 3


def test_an_edit_to_the_data_gives_a_new_key(tmp_path, store):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    before = load_course(data)
    key = cache.figure_key("demo", (1,), before)
    assert key == cache.figure_key("demo", (1,), before)
    path = data / "lessons.yaml"
    path.write_text(path.read_text().replace("minutes: 15", "minutes: 16", 1))
    after = load_course(data)
    assert cache.data_fingerprint(after) != cache.data_fingerprint(before)
    assert cache.figure_key("demo", (1,), after) != key


def test_a_change_to_the_drawing_code_gives_a_new_key(monkeypatch):
    key = cache.figure_key("demo", (1,), COURSE)
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "something else")
    assert cache.figure_key("demo", (1,), COURSE) != key


@pytest.mark.parametrize("content", [
    "{not json",
    json.dumps({"alt": "x"}),
    json.dumps({"alt": "x", "png": base64.b64encode(b"<script>alert(1)</script>").decode()}),   # not a PNG
    json.dumps({"alt": 5, "png": base64.b64encode(b"\x89PNG\r\n\x1a\nxx").decode()}),
    json.dumps({"alt": "x", "png": "%%% not base64 %%%"}),
])
def test_a_broken_or_foreign_file_in_the_store_is_redrawn(store, content):
    draw = Drawing()
    store.mkdir(parents=True)
    key = cache.figure_key("demo", (), COURSE)
    (store / f"{key}.json").write_text(content)
    html = cache.figure_html("demo", draw, course=COURSE)
    assert draw.calls == 1 and "<script>" not in html and 'alt="A test figure"' in html
    assert cache._read(store / f"{key}.json") is not None          # replaced by a good one


def test_alt_text_from_the_store_is_escaped(store):
    cache.figure_html("demo", Drawing(), course=COURSE)
    path = next(store.glob("*.json"))
    record = json.loads(path.read_text())
    record["alt"] = '"><img src=x onerror=alert(1)>'
    path.write_text(json.dumps(record))
    html = cache.figure_html("demo", Drawing(), course=COURSE)
    assert "onerror=alert(1)>" not in html.replace("&gt;", ">").split('alt="')[0]
    assert 'alt="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in html


def test_switched_off_or_unwritable_store_still_shows_the_figure(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.VARIABLE, "off")
    assert cache.cache_dir() is None
    draw = Drawing()
    assert "<img" in cache.figure_html("demo", draw, course=COURSE) and draw.calls == 1
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.VARIABLE, str(blocker / "figures"))
    assert "<img" in cache.figure_html("demo", draw, course=COURSE) and draw.calls == 2


def test_default_store_is_in_the_course_home(tmp_path, monkeypatch):
    monkeypatch.delenv(cache.VARIABLE, raising=False)
    monkeypatch.setenv("SCIATICA_COURSE_HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / "figures"


def test_a_stored_figure_is_shown_without_importing_matplotlib(store):
    cache.figure_html("demo", Drawing(), 3, course=COURSE)
    code = ("import sys\n"
            "from sciatica_course.plotting import cache\n"
            "html = cache.figure_html('demo', lambda: 1 / 0, 3)\n"
            "print('<img' in html, sorted(m for m in ('matplotlib', 'numpy', 'PIL') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, cache.VARIABLE: str(store)}).stdout
    assert out.strip() == "True []"


# ------------------------------------------------------------------------------- drawing every lesson's figures
def test_prerender_runs_every_lesson_and_fills_the_store(tmp_path):
    from sciatica_course.prerender import prerender, student_notebooks

    store = tmp_path / "store"
    done = prerender(store)
    assert done["problems"] == []
    assert done["lessons"] == [p.name for p in student_notebooks()] and len(done["lessons"]) == 10
    assert done["figures"] >= 1 and done["figures"] == len(list(store.glob("*.json")))
    again = prerender(store)                       # nothing new to draw: the same figures, none added
    assert again["figures"] == done["figures"] and again["problems"] == []


def test_figures_command_reports_and_refuses_a_store_it_cannot_make(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    bad = subprocess.run([sys.executable, "-m", "sciatica_course", "figures", "--store", str(blocker / "s")],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "figures:" in bad.stderr and "Traceback" not in bad.stderr


def test_figures_command_stops_with_the_process_it_is_tied_to(tmp_path):
    import time

    parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.5)"])
    child = subprocess.Popen([sys.executable, "-m", "sciatica_course", "figures", "--quiet", "--store",
                              str(tmp_path / "s"), "--stop-with", str(parent.pid)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parent.wait()
    t0 = time.monotonic()
    code = child.wait(timeout=60)
    assert code in (0, 3) and time.monotonic() - t0 < 30
