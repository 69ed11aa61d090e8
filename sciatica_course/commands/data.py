"""``validate``, ``export`` and ``schema``."""
from __future__ import annotations

import json
import sys


def register(sub):
    p = sub.add_parser("validate", help="check a data folder; print every problem as file:line: field: message")
    p.add_argument("data_dir", nargs="?", default=None, help="the data folder (default: the course's data/)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("export", help="print the whole validated course as one JSON object")
    p.add_argument("--data-dir", default=None)
    p.add_argument("-o", "--output", default=None, help="write to this file instead of standard output")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("schema", help="write JSON Schema for every data file into data/schema/")
    p.add_argument("--out", default=None, help="folder to write to (default: <data>/schema)")
    p.add_argument("--check", action="store_true", help="only check that the committed schema is up to date")
    p.set_defaults(func=cmd_schema)


def cmd_validate(args) -> int:
    from ..loading import default_data_dir, validate

    problems = validate(args.data_dir)
    if problems:
        for p in problems:
            print(p)
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}; nothing was loaded.", file=sys.stderr)
        return 1
    from ..loading import load_course

    course = load_course(args.data_dir)
    counts = ", ".join(f"{k} {v}" for k, v in course.summary().items())
    print(f"OK: {args.data_dir or default_data_dir()} is valid ({counts}).")
    try:
        from ..casecheck import graded_count

        n, m = graded_count(course)
        print(f"Every case agrees with the course's rules, and {n} choices in {m} cases are graded as the "
              "grading table requires.")
    except Exception:  # pragma: no cover - the check ran inside load_course; this line is only a summary
        pass
    return 0


def cmd_export(args) -> int:
    from ..exporting import course_to_json
    from . import load_or_report

    course = load_or_report(args.data_dir)
    if course is None:
        return 1
    text = json.dumps(course_to_json(course), ensure_ascii=False, indent=1)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")
    return 0


def cmd_schema(args) -> int:
    from pathlib import Path

    from ..loading import default_data_dir
    from ..schema import write_schemas

    out = Path(args.out) if args.out else default_data_dir() / "schema"
    changed = write_schemas(out, check_only=args.check)
    if args.check:
        if changed:
            print("out of date: " + ", ".join(changed) + " (run `sciatica-course schema`)", file=sys.stderr)
            return 1
        print("schema up to date")
        return 0
    print(f"wrote {len(changed)} changed schema file(s) to {out}")
    return 0
