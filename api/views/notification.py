"""Notifications: my inbox (only mine: another's message is a 404), my preferences, the
unsubscribe link; for a contest's organisers, delivery statistics, resending failed messages,
announcements to teams and the wording of each event's message (with a preview)."""

import dataclasses
import hmac

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import StandardPagination
from api.permissions import Authenticated, RulePermission
from api.serializers.notification import (
    AnnouncementCreateSerializer,
    AnnouncementSerializer,
    DeliveryStatSerializer,
    NotificationSerializer,
    PreferencesSerializer,
    PreferencesUpdateSerializer,
    ReadAllSerializer,
    ResendSerializer,
    ResentSerializer,
    SmsReportOutcomeSerializer,
    SmsReportSerializer,
    TemplateDraftSerializer,
    TemplatePreviewSerializer,
    TemplateSerializer,
    TemplateWriteSerializer,
    UnreadCountSerializer,
    UnsubscribeSerializer,
)
from contest.models import Stage, Track
from contest.selectors import contests_visible
from notifications import selectors
from notifications.enums import Language
from notifications.errors import error
from notifications.events import EVENTS
from notifications.models import TemplateOverride
from notifications.services import announcement as announcement_services
from notifications.services import inbox as inbox_services
from notifications.services import preference as preference_services
from notifications.services import sms_report as sms_report_services
from notifications.services import template as template_services

UNREAD_PARAM = OpenApiParameter("unread", bool, description="only unread messages")


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """My inbox, newest first."""

    permission_classes = [Authenticated]
    serializer_class = NotificationSerializer
    pagination_class = StandardPagination

    def get_queryset(self):
        qs = selectors.inbox_of(user=self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(parameters=[UNREAD_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        message = inbox_services.notification_read(actor=request.user, message_id=int(pk))
        return Response(NotificationSerializer(message).data)

    @extend_schema(request=None, responses=ReadAllSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": inbox_services.notifications_read_all(actor=request.user)})

    @extend_schema(responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": selectors.unread_count(user=request.user)})

    def get_object(self):
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError):
            raise error("notification_not_found") from None
        message = self.get_queryset().filter(pk=pk).first()
        if message is None:
            raise error("notification_not_found")
        return message


class PreferencesView(APIView):
    """My choices: each kind of message on each of its channels, and my language."""

    permission_classes = [Authenticated]

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request):
        return Response(preference_services.preferences_of(user=request.user))

    @extend_schema(request=PreferencesUpdateSerializer, responses=PreferencesSerializer)
    def put(self, request):
        data = PreferencesUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            preference_services.preferences_set(
                actor=request.user,
                language=data.validated_data.get("language"),
                choices=data.validated_data["choices"],
            )
        )


class UnsubscribeView(APIView):
    """The link in a non-essential e-mail: that kind of e-mail stops (no login; signed token)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        parameters=[OpenApiParameter("token", str, required=True)], responses=UnsubscribeSerializer
    )
    def get(self, request):
        return Response(
            preference_services.unsubscribe(token=request.query_params.get("token", ""))
        )

    @extend_schema(
        parameters=[OpenApiParameter("token", str, required=True)],
        request=None,
        responses=UnsubscribeSerializer,
    )
    def post(self, request):
        # RFC 8058 one-click unsubscribe posts to the same address.
        return Response(
            preference_services.unsubscribe(token=request.query_params.get("token", ""))
        )


class SmsReportView(APIView):
    """Aliyun's SmsReport push (HTTP batch mode): the address configured in Aliyun's console is
    `/api/notifications/sms-reports/<ALIYUN_SMS_REPORT_TOKEN>/`; the token in the path is the
    only credential (Aliyun signs nothing it pushes). Answers `{"code": 0}` as Aliyun asks."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=SmsReportSerializer(many=True), responses=SmsReportOutcomeSerializer)
    def post(self, request, token):
        expected = getattr(settings, "ALIYUN_SMS_REPORT_TOKEN", "")
        if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
            raise error("sms_report_address_unknown")
        outcome = sms_report_services.sms_reports_apply(request.data)
        return Response({"code": 0, "msg": "接收成功", **dataclasses.asdict(outcome)})


class _ContestView(APIView):
    permission_classes = [RulePermission]

    def contest(self, request, pk):
        contest = get_object_or_404(contests_visible(user=request.user), pk=pk)
        self.check_object_permissions(request, contest)
        return contest


class DeliveryStatsView(_ContestView):
    """Per event and channel, how many messages are queued, sent, delivered, failed, bounced."""

    rules = {"get": "notifications.view_delivery"}

    @extend_schema(responses=DeliveryStatSerializer(many=True))
    def get(self, request, pk):
        return Response(selectors.delivery_stats(contest=self.contest(request, pk)))


class ResendView(_ContestView):
    """Queue the contest's failed and bounced messages again (of one event, or all)."""

    rules = {"post": "notifications.resend_messages"}

    @extend_schema(request=ResendSerializer, responses=ResentSerializer)
    def post(self, request, pk):
        contest = self.contest(request, pk)
        data = ResendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = announcement_services.messages_resend(
            actor=request.user, contest=contest, event=data.validated_data.get("event") or None
        )
        return Response({"queued": count})


class AnnouncementView(_ContestView):
    """Announcements to all teams of the contest, of one track or with an entry in one stage."""

    rules = {"get": "notifications.send_announcement", "post": "notifications.send_announcement"}

    @extend_schema(responses=AnnouncementSerializer(many=True))
    def get(self, request, pk):
        rows = selectors.announcements_of(contest=self.contest(request, pk))
        return Response(AnnouncementSerializer(rows, many=True).data)

    @extend_schema(request=AnnouncementCreateSerializer, responses={201: AnnouncementSerializer})
    def post(self, request, pk):
        contest = self.contest(request, pk)
        data = AnnouncementCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        track = stage = None
        if v.get("track"):
            track = Track.objects.filter(pk=v["track"]).first()
            if track is None:
                raise error("track_not_in_contest", fields={"track": ["track_not_in_contest"]})
        if v.get("stage"):
            stage = Stage.objects.filter(pk=v["stage"]).first()
            if stage is None:
                raise error("stage_not_in_contest", fields={"stage": ["stage_not_in_contest"]})
        announcement = announcement_services.announcement_send(
            actor=request.user,
            contest=contest,
            subject=v["subject"],
            body=v["body"],
            track=track,
            stage=stage,
        )
        return Response(AnnouncementSerializer(announcement).data, status=status.HTTP_201_CREATED)


class TemplateListView(_ContestView):
    """Every event's message in both languages: the contest's wording or the built-in one, with
    the placeholders it may use."""

    rules = {"get": "notifications.manage_templates"}

    @extend_schema(responses=TemplateSerializer(many=True))
    def get(self, request, pk):
        contest = self.contest(request, pk)
        overrides = {
            (o.event, o.language): o for o in TemplateOverride.objects.filter(contest=contest)
        }
        rows = []
        for event in EVENTS:
            placeholders = template_services.placeholders_of(event)
            with translation.override("zh-hans"):
                label_zh = str(EVENTS[event].label)
            with translation.override("en"):
                label_en = str(EVENTS[event].label)
            for language in Language.values:
                override = overrides.get((event, language))
                subject, body = (
                    (override.subject, override.body)
                    if override
                    else template_services.template_builtin(event, language)
                )
                rows.append(
                    {
                        "event": event,
                        "event_label_zh": label_zh,
                        "event_label_en": label_en,
                        "language": language,
                        "subject": subject,
                        "body": body,
                        "overridden": override is not None,
                        "placeholders": placeholders,
                    }
                )
        return Response(rows)


class TemplateDetailView(_ContestView):
    rules = {"put": "notifications.manage_templates", "delete": "notifications.manage_templates"}

    @extend_schema(request=TemplateWriteSerializer, responses=TemplateSerializer)
    def put(self, request, pk, event, language):
        contest = self.contest(request, pk)
        data = TemplateWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        override = template_services.template_override_set(
            actor=request.user,
            contest=contest,
            event=event,
            language=language,
            **data.validated_data,
        )
        return Response(
            {
                "event": override.event,
                "language": override.language,
                "subject": override.subject,
                "body": override.body,
                "overridden": True,
                "placeholders": template_services.placeholders_of(event),
            }
        )

    @extend_schema(responses={204: None})
    def delete(self, request, pk, event, language):
        contest = self.contest(request, pk)
        template_services.template_override_delete(
            actor=request.user, contest=contest, event=event, language=language
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class TemplatePreviewView(_ContestView):
    """Render an event's message with sample values, the draft wording if one is sent."""

    rules = {"post": "notifications.manage_templates"}

    @extend_schema(request=TemplateDraftSerializer, responses=TemplatePreviewSerializer)
    def post(self, request, pk, event, language):
        contest = self.contest(request, pk)
        data = TemplateDraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            template_services.template_preview(
                actor=request.user,
                contest=contest,
                event=event,
                language=language,
                **data.validated_data,
            )
        )
