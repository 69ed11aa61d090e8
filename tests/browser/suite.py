"""Shared constants of the browser suite: where notebooks come from, the probes, the session report."""
from __future__ import annotations

import os
import re
from pathlib import Path

import labkit

SOURCE = Path(os.environ.get("SCIATICA_BROWSER_NOTEBOOKS", labkit.REPO / "notebooks"))
PROBES = "_probes"

# Quiz items that exist only in the probes' data folder.
XSS_MARK = "window.__sc_xss"
PROBE_ITEMS = f"""
- id: xss_probe
  lesson: start_here
  topic: browser_probe
  mblex_domain: F
  stem: 'Script probe <img src=x onerror="{XSS_MARK}=1;alert(1)"> and <script>{XSS_MARK}=2;alert(2)</script> end.'
  options:
    - id: a
      text: 'Option <img src=x onerror="{XSS_MARK}=3;alert(3)">'
      correct: true
      explanation: 'Shown as text: <script>{XSS_MARK}=4;alert(4)</script> and <b onmouseover=alert(5)>bold</b>.'
    - id: b
      text: 'Plain option'
      correct: false
      explanation: 'Also text: <img src=x onerror="{XSS_MARK}=5;alert(6)">.'
  sources: [koes_2007]
- id: keyboard_probe
  lesson: start_here
  topic: browser_probe
  mblex_domain: F
  stem: Which answer do you reach with the keyboard alone?
  options:
    - {{id: a, text: Keyboard option one, correct: true, explanation: Reached with Tab and chosen with Enter.}}
    - {{id: b, text: Keyboard option two, correct: false, explanation: Not chosen in the keyboard flow.}}
  sources: [koes_2007]
"""

PROBE_NOTEBOOKS = {
    "xss_probe.ipynb": ["from sciatica_course.widgets import quiz", 'quiz("xss_probe")'],
    "keyboard_probe.ipynb": ["from sciatica_course.widgets import quiz", 'quiz("keyboard_probe")'],
}

REPORT: dict = {"notebooks": {}, "chrome": None, "timings": {}}


def notebook_ids() -> list[str]:
    return [p.relative_to(SOURCE).as_posix() for p in labkit.notebook_paths(SOURCE)]



# Kernel chatter on the iopub channel that is not shown to a student and not produced by the course:
# the widget manager asks for ipywidgets' control comm before any cell has imported ipywidgets.
BENIGN_IOPUB = [re.compile(r"^No such comm target registered: jupyter\.widget\.control\s*$"),
                re.compile(r"^No such comm: [0-9a-f-]+\s*$")]


def is_benign(entry: dict) -> bool:
    return entry["type"] == "stderr" and all(
        any(p.match(line) for p in BENIGN_IOPUB) for line in entry["text"].splitlines() if line.strip())


