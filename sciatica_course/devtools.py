"""Developer tools.

``python -m sciatica_course.devtools strip [PATH...]`` removes outputs, execution counts and widget state from
notebooks (they are committed without outputs, except cells marked ``# NBVAL_CHECK_OUTPUT``).
``python -m sciatica_course.devtools readme`` regenerates the README's course map from data/lessons.yaml.
``python -m sciatica_course.devtools minutes [--write]`` prints each lesson's time from the walk-through model
(sciatica_course/lessontime.py); ``--write`` puts it into data/lessons.yaml and the lessons' opening lines (then
run ``readme``)."""
from __future__ import annotations

import json
import sys
from pathlib import Path


def strip_notebook(path: Path) -> bool:
    """Strip one notebook in place; return True when it changed."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            if "NBVAL_CHECK_OUTPUT" not in "".join(cell.get("source", "")):
                cell["outputs"] = []
            cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)
    meta = nb.get("metadata", {})
    meta.pop("widgets", None)
    out = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    if out != text:
        path.write_text(out, encoding="utf-8")
        return True
    return False


def course_map_markdown(course=None) -> str:
    """The README's course map (lesson -> objectives -> time), generated from data/lessons.yaml."""
    from .loading import load_course

    course = course if course is not None else load_course()
    rows = ["| # | Lesson | You will be able to | Time |", "|---|---|---|---|"]
    lessons = sorted(course.lessons, key=lambda l: (l.instructor, l.number))
    for l in lessons:
        if l.instructor:
            continue
        objs = "<br>".join("• " + o.replace("|", "\\|") for o in l.objectives)
        rows.append(f"| {l.number} | [{l.title}](notebooks/{l.notebook}) | {objs} | {l.minutes} min |")
    from .text import duration

    total = sum(l.minutes for l in lessons if not l.instructor)
    return ("## Course map\n\n" + "\n".join(rows) +
            f"\n\nAbout {duration(total)} in all. Generated from `data/lessons.yaml` "
            "(`python -m sciatica_course.devtools readme`).\n")


def update_readme(path: Path = Path("README.md")) -> bool:
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- section: course-map -->", "<!-- /section: course-map -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    new = head + start + "\n" + course_map_markdown() + end + tail
    if new != text:
        path.write_text(new, encoding="utf-8")
        return True
    return False


def main(argv=None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "minutes":
        from .lessontime import course_times, write_times
        from .text import duration

        total = 0
        for lesson_id, t in course_times().items():
            total += t.total
            print(f"{lesson_id:24} reading {t.reading:5.1f}  questions {t.questions:5.1f}  activities "
                  f"{t.activities:5.1f}  -> {t.total} min")
        print(f"in all: {total} min ({duration(total)})")
        if "--write" in args:
            for line in write_times():
                print("updated", line)
        return 0
    if args and args[0] == "readme":
        print("README course map " + ("updated" if update_readme() else "already up to date"))
        return 0
    if not args or args[0] != "strip":
        print(__doc__)
        return 2
    paths = [Path(p) for p in args[1:]] or [Path("notebooks")]
    changed = 0
    for p in paths:
        for nb in ([p] if p.suffix == ".ipynb" else sorted(p.rglob("*.ipynb"))):
            if ".ipynb_checkpoints" in nb.parts:
                continue
            if strip_notebook(nb):
                print(f"stripped {nb}")
                changed += 1
    print(f"{changed} notebook(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
