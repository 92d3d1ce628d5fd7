from .agreement import AcceptanceReview, Agreement, Milestone, MilestoneDeliverable, Payment
from .award import Award, AwardSettings, AwardTier
from .certificate import Certificate, CertificateBatch, CertificateTemplate
from .challenge_result import ChallengeResult, ChallengeWinner
from .notice import CalendarDay, Notice, Objection, ObjectionFile

__all__ = [
    "AcceptanceReview",
    "Agreement",
    "ChallengeResult",
    "ChallengeWinner",
    "Milestone",
    "MilestoneDeliverable",
    "Payment",
    "Award",
    "AwardSettings",
    "AwardTier",
    "CalendarDay",
    "Certificate",
    "CertificateBatch",
    "CertificateTemplate",
    "Notice",
    "Objection",
    "ObjectionFile",
]
