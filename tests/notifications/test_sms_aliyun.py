"""The Aliyun SMS adapter: the RPC signature (HMAC-SHA1, percent-encoded sorted parameters)
checked against the documentation's worked example and by a local HTTP server that recomputes it
the way the provider documents, then the outbox sending through it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote

import pytest

from contest.services.team import invitation_create
from notifications.channels.sms import AliyunSms, percent_encode, rpc_signature, rpc_string_to_sign
from notifications.enums import MessageStatus
from notifications.models import Message
from notifications.services.delivery import messages_send
from notifications.services.outbox import event_raise
from tests.factories.contest import UserFactory

SECRET = "testSecret-本地"


def test_signature_matches_the_documented_example():
    # 阿里云「签名机制」的示例 (help.aliyun.com/document_detail/28839, DescribeRegions):
    # AccessKey ID testid, secret testsecret → CT9X0VtwR86fNWSnsc6v8YGOjuE=
    params = {
        "TimeStamp": "2016-02-23T12:46:24Z",
        "Format": "XML",
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "Version": "2014-05-26",
        "SignatureVersion": "1.0",
    }
    assert rpc_string_to_sign("GET", params) == (
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
        "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
        "%26SignatureVersion%3D1.0%26TimeStamp%3D2016-02-23T12%253A46%253A24Z"
        "%26Version%3D2014-05-26"
    )
    assert rpc_signature("GET", params, "testsecret") == "CT9X0VtwR86fNWSnsc6v8YGOjuE="


def test_percent_encoding_is_rfc3986():
    assert percent_encode("a b*c~d+e/中") == "a%20b%2Ac~d%2Be%2F%E4%B8%AD"


class FakeDysmsapi(BaseHTTPRequestHandler):
    """Recomputes the signature from the received parameters independently of the adapter:
    sort, RFC 3986-encode, "POST&%2F&" + encoded query, HMAC-SHA1 with secret + "&"."""

    received: list = []
    reply: dict = {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0"}

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        params = dict(parse_qsl(self.rfile.read(length).decode("ascii"), keep_blank_values=True))
        signature = params.pop("Signature", "")

        def enc(v):
            return quote(v, safe="~").replace("%7E", "~")

        query = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()))
        to_sign = "POST&%2F&" + enc(query)
        expected = base64.b64encode(
            hmac.new((SECRET + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
        ).decode()
        self.received.append({**params, "_signature_ok": signature == expected})
        if signature != expected:
            body = {
                "Code": "SignatureDoesNotMatch",
                "Message": "Specified signature is not matched",
            }
        else:
            body = self.reply
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        return None


@pytest.fixture
def dysmsapi(settings):
    FakeDysmsapi.received = []
    FakeDysmsapi.reply = {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0"}
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeDysmsapi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NOTIFICATIONS_SMS_PROVIDER = "aliyun"
    settings.ALIYUN_SMS_ACCESS_KEY_ID = "LTAI-test"
    settings.ALIYUN_SMS_ACCESS_KEY_SECRET = SECRET
    settings.ALIYUN_SMS_SIGN_NAME = "赛务平台"
    settings.ALIYUN_SMS_ENDPOINT = f"http://127.0.0.1:{server.server_port}/"
    settings.NOTIFICATIONS_SMS_TEMPLATES = {
        "invitation_sent": {"code": "SMS_465900001", "params": ["team_name", "code"]}
    }
    yield FakeDysmsapi
    server.shutdown()
    server.server_close()


def _queue(captain, team):
    UserFactory(real_name="王五", email=None, mobile="13900000002")
    invitation = invitation_create(actor=captain, team=team, invitee_contact="13900000002")
    event_raise(event="invitation_sent", model="contest.Invitation", obj_id=invitation.pk)
    return invitation


def test_sms_is_sent_signed_as_aliyun_documents(dysmsapi, captain, team):
    invitation = _queue(captain, team)
    assert messages_send(channel="sms")["sent"] == 1
    [request] = dysmsapi.received
    assert request["_signature_ok"] is True
    assert {k: request[k] for k in ("Action", "Version", "PhoneNumbers", "SignName")} == {
        "Action": "SendSms",
        "Version": "2017-05-25",
        "PhoneNumbers": "13900000002",
        "SignName": "赛务平台",
    }
    assert request["TemplateCode"] == "SMS_465900001"
    assert json.loads(request["TemplateParam"]) == {
        "team_name": "星火团队",
        "code": invitation.code,
    }
    assert (request["SignatureMethod"], request["SignatureVersion"]) == ("HMAC-SHA1", "1.0")
    sms = Message.objects.get(channel="sms")
    assert (sms.status, sms.provider_id, request["OutId"]) == (
        MessageStatus.SENT,
        "900619746936498440^0",
        str(sms.pk),
    )


def test_wrong_secret_is_refused_by_the_checking_server(dysmsapi, settings, captain, team):
    settings.ALIYUN_SMS_ACCESS_KEY_SECRET = "not-the-secret"
    _queue(captain, team)
    assert messages_send(channel="sms")["failed"] == 1
    sms = Message.objects.get(channel="sms")
    assert sms.status == MessageStatus.BOUNCED
    assert json.loads(sms.provider_reply)["Code"] == "SignatureDoesNotMatch"


def test_provider_throttling_is_retried(dysmsapi, captain, team):
    dysmsapi.reply = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"}
    _queue(captain, team)
    assert messages_send(channel="sms")["retry"] == 1
    sms = Message.objects.get(channel="sms")
    assert (sms.status, sms.attempts) == (MessageStatus.QUEUED, 1)
    assert json.loads(sms.provider_reply) == dysmsapi.reply


def test_adapter_params_are_stable_for_a_given_nonce_and_time():
    import datetime as dt

    adapter = AliyunSms(access_key_id="id", access_key_secret="s", sign_name="签名")
    values = adapter.params(
        mobile="13800000000",
        template_code="SMS_1",
        params={"code": "1234"},
        out_id="7",
        nonce="n-1",
        now=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
    )
    signature = values.pop("Signature")
    assert values["Timestamp"] == "2026-01-02T03:04:05Z"
    assert signature == rpc_signature("POST", values, "s")
