"""End-to-end fixtures: the real service on a loopback port and Debian's headless Chromium
driven by Selenium (`scripts/chromium-for-tests` installs both).

Screenshots of the main screens go to `$PLACEMENT_SCREENSHOTS` when it is set (the README's
images: `PLACEMENT_SCREENSHOTS=docs/screenshots python -m pytest tests/browser`), else to a
temporary folder.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from api import db
from api.app import create_app
from api.auth import Role, create_user
from api.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PASSWORD = "correct horse battery"
PEOPLE = {
    "aliya": Role.ALLOCATOR,
    "bolat": Role.ALLOCATOR,
    "dana": Role.REVIEWER,
    "erlan": Role.REVIEWER,
    "gulnara": Role.ANALYST,
    "marat": Role.AUDITOR,
    "saule": Role.ADMIN,
}
"""The accounts of the end-to-end tests: two of some roles, for second browsers and four eyes."""


@dataclass(frozen=True)
class Service:
    url: str
    database_url: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The service with the console, on a loopback port, over a fresh seeded store."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("Chromium is missing: run scripts/chromium-for-tests (scripts/test does)")
    folder = tmp_path_factory.mktemp("e2e")
    database_url = f"sqlite:///{folder / 'placement.sqlite3'}"
    settings = Settings(database_url=database_url, service_data_dir=folder / "data")
    app = create_app(settings)
    with app.state.store.sessions() as session, db.writing(session):
        for name, role in PEOPLE.items():
            create_user(session=session, role=role, name=name, password=PASSWORD)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield Service(f"http://127.0.0.1:{port}", database_url)
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get("PLACEMENT_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _driver() -> WebDriver:
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--lang=en-GB",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(argument)
    return webdriver.Chrome(service=DriverService(str(CHROMEDRIVER)), options=options)


@pytest.fixture
def browser(service: Service) -> Iterator[Callable[[str], WebDriver]]:
    """A new browser signed in as the named person (each its own cookies)."""
    opened: list[WebDriver] = []

    def open_as(name: str) -> WebDriver:
        driver = _driver()
        opened.append(driver)
        driver.get(service.url + "/")
        sign_in(driver, name)
        return driver

    yield open_as
    for driver in opened:
        driver.quit()


def sign_in(driver: WebDriver, name: str, password: str = PASSWORD) -> None:
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/console/sign-in'] button").click()
    wait_for_text(driver, name)


def wait_for_text(driver: WebDriver, text: str, timeout_s: float = 60) -> None:
    """Wait until the page shows `text`; on timeout, say what it shows instead."""

    def shown(_driver: WebDriver) -> bool:
        try:
            return text in str(driver.execute_script("return document.body.innerText"))
        except WebDriverException:  # the page is being replaced: look again
            return False

    try:
        WebDriverWait(driver, timeout_s, poll_frequency=0.2).until(shown)
    except TimeoutException:
        raise AssertionError(
            f"{text!r} never showed at {driver.current_url}; the page says:\n{body(driver)}"
        ) from None


def body(driver: WebDriver) -> str:
    return str(driver.find_element(By.TAG_NAME, "body").text)


def choose_language(driver: WebDriver, code: str) -> None:
    """Pick a language with the header's control, as a person would."""
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, "lang-choice")).select_by_value(code)
    driver.find_element(By.CSS_SELECTOR, "form.language button").click()


def shoot(driver: WebDriver, folder: Path, name: str) -> None:
    """A full-page screenshot of the current screen."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(int(height), 700), 3000))
    driver.save_screenshot(str(folder / f"{name}.png"))
    driver.set_window_size(1280, 1000)
