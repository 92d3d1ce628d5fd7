from .award import Award, AwardSettings, AwardTier
from .certificate import Certificate, CertificateBatch, CertificateTemplate
from .notice import CalendarDay, Notice, Objection, ObjectionFile

__all__ = [
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
