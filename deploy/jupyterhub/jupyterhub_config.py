"""JupyterHub configuration for a class taking the sciatica course.

Run it with ``make class`` (``python -m deploy.jupyterhub.localhub serve``), which picks free ports on 127.0.0.1,
installs the proxy on first use and sets the environment variables below. It can also be used directly:
``jupyterhub -f deploy/jupyterhub/jupyterhub_config.py`` from the course environment.

What a student gets:
  * the course environment (the same Python that runs the hub) as their single-user JupyterLab;
  * the course notebooks copied into ``~/course/`` on first start (never overwriting their own copies later);
  * their own progress store in ``~/.sciatica-course`` (``SCIATICA_COURSE_HOME``);
  * a shared hand-in folder (``SCIATICA_HANDIN_DIR``) where a progress export lands as ``<username>.json``;
    ``sciatica-course class-report <hand-in folder>`` reads it.

Why a copy at spawn and not nbgitpuller: the notebooks ship with the installed course, so the lessons always match
the package and data that run them, it works with no network and no git remote, and a student's edited copy is never
touched by an update (nbgitpuller merges instead, which instructors on Binder/Z2JH use to push content mid-term;
deploy/kubernetes.md shows how to switch to it).

Traps avoided (see shared/design/classroom.md): kernels talk over IPC sockets, not TCP ports (a jupyter_client port
race fails about 1 kernel in 20 when many start at once); each student's JUPYTER_RUNTIME_DIR is short (Linux allows
107 characters in a socket path); each student's server gets a port below the ephemeral range that no other
student holds (a random ephemeral port was taken by someone else before a slow-starting server could bind it);
everything binds to 127.0.0.1; generous spawn timeouts for a whole class at once.

Environment variables read here (all optional):
  SCIATICA_HUB_STATE      folder for the hub's database, cookie secret, student homes and hand-ins
                          (default deploy/jupyterhub/_run/class)
  SCIATICA_HUB_PORT       public port of the proxy on 127.0.0.1 (default: a free port)
  SCIATICA_HUB_API_PORT   the hub's own port (default: a free port)
  SCIATICA_PROXY_API_PORT the proxy's REST API port (default: a free port)
  SCIATICA_HUB_PASSWORD   the shared student password (default: read from / written to STATE/password)
  SCIATICA_HUB_ADMIN_PASSWORD  password of the user ``instructor`` (admin); at least 32 characters
  SCIATICA_HUB_PROXY      the configurable-http-proxy executable (default: the one localhub installs)
  SCIATICA_HUB_SERVICE_TOKEN   if set, registers a ``class-sim`` service with this API token (used by the simulation)
  SCIATICA_HUB_RUNTIME_ROOT    short folder for per-student runtime dirs (default /tmp/sciatica-rt)
  SCIATICA_HUB_NOTEBOOKS  the course notebooks to copy (default: the notebooks of the installed course)
  SCIATICA_HUB_SINGLEUSER_ARGS extra options for every student's server (space-separated)
  SCIATICA_HUB_NICE_STUDENTS   how many nice levels students' servers run below the hub (default 5; 0: same)
  SCIATICA_LEAN_SINGLEUSER     0: start the plain jupyterhub-singleuser (default: without the hub-only modules)
  SCIATICA_HUB_FIGURES         0: do not draw the lesson figures into STATE/figures at start-up
"""
import functools
import hashlib
import os
import secrets
import shutil
import socket
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
STATE = Path(os.environ.get("SCIATICA_HUB_STATE") or HERE / "_run" / "class").resolve()  # created by configure()
HOMES = STATE / "home"
HANDIN = STATE / "handin"
FIGURES = STATE / "figures"                # the class's figure store (sciatica_course.plotting.cache)
COURSE_HOME = STATE / "course-home"        # the hub's own course home: the course data it checked (snapshot.py)
RUNTIME_ROOT = Path(os.environ.get("SCIATICA_HUB_RUNTIME_ROOT") or "/tmp/sciatica-rt")
COURSE_FOLDER = "course"          # ~/course/ in each student's home
NICE_STUDENTS = int(os.environ.get("SCIATICA_HUB_NICE_STUDENTS", "5"))   # students' servers below the hub
PROGRESS_FOLDER = ".sciatica-course"
# idle kernels are shut after this many seconds (see singleuser_args); 0 switches culling off
KERNEL_CULL_IDLE = int(os.environ.get("SCIATICA_KERNEL_CULL_IDLE", "3600"))
SOCKET_PATH_LIMIT = 107           # Linux sun_path
# the longest IPC socket name jupyter_client makes inside the runtime dir: kernel-<uuid4>-ipc-<port>
_IPC_NAME = "kernel-" + "x" * 36 + "-ipc-65535"

# Server extensions a student does not need are switched off by singleuser/jupyter_server_config.d/sciatica-class.json
# (found through JUPYTER_CONFIG_PATH): jupyter_lsp, terminals (students never type commands), voila (the
# instructor's presentation tool), notebook_shim. Fewer imports: less memory and a faster start for a whole class.
SINGLEUSER_CONFIG = HERE / "singleuser"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port(name: str) -> int:
    value = os.environ.get(name)
    return int(value) if value else free_port()


@functools.lru_cache(maxsize=None)
def course_notebooks() -> Path:
    given = os.environ.get("SCIATICA_HUB_NOTEBOOKS")
    if given:
        return Path(given)
    from sciatica_course.loading import default_data_dir

    return default_data_dir().parent / "notebooks"


def home_of(username: str) -> Path:
    return HOMES / username


def runtime_dir(username: str) -> str:
    """A short, per-student JUPYTER_RUNTIME_DIR (IPC socket paths must stay under 107 characters)."""
    short = RUNTIME_ROOT / hashlib.sha1(username.encode()).hexdigest()[:12]
    if len(str(short / _IPC_NAME)) >= SOCKET_PATH_LIMIT:
        raise ValueError(f"runtime dir {short} is too long for IPC sockets; set SCIATICA_HUB_RUNTIME_ROOT shorter")
    return str(short)


def place_course(home: Path, notebooks: Path) -> list:
    """Copy the student notebooks into ``home/course`` where missing; never overwrite a student's copy.

    The same working copy as a laptop's ``sciatica-course lab`` (:func:`sciatica_course.workcopy.place`): instructor
    notebooks and checkpoints stay out; a lesson added to the course later is added. Returns the files copied."""
    from sciatica_course.workcopy import place

    copied = place(home / COURSE_FOLDER, notebooks)
    # JupyterLab: no "get Jupyter news?" toast for a class (it also tries the network)
    setting = home / ".jupyter/lab/user-settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    if not setting.exists():
        setting.parent.mkdir(parents=True, exist_ok=True)
        setting.write_text('{"fetchNews": "false", "checkForUpdates": false}\n')
    return copied


_PORTS: dict = {}                 # username -> port handed to that student's server by this hub


def _port_range() -> range:
    """Ports below the kernel's ephemeral range (outgoing connections never take them)."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    return range(max(1024, low - 10000), low)


def server_port(username: str) -> int:
    """A port for a student's server that no other server of this hub holds and that is free now.

    JupyterHub's local spawners pick a random *ephemeral* port and the server binds it seconds later; while a whole
    class starts on 2 cores that gap reaches 20-40 s, and in a 40-student run one server found its port taken by
    then ("port ... is not available", exit code 1). Ports below the ephemeral range are not handed to outgoing
    connections, and this hub never gives one port to two students. The search starts at a random place: another
    hub on the same machine (a second class, a test) must not walk the same sequence, or its student-01 would
    answer this hub's readiness check for student-01."""
    import random

    ports = _port_range()
    taken = {p for user, p in _PORTS.items() if user != username}
    previous = _PORTS.get(username)
    start = ports.index(previous) if previous in ports else random.randrange(len(ports))
    for i in range(len(ports)):
        port = ports[(start + i) % len(ports)]
        if port in taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _PORTS[username] = port
        return port
    raise RuntimeError(f"no free port for {username} in {ports.start}-{ports.stop - 1}")


def prepare_home(username: str, home: Path) -> list:
    """A student's home before their server starts: progress folder, runtime dir, the course (first time)."""
    home.mkdir(parents=True, exist_ok=True)
    (home / PROGRESS_FOLDER).mkdir(exist_ok=True)
    HANDIN.mkdir(parents=True, exist_ok=True)
    Path(runtime_dir(username)).mkdir(parents=True, exist_ok=True, mode=0o700)
    give_checked_course(home / PROGRESS_FOLDER)
    return place_course(home, course_notebooks())


def give_checked_course(progress_home: Path) -> None:
    """Copy the course data the hub checked at start-up (``sciatica-course figures`` keeps it in COURSE_HOME, see
    sciatica_course/snapshot.py) into the student's own course home, so their first lesson reads it back instead of
    parsing every data file while the whole class starts. One already there is kept; a stale one is never used (the
    key is the data's bytes and the code)."""
    import shutil as _shutil

    target = progress_home / "course-cache"
    for kept in (COURSE_HOME / "course-cache").glob("*.pickle"):
        if (target / kept.name).exists():
            continue
        try:
            target.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = target / f".tmp-{kept.name}"
            _shutil.copyfile(kept, tmp)
            tmp.chmod(0o600)
            tmp.replace(target / kept.name)
        except OSError:
            pass


async def pre_spawn(spawner) -> None:
    """Spawner.pre_spawn_hook. The file work runs in a thread: in the hub's event loop, 40 students' copies at
    once (about 0.25 s each, several times that on a busy machine) stalled every other request for tens of seconds."""
    import asyncio

    spawner.port = server_port(spawner.user.name)   # in the loop: one allocation at a time
    home = Path(spawner.home_dir) if getattr(spawner, "home_dir", None) else home_of(spawner.user.name)
    copied = await asyncio.to_thread(prepare_home, spawner.user.name, home)
    if copied:
        spawner.log.info("placed %d course files in %s", len(copied), home / COURSE_FOLDER)


def student_environment() -> dict:
    """Spawner.environment: values are callables of the spawner (evaluated per student at spawn)."""
    return {
        "SCIATICA_COURSE_HOME": lambda sp: str(home_of(sp.user.name) / PROGRESS_FOLDER),
        "SCIATICA_HANDIN_DIR": str(HANDIN),
        "SCIATICA_STUDENT": lambda sp: sp.user.name,
        # lesson figures drawn once for the whole class at hub start (start_figure_store); students read them
        "SCIATICA_FIGURE_CACHE": str(FIGURES),
        "JUPYTER_RUNTIME_DIR": lambda sp: runtime_dir(sp.user.name),
        # the class's server config, then the course's JupyterLab defaults (closing a lesson's tab shuts its kernel)
        "JUPYTER_CONFIG_PATH": os.pathsep.join([str(SINGLEUSER_CONFIG), str(_course_jupyter_config())]),
        # a stand-in that stops an import costing 1.5 s and 16 MB per server (see singleuser/python/)
        "PYTHONPATH": str(SINGLEUSER_CONFIG / "python"),
        "MPLBACKEND": "Agg",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def _course_jupyter_config():
    from sciatica_course.jupyter_config import config_dir

    return config_dir()


def singleuser_command() -> list:
    """How a student's server starts: ``jupyterhub-singleuser`` through singleuser/python/sciatica_singleuser.py,
    which keeps the hub's own database and page modules out of every student's server (about 30 MB each; see that
    file). SCIATICA_LEAN_SINGLEUSER=0 starts the plain ``jupyterhub-singleuser`` instead."""
    if os.environ.get("SCIATICA_LEAN_SINGLEUSER", "1") == "0":
        return [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
    return [sys.executable, str(SINGLEUSER_CONFIG / "python" / "sciatica_singleuser.py")]


def singleuser_args() -> list:
    args = [
        "--KernelManager.transport=ipc",      # trap 1: no TCP port race between kernels starting together
        "--ServerApp.ip=127.0.0.1",
        # no network at run time: no extension installs from PyPI, no news feed, no update check
        "--LabApp.extension_manager=readonly",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        # The same policy as `sciatica-course lab` (sciatica_course/commands/lab.py CULL_ARGS): a kernel idle for
        # KERNEL_CULL_IDLE seconds is shut, even with its lesson's tab open (a lesson left open all day holds a
        # kernel per student); never a busy one. Moving on with a lesson's "Next" link closes the lesson left and
        # closing a lesson's tab shuts its kernel at once (sciatica_course/lesson.py, sciatica_course/jupyter_config).
        f"--MappingKernelManager.cull_idle_timeout={KERNEL_CULL_IDLE}",
        f"--MappingKernelManager.cull_interval={max(1, min(300, KERNEL_CULL_IDLE // 3))}",
        "--MappingKernelManager.cull_connected=True",
        "--MappingKernelManager.cull_busy=False",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    # extra options for the students' servers (space-separated)
    args += os.environ.get("SCIATICA_HUB_SINGLEUSER_ARGS", "").split()
    return args


def start_figure_store():
    """Draw every lesson figure into the class's figure store, in the background, at low priority: 40 students'
    kernels then show them without importing matplotlib or drawing the same pixels 40 times. Figures already
    stored for this data and code are kept; a student who arrives before it finishes draws their own.
    SCIATICA_HUB_FIGURES=0 skips it. Returns the process (or None)."""
    import subprocess

    if os.environ.get("SCIATICA_HUB_FIGURES", "1") == "0":
        return None
    FIGURES.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "sciatica_course", "figures", "--quiet", "--store", str(FIGURES),
               "--stop-with", str(os.getpid())]
    nice = shutil.which("nice")
    if nice:
        command = [nice, "-n", "10"] + command
    log = open(STATE / "figures.log", "ab")
    with log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**os.environ, "SCIATICA_COURSE_HOME": str(COURSE_HOME)})


def password(name: str, filename: str, length: int) -> str:
    """A password from the environment, or one kept in STATE/filename (created on first use)."""
    given = os.environ.get(name)
    if given:
        return given
    path = STATE / filename
    if path.exists():
        return path.read_text().strip()
    STATE.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(length)[:length]
    path.write_text(value + "\n")
    path.chmod(0o600)
    return value


def configure(c) -> None:
    STATE.mkdir(parents=True, exist_ok=True)
    HOMES.mkdir(exist_ok=True)
    HANDIN.mkdir(exist_ok=True)
    start_figure_store()

    # --- network: everything on 127.0.0.1, free ports
    c.JupyterHub.ip = "127.0.0.1"
    c.JupyterHub.port = _port("SCIATICA_HUB_PORT")
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = _port("SCIATICA_HUB_API_PORT")
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_port('SCIATICA_PROXY_API_PORT')}"
    proxy = os.environ.get("SCIATICA_HUB_PROXY") or str(HERE / "_run/proxy/node_modules/.bin/configurable-http-proxy")
    c.ConfigurableHTTPProxy.command = [proxy]
    c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")

    # --- state in one folder
    c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(STATE / "cookie_secret")
    c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
    c.JupyterHub.cleanup_servers = True          # stopping the hub stops every student's server

    # --- who may log in: one shared class password; `instructor` is the admin
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = password("SCIATICA_HUB_PASSWORD", "password", 12)
    c.SharedPasswordAuthenticator.admin_password = password("SCIATICA_HUB_ADMIN_PASSWORD", "admin_password", 32)
    c.Authenticator.admin_users = {"instructor"}
    c.Authenticator.allow_all = True

    # --- the student's JupyterLab: the course environment, notebooks placed at spawn
    c.JupyterHub.spawner_class = "simple"        # local processes without system users: one machine, a trial class
    c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
    # Students' servers run 5 nice levels below the hub: when a whole class starts at once on a few cores, the hub
    # and proxy (which every page and every spawn goes through) stay responsive (trap 4). `nice` execs, so the
    # spawner still watches the server's own process id.
    nice = shutil.which("nice")
    c.Spawner.cmd = ([nice, "-n", str(NICE_STUDENTS)] if nice and NICE_STUDENTS else []) + singleuser_command()
    c.Spawner.args = singleuser_args()
    c.Spawner.default_url = f"/lab/tree/{COURSE_FOLDER}/00_start_here.ipynb"
    c.Spawner.environment = student_environment()
    c.Spawner.pre_spawn_hook = pre_spawn
    c.Spawner.start_timeout = 300                # a whole class spawning at once on 2 cores (trap 4)
    c.Spawner.http_timeout = 300
    c.JupyterHub.concurrent_spawn_limit = 200
    c.JupyterHub.tornado_settings = {"slow_spawn_timeout": 0}  # POST /users/<u>/server answers at once (trap 3)

    # --- the simulation (or an instructor's script) drives the hub through its REST API
    token = os.environ.get("SCIATICA_HUB_SERVICE_TOKEN")
    if token:
        c.JupyterHub.services = [{"name": "class-sim", "api_token": token}]
        c.JupyterHub.load_roles = [{
            "name": "class-sim",
            "scopes": ["admin:users", "admin:servers", "access:servers", "read:hub", "tokens"],
            "services": ["class-sim"],
        }]


if "get_config" in globals():                    # loaded by JupyterHub
    configure(get_config())  # noqa: F821
elif __name__ == "__main__" and sys.argv[1:2] == ["place-course"]:
    # Kubernetes (see deploy/kubernetes.md): the pod's postStart hook copies the course into the student's home
    #   python /srv/course/deploy/jupyterhub/jupyterhub_config.py place-course
    done = place_course(Path.home(), course_notebooks())
    print(f"placed {len(done)} course files in {Path.home() / COURSE_FOLDER}")
