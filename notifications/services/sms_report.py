"""SMS delivery reports (Aliyun SmsReport, HTTP batch push): a sent message becomes `delivered`,
or `failed` when the operator reports it undelivered.

Aliyun pushes a JSON array of reports to the receiving address configured in its console
(`/api/notifications/sms-reports/<ALIYUN_SMS_REPORT_TOKEN>/`), retries what is not answered with
HTTP 200 and `{"code": 0}`, and does not promise to push a report only once: applying a report
twice changes nothing. Each report names the send's `biz_id` (the BizId SendSms answered, kept as
the message's `provider_id`) and its `out_id` (the message id the adapter sent as OutId); a report
must match both to touch a message.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from notifications.enums import Channel, MessageStatus
from notifications.errors import error
from notifications.models import Message

MAX_REPORTS = 1000  # Aliyun batches a few hundred at most


@dataclass(frozen=True)
class ReportOutcome:
    delivered: int
    failed: int
    unknown: int  # no sent SMS with that biz_id and out_id (already applied, or not ours)


def _report_check(report) -> tuple[str, int, bool, str]:
    if not isinstance(report, dict):
        raise error("sms_report_invalid")
    biz_id, out_id, success = report.get("biz_id"), report.get("out_id"), report.get("success")
    if not isinstance(biz_id, str) or not biz_id or len(biz_id) > 128:
        raise error("sms_report_invalid")
    if not isinstance(out_id, str) or not out_id.isascii() or not out_id.isdigit():
        raise error("sms_report_invalid")
    if not isinstance(success, bool):
        raise error("sms_report_invalid")
    detail = " ".join(
        str(report.get(key, ""))[:200] for key in ("err_code", "err_msg", "report_time")
    )
    return biz_id, int(out_id), success, detail


@transaction.atomic
def sms_reports_apply(reports) -> ReportOutcome:
    """Apply a batch of delivery reports; the whole batch is refused (400) when any report is
    malformed, so a half-read push is retried by the provider rather than half applied."""
    if not isinstance(reports, list) or len(reports) > MAX_REPORTS:
        raise error("sms_report_invalid")
    checked = [_report_check(report) for report in reports]
    delivered = failed = unknown = 0
    for biz_id, message_id, success, detail in checked:
        message = (
            Message.objects.select_for_update()
            .filter(
                pk=message_id,
                provider_id=biz_id,
                channel=Channel.SMS,
                status=MessageStatus.SENT,
            )
            .first()
        )
        if message is None:
            unknown += 1
            continue
        message.status = MessageStatus.DELIVERED if success else MessageStatus.FAILED
        message.provider_reply = f"{message.provider_reply}\nreport: {detail}"[-4000:]
        message.save(update_fields=["status", "provider_reply"])
        if success:
            delivered += 1
        else:
            failed += 1
    return ReportOutcome(delivered=delivered, failed=failed, unknown=unknown)
