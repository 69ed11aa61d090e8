"""``progress export|import|show|name``: move a student's progress between machines or hand it to an instructor."""
from __future__ import annotations

import sys


def register(sub):
    p = sub.add_parser("progress", help="export, import or show your progress (answers, cases, lessons)")
    psub = p.add_subparsers(dest="progress_command", metavar="ACTION")
    psub.required = True

    e = psub.add_parser("export", help="write your progress to a JSON file")
    e.add_argument("-o", "--output", required=True, help="the file to write (e.g. my-progress.json)")
    e.add_argument("--anonymous", action="store_true", help="replace your name with a code")
    e.set_defaults(func=cmd_export)

    i = psub.add_parser("import", help="merge a progress file into this machine's progress (no duplicates)")
    i.add_argument("file", help="a file written by `sciatica-course progress export`")
    i.set_defaults(func=cmd_import)

    s = psub.add_parser("show", help="say where your progress is kept and what it holds")
    s.set_defaults(func=cmd_show)

    n = psub.add_parser("name", help="set the name shown in your (non-anonymous) exports")
    n.add_argument("name")
    n.set_defaults(func=cmd_name)


def _fail(e) -> int:
    print(str(e), file=sys.stderr)
    return 1


def _notices():
    from ..progress import notices

    for n in notices():
        print(n, file=sys.stderr)


def cmd_export(args) -> int:
    from ..progress import ProgressError, export_progress

    try:
        res = export_progress(args.output, anonymous=args.anonymous)
    except ProgressError as e:
        return _fail(e)
    _notices()
    print(res.message)
    return 0


def cmd_import(args) -> int:
    from ..progress import ProgressError, import_progress

    try:
        res = import_progress(args.file)
    except ProgressError as e:
        return _fail(e)
    _notices()
    print(res.message)
    return 0


def cmd_show(args) -> int:
    from ..progress import ProgressError, status

    try:
        st = status()
    except ProgressError as e:
        return _fail(e)
    _notices()
    if st["schema_version"] is None:
        print(f"Progress store: {st['path']} (nothing saved yet)")
    else:
        print(f"Progress store: {st['path']} (schema version {st['schema_version']})")
    unset = '(not set; set it with: sciatica-course progress name "Your Name")'
    print(f"Student name: {st['student'] or unset}")
    print(f"{st['answers']} answers, {st['case_attempts']} case attempts, {st['lessons']} lessons completed")
    for lesson_id, when in st["lessons_completed"].items():
        print(f"  completed {lesson_id} on {when[:10]}")
    return 0


def cmd_name(args) -> int:
    from ..progress import ProgressError, set_student_name

    try:
        name = set_student_name(args.name)
    except ProgressError as e:
        return _fail(e)
    print(f"Name set to {name!r}." if name else "Name cleared.")
    return 0
