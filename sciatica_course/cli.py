"""The ``sciatica-course`` command line. Each subcommand lives in ``sciatica_course/commands/<name>.py``
with a ``register(subparsers)`` function; heavy imports happen inside the handlers."""
from __future__ import annotations

import argparse
import importlib
import sys

# One module per command group; add a line here to add commands.
COMMAND_MODULES = (
    "sciatica_course.commands.data",       # validate, export, schema
    "sciatica_course.commands.lab",        # lab
    "sciatica_course.commands.instructor", # new-case, case-map, present, class-report
    "sciatica_course.commands.progress",   # progress export/import/show/name
    "sciatica_course.commands.figures",    # figures
    "sciatica_course.commands.audit",      # audit
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sciatica-course",
        description="The sciatica course for massage-therapy students: check data, open lessons, run a class.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        rc = args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return int(rc or 0)


if __name__ == "__main__":
    sys.exit(main())
