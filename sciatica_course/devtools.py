"""Developer tools: ``python -m sciatica_course.devtools strip [PATH...]`` removes outputs, execution counts
and widget state from notebooks (they are committed without outputs, except cells marked
``# NBVAL_CHECK_OUTPUT``)."""
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


def main(argv=None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
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
