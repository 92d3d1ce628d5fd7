"""Organisations through the API: USCC rules, JSON errors, nothing stored on bad input."""

import pytest

from contest.models import Organisation
from contest.validators import USCC_CHARSET, uscc_check_character
from tests.api.helpers import assert_error, ids, row_counts
from tests.factories.contest import OrganisationFactory

URL = "/api/organisations/"
FIRST17 = "91320100MA1ABCDEF"
VALID = FIRST17 + uscc_check_character(FIRST17)
USCC_ZH = "统一社会信用代码无效（应为18位，且校验码符合 GB 32100-2015）"
USCC_EN = "Invalid unified social credit code (18 characters with a GB 32100-2015 check character)."


def _payload(uscc):
    return {
        "name": "南京数智科技有限公司",
        "kind": "enterprise",
        "uscc": uscc,
        "province": "江苏",
        "city": "南京",
        "registered_on": "2021-03-15",
    }


def test_organisation_create_valid_uscc(client_for, stranger):
    response = client_for(stranger).post(URL, _payload(VALID))
    assert response.status_code == 201
    body = response.json()
    assert body["uscc"] == VALID
    assert body["registered_on"] == "2021-03-15"
    assert Organisation.objects.get(pk=body["id"]).name == "南京数智科技有限公司"


def test_organisation_create_lowercase_uscc_normalised(client_for, stranger):
    lower = "91110108551385082q"
    response = client_for(stranger).post(URL, _payload(lower))
    assert response.status_code == 201
    assert response.json()["uscc"] == "91110108551385082Q"


def _wrong_check(code):
    return code[:17] + USCC_CHARSET[(USCC_CHARSET.index(code[17]) + 1) % 31]


@pytest.mark.parametrize(
    "uscc",
    [_wrong_check(VALID), VALID[:17], VALID + "1", "91320100MA1ABCDEI" + "0", "9132O100MA1ABCDEF0"],
    ids=["bad-check-character", "17-chars", "19-chars", "letter-I", "letter-O-in-division"],
)
def test_organisation_create_invalid_uscc(client_for, stranger, uscc):
    before = row_counts()
    response = client_for(stranger).post(URL, _payload(uscc))
    body = assert_error(response, 400, "invalid_uscc")
    assert "uscc" in body["fields"]
    assert body["message_zh"].startswith(USCC_ZH)
    assert body["message_en"].startswith(USCC_EN)
    assert row_counts() == before


def test_organisation_create_bad_check_character_message(client_for, stranger):
    body = assert_error(
        client_for(stranger).post(URL, _payload(_wrong_check(VALID))), 400, "invalid_uscc"
    )
    assert body["message_zh"] == USCC_ZH
    assert body["message_en"] == USCC_EN
    assert body["fields"] == {"uscc": [USCC_ZH]}  # the request's language (zh-hans)


def test_organisation_create_too_long_uscc_message(client_for, stranger):
    body = assert_error(client_for(stranger).post(URL, _payload(VALID + "1")), 400, "invalid_uscc")
    assert (
        body["message_en"] == USCC_EN + "; Ensure this value has at most 18 characters (it has 19)."
    )


def test_organisation_create_duplicate_uscc(client_for, stranger):
    OrganisationFactory(uscc=VALID)
    before = row_counts()
    response = client_for(stranger).post(URL, _payload(VALID))
    body = assert_error(response, 409, "organisation_exists")
    assert body["fields"] == {"uscc": ["organisation_exists"]}
    assert row_counts() == before


def test_organisation_create_missing_fields(client_for, stranger):
    before = row_counts()
    response = client_for(stranger).post(URL, {"uscc": VALID})
    body = assert_error(response, 400, "invalid")
    assert sorted(body["fields"]) == ["kind", "name", "province"]
    assert row_counts() == before


def test_organisation_create_anonymous(api_client, db):
    before = row_counts()
    assert_error(api_client.post(URL, _payload(VALID)), 401, "not_authenticated")
    assert row_counts() == before


def test_organisation_list_anonymous(api_client, db):
    assert_error(api_client.get(URL), 401, "not_authenticated")


def test_organisation_list_search_by_uscc(client_for, stranger):
    wanted = OrganisationFactory(uscc=VALID)
    OrganisationFactory()
    assert ids(client_for(stranger).get(URL, {"search": VALID})) == [wanted.pk]


@pytest.mark.parametrize("count", [1, 3])
def test_organisation_list_query_count_constant(
    client_for, stranger, count, django_assert_num_queries
):
    OrganisationFactory.create_batch(count)
    client = client_for(stranger)
    with django_assert_num_queries(2):  # count + page
        response = client.get(URL)
    assert len(response.json()["results"]) == count
