"""`make bench`: whole-job measurements, each a ratio against a floor measured in the same run.

    .venv/bin/python benchmarks/run.py [--repeat 3] [--clicks 40] [--only page,notebooks,memory,load]
                                       [--tests-log FILE | --measure-tests] [--readme]

- feedback latency in a real JupyterLab page (headless Chromium): click to the last change of the widget's
  output (the feedback complete; 300 ms of quiet before the next click), median and p95,
  for the course's main widgets, against a do-nothing widget of the same control in the same page (an echo
  button, checkbox or group of option buttons: its callback does no work, it sets one HTML value,
  the least a callback can do for a click to show);
- each notebook's time on a fresh kernel (nbclient: kernel start + Run All) against a notebook that only
  runs ``import sciatica_course``, and that against a bare kernel (one ``pass`` cell): the first run as a newcomer
  meets it (a course home after the first-time set-up, ``sciatica-course figures``, and no progress yet), and a
  second run on a new kernel in the same home; ``--cold`` adds a run without set-up (empty figure store);
- kernel memory (RSS, psutil) after each notebook's first run against a bare ipykernel (targets: 1.6x for a
  student lesson, 2.5x for an instructor notebook), and which of matplotlib, pandas, numpy it imported;
- ``load_course()`` in a fresh process against parsing the same YAML files with the
  same parser (yaml.CSafeLoader when libyaml is there);
- the whole ``make test`` wall time: read from a log (``--tests-log``: the output of .ci/run or pytest) or
  measured with ``--measure-tests`` (runs make test's pytest command once); else the previous value is kept.

Nothing here asserts: targets are shown beside the ratios. Results: benchmarks/results.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests" / "browser"))
sys.path.insert(0, str(HERE))

import labkit  # noqa: E402
from widgets_bench import ECHO, FLOORS, WIDGETS  # noqa: E402

RESULTS = HERE / "results.json"
README = REPO / "README.md"
TARGETS = {"feedback": 1.2, "lesson": 1.5, "memory": 1.6, "instructor_memory": 2.5}
TEST_CMD = [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider",
            "tests", "notebooks"]


def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def machine() -> dict:
    import psutil

    try:
        chromium = subprocess.run([labkit.CHROMIUM, "--version"], capture_output=True, text=True,
                                  timeout=20).stdout.strip()
    except OSError:
        chromium = None
    return {"nproc": os.cpu_count(), "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "load_average_at_start": round(os.getloadavg()[0], 1),
            "python": platform.python_version(), "platform": platform.platform(), "chromium": chromium,
            "cpu": _cpu_name()}


def _cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


# ---------------------------------------------------------------------------------------------
# 1. Feedback latency in the page
_JS_CLICK = """
async ([button, target]) => {
  // Latency = click to the LAST change of the widget's output area (a widget may update several
  // views); the area must then stay unchanged for 300 ms, so every click starts from a quiet page.
  const before = target.textContent;
  return await new Promise((resolve) => {
    let last = null, quiet = null;
    const t0 = performance.now();
    const done = () => { obs.disconnect(); resolve(last === null ? null : last - t0); };
    const obs = new MutationObserver(() => {
      if (target.textContent === before && last === null) return;
      last = performance.now();
      clearTimeout(quiet);
      quiet = setTimeout(done, 300);
    });
    obs.observe(target, {subtree: true, childList: true, characterData: true, attributes: true});
    setTimeout(done, 10000);
    button.click();
  });
}
"""


def bench_page(clicks: int, tmp: Path) -> dict:
    from playwright.sync_api import sync_playwright

    root = tmp / "page"
    cells = ["import ipywidgets as W", *(c for f in FLOORS.values() for c in f["cells"])]
    extra_items = ""
    for w in WIDGETS:
        cells += w["cells"]
        extra_items += w.get("quiz_items", "")
    labkit.write_notebook(root / "bench.ipynb", cells, kernel=labkit.PROBE_KERNEL)
    data = labkit.probe_data(tmp, extra_items)
    home = tmp / "course-home"
    home.mkdir(exist_ok=True)
    server = labkit.LabServer(tmp, root, env_extra={"SCIATICA_COURSE_HOME": home},
                              kernels={labkit.PROBE_KERNEL: {"SCIATICA_COURSE_DATA": str(data),
                                                             "SCIATICA_COURSE_HOME": str(home)}}).start()
    out = {}
    try:
        with sync_playwright() as pw:
            browser = labkit.launch_browser(pw)
            lab = labkit.Lab(browser, server)
            lab.open("bench.ipynb", kernel=labkit.PROBE_KERNEL)
            report = lab.run_all("bench.ipynb")
            if report["errors"] or report["rendered_widgets"] < report["declared_widgets"]:
                raise RuntimeError(f"benchmark notebook did not render: {report}")
            scope = lab.notebook()
            targets = [*FLOORS.values(), *WIDGETS]
            handles = {}
            for w in targets:
                pairs = []
                for name in w["buttons"]:
                    b = scope.get_by_role(w.get("role", "button"), name=name, exact=True)
                    b.scroll_into_view_if_needed()
                    el = b.element_handle()
                    area = el.evaluate_handle("(b) => b.closest('.jp-OutputArea')")
                    pairs.append((el, area))
                handles[w["name"]] = pairs
            samples = {w["name"]: [] for w in targets}
            for i in range(clicks + 5):          # interleaved, order rotated; the first 5 rounds are warm-up
                for w in targets[i % len(targets):] + targets[:i % len(targets)]:
                    el, area = handles[w["name"]][i % len(handles[w["name"]])]
                    ms = lab.page.evaluate(_JS_CLICK, [el, area])
                    if w not in targets:
                        continue
                    if ms is None:
                        if w in FLOORS.values():
                            raise RuntimeError(f"the {w['name']} gave no feedback within 10 s")
                        out[w["name"]] = {"error": "no visible change within 10 s of a click"}
                        targets.remove(w)
                        del samples[w["name"]]
                    elif i >= 5:
                        samples[w["name"]].append(ms)
            browser.close()
    finally:
        server.stop()
    floor_of = {w["name"]: FLOORS[w.get("floor", "button")]["name"] for w in WIDGETS}
    for name, xs in samples.items():
        base = samples[floor_of.get(name, ECHO["name"])]
        med = statistics.median(xs)
        out[name] = {"median_ms": round(med, 1), "p95_ms": round(p95(xs), 1), "clicks": len(xs),
                     "floor": floor_of.get(name, ECHO["name"]),
                     "ratio_median": round(med / statistics.median(base), 2), "ratio_p95": round(p95(xs) / p95(base), 2)}
    return out


# ---------------------------------------------------------------------------------------------
# 2-3. Notebooks on a fresh kernel: time and memory
def run_notebook(path: Path, env_home: Path) -> dict:
    """Kernel start + Run All of ``path`` with ``env_home`` as the course home (its figure store and kept course
    included); the kernel's memory after it and which heavy libraries it imported."""
    import nbformat
    import psutil
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=600, allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    env = {**os.environ, "SCIATICA_COURSE_HOME": str(env_home), "MPLBACKEND": "Agg"}
    env.pop("SCIATICA_FIGURE_CACHE", None)
    t0 = time.perf_counter()
    error = None
    with client.setup_kernel(env=env):
        t1 = time.perf_counter()
        try:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
        except Exception as e:   # report, keep going
            error = f"{type(e).__name__}: {str(e).strip().splitlines()[-1] if str(e).strip() else ''}"
        t2 = time.perf_counter()
        kernel = psutil.Process(client.km.provisioner.pid)
        rss = kernel.memory_info().rss
        cpu = sum(kernel.cpu_times()[:2])     # the kernel's own CPU-seconds: start + cells, less skewed by load
        heavy = None
        if error is None:   # which heavy libraries the notebook brought into the kernel (after timing)
            probe = nbformat.v4.new_code_cell(
                "import sys; print(','.join(m for m in ('matplotlib', 'pandas', 'numpy') if m in sys.modules))")
            nb.cells.append(probe)
            try:
                client.execute_cell(probe, len(nb.cells) - 1)
                heavy = [m for m in "".join(o.get("text", "") for o in probe.outputs).strip().split(",") if m]
            except Exception:   # noqa: BLE001 - extra information only
                heavy = None
    return {"total_s": t2 - t0, "start_s": t1 - t0, "exec_s": t2 - t1, "rss_mb": rss / 2**20, "cpu_s": cpu,
            "error": error,
            "heavy": heavy}


def set_up(tmp: Path) -> tuple[Path, float]:
    """A course home after the first-time set-up (``sciatica-course figures``: the lesson figures drawn, the course
    data checked and kept). Returns (the home, seconds)."""
    home = tmp / "set-up-home"
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sciatica_course", "figures", "--quiet"], check=True, capture_output=True,
                   text=True, timeout=900, env={**os.environ, "SCIATICA_COURSE_HOME": str(home)})
    return home, time.perf_counter() - t


def bench_notebooks(repeat: int, tmp: Path, notebooks: list[Path], cold: bool = False) -> dict:
    """Each notebook on a fresh kernel, as a newcomer meets it after set-up (``first``: a copy of a course home in
    which ``sciatica-course figures`` ran, no progress yet), then once more on a new kernel in the same home
    (``second``: with the progress the first run left). ``cold``: also a first run in an empty home (no set-up)."""
    floors = {"bare kernel": labkit.write_notebook(tmp / "floors" / "bare.ipynb", ["pass"]),
              "import only": labkit.write_notebook(tmp / "floors" / "import_only.ipynb", ["import sciatica_course"])}
    template, setup_s = set_up(tmp)
    print(f"  set-up: {setup_s:.1f} s", file=sys.stderr)

    def fresh_home() -> Path:
        home = Path(tempfile.mkdtemp(dir=tmp, prefix="home-"))
        shutil.copytree(template, home, dirs_exist_ok=True)
        return home

    runs: dict[str, dict[str, list]] = {}
    for r in range(repeat):
        for name, path in floors.items():
            runs.setdefault(name, {}).setdefault("first", []).append(run_notebook(path, fresh_home()))
        for path in notebooks:
            name = path.relative_to(REPO / "notebooks").as_posix()
            home = fresh_home()
            kinds = [("first", home), ("second", home)]
            if cold:
                kinds.append(("cold", Path(tempfile.mkdtemp(dir=tmp, prefix="empty-home-"))))
            for kind, where in kinds:
                runs.setdefault(name, {}).setdefault(kind, []).append(run_notebook(path, where))
            print(f"  [{r + 1}/{repeat}] {name}: " + ", ".join(
                f"{k} {runs[name][k][-1]['total_s']:.2f} s" for k, _h in kinds), file=sys.stderr)
    out = {}
    for name, kinds in runs.items():
        xs = kinds["first"]
        v = {k: round(statistics.median(x[k] for x in xs), 3 if k.endswith("_s") else 1)
             for k in ("total_s", "start_s", "exec_s", "rss_mb", "cpu_s")}
        v["runs"] = len(xs)
        v["heavy_modules"] = xs[-1].get("heavy")
        for kind in ("second", "cold"):
            if kind in kinds:
                v[f"{kind}_total_s"] = round(statistics.median(x["total_s"] for x in kinds[kind]), 3)
                v[f"{kind}_rss_mb"] = round(statistics.median(x["rss_mb"] for x in kinds[kind]), 1)
        errs = [x["error"] for ks in kinds.values() for x in ks if x["error"]]
        if errs:
            v["error"] = errs[0]
        out[name] = v
    bare, imp = out["bare kernel"], out["import only"]
    for name, v in out.items():
        base = bare if name in ("bare kernel", "import only") else imp
        v["time_floor"] = "bare kernel" if base is bare else "import only"
        v["ratio_time"] = round(v["total_s"] / base["total_s"], 2)
        for kind in ("second", "cold"):
            if f"{kind}_total_s" in v:
                v[f"ratio_{kind}"] = round(v[f"{kind}_total_s"] / base["total_s"], 2)
        v["ratio_exec"] = round(v["exec_s"] / base["exec_s"], 2) if base["exec_s"] else None
        v["ratio_rss"] = round(v["rss_mb"] / bare["rss_mb"], 2)
        v["ratio_cpu"] = round(v["cpu_s"] / base["cpu_s"], 2) if base.get("cpu_s") else None
    out["set-up"] = {"seconds": round(setup_s, 1), "figures": len(list((template / "figures").glob("*.json")))}
    return out


# ---------------------------------------------------------------------------------------------
# 4. load_course()
_LOAD = r"""
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
import yaml
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # the parser load_course uses
data = Path(sys.argv[1])
for f in sorted(data.rglob("*.yaml")):
    yaml.load(f.read_text(), Loader=Loader)
t1 = time.perf_counter()
from sciatica_course import load_course
c = load_course()
t2 = time.perf_counter()
print(json.dumps({"yaml_s": t1 - t0, "load_s": t2 - t1, "records": sum(c.summary().values())}))
"""
_KEPT = r"""
import json, time
from sciatica_course import load_course
t0 = time.perf_counter()
load_course()
print(json.dumps({"kept_s": time.perf_counter() - t0}))
"""


def bench_load(repeat: int) -> dict:
    """load_course() parsing and checking every file (the kept course switched off) against parsing the YAML alone,
    and load_course() reading the course kept by an earlier load (sciatica_course.snapshot), each in a fresh process."""
    xs, kept = [], []
    with tempfile.TemporaryDirectory(prefix="sciatica-load-") as home:
        env = {**os.environ, "SCIATICA_COURSE_HOME": home}
        for _ in range(max(3, repeat)):
            p = subprocess.run([sys.executable, "-c", _LOAD, str(REPO / "data")], capture_output=True, text=True,
                               cwd=REPO, timeout=300, env={**env, "SCIATICA_COURSE_SNAPSHOT": "off"})
            if p.returncode:
                return {"error": p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "failed"}
            xs.append(json.loads(p.stdout))
        for i in range(max(3, repeat) + 1):
            p = subprocess.run([sys.executable, "-c", _KEPT], capture_output=True, text=True, cwd=REPO, timeout=300,
                               env=env)
            if p.returncode == 0 and i:          # the first one parses and keeps it
                kept.append(json.loads(p.stdout)["kept_s"])
    y = statistics.median(x["yaml_s"] for x in xs)
    ld = statistics.median(x["load_s"] for x in xs)
    return {"load_s": round(ld, 3), "yaml_parse_s": round(y, 3), "ratio": round(ld / y, 2),
            "kept_s": round(statistics.median(kept), 3) if kept else None,
            "records": xs[0]["records"], "runs": len(xs)}


# ---------------------------------------------------------------------------------------------
# 5. make test wall time
def tests_time(args, previous: dict | None) -> dict:
    if args.measure_tests:
        t0 = time.perf_counter()
        p = subprocess.run(TEST_CMD, cwd=REPO, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        tail = (p.stdout.strip().splitlines() or [""])[-1]
        log = Path(tempfile.gettempdir()) / f"sciatica-make-test-{int(time.time())}.log"
        log.write_text(p.stdout + "\n" + p.stderr)
        print(f"  make test output: {log}", file=sys.stderr)
        return {"wall_s": round(wall, 1), "source": "measured (pytest command of make test)",
                "summary": tail.strip("= "), "exit": p.returncode, "log": str(log),
                "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    if args.tests_log:
        text = Path(args.tests_log).read_text(errors="replace")
        m = re.findall(r"make test took (\d+) s", text)
        if m:
            return {"wall_s": float(m[-1]), "source": f"log {args.tests_log} (.ci/run)"}
        m = re.findall(r"^=*\s*(\d+ (?:passed|failed).*?) in ([\d.]+)s", text, re.M)   # with or without -q's rule
        if m:
            return {"wall_s": float(m[-1][1]), "source": f"log {args.tests_log} (pytest)", "summary": m[-1][0]}
        return {"wall_s": None, "source": f"no time found in {args.tests_log}"}
    if previous and previous.get("wall_s") is not None:
        return {**previous, "stale": True}
    return {"wall_s": None, "source": "not measured (use --measure-tests or --tests-log FILE)"}


# ---------------------------------------------------------------------------------------------
def table(res: dict) -> str:
    rows = [("measure", "absolute", "floor", "ratio", "target")]
    page = res.get("page") or {}
    floors = {f["name"] for f in FLOORS.values()}
    for name, v in page.items():
        if name in floors:
            continue
        floor = page.get(v.get("floor", ECHO["name"])) or page.get(ECHO["name"])
        if "error" in v:
            rows.append((f"feedback: {name}", v["error"], "", "", ""))
            continue
        rows.append((f"feedback: {name} (median / p95, {v['clicks']} clicks)",
                     f"{v['median_ms']:.0f} / {v['p95_ms']:.0f} ms",
                     f"{floor['median_ms']:.0f} / {floor['p95_ms']:.0f} ms "
                     + v.get("floor", ECHO["name"]).replace(" (floor)", ""),
                     f"{v['ratio_median']:.2f}x / {v['ratio_p95']:.2f}x", _target(v["ratio_median"], "feedback")))
    nbs = res.get("notebooks") or {}
    if nbs:
        imp, bare = nbs["import only"], nbs["bare kernel"]
        lessons = {k: v for k, v in nbs.items() if k not in ("import only", "bare kernel", "set-up")}
        setup = nbs.get("set-up")
        if setup:
            rows.append(("set-up: `sciatica-course figures` (once, before the first lesson)",
                         f"{setup['seconds']:.1f} s", f"{setup['figures']} figures stored, course kept", "", ""))
        rows.append(("notebook: import-only (kernel start + run)",
                     f"{imp['total_s']:.2f} s (kernel CPU {imp.get('cpu_s', 0):.2f} s)",
                     f"{bare['total_s']:.2f} s bare kernel", f"{imp['ratio_time']:.2f}x", ""))
        for name, v in lessons.items():
            flag = " (ERROR: " + v["error"][:60] + ")" if v.get("error") else ""
            second = f"; second run {v['second_total_s']:.2f} s" if "second_total_s" in v else ""
            cold = f"; without set-up {v['cold_total_s']:.2f} s" if "cold_total_s" in v else ""
            ratios = f"{v['ratio_time']:.2f}x" + (f" / {v['ratio_second']:.2f}x" if "ratio_second" in v else "")
            cpu = f"; kernel CPU {v['cpu_s']:.2f} s = {v['ratio_cpu']:.2f}x" if v.get("ratio_cpu") else ""
            rows.append((f"notebook: {name}{flag} (first / second run)",
                         f"{v['total_s']:.2f} s (cells {v['exec_s']:.2f} s{second}{cold}{cpu})",
                         f"{imp['total_s']:.2f} s import-only", ratios,
                         "" if name.startswith("instructor/") else
                         _target(max(v["ratio_time"], v.get("ratio_second", 0)), "lesson")))
        rows.append(("memory: import-only kernel", f"{imp['rss_mb']:.0f} MB", f"{bare['rss_mb']:.0f} MB bare kernel",
                     f"{imp['ratio_rss']:.2f}x", ""))
        for name, v in lessons.items():
            heavy = v.get("heavy_modules")
            extra = f" ({', '.join(heavy)} imported)" if heavy else (" (no matplotlib, pandas, numpy)"
                                                                     if heavy == [] else "")
            kind = "instructor_memory" if name.startswith("instructor/") else "memory"
            rows.append((f"memory: kernel after {name}{extra}", f"{v['rss_mb']:.0f} MB",
                         f"{bare['rss_mb']:.0f} MB bare kernel", f"{v['ratio_rss']:.2f}x",
                         _target(v["ratio_rss"], kind)))
    ld = res.get("load") or {}
    if "load_s" in ld:
        rows.append((f"load_course() ({ld['records']} records, fresh process): parse and check",
                     f"{ld['load_s'] * 1000:.0f} ms",
                     f"{ld['yaml_parse_s'] * 1000:.0f} ms parsing data/*.yaml", f"{ld['ratio']:.2f}x", ""))
        if ld.get("kept_s") is not None:
            rows.append(("load_course(): the course kept at set-up, read back", f"{ld['kept_s'] * 1000:.0f} ms",
                         f"{ld['yaml_parse_s'] * 1000:.0f} ms parsing data/*.yaml",
                         f"{ld['kept_s'] / ld['yaml_parse_s']:.2f}x", ""))
    t = res.get("make_test") or {}
    if t:
        wall = f"{t['wall_s']:.0f} s" if t.get("wall_s") is not None else "-"
        src = t.get("source", "") + (f" {t['at'][:16].replace('T', ' ')} UTC" if t.get("at") else "")
        if t.get("summary"):
            src += f" ({t['summary'].split(' in ')[0]})"
        rows.append(("make test wall time" + (" (earlier run)" if t.get("stale") else ""), wall, src, "", "< 600 s"))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _target(ratio, kind):
    t = TARGETS[kind]
    return f"<= {t}x " + ("ok" if ratio <= t else "OVER")


def update_readme(res: dict):
    m = res["machine"]
    kept = res.get("kept_from_previous_run")
    load = (f", load average {m['load_average_at_start']} -> {m['load_average_at_end']} (other work on the machine)"
            if m.get("load_average_at_end") is not None else "")
    body = (f"Latest `make bench` ({res['finished_at'][:16].replace('T', ' ')} UTC) on {m['nproc']} cores, "
            f"{m['ram_gb']} GB RAM, Python {m['python']}, {m['chromium'] or 'chromium ?'} ({m['cpu']}){load}.\n"
            "Each figure is a ratio against a floor measured in the same run; absolute numbers beside it. "
            "Targets are shown, never asserted. Full numbers: `benchmarks/results.json`."
            + (f" ({', '.join(kept['sections'])} kept from the run of {kept['previous_finished_at']}.)" if kept else "")
            + "\n\n" + res["table"] + "\n")
    text = README.read_text()
    start, end = "<!-- section: benchmarks -->", "<!-- /section: benchmarks -->"
    i, j = text.index(start) + len(start), text.index(end)
    old = text[i:j]
    if "<!-- bench-table -->" in old:
        keep = old[:old.index("<!-- bench-table -->")]
    else:
        keep = (old.rstrip() + "\n\n") if old.strip() else "\n## Benchmarks\n\n"
    README.write_text(text[:i] + keep + "<!-- bench-table -->\n" + body + text[j:])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="fresh-kernel runs per notebook (median kept)")
    ap.add_argument("--clicks", type=int, default=40, help="clicks per widget in the page (after 5 warm-up)")
    ap.add_argument("--only", default="page,notebooks,load",
                    help="comma list of: page, notebooks, load (others are kept from the previous results.json); "
                         "'none' to only record make test's time")
    ap.add_argument("--tests-log", help="file holding the output of .ci/run or pytest (for make test's time)")
    ap.add_argument("--measure-tests", action="store_true", help="run make test's pytest command and time it")
    ap.add_argument("--readme", action="store_true", help="write the table into README's benchmarks section")
    ap.add_argument("--cold", action="store_true",
                    help="also run each notebook once with an empty figure store (no set-up), for comparison")
    args = ap.parse_args(argv)
    only = set(args.only.split(","))
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    res = {"started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(),
           "targets": TARGETS}
    with tempfile.TemporaryDirectory(prefix="sciatica-bench-") as tmp:
        tmp = Path(tmp)
        if "page" in only:
            print("== feedback latency in the page", file=sys.stderr)
            res["page"] = bench_page(args.clicks, tmp)
        if "notebooks" in only:
            print("== notebooks on fresh kernels", file=sys.stderr)
            res["notebooks"] = bench_notebooks(args.repeat, tmp, labkit.notebook_paths(), cold=args.cold)
        if "load" in only:
            print("== load_course()", file=sys.stderr)
            res["load"] = bench_load(args.repeat)
    kept = [k for k in ("page", "notebooks", "load") if k not in only and previous.get(k)]
    for k in kept:   # sections not measured this time: keep the previous run's, and say so
        res[k] = previous[k]
    if kept:
        res["kept_from_previous_run"] = {"sections": kept, "previous_finished_at": previous.get("finished_at")}
    res["make_test"] = tests_time(args, previous.get("make_test"))
    res["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    res["machine"]["load_average_at_end"] = round(os.getloadavg()[0], 1)
    res["table"] = table(res)
    RESULTS.write_text(json.dumps(res, indent=1) + "\n")
    print(res["table"])
    print(f"\nmachine: {res['machine']}\nwritten: {RESULTS.relative_to(REPO)}")
    if args.readme:
        update_readme(res)
        print("README benchmarks section updated")


if __name__ == "__main__":
    main()
