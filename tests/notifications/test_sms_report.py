"""Aliyun's delivery reports (SmsReport, HTTP batch push) turn sent SMS into delivered or failed,
only at the secret address, only for the send they name, and the same push twice changes nothing."""

import pytest

from notifications.models import Message
from tests.api.helpers import assert_error, row_counts
from tests.factories.contest import UserFactory

pytestmark = pytest.mark.django_db
TOKEN = "s3cret-report-address-2026"
URL = f"/api/notifications/sms-reports/{TOKEN}/"


@pytest.fixture(autouse=True)
def _token(settings):
    settings.ALIYUN_SMS_REPORT_TOKEN = TOKEN


def _sms(n: int, biz_id: str) -> Message:
    return Message.objects.create(
        event="invitation_sent",
        recipient=UserFactory(),
        address=f"1380000000{n}",
        channel="sms",
        subject="s",
        body="b",
        status="sent",
        provider_id=biz_id,
        idempotency_key=f"key-{n}",
    )


def _report(message: Message, *, success: bool, code: str = "DELIVERED") -> dict:
    return {
        "phone_number": "1380000****",
        "send_time": "2026-12-02 10:00:00",
        "report_time": "2026-12-02 10:00:05",
        "success": success,
        "err_code": code,
        "err_msg": "用户接收成功" if success else "空号",
        "sms_size": "1",
        "biz_id": message.provider_id,
        "out_id": str(message.pk),
    }


def test_reports_mark_delivered_and_failed_and_answer_as_aliyun_asks(api_client):
    ok, bad = _sms(1, "900001^0"), _sms(2, "900002^0")
    body = [_report(ok, success=True), _report(bad, success=False, code="MOBILE_NOT_ON_SERVICE")]

    response = api_client.post(URL, body, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "code": 0,
        "msg": "接收成功",
        "delivered": 1,
        "failed": 1,
        "unknown": 0,
    }
    ok.refresh_from_db()
    bad.refresh_from_db()
    assert (ok.status, bad.status) == ("delivered", "failed")
    assert "MOBILE_NOT_ON_SERVICE" in bad.provider_reply
    # Aliyun may push the same reports again: nothing changes.
    again = api_client.post(URL, body, format="json").json()
    assert (again["delivered"], again["failed"], again["unknown"]) == (0, 0, 2)


def test_report_naming_another_send_changes_nothing(api_client):
    message = _sms(1, "900001^0")
    forged = {**_report(message, success=False), "biz_id": "someone-else^0"}
    assert api_client.post(URL, [forged], format="json").json()["unknown"] == 1
    message.refresh_from_db()
    assert message.status == "sent"


@pytest.mark.parametrize(
    "body",
    [
        {"biz_id": "x"},
        [{"biz_id": "x", "out_id": "1"}],
        [{"biz_id": "x", "out_id": "１", "success": True}],
        [{"biz_id": "", "out_id": "1", "success": True}],
        ["not a report"],
    ],
)
def test_malformed_push_is_refused_whole(api_client, body):
    message = _sms(1, "900001^0")
    good = _report(message, success=True)
    payload = [good, *body] if isinstance(body, list) else body
    before = row_counts()
    assert_error(api_client.post(URL, payload, format="json"), 400, "sms_report_invalid")
    message.refresh_from_db()
    assert message.status == "sent"
    assert row_counts() == before


@pytest.mark.parametrize("token", ["wrong", ""])
def test_wrong_or_unset_address_is_404(api_client, settings, token):
    message = _sms(1, "900001^0")
    if token == "":
        settings.ALIYUN_SMS_REPORT_TOKEN = ""
        url = URL
    else:
        url = "/api/notifications/sms-reports/wrong/"
    response = api_client.post(url, [_report(message, success=True)], format="json")
    assert_error(response, 404, "sms_report_address_unknown")
    message.refresh_from_db()
    assert message.status == "sent"
