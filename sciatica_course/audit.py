"""Traceability from fact to rule to vignette to lesson: ``sciatica-course audit``.

For every fact ID of the evidence sheet that the data's red-flag rules, contraindications, referral routes and
vignettes cite, :func:`fact_audit` lists

- the **rules** that encode it (red-flag rules, contraindications and referral routes naming it in ``fact_ids``;
  a red-flag rule without its own ``fact_ids`` inherits its flag's);
- the **vignettes** that exercise it (a vignette exercises the facts of every rule that fires and every
  contraindication that applies to its findings, plus its own ``fact_ids``);
- the **lesson cells** that teach it (a notebook cell naming one of those records by id, or the condition or
  contraindication name, in its text); and
- the **quiz items** that teach it (``topic`` is one of those records' ids, or the stem or an option names one
  of those records or its condition).

Everything is built from the data (and the notebooks beside it, when there are any), so it works for an
instructor's own data folder. :func:`sheet_action_facts` reads the evidence sheet's red-flag, contraindication
and review sections, so a test can check that every fact with an urgency or an action has a rule and a vignette,
or is listed in ``data/prose_only_facts.yaml`` with the reason.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["FactRow", "fact_audit", "audit_markdown", "audit_text", "sheet_action_facts", "coverage_problems"]

FACT_RE = re.compile(r"^\|\s*([A-Z]+-\d+[a-z]?)\s*\|", re.M)


@dataclass
class FactRow:
    fact_id: str
    rules: list = field(default_factory=list)        # "red_flag_rule:<id>", "contraindication:<id>", "route:<id>"
    vignettes: list = field(default_factory=list)    # vignette ids
    lesson_cells: list = field(default_factory=list)  # "04_red_flags_and_referral.ipynb#cell 12"
    quizzes: list = field(default_factory=list)      # quiz item ids
    prose_only: str = ""                             # the reason, when data/prose_only_facts.yaml lists it

    @property
    def complete(self) -> bool:
        """A rule and a vignette, or a recorded reason for prose only."""
        return bool(self.prose_only) or bool(self.rules and self.vignettes)


def _fact_key(fid: str):
    m = re.match(r"([A-Z]+)-(\d+)([a-z]?)", fid)
    return (m.group(1), int(m.group(2)), m.group(3)) if m else (fid, 0, "")


def _records(course):
    """(kind, record id, fact ids, names for lesson text, record) for every record that encodes facts."""
    out = []
    for rf in course.red_flags:
        for rule in rf.rules:
            facts = tuple(getattr(rule, "fact_ids", ()) or rf.fact_ids)
            out.append(("red_flag_rule", rule.id, facts, (rf.id, rule.id, _short(rf.condition)), rule))
    for ci in course.contraindications:
        out.append(("contraindication", ci.id, tuple(ci.fact_ids), (ci.id, _short(ci.name)), ci))
    for route in getattr(course, "referral_routes", ()):
        out.append(("route", route.id, tuple(route.fact_ids), (route.id,), route))
    return out


def _short(name: str) -> str:
    """A record name without its parenthesis: 'Cauda equina syndrome (CES)' -> 'Cauda equina syndrome'."""
    return re.sub(r"\s*\(.*?\)", "", name).strip()


def _vignette_facts(course) -> dict:
    from .reasoning.findings import findings_dict
    from .reasoning.screening import screen

    rule_facts = {}
    for rf in course.red_flags:
        for rule in rf.rules:
            rule_facts[rule.id] = tuple(getattr(rule, "fact_ids", ()) or rf.fact_ids)
    ci_facts = {ci.id: tuple(ci.fact_ids) for ci in course.contraindications}
    out = {}
    for v in course.vignettes:
        facts = list(getattr(v, "fact_ids", ()))
        try:
            s = screen(findings_dict(v.findings, course), course)
        except Exception:  # an invalid vignette is the validator's business, not the audit's
            out[v.id] = set(facts)
            continue
        for rid in s.fired:
            facts.extend(rule_facts.get(rid, ()))
        for cid in s.contraindications:
            facts.extend(ci_facts.get(cid, ()))
        for ref in s.referrals:
            for route_id in getattr(ref, "routes", ()):
                route = course.referral_routes.get(route_id) if hasattr(course, "referral_routes") else None
                if route is not None:
                    facts.extend(route.fact_ids)
        out[v.id] = set(facts)
    return out


def _notebook_cells(notebooks_dir: Path):
    """(label, lowercase text) for every cell of every lesson notebook under ``notebooks_dir``."""
    if notebooks_dir is None or not notebooks_dir.is_dir():
        return []
    cells = []
    for nb in sorted(notebooks_dir.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in nb.parts:
            continue
        try:
            data = json.loads(nb.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        rel = nb.relative_to(notebooks_dir).as_posix()
        for i, cell in enumerate(data.get("cells", [])):
            src = cell.get("source", "")
            text = "".join(src) if isinstance(src, list) else str(src)
            cells.append((f"{rel}#cell {i + 1}", text.lower()))
    return cells


def _mentions(text: str, names) -> bool:
    for n in names:
        n = n.lower()
        if not n:
            continue
        if re.search(r"(?<![a-z0-9_])" + re.escape(n) + r"(?![a-z0-9_])", text):
            return True
    return False


def fact_audit(course=None, notebooks_dir=None) -> list[FactRow]:
    """One :class:`FactRow` per fact ID cited by the rules, contraindications, routes and vignettes
    (plus the facts listed as prose-only), in fact-ID order."""
    from .loading import load_course

    course = course if course is not None else load_course()
    if notebooks_dir is None and getattr(course, "data_dir", None) is not None:
        notebooks_dir = Path(course.data_dir).parent / "notebooks"
    records = _records(course)
    vfacts = _vignette_facts(course)
    facts = {f for _k, _i, fs, _n, _r in records for f in fs}
    facts |= {f for fs in vfacts.values() for f in fs}
    prose = {p.fact_id: p.reason for p in getattr(course, "prose_only_facts", ())}
    facts |= set(prose)
    rows = {f: FactRow(f, prose_only=prose.get(f, "")) for f in facts}
    names_by_fact: dict = {f: set() for f in facts}
    for kind, rid, fs, names, _rec in records:
        for f in fs:
            rows[f].rules.append(f"{kind}:{rid}")
            names_by_fact[f].update(names)
    for vid, fs in vfacts.items():
        for f in fs:
            rows[f].vignettes.append(vid)
            names_by_fact[f].add(vid)
    cells = _notebook_cells(Path(notebooks_dir) if notebooks_dir else None)
    for f, row in rows.items():
        names = names_by_fact[f]
        row.lesson_cells = [label for label, text in cells if _mentions(text, names)]
    for q in course.quizzes:
        text = " ".join([q.stem] + [f"{o.text} {o.explanation}" for o in q.options]).lower()
        for f, row in rows.items():
            if q.topic in names_by_fact[f] or _mentions(text, names_by_fact[f]):
                row.quizzes.append(q.id)
    return [rows[f] for f in sorted(rows, key=_fact_key)]


def _cell(items, limit=6) -> str:
    if not items:
        return "-"
    shown = ", ".join(items[:limit])
    return shown + (f" (+{len(items) - limit} more)" if len(items) > limit else "")


def audit_markdown(rows) -> str:
    """The audit as a Markdown table (one row per fact)."""
    lines = ["# Fact-to-rule audit", "",
             "For every fact ID that the course's rules, contraindications, referral routes and vignettes cite: "
             "the rules that encode it, the vignettes that exercise it, and the lesson cells and quiz items "
             "that teach it. Built from `data/` and `notebooks/` by `sciatica-course audit`.", "",
             "| Fact | Rules | Vignettes | Lesson cells | Quiz items | Status |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        status = ("prose only: " + r.prose_only.replace("|", "/").replace("\n", " ")) if r.prose_only else \
            ("ok" if r.complete else "MISSING " + " and ".join(
                x for x, have in (("a rule", r.rules), ("a vignette", r.vignettes)) if not have))
        lines.append(f"| {r.fact_id} | {_cell(r.rules)} | {_cell(r.vignettes)} | {_cell(r.lesson_cells, 4)} | "
                     f"{_cell(r.quizzes, 4)} | {status} |")
    missing = [r.fact_id for r in rows if not r.complete]
    lines += ["", f"{len(rows)} facts; {len(rows) - len(missing)} complete"
              + (f"; missing a rule or a vignette: {', '.join(missing)}." if missing else ".")]
    return "\n".join(lines) + "\n"


def audit_text(rows, width: int = 110) -> str:
    """The audit as a plain-text table for a terminal."""
    out = [f"{'fact':<9} {'rules':>5} {'vign.':>5} {'cells':>5} {'quiz':>5}  status / rules"]
    for r in rows:
        status = "prose only" if r.prose_only else ("ok" if r.complete else "MISSING")
        short = {"red_flag_rule": "rule", "contraindication": "ci", "route": "route"}
        detail = ", ".join(f"{short.get(k, k)}:{i}" for k, i in (x.split(":", 1) for x in r.rules)) or "-"
        line = f"{r.fact_id:<9} {len(r.rules):>5} {len(r.vignettes):>5} {len(r.lesson_cells):>5} " \
               f"{len(r.quizzes):>5}  {status}: {detail}"
        out.append(line if len(line) <= width else line[:width - 3] + "...")
    missing = [r.fact_id for r in rows if not r.complete]
    out.append(f"{len(rows)} facts; {len(rows) - len(missing)} complete"
               + (f"; MISSING a rule or a vignette: {', '.join(missing)}" if missing else ""))
    return "\n".join(out) + "\n"


# ---- comparison with the evidence sheet -----------------------------------------------------------------
SHEET_SECTIONS = ("## 4.", "## 6.", "## 15.")


def sheet_action_facts(sheet_text: str) -> list[str]:
    """The fact IDs of the sheet's red-flag (4), contraindication (6) and review (15) sections whose row states an
    urgency or an action (every row of those tables except pure principles such as RF-00a/b/c, which the
    cluster and scope rules cite anyway)."""
    out = []
    sections = re.split(r"(?m)^(?=## )", sheet_text)
    for sec in sections:
        if not sec.startswith(SHEET_SECTIONS):
            continue
        for line in sec.splitlines():
            m = FACT_RE.match(line)
            if m and m.group(1) not in out:
                out.append(m.group(1))
    return out


def coverage_problems(rows, sheet_facts) -> list[str]:
    """Every sheet fact without a rule and a vignette (and not listed as prose-only), as a message."""
    by_id = {r.fact_id: r for r in rows}
    problems = []
    for f in sheet_facts:
        r = by_id.get(f)
        if r is None:
            problems.append(f"{f}: no rule, vignette or prose-only entry cites it")
        elif not r.complete:
            what = " and ".join(x for x, have in (("a rule", r.rules), ("a vignette", r.vignettes)) if not have)
            problems.append(f"{f}: lacks {what} (add one, or list it in data/prose_only_facts.yaml with the reason)")
    return problems
