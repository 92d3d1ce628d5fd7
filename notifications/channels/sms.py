"""SMS through a provider interface. A provider takes a mobile number, the template code
registered with it (settings NOTIFICATIONS_SMS_TEMPLATES, by event) and the template's
parameters, and returns a `SendResult`; the provider renders the text itself (China's SMS rules:
only approved templates and signatures may be sent).

Providers (NOTIFICATIONS_SMS_PROVIDER): "console" (development: logs and succeeds), "aliyun"
(Alibaba Cloud Dysmsapi SendSms, 2017-05-25, signed with the RPC signature: HMAC-SHA1 over the
percent-encoded, sorted parameters, as documented in "签名机制"
https://help.aliyun.com/document_detail/28839.html and the SMS "signature method" page)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import uuid
from urllib.parse import quote

import requests
from django.conf import settings

from notifications.channels.base import SendResult

logger = logging.getLogger(__name__)

# Aliyun codes that no retry will change: the number, the template or the signature is wrong.
ALIYUN_PERMANENT = {
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.MOBILE_COUNT_OVER_LIMIT",
    "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.INVALID_PARAMETERS",
    "isv.BLACK_KEY_CONTROL_LIMIT",
    "isv.PARAM_LENGTH_LIMIT",
    "isv.PARAM_NOT_SUPPORT_URL",
    "isv.AMOUNT_NOT_ENOUGH",
    "InvalidAccessKeyId.NotFound",
    "SignatureDoesNotMatch",
}


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as Aliyun specifies: A-Z a-z 0-9 - _ . ~ kept, space as %20, UTF-8."""
    return quote(str(value), safe="-_.~")


def rpc_string_to_sign(method: str, params: dict) -> str:
    canonical = "&".join(
        f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items())
    )
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"


def rpc_signature(method: str, params: dict, secret: str) -> str:
    """Base64(HMAC-SHA1(secret + "&", StringToSign)); `params` without Signature."""
    digest = hmac.new(
        (secret + "&").encode("utf-8"),
        rpc_string_to_sign(method, params).encode("utf-8"),
        hashlib.sha1,
    ).digest()
    return base64.b64encode(digest).decode("ascii")


class ConsoleSms:
    """Development: the message is logged, never sent."""

    def send(self, *, mobile: str, template_code: str, params: dict, out_id: str) -> SendResult:
        logger.info("SMS to %s: %s %s", mobile, template_code, params)
        return SendResult(True, reply="console", provider_id=f"console-{out_id}")


class AliyunSms:
    def __init__(
        self,
        *,
        access_key_id: str,
        access_key_secret: str,
        sign_name: str,
        endpoint: str = "https://dysmsapi.aliyuncs.com/",
        region: str = "cn-hangzhou",
        timeout: float = 10.0,
        session: requests.Session | None = None,
    ):
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.sign_name = sign_name
        self.endpoint = endpoint
        self.region = region
        self.timeout = timeout
        self.session = session or requests.Session()

    def params(
        self, *, mobile: str, template_code: str, params: dict, out_id: str, nonce=None, now=None
    ) -> dict:
        """The signed request parameters of one SendSms call."""
        moment = now or dt.datetime.now(dt.UTC)
        values = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "OutId": out_id,
            "PhoneNumbers": mobile,
            "RegionId": self.region,
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce or uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": template_code,
            "TemplateParam": json.dumps(params, ensure_ascii=False, separators=(",", ":")),
            "Timestamp": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        values["Signature"] = rpc_signature("POST", values, self.access_key_secret)
        return values

    def send(self, *, mobile: str, template_code: str, params: dict, out_id: str) -> SendResult:
        values = self.params(
            mobile=mobile, template_code=template_code, params=params, out_id=out_id
        )
        body = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in values.items())
        try:
            response = self.session.post(
                self.endpoint,
                data=body.encode("ascii"),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            return SendResult(False, reply=f"{type(exc).__name__}: {exc}")
        reply = response.text[:2000]
        try:
            payload = response.json()
        except ValueError:
            return SendResult(False, reply=f"HTTP {response.status_code}: {reply}")
        code = str(payload.get("Code", ""))
        if code == "OK":
            return SendResult(True, reply=reply, provider_id=str(payload.get("BizId", "")))
        return SendResult(False, reply=reply, permanent=code in ALIYUN_PERMANENT)


def sms_provider():
    name = getattr(settings, "NOTIFICATIONS_SMS_PROVIDER", "console")
    if name == "aliyun":
        return AliyunSms(
            access_key_id=getattr(settings, "ALIYUN_SMS_ACCESS_KEY_ID", ""),
            access_key_secret=getattr(settings, "ALIYUN_SMS_ACCESS_KEY_SECRET", ""),
            sign_name=getattr(settings, "ALIYUN_SMS_SIGN_NAME", ""),
            endpoint=getattr(settings, "ALIYUN_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com/"),
            region=getattr(settings, "ALIYUN_SMS_REGION", "cn-hangzhou"),
        )
    return ConsoleSms()


class SmsSender:
    def __init__(self):
        self.provider = sms_provider()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def send(self, message) -> SendResult:
        return self.provider.send(
            mobile=message.address,
            template_code=message.template_code,
            params=message.params,
            out_id=str(message.pk),
        )
