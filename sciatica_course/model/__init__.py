"""The typed, immutable records of the course and the registry of data files.

``COLLECTIONS`` names every collection, the file (or folder) it is read from and its record
type. The loader, the JSON Schema writer and ``sciatica-course export`` all follow it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .anatomy import (BodyRegion, Endangerment, Muscle, MyotomeTest, NervePathRecord, NerveSegment,
                      Outline, Root, Source, Variant, VariantDrawing)
from .cases import Case, Choice, Expected, FindingValue, Step, Tags
from .core import Collection
from .screening import (Accuracy, Condition, Contraindication, Finding, FindingTest, RedFlag, RedFlagRule,
                        Referral, SpecialTest)
from .teaching import ExamDomain, Lesson, QuizItem, QuizOption
from .treatment import (Claim, Dosage, Indicator, IrritabilityRecord, LevelRule, StopRule, Stretch,
                        Suitability, SuitabilityByLevel, Technique)


@dataclass(frozen=True)
class CollectionSpec:
    name: str
    path: str                 # relative to the data folder: "x.yaml" (a list) or "cases/" (one record a file)
    record_type: Any
    description: str
    course_checks: tuple[Callable[[Any], Iterable[tuple[str, str, str, str]]], ...] = field(default=())

    @property
    def is_folder(self) -> bool:
        return self.path.endswith("/")


# Export order: the architecture's list first, then the course's own additions.
COLLECTIONS: dict[str, CollectionSpec] = {s.name: s for s in (
    CollectionSpec("sources", "sources.yaml", Source, "The bibliography: every source key used in data/."),
    CollectionSpec("nerve_path", "nerve_path.yaml", NervePathRecord,
                   "The sciatic nerve as ordered segments, the schematic outlines, and the Beaton–Anson variants."),
    CollectionSpec("roots", "roots.yaml", Root, "Nerve roots L4–S1 (and S2, S3): dermatome, myotomes, reflex."),
    CollectionSpec("muscles", "muscles.yaml", Muscle, "Muscles relevant to sciatic-type symptoms."),
    CollectionSpec("techniques", "techniques.yaml", Technique, "Massage techniques and their fit by irritability."),
    CollectionSpec("contraindications", "contraindications.yaml", Contraindication,
                   "Systemic, local and caution classes, with the findings that trigger them."),
    CollectionSpec("red_flags", "red_flags.yaml", RedFlag, "Serious conditions, their triggering findings and urgency."),
    CollectionSpec("findings", "findings.yaml", Finding, "The findings vocabulary of recommend()."),
    CollectionSpec("special_tests", "special_tests.yaml", SpecialTest, "Special tests with reported accuracy."),
    CollectionSpec("irritability", "irritability.yaml", IrritabilityRecord,
                   "Irritability indicators, level rules and stop rules (a teaching synthesis)."),
    CollectionSpec("stretches", "stretches.yaml", Stretch, "Self-care stretches and the irritability each suits."),
    CollectionSpec("claims", "claims.yaml", Claim, "Popular claims from the source articles, with verdicts."),
    CollectionSpec("quizzes", "quizzes.yaml", QuizItem, "Retrieval questions, every option explained."),
    CollectionSpec("cases", "cases/", Case, "Case scenarios, one file each."),
    CollectionSpec("lessons", "lessons.yaml", Lesson, "The course map: lessons, objectives and time."),
    CollectionSpec("exam_domains", "exam_domains.yaml", ExamDomain, "MBLEx content domains A–G with weights."),
    CollectionSpec("body_regions", "body_regions.yaml", BodyRegion,
                   "Areas of the leg and foot for symptom and dermatome maps."),
    CollectionSpec("intake", "intake.yaml", screening.IntakeClient, "Intake-conversation clients: questions, answers, what each changes."),
    CollectionSpec("referral_routes", "referral_routes.yaml", screening.ReferralRoute,
                   "Where a referral goes for a particular population (pregnancy, chemotherapy, foot drop)."),
    CollectionSpec("prose_only_facts", "prose_only_facts.yaml", screening.ProseOnlyFact,
                   "Facts of the evidence sheet's red-flag and contraindication sections taught in prose only, with why."),
    CollectionSpec("vignettes", "vignettes.yaml", screening.Vignette, "Triage vignettes with their findings and expected urgency.", (screening.check_screening_data,)),
)}


def register_course_check(collection: str, check) -> None:
    """Add a whole-course check (``check(course)`` yields (collection, record_id, field_path, message))."""
    spec = COLLECTIONS[collection]
    COLLECTIONS[collection] = CollectionSpec(spec.name, spec.path, spec.record_type, spec.description,
                                             spec.course_checks + (check,))


__all__ = [
    "COLLECTIONS", "CollectionSpec", "Collection", "register_course_check",
    "Source", "NerveSegment", "Outline", "Variant", "VariantDrawing", "Endangerment", "Root", "MyotomeTest",
    "BodyRegion", "Muscle", "Finding", "FindingTest", "Condition", "RedFlag", "RedFlagRule", "Referral",
    "Contraindication", "SpecialTest", "Accuracy", "Technique", "Suitability", "SuitabilityByLevel",
    "Indicator", "LevelRule", "StopRule", "Dosage", "Stretch", "Claim", "Lesson", "ExamDomain",
    "QuizItem", "QuizOption", "Case", "Step", "Choice", "FindingValue", "Tags", "Expected",
]
