"""Small Playwright helpers for Element Plus widgets."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError


def field(page: Page, testid: str):
    """The native input of an el-input / el-select / el-date-picker marked with data-testid
    (Element Plus puts the attribute on the <input> itself for el-input, on a wrapper otherwise)."""
    t = testid
    return page.locator(
        f'input[data-testid="{t}"], textarea[data-testid="{t}"], [data-testid="{t}"] input, [data-testid="{t}"] textarea'
    ).first


def pick(page: Page, select_testid: str, option_text: str) -> None:
    """Open an el-select by its data-testid, click the visible option with this text, and wait
    until the select shows it. On a loaded machine the dropdown can close again during its
    opening transition (the option then stays hidden), or a click can land mid-transition and
    miss, and the test would go on with the old value: each is retried, up to three times,
    opening the dropdown again only when it is closed (Escape would close a dialog around it)."""
    select = page.get_by_test_id(select_testid)
    option = page.locator(".el-select-dropdown__item:visible", has_text=option_text).first
    for attempt in range(3):
        try:
            if not option.is_visible():
                select.click()
            expect(option).to_be_visible(timeout=5000)
            option.click(timeout=5000)
            expect(select).to_contain_text(option_text, timeout=2000)
            return
        except (AssertionError, PlaywrightTimeoutError):
            if attempt == 2:
                raise
            page.wait_for_timeout(300)


def confirm_dialog(page: Page) -> None:
    """Press the primary button of the open ElMessageBox (confirm / prompt)."""
    button = page.locator(".el-message-box__btns .el-button--primary:visible")
    expect(button).to_be_visible()
    button.click()


def signup(page: Page, *, name: str, email: str, password: str) -> None:
    field(page, "register-name").fill(name)
    field(page, "register-email").fill(email)
    field(page, "register-password").fill(password)
    field(page, "register-password2").fill(password)
    page.get_by_test_id("register-submit").click()


def login(page: Page, base_url: str, *, login: str, password: str, next_path: str = "/") -> None:
    page.goto(f"{base_url}/login?next={next_path}")
    field(page, "login-login").fill(login)
    field(page, "login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-name")).to_be_visible()


def table_rows(page: Page, testid: str):
    return page.get_by_test_id(testid).locator(".el-table__body-wrapper tbody tr")


def toast(page: Page, text: str) -> None:
    """An ElMessage with this text is shown (earlier toasts may still be on screen)."""
    expect(page.locator(".el-message", has_text=text).first).to_be_visible()
