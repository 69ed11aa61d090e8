"""Checking a presentation against the findings vocabulary (``data/findings.yaml``)."""
from __future__ import annotations

from typing import Mapping


class PresentationError(ValueError):
    """A presentation passed to ``recommend`` has an unknown key, a wrong type or an out-of-range value."""

    def __init__(self, key: str, message: str):
        self.key = key
        super().__init__(f"{key}: {message}")


def validate_findings(findings: Mapping[str, object], course) -> dict:
    """Return a clean dict of the given findings, or raise :class:`PresentationError`."""
    if not isinstance(findings, Mapping):
        raise PresentationError("(findings)", f"expected a mapping of finding ids to values, got {type(findings).__name__}")
    vocab = course.findings
    out = {}
    for key, value in findings.items():
        if not isinstance(key, str) or key not in vocab:
            import difflib
            close = difflib.get_close_matches(str(key), list(vocab.ids), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise PresentationError(str(key), f"unknown finding{hint}; allowed findings (data/findings.yaml): "
                                              f"{', '.join(vocab.ids)}")
        spec = vocab[key]
        if spec.type == "bool":
            if not isinstance(value, bool):
                raise PresentationError(key, f"expected True or False, got {value!r}")
        else:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise PresentationError(key, f"expected a number ({spec.type}), got {value!r}")
            if spec.type == "int" and isinstance(value, float) and not value.is_integer():
                raise PresentationError(key, f"expected a whole number, got {value!r}")
            if value != value:  # NaN
                raise PresentationError(key, "expected a number, got NaN")
            lo, hi = spec.min, spec.max
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                rng = f"{'' if lo is None else f'{lo:g}'}..{'' if hi is None else f'{hi:g}'}"
                raise PresentationError(key, f"{value!r} is out of range (allowed {rng})")
        out[key] = value
    return out


def findings_dict(entries, course) -> dict:
    """A presentation given as data (a sequence of ``{finding, value}`` entries, e.g. a vignette's
    ``findings``) as a validated dict; whole numbers become ``int`` for int findings.
    Raises :class:`PresentationError` as :func:`validate_findings` does."""
    raw = {}
    for e in entries:
        value = e.value
        spec = course.findings.get(e.finding)
        if spec is not None and spec.type == "int" and isinstance(value, float) and value.is_integer():
            value = int(value)
        if e.finding in raw:
            raise PresentationError(e.finding, "given twice")
        raw[e.finding] = value
    return validate_findings(raw, course)
