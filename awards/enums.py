"""Choices of the awards app: award tiers and awards, notices and objections, certificates."""

from django.db import models


class AwardTierKind(models.TextChoices):
    RANKED = "ranked", "按名次 By rank"
    SPECIAL = "special", "单项奖 Special award"
    ORGANISER = "organiser", "组织奖 Organiser award"


class AwardStatus(models.TextChoices):
    PROPOSED = "proposed", "拟奖 Proposed"
    IN_NOTICE = "in_notice", "公示中 In public notice"
    FINAL = "final", "已确定 Final"
    REMOVED = "removed", "已撤销 Removed"
    # proposed from a snapshot a correction withdrew: to be proposed again from the new one
    STALE = "stale", "待重新拟定 Stale (results corrected)"


ACTIVE_AWARD_STATUSES = (AwardStatus.PROPOSED, AwardStatus.IN_NOTICE, AwardStatus.FINAL)


class CertificateRole(models.TextChoices):
    # The first three are the renderer's roles (`awards.certificates.render.ROLE_*`).
    TEAM = "team", "团队 Team"
    MEMBER = "member", "成员 Member"
    ADVISOR = "advisor", "指导老师 Advisor"
    ORGANISATION = "organisation", "单位 Organisation"


class CertificateStatus(models.TextChoices):
    ISSUED = "issued", "有效 Issued"
    REVOKED = "revoked", "已撤销 Revoked"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", "排队中 Queued"
    RUNNING = "running", "进行中 Running"
    DONE = "done", "已完成 Done"
    FAILED = "failed", "失败 Failed"


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日 Holiday"
    WORKDAY = "workday", "调休上班 Adjusted working day"


class NoticeStatus(models.TextChoices):
    OPEN = "open", "公示中 Open"
    FINAL = "final", "已确定 Final"
    # its awards' results were withdrawn by a correction (更正) before the list became final
    STALE = "stale", "已更正 Superseded by a correction"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "待处理 Open"
    UPHELD = "upheld", "成立 Upheld"
    REJECTED = "rejected", "不成立 Rejected"


# 揭榜挂帅 after the win: per-challenge results, agreements, milestones, payments, 验收
class ChallengeOutcome(models.TextChoices):
    WINNERS = "winners", "揭榜成功 Winners"
    UNFILLED = "unfilled", "流榜 No entry met the targets"


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "草拟 Draft"
    SIGNED = "signed", "已签订 Signed"
    IN_PROGRESS = "in_progress", "履约中 In progress"
    ACCEPTED = "accepted", "验收通过 Accepted"
    FAILED = "failed", "验收不通过 Failed"
    RECTIFYING = "rectifying", "限期整改 Rectifying"


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", "待提交 Pending"
    SUBMITTED = "submitted", "待确认 Submitted"
    ACCEPTED = "accepted", "已确认 Accepted"
    RETURNED = "returned", "已退回 Returned"


class AcceptanceOutcome(models.TextChoices):
    PASSED = "passed", "通过 Passed"
    FAILED = "failed", "不通过 Failed"
    RECTIFY = "rectify", "限期整改 Rectify by a deadline"
