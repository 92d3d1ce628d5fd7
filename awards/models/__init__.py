from .award import Award, AwardTier
from .certificate import Certificate, CertificateBatch, CertificateTemplate
from .notice import CalendarDay, Notice, Objection, ObjectionFile

__all__ = [
    "Award",
    "AwardTier",
    "CalendarDay",
    "Certificate",
    "CertificateBatch",
    "CertificateTemplate",
    "Notice",
    "Objection",
    "ObjectionFile",
]
