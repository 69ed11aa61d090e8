"""A simulated student on the class hub (``localhub simulate``): their REST calls, a kernel client that speaks to
their server as JupyterLab does, and their sitting - a path of lessons, each opened, run, answered, left as the page
leaves it - then a hand-in."""
from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Optional

PATH_START = "01_sciatic_nerve_path.ipynb"     # the simulated sitting: three lessons in a row from here
PATH_LESSONS = 3


class HubError(RuntimeError):
    """The hub or a student's server did not do what a class needs (the message says what)."""


class Api:
    """REST calls to the hub as the simulation service; records every hub API call's latency."""

    def __init__(self, hub, latencies: list, lock: threading.Lock, by_kind: Optional[dict] = None):
        import requests

        self.hub = hub
        self.by_kind = by_kind if by_kind is not None else {}
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {hub.token}"
        self.latencies = latencies
        self.lock = lock

    def hub_api(self, method: str, path: str, timeout: float = 120, **kw):
        t = time.monotonic()
        r = self.http.request(method, f"{self.hub.url}/hub/api{path}", timeout=timeout, **kw)
        kind = method + " " + re.sub(r"^/users/[^/]+", "/users/{name}", path)
        with self.lock:
            self.latencies.append(time.monotonic() - t)
            self.by_kind.setdefault(kind, []).append(time.monotonic() - t)
        return r

    def server(self, user: str, method: str, path: str, timeout: float = 120, **kw):
        return self.http.request(method, f"{self.hub.url}/user/{user}{path}", timeout=timeout, **kw)


@dataclass
class LessonRun:
    """One lesson on a student's path: opened (a session, as JupyterLab opens a notebook), run, answered."""
    notebook: str
    started_s: float                            # class start -> the student opened this lesson
    feedback_s: Optional[float] = None          # lesson opened -> the feedback of its first answer on screen
    cells: int = 0
    comms_opened: int = 0
    next_link: str = ""                         # the lesson the page's "Next" link leads to
    session_id: str = ""
    kernel_id: str = ""


@dataclass
class StudentResult:
    name: str
    ok: bool = False
    stage: str = "created"
    error: str = ""
    notebook: str = ""                          # the last lesson of the path (where the student stops)
    lessons: list = field(default_factory=list)   # LessonRun per lesson, in order
    spawn_s: Optional[float] = None            # class start -> server ready
    first_feedback_s: Optional[float] = None   # class start -> feedback of their first answer on screen
    cells: int = 0
    comms_opened: int = 0
    case: str = ""
    case_score: str = ""
    handed_in: str = ""
    # memory at the end of the path, kernels left as the student left them
    kernels_alive: Optional[int] = None
    server_rss_mb: Optional[float] = None
    kernel_rss_mb: Optional[float] = None
    student_pss_mb: Optional[float] = None
    student_uss_mb: Optional[float] = None
    student_distinct_mb: Optional[float] = None  # server + kernels, every physical page counted once
    server_cpu_s: Optional[float] = None       # CPU seconds used so far (start, lesson, hand-in)
    kernel_cpu_s: Optional[float] = None
    # the same after the kernels of the lessons the student has left are shut (closing a tab, or the idle culler)
    closed: dict = field(default_factory=dict)

    @property
    def rss_total_mb(self) -> Optional[float]:
        if self.server_rss_mb is None:
            return None
        return round(self.server_rss_mb + (self.kernel_rss_mb or 0), 1)

    @property
    def lesson_feedback_max_s(self) -> Optional[float]:
        """The longest wait, over the path, from opening a lesson to the feedback of its first answer."""
        waits = [lr.feedback_s for lr in self.lessons if lr.feedback_s is not None]
        return round(max(waits), 1) if waits else None


# the student's hand-in: plays a case through the engine, then exports progress into the hand-in folder
HANDIN_CODE = r'''
def _sciatica_handin(variant):
    import json, os
    from sciatica_course import progress
    out = {"case": "", "score": ""}
    try:
        from sciatica_course import cases
    except ImportError:
        cases = None
    if cases is not None and hasattr(cases, "play_expert"):
        from sciatica_course import load_course
        course = load_course()
        ids = [c.id for c in course.cases]
        if ids:
            case_id = ids[variant % len(ids)]
            session = cases.start(case_id, course=course)
            step = 0
            while not session.finished and step < 60:
                choice = session.expert_choices()
                current = session.current
                options = [getattr(o, "id", o) for o in (getattr(current, "choices", None) or getattr(current, "options", None) or [])]
                # some students stray from the expert path once, so the class report has something to show
                if variant % 3 == 1 and step == variant % 4 and isinstance(choice, str):
                    others = [o for o in options if o != choice]
                    if others:
                        choice = others[0]
                session.choose(choice, confidence=1 + variant % 3)
                step += 1
            progress.record_case_attempt(session.to_attempt())
            out.update(case=case_id, score=f"{session.score}/{session.max_score}")
    name = os.environ.get("SCIATICA_STUDENT") or os.environ.get("JUPYTERHUB_USER") or "student"
    progress.set_student_name(name)
    path = os.path.join(os.environ["SCIATICA_HANDIN_DIR"], name + ".json")
    progress.export_progress(path)
    out["handed_in"] = path
    return json.dumps(out)
print("SCIATICA-HANDIN " + _sciatica_handin({VARIANT}))
del _sciatica_handin
'''


class KernelClient:
    """A kernel on a student's server, spoken to over the websocket exactly as JupyterLab does (JSON messages)."""

    def __init__(self, api: Api, user: str, kernel_id: str, timeout: float = 180):
        import websocket

        self.session = uuid.uuid4().hex
        self.user = user
        url = api.hub.url.replace("http", "ws", 1) + f"/user/{user}/api/kernels/{kernel_id}/channels" \
            f"?session_id={self.session}"
        self.ws = websocket.create_connection(url, header=[f"Authorization: token {api.hub.token}"],
                                              timeout=timeout)
        self.comms: dict = {}        # comm_id -> state at open
        self.updates: list = []      # (time, comm_id, state)
        self.stdout: list = []
        self.stderr: list = []       # anything on stderr would be on the student's screen
        self.html: list = []         # HTML outputs (display_data / execute_result): the Next link is one

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass

    def _msg(self, msg_type: str, content: dict, channel: str = "shell") -> dict:
        return {"header": {"msg_id": uuid.uuid4().hex, "username": self.user, "session": self.session,
                           "msg_type": msg_type, "version": "5.3",
                           "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
                "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": []}

    def _recv(self, deadline: float) -> dict:
        import websocket

        self.ws.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            msg = json.loads(self.ws.recv())
        except websocket.WebSocketTimeoutException:
            raise TimeoutError("the kernel sent nothing in time") from None
        kind = msg.get("msg_type") or msg["header"]["msg_type"]
        content = msg.get("content", {})
        if kind == "comm_open":
            self.comms[content["comm_id"]] = content.get("data", {}).get("state", {})
        elif kind == "comm_msg":
            data = content.get("data", {})
            if data.get("method") == "update":
                state = data.get("state", {})
                self.comms.setdefault(content["comm_id"], {}).update(state)   # e.g. add_class() after creation
                self.updates.append((time.monotonic(), content["comm_id"], state))
        elif kind == "stream":
            (self.stdout if content.get("name") == "stdout" else self.stderr).append(content.get("text", ""))
        elif kind in ("display_data", "execute_result"):
            self.html.append(content.get("data", {}).get("text/html", ""))
        return msg

    def _send_wait(self, msg: dict, deadline: float) -> dict:
        """Send and read until the reply and the kernel's idle status for it have both arrived."""
        self.ws.send(json.dumps(msg))
        mid = msg["header"]["msg_id"]
        reply, idle, error = None, False, None
        while not (reply and idle):
            m = self._recv(deadline)
            if m.get("parent_header", {}).get("msg_id") != mid:
                continue
            kind = m.get("msg_type") or m["header"]["msg_type"]
            if kind.endswith("_reply"):
                reply = m
            elif kind == "status" and m["content"].get("execution_state") == "idle":
                idle = True
            elif kind == "error":
                error = m["content"]
        if not (reply and idle):
            raise TimeoutError(f"no answer from the kernel to {msg['header']['msg_type']}")
        if error or reply["content"].get("status") == "error":
            e = error or reply["content"]
            raise RuntimeError(f"{e.get('ename')}: {e.get('evalue')}")
        return reply

    def execute(self, code: str, timeout: float = 180) -> dict:
        return self._send_wait(self._msg("execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True}), time.monotonic() + timeout)

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._send_wait(self._msg("kernel_info_request", {}), min(deadline, time.monotonic() + 10))
                return
            except TimeoutError:
                if time.monotonic() >= deadline:
                    raise

    def click(self, comm_id: str, timeout: float = 60) -> None:
        """What the browser sends when a student clicks an ipywidgets Button, or the first button of a group of
        option buttons (ToggleButtons: the browser sets the group's index)."""
        state = self.comms.get(comm_id, {})
        if state.get("_model_name") == "ToggleButtonsModel":
            data = {"method": "update", "state": {"index": 0}, "buffer_paths": []}
        else:
            data = {"method": "custom", "content": {"event": "click"}}
        self.ws.send(json.dumps(self._msg("comm_msg", {"comm_id": comm_id, "data": data})))

    def wait_update(self, predicate, since: int, timeout: float = 60) -> float:
        """The time the first widget update matching ``predicate`` (after update number ``since``) arrived."""
        deadline = time.monotonic() + timeout
        seen = since
        while True:
            for t, cid, state in self.updates[seen:]:
                if predicate(cid, state):
                    return t
            seen = len(self.updates)
            try:
                self._recv(deadline)
            except TimeoutError:
                raise TimeoutError("no feedback appeared after the click") from None


def _answer_button(comms: dict) -> Optional[str]:
    """The first question's answer buttons on screen: a group of option buttons (the course's ``sc-options``
    ToggleButtons) or an answer button (a Button with the course's ``sc-option`` class)."""
    for cid, state in comms.items():
        classes = state.get("_dom_classes") or []
        if (state.get("_model_name") == "ToggleButtonsModel" and "sc-options" in classes) or \
                (state.get("_model_name") == "ButtonModel" and "sc-option" in classes):
            return cid
    return None


def _is_feedback(cid, state) -> bool:
    return "sc-feedback" in str(state.get("value", ""))


_LESSON_LINK = re.compile(r"""href=["']((?:\./)?\d\d_[A-Za-z0-9_]+\.ipynb)["']""")


def next_link(kc: "KernelClient") -> str:
    """The lesson the page's "Next" link leads to: the last lesson link among the lesson's outputs (an HTML output,
    or a widget's HTML value), as a student sees it at the end of the lesson."""
    texts = list(kc.html) + [str(state.get("value", "")) for state in kc.comms.values()]
    found = [m for t in texts for m in _LESSON_LINK.findall(t)]
    return found[-1].removeprefix("./") if found else ""


def wait_until_ready(api: Api, user: str, deadline: float) -> None:
    """Follow the hub's spawn progress stream (what the browser's "server starting" page does: one long request,
    no polling load on a hub that is busy starting a whole class), then confirm with one GET."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"server of {user} not ready in time")
        try:
            with api.http.get(f"{api.hub.url}/hub/api/users/{user}/server/progress", stream=True,
                              timeout=(30, left)) as r:
                for line in r.iter_lines(decode_unicode=True):
                    if not line or not line.startswith("data:"):
                        continue
                    event = json.loads(line[5:])
                    if event.get("failed"):
                        raise HubError(f"the server of {user} failed to start: {event.get('message')}")
                    if event.get("ready"):
                        break
        except HubError:
            raise
        except Exception:  # a dropped stream under load: fall back to asking once, then follow again
            time.sleep(1)
        model = api.hub_api("GET", f"/users/{user}", timeout=max(5, deadline - time.monotonic())).json()
        server = (model.get("servers") or {}).get("")
        if server and server.get("ready"):
            return
        if not server:
            raise HubError(f"the server of {user} stopped while starting (see hub.log)")
        time.sleep(1)


def run_lesson(api: Api, user: str, notebook: str, t0: float, timeout: float) -> tuple:
    """Open ``notebook`` as JupyterLab does (a session starts its kernel), run its cells as Run All does, answer the
    first question as soon as it is on screen and wait for its feedback. Returns (LessonRun, KernelClient)."""
    run = LessonRun(notebook=notebook, started_s=round(time.monotonic() - t0, 1))
    opened = time.monotonic()
    r = api.server(user, "GET", f"/api/contents/course/{notebook}", timeout=timeout)
    if r.status_code == 404:
        raise HubError(f"no {notebook} in ~/course of {user}")
    r.raise_for_status()
    cells = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
             for c in r.json()["content"]["cells"] if c["cell_type"] == "code"]
    sess = api.server(user, "POST", "/api/sessions", timeout=timeout, json={
        "path": f"course/{notebook}", "name": notebook, "type": "notebook", "kernel": {"name": "python3"}})
    sess.raise_for_status()
    run.session_id, run.kernel_id = sess.json()["id"], sess.json()["kernel"]["id"]
    kc = KernelClient(api, user, run.kernel_id, timeout=timeout)
    try:
        kc.wait_ready(timeout)
        for i, code in enumerate(cells):
            if not code.strip():
                continue
            try:
                kc.execute(code, timeout=timeout)
            except RuntimeError as e:
                raise RuntimeError(f"cell {i + 1} of {notebook}: {e}") from None
            run.cells += 1
            button = _answer_button(kc.comms) if run.feedback_s is None else None
            if button:   # the student answers the first question as soon as it is on screen
                since = len(kc.updates)
                kc.click(button)
                run.feedback_s = round(kc.wait_update(_is_feedback, since, timeout=timeout) - opened, 2)
        run.comms_opened = len(kc.comms)
        if run.feedback_s is None:
            raise HubError(f"{notebook} showed no answer button to click")
        if kc.stderr:
            raise HubError(f"{notebook} showed error output: {''.join(kc.stderr)[:300]}")
        run.next_link = next_link(kc)
    except BaseException:
        kc.close()
        raise
    return run, kc


def run_student(api: Api, user: str, index: int, t0: float, timeout: float, start: str = PATH_START,
                lessons: int = PATH_LESSONS, navigation: str = "page") -> StudentResult:
    """One student's sitting: their server starts; they open ``start`` and work through ``lessons`` lessons in a row,
    moving on by each lesson's "Next" link; at the end they hand in. ``navigation``: "page" - as the page does
    (sciatica_course/lesson.py): the link opens the next lesson and then saves and closes the lesson left, which
    shuts its kernel; "tab" - the lesson left stays open in its tab with its kernel (the page before that, or a
    student who opens lessons from the file browser). Kernels are then left as the student leaves them (their
    websockets close, as when the laptop lid closes)."""
    res = StudentResult(name=user)
    clients: list = []
    try:
        res.stage = "spawn"
        r = api.hub_api("POST", f"/users/{user}/server", timeout=timeout)
        if r.status_code not in (201, 202, 400):   # 400: already running
            raise HubError(f"start server: HTTP {r.status_code} {r.text[:200]}")
        wait_until_ready(api, user, t0 + timeout)
        res.spawn_s = time.monotonic() - t0

        notebook = start
        for n in range(lessons):
            res.stage = f"lesson {n + 1} ({notebook})"
            run, kc = run_lesson(api, user, notebook, t0, timeout)
            if navigation == "page" and res.lessons:   # the next lesson is open: the page closes the one left
                left = res.lessons[-1]
                clients[-1].close()
                api.server(user, "DELETE", f"/api/sessions/{left.session_id}", timeout=timeout).raise_for_status()
            clients.append(kc)
            res.lessons.append(run)
            res.notebook = notebook
            res.cells += run.cells
            res.comms_opened += run.comms_opened
            if res.first_feedback_s is None:
                res.first_feedback_s = run.started_s + run.feedback_s
            if n + 1 == lessons:
                break
            if not run.next_link:
                raise HubError(f"{notebook} showed no link to a next lesson")
            notebook = run.next_link

        res.stage = "hand in"
        kc = clients[-1]
        kc.stdout.clear()
        kc.execute(HANDIN_CODE.replace("{VARIANT}", str(index)), timeout=timeout)
        line = next((s for s in "".join(kc.stdout).splitlines() if s.startswith("SCIATICA-HANDIN ")), None)
        if not line:
            raise HubError("the hand-in printed nothing")
        info = json.loads(line.split(" ", 1)[1])
        res.case, res.case_score, res.handed_in = info["case"], info["score"], info["handed_in"]
        res.stage = "done"
        res.ok = True
    except Exception as e:
        res.error = f"{type(e).__name__}: {e}"[:500]
    finally:
        for kc in clients:
            kc.close()
    return res


def close_left_lessons(api: Api, res: StudentResult, timeout: float) -> int:
    """Shut the kernels of every lesson but the last (what closing those tabs, or the idle culler, does).
    Returns how many were shut."""
    shut = 0
    for run in res.lessons[:-1]:
        r = api.server(res.name, "DELETE", f"/api/sessions/{run.session_id}", timeout=timeout)
        shut += r.status_code == 204
    return shut
