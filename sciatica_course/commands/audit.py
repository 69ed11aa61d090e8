"""``audit``: trace every fact ID from the rules that encode it to the vignettes, lesson cells and quiz items."""
from __future__ import annotations

import sys


def register(sub):
    p = sub.add_parser("audit", help="for every fact ID the rules, contraindications and vignettes cite: the rules, "
                                     "vignettes, lesson cells and quiz items behind it")
    p.add_argument("--data-dir", default=None, help="the data folder (default: the course's data/)")
    p.add_argument("--notebooks", default=None, help="the lesson notebooks folder (default: beside the data folder)")
    p.add_argument("--sheet", default=None,
                   help="the evidence sheet (clinical_facts.md): also report every red-flag, contraindication or "
                        "review fact that has no rule and vignette; exit 1 if any")
    p.add_argument("-o", "--output", default=None, help="write the table as Markdown to this file")
    p.set_defaults(func=cmd_audit)


def cmd_audit(args) -> int:
    from pathlib import Path

    from ..audit import audit_markdown, audit_text, coverage_problems, fact_audit, sheet_action_facts
    from . import load_or_report

    course = load_or_report(args.data_dir)
    if course is None:
        return 1
    rows = fact_audit(course, notebooks_dir=Path(args.notebooks) if args.notebooks else None)
    if args.output:
        Path(args.output).write_text(audit_markdown(rows), encoding="utf-8")
        print(f"wrote the audit of {len(rows)} facts to {args.output}")
    else:
        sys.stdout.write(audit_text(rows))
    rc = 0
    if args.sheet:
        try:
            text = Path(args.sheet).read_text(encoding="utf-8")
        except OSError as e:
            print(f"{args.sheet}: cannot read the evidence sheet: {e.strerror}", file=sys.stderr)
            return 1
        problems = coverage_problems(rows, sheet_action_facts(text))
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            rc = 1
    return rc
