"""The demo data set (`manage.py seed_demo`): plain functions, the management commands only wrap them.

What it builds, in one transaction (all or nothing):

* a national 数据要素× final and its Jiangsu sub-contest with the 14 tracks of 2025, three stages
  (形式审查, blind 初赛 online review, 决赛 roadshow), a few hundred organisation-led teams (joint
  entries too) with members and 初赛 entries carrying tags and a real PDF plan;
* a 揭榜挂帅 contest with 20+ challenges from six publishers, in every workflow status, and teams
  that took them;
* judging on the 初赛: a rubric, judges on track panels and a whole-stage panel who signed the
  declaration, an automatic assignment (k=3), submitted reviews (one lenient and one harsh judge),
  and whatever the later judging services (results, awards, certificates) offer when present;
* fixed demo logins (password ``demo12345``), printed by `demo_logins`.

The bulk (organisations, people, teams, entries) goes in with ``bulk_create``; the showcase objects
(contests, stages, the captain's team and entry, challenges, panels, assignment, reviews) go through
the services, so their rules and the audit chain hold. Deterministic: a fixed random seed.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib
import io
import math
import random
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from contest.enums import (
    ContestKind,
    ContestRoleKind,
    ContestStatus,
    EntryFileKind,
    EntryStatus,
    MemberRole,
    OrganisationKind,
    PrizePayer,
    StageKind,
)
from contest.models import (
    Challenge,
    ContestRole,
    Entry,
    EntryFile,
    Organisation,
    Team,
    TeamMember,
    User,
)
from contest.validators import USCC_CHARSET, uscc_check_character

DEMO_PASSWORD = "demo12345"
DEMO_URL = "http://127.0.0.1:8000"
DEMO_DOMAIN = "demo.saiwu.cn"

ORGANISER_EMAIL = f"organiser@{DEMO_DOMAIN}"
PUBLISHER_EMAIL = f"publisher@{DEMO_DOMAIN}"
CAPTAIN_EMAIL = f"captain@{DEMO_DOMAIN}"
JUDGE_EMAIL = f"judge@{DEMO_DOMAIN}"
WINNER_EMAIL = f"winner@{DEMO_DOMAIN}"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"

NATIONAL_CODE = "sjys-national-2026"
SUBCONTEST_CODE = "sjys-js-2026"
CHALLENGE_CODE = "jbgs-2026"


@dataclass(frozen=True)
class DemoLogin:
    role_zh: str
    role_en: str
    email: str
    try_zh: str
    try_en: str


DEMO_LOGINS = [
    DemoLogin(
        "组委会",
        "Organiser",
        ORGANISER_EMAIL,
        "两个赛事的组委会：审核待审榜题、查看初赛评审进度与成绩",
        "Organiser of both contests: review submitted challenges, follow the 初赛 judging and results",
    ),
    DemoLogin(
        "发榜方",
        "Publisher",
        PUBLISHER_EMAIL,
        "揭榜挂帅赛发榜单位：完善并提交草稿榜题",
        "Publisher in the 揭榜挂帅 contest: finish and submit the draft challenge",
    ),
    DemoLogin(
        "队长",
        "Team captain",
        CAPTAIN_EMAIL,
        "数据要素×江苏分赛：编辑初赛作品草稿、上传方案书、提交",
        "数据要素× Jiangsu: edit the draft 初赛 entry, upload the plan, submit it",
    ),
    DemoLogin(
        "评审专家",
        "Judge",
        JUDGE_EMAIL,
        "签署无利害关系及保密承诺后，为分配的作品评分",
        "Sign the no-conflict declaration, then score the assigned entries",
    ),
    DemoLogin(
        "获奖者",
        "Winner",
        WINNER_EMAIL,
        "获奖团队成员：查看获奖结果、下载证书",
        "Member of an award-winning team: see the award, download the certificate",
    ),
    DemoLogin(
        "平台管理员",
        "Platform admin",
        ADMIN_EMAIL,
        "超级用户：后台 /admin/ 与全部赛事",
        "Superuser: the /admin/ site and every contest",
    ),
]


# --------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackSpec:
    code: str
    name: str
    guide: str
    titles: tuple[str, ...]
    tags: tuple[str, ...]
    weight: int = 1


TRACKS: list[TrackSpec] = [
    TrackSpec(
        "industry",
        "工业制造",
        "围绕研发设计、生产制造、经营管理等环节，推动工业数据与产业链上下游数据融合，"
        "提升全要素生产率，支持产品质量追溯、设备预测性维护和供应链协同。",
        (
            "钢铁产线质量预测与工艺优化平台",
            "离散制造设备预测性维护系统",
            "产业链供需协同数据空间",
            "新能源汽车零部件质量追溯平台",
            "纺织印染能耗与工艺数字孪生",
            "工业互联网标识解析数据服务",
        ),
        ("工业互联网", "数字孪生", "预测性维护", "质量追溯", "供应链协同"),
        weight=4,
    ),
    TrackSpec(
        "agriculture",
        "现代农业",
        "推动气象、土壤、农情、市场等数据融合，提升农业生产智能化、经营网络化水平，"
        "支持精准种植、农产品溯源和产销对接。",
        (
            "水稻精准种植决策系统",
            "农产品全链条质量溯源平台",
            "智慧渔业水质监测与预警",
            "农机作业数据服务平台",
        ),
        ("精准农业", "遥感", "溯源", "产销对接"),
        weight=2,
    ),
    TrackSpec(
        "commerce",
        "商贸流通",
        "推动电商平台、物流、支付等数据融合，发展新型消费业态，支持跨境贸易便利化和供应链金融。",
        ("跨境电商合规数据服务", "社区零售智能补货系统", "大宗商品流通数据平台"),
        ("跨境贸易", "智能补货", "消费洞察"),
        weight=2,
    ),
    TrackSpec(
        "transport",
        "交通运输",
        "推动交通运输、气象、地理等数据融合，提升综合交通运输效率，"
        "支持多式联运、智能网联和港口航运智慧化。",
        ("港口集装箱智能调度系统", "城市公交客流预测与线网优化", "多式联运一单制数据平台"),
        ("多式联运", "客流预测", "智慧港口", "车路协同"),
        weight=2,
    ),
    TrackSpec(
        "finance",
        "金融服务",
        "在依法安全合规前提下，推动金融与政务、企业经营等数据融合，"
        "提升普惠金融、风险防控和科技金融服务能力。",
        (
            "中小微企业信用画像与普惠授信",
            "供应链金融风险监测平台",
            "科创企业知识产权质押评估模型",
            "反电信诈骗资金链路识别",
        ),
        ("普惠金融", "风控", "信用评估", "隐私计算"),
        weight=3,
    ),
    TrackSpec(
        "sci-tech",
        "科技创新",
        "推动科学数据汇聚共享和开发利用，支持以数据驱动的科研范式变革和人工智能大模型训练。",
        ("材料研发科学数据平台", "面向科研的高质量数据集构建", "生物医药研发数据协同平台"),
        ("科学数据", "AI for Science", "高质量数据集"),
        weight=2,
    ),
    TrackSpec(
        "culture-tourism",
        "文化旅游",
        "推动文化、旅游、交通、气象等数据融合，支持文物数字化、智慧景区和文旅消费分析。",
        ("智慧景区客流预测与疏导", "非遗数字化保护与传播平台", "文旅消费数据分析平台"),
        ("智慧文旅", "数字文博", "客流分析"),
        weight=1,
    ),
    TrackSpec(
        "healthcare",
        "医疗健康",
        "在保护个人信息前提下，推动医疗健康数据有序共享，支持辅助诊疗、慢病管理和公共卫生监测。",
        (
            "基层慢病管理智能随访系统",
            "医学影像辅助诊断数据平台",
            "区域检验检查结果互认平台",
            "公共卫生传染病监测预警",
        ),
        ("辅助诊疗", "慢病管理", "医学影像", "隐私计算"),
        weight=3,
    ),
    TrackSpec(
        "emergency",
        "应急管理",
        "推动安全生产、自然灾害、城市运行等数据融合，提升风险监测预警和应急处置能力。",
        ("化工园区危险源智能监测", "城市内涝风险预警系统", "森林火险综合监测平台"),
        ("风险预警", "安全生产", "应急指挥"),
        weight=1,
    ),
    TrackSpec(
        "meteorology",
        "气象服务",
        "推动气象数据与行业数据融合，发展面向农业、交通、能源、保险等领域的专业气象服务。",
        ("新能源功率预测气象服务", "交通气象风险精细化预报", "农业气象指数保险服务"),
        ("气象大数据", "功率预测", "指数保险"),
        weight=1,
    ),
    TrackSpec(
        "city-governance",
        "城市治理",
        "推动城市运行数据汇聚融合，支持一网统管、智慧社区和城市体检，提升精细化治理水平。",
        ("城市运行一网统管数据中台", "智慧社区基层治理平台", "城市体检数据分析系统"),
        ("一网统管", "城市大脑", "基层治理"),
        weight=2,
    ),
    TrackSpec(
        "green-carbon",
        "绿色低碳",
        "推动能源、工业、交通等数据融合，支持碳排放核算、能源调度优化和绿色金融。",
        ("企业碳排放核算与碳足迹平台", "园区综合能源优化调度系统", "绿色电力溯源与交易数据服务"),
        ("碳足迹", "能源调度", "绿电溯源"),
        weight=2,
    ),
    TrackSpec(
        "medical-insurance",
        "医疗保障",
        "推动医保数据与医疗、医药数据融合，支持医保基金智能监管、支付方式改革和商保服务。",
        ("医保基金智能监管系统", "商业健康险快速理赔数据服务", "DRG/DIP 支付改革分析平台"),
        ("医保监管", "商保理赔", "DRG"),
        weight=1,
    ),
    TrackSpec(
        "open",
        "开放性创新",
        "不限行业领域，鼓励数据要素在新场景中的创新应用，突出数据要素的乘数效应。",
        ("可信数据空间运营服务平台", "公共数据授权运营产品", "数据资产入表评估工具"),
        ("可信数据空间", "数据资产", "公共数据授权运营"),
        weight=2,
    ),
]

CITIES = [
    ("南京", "320100"),
    ("无锡", "320200"),
    ("徐州", "320300"),
    ("常州", "320400"),
    ("苏州", "320500"),
    ("南通", "320600"),
    ("连云港", "320700"),
    ("淮安", "320800"),
    ("盐城", "320900"),
    ("扬州", "321000"),
    ("镇江", "321100"),
    ("泰州", "321200"),
    ("宿迁", "321300"),
]
COMPANY_WORDS = [
    "数衡",
    "智汇",
    "云图",
    "星河",
    "汇数",
    "擎天",
    "数智",
    "天枢",
    "鼎信",
    "联创",
    "恒瑞",
    "华数",
    "紫金",
    "秦淮",
    "太湖",
    "中晟",
    "博远",
    "锐思",
    "海纳",
    "启明",
    "金陵",
    "江海",
    "睿达",
    "同创",
    "远景",
    "易链",
    "光合",
    "盛景",
    "卓数",
    "格物",
]
COMPANY_SUFFIXES = (
    "数据科技有限公司",
    "信息技术有限公司",
    "智能科技股份有限公司",
    "数字科技有限公司",
    "软件有限公司",
    "大数据有限公司",
)
UNIVERSITIES = [
    ("金陵理工大学", "南京"),
    ("东吴数据科学大学", "苏州"),
    ("江南工程大学", "无锡"),
    ("淮海科技大学", "徐州"),
    ("南京信息科学大学", "南京"),
    ("常州智能制造学院", "常州"),
    ("扬子江医科大学", "南京"),
    ("苏北农林大学", "扬州"),
]
INSTITUTES = [
    ("江苏省数据要素研究院", "南京"),
    ("江苏省智能计算研究所", "南京"),
    ("苏州工业数据创新中心", "苏州"),
    ("无锡物联网产业研究院", "无锡"),
    ("江苏省农业信息研究所", "南京"),
]
JUDGE_ORGS = [
    ("华东数据要素研究院", OrganisationKind.RESEARCH_INSTITUTE, "上海", "上海", "310100"),
    ("浙东大学", OrganisationKind.UNIVERSITY, "浙江", "杭州", "330100"),
    ("中科数据治理研究所", OrganisationKind.RESEARCH_INSTITUTE, "北京", "北京", "110100"),
    ("皖江工业大学", OrganisationKind.UNIVERSITY, "安徽", "合肥", "340100"),
    ("京华金融研究院", OrganisationKind.RESEARCH_INSTITUTE, "北京", "北京", "110100"),
    ("沪江医学院", OrganisationKind.UNIVERSITY, "上海", "上海", "310100"),
]
PUBLISHERS = [
    ("江苏长江智造集团有限公司", OrganisationKind.ENTERPRISE, "南京", "320100"),
    ("苏南电网检修有限公司", OrganisationKind.ENTERPRISE, "苏州", "320500"),
    ("江海港务集团有限公司", OrganisationKind.ENTERPRISE, "南通", "320600"),
    ("江苏省某市数据局", OrganisationKind.GOVERNMENT, "常州", "320400"),
    ("太湖生物医药产业园发展有限公司", OrganisationKind.ENTERPRISE, "无锡", "320200"),
    ("江苏省农业科学研究院某研究所", OrganisationKind.RESEARCH_INSTITUTE, "南京", "320100"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国红峰琳晨宇浩然子轩欣怡思雨博文俊凯佳琪梓涵一诺雅婷志远海燕立新晓东"
TITLES = ("总经理", "技术总监", "数据工程师", "算法工程师", "产品经理", "研究员", "博士研究生")
JUDGE_TITLES = ("教授", "研究员", "正高级工程师", "副教授", "高级经济师")

# (title, publisher index, track name, prize in CNY or None for 面议, status)
CHALLENGES = [
    ("高精度工业缺陷视觉检测系统", 0, "智能制造", 800_000, "published"),
    ("大型装备焊缝质量在线检测与评价", 0, "智能制造", 1_200_000, "published"),
    ("工业设计 CAE 仿真求解器国产化", 0, "智能制造", 4_500_000, "published"),
    ("离散制造排产优化求解引擎", 0, "智能制造", None, "published"),
    ("面向多品种小批量的柔性产线数字孪生", 0, "智能制造", 600_000, "draft"),
    ("输电线路无人机巡检缺陷智能识别", 1, "能源环保", 1_500_000, "published"),
    ("配电网故障快速定位与自愈控制", 1, "能源环保", 2_000_000, "published"),
    ("新能源场站短期功率预测", 1, "能源环保", 900_000, "published"),
    ("变压器油色谱在线监测与故障预警", 1, "能源环保", None, "submitted"),
    ("港口集装箱智能理货与箱损识别", 2, "数字经济", 1_000_000, "published"),
    ("自动化码头多设备协同调度", 2, "数字经济", 3_000_000, "published"),
    ("船舶靠离泊辅助决策系统", 2, "数字经济", 700_000, "published"),
    ("城市内涝实时预测预警模型", 3, "数字经济", 500_000, "published"),
    ("公共数据授权运营安全沙箱", 3, "数字经济", 1_800_000, "published"),
    ("政务大模型公文智能校对", 3, "数字经济", 300_000, "published"),
    ("一网统管城市事件智能分拨", 3, "数字经济", None, "submitted"),
    ("抗体药物高通量筛选数据平台", 4, "生物医药", 2_500_000, "published"),
    ("医学影像肺结节辅助诊断", 4, "生物医药", 1_200_000, "published"),
    ("细胞治疗产品质控数据追溯", 4, "生物医药", None, "published"),
    ("稻麦病虫害遥感监测与预警", 5, "现代农业", 400_000, "published"),
    ("设施农业环境智能调控", 5, "现代农业", 200_000, "published"),
    ("农产品产地溯源区块链平台", 5, "现代农业", 350_000, "approved"),
]
CHALLENGE_TRACKS = ["智能制造", "能源环保", "数字经济", "生物医药", "现代农业"]

RUBRIC = [
    ("effect", "应用成效", "场景落地情况、经济社会效益、用户规模与可持续运营能力", 30),
    ("innovation", "创新性", "数据融合方式、技术路线与商业模式的创新程度", 25),
    ("leadership", "引领效应", "示范带动作用、可复制可推广程度、对行业的引领", 20),
    ("data-value", "数据要素价值", "数据资源汇聚质量、流通利用与乘数效应的体现", 25),
]


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _uscc(prefix2: str, region: str, n: int) -> str:
    """A valid 统一社会信用代码: registration authority + kind, region, 'MA' + 7-character body."""
    body = ""
    for _ in range(7):
        body = USCC_CHARSET[n % 31] + body
        n //= 31
    first17 = f"{prefix2}{region}MA{body}"
    return first17 + uscc_check_character(first17)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _display_width(text))


def demo_exists() -> bool:
    return User.objects.filter(email=ORGANISER_EMAIL).exists()


def demo_logins_table(url: str = DEMO_URL) -> str:
    """The demo logins as a bilingual text table."""
    header = ("角色 Role", "账号 Login", "密码 Password", "可以试试 What to try")
    rows = [
        (f"{d.role_zh} {d.role_en}", d.email, DEMO_PASSWORD, f"{d.try_zh}\n{d.try_en}")
        for d in DEMO_LOGINS
    ]
    widths = [
        max(_display_width(line) for r in [header, *rows] for line in r[i].split("\n"))
        for i in range(4)
    ]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    lines = [
        "赛务 Saiwu 演示账号 / Demo logins",
        f"地址 URL: {url}   （所有账号密码 password for all: {DEMO_PASSWORD}）",
        rule,
    ]

    def emit(cells):
        split = [c.split("\n") for c in cells]
        for i in range(max(len(s) for s in split)):
            parts = [
                _pad(s[i] if i < len(s) else "", w) for s, w in zip(split, widths, strict=True)
            ]
            lines.append("| " + " | ".join(parts) + " |")

    emit(header)
    lines.append(rule)
    for row in rows:
        emit(row)
        lines.append(rule)
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# A real PDF plan (reportlab, Chinese text in WenQuanYi Micro Hei when the font is present)
# --------------------------------------------------------------------------------------------

_FONT_NAME = "SaiwuDemoWQY"


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if _FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return _FONT_NAME
    path = Path(settings.BASE_DIR) / "judging" / "fonts" / "wqy-microhei.ttc"
    if not path.exists():
        return "Helvetica"
    pdfmetrics.registerFont(TTFont(_FONT_NAME, str(path), subfontIndex=0))
    return _FONT_NAME


def plan_pdf(title: str, track: str, paragraphs: list[str]) -> bytes:
    """A one-page 方案书 with a title and paragraphs; CJK text wraps between any two characters."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    font = _font()
    cjk = font != "Helvetica"
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setTitle("项目方案书" if cjk else "Project plan")
    width, height = A4
    margin = 64
    y = height - 80
    canvas.setFont(font, 18)
    canvas.drawCentredString(width / 2, y, title if cjk else "Project plan")
    y -= 28
    canvas.setFont(font, 11)
    canvas.drawCentredString(
        width / 2, y, f"赛道：{track}    2026年“数据要素×”大赛江苏分赛 · 初赛" if cjk else track
    )
    y -= 36
    size, leading = 11, 19
    for paragraph in paragraphs if cjk else ["Demo plan."]:
        line = "　　"
        for ch in paragraph:
            if stringWidth(line + ch, font, size) > width - 2 * margin:
                canvas.setFont(font, size)
                canvas.drawString(margin, y, line)
                y -= leading
                line = ""
            line += ch
        if line:
            canvas.drawString(margin, y, line)
            y -= leading
        y -= 8
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _plan_paragraphs(title: str, track: TrackSpec) -> list[str]:
    tags = "、".join(track.tags[:3])
    return [
        f"一、项目概述。本项目“{title}”面向{track.name}领域的典型场景，"
        f"汇聚行业主管部门、龙头企业和公共数据资源，围绕{tags}等方向构建数据产品与服务，"
        "推动数据要素与业务流程深度融合。",
        "二、数据资源与融合方式。项目接入企业生产经营数据、公共数据授权运营数据和第三方数据，"
        "通过隐私计算与可信数据空间实现“数据可用不可见”，建立数据质量评估与分级分类管理机制。",
        "三、技术路线。采用数据湖仓一体架构与行业大模型，构建指标体系、特征工程与预测模型，"
        "关键模型准确率达到 92% 以上，支持分钟级更新与可解释分析。",
        "四、应用成效。项目已在省内 12 家单位试点应用，累计服务用户 3.6 万人次，"
        "帮助试点单位降本增效约 15%，形成可复制推广的解决方案。",
        "五、引领效应与推广计划。下一步将在长三角地区推广，联合上下游企业共建行业数据标准，"
        "培育数据服务生态，体现数据要素的乘数效应。",
    ]


# --------------------------------------------------------------------------------------------
# The builder
# --------------------------------------------------------------------------------------------


@dataclass
class Sizes:
    teams: int
    judges: int
    challenge_teams: int

    @classmethod
    def for_mode(cls, small: bool) -> Sizes:
        return cls(teams=40, judges=6, challenge_teams=10) if small else cls(300, 20, 36)


@dataclass
class Built:
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0


class _Seeder:
    def __init__(self, *, small: bool, out: Callable[[str], None]):
        self.sizes = Sizes.for_mode(small)
        self.small = small
        self.out = out
        self.rng = random.Random(20260517)
        self.now = timezone.now()
        self.password_hash = make_password(DEMO_PASSWORD)
        self.built = Built()
        self._uscc_n = 7_000
        self._person_n = 0
        self._used_names: set[str] = set()
        self._started = time.monotonic()

    # ---------------------------------------------------------------- utilities

    def step(self, message: str) -> None:
        self.out(f"[{time.monotonic() - self._started:5.1f}s] {message}")

    def skip(self, message: str) -> None:
        self.built.skipped.append(message)
        self.out(f"  · 跳过 skipped: {message}")

    def days(self, n: float) -> datetime.datetime:
        return self.now + datetime.timedelta(days=n)

    def next_uscc(self, prefix2: str, region: str) -> str:
        self._uscc_n += 1
        return _uscc(prefix2, region, self._uscc_n * 7919)

    def person_name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))

    def make_user(self, email: str, real_name: str, **extra) -> User:
        user = User(email=email, real_name=real_name, password=self.password_hash, **extra)
        user.save()
        return user

    def bulk_people(self, count: int, *, organisation=None, province="江苏") -> list[User]:
        users = []
        for _ in range(count):
            self._person_n += 1
            users.append(
                User(
                    email=f"p{self._person_n:05d}@{DEMO_DOMAIN}",
                    real_name=self.person_name(),
                    password=self.password_hash,
                    organisation=organisation,
                    province=province,
                )
            )
        return User.objects.bulk_create(users, batch_size=500)

    # ---------------------------------------------------------------- the run

    def run(self) -> Built:
        self.users()
        self.data_elements()
        self.challenge_list()
        self.judging()
        self.built.seconds = time.monotonic() - self._started
        return self.built

    def users(self) -> None:
        self.step("演示账号 demo logins")
        self.admin = self.make_user(ADMIN_EMAIL, "平台管理员", is_staff=True, is_superuser=True)
        self.organiser = self.make_user(ORGANISER_EMAIL, "周组委", is_staff=True, province="江苏")

    # ---------------------------------------------------------------- 数据要素×

    def data_elements(self) -> None:
        from contest.services.contest import (
            contest_create,
            contest_transition,
            stage_create,
            track_create,
        )

        self.step("数据要素× 全国总决赛与江苏分赛 contests, tracks, stages")
        actor = self.organiser
        self.national = contest_create(
            actor=actor,
            code=NATIONAL_CODE,
            name="2026年“数据要素×”大赛全国总决赛",
            kind=ContestKind.DATA_ELEMENTS,
            edition="2026",
            year=2026,
            region="全国",
            description="国家数据局等部门主办。各地方分赛和行业赛事按推荐名额推荐优秀项目参加全国总决赛。",
            entrant_kinds=["enterprise", "public_institution", "research_institute", "university"],
            joint_entries_allowed=True,
            requires_track=True,
            promotion_quota=30,
        )
        stage_create(
            actor=actor,
            contest=self.national,
            name="全国总决赛",
            kind=StageKind.ROADSHOW,
            order=1,
            review_opens_at=self.days(60),
            review_closes_at=self.days(62),
        )
        self.national = contest_transition(
            actor=actor, contest=self.national, to=ContestStatus.PUBLISHED
        )

        self.contest = contest_create(
            actor=actor,
            code=SUBCONTEST_CODE,
            name="2026年“数据要素×”大赛江苏分赛",
            kind=ContestKind.DATA_ELEMENTS,
            edition="2026",
            year=2026,
            parent=self.national,
            region="江苏",
            description=(
                "由江苏省数据局等单位主办，设工业制造、现代农业等14个赛道。"
                "面向企业、高校、科研院所和事业单位，鼓励联合申报。"
                "初赛网络评审（匿名），决赛现场路演答辩，择优推荐参加全国总决赛。"
            ),
            registration_opens_at=self.days(-30),
            registration_closes_at=self.days(10),
            team_size_min=1,
            team_size_max=15,
            advisors_max=3,
            entrant_kinds=["enterprise", "public_institution", "research_institute", "university"],
            one_team_per_person=True,
            joint_entries_allowed=True,
            co_applicants_max=4,
            requires_track=True,
        )
        self.tracks = {}
        for order, spec in enumerate(TRACKS, start=1):
            self.tracks[spec.name] = track_create(
                actor=actor,
                contest=self.contest,
                code=spec.code,
                name=spec.name,
                order=order,
                guide_text=spec.guide,
            )
        self.stage_formal = stage_create(
            actor=actor,
            contest=self.contest,
            name="形式审查",
            kind=StageKind.FORMAL_CHECK,
            order=1,
            review_opens_at=self.days(-25),
            review_closes_at=self.days(40),
        )
        self.stage_prelim = stage_create(
            actor=actor,
            contest=self.contest,
            name="初赛",
            kind=StageKind.ONLINE_REVIEW,
            order=2,
            submission_opens_at=self.days(-20),
            submission_closes_at=self.days(14),
            review_opens_at=self.days(-3),
            review_closes_at=self.days(30),
            blind=True,
        )
        self.stage_final = stage_create(
            actor=actor,
            contest=self.contest,
            name="决赛",
            kind=StageKind.ROADSHOW,
            order=3,
            review_opens_at=self.days(45),
            review_closes_at=self.days(46),
        )
        for status in (ContestStatus.PUBLISHED, ContestStatus.REGISTRATION_OPEN):
            self.contest = contest_transition(actor=actor, contest=self.contest, to=status)
        self.built.counts["tracks"] = len(self.tracks)
        self.built.counts["stages"] = 3

        self.organisations()
        self.showcase_team()
        self.bulk_teams()

    def organisations(self) -> None:
        self.step("单位 organisations (enterprises, universities, institutes)")
        rng = self.rng
        n_companies = max(30, int(self.sizes.teams * 0.8))
        orgs: list[Organisation] = []
        names: set[str] = set()
        while len(orgs) < n_companies:
            city, region = rng.choice(CITIES)
            prefix = rng.choice(("江苏", city))
            name = f"{prefix}{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_SUFFIXES)}"
            if name in names:
                continue
            names.add(name)
            orgs.append(
                Organisation(
                    name=name,
                    kind=OrganisationKind.ENTERPRISE,
                    uscc=self.next_uscc("91", region),
                    province="江苏",
                    city=city,
                    registered_on=datetime.date(rng.randint(2008, 2024), rng.randint(1, 12), 1),
                )
            )
        region_of = dict(CITIES)
        for name, city in UNIVERSITIES:
            orgs.append(
                Organisation(
                    name=name,
                    kind=OrganisationKind.UNIVERSITY,
                    uscc=self.next_uscc("12", region_of[city]),
                    province="江苏",
                    city=city,
                    registered_on=datetime.date(1958, 9, 1),
                )
            )
        for name, city in INSTITUTES:
            orgs.append(
                Organisation(
                    name=name,
                    kind=OrganisationKind.RESEARCH_INSTITUTE,
                    uscc=self.next_uscc("12", region_of[city]),
                    province="江苏",
                    city=city,
                    registered_on=datetime.date(2016, 5, 1),
                )
            )
        self.showcase_org = Organisation(
            name="江苏数衡数据科技有限公司",
            kind=OrganisationKind.ENTERPRISE,
            uscc=self.next_uscc("91", "320100"),
            province="江苏",
            city="南京",
            registered_on=datetime.date(2019, 3, 18),
        )
        orgs.append(self.showcase_org)
        Organisation.objects.bulk_create(orgs, batch_size=500)
        self.companies = [o for o in orgs if o.kind == OrganisationKind.ENTERPRISE]
        self.companies.remove(self.showcase_org)
        self.universities = [o for o in orgs if o.kind == OrganisationKind.UNIVERSITY]
        self.institutes = [o for o in orgs if o.kind == OrganisationKind.RESEARCH_INSTITUTE]
        self.built.counts["organisations"] = len(orgs)

    def showcase_team(self) -> None:
        """The captain's team, through the services: registration, invitation, draft entry + PDF."""
        from contest.services.entry import entry_create, entry_file_upload
        from contest.services.team import invitation_create, team_create

        self.step("队长的展示团队 the captain's showcase team (services, real PDF plan)")
        self.captain = self.make_user(
            CAPTAIN_EMAIL,
            "陈思远",
            organisation=self.showcase_org,
            province="江苏",
            mobile="13800000001",
        )
        track = self.tracks["工业制造"]
        self.showcase = team_create(
            actor=self.captain,
            contest=self.contest,
            name="数衡智造数据融合团队",
            lead_organisation=self.showcase_org,
            co_applicants=[self.universities[0]],
            track=track,
        )
        members = self.bulk_people(3, organisation=self.showcase_org)
        advisor = self.bulk_people(1, organisation=self.universities[0])[0]
        TeamMember.objects.bulk_create(
            [
                TeamMember(
                    team=self.showcase,
                    contest=self.contest,
                    user=u,
                    role=MemberRole.MEMBER,
                    order=i,
                    title=TITLES[i],
                )
                for i, u in enumerate(members, start=1)
            ]
            + [
                TeamMember(
                    team=self.showcase,
                    contest=self.contest,
                    user=advisor,
                    role=MemberRole.ADVISOR,
                    order=9,
                    title="教授",
                )
            ]
        )
        invitation_create(
            actor=self.captain,
            team=self.showcase,
            role=MemberRole.MEMBER,
            invitee_name="刘晓东",
            invitee_contact="liuxd@example.com",
        )
        title = "基于多源数据融合的钢铁产线质量预测与工艺优化平台"
        spec = next(t for t in TRACKS if t.name == "工业制造")
        self.showcase_entry = entry_create(
            actor=self.captain,
            team=self.showcase,
            stage=self.stage_prelim,
            title=title,
            summary=(
                "汇聚钢铁企业生产过程数据、设备运行数据与上下游供需数据，"
                "构建质量预测与工艺参数优化模型，试点产线一次合格率提升 2.3 个百分点。"
            ),
            tags=["工业互联网", "质量预测", "数字孪生"],
        )
        pdf = plan_pdf(title, spec.name, _plan_paragraphs(title, spec))
        entry_file_upload(
            actor=self.captain,
            entry=self.showcase_entry,
            kind=EntryFileKind.PLAN,
            uploaded=SimpleUploadedFile("项目方案书.pdf", pdf, content_type="application/pdf"),
        )

    def _track_plan_files(self) -> dict[str, tuple[str, str, int]]:
        """One generic plan PDF per track, stored once and shared by that track's bulk entries."""
        files = {}
        for spec in TRACKS:
            title = f"{spec.name}赛道项目方案书"
            pdf = plan_pdf(title, spec.name, _plan_paragraphs(spec.titles[0], spec))
            sha = hashlib.sha256(pdf).hexdigest()
            name = f"{self.contest.code}/entries/_demo/{sha}.pdf"
            if not default_storage.exists(name):
                name = default_storage.save(name, ContentFile(pdf))
            files[spec.name] = (name, sha, len(pdf))
        return files

    def bulk_teams(self) -> None:
        self.step(f"{self.sizes.teams} 支团队 teams, members, 初赛 entries (bulk)")
        rng = self.rng
        specs = TRACKS
        weights = [t.weight for t in specs]
        count = self.sizes.teams - 1  # the showcase team is one
        # every track gets at least two teams, the rest follow the weights
        track_of = [specs[i % len(specs)] for i in range(min(count, 2 * len(specs)))]
        track_of += rng.choices(specs, weights=weights, k=count - len(track_of))
        rng.shuffle(track_of)

        leads = []
        for i in range(count):
            r = rng.random()
            if r < 0.72:
                lead = self.companies[i % len(self.companies)]
            elif r < 0.88:
                lead = rng.choice(self.universities)
            else:
                lead = rng.choice(self.institutes)
            leads.append(lead)

        captains = self.bulk_people(count)
        for user, lead in zip(captains, leads, strict=True):
            user.organisation = lead
        User.objects.bulk_update(captains, ["organisation"], batch_size=500)

        teams = []
        used_names = {self.showcase.name}
        for i, (spec, lead, captain) in enumerate(zip(track_of, leads, captains, strict=True)):
            base = lead.name.replace("有限公司", "").replace("股份", "")[-6:]
            name = f"{base}{spec.name}团队"
            while name in used_names:
                name = f"{base}{spec.name}{rng.randint(2, 99)}队"
            used_names.add(name)
            teams.append(
                Team(
                    contest=self.contest,
                    code=f"T{i + 2:05d}",
                    name=name,
                    lead_organisation=lead,
                    track=self.tracks[spec.name],
                    captain=captain,
                )
            )
        Team.objects.bulk_create(teams, batch_size=500)

        # members: 2–5 per team, an advisor on university-led or joint teams
        member_counts = [rng.randint(2, 5) for _ in teams]
        people = self.bulk_people(sum(member_counts))
        rows: list[TeamMember] = []
        co_rows = []
        cursor = 0
        for team, n in zip(teams, member_counts, strict=True):
            rows.append(
                TeamMember(
                    team=team,
                    contest=self.contest,
                    user=team.captain,
                    role=MemberRole.CAPTAIN,
                    order=0,
                    title=rng.choice(TITLES[:2]),
                )
            )
            for j in range(n):
                person = people[cursor]
                cursor += 1
                role = MemberRole.ADVISOR if j == n - 1 and rng.random() < 0.35 else None
                rows.append(
                    TeamMember(
                        team=team,
                        contest=self.contest,
                        user=person,
                        role=role or MemberRole.MEMBER,
                        order=j + 1,
                        title="教授" if role else rng.choice(TITLES),
                    )
                )
            if rng.random() < 0.3:  # 联合体: one or two co-applicants
                pool = [
                    o
                    for o in self.universities + self.institutes
                    if o.pk != team.lead_organisation_id
                ]
                for org in rng.sample(pool, rng.choice((1, 2))):
                    co_rows.append(
                        Team.co_applicants.through(team_id=team.pk, organisation_id=org.pk)
                    )
        TeamMember.objects.bulk_create(rows, batch_size=1000)
        Team.co_applicants.through.objects.bulk_create(co_rows, batch_size=1000)
        people_of = {}
        for person in people:
            person.organisation_id = None
        cursor = 0
        for team, n in zip(teams, member_counts, strict=True):
            people_of[team.pk] = people[cursor : cursor + n]
            for p in people_of[team.pk]:
                p.organisation_id = team.lead_organisation_id
            cursor += n
        User.objects.bulk_update(people, ["organisation"], batch_size=1000)

        # 初赛 entries: most submitted, a few drafts; each with a plan PDF (shared per track)
        self.step("初赛 entries and plan files")
        files = self._track_plan_files()
        entries = []
        self.quality: dict[int, float] = {}
        title_counter: dict[str, int] = {}
        for team, spec in zip(teams, track_of, strict=True):
            core = rng.choice(spec.titles)
            title_counter[core] = title_counter.get(core, 0) + 1
            prefix = rng.choice(("基于数据融合的", "面向行业的", "", "“数据要素×”", "可信"))
            title = f"{prefix}{core}" if title_counter[core] == 1 else f"{prefix}{core}（二期）"
            submitted = rng.random() < 0.95
            entries.append(
                Entry(
                    team=team,
                    stage=self.stage_prelim,
                    title=title,
                    summary=f"{team.lead_organisation.name}牵头，聚焦{spec.name}场景，"
                    f"以{'、'.join(rng.sample(spec.tags, 2))}为抓手释放数据要素价值。",
                    tags=rng.sample(spec.tags, min(3, len(spec.tags))),
                    status=EntryStatus.SUBMITTED if submitted else EntryStatus.DRAFT,
                    submitted_at=self.days(-rng.uniform(4, 18)) if submitted else None,
                )
            )
        Entry.objects.bulk_create(entries, batch_size=500)
        EntryFile.objects.bulk_create(
            [
                EntryFile(
                    entry=e,
                    kind=EntryFileKind.PLAN,
                    version=1,
                    is_current=True,
                    file=files[spec.name][0],
                    original_name=f"{e.title[:40]}-方案书.pdf",
                    file_type="pdf",
                    content_type="application/pdf",
                    size=files[spec.name][2],
                    sha256=files[spec.name][1],
                    uploaded_by=e.team.captain,
                )
                for e, spec in zip(entries, track_of, strict=True)
            ],
            batch_size=500,
        )
        for e in entries:
            self.quality[e.pk] = min(9.6, max(3.5, rng.gauss(6.9, 1.1)))

        # the winner: a member of a strong 工业制造 team
        industry = [
            (team, e)
            for team, e in zip(teams, entries, strict=True)
            if team.track_id == self.tracks["工业制造"].pk and e.status == EntryStatus.SUBMITTED
        ]
        self.winner_team, winner_entry = industry[0]
        self.quality[winner_entry.pk] = 9.4
        self.winner = self.make_user(
            WINNER_EMAIL,
            "林嘉怡",
            organisation=self.winner_team.lead_organisation,
            province="江苏",
        )
        self.teams = teams
        self.entries = entries
        self.built.counts["teams"] = len(teams) + 1
        self.built.counts["entries"] = len(entries) + 1
        self.built.counts["members"] = len(rows) + 6

    # ---------------------------------------------------------------- 揭榜挂帅

    def challenge_list(self) -> None:
        from contest.services.challenge import (
            challenge_approve,
            challenge_create,
            challenge_publish,
            challenge_submit,
        )
        from contest.services.contest import (
            contest_create,
            contest_role_grant,
            contest_transition,
            stage_create,
            track_create,
        )

        self.step("揭榜挂帅 contest, publishers and challenges (services)")
        actor = self.organiser
        contest = contest_create(
            actor=actor,
            code=CHALLENGE_CODE,
            name="2026 揭榜挂帅 技术攻关专项赛",
            kind=ContestKind.CHALLENGE_LIST,
            edition="2026",
            year=2026,
            region="江苏",
            description=(
                "征榜 → 发榜 → 竞榜 → 评榜 → 夺榜。发榜单位提出关键技术难题，"
                "组委会组织专家遴选后发布榜单，揭榜团队提交解决方案，经专家评审和擂台赛决出擂主。"
            ),
            registration_opens_at=self.days(-15),
            registration_closes_at=self.days(45),
            team_size_min=1,
            team_size_max=10,
            advisors_max=3,
            entrant_kinds=["person", "enterprise", "research_institute", "university"],
            joint_entries_allowed=True,
            requires_challenge=True,
        )
        self.challenge_contest = contest
        tracks = {
            name: track_create(actor=actor, contest=contest, code=f"cl-{i}", name=name, order=i)
            for i, name in enumerate(CHALLENGE_TRACKS, start=1)
        }
        stage_create(
            actor=actor,
            contest=contest,
            name="揭榜方案评审",
            kind=StageKind.ONLINE_REVIEW,
            order=1,
            submission_opens_at=self.days(-15),
            submission_closes_at=self.days(45),
            review_opens_at=self.days(46),
            review_closes_at=self.days(60),
        )
        stage_create(
            actor=actor,
            contest=contest,
            name="擂台赛（夺榜）",
            kind=StageKind.ROADSHOW,
            order=2,
            review_opens_at=self.days(75),
            review_closes_at=self.days(76),
        )
        for status in (ContestStatus.PUBLISHED, ContestStatus.REGISTRATION_OPEN):
            contest = contest_transition(actor=actor, contest=contest, to=status)

        publishers = []
        for name, kind, city, region in PUBLISHERS:
            publishers.append(
                Organisation.objects.create(
                    name=name,
                    kind=kind,
                    uscc=self.next_uscc(
                        "11"
                        if kind == OrganisationKind.GOVERNMENT
                        else ("12" if kind != OrganisationKind.ENTERPRISE else "91"),
                        region,
                    ),
                    province="江苏",
                    city=city,
                    registered_on=datetime.date(2003, 6, 1),
                )
            )
        self.publisher = self.make_user(
            PUBLISHER_EMAIL, "吴立新", organisation=publishers[0], province="江苏"
        )
        contest_role_grant(
            actor=actor,
            contest=contest,
            user=self.publisher,
            role=ContestRoleKind.PUBLISHER,
            organisation=publishers[0],
        )
        ContestRole.objects.get_or_create(
            contest=contest, user=self.organiser, role=ContestRoleKind.ORGANISER
        )

        published = []
        for i, (title, pub, track, prize, status) in enumerate(CHALLENGES, start=1):
            publisher = publishers[pub]
            author = self.publisher if pub == 0 else actor
            challenge = challenge_create(
                actor=author,
                contest=contest,
                publisher=publisher,
                code=f"JB-2026-{i:03d}",
                title=title,
                track=tracks[track],
                background=f"{publisher.name}在生产经营中面临“{title}”相关的关键技术瓶颈，"
                "现有方案依赖进口或效果不达预期，亟需联合攻关。",
                targets="1. 关键指标达到国内领先水平（准确率≥95%，响应时间≤200ms）；\n"
                "2. 在发榜单位现场完成不少于 3 个月的试运行；\n3. 形成自主知识产权（发明专利≥2项）。",
                acceptance_indicators="由发榜单位会同组委会组织第三方测试与现场验收。",
                prize_amount=Decimal(prize) if prize is not None else None,
                prize_negotiable=prize is None,
                prize_payer=PrizePayer.PUBLISHER if i % 5 else PrizePayer.ORGANISER,
                deadline=self.days(40),
                eligibility="在中国境内注册的企业、高校、科研院所，或以高校师生为主体的团队；可联合揭榜。",
                contact_name=self.person_name(),
                contact_phone=f"025-8{i:03d}{i:04d}"[:13],
                contact_email=f"jb{i:03d}@example.com",
            )
            if status == "draft":
                continue
            challenge_submit(actor=author, challenge=challenge)
            if status == "submitted":
                continue
            challenge_approve(actor=actor, challenge=challenge)
            if status == "approved":
                continue
            challenge_publish(actor=actor, challenge=challenge)
            published.append(challenge)
        self.built.counts["challenges"] = Challenge.objects.filter(contest=contest).count()
        self.built.counts["challenges_published"] = len(published)

        # teams that took challenges (bulk): a captain, 1–4 members, some draft entries
        rng = self.rng
        n = self.sizes.challenge_teams
        captains = self.bulk_people(n)
        teams = []
        for i, captain in enumerate(captains):
            challenge = (
                published[i % len(published)] if i < len(published) else rng.choice(published)
            )
            lead = rng.choice(self.companies + self.universities + self.institutes)
            captain.organisation = lead
            teams.append(
                Team(
                    contest=contest,
                    code=f"T{i + 1:05d}",
                    name=f"{lead.name[:6]}揭榜队{i + 1}",
                    lead_organisation=lead,
                    challenge=challenge,
                    track=challenge.track,
                    captain=captain,
                )
            )
        User.objects.bulk_update(captains, ["organisation"])
        Team.objects.bulk_create(teams)
        extra = self.bulk_people(n * 2)
        rows = []
        for i, team in enumerate(teams):
            rows.append(
                TeamMember(team=team, contest=contest, user=team.captain, role=MemberRole.CAPTAIN)
            )
            for j, person in enumerate(extra[2 * i : 2 * i + 2], start=1):
                rows.append(
                    TeamMember(
                        team=team, contest=contest, user=person, role=MemberRole.MEMBER, order=j
                    )
                )
        TeamMember.objects.bulk_create(rows)
        stage = contest.stages.get(order=1)
        Entry.objects.bulk_create(
            [
                Entry(
                    team=t,
                    stage=stage,
                    title=f"“{t.challenge.title}”揭榜方案",
                    summary="技术路线、研发计划、里程碑与经费预算。",
                    tags=[t.challenge.track.name],
                )
                for t in teams[: max(1, n // 2)]
            ]
        )
        self.built.counts["challenge_teams"] = len(teams)

    # ---------------------------------------------------------------- judging

    def judging(self) -> None:
        self.step("评审 judging: rubric, judges, panels")
        try:
            from judging.services.panel import judge_invite, judge_profile_upsert, panel_accept
            from judging.services.rubric import rubric_create
        except ImportError as exc:  # pragma: no cover - the judging app is part of the project
            self.skip(f"judging services unavailable ({exc})")
            return
        stage = self.stage_prelim
        actor = self.organiser
        rubric_create(
            actor=actor,
            stage=stage,
            name="初赛评分细则（2026）",
            criteria=[
                {
                    "key": key,
                    "name": name,
                    "description": desc,
                    "weight": weight,
                    "max_score": 10,
                    "step": "0.5",
                }
                for key, name, desc, weight in RUBRIC
            ],
        )
        try:
            from judging.enums import AggregationMethod, RankingScope
            from judging.models import ResultSettings

            ResultSettings.objects.get_or_create(
                stage=stage,
                defaults={
                    "method": AggregationMethod.MEAN,
                    "normalise": True,
                    "scope": RankingScope.TRACK,
                },
            )
        except Exception as exc:  # noqa: BLE001 - the settings are a nicety
            self.skip(f"result settings ({exc})")

        # judge organisations (outside the entrants) and one entrant university, for a recusal
        region = {row[0]: row[4] for row in JUDGE_ORGS}
        judge_orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=name,
                    kind=kind,
                    uscc=self.next_uscc("12", region[name]),
                    province=province,
                    city=city,
                )
                for name, kind, province, city, _ in JUDGE_ORGS
            ]
        )
        # panels: the busiest tracks get a panel of three; everyone else sits on the whole stage
        n = self.sizes.judges
        track_counts = {}
        for team in [self.showcase, *self.teams]:
            track_counts[team.track_id] = track_counts.get(team.track_id, 0) + 1
        n_track_panels = max(1, (n - 6) // 3)
        busiest = sorted(self.tracks.values(), key=lambda t: -track_counts.get(t.pk, 0))
        if self.tracks["工业制造"] in busiest[:n_track_panels]:
            panel_tracks = busiest[:n_track_panels]
        else:
            panel_tracks = [self.tracks["工业制造"], *busiest[: n_track_panels - 1]]
        slots = [t for t in panel_tracks for _ in range(3)]
        slots += [None] * (n - len(slots))
        submitted = [e for e in self.entries if e.status == EntryStatus.SUBMITTED]
        panel_ids = {t.pk for t in panel_tracks}
        stage_wide = sum(1 for e in submitted if e.team.track_id not in panel_ids)
        wide_judges = max(1, slots.count(None))
        wide_max = math.ceil(stage_wide * 3 / wide_judges) + 10
        track_max = max(
            [math.ceil(track_counts.get(t.pk, 0) * 3 / 3) + 10 for t in panel_tracks] + [60]
        )

        judges = []
        self.lenient = self.harsh = None
        conflict_slot_used = False
        for i, track in enumerate(slots):
            org = judge_orgs[i % len(judge_orgs)]
            # one stage-wide judge comes from an entrant university: stored recusals to show
            if track is None and wide_judges >= 5 and not conflict_slot_used:
                org = self.universities[1]
                conflict_slot_used = True
            name = self.person_name()
            user = self.make_user(
                f"judge{i + 1:02d}@{DEMO_DOMAIN}", name, organisation=org, province=org.province
            )
            spec = next((s for s in TRACKS if track and s.name == track.name), None)
            expertise = (
                list(spec.tags[:3])
                if spec
                else self.rng.sample([t for s in TRACKS for t in s.tags], 3)
            )
            judge_profile_upsert(
                user=user,
                organisation=org,
                province=org.province,
                title=JUDGE_TITLES[i % len(JUDGE_TITLES)],
                expertise=expertise,
                bio=f"{org.name}{JUDGE_TITLES[i % len(JUDGE_TITLES)]}，长期从事数据要素与行业数字化研究。",
            )
            membership = judge_invite(
                actor=actor,
                stage=stage,
                judge=user,
                track=track,
                max_load=wide_max if track is None else track_max,
                is_chair=(i == 0),
            )
            panel_accept(actor=user, membership=membership, declaration_accepted=True)
            judges.append((user, track))
        wide = [u for u, t in judges if t is None]
        if len(wide) >= 2:
            self.lenient, self.harsh = wide[-1], wide[-2]
        self.judges = judges

        # the demo judge: invited to the 工业制造 panel, declaration not yet signed
        self.demo_judge = self.make_user(
            JUDGE_EMAIL, "郑文博", organisation=judge_orgs[0], province=judge_orgs[0].province
        )
        judge_profile_upsert(
            user=self.demo_judge,
            organisation=judge_orgs[0],
            province=judge_orgs[0].province,
            title="研究员",
            expertise=["工业互联网", "数字孪生", "质量追溯"],
            bio="华东数据要素研究院研究员，工业数据治理方向。",
        )
        self.demo_membership = judge_invite(
            actor=actor, stage=stage, judge=self.demo_judge, track=self.tracks["工业制造"]
        )
        self.built.counts["judges"] = len(judges) + 1

        try:
            from judging.services.conflict import conflicts_detect

            self.built.counts["conflicts"] = conflicts_detect(contest=self.contest)
        except ImportError:
            self.skip("conflict detection (judging.services.conflict not found)")

        if not self.assign():
            return
        self.reviews()
        self.results_and_awards()

    def assign(self) -> bool:
        self.step("评审分配 automatic assignment (k=3)")
        from judging.enums import AssignmentSource, RunStatus
        from judging.models import Assignment, AssignmentRun

        stage = self.stage_prelim
        try:
            from judging.services.assignment import assignment_run_execute
        except ImportError:
            assignment_run_execute = None
        if assignment_run_execute is not None:
            run = AssignmentRun.objects.create(stage=stage, k=3, created_by=self.organiser)
            assignment_run_execute(run=run)
            run.refresh_from_db()
            if run.status != RunStatus.DONE:
                self.skip(f"assignment run ended {run.status}: {run.report.get('messages_en')}")
                return False
        else:
            self.skip("judging.services.assignment not found: assignments created directly")
            self._assign_directly()
        # the demo judge: a few 工业制造 entries, by hand (manual), no conflict
        from judging.services.conflict import conflict_exists

        codes = dict(
            Assignment.objects.filter(stage=stage).values_list("entry_id", "anonymous_code")
        )
        industry = [
            e
            for e in self.entries
            if e.status == EntryStatus.SUBMITTED
            and e.team.track_id == self.tracks["工业制造"].pk
            and e.pk in codes
        ]
        picked = [e for e in industry if not conflict_exists(judge=self.demo_judge, team=e.team)]
        Assignment.objects.bulk_create(
            [
                Assignment(
                    stage=stage,
                    entry=e,
                    judge=self.demo_judge,
                    source=AssignmentSource.MANUAL,
                    anonymous_code=codes[e.pk],
                    created_by=self.organiser,
                )
                for e in picked[:5]
            ]
        )
        self.built.counts["assignments"] = Assignment.objects.filter(stage=stage).count()
        return True

    def _assign_directly(self) -> None:
        from judging.enums import AssignmentSource
        from judging.models import Assignment
        from judging.services.conflict import conflicted_teams

        stage = self.stage_prelim
        by_panel: dict[int | None, list[User]] = {}
        for user, track in self.judges:
            by_panel.setdefault(track.pk if track else None, []).append(user)
        forbidden = {
            user.pk: set(
                conflicted_teams(judge=user, contest=self.contest).values_list("pk", flat=True)
            )
            for user, _ in self.judges
        }
        load: dict[int, int] = {u.pk: 0 for u, _ in self.judges}
        rows = []
        for n, entry in enumerate(e for e in self.entries if e.status == EntryStatus.SUBMITTED):
            panel = entry.team.track_id if entry.team.track_id in by_panel else None
            pool = [u for u in by_panel.get(panel, []) if entry.team_id not in forbidden[u.pk]]
            pool.sort(key=lambda u: load[u.pk])
            code = f"A-{n + 1:04d}"
            for user in pool[:3]:
                load[user.pk] += 1
                rows.append(
                    Assignment(
                        stage=stage,
                        entry=entry,
                        judge=user,
                        source=AssignmentSource.AUTO,
                        anonymous_code=code,
                        created_by=self.organiser,
                    )
                )
        Assignment.objects.bulk_create(rows, batch_size=1000)

    def reviews(self) -> None:
        """Scores: drafts through `review_save`; submitted reviews in bulk, exactly as `review_submit`
        stores them (weighted total by `review_total`, one `review.submit` row each in the audit
        chain, hashed the same way) — the service per review would take most of a minute."""
        self.step("评分 reviews (submitted in bulk with their audit rows; drafts via the service)")
        from judging.enums import ReviewStatus
        from judging.models import Assignment, AuditLog, Review, ReviewScore, Rubric
        from judging.services.audit import GENESIS, row_hash
        from judging.services.review import review_save
        from judging.services.rubric import review_total

        rng = self.rng
        stage = self.stage_prelim
        rubric = Rubric.objects.prefetch_related("criteria").get(
            stage=stage, track=None, group=None
        )
        criteria = {c.key: c for c in rubric.criteria.all()}
        bias = {u.pk: rng.gauss(0, 0.35) for u, _ in self.judges}
        if self.lenient:
            bias[self.lenient.pk] = 1.5
            bias[self.harsh.pk] = -1.5
        judges = {u.pk: u for u, _ in self.judges}
        assignments = list(
            Assignment.objects.filter(stage=stage, judge_id__in=list(judges))
            .select_related("entry")
            .order_by("id")
        )
        comments = (
            "数据融合场景清晰，应用成效有量化支撑。",
            "创新性较强，建议补充数据安全合规说明。",
            "示范效应明显，推广路径可进一步细化。",
            "数据来源较单一，乘数效应体现不足。",
            "技术路线成熟，落地案例丰富。",
        )
        planned = []
        drafts = 0
        for a in assignments:
            r = rng.random()
            if r < 0.04:
                continue  # not started yet
            q = self.quality.get(a.entry_id, 6.5) + bias[a.judge_id]
            scores = {}
            for key in criteria:
                value = min(10.0, max(0.0, rng.gauss(q, 0.6)))
                scores[key] = (Decimal(round(value * 2)) / 2).quantize(Decimal("0.01"))
            if r < 0.08:
                partial = {k: str(v) for k, v in list(scores.items())[:2]}
                review_save(actor=judges[a.judge_id], assignment=a, scores=partial)
                drafts += 1
                continue
            planned.append((a, scores, rng.choice(comments)))

        reviews = Review.objects.bulk_create(
            [
                Review(
                    assignment=a,
                    stage=stage,
                    entry_id=a.entry_id,
                    judge_id=a.judge_id,
                    rubric=rubric,
                    status=ReviewStatus.SUBMITTED,
                    total=review_total(rubric=rubric, values=scores),
                    comment=comment,
                    submitted_at=self.days(-rng.uniform(0.1, 2.5)),
                )
                for a, scores, comment in planned
            ],
            batch_size=1000,
        )
        ReviewScore.objects.bulk_create(
            [
                ReviewScore(review=review, criterion=criteria[key], value=value)
                for review, (_, scores, _) in zip(reviews, planned, strict=True)
                for key, value in scores.items()
            ],
            batch_size=2000,
        )
        # the audit rows review_submit writes, chained after what the services recorded so far
        contest_id = self.contest.pk
        last = AuditLog.objects.filter(contest_id=contest_id).order_by("-seq").first()
        seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
        rows = []
        for review, (_, scores, _) in sorted(
            zip(reviews, planned, strict=True), key=lambda pair: pair[0].submitted_at
        ):
            seq += 1
            row = AuditLog(
                contest_id=contest_id,
                seq=seq,
                actor_id=review.judge_id,
                action="review.submit",
                object_type="Review",
                object_id=str(review.pk),
                reason="",
                data={
                    "entry": review.entry_id,
                    "judge": review.judge_id,
                    "total": str(review.total),
                    "previous_total": None,
                    "scores": {k: str(v) for k, v in sorted(scores.items())},
                    "rubric_version": rubric.version,
                },
                created_at=timezone.now(),
                prev_hash=prev,
            )
            row.hash = row_hash(prev, row)
            prev = row.hash
            rows.append(row)
        AuditLog.objects.bulk_create(rows, batch_size=1000)
        self.built.counts["reviews_submitted"] = len(reviews)
        self.built.counts["reviews_draft"] = drafts

    def results_and_awards(self) -> None:
        """Results, promotion, awards, notice and certificates — each where its service exists.

        A step whose service is missing, or fails (a later service's API may still be changing),
        is skipped with a note, and so are the steps that need it; its writes are rolled back."""
        steps = [
            ("result", "成绩计算与发布 results computed and published", self._results),
            ("promotion", "晋级决赛与推荐全国 promotion and recommendation", self._promotion),
            ("award", "拟奖 awards proposed", self._awards),
            ("notice", "公示与确定 notice opened and finalised", self._notice),
            ("certificate", "证书 certificates issued", self._certificates),
        ]
        needs = {"award": "result", "notice": "award", "certificate": "notice"}
        done: set[str] = set()
        for module, label, handler in steps:
            if module in needs and needs[module] not in done:
                self.skip(f"{label}: needs the {needs[module]} step")
                continue
            try:
                importlib.import_module(f"judging.services.{module}")
            except ImportError:
                self.skip(f"{label}: judging.services.{module} not present yet")
                continue
            self.step(label)
            try:
                with transaction.atomic():
                    handler()
            except Exception as exc:  # noqa: BLE001 - reported, never fatal to the demo
                self.skip(f"{label}: {type(exc).__name__}: {exc}")
                continue
            done.add(module)
        if "award" not in done:
            self._winner_join(self.winner_team)

    def _winner_join(self, team: Team) -> None:
        TeamMember.objects.create(
            team=team,
            contest=self.contest,
            user=self.winner,
            role=MemberRole.MEMBER,
            order=20,
            title="数据工程师",
        )

    def _results(self) -> None:
        from judging.services.result import ranking_compute, results_publish

        summary = ranking_compute(stage=self.stage_prelim, actor=self.organiser)
        self.snapshot = results_publish(actor=self.organiser, stage=self.stage_prelim)
        self.built.counts["results_ranked"] = summary.ranked

    def _promotion(self) -> None:
        from judging.enums import PromotionRule
        from judging.services.promotion import promotion_apply, recommend_to_parent

        promotion_apply(
            actor=self.organiser,
            from_stage=self.stage_prelim,
            to_stage=self.stage_final,
            rule=PromotionRule.TOP_N,
            n=2,
        )
        self.built.counts["finalists"] = Entry.objects.filter(stage=self.stage_final).count()
        from judging.models import EntryResult

        top = list(
            EntryResult.objects.filter(stage=self.stage_prelim, rank=1)
            .order_by("group_key")
            .values_list("entry_id", flat=True)[: self.national.promotion_quota or 10]
        )
        recommend_to_parent(
            actor=self.organiser,
            contest=self.contest,
            entry_ids=top[:8],
            reason="初赛各赛道第一名，择优推荐参加全国总决赛。",
        )
        self.built.counts["recommended"] = len(top[:8])

    def _awards(self) -> None:
        from awards.enums import AwardTierKind
        from awards.models import Award
        from awards.services.award import award_adjust, awards_propose, tier_create

        actor = self.organiser
        for order, (name, quota) in enumerate((("一等奖", 1), ("二等奖", 1), ("三等奖", 2)), 1):
            tier_create(
                actor=actor,
                contest=self.contest,
                name=name,
                kind=AwardTierKind.RANKED,
                quota_count=quota,
                order=order,
            )
        special = tier_create(
            actor=actor,
            contest=self.contest,
            name="技术创新奖",
            kind=AwardTierKind.SPECIAL,
            order=10,
        )
        awards = awards_propose(actor=actor, stage=self.stage_prelim)
        industry = self.tracks["工业制造"].pk
        mine = sorted(
            (a for a in awards if a.team.track_id == industry),
            key=lambda a: (a.tier.order, a.rank or 99),
        )
        winner_team = mine[0].team if mine else awards[0].team
        self._winner_join(winner_team)
        self.winner_team = winner_team
        unawarded = (
            Team.objects.filter(contest=self.contest, entries__stage=self.stage_prelim)
            .exclude(pk__in=[a.team_id for a in awards])
            .exclude(pk=self.showcase.pk)
            .order_by("code")
            .first()
        )
        if unawarded is not None:
            award_adjust(
                actor=actor,
                action="add",
                reason="评审委员会推荐：数据融合技术路线具有突出创新性。",
                contest=self.contest,
                tier=special,
                team=unawarded,
            )
        self.built.counts["awards"] = Award.objects.filter(contest=self.contest).count()

    def _notice(self) -> None:
        from awards.services.notice import notice_finalise, notice_open

        notice = notice_open(
            actor=self.organiser,
            contest=self.contest,
            days=5,
            working_days=True,
            opens_at=self.days(-12),
            title="2026年“数据要素×”大赛江苏分赛初赛拟获奖名单公示",
        )
        notice_finalise(actor=self.organiser, notice=notice)

    def _certificates(self) -> None:
        from awards.certificates.signing import signing_key
        from awards.enums import BatchStatus
        from awards.models import Certificate, CertificateBatch, CertificateTemplate
        from awards.services.certificate_batch import certificate_batch_run

        signing_key()  # no key (DEBUG off, CERTIFICATE_SIGNING_KEY empty): skipped with the reason
        CertificateTemplate.objects.update_or_create(
            contest=self.contest,
            defaults={
                "issuing_bodies": ["江苏省数据局", "江苏省工业和信息化厅"],
                "serial_prefix": "SJYSJS",
                "issue_date": timezone.localdate(),
            },
        )
        # `certificates_issue` hands the batch to Celery after commit; the demo runs it in-process
        batch = CertificateBatch.objects.create(contest=self.contest, created_by=self.organiser)
        certificate_batch_run(batch_id=batch.pk)
        batch.refresh_from_db()
        if batch.status != BatchStatus.DONE:
            raise RuntimeError(f"certificate batch {batch.status}: {batch.error}")
        self.built.counts["certificates"] = Certificate.objects.filter(contest=self.contest).count()


def seed_demo(*, small: bool = False, out: Callable[[str], None] = print) -> Built | None:
    """Build the demo; returns None (and builds nothing) when it exists already."""
    if demo_exists():
        out(f"演示数据已存在，未做任何修改 / The demo data exists already ({ORGANISER_EMAIL}).")
        return None
    seeder = _Seeder(small=small, out=out)
    with transaction.atomic():
        built = seeder.run()
    return built
