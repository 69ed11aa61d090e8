"""Turning course text into safe HTML. Every string from data/ (which instructors edit) is escaped:
a case or quiz containing ``<script>`` is shown literally and runs nothing."""
from __future__ import annotations

import html
import re

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def esc(text) -> str:
    """Escape text for HTML (quotes too)."""
    return html.escape("" if text is None else str(text), quote=True)


def inline(text) -> str:
    """Escape, then allow **bold** only (markup is applied after escaping, so nothing else gets through)."""
    return _BOLD.sub(r"<b>\1</b>", esc(text))


def paragraphs(text) -> str:
    """Escaped text with blank lines as paragraph breaks."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", "" if text is None else str(text)) if p.strip()]
    return "".join(f"<p>{inline(p)}</p>" for p in parts)


def source_list(keys, course) -> str:
    """An HTML list of citations for source keys (unknown keys are shown as they are)."""
    items = []
    for k in dict.fromkeys(keys):
        src = course.sources.get(k)
        if src is None:
            items.append(f"<li><code>{esc(k)}</code></li>")
            continue
        link = f' <a href="{esc(src.url)}" target="_blank" rel="noopener">{esc(src.url)}</a>' if src.url else ""
        items.append(f"<li>{esc(src.citation)}{link}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def cite(keys) -> str:
    """A short inline citation: [key1, key2]."""
    return "[" + ", ".join(esc(k) for k in keys) + "]"
