"""Reads of the judging app, one module per model; every public selector is re-exported here, so
callers write `from judging.selectors import snapshot_latest`."""

from .assignment import (
    assignments_of_judge,
    assignments_of_stage,
    judge_progress,
    worklist_progress,
)
from .audit import audit_organised
from .conflict import (
    conflict_exists,
    conflict_filter,
    conflict_reasons,
    conflicted_review_ids,
    conflicted_teams,
)
from .panel import panel_organised, panels_of_judge
from .recommendation import (
    recommendation_by_organiser,
    recommendation_dashboard,
    recommendations_received,
    track_quotas,
)
from .result import (
    NO_GROUP_KEY,
    NO_GROUP_NAME,
    SCOPE_TEAM_FIELD,
    STAGE_GROUP_KEY,
    AsFloat,
    ScoreSheetData,
    ScoringData,
    StageConsistency,
    consistency_for_stage,
    group_key_of,
    group_names,
    panel_overrides,
    result_settings_for,
    results_of_stage,
    scores_export_data,
    snapshot_latest,
    snapshots_of_stage,
    stage_scoring_data,
    tie_break_criteria,
)
from .review import reviews_organised
from .rubric import rubrics_organised

__all__ = [
    "NO_GROUP_KEY",
    "NO_GROUP_NAME",
    "SCOPE_TEAM_FIELD",
    "STAGE_GROUP_KEY",
    "AsFloat",
    "ScoreSheetData",
    "ScoringData",
    "StageConsistency",
    "assignments_of_judge",
    "assignments_of_stage",
    "audit_organised",
    "conflict_exists",
    "conflict_filter",
    "conflict_reasons",
    "conflicted_review_ids",
    "conflicted_teams",
    "consistency_for_stage",
    "group_key_of",
    "group_names",
    "judge_progress",
    "panel_organised",
    "panel_overrides",
    "panels_of_judge",
    "result_settings_for",
    "recommendation_by_organiser",
    "recommendation_dashboard",
    "recommendations_received",
    "results_of_stage",
    "reviews_organised",
    "rubrics_organised",
    "scores_export_data",
    "snapshot_latest",
    "snapshots_of_stage",
    "stage_scoring_data",
    "tie_break_criteria",
    "track_quotas",
    "worklist_progress",
]
