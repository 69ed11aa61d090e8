"""A student's single-user server: ``jupyterhub-singleuser`` without the hub's database and page modules.

Run as ``python -m sciatica_singleuser [jupyterhub-singleuser options]`` (jupyterhub_config.py does this; the folder
is on the students' PYTHONPATH).

Why: ``jupyterhub.singleuser`` imports a few helpers from the hub package (``jupyterhub.log``, ``jupyterhub.utils``,
``jupyterhub.scopes``) and those import, at module level, the hub's own database layer (SQLAlchemy, Alembic, the
ORM, the roles module) and its web pages (``jupyterhub.handlers``). A student's server never opens the hub's
database nor serves the hub's pages, yet each one carried them: about 30 MB of every student's 129 MB server,
multiplied by the class size.

How, without changing what the server does:
  * ``jupyterhub.orm``, ``jupyterhub.roles`` and ``sqlalchemy`` are *deferred*: placeholders that import the real
    module the first time anything reads an attribute of them. The single-user code only reaches them in
    functions that take a database session (``_intersect_expanded_scopes(..., db=...)``), which it never calls
    with one; if anything ever does, the real module loads and behaves as usual.
  * three names are imported from hub-only modules by ``from x import name``, which reads them at once; they get
    single-user equivalents:
      - ``jupyterhub.handlers.pages.HealthCheckHandler`` (``log_request`` only tests ``isinstance`` against it to
        log the hub's health checks quietly): a class no single-user handler is an instance of;
      - ``jupyterhub.metrics.prometheus_log_method`` (per-request Prometheus metrics): jupyter_server's own
        function of the same name, which records the same request-duration histogram under jupyter_server's name;
      - ``sqlalchemy.exc.SQLAlchemyError`` (caught only by the hub's ``catch_db_error``): an exception class no
        single-user code raises.
  * once ``jupyterhub.singleuser`` is imported, every placeholder is taken out of ``sys.modules``: anything that
    imports these modules later gets the real ones.

Only for the JupyterHub versions this was checked against (``CHECKED_MAJOR``); otherwise, or with
``SCIATICA_LEAN_SINGLEUSER=0``, the server starts exactly as ``jupyterhub-singleuser`` would. The class tests
(``tests/test_class_hub.py``) run real students through it: login through Chromium, kernels, widgets, hand-in.
"""
from __future__ import annotations

import importlib
import os
import sys
import types

CHECKED_MAJOR = (5, 6)
DEFERRED = ("sqlalchemy", "jupyterhub.orm", "jupyterhub.roles")
STAND_INS = ("jupyterhub.handlers", "jupyterhub.handlers.pages", "jupyterhub.metrics", "sqlalchemy.exc")


_PROBED = frozenset({"__path__", "__file__", "__cached__", "__wrapped__"})


class _Deferred(types.ModuleType):
    """A module that imports the real one on first attribute access (after stepping out of sys.modules)."""

    def __getattr__(self, attr):
        if attr in _PROBED:
            raise AttributeError(attr)   # the import machinery probing a module does not load it
        real = self.__dict__.get("_sciatica_real")
        if real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
            self.__dict__["_sciatica_real"] = real
        return getattr(real, attr)


class _SingleUserNever(Exception):
    """Stands for ``sqlalchemy.exc.SQLAlchemyError`` in a server that has no database."""


def _stand_ins() -> dict:
    from jupyter_server.prometheus.log_functions import prometheus_log_method

    handlers = types.ModuleType("jupyterhub.handlers")
    handlers.__path__ = []                       # a package, so that ``jupyterhub.handlers.pages`` resolves
    pages = types.ModuleType("jupyterhub.handlers.pages")
    pages.HealthCheckHandler = type("HealthCheckHandler", (), {"__doc__": "The hub's page; never served here."})
    handlers.pages = pages
    metrics = types.ModuleType("jupyterhub.metrics")
    metrics.prometheus_log_method = prometheus_log_method
    exc = types.ModuleType("sqlalchemy.exc")
    exc.SQLAlchemyError = _SingleUserNever
    return {"jupyterhub.handlers": handlers, "jupyterhub.handlers.pages": pages,
            "jupyterhub.metrics": metrics, "sqlalchemy.exc": exc}


def lean_import() -> bool:
    """Import ``jupyterhub.singleuser`` without the hub-only modules. Returns True when the lean path was taken."""
    if os.environ.get("SCIATICA_LEAN_SINGLEUSER", "1") == "0" or "jupyterhub.singleuser" in sys.modules:
        return False
    if any(name in sys.modules for name in DEFERRED + STAND_INS):
        return False                             # already imported for real: nothing to save
    from jupyterhub._version import __version__

    try:
        major = int(__version__.split(".")[0])
    except ValueError:
        return False
    if major not in CHECKED_MAJOR:
        return False
    placed = _stand_ins()
    placed.update({name: _Deferred(name) for name in DEFERRED})
    sys.modules.update(placed)
    try:
        importlib.import_module("jupyterhub.singleuser")
    finally:
        for name, module in placed.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    return True


def main(argv=None):
    lean_import()
    from jupyterhub.singleuser import main as singleuser_main

    return singleuser_main(argv)


if __name__ == "__main__":
    sys.exit(main())
