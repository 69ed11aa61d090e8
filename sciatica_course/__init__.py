"""Sciatica course: the data, reasoning, figures and widgets behind the lesson notebooks.

Importing the package is light: it loads no data and imports neither pandas, matplotlib nor
ipywidgets. Lessons import the modules they use, e.g. ``from sciatica_course import widgets``.
"""
from .loading import DataError, load_course

__version__ = "0.1.0"
__all__ = ["load_course", "DataError", "__version__"]
