"""The expert pool (专家库) of the Jiangsu 数据要素× sub-contest and one draw for its 决赛: about
forty experts in several provinces and fields (a few out of the pool or unavailable on the day),
then a draw of seven and three reserves, with one expert confirmed, one declined (a reserve
called in their place) and the rest still to answer. Everything goes through the services."""

from __future__ import annotations

from demo.data import uscc_make
from demo.logins import DEMO_PASSWORD
from demo.state import DemoState
from judging.models import ExpertDrawPick
from judging.services.expert import expert_create
from judging.services.expert_draw import (
    expert_draw_create,
    expert_pick_confirm,
    expert_pick_decline,
)

PROVINCES = ["北京", "上海", "浙江", "广东", "四川", "湖北", "陕西", "江苏"]
FIELDS = [
    "数据要素",
    "人工智能",
    "工业制造",
    "现代农业",
    "金融服务",
    "医疗健康",
    "交通运输",
    "数据安全",
]
TITLES = ["教授", "研究员", "正高级工程师", "高级工程师", "副教授"]
ORGANISATIONS = ["大学", "研究院", "数据研究中心", "信息技术有限公司", "科学院研究所"]
POOL_SIZE = 40


def experts(seed: DemoState) -> None:
    seed.step("专家库与决赛专家抽取 expert pool and the final's draw")
    rng, actor, contest = seed.rng, seed.organiser, seed.contest
    event_day = seed.stage_final.review_opens_at.date()
    for n in range(1, POOL_SIZE + 1):
        province = PROVINCES[n % len(PROVINCES)]
        fields = rng.sample(FIELDS, 2) if n % 4 else ["数据要素", rng.choice(FIELDS[1:])]
        expert_create(
            actor=actor,
            contest=contest,
            name=seed.person_name(),
            organisation_name=f"{province}{rng.choice(ORGANISATIONS)}",
            organisation_uscc=uscc_make("12", "110000", 900_000 + n * 7919),
            province=province,
            fields=fields,
            title=rng.choice(TITLES),
            mobile=f"1390000{n:04d}",
            email=f"expert{n:02d}@experts.saiwu.example",
            active=n % 13 != 0,
            unavailable_dates=[event_day.isoformat()] if n % 11 == 0 else [],
        )
    draw = expert_draw_create(
        actor=actor,
        stage=seed.stage_final,
        count=7,
        reserves=3,
        fields_wanted=["数据要素", "人工智能"],
        event_date=event_day,
    )
    picks = list(ExpertDrawPick.objects.filter(draw=draw).order_by("position"))
    expert_pick_confirm(token=picks[0].token, password=DEMO_PASSWORD)
    expert_pick_decline(token=picks[1].token)
    seed.expert_draw = draw
    seed.built.counts["experts"] = POOL_SIZE
    seed.built.counts["expert_picks"] = len(picks)
