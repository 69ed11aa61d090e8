"""Driving a real JupyterLab in headless Chromium: shared by the browser tests and `make bench`.

One :class:`LabServer` (started on a free port of 127.0.0.1 with temporary HOME, settings, workspaces
and runtime folders; no token; stopped by its own process id) and one :class:`Lab` page that opens
notebooks through JupyterLab's own commands (the app is loaded once; each notebook gets a fresh kernel).
Nothing here writes inside the repository: notebooks are served from a temporary copy.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("SCIATICA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
PROBE_KERNEL = "sciatica-probe"


# Kernel chatter on the iopub channel that is not shown to a student and not produced by the course:
# the widget manager asks for ipywidgets' control comm before any cell has imported ipywidgets.
BENIGN_IOPUB = [re.compile(r"^No such comm target registered: jupyter\.widget\.control\s*$"),
                re.compile(r"^No such comm: [0-9a-f-]+\s*$")]


def is_benign(entry: dict) -> bool:
    return entry["type"] == "stderr" and all(
        any(p.match(line) for p in BENIGN_IOPUB) for line in entry["text"].splitlines() if line.strip())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def notebook_paths(root: Path | None = None) -> list[Path]:
    """Every notebook under notebooks/ (instructor/ included), checkpoints left out, sorted."""
    root = root or REPO / "notebooks"
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def write_notebook(path: Path, cells: list[str], kernel: str = "python3") -> Path:
    """A minimal nbformat-4 notebook of code cells (used for probes and floors)."""
    nb = {"nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": kernel, "display_name": kernel, "language": "python"},
                       "language_info": {"name": "python"}},
          "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
                     "outputs": [], "source": src} for i, src in enumerate(cells)]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1))
    return path


def probe_data(tmp: Path, items_yaml: str) -> Path:
    """A copy of data/ with extra quiz items appended (for probes); returns the folder."""
    dst = tmp / "probe-data"
    shutil.copytree(REPO / "data", dst)
    q = dst / "quizzes.yaml"
    text = q.read_text()
    if text.strip() in ("", "[]"):
        text = ""
    q.write_text(text.rstrip("\n") + ("\n" if text.strip() else "") + items_yaml)
    return dst


@dataclass
class LabServer:
    """JupyterLab started on 127.0.0.1 for the tests; ``root`` is the folder it serves."""
    tmp: Path
    root: Path
    env_extra: dict = field(default_factory=dict)
    kernels: dict = field(default_factory=dict)     # extra kernelspecs: name -> env
    port: int = 0
    proc: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "LabServer":
        home = self.tmp / "home"
        dirs = {"HOME": home, "JUPYTER_CONFIG_DIR": home / "jupyter-config",
                "JUPYTER_DATA_DIR": home / "jupyter-data", "JUPYTER_RUNTIME_DIR": home / "jupyter-runtime",
                "JUPYTERLAB_SETTINGS_DIR": home / "lab-settings",
                "JUPYTERLAB_WORKSPACES_DIR": home / "lab-workspaces",
                "IPYTHONDIR": home / "ipython", "MPLCONFIGDIR": home / "mpl"}
        for d in dirs.values():
            Path(d).mkdir(parents=True, exist_ok=True)
        settings = Path(dirs["JUPYTERLAB_SETTINGS_DIR"])
        _write_json(settings / "@jupyterlab/apputils-extension/notification.jupyterlab-settings",
                    {"fetchNews": "false", "checkForUpdates": False})
        # Every cell stays in the DOM so rendered outputs can be counted and scanned.
        _write_json(settings / "@jupyterlab/notebook-extension/tracker.jupyterlab-settings",
                    {"windowingMode": "none"})
        for name, kenv in self.kernels.items():
            _write_json(Path(dirs["JUPYTER_DATA_DIR"]) / "kernels" / name / "kernel.json",
                        {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                         "display_name": name, "language": "python", "env": kenv})
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
        env.update({k: str(v) for k, v in dirs.items()})
        # the course's JupyterLab defaults, as `sciatica-course lab` and the class hub use them
        from sciatica_course.jupyter_config import with_course_config

        env = with_course_config(env)
        env.setdefault("MPLBACKEND", "Agg")
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        env.update({k: str(v) for k, v in self.env_extra.items()})
        self.port = free_port()
        self.log = self.tmp / "jupyterlab.log"
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
               "--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
               f"--ServerApp.root_dir={self.root}", "--ServerApp.terminals_enabled=False",
               "--LabApp.news_url=", "--ServerApp.log_level=WARN"]
        self.proc = subprocess.Popen(cmd, env=env, cwd=str(self.root), stdout=open(self.log, "wb"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/api/status", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer on {self.url} within {timeout}s:\n"
                           f"{self.log.read_text()[-3000:]}")

    def stop(self):
        """Shut down the kernels through the API, then stop the server by its own process id."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            with urllib.request.urlopen(self.url + "/api/kernels", timeout=5) as r:
                for k in json.load(r):
                    req = urllib.request.Request(f"{self.url}/api/kernels/{k['id']}", method="DELETE")
                    urllib.request.urlopen(req, timeout=10).close()
        except OSError:
            pass
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)


def _write_json(path: Path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


# ---------------------------------------------------------------------------------------------
# In-page helpers. `window.jupyterapp` exists because of expose_app_in_browser (set by the course's server config,
# sciatica_course/jupyter_config/jupyter_server_config.json, which LabServer puts on JUPYTER_CONFIG_PATH).
_JS_SETUP = """
() => { window.__sc = window.__sc || {iopub: {}, dialogs: []}; return true; }
"""

_JS_OPEN = """
async ({path, kernel}) => {
  const app = window.jupyterapp;
  await app.restored;
  const opts = {path, factory: 'Notebook'};
  if (kernel) opts.kernel = {name: kernel};
  const w = await app.commands.execute('docmanager:open', opts);
  await w.context.ready;
  await w.sessionContext.ready;
  const log = window.__sc.iopub[path] = [];
  w.sessionContext.iopubMessage.connect((_, msg) => {
    const t = msg.header.msg_type;
    if (t === 'error') log.push({type: 'error', text: msg.content.ename + ': ' + msg.content.evalue});
    else if (t === 'stream' && msg.content.name === 'stderr') log.push({type: 'stderr', text: msg.content.text});
  });
  app.shell.activateById(w.id);
  return w.id;
}
"""

_JS_KERNEL_IDLE = """
(path) => {
  const app = window.jupyterapp;
  const w = app.shell.currentWidget;
  if (!w || !w.context || w.context.path !== path) return false;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle' && k.connectionStatus === 'connected';
}
"""

_JS_RUN_ALL = """
async (path) => {
  const app = window.jupyterapp;
  const w = app.shell.currentWidget;
  if (w.context.path !== path) throw new Error('not the current notebook: ' + path);
  await app.commands.execute('notebook:run-all-cells');
  return true;
}
"""

_JS_DONE = """
(path) => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  if (!k || k.status !== 'idle') return false;
  // every code cell has run (or an error stopped the run: then the error is reported)
  const cells = w.content.widgets.filter(c => c.model.type === 'code');
  const errored = (window.__sc.iopub[path] || []).some(e => e.type === 'error');
  return errored || cells.every(c => c.model.executionCount !== null && c.promptNode.textContent.indexOf('*') < 0);
}
"""

_JS_REPORT = """
(path) => {
  const w = window.jupyterapp.shell.currentWidget;
  const out = {cells: 0, unexecuted: 0, errors: [], stderr: [], declared_widgets: 0, rendered_widgets: 0,
               widget_errors: [], iopub: window.__sc.iopub[path] || []};
  w.content.widgets.forEach((c, i) => {
    if (c.model.type !== 'code') return;
    out.cells += 1;
    if (c.model.executionCount === null) out.unexecuted += 1;
    const outputs = c.model.outputs.toJSON();
    for (const o of outputs) {
      if (o.output_type === 'error') out.errors.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
      if (o.output_type === 'stream' && o.name === 'stderr') out.stderr.push(`cell ${i}: ${o.text}`);
      if (o.data && o.data['WIDGET_MIME']) out.declared_widgets += 1;
    }
    const area = c.node.querySelector('.jp-OutputArea');
    if (area) {
      out.rendered_widgets += area.querySelectorAll(
        '.jp-OutputArea-output > .jupyter-widgets').length;
      const text = area.textContent;
      if (text.indexOf('Error displaying widget') >= 0) out.widget_errors.push(`cell ${i}: Error displaying widget`);
      area.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]').forEach(
        e => out.stderr.push(`cell ${i} (page): ${e.textContent.slice(0, 300)}`));
    }
  });
  return out;
}
""".replace("WIDGET_MIME", WIDGET_MIME)

_JS_CLOSE = """
async (path) => {
  const app = window.jupyterapp;
  const w = app.shell.widgets('main') ? Array.from(app.shell.widgets('main')).find(
      x => x.context && x.context.path === path) : null;
  if (!w) return false;
  try { await w.context.ready; await w.sessionContext.ready; await w.sessionContext.shutdown(); } catch (e) {}
  w.context.model.dirty = false;
  w.dispose();
  return true;
}
"""


# What the student reads: raw Python values in outputs, and controls too narrow for their text.
# A raw value is an output whose shown form is text/plain (an execute_result the student would read as Python),
# or any output text with a Python repr in it (stdout, widget text). Truncation is measured, not guessed:
# an element whose content is wider than its box (scrollWidth > clientWidth, which is what an ellipsis hides),
# an input or dropdown narrower than the text it holds, an image drawn at another aspect ratio than its pixels
# (squashed) or wider than the output it sits in (clipped).
_JS_STUDENT_VIEW = r"""
(root) => {
  const nb = document.querySelector(root);
  const out = {plain: [], reprs: [], truncated: [], images: [], widget_links: []};
  if (!nb) return out;
  const cellOf = (el) => {
    const cell = el.closest('.jp-Cell');
    return cell ? Array.from(nb.querySelectorAll('.jp-Cell')).indexOf(cell) : -1;
  };
  const REPR = [
    [/\b[A-Z][A-Za-z0-9_]*\(\s*[a-z_][a-z0-9_]*=/, 'dataclass or namedtuple repr'],
    [/<[A-Za-z_][\w.]* object at 0x[0-9a-fA-F]+>/, 'object repr'],
    [/<(Figure|Axes|matplotlib|IPython|ipywidgets)[\w. ]*[ >(]/, 'object repr'],
    [/\b(VBox|HBox|Button|HTML|Dropdown|Checkbox|Output)\(children=|\blayout=Layout\(/, 'widget repr'],
  ];
  // 1. outputs shown as plain text (an execute_result or display of a Python value)
  nb.querySelectorAll('.jp-OutputArea-output[data-mime-type="text/plain"]').forEach(el => {
    const t = el.textContent.trim();
    if (t) out.plain.push(`cell ${cellOf(el)}: a Python value shown as text: ${t.slice(0, 160)}`);
  });
  // 2. a repr anywhere in the outputs' text (stdout, widget HTML, labels)
  nb.querySelectorAll('.jp-OutputArea-output').forEach(el => {
    if (el.parentElement && el.parentElement.closest('.jp-OutputArea-output')) return;  // outermost only
    const t = el.innerText || '';
    for (const [re, what] of REPR) {
      const m = t.match(re);
      if (m) { out.reprs.push(`cell ${cellOf(el)}: ${what}: ...${t.slice(Math.max(0, m.index - 20), m.index + 100)}`); break; }
    }
  });
  // 3. controls narrower than their text
  const canvas = document.createElement('canvas').getContext('2d');
  const textWidth = (text, el) => { canvas.font = getComputedStyle(el).font; return canvas.measureText(text).width; };
  const pad = (el) => { const cs = getComputedStyle(el);
    return parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight) + parseFloat(cs.borderLeftWidth) + parseFloat(cs.borderRightWidth); };
  const visible = (el) => el.offsetParent !== null && el.getClientRects().length > 0;
  const sel = ['button', '.widget-label', '.widget-label-basic', '.widget-label-basic span', 'label',
               'input[type="number"]', 'input[type="text"]', 'select'].map(s => '.jp-OutputArea-output .jupyter-widgets ' + s).join(',');
  nb.querySelectorAll(sel).forEach(el => {
    if (!visible(el)) return;
    const tag = el.tagName.toLowerCase();
    let text, need;
    if (tag === 'input') {
      text = String(el.value || el.placeholder || '');
      // room for the value (at least three digits or characters) and a number input's spinner
      need = Math.max(textWidth(text, el), textWidth('000', el)) + pad(el) + (el.type === 'number' ? 18 : 0);
    } else if (tag === 'select') {
      const o = el.options[el.selectedIndex];
      text = o ? o.text : '';
      need = textWidth(text, el) + pad(el) + 16;   // the arrow
    } else {
      text = (el.innerText || '').trim();
      if (!text) return;
      need = el.scrollWidth;
    }
    const name = (el.closest('.widget-inline-hbox, .widget-checkbox, .widget-toggle-buttons') || el).innerText.trim().slice(0, 60);
    if (need > el.clientWidth + 1) {
      out.truncated.push(`cell ${cellOf(el)}: ${tag}${el.className ? '.' + String(el.className).split(' ')[0] : ''} ` +
                         `"${(text || name).slice(0, 60)}" needs ${Math.ceil(need)} px, has ${el.clientWidth} px` +
                         (name && name !== text ? ` (in "${name}")` : ''));
    }
  });
  // 4. a link to a notebook inside an ipywidgets HTML is a plain browser link: following it reloads the page
  //    (JupyterLab opens notebook links in a tab only in HTML and markdown it renders itself)
  nb.querySelectorAll('.widget-html-content a[href*=".ipynb"], .widget-html-content a[href*="/lab/tree/"]').forEach(a =>
    out.widget_links.push(`cell ${cellOf(a)}: "${a.textContent.trim().slice(0, 60)}" -> ${a.getAttribute('href')}`));
  // 5. images: squashed (aspect ratio) or clipped (wider than the output area they are in)
  nb.querySelectorAll('.jp-OutputArea-output img').forEach(img => {
    if (!visible(img) || !img.naturalWidth || !img.clientWidth) return;
    const natural = img.naturalWidth / img.naturalHeight, shown = img.clientWidth / img.clientHeight;
    const area = img.closest('.jp-OutputArea-output').getBoundingClientRect();
    const r = img.getBoundingClientRect();
    const alt = (img.alt || '').slice(0, 60);
    if (Math.abs(shown / natural - 1) > 0.04)
      out.images.push(`cell ${cellOf(img)}: image "${alt}" squashed: drawn ${img.clientWidth}x${img.clientHeight} ` +
                      `for ${img.naturalWidth}x${img.naturalHeight} pixels`);
    if (r.right > area.right + 1 || r.left < area.left - 1)
      out.images.push(`cell ${cellOf(img)}: image "${alt}" clipped: ${Math.round(r.width)} px wide in an output ` +
                      `${Math.round(area.width)} px wide`);
    let p = img.parentElement;
    while (p && !p.classList.contains('jp-OutputArea-output')) {
      const cs = getComputedStyle(p);
      if (cs.overflowX !== 'visible' && p.scrollWidth > p.clientWidth + 1) {
        out.images.push(`cell ${cellOf(img)}: image "${alt}" clipped by its container ` +
                        `(${p.scrollWidth} px of content in ${p.clientWidth} px)`);
        break;
      }
      p = p.parentElement;
    }
  });
  return out;
}
"""

# Follow the "Next" lesson link as a student does (a click in the page); the page must not reload.
_JS_MARK_PAGE = "() => { window.__sc_page_mark = Math.random().toString(36).slice(2); return window.__sc_page_mark; }"
_JS_NEXT_LINK = r"""
(root) => {
  const links = Array.from(document.querySelectorAll(root + ' .jp-OutputArea-output a[href*=".ipynb"]'));
  const next = links.reverse().find(a => /→|Next|Revision|course map/.test(a.textContent));
  if (!next) return null;
  next.setAttribute('data-sc-next', '1');
  return {href: next.getAttribute('href'), text: next.textContent.trim(),
          command: next.getAttribute('data-commandlinker-command'), target: next.getAttribute('target')};
}
"""
_JS_CURRENT_PATH = """
() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
        return {mark: window.__sc_page_mark || null, path: w && w.context ? w.context.path : null}; }
"""

# Close a notebook's tab the way the tab's × does (no explicit kernel shutdown); returns its kernel's id.
_JS_CLOSE_TAB = """
async (path) => {
  const app = window.jupyterapp;
  const w = Array.from(app.shell.widgets('main')).find(x => x.context && x.context.path === path);
  if (!w) return null;
  await w.context.ready;
  await w.sessionContext.ready;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  const id = k ? k.id : null;
  w.context.model.dirty = false;
  w.close();
  return id;
}
"""

_JS_KERNEL_ID = """
(path) => {
  const w = Array.from(window.jupyterapp.shell.widgets('main')).find(x => x.context && x.context.path === path);
  const k = w && w.sessionContext.session && w.sessionContext.session.kernel;
  return k ? k.id : null;
}
"""

_JS_IS_CLOSED = """
(path) => !Array.from(window.jupyterapp.shell.widgets('main')).some(x => x.context && x.context.path === path)
"""


class Lab:
    """One Chromium page with JupyterLab loaded once; notebooks are opened through its commands."""

    def __init__(self, browser, server: LabServer, viewport=(1280, 900)):
        self.server = server
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.page_errors: list[str] = []
        self.page.on("dialog", self._on_dialog)
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        self.page.goto(server.url + "/lab?reset", wait_until="domcontentloaded")
        self.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started", timeout=60_000)
        self.page.evaluate("async () => { await window.jupyterapp.restored; return true; }")
        self.page.evaluate(_JS_SETUP)

    def _on_dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, path: str, kernel: str | None = None, timeout: float = 60):
        """Open a notebook (path relative to the served root) with a fresh kernel; wait until it is idle."""
        self.page.evaluate(_JS_SETUP)
        self.page.evaluate(_JS_OPEN, {"path": path, "kernel": kernel})
        self.page.wait_for_function(_JS_KERNEL_IDLE, arg=path, timeout=timeout * 1000, polling=100)

    def run_all(self, path: str, timeout: float = 120) -> dict:
        """Run All, wait until every cell ran and the kernel is idle and outputs have rendered; return a report."""
        self.page.evaluate(_JS_RUN_ALL, path)
        self.page.wait_for_function(_JS_DONE, arg=path, timeout=timeout * 1000, polling=100)
        return self.settle(path)

    def settle(self, path: str, timeout: float = 20) -> dict:
        """Wait until the widget views declared in the outputs are rendered (or time out) and report."""
        deadline = time.monotonic() + timeout
        report = self.report(path)
        while time.monotonic() < deadline:
            if report["rendered_widgets"] >= report["declared_widgets"] or report["widget_errors"]:
                break
            self.page.wait_for_timeout(100)
            report = self.report(path)
        return report

    def report(self, path: str) -> dict:
        return self.page.evaluate(_JS_REPORT, path)

    def iopub(self, path: str) -> list:
        return self.page.evaluate("(p) => window.__sc.iopub[p] || []", path)

    def close(self, path: str):
        self.page.evaluate(_JS_CLOSE, path)

    def wait_for(self, locator, path: str, what: str, timeout: float = 10):
        """Wait for a locator; on time-out say what the kernel reported (a broken callback's traceback)."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            locator.wait_for(timeout=timeout * 1000)
        except PlaywrightTimeout:
            errs = [f"{e['type']}: {e['text'].strip()[:500]}" for e in self.iopub(path) if not is_benign(e)]
            shot = self.server.tmp / f"timeout-{len(self.page_errors)}-{int(time.time())}.png"
            try:   # what the page showed, for the one reading the failure
                self.page.screenshot(path=str(shot))
            except Exception:
                shot = None
            raise AssertionError(f"{path}: {what} did not appear within {timeout:g} s; kernel said: "
                                 + ("\n".join(errs) or "nothing")
                                 + (f"; the page: {shot}" if shot else "")) from None

    def student_view(self) -> dict:
        """Raw Python values, truncated controls and squashed or clipped images in the current notebook."""
        return self.page.evaluate(_JS_STUDENT_VIEW, ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")

    def follow_next_link(self, path: str, timeout: float = 30) -> dict:
        """Click the notebook's last lesson link (the "Next" link) as a student does; return where it led, whether
        the page stayed the same page (no reload, no "Leave site?" dialog), and what became of the lesson left:
        closed (``left_closed``), saved with its outputs first (``left_saved``), its kernel shut down
        (``left_kernel_shut_down``), and the server's kernels before the click and once the new lesson's kernel
        is up (``kernels``). The opened lesson stays open (see :meth:`close_tab`)."""

        root = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
        link = self.page.evaluate(_JS_NEXT_LINK, root)
        if link is None:
            return {"link": None}
        target = _link_target(link["href"], path)
        left_kernel = self.page.evaluate(_JS_KERNEL_ID, path)
        before = self.kernel_ids()
        mark = self.page.evaluate(_JS_MARK_PAGE)
        dialogs = len(self.dialogs)
        anchor = self.page.locator(root + " a[data-sc-next]").first
        anchor.scroll_into_view_if_needed()
        anchor.click()
        deadline = time.monotonic() + timeout
        now = {}
        while time.monotonic() < deadline:
            try:
                now = self.page.evaluate(_JS_CURRENT_PATH)
            except Exception:   # the page is navigating away: evaluation contexts are destroyed
                now = {"mark": None, "path": None}
            if now.get("path") == target or now.get("mark") != mark or len(self.dialogs) > dialogs:
                break
            self.page.wait_for_timeout(100)
        result = {"link": link, "target": target, "opened": now.get("path"),
                  "same_page": now.get("mark") == mark, "dialogs": self.dialogs[dialogs:]}
        if not result["same_page"]:   # the page reloaded: wait for the app again so later tests can go on
            self.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started", timeout=60_000)
            self.page.evaluate("async () => { await window.jupyterapp.restored; return true; }")
            self.page.evaluate(_JS_SETUP)
            return result
        if result["opened"] == target and target != path:
            try:
                self.page.wait_for_function(_JS_IS_CLOSED, arg=path, timeout=15_000, polling=100)
                result["left_closed"] = True
            except Exception:
                result["left_closed"] = False
            result["left_kernel_shut_down"] = self._kernel_gone(left_kernel)
            result["left_saved"] = self._has_outputs_on_disk(path)
            self.page.wait_for_function(_JS_KERNEL_IDLE, arg=target, timeout=60_000, polling=100)
            result["kernels"] = [len(before), len(self.kernel_ids())]
        return result

    def close_tab(self, path: str) -> bool:
        """Close a notebook's tab the way its × does (no explicit kernel shutdown); True when its kernel is then
        gone (the course's JupyterLab defaults: closing a lesson shuts its kernel down)."""
        kernel = self.page.evaluate(_JS_CLOSE_TAB, path)
        gone = self._kernel_gone(kernel)
        self.close(path)
        return gone

    def open_paths(self) -> list[str]:
        return self.page.evaluate(
            "() => Array.from(window.jupyterapp.shell.widgets('main')).filter(w => w.context).map(w => w.context.path)")

    def kernel_ids(self) -> list[str]:
        with urllib.request.urlopen(self.server.url + "/api/kernels", timeout=5) as r:
            return [k["id"] for k in json.load(r)]

    def _has_outputs_on_disk(self, path: str) -> bool:
        from urllib.parse import quote

        with urllib.request.urlopen(f"{self.server.url}/api/contents/{quote(path)}?content=1", timeout=10) as r:
            cells = json.load(r)["content"]["cells"]
        return any(c.get("outputs") for c in cells if c["cell_type"] == "code")

    def _kernel_gone(self, kernel_id: str | None, timeout: float = 15) -> bool:
        if not kernel_id:
            return False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if kernel_id not in self.kernel_ids():
                return True
            time.sleep(0.2)
        return False

    def notebook(self):
        """The current notebook panel's DOM root (a Playwright locator)."""
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first

    def shutdown(self):
        self.context.close()


def _link_target(href: str, path: str) -> str:
    """The notebook path (relative to the served root) a link in ``path``'s outputs points at: JupyterLab
    rewrites a relative link it handles to the file's URL (``http://host/files/dir/x.ipynb?_xsrf=...``)."""
    import posixpath
    from urllib.parse import unquote, urlparse

    if "://" in href or href.startswith("/"):
        p = unquote(urlparse(href).path)
        for prefix in ("/files/", "/lab/tree/", "/tree/", "/notebooks/"):
            if prefix in p:
                return p.split(prefix, 1)[1]
        return p.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(href.split("?")[0])))


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def temp_dir(prefix: str = "sciatica-browser-") -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


# ---------------------------------------------------------------------------------------------
# Accessibility: axe-core (axe-playwright-python ships axe.min.js; no network).
COURSE_CONTENT = [".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output",
                  ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownOutput"]
FAILING_IMPACTS = ("serious", "critical")


def axe_scan(page, include: list[str] | None = None, exclude: list[str] | None = None) -> list[dict]:
    """Violations found by axe-core in the page (or only in / outside the given selectors), simplified."""
    from axe_playwright_python.sync_playwright import Axe

    context = {}
    if include:
        context["include"] = [[s] for s in include]
    if exclude:
        context["exclude"] = [[s] for s in exclude]
    results = Axe().run(page, context=context or None, options={"resultTypes": ["violations"]})
    out = []
    for v in results.response.get("violations", []):
        nodes = v.get("nodes", [])
        out.append({"id": v["id"], "impact": v.get("impact") or "minor", "help": v.get("help", ""),
                    "nodes": len(nodes),
                    "example": (nodes[0].get("html", "")[:160] if nodes else ""),
                    "targets": [n.get("target") for n in nodes[:5]]})
    return out
