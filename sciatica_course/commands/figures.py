"""``figures``: the first-time set-up's work: compile the course's code, draw every lesson figure into the figure
store in advance, and check and keep the course data (``prerender``)."""
from __future__ import annotations

import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent       # the installed sciatica_course folder


def register(sub):
    p = sub.add_parser("figures", help="draw every lesson's figures into the figure store once and write the "
                                       "course's byte code (the first-time set-up; a class hub or Binder image does "
                                       "this so students' kernels need not draw them)")
    p.add_argument("--store", default=None,
                   help="the figure store folder (default: $SCIATICA_FIGURE_CACHE, else figures/ in the course home)")
    p.add_argument("--notebooks", default=None, help="the lessons to run (default: the course's notebooks/)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the summary line")
    p.add_argument("--stop-with", type=int, default=None, metavar="PID",
                   help="stop when process PID ends (a hub drawing figures in the background stops with the hub)")
    p.set_defaults(func=cmd_figures)


def _stop_with(pid: int) -> None:
    import os
    import threading
    import time

    def watch():
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(3)
            except PermissionError:
                pass
            time.sleep(0.5)

    threading.Thread(target=watch, daemon=True, name="stop-with").start()


def compile_package(folder=None) -> bool:
    """Write the byte code (``__pycache__``) of every module of the installed course package, as a normal
    ``pip install`` does: an editable install does not, and where ``PYTHONDONTWRITEBYTECODE`` is set (CI, some
    machines) every lesson's kernel would otherwise compile the package from source again (about 40-50 ms of each
    lesson's first cell). A kernel reads byte code even when it may not write it. Up-to-date files are left alone;
    a read-only folder or any other failure only costs that speed, never the set-up. True when all were written."""
    import compileall
    import py_compile

    try:
        return bool(compileall.compile_dir(str(folder or PACKAGE), quiet=2, workers=1,
                                           invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP))
    except Exception:   # noqa: BLE001 - the set-up goes on without it
        return False


def cmd_figures(args) -> int:
    from ..prerender import prerender

    if args.stop_with:
        _stop_with(args.stop_with)
    compile_package()
    try:
        done = prerender(args.store, args.notebooks, progress=None if args.quiet else print)
    except (OSError, ValueError) as e:
        print(f"figures: {e}", file=sys.stderr)
        return 1
    for p in done["problems"]:
        print(f"problem: {p}", file=sys.stderr)
    print(f"{done['figures']} figures in {done['store']} from {len(done['lessons'])} lessons "
          f"in {done['seconds']} s" + (f"; {len(done['problems'])} problems" if done["problems"] else ""))
    return 1 if done["problems"] else 0
