"""Practice data for the class report: a simulated class's progress exports (some of them damaged on purpose), for
trying ``sciatica-course class-report``, the class_results notebook and the tests without real students.

Names from :mod:`sciatica_course.classreport` are imported inside the functions (that module re-exports these)."""
from __future__ import annotations

import json
import os
from pathlib import Path

_DEMO_CASES = {
    # case_id: [(step_id, kind, [(choice_id, safety, points), ...], picks)]
    "demo_runner_buttock_pain": [
        ("intake", "intake", [("ask_bladder", "safe", 1), ("ask_saddle", "safe", 1), ("ask_night_pain", "safe", 1),
                              ("ask_favourite_sport", "suboptimal", 0)], 2),
        ("red_flags", "decision", [("no_red_flags_treat", "safe", 2), ("refer_emergency", "suboptimal", 0)], 1),
        ("irritability", "rating", [("low", "safe", 2), ("high", "suboptimal", 0)], 1),
        ("plan", "plan", [("broad_compression_side_lying", "safe", 3), ("deep_stripping_prone", "unsafe", -1)], 1),
    ],
    "demo_cauda_equina": [
        ("intake", "intake", [("ask_bladder", "safe", 1), ("ask_saddle", "safe", 1), ("ask_weight_loss", "safe", 1),
                              ("ask_job", "suboptimal", 0)], 2),
        ("red_flags", "decision", [("refer_emergency", "safe", 4), ("refer_gp_next_week", "unsafe", -1),
                                   ("treat_gently_today", "critical", -4)], 1),
    ],
}


def _demo_attempt(rng, case_id: str, skill: float, stamp: str) -> dict:
    import uuid

    from .classreport import SAFETY_CLASSES

    steps, flags, score, max_score = [], [], 0.0, 0.0
    for step_id, kind, choices, picks in _DEMO_CASES[case_id]:
        best = [c for c in choices if c[1] == "safe"]
        max_score += sum(c[2] for c in sorted(best, key=lambda c: -c[2])[:picks])
        pool = list(choices)
        taken = []
        for _ in range(picks):
            good = [c for c in pool if c[1] == "safe"]
            c = rng.choice(good) if good and rng.random() < skill else rng.choice(pool)
            pool.remove(c)
            taken.append(c)
        worst = max(taken, key=lambda c: SAFETY_CLASSES.index(c[1]))
        conf = rng.choice([1, 2, 3, 3] if skill > 0.7 else [1, 1, 2, 3])
        points = sum(c[2] for c in taken)
        score += points
        steps.append({"step_id": step_id, "kind": kind, "choice_ids": [c[0] for c in taken], "safety": worst[1],
                      "points": points, "confidence": conf})
        for c in taken:
            if c[1] in ("unsafe", "critical"):
                flags.append({"step_id": step_id, "choice_id": c[0], "safety": c[1], "confidence": conf})
    return {"uid": uuid.UUID(int=rng.getrandbits(128), version=4).hex, "case_id": case_id,
            "started_at": stamp, "finished_at": stamp, "exam_mode": False, "score": max(score, 0.0),
            "max_score": max_score, "safety_flags": flags, "steps": steps}


PRACTICE_CASES = ("piriformis_runner", "cauda_equina", "desk_worker_disc")


def _engine_attempt(rng, course, case_id: str, skill: float) -> dict | None:
    """Play one case with the course's engine like a student of the given skill (0-1); None if it fails."""
    from . import cases

    try:
        sess = cases.start(case_id, course)
        for _ in range(60):
            if sess.finished:
                return sess.to_attempt()
            step = sess.current
            avail = [c.id for c in sess.available_choices()]
            expert = list(sess.expert_choices())
            if step.multi:
                picks = [c for c in avail if (c in expert and rng.random() < skill + 0.1) or
                         (c not in expert and rng.random() < 0.25)] or [rng.choice(avail)]
            else:
                picks = expert[:1] if expert and rng.random() < skill else [rng.choice(avail)]
            conf = None if step.kind == "intake" else rng.choice([1, 2, 3, 3] if skill > 0.7 else [1, 1, 2, 3])
            sess.choose(picks if step.multi else picks[0], confidence=conf)
    except Exception:
        return None
    return None


def simulate_class(folder: str | os.PathLike, students: int = 40, broken: int = 3, seed: int = 0,
                   course=None, case_ids=None) -> list[Path]:
    """Write ``students`` progress exports of a simulated class into ``folder``, of which ``broken`` are damaged
    (a truncated file, a foreign JSON file, an exact copy, a wrong safety class, a text file). Each student plays
    one or two attempts of each case. With ``course`` (and ``case_ids``, default: PRACTICE_CASES, else three)
    the cases are played with the course's own engine; without, two built-in practice cases (ids ``demo_...``)
    are used. For trying the report; returns the files written."""
    import random

    from .classreport import FORMAT, VERSION

    rng = random.Random(seed)       # a local generator: no global seed is touched
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if course is not None and case_ids is None:
        preferred = [c for c in PRACTICE_CASES if c in course.cases]
        case_ids = preferred or list(course.cases.ids)[:3]
    use_engine = course is not None and bool(case_ids)
    paths = []
    for i in range(max(0, students - broken)):
        skill = rng.uniform(0.4, 0.95)
        stamp = f"2026-11-20T10:{i % 60:02d}:00+00:00"
        attempts = []
        for c in (case_ids if use_engine else _DEMO_CASES):
            for _ in range(rng.choice([1, 1, 2])):
                a = _engine_attempt(rng, course, c, skill) if use_engine else _demo_attempt(rng, c, skill, stamp)
                if a is not None:
                    attempts.append(a)
        doc = {"format": FORMAT, "version": VERSION, "exported_at": stamp, "student": f"student_{i + 1:02d}",
               "anonymous": True, "answers": [], "case_attempts": attempts, "lessons": []}
        p = folder / f"student_{i + 1:02d}.json"
        p.write_text(json.dumps(doc, indent=1), encoding="utf-8")
        paths.append(p)
    good = paths[:] or [None]
    damage = [
        ("truncated.json", lambda: good[0].read_text(encoding="utf-8")[:200] if good[0] else "{"),
        ("shopping_list.json", lambda: json.dumps({"format": "groceries", "items": ["milk"]})),
        ("student_01_again.json", lambda: good[0].read_text(encoding="utf-8") if good[0] else "[]"),
        ("bad_safety.json", lambda: good[-1].read_text(encoding="utf-8").replace('"safety": "safe"',
                                                                                 '"safety": "fine"', 1)
         if good[-1] else "{}"),
        ("notes.txt", lambda: "not an export"),
    ]
    for k in range(broken):
        name, make = damage[k % len(damage)]
        if k >= len(damage):
            name = f"{k}_{name}"
        p = folder / name
        p.write_text(make(), encoding="utf-8")
        paths.append(p)
    return paths


def temp_folder(prefix: str = "sciatica-report-") -> Path:
    """A new empty temporary folder (to write a report into while trying things)."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix=prefix))


def practice_folder(students: int = 40, broken: int = 3, seed: int = 0, course=None, case_ids=None) -> Path:
    """A new temporary folder holding a simulated class's exports (see :func:`simulate_class`)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="sciatica-class-"))
    simulate_class(folder, students=students, broken=broken, seed=seed, course=course, case_ids=case_ids)
    return folder
