"""Writing a new case without Python: a commented YAML template.

``sciatica-course new-case NAME`` calls :func:`new_case`, which writes ``data/cases/NAME.yaml`` from
:data:`TEMPLATE`. The template is a complete, small, working case (an office worker with buttock pain
and low irritability) so that it validates, maps and plays at once; every field carries a comment that
explains it to an instructor who does not write Python. Edit the story, the findings, the expert's
answers and the steps; run ``sciatica-course validate`` after every change (it names the file, line and
field of every problem); ``sciatica-course case-map NAME -o map.png`` draws the steps and choices;
``sciatica-course present NAME`` plays it in a browser.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from .text import HTMLBlock

NAME_RE = re.compile(r"[a-z][a-z0-9_]*")


class AuthoringError(Exception):
    """A case cannot be written (bad name, file exists, folder missing); the message says why."""


# The template. "__CASE_ID__" and "__TITLE__" are replaced by new_case(); everything else is an example to edit.
TEMPLATE = """\
# yaml-language-server: $schema=../schema/case.schema.json
# (the line above lets editors such as VS Code check the file as you type; keep it)
# A case for the sciatica course: one file per case in data/cases/, named <id>.yaml.
#
# HOW TO WORK ON THIS FILE
#   1. Change the story, the findings, the expert's answers (expected) and the steps below.
#      Keep the indentation (two spaces per level) and the dash "-" in front of each list item.
#      Text that contains a colon ":" or starts with a quote must be put in "double quotes".
#      A long text may continue on the next lines when it starts with ">" (as below).
#   2. Check it:            sciatica-course validate
#      Every problem is listed as  file:line: field: message  -- fix them from the top.
#   3. See its shape:       sciatica-course case-map __CASE_ID__ -o __CASE_ID__.png
#   4. Play it yourself:    sciatica-course present __CASE_ID__        (then open the address it prints)
#
# RULES THE CHECK ENFORCES (a case that breaks the course's own rules is refused)
#   - every step can be reached from the start, every path ends in a debrief step, no id is misspelt;
#   - exactly one expert choice per single-choice step; expert choices are "safe";
#   - the expert's answers (expected) agree with what the course's rules give for these findings
#     (urgency, treat today, irritability, no expert technique among those the rules avoid today);
#   - a red flag always leads to referral, never to a technique.
#   Massage therapists screen and refer: they do not diagnose. Write feedback in that voice.
#
# SAFETY CLASSES (every choice has one; the check enforces the first four rules from the choice's urgency,
# treat_today and techniques, compared with what the course's rules give for the findings)
#   critical    treating when the rules require an urgent or emergency referral; any referral slower than an
#               emergency when an emergency is required; a technique a contraindication or caution excludes
#   unsafe      a routine referral (without treating) when an urgent one is required; a technique excluded
#               for the irritability level; other harm (e.g. deep pressure on an irritated nerve)
#   suboptimal  not suggesting a routine review the findings call for; over-triage by a level
#   safe        the required urgency (or one level above it); suggesting a GP, physiotherapist or midwife
#               review for a persisting problem. A choice at or above the required urgency is never unsafe.
#
# SOURCES: every "sources:" list holds keys of data/sources.yaml (open that file to find them).

# ---- who the case is about ---------------------------------------------------------------------
id: __CASE_ID__            # the case's id: lower-case letters, digits and _ ; the same as the file name
title: __TITLE__           # the title students see in the case chooser
client: Sam, 34, works at a desk and cycles at weekends   # who the client is, in one line
summary: >-                # one line for the case chooser: what the case is about, without giving the answer away
  Buttock ache after long meetings; a first visit.
story: >-                  # what the client tells you when they arrive, in their own words (blank line = new paragraph)
  "I've had an ache in my right buttock for about three weeks, mostly after long meetings.
  It goes off within ten minutes of getting up and walking about. It's a bit better this week."
difficulty: introductory   # introductory, intermediate or advanced
sex: male                  # optional: female or male (leave the line out if it does not matter)

# ---- the full presentation ---------------------------------------------------------------------
# findings: every finding that is present, in the vocabulary of data/findings.yaml (the "id" of each finding there).
# Anything not listed is absent or normal. Yes/no findings take true or false; measured ones a number
# (pain_score 0-10, settle_time_minutes, weeks_since_onset, age, pregnancy_weeks).
# Each line is {finding: <id>, value: <true, false or a number>}.
findings:
  - {finding: pain_score, value: 3}
  - {finding: night_pain, value: false}
  - {finding: settle_time_minutes, value: 10}
  - {finding: symptoms_below_knee, value: false}
  - {finding: weeks_since_onset, value: 3}
  - {finding: improving, value: true}
  - {finding: age, value: 34}

# ---- the expert's answers ----------------------------------------------------------------------
# expected: what the expert concludes. The check compares these with the course's rules for the findings above, and with the expert choices below.
expected:
  urgency: none            # emergency, urgent, routine or none (none = no referral needed)
  treat_today: true        # false whenever the client must be referred first
  irritability: low        # low, moderate or high (leave out when not treating today)
  position: prone          # prone, side_lying, semi_reclined or supine (leave out when not treating today)
  techniques: [effleurage, petrissage, broad_compression, passive_movement]   # ids of data/techniques.yaml
  avoid: []                # techniques the expert would not use today (ids of data/techniques.yaml)

# ---- where the case belongs --------------------------------------------------------------------
tags:                      # tags: where the case belongs, used to file and group it
  lesson: case_clinic      # a lesson id of data/lessons.yaml
  topics: [case_reasoning, irritability]   # short snake_case topic names (used to group results)
  mblex_domains: [C, E]    # MBLEx content domains A-G this case practises (see data/exam_domains.yaml)

# sources: the case as a whole rests on these (keys of data/sources.yaml)
sources: [irritability_synthesis, nice_cks_sciatica_red_flags, werner_2020_endangerment, technique_fit_synthesis]

# ---- the steps ---------------------------------------------------------------------------------
start: intake              # the id of the first step
steps:                     # the steps, in any order; the case starts at "start" and follows each "next"
  # Each step has:
  #   id       a snake_case name, unique in the case
  #   kind     intake (choose questions to ask), red_flag (treat or refer, how urgently), referral (what to
  #            say and do when referring), irritability (low, moderate, high), plan (position and techniques)
  #            or debrief (the end: the expert's summary; no choices)
  #   prompt   the question the student sees (for a debrief: the expert's summary)
  #   multi    true when the student may pick several choices at once (intake steps)
  #   next     the step that follows (a choice's own "next" wins)
  #   requires (optional) a must-ask gate: intake question ids that must have been asked before this step
  #            opens; gate_message is what the student is told; gate_penalty the points it costs (0-10)
  #   choices  the options the student picks from (a debrief step has none)
  # Each choice has:
  #   id        a snake_case name, unique in the whole case
  #   text      what the student sees on the button
  #   feedback  shown after choosing: what happens, what was right or wrong
  #   rationale why, in one or two sentences, backed by the sources listed under it
  #   sources   keys of data/sources.yaml
  #   safety    safe, suboptimal, unsafe or critical (see the top of this file)
  #   points    -10 to 10 (an unsafe or critical choice cannot earn points)
  #   expert    true for the choice the expert makes (several allowed in an intake step)
  #   next      (optional) the step this choice leads to, instead of the step's next
  #   intake only:       answer (what the client says) and asks (the findings this question screens for)
  #   red_flag and referral: urgency and treat_today (the check grades them against the rules, below)
  #                      transport (optional): ambulance or own_way - where the rules say call an ambulance,
  #                      sending the client their own way is graded unsafe at least
  #   irritability only: irritability
  #   plan only:         position, techniques and avoid

  - id: intake
    kind: intake
    prompt: Which questions do you ask before you decide anything? Pick all you would ask.
    multi: true
    next: red_flags
    choices:
      - id: ask_saddle
        text: Any numbness or tingling between your legs or around your back passage?
        answer: No, nothing like that.
        asks: [saddle_anaesthesia]
        feedback: Good. Clients rarely volunteer saddle numbness, so it must be asked directly.
        rationale: Saddle anaesthesia is a cauda equina warning sign and is not volunteered.
        sources: [nice_cks_sciatica_red_flags, greenhalgh_2018]
        safety: safe
        points: 1
        expert: true
      - id: ask_bladder
        text: Any change in how your bladder or bowels work?
        answer: No, all normal.
        asks: [bladder_dysfunction, bowel_dysfunction]
        feedback: Good. A new bladder or bowel change with back or leg pain needs an emergency referral.
        rationale: New bladder or bowel disturbance is a cauda equina warning sign.
        sources: [nice_cks_sciatica_red_flags, girft_ces_pathway_2023]
        safety: safe
        points: 1
        expert: true
      - id: ask_night_and_settle
        text: Does it wake you at night, and how long does it take to settle after it flares?
        answer: It never wakes me. It settles within about ten minutes once I walk around.
        asks: [night_pain, settle_time_minutes]
        feedback: Useful. No night pain and a quick settle point to low irritability.
        rationale: How little provokes the pain and how long it takes to settle are the core of irritability.
        sources: [irritability_synthesis, maitland_2014]
        safety: safe
        points: 1
        expert: true
      - id: ask_weekend
        text: What did you do at the weekend?
        answer: A long bike ride on Saturday.
        feedback: Friendly, but it does not screen for anything you need before deciding.
        rationale: Ask the screening and irritability questions first; conversation can follow.
        sources: [irritability_synthesis]
        safety: suboptimal
        points: 0

  - id: red_flags
    kind: red_flag
    prompt: From what you have heard, what do you do today?
    requires: [ask_saddle, ask_bladder]          # a must-ask gate: these questions first
    gate_message: Before you decide, ask the cauda equina screening questions (saddle area, bladder and bowels).
    gate_penalty: 2
    next: irritability
    choices:
      - id: treat_today
        text: No red flags; treat today and keep screening as we go.
        urgency: none
        treat_today: true
        feedback: Right. Nothing in the history needs a referral, and the picture is settling.
        rationale: No red-flag finding is present; keep re-checking at each visit.
        sources: [finucane_2020, nice_cks_sciatica_red_flags]
        safety: safe
        points: 2
        expert: true
      - id: refer_emergency
        text: Send Sam to the emergency department today.
        urgency: emergency
        treat_today: false
        next: end_referred
        feedback: Not needed. Nothing here points to an emergency, and an unnecessary referral worries the client.
        rationale: Emergency referral is for features such as cauda equina signs; none are present.
        sources: [nice_cks_sciatica_red_flags]
        safety: suboptimal
        points: 0

  - id: irritability
    kind: irritability
    prompt: How irritable is Sam's pain today?
    next: plan
    choices:
      - id: irritability_low
        text: Low
        irritability: low
        feedback: Right. Mild pain, no night pain, settles within minutes.
        rationale: Pain of 3/10 or less that settles within minutes and no night pain fit low irritability.
        sources: [irritability_synthesis]
        safety: safe
        points: 2
        expert: true
      - id: irritability_moderate
        text: Moderate
        irritability: moderate
        feedback: A little cautious. Nothing here suggests the pain lasts long or is easily provoked.
        rationale: Moderate irritability settles within about an hour and is provoked by specific activities.
        sources: [irritability_synthesis]
        safety: suboptimal
        points: 0
      - id: irritability_high
        text: High
        irritability: high
        feedback: Too cautious. High irritability means night pain, easy provocation or a long settle time.
        rationale: None of the high-irritability indicators is present.
        sources: [irritability_synthesis]
        safety: suboptimal
        points: 0

  - id: plan
    kind: plan
    prompt: Choose today's plan.
    next: debrief
    choices:
      - id: plan_broad
        text: Prone; effleurage, petrissage and broad compression of the gluteals, then easy passive hip movement.
        position: prone
        techniques: [effleurage, petrissage, broad_compression, passive_movement]
        feedback: A good plan. Broad work first, and re-check the symptoms as you go.
        rationale: At low irritability most techniques are suitable; broad pressure near the nerve path is kinder.
        sources: [technique_fit_synthesis, clinical_facts_sheet]
        safety: safe
        points: 3
        expert: true
      - id: plan_notch_pressure
        text: Prone; deep sustained thumb pressure into the sciatic notch to release the piriformis.
        position: prone
        techniques: [trigger_point_pressure]
        feedback: Unsafe. The sciatic notch is an endangerment site; sustained pinpoint pressure can irritate the nerve.
        rationale: Use broad, flat, lighter pressure at endangerment sites such as the sciatic notch.
        sources: [werner_2020_endangerment]
        safety: unsafe
        points: 0

  - id: debrief
    kind: debrief
    prompt: >-
      Sam had no red flags and low irritability, so treating today was right. Broad work around the
      buttock, with the symptoms re-checked as you go, suits a settling problem. Keep screening at every visit.

  - id: end_referred
    kind: debrief
    prompt: >-
      You referred Sam to the emergency department. Nothing in the history called for it: no cauda equina
      signs, no other red flag. Referral is right when a red flag is present; here it was not needed.
"""


def case_path(name: str, data_dir=None) -> Path:
    from .loading import default_data_dir

    return Path(data_dir) / "cases" / f"{name}.yaml" if data_dir is not None else \
        default_data_dir() / "cases" / f"{name}.yaml"


def template_text(name: str, title: str | None = None) -> str:
    """The template for a case called ``name`` (its id), with ``title`` (default: from the name)."""
    check_name(name)
    title = title or name.replace("_", " ").capitalize()
    return TEMPLATE.replace("__CASE_ID__", name).replace("__TITLE__", _yaml_text(title))


def _yaml_text(text: str) -> str:
    """A one-line YAML string that stays text whatever it contains."""
    import json

    one_line = " ".join(str(text).split())
    return json.dumps(one_line, ensure_ascii=False)


def check_name(name: str) -> None:
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise AuthoringError(f"{name!r} is not a usable case name: use lower-case letters, digits and _, "
                             "starting with a letter (e.g. sciatica_in_a_cyclist)")
    if len(name) > 80:
        raise AuthoringError(f"the case name is {len(name)} characters long; keep it under 80")


def new_case(name: str, data_dir: str | os.PathLike | None = None, title: str | None = None,
             overwrite: bool = False) -> Path:
    """Write ``<data_dir>/cases/<name>.yaml`` from the template and return its path.

    Refuses a name that is not snake_case, a data folder without ``sources.yaml``, an existing file
    (unless ``overwrite``) and a name already used as the id of another case."""
    check_name(name)
    from .loading import default_data_dir

    root = Path(data_dir) if data_dir is not None else default_data_dir()
    if not (root / "sources.yaml").is_file():
        raise AuthoringError(f"{root} does not look like the course's data folder (no sources.yaml)")
    path = root / "cases" / f"{name}.yaml"
    if path.exists() and not overwrite:
        raise AuthoringError(f"{path} already exists; choose another name (or use --force to overwrite it)")
    taken = _ids_in_use(root / "cases", skip=path)
    if name in taken:
        raise AuthoringError(f"the id {name!r} is already used by {taken[name]}; choose another name")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(template_text(name, title), encoding="utf-8")
    return path


def _ids_in_use(folder: Path, skip: Path) -> dict:
    """{case id: file} for the cases already in the folder (read cheaply: the top-level ``id:`` line)."""
    out = {}
    if not folder.is_dir():
        return out
    for p in sorted(folder.glob("*.yaml")):
        if p == skip:
            continue
        try:
            for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
                m = re.match(r"id:\s*['\"]?([a-z][a-z0-9_]*)", line)
                if m:
                    out[m.group(1)] = p.name
                    break
        except OSError:
            continue
    return out


# ---------------------------------------------------------------------------------------------
# Helpers for the authoring notebook: a practice copy of the data, showing, editing and checking a case file.
def practice_copy(prefix: str = "sciatica-authoring-") -> Path:
    """A temporary copy of the course's data folder to practise in (the course's own data/ is not touched)."""
    import shutil
    import tempfile

    from .loading import default_data_dir

    dst = Path(tempfile.mkdtemp(prefix=prefix)) / "data"
    shutil.copytree(default_data_dir(), dst, ignore=shutil.ignore_patterns("schema", "__pycache__"))
    return dst


_HTML = HTMLBlock


def show_file(path, first: int | str = 1, last: int | str | None = None) -> _HTML:
    """A case file (or lines first..last of it) with line numbers, shown as text. ``first`` and ``last`` may be
    texts: from the first line containing ``first`` up to (not including) the next line containing ``last``."""
    from .text import esc

    lines = Path(path).read_text(encoding="utf-8").splitlines()
    if isinstance(first, str):
        first = next((i + 1 for i, l in enumerate(lines) if first in l), 1)
    if isinstance(last, str):
        last = next((i for i, l in enumerate(lines) if i >= first and last in l), len(lines))
    last = len(lines) if last is None else min(last, len(lines))
    width = len(str(last))
    body = "\n".join(f"{i:>{width}}  {lines[i - 1]}" for i in range(max(1, first), last + 1))
    more = f"\n… ({len(lines) - last} more lines)" if last < len(lines) else ""
    return _HTML(f'<pre tabindex="0" role="region" aria-label="{esc(Path(path).name)}, lines {first} to {last}" '
                 f'style="font-size:12px;line-height:1.35;max-height:32em;overflow:auto">{esc(body + more)}</pre>',
                 body + more)


def edit(path, old: str, new: str) -> _HTML:
    """Replace the first ``old`` text in the file with ``new`` (what an instructor does in the text editor)."""
    from .text import esc

    p = Path(path)
    text = p.read_text(encoding="utf-8")
    if old not in text:
        raise AuthoringError(f"{p.name} does not contain {old!r}")
    line = text[: text.index(old)].count("\n") + 1
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    msg = f"Changed line {line} of {p.name}: {old.strip()!r} -> {new.strip()!r}"
    return _HTML(f"<p>{esc(msg)}</p>", msg)


def check(data_dir=None, case_id: str | None = None) -> _HTML:
    """Validate the data folder as ``sciatica-course validate`` does; show OK or every problem with its line.
    With ``case_id``, also play the case's expert path and show its score."""
    from .loading import load_course, validate
    from .text import esc

    root = Path(data_dir) if data_dir is not None else None
    problems = validate(root)
    if problems:
        rows = []
        for p in problems:
            f = Path(p.file)
            name = f"{f.parent.name}/{f.name}" if f.parent.name == "cases" else f.name
            rows.append(f"{name}:{p.line}: {p.field}: {p.message}")
        text = f"{len(rows)} problem(s); nothing was loaded:\n" + "\n".join(rows)
        return _HTML(f'<div role="alert"><p><b>{len(rows)} problem(s); nothing was loaded</b> '
                     f'(file:line: field: message)</p><pre style="white-space:pre-wrap">{esc(chr(10).join(rows))}</pre>'
                     f"</div>", text)
    course = load_course(root)
    text = f"OK: the data is valid ({len(course.cases)} cases)."
    if case_id is not None:
        from . import cases

        s = cases.play_expert(case_id, course)
        steps = len(course.cases[case_id].steps)
        text += (f" The case {case_id} has {steps} steps; its expert path ends at a debrief with "
                 f"{s.score:g} of {s.max_score:g} points.")
    return _HTML(f'<p role="status">✓ {esc(text)}</p>', text)


def load(data_dir):
    """The course loaded from ``data_dir`` (for the map and the player)."""
    from .loading import load_course

    return load_course(data_dir)
