"""The live final (路演 / 擂台赛): the organisers' console, the judges' phones and the public state.

Organisers of the stage's contest run the session (others: 404 for the stage). The state is public
(the big screen): `GET /api/live/<id>/state/`; it is also what the WebSocket `/ws/live/<id>/`
pushes (api/consumers.py). Judges of the final's panel score the team on stage.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import Authenticated
from api.serializers.live import (
    LiveJudgeViewSerializer,
    LiveScoreReopenSerializer,
    LiveScoreSubmitSerializer,
    LiveSessionCreateSerializer,
    LiveStateSerializer,
    LiveSubmitResultSerializer,
    LiveTimerSerializer,
)
from api.views.award import attachment
from api.views.result import stage_organised
from contest.errors import DomainError
from judging.live_paper import live_judge_sheet_pdf, live_result_sheet_pdf
from judging.models import LiveSession
from judging.selectors.live import (
    live_judge_numbers,
    live_judge_scores,
    live_membership,
    live_session_public,
    live_sessions_organised,
    live_state,
)
from judging.services import live as services
from judging.services.rubric import rubric_for_entry


def _state(session: LiveSession) -> Response:
    session = live_session_public(session_id=session.pk)
    return Response(live_state(session=session))


class LiveStageSessionView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(responses=LiveStateSerializer)
    def get(self, request, stage_id):
        """The stage's live session (organisers); 404 before one was created."""
        stage = stage_organised(request, stage_id)
        return _state(get_object_or_404(LiveSession, stage=stage))

    @extend_schema(request=LiveSessionCreateSerializer, responses=LiveStateSerializer)
    def post(self, request, stage_id):
        """Create the stage's live session (or set its timings): pitch and questions seconds,
        8 and 7 minutes by default."""
        stage = stage_organised(request, stage_id)
        data = LiveSessionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.live_session_create(
            actor=request.user, stage=stage, **data.validated_data
        )
        return _state(session)


class _OrganisedSession(APIView):
    permission_classes = [Authenticated]

    def get_session(self) -> LiveSession:
        qs = live_sessions_organised(user=self.request.user)
        return get_object_or_404(qs, pk=self.kwargs["pk"])


def _console_action(name: str, doc: str):
    service = getattr(services, name)

    class View(_OrganisedSession):
        @extend_schema(request=None, responses=LiveStateSerializer, description=doc)
        def post(self, request, pk):
            return _state(service(actor=request.user, session=self.get_session()))

    View.__name__ = View.__qualname__ = "".join(p.title() for p in name.split("_")) + "View"
    return View


LiveOrderDrawView = _console_action(
    "live_order_draw",
    "Draw the presentation order (recorded on the audit chain with its seed); redoable until "
    "the session starts.",
)
LiveSessionStartView = _console_action(
    "live_session_start", "Start the session: the first team in the order comes on stage."
)
LiveTeamNextView = _console_action(
    "live_team_next", "The team on stage is done; the next one comes on (after the last: finished)."
)
LiveTeamPreviousView = _console_action(
    "live_team_previous", "Back to the previous team (after a mistaken next)."
)


class LiveTimerView(_OrganisedSession):
    @extend_schema(request=LiveTimerSerializer, responses=LiveStateSerializer)
    def post(self, request, pk):
        """Start (resume), pause or reset the timer of the team on stage."""
        data = LiveTimerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.live_timer_set(
            actor=request.user, session=self.get_session(), action=data.validated_data["action"]
        )
        return _state(session)


class LiveStateView(APIView):
    permission_classes = []
    authentication_classes = []

    @extend_schema(responses=LiveStateSerializer, auth=[])
    def get(self, request, pk):
        """The public state of a live session: what the big screen shows."""
        session = live_session_public(session_id=pk)
        if session is None:
            raise Http404
        return Response(live_state(session=session))


def _session_for_judge(request, pk) -> LiveSession:
    session = live_session_public(session_id=pk)
    if session is None or live_membership(stage_id=session.stage_id, user=request.user) is None:
        raise Http404
    return session


class LiveJudgeView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(responses=LiveJudgeViewSerializer)
    def get(self, request, pk):
        """A judge's phone: their number (评委N), the rubric, their own scores and the state.
        404 for anyone not on the final's panel."""
        session = _session_for_judge(request, pk)
        membership = live_membership(stage_id=session.stage_id, user=request.user)
        first = session.slots.select_related("entry__team").first()
        rubric = rubric_for_entry(entry=first.entry) if first else None
        criteria = [
            {
                "key": c.key,
                "name": c.name,
                "weight": str(c.weight),
                "max_score": str(c.max_score),
                "step": str(c.step),
            }
            for c in (rubric.criteria.order_by("order", "pk") if rubric else [])
        ]
        return Response(
            {
                "judge_no": live_judge_numbers(stage_id=session.stage_id).get(request.user.pk, 0),
                "is_chair": membership.is_chair,
                "criteria": criteria,
                "mine": live_judge_scores(session=session, judge=request.user),
                "live": live_state(session=session),
            }
        )


class LiveScoreSubmitView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(request=LiveScoreSubmitSerializer, responses=LiveSubmitResultSerializer)
    def post(self, request, pk):
        """A judge submits their score of the team on stage: final once submitted (the chair
        may reopen it with a reason)."""
        data = LiveScoreSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        # The service reads the session and runs every rule itself (as the judges' review routes
        # do): an unknown session or a judge off the panel answers 404, as the judge's view does.
        try:
            review, event = services.live_score_submit(
                actor=request.user,
                session=LiveSession(pk=pk),
                entry_id=values["entry"],
                scores=values["scores"],
                comment=values["comment"],
            )
        except LiveSession.DoesNotExist:
            raise Http404 from None
        except DomainError as refused:
            if refused.code == "live_not_on_panel":
                raise Http404 from None
            raise
        return Response(
            {
                "seq": event.seq,
                "entry": review.entry_id,
                "total": str(review.total),
                "submitted_at": review.submitted_at,
            }
        )


class LiveScoreReopenView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(request=LiveScoreReopenSerializer, responses=LiveStateSerializer)
    def post(self, request, pk):
        """The chair (or an organiser) reopens judge N's score of a team, with a reason."""
        session = live_session_public(session_id=pk)
        if session is None or not (
            live_membership(stage_id=session.stage_id, user=request.user)
            or live_sessions_organised(user=request.user).filter(pk=pk).exists()
        ):
            raise Http404
        data = LiveScoreReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.live_score_reopen(
            actor=request.user,
            session=session,
            entry_id=values["entry"],
            judge_no=values["judge_no"],
            reason=values["reason"],
        )
        return _state(session)


class LiveResultSheetView(_OrganisedSession):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        """PDF: the session's result sheet (order, each judge's score, struck, final, rank) with
        the audit chain head."""
        session = self.get_session()
        response = HttpResponse(
            live_result_sheet_pdf(session=session), content_type="application/pdf"
        )
        return attachment(response, f"live-result-{session.pk}.pdf")


class LiveJudgeSheetView(_OrganisedSession):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk, judge_no):
        """PDF: one judge's score sheet (评委N: their scores and the time of each submit) with
        the audit chain head."""
        session = self.get_session()
        judge_id = next(
            (j for j, n in live_judge_numbers(stage_id=session.stage_id).items() if n == judge_no),
            None,
        )
        if judge_id is None:
            raise Http404
        pdf = live_judge_sheet_pdf(session=session, judge_id=judge_id)
        response = HttpResponse(pdf, content_type="application/pdf")
        return attachment(response, f"live-judge-{judge_no}-{session.pk}.pdf")
