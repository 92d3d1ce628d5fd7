"""N+1 guards on the list endpoints: the same, fixed number of queries with 1 row and with 3.

Each test builds one row the requesting user may see, lists it, adds two more rows and lists
again. Every row gets its own related objects (stage, track, judge, entry, actor …), so a missing
select_related/prefetch_related adds a query per row. Clients log in with force_authenticate
(tests/conftest.py `client_for`), so no session, token or user query is counted; the calendar is
read anonymously, as anyone may.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from judging.services.audit import audit_record
from tests.factories.awards import CalendarDayFactory
from tests.factories.contest import (
    EntryFactory,
    StageFactory,
    TeamFactory,
    TrackFactory,
    UserFactory,
)
from tests.factories.judging import (
    CriterionFactory,
    PanelMembershipFactory,
    ReviewFactory,
    ReviewScoreFactory,
    RubricFactory,
)

pytestmark = pytest.mark.django_db

# /api/rubrics/ (not paginated): the rubrics (the organised-contests filter is a subquery),
# the criteria prefetch.
RUBRIC_LIST_QUERIES = 2
# /api/panel-memberships/ (paginated): count, the page joined with judge, stage, contest, track.
PANEL_MEMBERSHIP_LIST_QUERIES = 2
# /api/reviews/ (paginated): count, the page joined with judge, assignment, entry and team,
# the scores prefetch joined with their criteria.
REVIEW_LIST_QUERIES = 3
# /api/audit-log/ (paginated): count, the page joined with the actor.
AUDIT_LOG_LIST_QUERIES = 2
# /api/judge/panels/ (not paginated): the judge's memberships joined with stage, contest, track
# and judge.
JUDGE_PANEL_LIST_QUERIES = 1
# /api/calendar-days/?year= (not paginated, no relations): the days of the year.
CALENDAR_DAY_LIST_QUERIES = 1


def _list(client, url) -> tuple[dict | list, int]:
    """The body of a list request (asserted 200) and the number of queries it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json(), len(queries)


def _rubric(contest):
    rubric = RubricFactory(stage=StageFactory(contest=contest))
    CriterionFactory.create_batch(2, rubric=rubric, weight=50)
    return rubric


def test_rubric_list_queries_constant(client_for, organiser, contest):
    client = client_for(organiser)
    first = _rubric(contest)
    rows, one = _list(client, "/api/rubrics/")
    assert len(rows) == 1
    assert rows[0]["id"] == first.pk
    assert len(rows[0]["criteria"]) == 2
    more = [_rubric(contest), _rubric(contest)]
    rows, three = _list(client, "/api/rubrics/")
    assert len(rows) == 3
    assert {row["id"] for row in rows} == {first.pk, *(r.pk for r in more)}
    assert all(len(row["criteria"]) == 2 for row in rows)
    assert three == one
    assert one == RUBRIC_LIST_QUERIES


def _membership(contest):
    """A judge invited to their own stage and track of the contest."""
    return PanelMembershipFactory(
        stage=StageFactory(contest=contest), track=TrackFactory(contest=contest)
    )


def test_panel_membership_list_queries_constant(client_for, organiser, contest):
    client = client_for(organiser)
    first = _membership(contest)
    body, one = _list(client, "/api/panel-memberships/")
    assert body["count"] == 1
    assert [row["id"] for row in body["results"]] == [first.pk]
    more = [_membership(contest), _membership(contest)]
    body, three = _list(client, "/api/panel-memberships/")
    assert body["count"] == 3
    assert [row["id"] for row in body["results"]] == [first.pk, *(m.pk for m in more)]
    assert three == one
    assert one == PANEL_MEMBERSHIP_LIST_QUERIES


def _review(contest, stage):
    """A submitted review by its own judge of its own team's entry, with two scores."""
    entry = EntryFactory(team=TeamFactory(contest=contest), stage=stage)
    review = ReviewFactory(assignment__entry=entry)
    ReviewScoreFactory.create_batch(2, review=review)
    return review


def test_review_list_queries_constant(client_for, organiser, contest, stage):
    client = client_for(organiser)
    first = _review(contest, stage)
    body, one = _list(client, "/api/reviews/")
    assert body["count"] == 1
    assert [row["id"] for row in body["results"]] == [first.pk]
    assert len(body["results"][0]["scores"]) == 2
    more = [_review(contest, stage), _review(contest, stage)]
    body, three = _list(client, "/api/reviews/")
    assert body["count"] == 3
    assert [row["id"] for row in body["results"]] == [first.pk, *(r.pk for r in more)]
    assert three == one
    assert one == REVIEW_LIST_QUERIES


def _audit(contest, n):
    """One chained audit row with its own actor."""
    return audit_record(contest=contest, actor=UserFactory(), action="test.list", obj=("Thing", n))


def test_audit_log_list_queries_constant(client_for, organiser, contest):
    client = client_for(organiser)
    first = _audit(contest, 1)
    body, one = _list(client, "/api/audit-log/")
    assert body["count"] == 1
    assert [row["seq"] for row in body["results"]] == [first.seq]
    more = [_audit(contest, 2), _audit(contest, 3)]
    body, three = _list(client, "/api/audit-log/")
    assert body["count"] == 3
    assert [row["seq"] for row in body["results"]] == [first.seq, *(r.seq for r in more)]
    assert [row["actor_name"] for row in body["results"]] == [
        r.actor.real_name for r in [first, *more]
    ]
    assert three == one
    assert one == AUDIT_LOG_LIST_QUERIES


def _judge_panel(judge):
    """The judge invited to a stage of its own contest, for its own track."""
    stage = StageFactory()
    return PanelMembershipFactory(
        judge=judge, stage=stage, track=TrackFactory(contest=stage.contest)
    )


def test_judge_panel_list_queries_constant(client_for):
    judge = UserFactory(real_name="评委李四")
    client = client_for(judge)
    first = _judge_panel(judge)
    rows, one = _list(client, "/api/judge/panels/")
    assert len(rows) == 1
    assert rows[0]["id"] == first.pk
    more = [_judge_panel(judge), _judge_panel(judge)]
    rows, three = _list(client, "/api/judge/panels/")
    assert len(rows) == 3
    assert {row["id"] for row in rows} == {first.pk, *(m.pk for m in more)}
    assert three == one
    assert one == JUDGE_PANEL_LIST_QUERIES


def test_calendar_day_list_queries_constant(api_client):
    url = "/api/calendar-days/?year=2031"
    CalendarDayFactory(date=dt.date(2031, 1, 1), name="元旦")
    rows, one = _list(api_client, url)
    assert [row["date"] for row in rows] == ["2031-01-01"]
    CalendarDayFactory(date=dt.date(2031, 10, 1), name="国庆节")
    CalendarDayFactory(date=dt.date(2031, 10, 2), name="国庆节")
    rows, three = _list(api_client, url)
    assert [row["date"] for row in rows] == ["2031-01-01", "2031-10-01", "2031-10-02"]
    assert three == one
    assert one == CALENDAR_DAY_LIST_QUERIES
