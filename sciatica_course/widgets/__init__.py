"""ipywidgets front ends. Each is thin: its callbacks call the tested modules and it renders feedback
into an ``HTML`` widget's value (readable from Python in tests; one state update in the page).

Import the submodule a lesson needs, e.g. ``from sciatica_course.widgets import quiz``.
``sciatica_course.widgets.common`` holds the shared pieces (quiz questions, choices, feedback).
"""
from .common import quiz, quiz_set

__all__ = ["quiz", "quiz_set"]
