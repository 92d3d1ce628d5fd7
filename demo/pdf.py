"""A real PDF plan (reportlab, Chinese text in WenQuanYi Micro Hei when the font is present)."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings

from demo.data import TrackSpec

_FONT_NAME = "SaiwuDemoWQY"


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if _FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return _FONT_NAME
    path = Path(settings.BASE_DIR) / "awards" / "fonts" / "wqy-microhei.ttc"
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


def plan_paragraphs(title: str, track: TrackSpec) -> list[str]:
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
