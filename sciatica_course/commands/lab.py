"""``lab``: open the course in JupyterLab at the start page."""
from __future__ import annotations

import os
import sys


def register(sub):
    p = sub.add_parser("lab", help="open the course in JupyterLab at the start page")
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--no-browser", action="store_true")
    p.add_argument("extra", nargs="*", help="further options passed to jupyter lab")
    p.set_defaults(func=cmd_lab)


def lab_command(notebooks_dir: str, port: int | None = None, no_browser: bool = False, extra=()) -> list[str]:
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={notebooks_dir}",
           "--LabApp.default_url=/lab/tree/00_start_here.ipynb"]
    if port:
        cmd.append(f"--port={port}")
    if no_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd + list(extra)


def notebooks_dir():
    """The course's notebooks/ folder: beside this package, beside the data folder, or under the working directory."""
    from pathlib import Path

    from ..loading import default_data_dir

    for cand in (Path(__file__).resolve().parents[2] / "notebooks", default_data_dir().parent / "notebooks",
                 Path.cwd() / "notebooks"):
        if (cand / "00_start_here.ipynb").is_file():
            return cand
    return None


def cmd_lab(args) -> int:
    notebooks = notebooks_dir()
    if notebooks is None:
        print("cannot find the course notebooks (notebooks/00_start_here.ipynb); run this from the course folder",
              file=sys.stderr)
        return 1
    cmd = lab_command(str(notebooks), args.port, args.no_browser, args.extra)
    print("Opening the course in JupyterLab. Stop it with Ctrl+C (twice).")
    from ..jupyter_config import with_course_config

    os.execve(cmd[0], cmd, with_course_config(os.environ))   # closing a lesson's tab shuts its kernel down
