"""The widgets whose click-to-feedback latency `make bench` measures, all in one JupyterLab page.

Each entry: a name, the notebook cells that build it (one-line calls, as in a lesson), the accessible
names of the controls clicked in turn (by role), and an optional ``requires`` (module, attribute) so an
entry is skipped until that widget has landed. To add a widget, append an entry.
"""
from __future__ import annotations

import importlib

ECHO = {
    "name": "echo button (floor)",
    "cells": ["echo_out = W.HTML('0'); echo = W.Button(description='Echo floor')",
              "echo.on_click(lambda _b: setattr(echo_out, 'value', str(int(echo_out.value) + 1)))",
              "W.VBox([echo, echo_out])"],
    "buttons": ["Echo floor"],
}

# The floor for widgets driven by a checkbox: the same do-nothing callback on a checkbox. A checkbox's round trip
# carries costs a button's does not (the value is synced and echoed back before the callback's change arrives:
# ~7 ms in this page), so a checkbox-driven widget is compared with a checkbox that does nothing.
ECHO_CHECKBOX = {
    "name": "echo checkbox (floor)",
    "cells": ["echo_box_out = W.HTML('0'); echo_box = W.Checkbox(description='Echo checkbox floor', indent=False)",
              "echo_box.observe(lambda _c: setattr(echo_box_out, 'value', str(int(echo_box_out.value) + 1)), "
              "names='value')",
              "W.VBox([echo_box, echo_box_out])"],
    "buttons": ["Echo checkbox floor"], "role": "checkbox",
}
# The floor for a question answered through a group of option buttons (ToggleButtons): pressing one syncs the
# group's index, as a checkbox syncs its value.
ECHO_TOGGLE = {
    "name": "echo option group (floor)",
    "cells": ["echo_tb_out = W.HTML('0'); echo_tb = W.ToggleButtons(options=['Echo one', 'Echo two'], value=None)",
              "echo_tb.observe(lambda _c: setattr(echo_tb_out, 'value', str(int(echo_tb_out.value) + 1)), "
              "names='value')",
              "W.VBox([echo_tb, echo_tb_out])"],
    "buttons": ["Echo one", "Echo two"],
}
# each widget against the do-nothing widget of the control it is driven by (its entry's "floor", else a button)
FLOORS = {"button": ECHO, "checkbox": ECHO_CHECKBOX, "option group": ECHO_TOGGLE}

_CANDIDATES = [
    {"name": "Quiz (widgets.common)",
     "cells": ["from sciatica_course.widgets import quiz", "quiz('bench_quiz')"],
     "buttons": ["Bench option one", "Bench option two"],   # alternate, so the feedback changes each click
     "floor": "option group",
     "quiz_items": """
- id: bench_quiz
  lesson: start_here
  topic: browser_probe
  mblex_domain: F
  stem: A benchmark question (shown only in the benchmark page).
  options:
    - {id: a, text: Bench option one, correct: true, explanation: The first benchmark option.}
    - {id: b, text: Bench option two, correct: false, explanation: The second benchmark option.}
  sources: [koes_2007]
"""},
    {"name": "PathExplorer (widgets.anatomy)", "requires": ("sciatica_course.widgets.anatomy", "path_explorer"),
     "cells": ["from sciatica_course.widgets import anatomy", "anatomy.path_explorer(start=2)"],
     "buttons": ["Next step ▶", "◀ Previous step"]},
    {"name": "IrritabilityClassifier (widgets.treatment)",
     "requires": ("sciatica_course.widgets.treatment", "irritability_classifier"),
     "cells": ["from sciatica_course.widgets import treatment", "treatment.irritability_classifier()"],
     "buttons": ["Pain at night or waking from sleep"], "role": "checkbox", "floor": "checkbox"},
]


def _available(entry) -> bool:
    req = entry.get("requires")
    if not req:
        return True
    try:
        return hasattr(importlib.import_module(req[0]), req[1])
    except Exception:
        return False


WIDGETS = [e for e in _CANDIDATES if _available(e)]
