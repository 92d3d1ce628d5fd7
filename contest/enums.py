from django.db import models


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业 Enterprise"
    PUBLIC_INSTITUTION = "public_institution", "事业单位 Public institution"
    RESEARCH_INSTITUTE = "research_institute", "科研院所 Research institute"
    UNIVERSITY = "university", "高校 University"
    GOVERNMENT = "government", "政府 Government"


class ContestKind(models.TextChoices):
    CHALLENGE_LIST = "challenge_list", "揭榜挂帅 Challenge list"
    DATA_ELEMENTS = "data_elements", "数据要素× Data Elements ×"
    INNOVATION = "innovation", "创新创业 Innovation & entrepreneurship"
    GENERIC = "generic", "通用 Generic"


class ContestStatus(models.TextChoices):
    DRAFT = "draft", "草稿 Draft"
    PUBLISHED = "published", "已发布 Published"
    REGISTRATION_OPEN = "registration_open", "报名中 Registration open"
    REGISTRATION_CLOSED = "registration_closed", "报名截止 Registration closed"
    JUDGING = "judging", "评审中 Judging"
    RESULTS = "results", "结果公布 Results"
    FINISHED = "finished", "已结束 Finished"


# The one allowed order of a contest's lifecycle; each status may move to the next one only.
CONTEST_STATUS_FLOW = [
    ContestStatus.DRAFT,
    ContestStatus.PUBLISHED,
    ContestStatus.REGISTRATION_OPEN,
    ContestStatus.REGISTRATION_CLOSED,
    ContestStatus.JUDGING,
    ContestStatus.RESULTS,
    ContestStatus.FINISHED,
]


class EntrantKind(models.TextChoices):
    """Who may enter: a person (with a team) or an organisation of a given kind."""

    PERSON = "person", "个人 Person"
    ENTERPRISE = "enterprise", "企业 Enterprise"
    PUBLIC_INSTITUTION = "public_institution", "事业单位 Public institution"
    RESEARCH_INSTITUTE = "research_institute", "科研院所 Research institute"
    UNIVERSITY = "university", "高校 University"
    GOVERNMENT = "government", "政府 Government"


class ContestRoleKind(models.TextChoices):
    ORGANISER = "organiser", "组委会 Organiser"
    PUBLISHER = "publisher", "发榜方 Publisher"


class StageKind(models.TextChoices):
    FORMAL_CHECK = "formal_check", "形式审查 Formal check"
    ONLINE_REVIEW = "online_review", "网络评审 Online review"
    ROADSHOW = "roadshow", "路演答辩 Roadshow"
    ACCEPTANCE = "acceptance", "验收 Acceptance review"


class ChallengeStatus(models.TextChoices):
    DRAFT = "draft", "草稿 Draft"
    SUBMITTED = "submitted", "待审核 Submitted"
    APPROVED = "approved", "已审核 Approved"
    PUBLISHED = "published", "已发榜 Published"
    CLOSED = "closed", "已关闭 Closed"


class PrizePayer(models.TextChoices):
    PUBLISHER = "publisher", "发榜方 Publisher"
    ORGANISER = "organiser", "组委会 Organiser"


class MemberRole(models.TextChoices):
    CAPTAIN = "captain", "队长 Captain"
    MEMBER = "member", "成员 Member"
    ADVISOR = "advisor", "指导老师 Advisor"


class InvitationStatus(models.TextChoices):
    SENT = "sent", "已发送 Sent"
    ACCEPTED = "accepted", "已接受 Accepted"
    DECLINED = "declined", "已拒绝 Declined"
    EXPIRED = "expired", "已过期 Expired"


class EntryStatus(models.TextChoices):
    DRAFT = "draft", "草稿 Draft"
    SUBMITTED = "submitted", "已提交 Submitted"
    WITHDRAWN = "withdrawn", "已撤回 Withdrawn"


class EntryFileKind(models.TextChoices):
    PLAN = "plan", "方案书 Plan"
    SLIDES = "slides", "路演材料 Slides"
    VIDEO = "video", "视频 Video"
    DATA_DESCRIPTION = "data_description", "数据说明 Data description"
    OTHER = "other", "其他 Other"


# 征榜 applications and challenge questions ----------------------------------------------------
class PublisherApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核 Submitted"
    APPROVED = "approved", "已通过 Approved"
    DECLINED = "declined", "未通过 Declined"


class QuestionVisibility(models.TextChoices):
    PUBLIC = "public", "公开 Public"
    PRIVATE = "private", "私下 Private"
