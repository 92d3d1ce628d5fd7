"""A national 数据要素× final with sub-contests whose published results can be recommended: each
sub-contest has the national tracks (same codes), entries with a lead organisation, a
co-applicant, a member, an advisor and two current files, scored and published."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile

from contest.enums import EntryFileKind, EntryStatus, MemberRole
from contest.models import Entry, EntryFile
from judging.services.recommendation import recommendation_create
from judging.services.result import ranking_compute, results_publish
from tests.factories.contest import (
    ContestFactory,
    ContestRoleFactory,
    OrganisationFactory,
    StageFactory,
    TeamFactory,
    TeamMemberFactory,
    TrackFactory,
    UserFactory,
)
from tests.factories.judging import ReviewFactory

TRACKS = (("industry", "工业制造"), ("health", "医疗健康"))
PROVINCES = ("江苏", "浙江", "广东")


def file_attach(entry, kind: str, name: str, content: bytes) -> EntryFile:
    stored = EntryFile(
        entry=entry,
        kind=kind,
        version=1,
        is_current=True,
        original_name=name,
        file_type=name.rsplit(".", 1)[-1],
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=entry.team.captain,
    )
    stored.file.save(name, ContentFile(content), save=False)
    stored.save()
    return stored


class Sub:
    def __init__(self, national: National, province: str, per_track: int):
        self.contest = ContestFactory(
            parent=national.parent, name=f"{province}分赛", region=province, series=""
        )
        self.organiser = UserFactory(real_name=f"{province}组委会")
        ContestRoleFactory(contest=self.contest, user=self.organiser)
        self.stage = StageFactory(contest=self.contest, order=1, name="省赛")
        self.tracks = {
            code: TrackFactory(contest=self.contest, code=code, name=name) for code, name in TRACKS
        }
        judge = UserFactory()
        self.entries: list[Entry] = []
        for code, track in self.tracks.items():
            for i in range(per_track):
                team = TeamFactory(
                    contest=self.contest,
                    track=track,
                    name=f"{province}{track.name}团队{i + 1}",
                    lead_organisation=OrganisationFactory(name=f"{province}{code}{i}科技有限公司"),
                )
                team.co_applicants.set([OrganisationFactory(name=f"{province}{code}{i}大学")])
                TeamMemberFactory(team=team, role=MemberRole.MEMBER, title="工程师")
                TeamMemberFactory(team=team, role=MemberRole.ADVISOR, title="教授")
                entry = Entry.objects.create(
                    team=team,
                    stage=self.stage,
                    title=f"{province}{track.name}作品{i + 1}",
                    summary="数据要素赋能",
                    tags=["数据", code],
                    status=EntryStatus.SUBMITTED,
                )
                file_attach(
                    entry, EntryFileKind.PLAN, "方案书.pdf", f"%PDF plan {entry.pk}".encode()
                )
                file_attach(
                    entry, EntryFileKind.SLIDES, "路演.pdf", f"%PDF slides {entry.pk}".encode()
                )
                ReviewFactory(
                    assignment__entry=entry, assignment__judge=judge, total=Decimal(90 - i)
                )
                self.entries.append(entry)
        ranking_compute(stage=self.stage)
        results_publish(actor=self.organiser, stage=self.stage)

    def of_track(self, code: str) -> list[Entry]:
        return [e for e in self.entries if e.team.track.code == code]

    def recommend(self, *entries, actor=None):
        return recommendation_create(
            actor=actor or self.organiser,
            contest=self.contest,
            entry_ids=[e.pk for e in entries],
            reason="省赛一等奖",
        )


class National:
    def __init__(self, provinces=PROVINCES, per_track: int = 3):
        self.parent = ContestFactory(
            name="全国数据要素×大赛总决赛", series="data-elements", region="全国", promotion_quota=6
        )
        self.organiser = UserFactory(real_name="国赛组委会")
        ContestRoleFactory(contest=self.parent, user=self.organiser)
        self.stage = StageFactory(contest=self.parent, order=1, name="全国总决赛")
        self.tracks = {
            code: TrackFactory(contest=self.parent, code=code, name=name) for code, name in TRACKS
        }
        self.subs = [Sub(self, p, per_track) for p in provinces]
