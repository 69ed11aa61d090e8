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
@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """A store filled by ``prerender`` (what ``sciatica-course figures`` does at set-up), and what it reported."""
    from sciatica_course.prerender import prerender

    store = tmp_path_factory.mktemp("filled") / "store"
    return store, prerender(store)


def test_prerender_runs_every_lesson_and_fills_the_store(filled):
    from sciatica_course.prerender import prerender, student_notebooks

    store, done = filled
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


# ------------------------------------------------------------------------------- SVG records, the lessons' figures
def test_an_svg_figure_is_stored_once_with_its_meta(store):
    calls = []

    def draw():
        calls.append(1)
        return "<svg xmlns='http://www.w3.org/2000/svg'><rect width='1' height='1'/></svg>", "A square", {"n": 1}

    first = cache.figure_svg("sq", draw, 2, course=COURSE)
    assert cache.figure_svg("sq", draw, 2, course=COURSE) == first and len(calls) == 1
    assert first[1:] == ("A square", {"n": 1})


@pytest.mark.parametrize("record", [
    {"alt": "x", "svg": "<script>alert(1)</script>"},
    {"alt": "x", "svg": 5},
    {"alt": "x", "svg": "<svg/>", "meta": "not a dict"},
    {"alt": "x", "png": base64.b64encode(b"\x89PNG\r\n\x1a\nxx").decode()},     # a PNG record is not an SVG
])
def test_a_foreign_svg_record_is_redrawn(store, record):
    store.mkdir(parents=True)
    (store / f"{cache.figure_key('sq', (), COURSE)}.json").write_text(json.dumps(record))
    svg, alt, meta = cache.figure_svg("sq", lambda: ("<svg xmlns='http://www.w3.org/2000/svg'/>", "ok", {}),
                                      course=COURSE)
    assert svg.startswith("<svg") and alt == "ok"


_LESSONS_FROM_THE_STORE = r"""
import contextlib, io, sys
from pathlib import Path
from sciatica_course.prerender import _code_cells, _run_cell, student_notebooks
from sciatica_course.widgets import anatomy, treatment

shown = {}
for nb in student_notebooks():
    ns = {"__name__": "__lesson__"}
    for code in _code_cells(nb):
        with contextlib.redirect_stdout(io.StringIO()):
            values = [_run_cell(code, ns)]
        while values:   # lesson.show(figure, question): each part is shown as a cell's value
            value = values.pop(0)
            values[:0] = list(getattr(value, "parts", ()))
            html = getattr(value, "_repr_html_", None)
            if callable(html):
                shown[nb.name] = shown.get(nb.name, 0) + ("<img" in (html() or ""))
# what a student then clicks: every step, type, disc level, area and irritability level
e = anatomy.path_explorer()
for _ in range(12):
    e.next.click()
v = anatomy.variant_selector()
for t in "ABCDEF":
    v.value = t
d = anatomy.disc_levels()
d.value = "l5_s1"
s = anatomy.symptom_map()
s.select("heel", "sole", "dorsum_foot")
c = treatment.irritability_classifier()
c.set(pain_score=9, settle_time_minutes=90, symptoms_below_knee=True)
c.set(pain_score=1, settle_time_minutes=0)
print(sorted(m for m in ("matplotlib", "numpy", "PIL", "pandas") if m in sys.modules), sorted(shown.items()))
"""


def test_every_student_lesson_shows_its_figures_from_the_store_without_matplotlib(tmp_path, filled):
    """After set-up (``sciatica-course figures``), Run All of every lesson and the clicks a student makes import
    no matplotlib, numpy, PIL or pandas: every figure comes from the store or is SVG written in Python."""
    store, done = filled
    assert done["problems"] == []
    env = {**os.environ, cache.VARIABLE: str(store), "SCIATICA_COURSE_HOME": str(tmp_path / "home")}
    out = subprocess.run([sys.executable, "-c", _LESSONS_FROM_THE_STORE], capture_output=True, text=True,
                         env=env, cwd=tmp_path, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.startswith("[] "), out.stdout
    shown = dict(eval(out.stdout.strip().split(" ", 1)[1]))
    for lesson in ("01_sciatic_nerve_path.ipynb", "02_root_levels.ipynb", "06_contraindications.ipynb",
                   "07_technique_selection.ipynb"):
        assert shown.get(lesson), f"{lesson} showed no stored figure in a cell"


def test_a_lesson_still_draws_and_stores_on_a_store_miss(store):
    from sciatica_course.widgets import anatomy

    e = anatomy.path_explorer(course=COURSE)
    assert "data:image/png;base64," in e.base.value and "data:image/svg+xml," in e.figure.value
    names = sorted(json.loads(p.read_text())["name"] for p in store.glob("*.json"))
    assert names == ["nerve_path_base", "nerve_path_overlay"]
    e.prerender()
    assert len(list(store.glob("*.json"))) == 1 + len(e.segments)


def test_symptom_map_outlines_lie_on_the_outlines_matplotlib_draws():
    """The chosen areas' SVG outlines (made without matplotlib from the data's polygons and the stored axes box)
    fall on the thick black outline ``plot_dermatome_map(selected)`` draws."""
    import io
    import re

    import numpy as np
    from PIL import Image

    from sciatica_course.plotting.common import png_bytes
    from sciatica_course.plotting.roots import plot_dermatome_map
    from sciatica_course.plotting.stored import DermatomeLayers

    layers = DermatomeLayers(course=COURSE)
    hits = total = 0
    for region in COURSE.body_regions:
        svg = layers.outline_svg((region.id,))
        points = [tuple(map(float, p.split(","))) for p in re.search(r"points='([^']*)'", svg).group(1).split()]
        ax = plot_dermatome_map((region.id,), table=False, course=COURSE, figsize=layers.FIGSIZE)
        grey = np.asarray(Image.open(io.BytesIO(png_bytes(ax.figure, palette=False))).convert("L"))
        hits += sum(grey[int(round(y)), int(round(x))] < 60 for x, y in points)
        total += len(points)
    assert total > 40 and hits / total > 0.9
    names = ", ".join(COURSE.body_regions[r].name.lower() for r in ("heel", "sole"))
    assert layers.alt(("heel", "sole")).endswith(f" Outlined in black (chosen on the symptom map): {names}.")
    assert "Outlined" not in layers.alt(())


def test_dashboard_charts_are_svg_escaped_and_well_formed():
    from datetime import date
    from xml.etree import ElementTree

    from sciatica_course.plotting import svgcharts
    from sciatica_course.revision import CalibrationRow, DayCount, Mastery

    rows = [Mastery("a", "<script>alert(1)</script> & co", 4, 2, 0.4, 2, 0.5), Mastery("b", "Anatomy", 4, 4, 0.9, 4, 1)]
    charts = [svgcharts.mastery_svg(rows), svgcharts.mastery_svg([]),
              svgcharts.answers_svg([DayCount(date(2026, 11, 1), 3, 2), DayCount(date(2026, 11, 2), 0, 0)]),
              svgcharts.answers_svg([]), svgcharts.calibration_svg([CalibrationRow(1, "Guessing", 4, 1),
                                                                    CalibrationRow(3, "Certain", 2, 2)]),
              svgcharts.calibration_svg([])]
    for svg, alt in charts:
        ElementTree.fromstring(svg)                  # well-formed
        assert "<script" not in svg and alt
    assert "&lt;script&gt;" in charts[0][0] and "40% · weak · 0 of 4 right" in charts[0][0]
    assert charts[0][1].startswith("Mastery by topic, weakest first: <script>")     # escaped when shown
    html = svgcharts.svg_html(*charts[0])
    assert 'alt="Mastery by topic, weakest first: &lt;script&gt;' in html and "<script" not in html
