"""Load and validate the course data: ``load_course()`` and ``DataError``.

Every file is read with PyYAML's safe loader (the C one when available) into a node tree that keeps
line numbers; values are then checked against the record types of :mod:`sciatica_course.model`.
Every problem is collected (``file:line: field.path: message``) and, if there is any, nothing is
returned: :class:`DataError` carries them all.
"""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import os
import re
import typing
from dataclasses import dataclass, make_dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, NamedTuple, Union, get_args, get_origin

import yaml

from .model import COLLECTIONS, Collection
from .model.core import MinLen, Pattern, Range, Ref

MAX_FILE_BYTES = 1_000_000     # a data file larger than this is refused
MAX_NODES = 200_000            # guards against alias ("billion laughs") expansion
MAX_CASE_FILES = 1_000

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
_ALLOWED_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null")}


class Problem(NamedTuple):
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class DataError(Exception):
    """The data folder has problems; ``.problems`` lists every one (file, line, field path, message)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(sorted(problems, key=lambda p: (p.file, p.line, p.field)))
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the course data; nothing was loaded:"
        super().__init__("\n".join([head, *map(str, self.problems)]))


# ---------------------------------------------------------------------------------------------
# The Course: one immutable Collection per data file.
def _course_class():
    fields = [(name, Collection) for name in COLLECTIONS] + [("data_dir", str),
                                                              ("fingerprint", str, dataclasses.field(default=""))]

    def summary(self) -> dict:
        """Records per collection."""
        return {name: len(getattr(self, name)) for name in COLLECTIONS}

    return make_dataclass("Course", fields, frozen=True, namespace={
        "summary": summary,
        "__doc__": "The whole validated course: one immutable Collection per data file.",
        "__repr__": lambda self: "<Course " + ", ".join(f"{k}={v}" for k, v in self.summary().items()) + ">",
    })


Course = _course_class()
Course.__module__, Course.__qualname__ = __name__, "Course"     # picklable by reference (snapshot.py)


def default_data_dir() -> Path:
    """``$SCIATICA_COURSE_DATA``, else the ``data/`` folder of the repository this package lives in,
    else the nearest ``data/`` with a ``sources.yaml`` above the working directory."""
    env = os.environ.get("SCIATICA_COURSE_DATA")
    if env:
        return Path(env)
    here = _package_data_dir()
    if (here / "sources.yaml").is_file():
        return here
    for parent in [Path.cwd(), *Path.cwd().parents]:
        if (parent / "data" / "sources.yaml").is_file():
            return parent / "data"
    return here


@lru_cache(maxsize=1)
def _package_data_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "data"     # where this file is never changes


def load_course(data_dir: str | os.PathLike | None = None):
    """Load, validate and return the whole course (immutable). Raises :class:`DataError` listing
    every problem when anything is wrong; nothing is half-loaded. Results are cached per folder
    and reloaded when a file changes (checked on every call: cheap, see ``_stamp``)."""
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    stamp = _stamp(root)
    return _load_cached(str(root), stamp)


def _stamp(root: Path) -> tuple:
    """``(path, mtime_ns, size)`` of every data file, in a fixed order: a new stamp whenever a file is added,
    removed or written, so a cached course is never served for data that changed. Every ``load_course()`` takes
    one, and a lesson calls it a hundred times or more, so this is one ``stat`` per file and nothing else (about
    0.1 ms for the course's ~40 files; ``Path.exists``/``glob``/``stat`` took 0.35 ms)."""
    base = os.fspath(root)
    out = []
    for spec in COLLECTIONS.values():
        p = os.path.join(base, spec.path)
        if spec.is_folder:
            try:
                with os.scandir(p) as entries:
                    names = sorted(e.name for e in entries if e.name.endswith(".yaml"))
            except OSError:      # no such folder (or not a folder): no files
                continue
            files = [os.path.join(p, n) for n in names]
        else:
            files = [p]
        for f in files:
            try:
                st = os.stat(f)
            except OSError:      # missing (the loader reports a missing file)
                continue
            out.append((f, st.st_mtime_ns, st.st_size))
    return tuple(out)


@lru_cache(maxsize=8)
def _load_cached(root: str, stamp: tuple):
    from . import snapshot     # a course loaded before from the same data and code, read back (see snapshot.py)

    course = snapshot.read(root, stamp)
    if course is None:
        course = _Loader(Path(root)).load()
        snapshot.write(root, stamp, course)
    return course


def validate(data_dir=None) -> list[Problem]:
    """Every problem in a data folder (an empty list when it is valid)."""
    try:
        _Loader(Path(data_dir) if data_dir is not None else default_data_dir()).load()
    except DataError as e:
        return list(e.problems)
    return []


# ---------------------------------------------------------------------------------------------
# YAML nodes -> plain values, remembering where each value came from.
class _Located(NamedTuple):
    value: Any
    line: int          # line of the value
    key_line: int      # line of the key that introduced it (== line for list items)


class _Invalid:
    pass


INVALID = _Invalid()


def _compose(text: str, filename: str, problems: list[Problem]):
    try:
        return yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 1
        msg = " ".join(x for x in (e.context, e.problem) if x)
        problems.append(Problem(filename, line, "(yaml)", f"not valid YAML: {msg}"))
    except yaml.YAMLError as e:
        problems.append(Problem(filename, 1, "(yaml)", f"not valid YAML: {e}"))
    return None


class _Tree:
    """Plain Python values built from a node tree, with a line for every path."""

    def __init__(self, filename: str, problems: list[Problem]):
        self.filename = filename
        self.problems = problems
        self.raw: list[tuple[tuple, int, str]] = []   # (path, line, message) found while building
        self.lines: dict[tuple, tuple[int, int]] = {}
        self.count = 0
        self._scalars = yaml.constructor.SafeConstructor()

    def build(self, node, path=(), key_line=None):
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig()
        line = node.start_mark.line + 1
        self.lines[path] = (line, key_line or line)
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _ALLOWED_SCALAR_TAGS:
                self._bad_tag(node, path, line)
                return INVALID
            if node.tag == _TAG + "str":
                return node.value  # the common case, without the constructor's machinery
            return self._scalars.construct_object(node, deep=True)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _TAG + "seq":
                self._bad_tag(node, path, line)
                return INVALID
            return [self.build(n, path + (i,)) for i, n in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != _TAG + "map":
                self._bad_tag(node, path, line)
                return INVALID
            out: dict = {}
            for knode, vnode in node.value:
                kline = knode.start_mark.line + 1
                if not isinstance(knode, yaml.ScalarNode) or knode.tag != _TAG + "str":
                    if knode.tag == _TAG + "merge":
                        self.raw.append((path, kline, "merge keys (<<) are not supported: write the fields out"))
                        continue
                    self.raw.append((path, kline, f"keys must be plain text, not {knode.value!r}"))
                    continue
                key = knode.value
                if key in out:
                    self.raw.append((path + (key,), kline,
                                     f"duplicate key {key!r} (first at line {self.lines[path + (key,)][1]})"))
                    continue
                out[key] = self.build(vnode, path + (key,), key_line=kline)
            return out
        return INVALID  # pragma: no cover

    def _bad_tag(self, node, path, line):
        tag = node.tag
        if tag.startswith(_TAG):
            tag = "!!" + tag[len(_TAG):]
        hint = " (a date: put it in quotes)" if tag == "!!timestamp" else ""
        self.raw.append((path, line, f"the YAML tag {tag} is not allowed here{hint}; "
                                     "only plain text, numbers, true/false, lists and mappings are"))

    def line(self, path: tuple, key: bool = False) -> int:
        p = tuple(path)
        while p and p not in self.lines:
            p = p[:-1]
        if p in self.lines:
            return self.lines[p][1 if key else 0]
        return 1


class _TooBig(Exception):
    pass


def _fmt(path: Iterable) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


# ---------------------------------------------------------------------------------------------
# Type checking against the record types.
@lru_cache(maxsize=None)
def _hints(cls) -> dict:
    return typing.get_type_hints(cls, include_extras=True)


@lru_cache(maxsize=None)
def _required(cls) -> frozenset:
    return frozenset(f.name for f in dataclasses.fields(cls)
                     if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)


def split_annotated(tp):
    """(base type, markers) of a possibly Annotated type."""
    markers: list = []
    while get_origin(tp) is typing.Annotated:
        args = get_args(tp)
        tp, markers = args[0], markers + list(args[1:])
    return tp, markers


def _is_optional(tp):
    if get_origin(tp) is Union:
        args = get_args(tp)
        if type(None) in args:
            rest = tuple(a for a in args if a is not type(None))
            return True, (rest[0] if len(rest) == 1 else Union[rest])  # type: ignore[index]
    return False, tp


@lru_cache(maxsize=None)
def _plan(tp) -> tuple:
    """(optional, base type, markers) of a field type, worked out once per type."""
    tp, markers = split_annotated(tp)
    optional, tp = _is_optional(tp)
    tp, more = split_annotated(tp)
    return optional, tp, tuple(markers) + tuple(more)


def kind_of(cls) -> tuple:
    """The ``kind`` literal values of a record type (for discriminated unions)."""
    tp = _hints(cls).get("kind")
    if tp is None:
        return ()
    base, _ = split_annotated(tp)
    return get_args(base) if get_origin(base) is typing.Literal else ()


def _describe(value) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value[:40]!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class _Checker:
    def __init__(self, tree: _Tree, record_label):
        self.tree = tree
        self.refs: list[tuple[str, str, tuple]] = []   # (collection, id, path)
        self.record_label = record_label               # path -> printable prefix

    def problem(self, path, message, key=False):
        self.tree.problems.append(Problem(self.tree.filename, self.tree.line(path, key=key),
                                          self.record_label(path), message))

    def check(self, value, tp, path):
        if value is INVALID:
            return INVALID
        optional, tp, markers = _plan(tp)
        if value is None:
            if optional:
                return None
            self.problem(path, "a value is required here (it is empty)")
            return INVALID
        out = self._check_type(value, tp, path)
        if out is INVALID:
            return INVALID
        for m in markers:
            if not self._marker(out, m, path):
                return INVALID
        return out

    def _marker(self, value, m, path) -> bool:
        if isinstance(m, Ref):
            self.refs.append((m.collection, value, path))
        elif isinstance(m, Range):
            if (m.lo is not None and value < m.lo) or (m.hi is not None and value > m.hi):
                lo = "" if m.lo is None else f"{m.lo:g}"
                hi = "" if m.hi is None else f"{m.hi:g}"
                self.problem(path, f"{value} is out of range (allowed {lo}..{hi})")
                return False
        elif isinstance(m, Pattern):
            if not re.fullmatch(m.regex, value):
                self.problem(path, f"{value!r} is not allowed: {m.hint or 'must match ' + m.regex}")
                return False
        elif isinstance(m, MinLen):
            if len(value) < m.n:
                what = "item" if isinstance(value, tuple) else "character"
                self.problem(path, f"needs at least {m.n} {what}{'s' if m.n != 1 else ''}")
                return False
        return True

    def _check_type(self, value, tp, path):
        origin = get_origin(tp)
        if tp is str:
            if isinstance(value, str):
                return value
            hint = " (put it in quotes to make it text)" if isinstance(value, (bool, int, float)) else ""
            self.problem(path, f"expected text, got {_describe(value)}{hint}")
            return INVALID
        if tp is bool:
            if isinstance(value, bool):
                return value
            self.problem(path, f"expected true or false, got {_describe(value)}")
            return INVALID
        if tp is int:
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            self.problem(path, f"expected a whole number, got {_describe(value)}")
            return INVALID
        if tp is float:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value)
            self.problem(path, f"expected a number, got {_describe(value)}")
            return INVALID
        if origin is typing.Literal:
            allowed = get_args(tp)
            if value in allowed and type(value) is type(allowed[allowed.index(value)]):
                return value
            shown = ", ".join(str(a) for a in allowed)
            hint = ""
            if isinstance(value, int) and any(isinstance(a, str) and a.isdigit() for a in allowed):
                hint = " (put it in quotes, e.g. \"003\")"
            self.problem(path, f"{value!r} is not allowed; use one of: {shown}{hint}")
            return INVALID
        if origin is tuple:
            args = get_args(tp)
            if not isinstance(value, list):
                self.problem(path, f"expected a list, got {_describe(value)}")
                return INVALID
            if len(args) == 2 and args[1] is Ellipsis:
                items = [self.check(v, args[0], path + (i,)) for i, v in enumerate(value)]
            else:
                if len(value) != len(args):
                    self.problem(path, f"expected a list of exactly {len(args)} items, got {len(value)}")
                    return INVALID
                items = [self.check(v, a, path + (i,)) for i, (v, a) in enumerate(zip(value, args))]
            return INVALID if any(x is INVALID for x in items) else tuple(items)
        if origin is Union:
            return self._union(value, get_args(tp), path)
        if dataclasses.is_dataclass(tp):
            return self._record(value, tp, path)
        raise TypeError(f"unsupported field type {tp!r}")  # pragma: no cover - a bug in the model

    def _union(self, value, options, path):
        bases = [split_annotated(o)[0] for o in options]
        classes = [b for b in bases if dataclasses.is_dataclass(b)]
        if isinstance(value, dict) and len(classes) > 1:
            kinds = {k: c for c in classes for k in kind_of(c)}
            kind = value.get("kind")
            if kind not in kinds:
                self.problem(path + ("kind",) if "kind" in value else path,
                             f"kind must be one of: {', '.join(kinds)}" +
                             ("" if "kind" in value else " (missing)"), key="kind" not in value)
                return INVALID
            return self.check(value, kinds[kind], path)
        if isinstance(value, dict) and classes:
            return self.check(value, options[bases.index(classes[0])], path)
        for opt, base in zip(options, bases):
            if base is bool and isinstance(value, bool):
                return value
            if base in (int, float) and isinstance(value, (int, float)) and not isinstance(value, bool):
                return self.check(value, opt, path)
            if base is str and isinstance(value, str):
                return self.check(value, opt, path)
        self.problem(path, f"{_describe(value)} does not fit here")
        return INVALID

    def _record(self, value, cls, path):
        if not isinstance(value, dict):
            self.problem(path, f"expected a mapping of fields, got {_describe(value)}")
            return INVALID
        hints = _hints(cls)
        ok = True
        for key in value:
            if key not in hints:
                close = difflib.get_close_matches(key, list(hints), n=1)
                sugg = f" (did you mean {close[0]!r}?)" if close else ""
                self.problem(path + (key,), f"unknown field {key!r}{sugg}; allowed: {', '.join(hints)}",
                             key=True)
                ok = False
        for name in sorted(_required(cls) - set(value), key=list(hints).index):
            self.problem(path + (name,), "missing required field", key=True)
            ok = False
        kwargs = {}
        for name, tp in hints.items():
            if name in value:
                v = self.check(value[name], tp, path + (name,))
                if v is INVALID:
                    ok = False
                kwargs[name] = v
        if not ok:
            return INVALID
        rec = cls(**kwargs)
        check = getattr(rec, "check", None)
        if check is not None:
            for field_path, message in check() or ():
                sub = _parse_path(field_path) if field_path else ()
                self.problem(path + sub, message, key=True)
                ok = False
        return rec if ok else INVALID


def whole_course_checks() -> tuple:
    """Every whole-course check, in order: each collection's own (``COLLECTIONS``), then the cases' agreement
    and grading check against ``recommend`` (:mod:`sciatica_course.casecheck`; wired here so that the model
    never imports the reasoning or the case engine)."""
    from .casecheck import check_course as check_cases

    return tuple(c for spec in COLLECTIONS.values() for c in spec.course_checks) + (check_cases,)


def _parse_path(text: str) -> tuple:
    out: list = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", text):
        out.append(int(part[1:-1]) if part.startswith("[") else part)
    return tuple(out)


# ---------------------------------------------------------------------------------------------
class _Loader:
    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.records: dict[str, list] = {}
        self.where: dict[tuple[str, str], tuple[_Tree, tuple]] = {}   # (collection, id) -> (tree, path)
        self.refs: list[tuple[str, str, _Checker, tuple]] = []
        self.unreadable: set[str] = set()   # collections with a file that is not valid YAML
        self.digest = hashlib.sha256()      # of every file's name and text, in load order: Course.fingerprint

    def display(self, p: Path) -> str:
        return str(p)

    def load(self):
        if not self.root.is_dir():
            raise DataError([Problem(str(self.root), 0, "(folder)", "no such data folder")])
        for spec in COLLECTIONS.values():
            self.records[spec.name] = []
            target = self.root / spec.path
            if spec.is_folder:
                files = sorted(target.glob("*.yaml")) if target.is_dir() else []
                if len(files) > MAX_CASE_FILES:
                    self.problems.append(Problem(self.display(target), 0, "(folder)",
                                                 f"more than {MAX_CASE_FILES} files"))
                    files = files[:MAX_CASE_FILES]
                for f in files:
                    self._load_file(spec, f, single=True)
            else:
                self._load_file(spec, target, single=False)
        self._check_refs()
        if self.problems:
            raise DataError(self.problems)
        course = Course(**{name: Collection(name, recs) for name, recs in self.records.items()},
                        data_dir=str(self.root), fingerprint=self.digest.hexdigest())
        for check in whole_course_checks():
            for coll, rid, field_path, message in check(course):
                self._course_problem(coll, rid, field_path, message)
        if self.problems:
            raise DataError(self.problems)
        return course

    def _course_problem(self, coll, rid, field_path, message):
        tree, path = self.where.get((coll, rid), (None, ()))
        sub = _parse_path(field_path) if field_path else ()
        if tree is None:
            self.problems.append(Problem(f"{self.root / COLLECTIONS[coll].path}", 1,
                                         f"{rid}.{field_path}".strip("."), message))
            return
        self.problems.append(Problem(tree.filename, tree.line(path + sub),
                                     _fmt((rid,) + sub), message))

    def _load_file(self, spec, path: Path, single: bool):
        name = self.display(path)
        if not path.is_file():
            self.problems.append(Problem(name, 0, "(file)", "file not found"))
            return
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            self.problems.append(Problem(name, 0, "(file)",
                                         f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"))
            return
        try:
            text = path.read_text(encoding="utf-8")
            self.digest.update(f"{path.name}\0{len(text)}\0".encode())
            self.digest.update(text.encode("utf-8"))
        except UnicodeDecodeError as e:
            self.problems.append(Problem(name, 1, "(file)", f"not UTF-8 text: {e.reason}"))
            return
        before = len(self.problems)
        node = _compose(text, name, self.problems)
        if len(self.problems) > before:
            self.unreadable.add(spec.name)
        if node is None:
            if not self.problems or self.problems[-1].file != name:
                if single:
                    self.problems.append(Problem(name, 1, "(file)", "the file is empty; expected one case"))
            return
        tree = _Tree(name, self.problems)
        try:
            data = tree.build(node)
        except _TooBig:
            self.problems.append(Problem(name, 1, "(file)", f"more than {MAX_NODES:,} values "
                                                            "(check anchors and aliases)"))
            return
        items = [(data, ())] if single else None
        if not single:
            if not isinstance(data, list):
                self.problems.append(Problem(name, tree.line(()), "(file)",
                                             f"expected a list of records (each starting with '- id:'), "
                                             f"got {_describe(data)}"))
                return
            items = [(rec, (i,)) for i, rec in enumerate(data)]
        seen: dict[str, int] = {}
        existing = {r.id for r in self.records[spec.name]}

        def label(p, data=data, single=single):
            rec_path = p[:0] if single else p[:1]
            rec = data if single else (data[p[0]] if p and isinstance(p[0], int) and p[0] < len(data) else None)
            rid = rec.get("id") if isinstance(rec, dict) else None
            head = rid if isinstance(rid, str) and rid else (_fmt(rec_path) or "(file)")
            rest = _fmt(p[len(rec_path):])
            return f"{head}.{rest}" if rest and not rest.startswith("[") else (head + rest if rest else head)

        checker = _Checker(tree, label)
        for rpath, line, message in tree.raw:
            self.problems.append(Problem(name, line, label(rpath) if rpath else "(file)", message))
        for rec, rpath in items:
            value = checker.check(rec, spec.record_type, rpath)
            rid = rec.get("id") if isinstance(rec, dict) else None
            if isinstance(rid, str):
                line = tree.line(rpath + ("id",))
                if rid in seen or rid in existing:
                    first = seen.get(rid)
                    where = f" (first at line {first})" if first else " (also in another file)"
                    self.problems.append(Problem(name, line, f"{rid}.id", f"duplicate id {rid!r}{where}"))
                    continue
                seen[rid] = line
                self.where[(spec.name, rid)] = (tree, rpath)
            if value is not INVALID:
                self.records[spec.name].append(value)
        for coll, ref, rpath in checker.refs:
            self.refs.append((coll, ref, checker, rpath))

    def _check_refs(self):
        ids: dict[str, set] = {}
        for name in COLLECTIONS:
            ids[name] = {k[1] for k in self.where if k[0] == name}
        for coll, ref, checker, path in self.refs:
            if coll in self.unreadable:
                continue  # its file is broken: that problem is reported already
            if ref not in ids.get(coll, ()):
                close = difflib.get_close_matches(ref, sorted(ids.get(coll, ())), n=1)
                sugg = f" (did you mean {close[0]!r}?)" if close else ""
                checker.problem(path, f"{ref!r} is not an id in {COLLECTIONS[coll].path}{sugg}")
