"""Course widgets that share their Layout and Style objects: the same controls, a third of the objects.

Every ipywidget brings two hidden companions, a ``Layout`` and (for controls) a ``Style``, each a widget model of
its own with ~40 settings, built, serialised and sent to the browser. In a lesson those companions are two thirds
of all the models (lesson 4 built 869, 423 of them Layout or Style) and most of its run time: an HTML widget with
its own Layout and Style takes ~1 ms to build, one sharing them ~0.25 ms.

Widget modules import this module in place of ipywidgets (``from . import lean as W``): its classes are the
ipywidgets classes, except that a ``layout`` or ``style`` left out, or given as a dict, is a **shared** one, made
once per kernel for each set of settings and used by every widget that asks for the same look. ``W.Layout(...)``
returns such a shared layout too. Anything else (``W.Widget``, ``W.Output``, ``W.jslink`` ...) is ipywidgets' own.

CSS classes go in at the start, not by ``add_class`` afterwards (each ``add_class`` on a built widget is one more
message to the browser): ``W.Button(..., classes=("sc-option",))``, or for a course widget class a class attribute
``_sc_classes = ("sc-widget", "sc-quiz")``.

Shared objects are frozen: changing one would change every widget that uses it, so setting a value on one raises
:class:`SharedLayoutError` at once (the tests click through every widget, so such a change cannot reach a student).
A widget whose layout or style changes after it is built (shown and hidden, recoloured) takes its own:
``layout=W.own_layout(display="none")``, ``style=W.own_style(W.ButtonStyle, ...)``.

Nothing is made on import; a shared object closed by ``Widget.close_all()`` is made again on next use.
"""
from __future__ import annotations

from typing import Any

import ipywidgets as _ipw

__all__ = ["SharedLayoutError", "layout", "style", "own_layout", "own_style", "Layout", "style_block"]


class SharedLayoutError(AttributeError):
    """A value was set on a Layout or Style that several widgets share."""


class _Frozen:
    """Mixin: after it is made, setting any synced value raises (the object is shared)."""

    _sc_frozen = False

    def __setattr__(self, name, value):
        if self._sc_frozen and name in getattr(self, "keys", ()) and not name.startswith("_"):
            raise SharedLayoutError(
                f"this {type(self).__name__} is shared by several course widgets, so setting {name!r} would change "
                "all of them: build the widget with its own (layout=W.own_layout(...) or style=W.own_style(...))")
        super().__setattr__(name, value)


_FROZEN_CLASSES: dict = {}
_SHARED: dict = {}


def _frozen_class(cls):
    k = _FROZEN_CLASSES.get(cls)
    if k is None:
        k = _FROZEN_CLASSES[cls] = type(cls.__name__, (_Frozen, cls), {"__module__": __name__,
                                                                       "__doc__": cls.__doc__})
    return k


def _alive(w) -> bool:
    return getattr(w, "comm", None) is not None


def _shared(cls, settings: dict):
    key = (cls, tuple(sorted((k, repr(v)) for k, v in settings.items())))
    w = _SHARED.get(key)
    if w is None or not _alive(w):
        w = _frozen_class(cls)(**settings)
        w._sc_frozen = True
        _SHARED[key] = w
    return w


def layout(**settings) -> _ipw.Layout:
    """The shared, frozen Layout with these settings (the default layout when none are given)."""
    return _shared(_ipw.Layout, settings)


Layout = layout


def style(kind, **settings):
    """The shared, frozen style of class ``kind`` (e.g. ``ipywidgets.ButtonStyle``) with these settings."""
    return _shared(kind, settings)


def own_layout(**settings) -> _ipw.Layout:
    """A Layout of the widget's own, for a widget whose layout changes after it is built (shown, hidden)."""
    return _ipw.Layout(**settings)


def own_style(kind, **settings):
    """A style of the widget's own, for a widget whose style changes after it is built."""
    return kind(**settings)


def _style_class(cls):
    trait = cls.class_traits().get("style")
    return getattr(trait, "klass", None) if trait is not None else None


def _lean(cls):
    """``cls`` with a shared layout and style unless the caller gives one of its own."""
    style_cls = _style_class(cls)

    def __init__(self, *args, **kw):
        classes = (*getattr(type(self), "_sc_classes", ()), *kw.pop("classes", ()))
        if classes and "_dom_classes" not in kw:
            kw["_dom_classes"] = classes
        lay = kw.get("layout")
        if lay is None or isinstance(lay, dict):
            kw["layout"] = layout(**(lay or {}))
        if style_cls is not None:
            sty = kw.get("style")
            if sty is None or isinstance(sty, dict):
                kw["style"] = style(style_cls, **(sty or {}))
        cls.__init__(self, *args, **kw)

    return type(cls.__name__, (cls,), {"__init__": __init__, "__module__": cls.__module__, "__doc__": cls.__doc__,
                                        "__qualname__": cls.__qualname__, "_repr_mimebundle_": _repr_mimebundle_})


PLAIN_TEXT = "An interactive course widget: open this lesson in JupyterLab and run it to use it."


def _repr_mimebundle_(self, **kwargs):
    """What a cell shows: the widget, and for a viewer that cannot show widgets a plain sentence. (ipywidgets' own
    text is ``repr(self)``: every child's every setting, built and then cut to 110 characters, ~5 ms for a quiz
    and raw Python on the student's screen wherever the widget does not render.)"""
    if self._view_name is None:
        return None
    return {"text/plain": PLAIN_TEXT,
            "application/vnd.jupyter.widget-view+json": {"version_major": 2, "version_minor": 0,
                                                          "model_id": self._model_id}}


# The classes the course builds, lean, each made on first use (a class costs ~0.5 ms to set up). Anything else is
# ipywidgets' own.
_LEAN_NAMES = frozenset((
    "HTML", "HTMLMath", "Label", "Button", "ToggleButton", "ToggleButtons", "Checkbox", "Dropdown", "RadioButtons",
    "Select", "SelectMultiple", "IntSlider", "FloatSlider", "SelectionSlider", "IntText", "BoundedIntText",
    "FloatText", "BoundedFloatText", "Text", "Textarea", "Box", "VBox", "HBox", "GridBox", "Accordion", "Tab",
    "FileUpload", "Image"))


def __getattr__(name: str) -> Any:
    if name in _LEAN_NAMES:
        cls = globals().get(name) or _lean(getattr(_ipw, name))     # made once (called directly below too)
        globals()[name] = cls
        return cls
    return getattr(_ipw, name)


def style_block(html: str) -> _ipw.HTML:
    """One HTML widget per kernel for this ``<style>...</style>`` block, shared (and frozen) like a layout. It takes
    no room on the page (``display: none``; a style element applies all the same): visible, it was an empty line
    above every question (walk-through)."""
    return _shared(__getattr__("HTML"), {"value": html, "layout": layout(display="none")})
