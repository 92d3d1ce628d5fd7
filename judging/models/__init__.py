from .assignment import Assignment, AssignmentRun
from .audit import AuditLog
from .conflict import Conflict, DeclaredRelation
from .expert import Expert, ExpertDraw, ExpertDrawPick
from .formal_check import FormalCheckDecision, MaterialChecklist
from .live import LiveEvent, LiveSession, LiveSessionState, LiveSlot, LiveSlotStatus
from .panel import JudgeProfile, PanelMembership
from .recommendation import Recommendation, RecommendationQuota
from .result import (
    EntryResult,
    PanelOverride,
    Promotion,
    ResultSettings,
    ResultSnapshot,
    ResultState,
)
from .review import Review, ReviewScore
from .rubric import Criterion, Rubric

__all__ = [
    "Assignment",
    "AssignmentRun",
    "AuditLog",
    "Conflict",
    "Criterion",
    "DeclaredRelation",
    "EntryResult",
    "Expert",
    "ExpertDraw",
    "ExpertDrawPick",
    "FormalCheckDecision",
    "JudgeProfile",
    "LiveEvent",
    "LiveSession",
    "LiveSessionState",
    "LiveSlot",
    "LiveSlotStatus",
    "MaterialChecklist",
    "PanelMembership",
    "PanelOverride",
    "Promotion",
    "Recommendation",
    "RecommendationQuota",
    "ResultSettings",
    "ResultSnapshot",
    "ResultState",
    "Review",
    "ReviewScore",
    "Rubric",
]
