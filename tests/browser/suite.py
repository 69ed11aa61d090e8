"""Shared constants of the browser suite: where notebooks come from, the probes, the session report."""
from __future__ import annotations

import os
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

# A case with markup in every text a student sees first (title, client, story, a question and its answer):
# a copy of the first case file with these fields replaced, under a new id.
CASE_PAYLOADS = {
    "title": f'Case probe <img src=x onerror="{XSS_MARK}=11;alert(11)">',
    "client": f"Client <script>{XSS_MARK}=12;alert(12)</script>",
    "story": f'Story <img src=x onerror="{XSS_MARK}=13;alert(13)"> and <script>{XSS_MARK}=14</script>.',
    "question": f'Question <img src=x onerror="{XSS_MARK}=15;alert(15)">?',
    "answer": f"Answer <script>{XSS_MARK}=16;alert(16)</script>.",
}


def write_case_probe(data: Path) -> bool:
    """Add data/cases/xss_case.yaml to a probe data folder; False when the course has no cases folder."""
    import yaml

    cases = sorted((data / "cases").glob("*.yaml")) if (data / "cases").is_dir() else []
    if not cases:
        return False
    case = yaml.safe_load(cases[0].read_text())
    case["id"] = "xss_case"
    for key in ("title", "client", "story"):
        case[key] = CASE_PAYLOADS[key]
    first = case["steps"][0]["choices"][0]
    first["text"], first["answer"] = CASE_PAYLOADS["question"], CASE_PAYLOADS["answer"]
    (data / "cases" / "xss_case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True))
    return True


PROBE_NOTEBOOKS = {
    "xss_case_probe.ipynb": ["from sciatica_course.widgets import case_player", 'case_player.case_player("xss_case")'],
    "xss_probe.ipynb": ["from sciatica_course.widgets import quiz", 'quiz("xss_probe")'],
    "keyboard_probe.ipynb": ["from sciatica_course.widgets import quiz", 'quiz("keyboard_probe")'],
}

REPORT: dict = {"notebooks": {}, "chrome": None, "timings": {}}


def notebook_ids() -> list[str]:
    return [p.relative_to(SOURCE).as_posix() for p in labkit.notebook_paths(SOURCE)]


is_benign = labkit.is_benign
