"""Student-visible text cites authors and years, never the evidence sheet's fact IDs (RF-01, ANAT-05...), in the
cases and the clinical collections the cases and lessons draw on. (Issue 15 found fact IDs shown to students in
the anatomy, roots, muscles, techniques, stretches and claims records.)"""
import dataclasses
import re

import pytest

from sciatica_course import load_course

COURSE = load_course()
FACT_ID = re.compile(r"\b(?:ANAT|ROOT|TEST|RF|IRR|CI|EV|TECH|CASE)-\d+[a-z]?\b")
COLLECTIONS = ("cases", "nerve_path", "roots", "muscles", "techniques", "stretches", "claims", "body_regions")
NOT_SHOWN = {"id", "fact_ids", "sources", "asks", "requires", "techniques", "avoid"}


def texts(value, path=""):
    if isinstance(value, str):
        yield path, value
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            if f.name not in NOT_SHOWN:
                yield from texts(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, (tuple, list)):
        for i, v in enumerate(value):
            yield from texts(v, f"{path}[{i}]")


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_no_fact_ids_in_student_text(collection):
    found = [(r.id + p, FACT_ID.findall(t)) for r in getattr(COURSE, collection) for p, t in texts(r)
             if FACT_ID.search(t)]
    assert found == [], found


def test_the_check_would_see_one():
    assert FACT_ID.search("the nerve lies on the rotators (ANAT-05a)") and not FACT_ID.search("Hanna 2015; L4-L5")
