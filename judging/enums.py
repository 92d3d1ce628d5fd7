from django.db import models

from judging.aggregation import AggregationMethod, TieBreakKind  # noqa: F401  one definition


class PanelStatus(models.TextChoices):
    INVITED = "invited", "已邀请 Invited"
    ACCEPTED = "accepted", "已接受 Accepted"
    DECLINED = "declined", "已谢绝 Declined"


class ReviewerClass(models.TextChoices):
    """Who a panel member reviews as: an expert, or a challenge's publisher (评榜), whose scores
    count with the stage's publisher weight (`ResultSettings.publisher_weight`)."""

    EXPERT = "expert", "评审专家 Expert"
    PUBLISHER = "publisher", "发榜方 Publisher"


class ConflictSource(models.TextChoices):
    SAME_ORGANISATION = "same_organisation", "同单位 Same organisation"
    TEAM_MEMBER = "team_member", "团队成员 Member or advisor of the team"
    SAME_PROVINCE = "same_province", "同省 Same province"
    DECLARED_BY_JUDGE = "declared_by_judge", "评委申请回避 Declared by the judge"
    DECLARED_BY_ORGANISER = "declared_by_organiser", "组委会指定回避 Declared by the organiser"
    CONTESTANT = "contestant", "参赛人员 On a team of the contest"
    DECLARED_RELATION = "declared_relation", "亲属或学生 A declared relative or student"


AUTO_CONFLICT_SOURCES = (
    ConflictSource.SAME_ORGANISATION,
    ConflictSource.TEAM_MEMBER,
    ConflictSource.SAME_PROVINCE,
    ConflictSource.CONTESTANT,
    ConflictSource.DECLARED_RELATION,
)


class RelationKind(models.TextChoices):
    RELATIVE = "relative", "亲属 Relative"
    STUDENT = "student", "学生 Student"


class AssignmentSource(models.TextChoices):
    AUTO = "auto", "自动分配 Automatic"
    MANUAL = "manual", "手动分配 Manual"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "排队中 Queued"
    RUNNING = "running", "进行中 Running"
    DONE = "done", "已完成 Done"
    INFEASIBLE = "infeasible", "不可行 Infeasible"
    FAILED = "failed", "失败 Failed"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "草稿 Draft"
    SUBMITTED = "submitted", "已提交 Submitted"


class RankingScope(models.TextChoices):
    STAGE = "stage", "整个阶段 Whole stage"
    TRACK = "track", "按赛道 Per track"
    GROUP = "group", "按组别 Per group"
    CHALLENGE = "challenge", "按榜题 Per challenge"


class PromotionRule(models.TextChoices):
    TOP_N = "top_n", "每组前N名 Top N per ranking group"
    TOP_PERCENT = "top_percent", "前X% Top X percent"
    THRESHOLD = "threshold", "分数线 Score threshold"
    HAND_PICKED = "hand_picked", "指定名单 Hand-picked"
    FORMAL_PASSED = "formal_passed", "形式审查通过 Passed the formal check"


class RecommendationStatus(models.TextChoices):
    RECOMMENDED = "recommended", "已推荐 Recommended"
    WITHDRAWN = "withdrawn", "已撤回 Withdrawn"
    ACCEPTED = "accepted", "已接收 Accepted"
    RETURNED = "returned", "已退回 Returned"


# Recommendations that hold a place under the quotas.
RECOMMENDATION_ACTIVE = (RecommendationStatus.RECOMMENDED, RecommendationStatus.ACCEPTED)


class SnapshotStatus(models.TextChoices):
    PUBLISHED = "published", "已公布 Published"
    WITHDRAWN = "withdrawn", "已更正 Corrected"


class AssignmentMode(models.TextChoices):
    FULL = "full", "全部重排 Full"
    TOP_UP = "top_up", "补足 Top up"


class StagePhase(models.TextChoices):
    PREPARING = "preparing", "筹备中 Preparing"
    SUBMISSION_OPEN = "submission_open", "提交中 Submission open"
    SUBMISSION_CLOSED = "submission_closed", "提交已截止 Submission closed"
    REVIEW_OPEN = "review_open", "评审中 Review open"
    REVIEW_CLOSED = "review_closed", "评审已截止 Review closed"
    RESULTS_PUBLISHED = "results_published", "成绩已公布 Results published"
    UNDER_CORRECTION = "under_correction", "更正中 Under correction"


class FormalCheckOutcome(models.TextChoices):
    """One decision of the formal check (形式审查) on an entry."""

    PASS = "pass", "通过 Pass"
    RETURN = "return", "退回补正 Return for correction"
    REJECT = "reject", "不通过 Reject"


class FormalCheckState(models.TextChoices):
    """Where an entry stands in the formal-check queue (derived from its latest decision)."""

    PENDING = "pending", "待审查 Pending"
    PASSED = "passed", "已通过 Passed"
    RETURNED = "returned", "已退回补正 Returned"
    REJECTED = "rejected", "未通过 Rejected"


# The entry fields a checklist may require (besides files).
class ChecklistField(models.TextChoices):
    TITLE = "title", "作品名称 Title"
    SUMMARY = "summary", "简介 Summary"
    TAGS = "tags", "关键词 Tags"


class ExpertPickRole(models.TextChoices):
    """Where an expert came out of a draw: among the first `count`, or a reserve (候补)."""

    PICKED = "picked", "抽中 Picked"
    RESERVE = "reserve", "候补 Reserve"


class ExpertPickStatus(models.TextChoices):
    """A drawn expert's invitation. A reserve waits (standby) until a decline or a lapse calls it."""

    STANDBY = "standby", "候补待命 Standby"
    INVITED = "invited", "已邀请 Invited"
    CONFIRMED = "confirmed", "已确认 Confirmed"
    DECLINED = "declined", "已谢绝 Declined"
    LAPSED = "lapsed", "逾期未复 No answer in time"
