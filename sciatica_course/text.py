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


def human_label(identifier) -> str:
    """A snake_case id as words a student reads: ``deep_tissue`` -> "Deep tissue"."""
    words = str(identifier or "").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


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


class HTMLBlock:
    """Rich HTML for a lesson cell (a table, a note, a figure); ``text`` is what a plain console shows."""

    def __init__(self, html: str, text: str = ""):
        self.html, self.text = html, text

    def _repr_html_(self):
        return self.html

    def __str__(self):
        return self.html

    def __repr__(self):
        return self.text or self.html


def html_table(caption: str, head, rows) -> HTMLBlock:
    """An accessible table: a caption, column headers with scope, cells given as HTML (escape them first)."""
    th = "".join(f"<th scope='col' style='text-align:left'>{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td style='text-align:left;vertical-align:top'>{c}</td>" for c in r)
                   + "</tr>" for r in rows)
    return HTMLBlock(f"<table><caption>{esc(caption)}</caption><thead><tr>{th}</tr></thead>"
                     f"<tbody>{body}</tbody></table>")
