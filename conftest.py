"""Test-session setup shared by tests/ and the nbval notebook run.

Kernels started by nbval inherit this process's environment, so the progress store of every
notebook run lives in a temporary folder, never in the user's real one.
"""
import os
import tempfile

import pytest

_HOME = tempfile.mkdtemp(prefix="sciatica-test-home-")
os.environ["SCIATICA_COURSE_HOME"] = _HOME
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


@pytest.fixture(scope="session")
def playwright_instance():
    """ONE Playwright (sync API) for the whole test session: the browser suite, the Voila presentation
    tests and anything else that drives Chromium share it (a second sync_playwright() inside a running
    one fails with "Sync API inside the asyncio loop")."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed")
    pw = sync_playwright().start()
    try:
        yield pw
    finally:
        pw.stop()


@pytest.fixture
def course():
    from sciatica_course import load_course

    return load_course()
