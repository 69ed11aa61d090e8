"""Instructor commands: ``new-case``, ``case-map``, ``present`` and ``class-report``."""
from __future__ import annotations

import sys


def register(sub):
    p = sub.add_parser("new-case", help="write a commented case template into data/cases/NAME.yaml")
    p.add_argument("name", help="the new case's id: snake_case, e.g. sciatica_in_a_cyclist")
    p.add_argument("--data-dir", default=None, help="the data folder (default: the course's data/)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file of that name")
    p.set_defaults(func=cmd_new_case)

    p = sub.add_parser("case-map", help="draw a case's graph (steps and choices by safety class) as a PNG")
    p.add_argument("case_id")
    p.add_argument("-o", "--output", required=True, help="the PNG file to write")
    p.add_argument("--data-dir", default=None)
    p.set_defaults(func=cmd_case_map)

    p = sub.add_parser("present", help="serve one case's player with Voila on 127.0.0.1 for a class (no code shown)")
    p.add_argument("case_id")
    p.add_argument("--exam", action="store_true", help="exam mode: hold all feedback until the end of the case")
    p.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default: a free one)")
    p.add_argument("--data-dir", default=None)
    p.set_defaults(func=cmd_present)

    p = sub.add_parser("class-report", help="aggregate students' progress exports into an HTML report and CSVs")
    p.add_argument("folder", help="the folder holding the students' export files")
    p.add_argument("-o", "--output", required=True, help="the folder to write report.html and the CSV files into")
    p.add_argument("--data-dir", default=None)
    p.add_argument("--no-figures", action="store_true", help="tables only (faster)")
    p.set_defaults(func=cmd_class_report)


def _err(msg: str) -> int:
    print(f"sciatica-course: {msg}", file=sys.stderr)
    return 1


def cmd_new_case(args) -> int:
    from ..authoring import AuthoringError, new_case

    try:
        path = new_case(args.name, args.data_dir, overwrite=args.force)
    except AuthoringError as e:
        return _err(str(e))
    print(f"wrote {path}")
    print("Next: fill in every field (the comments say what each one means), then run "
          f"`sciatica-course validate`, `sciatica-course case-map {args.name} -o {args.name}.png` and "
          f"`sciatica-course present {args.name}`.")
    return 0


def cmd_case_map(args) -> int:
    from . import load_or_report

    course = load_or_report(args.data_dir)
    if course is None:
        return 1
    if args.case_id not in course.cases:
        return _err(f"no case {args.case_id!r}; cases: {', '.join(course.cases.ids) or '(none)'}")
    from ..plotting.casemap import save_case_map

    try:
        path = save_case_map(course.cases[args.case_id], args.output)
    except OSError as e:
        return _err(f"cannot write {args.output}: {e.strerror or e}")
    print(f"wrote {path}")
    return 0


def _stop_on_signals() -> None:
    """Ctrl+C (SIGINT) and SIGTERM stop the presentation cleanly, with its Voila server and kernel, even when
    this process was started with SIGINT ignored (a shell starts background commands so, and Python then
    installs no Ctrl+C handler)."""
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def cmd_present(args) -> int:
    import time

    from ..present import PresentError, present

    _stop_on_signals()

    try:
        p = present(args.case_id, exam=args.exam, port=args.port, data_dir=args.data_dir)
    except PresentError as e:
        return _err(str(e))
    try:
        try:
            p.wait()
        except PresentError as e:
            tail = p.log_text()[-2000:]
            return _err(f"{e}\n{tail}")
        mode = "exam mode: feedback at the end of the case" if args.exam else \
            "feedback is held: press 'Reveal feedback' when the class has voted"
        print(f"Presenting {args.case_id} at {p.url}  ({mode})")
        print("Open that address in a browser on this computer and project it. Stop with Ctrl+C.")
        sys.stdout.flush()
        while p.process.poll() is None:
            time.sleep(0.5)
        return _err(f"Voila stopped (exit code {p.process.returncode})\n{p.log_text()[-2000:]}") \
            if p.process.returncode else 0
    except KeyboardInterrupt:
        print("\nstopping...")
        return 0
    finally:
        p.stop()


def cmd_class_report(args) -> int:
    from pathlib import Path

    from ..classreport import class_report

    if not Path(args.folder).is_dir():
        return _err(f"{args.folder} is not a folder (put the students' export files in one folder)")
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        return _err(f"{args.output} exists and is not a folder (-o names a folder for report.html and the CSVs)")
    try:
        rep = class_report(args.folder, out, data_dir=args.data_dir, figures=not args.no_figures)
    except OSError as e:
        return _err(f"cannot write the report into {out}: {e.strerror or e}")
    s = rep.summary()
    print(f"wrote {out / 'report.html'} and the CSV files beside it")
    print(f"{s['students']} student(s), {s['attempts']} attempt(s), {s['cases']} case(s) from {s['files_used']} "
          f"file(s); {s['files_skipped']} skipped:")
    for sk in rep.data.skipped:
        print(f"  skipped {sk.file}: {sk.reason}")
    return 0
