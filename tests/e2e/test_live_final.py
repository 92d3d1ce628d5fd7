"""The live final in Chromium against a real ASGI server (WebSockets; pytest-django's live server
is WSGI only): the big screen at 1366 px and two judges' phones at 375 px. Judge 1 scores; judge
2 types a draft, reloads (the draft is still there) and submits; the big screen shows both scores
as 评委1 and 评委2 without a reload; the same in English. Screenshots in tests/e2e/screenshots/."""

import pytest
from playwright.sync_api import expect

from tests.judging.live_fixtures import live_world_build
from tests.live_server_fixtures import LiveServer, database_env, server_env

from .conftest import PASSWORD, shot
from .helpers import field

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def final(tmp_path, settings):
    from judging.services.live import (
        live_order_draw,
        live_session_create,
        live_session_start,
        live_timer_set,
    )

    # the server process checks passwords with the project's hashers, not the suite's fast one
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    world = live_world_build(judges=3, teams=3, password=PASSWORD)
    session = live_session_create(actor=world.organiser, stage=world.stage)
    live_order_draw(actor=world.organiser, session=session)
    live_session_start(actor=world.organiser, session=session)
    live_timer_set(actor=world.organiser, session=session, action="start")
    session.refresh_from_db()
    server = LiveServer(tmp_path, server_env(tmp_path, database_env(tmp_path)))
    try:
        server.wait_ready()
        yield world, session, server
    finally:
        server.stop()


def _score(phone, values):
    for key, value in values.items():
        phone.get_by_test_id(f"score-{key}").fill(value)


def _run(new_page, world, session, server, language: str):
    base = server.url
    on_stage = session.current_slot.entry.team.name
    screen = new_page()
    if language == "en":
        screen.add_init_script("localStorage.setItem('saiwu.lang', 'en')")
    screen.goto(f"{base}/live/{session.pk}/screen")
    expect(screen.get_by_test_id("screen-team")).to_have_text(on_stage)
    expect(screen.get_by_test_id("screen-status")).to_have_text(
        "Connected" if language == "en" else "已连接"
    )
    expect(screen.get_by_test_id("screen-timer")).to_contain_text(
        "Pitch" if language == "en" else "项目陈述"
    )

    phones = []
    for judge in world.judges[:2]:
        phone = new_page(phone=True)
        if language == "en":
            phone.add_init_script("localStorage.setItem('saiwu.lang', 'en')")
        phone.goto(f"{base}/login?next=/live/{session.pk}/judge")
        field(phone, "login-login").fill(judge.email)
        field(phone, "login-password").fill(PASSWORD)
        phone.get_by_test_id("login-submit").click()
        expect(phone.get_by_test_id("judge-form")).to_contain_text(on_stage)
        expect(phone.get_by_test_id("judge-status")).to_have_text(
            "Connected" if language == "en" else "已连接"
        )
        phones.append(phone)
    first, second = phones

    _score(first, {"impact": "8", "novelty": "8", "data_value": "16"})
    first.get_by_test_id("judge-submit").click()
    expect(first.get_by_test_id("judge-submitted")).to_contain_text("80.000")
    expect(screen.get_by_test_id("screen-score")).to_have_count(1)

    # judge 2's draft survives a reload
    _score(second, {"impact": "9", "novelty": "9", "data_value": "18"})
    second.reload()
    expect(second.get_by_test_id("score-impact")).to_have_value("9")
    expect(second.get_by_test_id("score-data_value")).to_have_value("18")
    shot(second, f"live-judge-draft-375-{language}")
    second.get_by_test_id("judge-submit").click()
    expect(second.get_by_test_id("judge-submitted")).to_contain_text("90.000")

    scores = screen.get_by_test_id("screen-score")
    expect(scores).to_have_count(2)
    expect(scores.nth(0)).to_contain_text("Judge 1" if language == "en" else "评委1")
    expect(scores.nth(0)).to_contain_text("80.00")
    expect(scores.nth(1)).to_contain_text("90.00")
    expect(screen.get_by_test_id("screen-scores")).to_contain_text(
        "2 of 3" if language == "en" else "已评 2 / 3"
    )
    shot(screen, f"live-screen-1366-{language}")
    shot(first, f"live-judge-submitted-375-{language}")
    screen.set_viewport_size({"width": 375, "height": 812})
    shot(screen, f"live-screen-375-{language}")


def test_two_judges_phones_and_the_big_screen(new_page, final):
    world, session, server = final
    _run(new_page, world, session, server, "zh")


def test_two_judges_phones_and_the_big_screen_in_english(new_page, final):
    world, session, server = final
    _run(new_page, world, session, server, "en")
