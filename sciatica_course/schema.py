"""JSON Schema for every data file, generated from the record types (so editors check YAML as you type)."""
from __future__ import annotations

import dataclasses
import json
import typing
from pathlib import Path
from typing import Union, get_args, get_origin

from .loading import _hints, _is_optional, _required, split_annotated
from .model import COLLECTIONS
from .model.core import Doc, MinLen, Pattern, Range, Ref

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _type_schema(tp, defs: dict) -> dict:
    tp, markers = split_annotated(tp)
    optional, tp = _is_optional(tp)
    tp, more = split_annotated(tp)
    markers += more
    origin = get_origin(tp)
    if tp is str:
        s: dict = {"type": "string"}
    elif tp is bool:
        s = {"type": "boolean"}
    elif tp is int:
        s = {"type": "integer"}
    elif tp is float:
        s = {"type": "number"}
    elif origin is typing.Literal:
        s = {"enum": list(get_args(tp))}
    elif origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            s = {"type": "array", "items": _type_schema(args[0], defs)}
        else:
            s = {"type": "array", "prefixItems": [_type_schema(a, defs) for a in args],
                 "minItems": len(args), "maxItems": len(args)}
    elif origin is Union:
        s = {"anyOf": [_type_schema(a, defs) for a in get_args(tp)]}
    elif dataclasses.is_dataclass(tp):
        s = {"$ref": f"#/$defs/{tp.__name__}"}
        if tp.__name__ not in defs:
            defs[tp.__name__] = {}
            defs[tp.__name__] = _record_schema(tp, defs)
    else:  # pragma: no cover
        raise TypeError(tp)
    for m in markers:
        if isinstance(m, Range):
            if m.lo is not None:
                s["minimum"] = m.lo
            if m.hi is not None:
                s["maximum"] = m.hi
        elif isinstance(m, Pattern):
            s["pattern"] = f"^(?:{m.regex})$"
        elif isinstance(m, MinLen):
            s["minItems" if s.get("type") == "array" else "minLength"] = m.n
        elif isinstance(m, Ref):
            s.setdefault("description", f"An id in {COLLECTIONS[m.collection].path}.")
        elif isinstance(m, Doc):
            s["description"] = m.text
    if optional:
        s = {"anyOf": [s, {"type": "null"}]}
    return s


def _record_schema(cls, defs: dict) -> dict:
    hints = _hints(cls)
    props = {name: _type_schema(tp, defs) for name, tp in hints.items()}
    out = {"type": "object", "additionalProperties": False, "properties": props,
           "required": [n for n in hints if n in _required(cls)]}
    doc = (cls.__doc__ or "").strip()
    if doc and not doc.startswith(cls.__name__ + "("):
        out["description"] = " ".join(doc.split())
    return out


def collection_schema(name: str) -> dict:
    spec = COLLECTIONS[name]
    defs: dict = {}
    item = _type_schema(spec.record_type, defs)
    body = item if spec.is_folder else {"type": "array", "items": item}
    return {"$schema": DIALECT, "$id": f"{name}.schema.json", "title": spec.path,
            "description": spec.description, **body, "$defs": defs}


def schema_filename(name: str) -> str:
    spec = COLLECTIONS[name]
    return ("case" if spec.is_folder and name == "cases" else name) + ".schema.json"


def write_schemas(out: Path, check_only: bool = False) -> list[str]:
    """Write (or with ``check_only``, compare) every schema; return the files that changed."""
    out.mkdir(parents=True, exist_ok=True) if not check_only else None
    changed = []
    for name in COLLECTIONS:
        text = json.dumps(collection_schema(name), indent=2, ensure_ascii=False) + "\n"
        path = out / schema_filename(name)
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old != text:
            changed.append(path.name)
            if not check_only:
                path.write_text(text, encoding="utf-8")
    return changed
