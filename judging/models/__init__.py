from .assignment import Assignment, AssignmentRun
from .audit import AuditLog
from .award import Award, AwardTier
from .certificate import Certificate, CertificateBatch, CertificateTemplate
from .conflict import Conflict
from .notice import CalendarDay, Notice, Objection, ObjectionFile
from .panel import JudgeProfile, PanelMembership
from .result import (
    EntryResult,
    PanelOverride,
    Promotion,
    Recommendation,
    ResultSettings,
    ResultSnapshot,
)
from .review import Review, ReviewScore
from .rubric import Criterion, Rubric

__all__ = [
    "Assignment",
    "AssignmentRun",
    "AuditLog",
    "Award",
    "AwardTier",
    "CalendarDay",
    "Certificate",
    "CertificateBatch",
    "CertificateTemplate",
    "Conflict",
    "Criterion",
    "EntryResult",
    "JudgeProfile",
    "Notice",
    "Objection",
    "ObjectionFile",
    "PanelMembership",
    "PanelOverride",
    "Promotion",
    "Recommendation",
    "ResultSettings",
    "ResultSnapshot",
    "Review",
    "ReviewScore",
    "Rubric",
]
