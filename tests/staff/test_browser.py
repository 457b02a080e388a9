"""The staff console in a real browser: headless Chromium driven by selenium through chromedriver.

The console runs with uvicorn on a free port in a thread, over the shipped knowledge and the real
model. Every page is saved as a screenshot under the test's tmp_path; with
TELECENTRE_SCREENSHOTS=docs the same pictures are written to docs/console-*.png for the staff
guide. These tests fail (never skip) when Chromium or chromedriver is missing: `.ci/run`
installs them.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from bot.gaps import GapStore
from bot.settings import load_settings
from bot.staff import build_console_app
from bot.staff.auth import hash_password
from tests.support.helpers import ROOT, SHIPPED_KNOWLEDGE

pytestmark = [pytest.mark.browser, pytest.mark.model]

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PASSWORD = "staff password for the browser test"
XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)> où apprendre ?'
RECORDED = [
    ("unsure", "cours de cuisine à Ixelles", "fr", "maks-literacy#0:fr"),
    ("unsure", "cours de cuisine pour débutants", "fr", "maks-literacy#0:fr"),
    ("unsure", "cooking class in Ixelles", "en", "maks-literacy#0:en"),
    ("thumbs_down", "is there a coding school for women over 50", "en", "becode-coding-bootcamp#0:en"),
    ("unsure", XSS, "fr", None),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def console_url(shipped_engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The console with uvicorn in a thread, some recorded questions, answer counts and feedback."""
    data = tmp_path_factory.mktemp("console-data")
    settings = load_settings(staff_password_hash=hash_password(PASSWORD), knowledge_dir=SHIPPED_KNOWLEDGE, data_dir=data)
    store = GapStore(settings.gaps_path, settings.retention_days)
    for kind, question, lang, passage in RECORDED:
        store.record(kind, question, lang, 0.3, passage)
    now = dt.datetime.now(dt.UTC)
    for days_ago, lang, outcome, count in (
        (0, "fr", "answer", 4),
        (0, "fr", "unsure", 2),
        (0, "en", "answer", 3),
        (1, "nl", "answer", 2),
        (1, "en", "unsure", 1),
    ):
        for _ in range(count):
            store.count_answer(outcome, lang, now=now - dt.timedelta(days=days_ago))
    store.feedback("becode-coding-bootcamp#0:en", up=False)
    store.feedback("maks-open-studio#0:fr", up=True)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(build_console_app(lambda: shipped_engine, store, settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the console did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def driver(tmp_path: Path):  # type: ignore[no-untyped-def]
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not (os.path.exists(path) or shutil.which(Path(path).name))]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not found: install them with `apt-get update && apt-get install -y chromium chromium-driver` (.ci/run does)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium") or CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1100,900",
        "--lang=en-GB",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option(
        "prefs", {"intl.accept_languages": "en-GB,en", "download.default_directory": str(tmp_path / "downloads")}
    )
    browser = webdriver.Chrome(
        service=Service(CHROMEDRIVER if os.path.exists(CHROMEDRIVER) else shutil.which("chromedriver")), options=options
    )
    browser.set_page_load_timeout(60)
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path / "downloads")})
    try:
        yield browser
    finally:
        browser.quit()


def shoot(driver, tmp_path: Path, name: str, for_docs: bool = True) -> None:  # type: ignore[no-untyped-def]
    """A full-page screenshot in tmp_path, and in docs/ when TELECENTRE_SCREENSHOTS asks for it;
    then check the page logged no error in the browser console."""
    from selenium.webdriver.common.by import By

    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, min(max(height + 140, 600), 2400))
    driver.find_element(By.TAG_NAME, "body").screenshot(str(tmp_path / f"{name}.png"))
    target = os.environ.get("TELECENTRE_SCREENSHOTS")
    if target and for_docs:
        folder = ROOT / target
        folder.mkdir(exist_ok=True)
        driver.find_element(By.TAG_NAME, "body").screenshot(str(folder / f"console-{name}.png"))
    driver.set_window_size(width, 900)
    assert (tmp_path / f"{name}.png").stat().st_size > 1000
    assert_no_console_errors(driver)


def assert_no_console_errors(driver) -> None:  # type: ignore[no-untyped-def]
    errors = [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
    assert errors == [], errors


def no_alert(driver) -> bool:  # type: ignore[no-untyped-def]
    from selenium.common.exceptions import NoAlertPresentException

    try:
        driver.switch_to.alert.text  # noqa: B018 - raises when no alert is open
    except NoAlertPresentException:
        return True
    return False


def navigate(driver, action) -> None:  # type: ignore[no-untyped-def]
    """Do `action` (a click, Enter in a form) and wait until the next page has replaced this one.

    The old page is marked with a window property rather than watched through an element:
    chromedriver can answer a question about an element of a page being replaced with
    "Node with given id does not belong to the document" instead of a stale element,
    which made `staleness_of` fail a run now and then. Errors while the page is changing
    are retried until the timeout.
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("window.telecentreOldPage = true")
    action()
    wait = WebDriverWait(driver, 60, ignored_exceptions=(WebDriverException,))
    wait.until(lambda d: d.execute_script("return window.telecentreOldPage === undefined"))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")


def log_in_with_the_keyboard(driver, url: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(url + "/")
    assert driver.current_url.startswith(url + "/login")
    focused = driver.switch_to.active_element
    assert focused.get_attribute("id") == "password", "the password field has the focus"
    navigate(driver, lambda: focused.send_keys(PASSWORD + Keys.ENTER))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Overview"


def test_staff_journey(driver, console_url: str, tmp_path: Path, shipped_engine) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver.get(console_url + "/login")
    shoot(driver, tmp_path, "login")
    driver.find_element(By.ID, "password").send_keys("not the password")
    navigate(driver, driver.find_element(By.ID, "login").click)
    assert "Wrong password" in driver.find_element(By.CSS_SELECTOR, "[role=alert]").text

    log_in_with_the_keyboard(driver, console_url)
    index = driver.find_element(By.ID, "index").text
    model = Path(shipped_engine.index.manifest["model"]["name"]).name
    assert shipped_engine.index.version in index and model in index and str(len(shipped_engine.index.passages)) in index
    counts = driver.find_element(By.ID, "counts").text
    assert "4 / 2" in counts and "2 / 0" in counts
    shoot(driver, tmp_path, "overview")

    navigate(driver, driver.find_element(By.LINK_TEXT, "Gaps").click)
    groups = driver.find_elements(By.CSS_SELECTOR, "section.group")
    assert len(groups) >= 2
    first = groups[0].text
    assert "cuisine" in first or "cooking" in first
    assert "maks-literacy" in first
    assert "becode-coding-bootcamp#0:en" in driver.find_element(By.ID, "feedback").text
    shoot(driver, tmp_path, "gaps")

    driver.find_element(By.ID, "csv").click()
    downloaded = tmp_path / "downloads" / "telecentre-gaps.csv"
    deadline = time.monotonic() + 20
    while not downloaded.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    rows = list(csv.reader(downloaded.open(encoding="utf-8")))
    assert rows[0] == ["group", "count", "languages", "kinds", "fallback_passage", "examples"] and len(rows) == len(groups) + 1

    navigate(driver, driver.find_element(By.LINK_TEXT, "Try a question").click)
    driver.find_element(By.ID, "question").send_keys("Où apprendre à coder à Bruxelles pour un jeune chercheur d'emploi ?")
    navigate(driver, driver.find_element(By.ID, "ask").click)
    assert driver.find_element(By.ID, "detected").text.startswith("fr")
    reply = driver.find_element(By.ID, "reply")
    assert reply.find_elements(By.TAG_NAME, "b"), "Telegram's bold title is rendered"
    assert "threshold" in driver.find_element(By.ID, "confidence").text
    assert len(driver.find_elements(By.CSS_SELECTOR, "#candidates tbody tr")) >= 2
    shoot(driver, tmp_path, "try-fr")

    question = driver.find_element(By.ID, "question")
    question.clear()
    question.send_keys("¿Dónde puedo aprender informática gratis en Bruselas?")  # Spanish: not a language the bot answers in
    Select(driver.find_element(By.ID, "answer_lang")).select_by_value("")
    navigate(driver, driver.find_element(By.ID, "ask").click)
    assert driver.find_element(By.ID, "detected").text[:2] in ("en", "fr", "nl")
    assert driver.find_element(By.ID, "reply").text.strip()
    assert driver.find_element(By.ID, "question").get_attribute("value").startswith("¿Dónde")
    shoot(driver, tmp_path, "try-other-language")

    navigate(driver, driver.find_element(By.LINK_TEXT, "Knowledge").click)
    maks = driver.find_element(By.ID, "entry-maks").text
    assert "centres/maks.md:" in maks and "maksvzw.org" in maks
    shoot(driver, tmp_path, "knowledge")

    navigate(driver, driver.find_element(By.LINK_TEXT, "Français").click)
    assert driver.find_element(By.TAG_NAME, "h1").text == "Connaissances"
    navigate(driver, driver.find_element(By.LINK_TEXT, "English").click)

    navigate(driver, driver.find_element(By.ID, "logout").click)
    assert driver.current_url.startswith(console_url + "/login")
    driver.get(console_url + "/gaps")
    assert driver.current_url.startswith(console_url + "/login"), "after logout the pages need a new login"
    assert_no_console_errors(driver)


def test_a_recorded_script_shows_as_text_and_never_runs(driver, console_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    log_in_with_the_keyboard(driver, console_url)
    driver.get(console_url + "/gaps")
    examples = " ".join(element.text for element in driver.find_elements(By.CSS_SELECTOR, ".examples li"))
    assert '<script>alert("xss")</script><img src=x onerror=alert(1)>' in examples
    assert driver.find_elements(By.CSS_SELECTOR, "main img, main script") == []
    assert no_alert(driver)
    shoot(driver, tmp_path, "xss", for_docs=False)

    driver.get(console_url + "/try")
    driver.find_element(By.ID, "question").send_keys(XSS)
    navigate(driver, driver.find_element(By.ID, "ask").click)
    assert driver.find_element(By.ID, "question").get_attribute("value") == XSS
    assert driver.find_elements(By.CSS_SELECTOR, "main img, main script") == []
    assert no_alert(driver)
    assert_no_console_errors(driver)


def test_readable_on_a_phone(driver, console_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log_in_with_the_keyboard(driver, console_url)
    driver.set_window_size(390, 844)
    for page in ("/", "/gaps", "/knowledge"):
        driver.get(console_url + page)
        overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{page} scrolls sideways on a phone by {overflow}px"
    driver.get(console_url + "/")
    driver.find_element("tag name", "body").screenshot(str(tmp_path / "phone.png"))
    if os.environ.get("TELECENTRE_SCREENSHOTS"):
        driver.find_element("tag name", "body").screenshot(str(ROOT / os.environ["TELECENTRE_SCREENSHOTS"] / "console-phone.png"))
    assert_no_console_errors(driver)
