"""The package is light to import and sets no global state."""
from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "matplotlib", "ipywidgets", "numpy", "IPython", "jupyterlab")


def test_import_is_light():
    code = ("import sys; import sciatica_course; import sciatica_course.reasoning; "
            f"print([m for m in {HEAVY!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_plotting_changes_no_rcparams():
    code = ("import matplotlib; before = dict(matplotlib.rcParams); "
            "import sciatica_course.plotting, sciatica_course.plotting.common as c; "
            "ax = c.new_axes(); ax.plot([0, 1]); c.set_alt(ax, 'x'); c.figure_html(ax); "
            "print(before == dict(matplotlib.rcParams))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"


def test_no_pyplot_in_package():
    from pathlib import Path
    for p in (Path(__file__).parents[1] / "sciatica_course").rglob("*.py"):
        assert "matplotlib.pyplot" not in p.read_text(), p
