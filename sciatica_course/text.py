"""Turning course text into safe HTML a student can read.

Every string from data/ (which instructors edit) is escaped: a case or quiz containing ``<script>`` is shown
literally and runs nothing. Data text keeps its evidence-sheet fact IDs (``(ANAT-01)``, ``(Tomaszewski 2016,
ANAT-07)``) so reviewers can trace each fact; :func:`student_text` turns each into the author-and-year citation of
the source(s) that support that fact (the ``fact_ids`` of data/sources.yaml) in what a student reads. Citations are
shown as authors and years (:func:`short_cite`, :func:`cite`) with the full references in a Sources block
(:func:`source_list`; :func:`cited_sources` names the ones a text cites through its codes), never as source keys.
"""
from __future__ import annotations

import html
import re

_BOLD = re.compile(r"\*\*(.+?)\*\*")

# Evidence-sheet fact IDs (clinical_facts.md): internal trace codes, never shown to a student.
FACT_ID = re.compile(r"\b(?:ANAT|CASE|CI|EV|IRR|KIN|RF|ROOT|STR|TECH|TEST)-\d{2}[a-z]?\b")
_PAREN = re.compile(r"\s*(?:\(([^()]*)\)|\[([^\[\]]*)\])")
_INTERNAL = re.compile(r"\b(?:seed|source article|seed article)s?\s+\d{3}\b|\b(?:evidence |fact )?sheet section \d+\b",
                       re.I)
_FILLER = re.compile(r"^(?:[\s,;:]|\band\b|\bsee\b|\bfrom\b|\bin\b|\bevidence sheet\b|\bthe evidence sheet\b|\bsheet\b|"
                     r"\bsection \d+\b)*$", re.I)

# Which sources a fact code is cited by, best first: a guideline, review or primary study before a textbook, a
# secondary summary, and a popular (seed) article last; at most this many per code (the Sources block has the rest).
_KIND_RANK = {"guideline": 0, "review": 0, "primary": 0, "textbook": 1, "secondary": 2, "seed_article": 3}
_NOT_CITED = ("evidence_sheet", "curriculum")
MAX_CITES_PER_CODE = 2


def _citations(course) -> dict:
    """Per loaded course, built once and kept on the Course object: ``facts`` maps each fact ID to the source keys
    whose ``fact_ids`` name it (best first, see ``_KIND_RANK``); ``labels`` caches :func:`short_cite`."""
    found = getattr(course, "__dict__", {}).get("_student_citations")
    if found is not None:
        return found
    facts: dict = {}
    ranked = sorted((s for s in getattr(course, "sources", ()) if s.kind not in _NOT_CITED),
                    key=lambda s: _KIND_RANK.get(s.kind, 2))       # stable: file order within a rank
    for src in ranked:
        for fid in src.fact_ids:
            facts.setdefault(fid, []).append(src)
    # a popular (seed) article is cited for a fact only when no other source supports it
    facts = {k: tuple(s.id for s in v if s.kind != "seed_article" or all(x.kind == "seed_article" for x in v))
             for k, v in facts.items()}
    found = {"facts": facts, "labels": {}}
    try:
        object.__setattr__(course, "_student_citations", found)   # frozen dataclass: a cache, not a field
    except (AttributeError, TypeError):
        pass
    return found


def _default_course():
    try:
        from .loading import load_course

        return load_course()
    except Exception:  # a broken data folder: codes are dropped, never a traceback in a student's text
        return None


def fact_source_keys(code: str, course, prefer=()) -> tuple:
    """The source keys cited for an evidence-sheet fact code: the sources whose ``fact_ids`` name it (a code with a
    letter, ANAT-05a, falls back to ANAT-05); when the record shown has its own ``sources`` (``prefer``) among
    them, those; at most :data:`MAX_CITES_PER_CODE`. Empty when no source supports the fact."""
    if course is None:
        return ()
    facts = _citations(course)["facts"]
    keys = facts.get(code) or facts.get(re.sub(r"[a-z]$", "", code)) or ()
    mine = [k for k in keys if k in set(prefer or ())]
    return tuple((mine or keys)[:MAX_CITES_PER_CODE])


def cited_sources(text, course=None, prefer=()) -> list:
    """The source keys :func:`student_text` cites in place of the fact codes in ``text`` (for the Sources block
    beside it)."""
    s = "" if text is None else str(text)
    codes = [c for m in _PAREN.finditer(s) for c in FACT_ID.findall(m.group(1) or m.group(2) or "")]
    if not codes:
        return []
    course = course if course is not None else _default_course()
    return list(dict.fromkeys(k for c in codes for k in fact_source_keys(c, course, prefer)))


def _label(key: str, course) -> str:
    labels = _citations(course)["labels"]
    if key not in labels:
        labels[key] = short_cite(key, course)
    return labels[key]


def _same_work(label: str, text: str) -> bool:
    """Whether an author-year label is already cited in ``text``: its first name and year ("Tomaszewski et al.
    2016" in "Tomaszewski 2016", "Coppieters and Butler 2008" in "Coppieters & Butler 2008"), or the whole label
    when it has no year."""
    year = _YEAR.search(label)
    if year is None:
        return label in text
    head = label.split()[0]
    return re.search(rf"\b{re.escape(head)}\b", text) is not None and year.group(1) in text


def _clean_paren(m, course, prefer, citations: bool, named: str) -> str:
    inner = m.group(1) if m.group(1) is not None else m.group(2)
    if not (FACT_ID.search(inner) or _INTERNAL.search(inner)):
        return m.group(0)
    codes = FACT_ID.findall(inner) if citations else []
    kept = [p.strip() for p in re.split(r"[,;]", FACT_ID.sub("", _INTERNAL.sub("", inner)))]
    kept = [p for p in kept if p and not _FILLER.match(p)]
    if codes and course is None:
        course = _default_course()
    already = ", ".join(kept)
    cites = []
    for code in codes:
        labels = [_label(k, course) for k in fact_source_keys(code, course, prefer)]
        if any(_same_work(lb, already + " " + named) for lb in labels):
            continue        # "(Tomaszewski 2016, ANAT-07)", "... in Iversen 2013 (ROOT-03)": its source is named
        cites += [lb for lb in labels if lb not in cites]
    parts = ([already] if already else []) + cites
    return f" ({'; '.join(parts)})" if parts else ""


def student_text(text, course=None, prefer=(), citations: bool = True) -> str:
    """Course text as a student reads it. A bracketed evidence-sheet fact code becomes the author-and-year
    citation of the source(s) supporting that fact (data/sources.yaml ``fact_ids``; the record's own ``sources``,
    ``prefer``, first): "(ANAT-01)" -> "(StatPearls)", "[RF-03, IRR-07]" -> "(Downie et al. 2013; ...)"; a code no
    source supports, sheet sections and seed-article numbers are dropped, and an author and year already beside a
    code stay: "(Tomaszewski 2016, ANAT-07)" -> "(Tomaszewski 2016)". ``course`` defaults to the loaded course;
    ``citations=False`` only drops the codes."""
    s = "" if text is None else str(text)
    if not (FACT_ID.search(s) or _INTERNAL.search(s)):
        return s
    named = FACT_ID.sub("", s)      # the authors and years the text names itself are not cited twice
    s = _PAREN.sub(lambda m: _clean_paren(m, course, prefer, citations, named), s)
    return re.sub(r"\s+([.,;:])", r"\1", s)


_VERDICT = re.compile(r"^\s*(?:right|correct|not quite|wrong|incorrect)[.!:]\s*", re.I)


def without_verdict(text) -> str:
    """Feedback text without its own leading verdict ("Right. ..."), for widgets that print the verdict
    themselves (so a student never reads "Right. Right." or "Too high. Not quite.")."""
    return _VERDICT.sub("", "" if text is None else str(text), count=1)


def esc(text) -> str:
    """Escape text for HTML (quotes too)."""
    return html.escape("" if text is None else str(text), quote=True)


def inline(text, course=None, prefer=()) -> str:
    """Student text (:func:`student_text`: fact codes become author-year citations, ``prefer`` being the shown
    record's own sources), escaped, then **bold** allowed (markup is applied after escaping, so nothing else gets
    through)."""
    return _BOLD.sub(r"<b>\1</b>", esc(student_text(text, course, prefer)))


def speech(text, course=None) -> str:
    """What to say to a client, in quotation marks, as escaped HTML - once: a script already written in quotes
    (``"Because you have had cancer..."``) is not wrapped again (no ``“"Because``)."""
    t = str(text or "").strip()
    if t[:1] in ('"', "\u201c"):
        return inline(t, course)
    return f"\u201c{inline(t, course)}\u201d"


def paragraphs(text) -> str:
    """Escaped text with blank lines as paragraph breaks."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", "" if text is None else str(text)) if p.strip()]
    return "".join(f"<p>{inline(p)}</p>" for p in parts)


# One marker per referral urgency, everywhere a student sees one (text plus colour, never colour alone).
URGENCY_MARK = {"emergency": "!!! EMERGENCY", "urgent": "!! URGENT", "routine": "! ROUTINE", "none": "✓ NO REFERRAL"}


def human_label(identifier) -> str:
    """A snake_case id as words a student reads: ``deep_tissue`` -> "Deep tissue"."""
    words = str(identifier or "").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


_AUTHOR = re.compile(r"^(.+?)\s+[A-Z]{1,4}$")
_YEAR = re.compile(r"\b(1[89]\d{2}|20\d{2})\b")


def _authors(first: str):
    """Surnames from a Vancouver author list ("Iversen T, Solberg TK, Romner B, et al"), or None."""
    parts = [p.strip() for p in first.replace(", eds", "").split(",") if p.strip()]
    etal = bool(parts) and parts[-1].lower() in ("et al", "et al.")
    parts = [p for p in parts if p.lower() not in ("et al", "et al.")]
    names = [_AUTHOR.match(p) for p in parts]
    if not parts or not all(names):
        return None
    names = [m.group(1) for m in names]
    if etal or len(names) > 2:
        return f"{names[0]} et al."
    return " and ".join(names)


def short_cite(key: str, course=None) -> str:
    """A source as a student reads it in the text: authors and year ("Deville et al. 2000", "NICE NG59
    2016"), never its key. The full reference is in the Sources block (:func:`source_list`). Plain text."""
    if course is None:
        from .loading import load_course

        course = load_course()
    src = course.sources.get(key)
    if src is None:  # not in the bibliography (the data check prevents it): make the key readable
        m = re.match(r"^([a-z][a-z_]*?)_(\d{4})[a-z]?$", str(key))
        return f"{human_label(m.group(1)).title()} {m.group(2)}" if m else human_label(key)
    if src.kind == "evidence_sheet":
        return "the course's evidence summary"
    citation = student_text(src.citation, course, citations=False).strip()
    first = re.split(r"\.\s", citation + " ", maxsplit=1)[0].strip().rstrip(".")
    authors = _authors(first.split(";")[0])
    label = authors or first.split(" (")[0].split(":")[0].split(";")[0].strip()
    if len(label) > 60:
        label = label[:57].rsplit(" ", 1)[0] + "…"
    found = _YEAR.search(citation) if authors else None
    year = src.year if src.year and src.kind != "seed_article" else (int(found.group(1)) if found else None)
    if year and str(year) not in label:
        label = f"{label} {year}"
    return label


def cite(keys, course=None) -> str:
    """A short inline citation as escaped HTML: "(Deville et al. 2000; van der Windt et al. 2010)". ``course``
    defaults to the loaded course (looked up once per call, not per key; each label is worked out once per course)."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return ""
    if course is None:
        from .loading import load_course

        course = load_course()
    return "(" + "; ".join(esc(_label(k, course)) for k in keys) + ")"


def source_list(keys, course) -> str:
    """The Sources block: an HTML list of the full references for source keys."""
    items = []
    for k in dict.fromkeys(keys):
        src = course.sources.get(k)
        if src is None:
            items.append(f"<li>{esc(short_cite(k, course))}</li>")
            continue
        link = f' <a href="{esc(src.url)}" target="_blank" rel="noopener">{esc(src.url)}</a>' if src.url else ""
        items.append(f"<li>{esc(student_text(src.citation, course))}{link}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def sources_block(keys, course, heading: str = "Sources") -> str:
    """A collapsible "Sources" block with the full references (empty when there are none)."""
    keys = [k for k in dict.fromkeys(keys) if k]
    if not keys:
        return ""
    return f"<details><summary>{esc(heading)}</summary>{source_list(keys, course)}</details>"


# JupyterLab right-aligns the cells of every table in an HTML output (``.jp-RenderedHTMLCommon td``), which makes
# a table of titles and bullet lists hard to read. Every table the course renders is read left to right, top down.
TABLE_CSS = ("<style>.sc-html table td,.sc-html table th,.sc-widget table td,.sc-widget table th,"
             ".sc-case table td,.sc-case table th{text-align:left!important;vertical-align:top!important}"
             ".sc-html table caption,.sc-case table caption{text-align:left!important}</style>")


def html_output(html: str) -> str:
    """An HTML output as a lesson cell shows it: the course's table style, then ``html`` (left-aligned tables)."""
    return f'<div class="sc-html">{TABLE_CSS if "<table" in html else ""}{html}</div>'


class HTMLBlock:
    """Rich HTML for a lesson cell (a table, a note, a figure); ``text`` is what a plain console shows."""

    def __init__(self, html: str, text: str = ""):
        self.html, self.text = html, text

    def _repr_html_(self):
        return html_output(self.html)

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


def duration(minutes: int) -> str:
    """``540`` -> "9 h", ``535`` -> "8 h 55 min", ``45`` -> "45 min"."""
    h, m = divmod(int(minutes), 60)
    return " ".join(p for p in (f"{h} h" if h else "", f"{m} min" if m or not h else "") if p)


def clip(text, n: int) -> str:
    """``text`` on one line in at most ``n`` characters, cut at a word with "…" ("A client tells you…", never
    "pirifor…"); the whole text when it fits; a single word longer than ``n`` is cut inside it."""
    text = " ".join(str(text).split())
    if len(text) <= n:
        return text
    cut = text[:n].rsplit(" ", 1)[0] if " " in text[:n] else text[:n - 1]
    return cut.rstrip(" ,;:.-–") + "…"
