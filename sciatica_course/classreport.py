"""What the class chose: aggregate the progress exports students hand in.

Students run ``sciatica-course progress export -o FILE`` (optionally ``--anonymous``) and hand in the file. An
instructor puts every file in one folder and runs ``sciatica-course class-report FOLDER -o OUT``; this module:

- reads every file in the folder (sub-folders too), checks each against the export format of the progress store
  (``"format": "sciatica-course-progress"``, version 1), and lists every file it cannot use with the reason
  (not JSON, another format, a malformed attempt, a copy of a file already read, nothing to count) — the report
  is made from the rest;
- merges attempts by their ``uid`` (a student who hands in twice is counted once);
- builds tables (pandas): scores per case, the choice distribution per step, the most common unsafe and critical
  choices, confidence calibration, and a gradebook (one row per student);
- writes ``OUT/report.html`` (one self-contained page: tables and figures as embedded PNGs with alt text; every
  student name and case text escaped) and CSV files beside it.

pandas and matplotlib are imported only inside the functions that need them.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .text import clip

FORMAT = "sciatica-course-progress"
VERSION = 1
SAFETY_CLASSES = ("safe", "suboptimal", "unsafe", "critical")
CONFIDENCE_LABELS = {1: "Guessing", 2: "Fairly sure", 3: "Certain"}
MAX_FILE_BYTES = 20_000_000
MAX_FILES = 5_000

# The files ``write_report`` creates in the output folder, with what each holds (shown in the report).
OUTPUT_FILES = {
    "report.html": "this report",
    "scores.csv": "gradebook: one row per student, best score per case (percent)",
    "attempts.csv": "one row per case attempt",
    "choices.csv": "choice distribution per step of every case",
    "unsafe_choices.csv": "unsafe and critical choices, most common first",
    "calibration.csv": "share of safe choices at each confidence level",
    "case_scores.csv": "scores per case",
    "gates.csv": "must-ask gates hit: steps opened before the required questions were asked",
    "skipped.csv": "files that were not used, with the reason",
}


@dataclass
class Skipped:
    file: str
    reason: str


@dataclass
class ClassData:
    """Attempts read from a folder of progress exports, and the files that were skipped."""

    folder: str
    attempts: list = field(default_factory=list)      # dicts: ATTEMPT plus "student" and "file"
    skipped: list = field(default_factory=list)       # Skipped
    notes: list = field(default_factory=list)         # (file, note) for files used with a remark
    files_read: int = 0

    @property
    def students(self) -> list[str]:
        return sorted({a["student"] for a in self.attempts})

    @property
    def used_files(self) -> list[str]:
        return sorted({a["file"] for a in self.attempts})


class FileProblem(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Reading and checking the files
def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _need(cond: bool, where: str, message: str):
    if not cond:
        raise FileProblem(f"{where}: {message}")


def check_attempt(a: Any, where: str) -> dict:
    """Check one ATTEMPT of the export format; return it normalised, or raise FileProblem naming the field."""
    _need(isinstance(a, dict), where, "must be an object")
    for key in ("uid", "case_id"):
        _need(isinstance(a.get(key), str) and a.get(key).strip() != "", f"{where}.{key}", "missing or not text")
    _need(isinstance(a.get("exam_mode", False), bool), f"{where}.exam_mode", "must be true or false")
    for key in ("score", "max_score"):
        _need(_is_number(a.get(key)), f"{where}.{key}", "missing or not a finite number")
    _need(a["max_score"] >= 0, f"{where}.max_score", "must not be negative")
    for key in ("started_at", "finished_at"):
        _need(a.get(key) is None or isinstance(a.get(key), str), f"{where}.{key}", "must be an ISO 8601 date-time text")
    steps = a.get("steps")
    _need(isinstance(steps, list), f"{where}.steps", "missing or not a list")
    out_steps = []
    for i, s in enumerate(steps):
        w = f"{where}.steps[{i}]"
        _need(isinstance(s, dict), w, "must be an object")
        _need(isinstance(s.get("step_id"), str) and s["step_id"] != "", f"{w}.step_id", "missing or not text")
        _need(isinstance(s.get("kind", ""), str), f"{w}.kind", "must be text")
        ids = s.get("choice_ids")
        _need(isinstance(ids, list) and all(isinstance(c, str) and c for c in ids), f"{w}.choice_ids",
              "missing or not a list of choice ids")
        _need(s.get("safety") in SAFETY_CLASSES, f"{w}.safety",
              f"must be one of {', '.join(SAFETY_CLASSES)} (got {s.get('safety')!r})")
        _need(_is_number(s.get("points", 0)), f"{w}.points", "must be a finite number")
        conf = s.get("confidence")
        _need(conf is None or (isinstance(conf, int) and not isinstance(conf, bool) and conf in CONFIDENCE_LABELS),
              f"{w}.confidence", f"must be 1, 2, 3 or null (got {conf!r})")
        out_steps.append({"step_id": s["step_id"], "kind": s.get("kind") or "", "choice_ids": list(ids),
                          "safety": s["safety"], "points": float(s.get("points", 0) or 0), "confidence": conf})
    flags = a.get("safety_flags", [])
    _need(isinstance(flags, list), f"{where}.safety_flags", "must be a list")
    out_flags = []
    for i, f in enumerate(flags):
        w = f"{where}.safety_flags[{i}]"
        _need(isinstance(f, dict), w, "must be an object")
        _need(isinstance(f.get("step_id"), str) and isinstance(f.get("choice_id"), str), w,
              "needs step_id and choice_id")
        _need(f.get("safety") in ("unsafe", "critical"), f"{w}.safety", "must be unsafe or critical")
        out_flags.append({"step_id": f["step_id"], "choice_id": f["choice_id"], "safety": f["safety"],
                          "confidence": f.get("confidence") if f.get("confidence") in CONFIDENCE_LABELS else None})
    return {"uid": a["uid"], "case_id": a["case_id"], "started_at": a.get("started_at"),
            "finished_at": a.get("finished_at"), "exam_mode": bool(a.get("exam_mode", False)),
            "score": float(a["score"]), "max_score": float(a["max_score"]), "steps": out_steps,
            "safety_flags": out_flags}


def check_export(doc: Any) -> tuple[str, list[dict]]:
    """(student, attempts) of a progress export, or FileProblem with the reason (foreign or malformed)."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        got = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        raise FileProblem(f"foreign: not a sciatica-course progress export (format is {got!r}, "
                          f"expected {FORMAT!r})")
    if doc.get("version") != VERSION:
        raise FileProblem(f"foreign: export version {doc.get('version')!r} is not supported (this course reads "
                          f"version {VERSION})")
    student = doc.get("student")
    _need(isinstance(student, str) and student.strip() != "", "student", "missing or empty")
    attempts = doc.get("case_attempts")
    _need(isinstance(attempts, list), "case_attempts", "missing or not a list")
    return " ".join(student.split()), [check_attempt(a, f"case_attempts[{i}]") for i, a in enumerate(attempts)]


def read_folder(folder: str | os.PathLike, exclude: str | os.PathLike | None = None) -> ClassData:
    """Read every file under ``folder`` (except under ``exclude``, e.g. a report folder written inside it); keep
    the usable attempts and list every skipped file with its reason."""
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    data = ClassData(str(root))
    seen_hash: dict[str, str] = {}
    seen_uid: dict[str, str] = {}
    skip = Path(exclude).resolve() if exclude is not None else None
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()
                   and not (skip is not None and (p.resolve() == skip or skip in p.resolve().parents)))
    for i, path in enumerate(files):
        name = path.relative_to(root).as_posix()
        if i >= MAX_FILES:
            data.skipped.append(Skipped(name, f"more than {MAX_FILES} files in the folder; not read"))
            continue
        data.files_read += 1
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise FileProblem(f"malformed: too large ({size:,} bytes; an export is far smaller)")
            raw = path.read_bytes()
            digest = hashlib.sha256(raw).hexdigest()
            if digest in seen_hash:
                raise FileProblem(f"duplicate: the same content as {seen_hash[digest]}")
            seen_hash[digest] = name
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise FileProblem("foreign: not a text file (not UTF-8)") from None
            try:
                doc = json.loads(text, parse_constant=_reject_constant)
            except ValueError as e:
                raise FileProblem(f"malformed: not valid JSON ({_short(e)})") from None
            try:
                student, attempts = check_export(doc)
            except FileProblem as e:
                msg = str(e)
                raise FileProblem(msg if msg.startswith("foreign") else f"malformed: {msg}") from None
            uids = [a["uid"] for a in attempts]
            if len(set(uids)) != len(uids):
                raise FileProblem("malformed: the same attempt uid appears twice in the file")
            if not attempts:
                raise FileProblem("nothing to count: the export has no case attempts")
            new = [a for a in attempts if a["uid"] not in seen_uid]
            if not new:
                raise FileProblem("duplicate: every attempt is already counted from "
                                  + ", ".join(sorted({seen_uid[u] for u in uids})))
            if len(new) < len(attempts):
                others = ", ".join(sorted({seen_uid[a['uid']] for a in attempts if a['uid'] in seen_uid}))
                data.notes.append((name, f"{len(attempts) - len(new)} attempt(s) already counted from {others} "
                                         "were not counted twice"))
        except FileProblem as e:
            data.skipped.append(Skipped(name, str(e)))
            continue
        except OSError as e:
            data.skipped.append(Skipped(name, f"unreadable: {e.strerror or e}"))
            continue
        for a in new:
            seen_uid[a["uid"]] = name
            data.attempts.append(dict(a, student=student, file=name))
    return data


def _reject_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def _short(e: Exception) -> str:
    text = str(e)
    return text if len(text) < 160 else text[:157] + "..."


# ---------------------------------------------------------------------------------------------
# Case text from the course (titles, step prompts, choice labels and their safety class)
class CaseText:
    """Looks up titles, step and choice labels in the course's cases; falls back to the ids."""

    def __init__(self, course=None):
        self.course = course

    def _case(self, case_id):
        if self.course is None:
            return None
        try:
            return self.course.cases.get(case_id)
        except Exception:
            return None

    def known(self, case_id) -> bool:
        return self._case(case_id) is not None

    def title(self, case_id) -> str:
        c = self._case(case_id)
        return str(getattr(c, "title", "") or case_id) if c is not None else case_id

    def _step(self, case_id, step_id):
        c = self._case(case_id)
        for s in getattr(c, "steps", ()) or ():
            if getattr(s, "id", None) == step_id:
                return s
        return None

    def step_order(self, case_id) -> list[str]:
        c = self._case(case_id)
        return [getattr(s, "id", "") for s in (getattr(c, "steps", ()) or ())]

    def step_label(self, case_id, step_id) -> str:
        s = self._step(case_id, step_id)
        for attr in ("title", "prompt", "question", "text"):
            v = getattr(s, attr, None) if s is not None else None
            if isinstance(v, str) and v.strip():
                return clip(v, 90)
        return step_id

    def _choice(self, case_id, step_id, choice_id):
        s = self._step(case_id, step_id)
        for ch in getattr(s, "choices", ()) or ():
            if getattr(ch, "id", None) == choice_id:
                return ch
        return None

    def choice_label(self, case_id, step_id, choice_id) -> str:
        ch = self._choice(case_id, step_id, choice_id)
        for attr in ("label", "text", "question", "title"):
            v = getattr(ch, attr, None) if ch is not None else None
            if isinstance(v, str) and v.strip():
                return clip(v, 90)
        return choice_id

    def choice_safety(self, case_id, step_id, choice_id) -> str | None:
        ch = self._choice(case_id, step_id, choice_id)
        v = getattr(ch, "safety", None) if ch is not None else None
        return v if v in SAFETY_CLASSES else None


def _load_course_quietly(data_dir=None):
    from .loading import DataError, load_course

    try:
        return load_course(data_dir)
    except DataError:
        return None


# ---------------------------------------------------------------------------------------------
# Tables (pandas)
def attempts_frame(data: ClassData, text: CaseText | None = None):
    """One row per attempt: student, case, score, percent, unsafe and critical choice counts."""
    import pandas as pd

    text = text or CaseText()
    rows = []
    for a in data.attempts:
        # as the student saw it: a case score stops at 0 (cases.Score), never a negative percent
        pct = 100.0 * max(a["score"], 0) / a["max_score"] if a["max_score"] > 0 else float("nan")
        rows.append({
            "student": a["student"], "case_id": a["case_id"], "case": text.title(a["case_id"]),
            "uid": a["uid"], "finished_at": a["finished_at"] or "", "exam_mode": a["exam_mode"],
            "score": a["score"], "max_score": a["max_score"], "percent": round(pct, 1),
            "steps": len(a["steps"]),
            "unsafe_choices": sum(1 for s in _chosen(a, text) if s["safety"] == "unsafe"),
            "critical_choices": sum(1 for s in _chosen(a, text) if s["safety"] == "critical"),
            "gates_hit": sum(1 for s in a["steps"] if s["kind"] == "gate"),
            "file": a["file"]})
    cols = ["student", "case_id", "case", "uid", "finished_at", "exam_mode", "score", "max_score", "percent",
            "steps", "unsafe_choices", "critical_choices", "gates_hit", "file"]
    return pd.DataFrame(rows, columns=cols)


def _chosen(a: dict, text: CaseText) -> list[dict]:
    """Every (step, choice) of an attempt with the choice's safety class and whether that class is exact.

    Exact: the course's own class for the choice, a safety flag of the attempt, the step's class when the step
    took one choice, or "safe" when the whole step was safe. Otherwise (a choice among several in a step that
    was not safe, for a case this course does not know) the step's class is only an upper bound."""
    out, seen = [], set()
    flagged = {(f["step_id"], f["choice_id"]): f["safety"] for f in a["safety_flags"]}
    for s in a["steps"]:
        if s["kind"] == "gate":       # a must-ask gate event: the listed ids were NOT asked; not a choice
            continue
        step_flags = {flagged[(s["step_id"], c)] for c in s["choice_ids"] if (s["step_id"], c) in flagged}
        for cid in s["choice_ids"]:
            exact = True
            safety = text.choice_safety(a["case_id"], s["step_id"], cid) or flagged.get((s["step_id"], cid))
            if safety is None:
                if len(s["choice_ids"]) == 1 or s["safety"] == "safe":
                    safety = s["safety"]
                elif s["safety"] in step_flags:
                    safety, exact = "suboptimal", False
                else:
                    safety, exact = s["safety"], False
            out.append({"step_id": s["step_id"], "kind": s["kind"], "choice_id": cid, "safety": safety,
                        "exact": exact, "confidence": s["confidence"]})
            seen.add((s["step_id"], cid))
    for (step_id, cid), safety in flagged.items():
        if (step_id, cid) not in seen:
            f = next(f for f in a["safety_flags"] if (f["step_id"], f["choice_id"]) == (step_id, cid))
            out.append({"step_id": step_id, "kind": "", "choice_id": cid, "safety": safety, "exact": True,
                        "confidence": f["confidence"]})
    return out


def choices_frame(data: ClassData, text: CaseText | None = None):
    """One row per choice made: student, case, step, choice, safety class, confidence."""
    import pandas as pd

    text = text or CaseText()
    rows = []
    for a in data.attempts:
        for c in _chosen(a, text):
            rows.append(dict(c, student=a["student"], case_id=a["case_id"], uid=a["uid"]))
    cols = ["student", "case_id", "uid", "step_id", "kind", "choice_id", "safety", "confidence"]
    return pd.DataFrame(rows, columns=cols)


def choice_distribution(data: ClassData, text: CaseText | None = None):
    """Per case and step: how many attempts reached the step, and how often each choice was taken."""
    import pandas as pd

    text = text or CaseText()
    reached: dict[tuple, int] = {}
    counts: dict[tuple, dict] = {}
    seen_pos: dict[tuple, int] = {}          # where a step came in the attempts (for cases the course lacks)
    for a in data.attempts:
        for i, s in enumerate(a["steps"]):
            k = (a["case_id"], s["step_id"])
            seen_pos[k] = min(seen_pos.get(k, i), i)
        for s in {s["step_id"] for s in a["steps"]}:
            reached[(a["case_id"], s)] = reached.get((a["case_id"], s), 0) + 1
        for c in _chosen(a, text):
            key = (a["case_id"], c["step_id"], c["choice_id"])
            row = counts.setdefault(key, {"times_chosen": 0, "students": set(), "exact": set(), "bound": set(),
                                          "kind": c["kind"]})
            row["exact" if c["exact"] else "bound"].add(c["safety"])
            row["kind"] = row["kind"] or c["kind"]
            row["times_chosen"] += 1
            row["students"].add(a["student"])
    rows = []
    for (case_id, step_id, choice_id), r in counts.items():
        n = reached.get((case_id, step_id), 0) or r["times_chosen"]
        order = text.step_order(case_id)
        classes = r["exact"] or r["bound"]      # exact classes win; else the mildest upper bound seen
        safety = min(classes, key=SAFETY_CLASSES.index) if not r["exact"] else max(classes,
                                                                                   key=SAFETY_CLASSES.index)
        rows.append({"case_id": case_id, "step_id": step_id,
                     "step_order": order.index(step_id) if step_id in order
                     else len(order) + seen_pos.get((case_id, step_id), 999),
                     "step": text.step_label(case_id, step_id), "kind": r["kind"], "choice_id": choice_id,
                     "choice": text.choice_label(case_id, step_id, choice_id), "safety": safety,
                     "times_chosen": r["times_chosen"], "students": len(r["students"]),
                     "attempts_reaching_step": n, "share_percent": round(100.0 * r["times_chosen"] / n, 1)})
    cols = ["case_id", "step_id", "step_order", "step", "kind", "choice_id", "choice", "safety", "times_chosen",
            "students", "attempts_reaching_step", "share_percent"]
    df = pd.DataFrame(rows, columns=cols)
    if len(df):
        df = df.sort_values(["case_id", "step_order", "step_id", "times_chosen", "choice_id"],
                            ascending=[True, True, True, False, True], ignore_index=True)
    return df


def unsafe_choices(data: ClassData, text: CaseText | None = None, top: int | None = None):
    """Unsafe and critical choices, most common first (critical before unsafe at equal counts)."""
    df = choice_distribution(data, text)
    df = df[df["safety"].isin(["unsafe", "critical"])].copy()
    df["_rank"] = df["safety"].map({"critical": 0, "unsafe": 1})
    df = df.sort_values(["times_chosen", "_rank", "case_id", "step_order"], ascending=[False, True, True, True])
    df = df.drop(columns=["_rank", "step_order"]).reset_index(drop=True)
    return df.head(top) if top else df


def decisions_frame(data: ClassData):
    """One row per decision (a step of an attempt): student, case, step, its safety class and the confidence."""
    import pandas as pd

    rows = [{"student": a["student"], "case_id": a["case_id"], "uid": a["uid"], "step_id": s["step_id"],
             "kind": s["kind"], "safety": s["safety"], "points": s["points"], "confidence": s["confidence"]}
            for a in data.attempts for s in a["steps"] if s["kind"] != "gate"]
    df = pd.DataFrame(rows, columns=["student", "case_id", "uid", "step_id", "kind", "safety", "points",
                                     "confidence"])
    df["confidence"] = df["confidence"].astype("Int64")
    return df


def calibration(data: ClassData, text: CaseText | None = None):
    """Per confidence level: decisions (steps) made, and the share that were safe, suboptimal, unsafe or critical.
    A calibrated class is safest when it says "Certain"; "Certain" and unsafe is the pattern to discuss."""
    import pandas as pd

    d = decisions_frame(data)
    rows = []
    for level, label in [*CONFIDENCE_LABELS.items(), (None, "not given")]:
        sub = d[d["confidence"].isna()] if level is None else d[d["confidence"] == level]
        n = len(sub)

        def share(classes, sub=sub, n=n):
            return round(100.0 * sub["safety"].isin(classes).sum() / n, 1) if n else float("nan")

        rows.append({"confidence": level, "label": label, "decisions": n, "safe_percent": share(["safe"]),
                     "suboptimal_percent": share(["suboptimal"]),
                     "unsafe_or_critical_percent": share(["unsafe", "critical"])})
    df = pd.DataFrame(rows)
    df["confidence"] = df["confidence"].astype("Int64")
    return df


def case_scores(data: ClassData, text: CaseText | None = None):
    """Per case: attempts, students, and the mean, median, lowest and highest percent score."""
    import pandas as pd

    att = attempts_frame(data, text)
    rows = []
    for case_id, g in att.groupby("case_id", sort=True):
        p = g["percent"].dropna()
        rows.append({"case_id": case_id, "case": g["case"].iloc[0], "attempts": len(g),
                     "students": g["student"].nunique(),
                     "mean_percent": round(p.mean(), 1) if len(p) else float("nan"),
                     "median_percent": round(p.median(), 1) if len(p) else float("nan"),
                     "min_percent": round(p.min(), 1) if len(p) else float("nan"),
                     "max_percent": round(p.max(), 1) if len(p) else float("nan"),
                     "attempts_with_critical": int((g["critical_choices"] > 0).sum()),
                     "attempts_with_unsafe": int((g["unsafe_choices"] > 0).sum())})
    cols = ["case_id", "case", "attempts", "students", "mean_percent", "median_percent", "min_percent",
            "max_percent", "attempts_with_critical", "attempts_with_unsafe"]
    return pd.DataFrame(rows, columns=cols)


def gradebook(data: ClassData, text: CaseText | None = None):
    """One row per student: cases attempted, attempts, mean of best percents, one column per case (best percent),
    and the total of unsafe and critical choices (for a conversation, not a penalty the course imposes)."""
    import pandas as pd

    att = attempts_frame(data, text)
    cases = sorted(att["case_id"].unique())
    rows = []
    for student, g in att.groupby("student", sort=True):
        best = g.groupby("case_id")["percent"].max()
        row = {"student": student, "cases_attempted": int(g["case_id"].nunique()), "attempts": len(g),
               "mean_best_percent": round(best.mean(), 1) if len(best.dropna()) else float("nan")}
        for c in cases:
            row[c] = best.get(c, float("nan"))
        row["unsafe_choices"] = int(g["unsafe_choices"].sum())
        row["critical_choices"] = int(g["critical_choices"].sum())
        rows.append(row)
    cols = ["student", "cases_attempted", "attempts", "mean_best_percent", *cases, "unsafe_choices",
            "critical_choices"]
    return pd.DataFrame(rows, columns=cols)


def gates(data: ClassData, text: CaseText | None = None):
    """Must-ask gates hit: a student tried to open a step (e.g. the plan) before asking the questions it
    requires. Per case, gated step and missing question: how many times, by how many students."""
    import pandas as pd

    text = text or CaseText()
    counts: dict = {}
    for a in data.attempts:
        for s in a["steps"]:
            if s["kind"] != "gate":
                continue
            for cid in s["choice_ids"] or ["(unnamed)"]:
                r = counts.setdefault((a["case_id"], s["step_id"], cid), {"times": 0, "students": set()})
                r["times"] += 1
                r["students"].add(a["student"])
    rows = [{"case_id": c, "step_id": st, "step": text.step_label(c, st), "missing_question_id": q,
             "missing_question": _choice_anywhere(text, c, q), "times": r["times"], "students": len(r["students"])}
            for (c, st, q), r in counts.items()]
    df = pd.DataFrame(rows, columns=["case_id", "step_id", "step", "missing_question_id", "missing_question",
                                     "times", "students"])
    return df.sort_values(["times", "case_id"], ascending=[False, True], ignore_index=True) if len(df) else df


def _choice_anywhere(text: CaseText, case_id: str, choice_id: str) -> str:
    for step_id in text.step_order(case_id):
        label = text.choice_label(case_id, step_id, choice_id)
        if label != choice_id:
            return label
    return choice_id


def skipped_frame(data: ClassData):
    import pandas as pd

    return pd.DataFrame([{"file": s.file, "reason": s.reason} for s in data.skipped], columns=["file", "reason"])


# ---------------------------------------------------------------------------------------------
# The report
@dataclass
class ClassReport:
    """Everything the report shows, as pandas tables; ``write(out)`` writes the HTML page and the CSV files."""

    data: ClassData
    text: CaseText
    attempts: Any
    scores: Any
    case_scores: Any
    choices: Any
    unsafe: Any
    calibration: Any
    skipped: Any
    gates: Any = None

    def summary(self) -> dict:
        return {"files_read": self.data.files_read, "files_used": len(self.data.used_files),
                "files_skipped": len(self.data.skipped), "students": len(self.data.students),
                "attempts": len(self.data.attempts), "cases": int(self.attempts["case_id"].nunique())}

    def figure(self, name: str):
        """One figure for a notebook cell: "scores", "safety", "unsafe", "calibration" or a case id (its choices
        per step). SVG, so nothing here imports matplotlib."""
        from .plotting import classreport as figs

        if name == "scores":
            return figs.case_scores_svg(self.attempts)
        if name == "safety":
            return figs.safety_mix_svg(self.choices)
        if name == "unsafe":
            return figs.unsafe_choices_svg(self.unsafe)
        if name == "calibration":
            return figs.calibration_svg(self.calibration)
        if name in set(self.choices["case_id"]):
            return figs.choice_distribution_svg(self.choices, name, self.text.title(name))
        raise KeyError(f"no figure {name!r}: use scores, safety, unsafe, calibration or one of the case ids "
                       + ", ".join(sorted(set(self.choices["case_id"]))))

    def for_case(self, case_id: str):
        """The choice distribution of one case (step by step)."""
        cols = ["step", "choice", "safety", "times_chosen", "students", "attempts_reaching_step", "share_percent"]
        return self.choices[self.choices["case_id"] == case_id][cols].reset_index(drop=True)

    def figures(self) -> list:
        """(title, figure) for every figure of the report."""
        out = []
        if len(self.attempts):
            out.append(("Scores per case", self.figure("scores")))
            out.append(("Safety of the choices made, per case", self.figure("safety")))
        if len(self.unsafe):
            out.append(("Most common unsafe and critical choices", self.figure("unsafe")))
        if self.calibration["decisions"].iloc[:3].sum() > 0:
            out.append(("Confidence calibration", self.figure("calibration")))
        for case_id in sorted(self.choices["case_id"].unique()) if len(self.choices) else ():
            out.append((f"Choices per step: {self.text.title(case_id)}", self.figure(case_id)))
        return out

    def write(self, out: str | os.PathLike, figures: bool = True) -> Path:
        """Write report.html and the CSV files into the folder ``out`` (created if needed); returns report.html."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        _write_csv(self.scores, out / "scores.csv")
        _write_csv(self.attempts, out / "attempts.csv")
        _write_csv(self.choices.drop(columns=["step_order"]), out / "choices.csv")
        _write_csv(self.unsafe, out / "unsafe_choices.csv")
        _write_csv(self.calibration, out / "calibration.csv")
        _write_csv(self.case_scores, out / "case_scores.csv")
        _write_csv(self.skipped, out / "skipped.csv")
        _write_csv(self.gates, out / "gates.csv")
        page = out / "report.html"
        page.write_text(render_html(self, figures=figures), encoding="utf-8")
        return page


def build_report(folder: str | os.PathLike, course=None, data_dir=None, exclude=None) -> ClassReport:
    """Read the folder and build every table (``course`` gives case titles and choice labels; loaded if None)."""
    data = read_folder(folder, exclude=exclude)
    course = course if course is not None else _load_course_quietly(data_dir)
    text = CaseText(course)
    return ClassReport(data=data, text=text, attempts=attempts_frame(data, text), scores=gradebook(data, text),
                       case_scores=case_scores(data, text), choices=choice_distribution(data, text),
                       unsafe=unsafe_choices(data, text), calibration=calibration(data, text),
                       skipped=skipped_frame(data), gates=gates(data, text))


def class_report(folder, out, course=None, data_dir=None, figures: bool = True) -> ClassReport:
    """Build the report from ``folder`` and write it into the folder ``out``."""
    rep = build_report(folder, course=course, data_dir=data_dir, exclude=out)
    rep.write(out, figures=figures)
    return rep


def _spreadsheet_safe(v):
    """A text cell a spreadsheet would run as a formula (= + - @, tab, CR) is prefixed with a quote."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


def _write_csv(df, path: Path):
    from pandas.api.types import is_object_dtype, is_string_dtype

    df = df.copy()
    for col in df.columns:
        if is_object_dtype(df[col].dtype) or is_string_dtype(df[col].dtype):
            df[col] = df[col].map(_spreadsheet_safe)
    df.to_csv(path, index=False, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# HTML
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:1.5em auto;padding:0 1em;
color:#111;line-height:1.4}
h1{font-size:1.6em} h2{border-bottom:2px solid #0072B2;padding-bottom:2px;margin-top:2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em} caption{text-align:left;font-weight:bold;padding:4px 0}
th,td{border:1px solid #bbb;padding:3px 7px;text-align:left;vertical-align:top} th{background:#eef3f8}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.safety{font-weight:bold;white-space:nowrap;padding:0 4px;border-radius:3px}
.safe{background:#d6f0e8}.suboptimal{background:#fbf7cf}.unsafe{background:#fae3c2}.critical{background:#f6d2bf}
figure{margin:1em 0} figcaption{font-size:.9em;color:#333}
.note{border-left:4px solid #0072B2;padding:4px 10px;background:#f5f8fb}
"""


def render_html(rep: ClassReport, figures: bool = True) -> str:
    from .text import esc

    s = rep.summary()
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>Class report: sciatica course cases</title>", f"<style>{_CSS}</style></head><body>",
             "<h1>Class report: what the class chose</h1>",
             f"<p>Made from <b>{s['files_used']}</b> of {s['files_read']} file(s) in <code>{esc(rep.data.folder)}</code>: "
             f"<b>{s['students']}</b> student(s), <b>{s['attempts']}</b> case attempt(s) across {s['cases']} case(s). "
             f"<b>{s['files_skipped']}</b> file(s) were skipped (listed at the end with the reason).</p>",
             '<p class="note">Safety classes are shown as a word and a symbol as well as a colour: '
             + " ".join(_safety_badge(c) for c in SAFETY_CLASSES)
             + ". A critical choice is treating when the client must be referred, or a contraindicated technique."
               " Use the unsafe and critical choices to open a discussion; the scores are for practice.</p>"]
    figs = dict(rep.figures()) if figures else {}

    parts.append("<h2>Scores per case</h2>")
    parts.append(_fig(figs, "Scores per case"))
    parts.append(_table(rep.case_scores, "Scores per case (percent of the case's maximum)",
                        ["case", "case_id", "attempts", "students", "mean_percent", "median_percent", "min_percent",
                         "max_percent", "attempts_with_unsafe", "attempts_with_critical"]))
    parts.append(_fig(figs, "Safety of the choices made, per case"))

    parts.append("<h2>The most common unsafe and critical choices</h2>")
    if len(rep.unsafe):
        parts.append(_fig(figs, "Most common unsafe and critical choices"))
        parts.append(_table(rep.unsafe.head(15), "Unsafe and critical choices, most common first",
                            ["case_id", "step", "choice", "safety", "times_chosen", "students",
                             "attempts_reaching_step", "share_percent"]))
    else:
        parts.append("<p>No unsafe or critical choice was made.</p>")
    if rep.gates is not None and len(rep.gates):
        parts.append("<h3>Must-ask questions skipped</h3><p>Times a student tried to go on before asking a "
                     "question the case requires first (the case sent them back).</p>")
        parts.append(_table(rep.gates, "Must-ask gates hit",
                            ["case_id", "step", "missing_question", "times", "students"]))

    parts.append("<h2>Confidence calibration</h2>")
    parts.append("<p>For each confidence level the students gave, the share of their decisions that were safe. A "
                 "calibrated class is right more often when it says <i>Certain</i>. Many <i>Certain</i> decisions "
                 "that were unsafe or critical are the ones to talk about first.</p>")
    parts.append(_fig(figs, "Confidence calibration"))
    parts.append(_table(rep.calibration, "Confidence calibration",
                        ["label", "decisions", "safe_percent", "suboptimal_percent", "unsafe_or_critical_percent"]))

    parts.append("<h2>Choice distribution per step</h2>")
    if len(rep.choices):
        for case_id in sorted(rep.choices["case_id"].unique()):
            title = rep.text.title(case_id)
            parts.append(f"<h3>{esc(title)} <small>(<code>{esc(case_id)}</code>)</small></h3>")
            if not rep.text.known(case_id):
                parts.append("<p><i>This case is not in the course data here; ids are shown instead of text.</i></p>")
            parts.append(_fig(figs, f"Choices per step: {title}"))
            sub = rep.choices[rep.choices["case_id"] == case_id]
            parts.append(_table(sub, f"Choices per step: {title}",
                                ["step", "choice", "safety", "times_chosen", "students", "attempts_reaching_step",
                                 "share_percent"]))
    else:
        parts.append("<p>No choices to show.</p>")

    parts.append("<h2>Gradebook</h2><p>Best percent per case for each student (also in <code>scores.csv</code>).</p>")
    parts.append(_table(rep.scores, "Gradebook", list(rep.scores.columns)))

    parts.append("<h2>Files skipped</h2>")
    if len(rep.skipped):
        parts.append(_table(rep.skipped, "Files that were not used, with the reason", ["file", "reason"]))
    else:
        parts.append("<p>None: every file was used.</p>")
    if rep.data.notes:
        parts.append("<ul>" + "".join(f"<li><code>{esc(f)}</code>: {esc(n)}</li>" for f, n in rep.data.notes)
                     + "</ul>")
    parts.append("<h2>Files beside this report</h2><ul>"
                 + "".join(f"<li><code>{esc(k)}</code>: {esc(v)}</li>" for k, v in OUTPUT_FILES.items()) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


def _safety_badge(safety: str) -> str:
    from .plotting.common import SAFETY_STYLE
    from .text import esc

    label = SAFETY_STYLE.get(safety, (None, safety))[1]
    return f'<span class="safety {esc(safety)}">{esc(label)}</span>'


def _fig(figs: dict, title: str) -> str:
    fig = figs.get(title)
    return fig.html(caption=title) if fig is not None else ""


def _table(df, caption: str, cols: Iterable[str]) -> str:
    import numbers

    from numpy import bool_ as np_bool

    from .text import esc

    cols = [c for c in cols if c in df.columns]
    head = "".join(f'<th scope="col">{esc(c.replace("_", " "))}</th>' for c in cols)
    body = []
    for _, row in df.iterrows():
        cells = []
        for c in cols:
            v = row[c]
            if c == "safety" and v in SAFETY_CLASSES:
                cells.append(f"<td>{_safety_badge(v)}</td>")
            elif isinstance(v, float):
                cells.append(f'<td class="num">{"–" if math.isnan(v) else esc(f"{v:g}")}</td>')
            elif isinstance(v, numbers.Integral) and not isinstance(v, (bool, np_bool)):
                cells.append(f'<td class="num">{esc(v)}</td>')
            else:
                cells.append(f"<td>{esc('' if v is None else v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead><tbody>"
            + "".join(body) + "</tbody></table>")


class _HTMLTable:
    def __init__(self, html: str, df):
        self.html, self.df = html, df

    def _repr_html_(self):
        return self.html

    def __repr__(self):
        return self.df.to_string(index=False)


def show_table(df, caption: str = "", max_rows: int = 60) -> _HTMLTable:
    """A DataFrame as an accessible HTML table for a notebook cell: a caption, column headers, safety classes as
    words and colours, every value escaped, no index column; a wide table scrolls inside a region that the
    keyboard can reach."""
    from .text import esc

    shown = df.head(max_rows)
    more = f"<p><i>… {len(df) - max_rows} more rows</i></p>" if len(df) > max_rows else ""
    label = caption or "table"
    html = (f'<div role="region" tabindex="0" aria-label="{esc(label)}" style="max-width:100%;overflow-x:auto">'
            f"<style>.sc-report td,.sc-report th{{border:1px solid #bbb;padding:2px 6px;text-align:left !important}}"
            f".sc-report .num{{text-align:right !important}}.sc-report .safety{{font-weight:bold;padding:0 3px}}"
            f".sc-report .safe{{background:#d6f0e8}}.sc-report .suboptimal{{background:#fbf7cf}}"
            f".sc-report .unsafe{{background:#fae3c2}}.sc-report .critical{{background:#f6d2bf}}</style>"
            f'<div class="sc-report">{_table(shown, label, list(shown.columns))}</div>{more}</div>')
    return _HTMLTable(html, df)


# Practice data (a simulated class for trying the report, the class_results notebook and the tests) lives in
# classdemo.py; these names stay here for the notebook and scripts that use them.
from .classdemo import PRACTICE_CASES, practice_folder, simulate_class, temp_folder  # noqa: E402,F401
