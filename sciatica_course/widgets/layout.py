"""Layout rules for every course widget: controls as wide as their text.

ipywidgets gives every labelled control a fixed 300 px row and every button a fixed 148 px, and cuts what does
not fit with an ellipsis. A long label ("Weeks of pregnancy (0 if not pregnant)") then leaves its number box
8 px wide, and "Mark this lesson complete" reads "Mark this lesso…". These rules, scoped to ``.sc-widget``
(every course widget has that class), let rows, labels and buttons take the width their text needs, wrap a
label only when the cell itself is too narrow, and give number and text boxes room to type. The browser suite
(tests/browser, test_controls_show_their_whole_text) measures every control of every lesson against its text.
"""
from __future__ import annotations

LAYOUT_CSS = (
    # labelled rows (text, number, dropdown, checkbox): as wide as label + control, never wider than the cell
    ".sc-widget .widget-inline-hbox,.sc-widget .widget-checkbox{width:auto;max-width:100%;height:auto;"
    "min-height:var(--jp-widgets-inline-height)}"
    ".sc-widget .widget-inline-hbox{flex-wrap:wrap;column-gap:6px}"
    # labels: whole text, wrapped only when the cell is narrower than the label
    ".sc-widget .widget-label,.sc-widget .widget-label-basic{overflow:visible;text-overflow:clip;"
    "white-space:normal;min-width:0;line-height:1.35;padding-top:2px;padding-bottom:2px}"
    ".sc-widget .widget-inline-hbox>.widget-label{flex:0 1 auto}"
    # number boxes fit several digits and the spinner; text boxes fit a name
    ".sc-widget .widget-text input[type=number]{flex:0 0 6em;min-width:6em}"
    ".sc-widget .widget-text input[type=text]{flex:1 1 14em;min-width:10em}"
    # dropdowns as wide as their longest choice
    ".sc-widget .widget-dropdown>select{flex:0 1 auto;width:auto;min-width:6em;max-width:100%}"
    # buttons: at least as wide as their label (a wrapping option button still wraps inside the cell)
    ".sc-widget .jupyter-button{min-width:fit-content;text-overflow:clip;overflow:visible}"
    ".sc-widget .widget-toggle-buttons .widget-toggle-button{min-width:fit-content}"
    # rows of sections or buttons wrap onto the next line instead of running out of the cell
    ".sc-widget .widget-hbox{flex-wrap:wrap;column-gap:12px}"
    # figures keep their aspect ratio and stay inside the cell
    ".sc-widget img{max-width:100%;height:auto}"
)
