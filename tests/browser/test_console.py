"""The console in a real headless Chromium, as its people use it: each role signs in, the
committee uploads good and bad batches, reads explanations in Russian and Kazakh, commits and
meets the stale-commit refusal from a second browser; reviewers take a request through four
eyes; an analyst runs a benchmark; an auditor verifies the log. Assertions are on what the
page shows."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from api import store
from api.db import Store
from tests.api.conftest import cohort_records
from tests.browser.conftest import (
    PEOPLE,
    Service,
    body,
    choose_language,
    shoot,
    wait_for_text,
)

Browser = Callable[[str], WebDriver]
LANDING = {
    "allocator": "Allocation runs",
    "reviewer": "Transfer requests",
    "analyst": "Policy benchmarks",
    "auditor": "Audit log",
    "admin": "Facilities",
}


def write_batch(folder: Path, name: str, size: int, seed: int) -> Path:
    """A batch whose convict ids are its own (committed convicts join the population)."""
    path = folder / name
    table = pd.DataFrame(cohort_records(size, seed))
    table["convict_id"] = f"{path.stem.upper()}-" + table["convict_id"].astype(str)
    table.to_csv(path, index=False)
    return path


def upload(driver: WebDriver, service: Service, path: Path) -> None:
    driver.get(service.url + "/console/runs/new")
    driver.find_element(By.ID, "file").send_keys(str(path))
    driver.find_element(By.CSS_SELECTOR, "form[action='/console/runs'] button").click()


@pytest.mark.parametrize("name", ["aliya", "dana", "gulnara", "marat", "saule"])
def test_each_role_signs_in_to_its_own_start(browser: Browser, name: str) -> None:
    driver = browser(name)
    heading = driver.find_element(By.TAG_NAME, "h1").text
    assert heading == LANDING[PEOPLE[name].value]


def test_the_keyboard_reaches_the_content_first(browser: Browser, service: Service) -> None:
    driver = browser("aliya")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = driver.switch_to.active_element
    assert focused.text == "Skip to the content"
    focused.send_keys(Keys.ENTER)
    assert driver.switch_to.active_element.get_attribute("id") == "main"


def test_the_committee_uploads_reads_and_commits(
    browser: Browser, service: Service, screenshots: Path, tmp_path: Path
) -> None:
    driver = browser("aliya")
    bad = write_batch(tmp_path, "bad.csv", 5, 3)
    table = pd.read_csv(bad, dtype=str, keep_default_na=False)
    table.loc[1, "age"] = "forty"
    table.loc[3, "security_level"] = "lenient"
    table.to_csv(bad, index=False)
    upload(driver, service, bad)
    wait_for_text(driver, "nothing was stored")
    text = body(driver)
    assert "The batch has 2 problems; nothing was stored." in text
    assert re.search(r"^2 age ", text, re.M) and re.search(r"^4 security_level ", text, re.M)
    shoot(driver, screenshots, "upload-problems")

    upload(driver, service, write_batch(tmp_path, "good.csv", 400, 11))
    wait_for_text(driver, "Figures")
    assert "Convicts\n400" in body(driver)
    assert driver.find_elements(By.CSS_SELECTOR, "figure.map svg line")
    shoot(driver, screenshots, "run")

    driver.find_element(By.LINK_TEXT, "Browse the placements").click()
    wait_for_text(driver, "Rows 1 to 50 of 400")
    shoot(driver, screenshots, "placements")
    driver.find_element(By.LINK_TEXT, "Next page").click()
    wait_for_text(driver, "Rows 51 to 100 of 400")
    first = driver.find_element(By.CSS_SELECTOR, "tbody th a")
    convict = first.text
    first.click()
    wait_for_text(driver, f"Why {convict} is placed there")
    choose_language(driver, "ru")
    wait_for_text(driver, f"Почему {convict} размещён именно там")
    assert driver.find_element(By.CSS_SELECTOR, ".engine-text").get_attribute("lang") == "ru"
    shoot(driver, screenshots, "explanation-ru")
    choose_language(driver, "kk")
    wait_for_text(driver, f"Неліктен {convict} дәл сонда орналастырылды")
    shoot(driver, screenshots, "explanation-kk")
    choose_language(driver, "en")
    wait_for_text(driver, f"Why {convict} is placed there")

    driver.find_element(By.LINK_TEXT, "Back to the placements").click()
    wait_for_text(driver, "Rows 1 to 50 of 400")
    driver.find_element(By.LINK_TEXT, "Back to the run").click()
    wait_for_text(driver, "Figures")
    driver.find_element(By.LINK_TEXT, "Commit this run").click()
    wait_for_text(driver, "What will change, facility by facility")
    assert "It cannot be undone." in body(driver)
    shoot(driver, screenshots, "commit-confirmation")
    driver.find_element(By.CSS_SELECTOR, "form[action$='/commit'] button").click()
    wait_for_text(driver, "The run is committed")


def test_a_stale_commit_is_refused_in_the_second_browser(
    browser: Browser, service: Service, screenshots: Path, tmp_path: Path
) -> None:
    first, second = browser("aliya"), browser("bolat")
    upload(first, service, write_batch(tmp_path, "one.csv", 200, 21))
    wait_for_text(first, "Figures")
    upload(second, service, write_batch(tmp_path, "two.csv", 200, 22))
    wait_for_text(second, "Figures")
    second.find_element(By.LINK_TEXT, "Commit this run").click()
    wait_for_text(second, "What will change")
    first.find_element(By.LINK_TEXT, "Commit this run").click()
    wait_for_text(first, "What will change")
    first.find_element(By.CSS_SELECTOR, "form[action$='/commit'] button").click()
    wait_for_text(first, "The run is committed")
    second.find_element(By.CSS_SELECTOR, "form[action$='/commit'] button").click()
    wait_for_text(second, "The run was not committed")
    assert "Upload the batch again" in body(second)
    shoot(second, screenshots, "stale-commit")


def _grantable_convicts(service: Service) -> list[str]:
    opened = Store.connect(service.database_url)
    try:
        with opened.sessions() as session:
            population = store.read_population(session=session)
            regions = {
                f.facility_id: f.region
                for f in store.list_facilities(session=session, region=None, security_level=None)
            }
    finally:
        opened.close()
    away = population[population["facility_id"].map(regions) != population["home_region"]]
    return [str(c) for c in away["convict_id"].head(40)]


def test_a_transfer_request_goes_through_four_eyes(
    browser: Browser, service: Service, screenshots: Path
) -> None:
    dana, erlan = browser("dana"), browser("erlan")
    for convict in _grantable_convicts(service):
        dana.get(service.url + "/console/transfer-requests/new")
        dana.find_element(By.ID, "convict_id").send_keys(convict)
        dana.find_element(By.NAME, "consent").click()
        dana.find_element(
            By.CSS_SELECTOR, "form[action='/console/transfer-requests'] button"
        ).click()
        wait_for_text(dana, "Recommendation")
        if re.search(r"Recommendation\ngrant", body(dana)):
            break
    else:
        pytest.fail("no request recommended for a grant")
    shoot(dana, screenshots, "transfer-review")
    dana.find_element(By.CSS_SELECTOR, "input[name=decision][value=deny]").click()
    dana.find_element(By.ID, "reason").send_keys("The convict withdrew the request in writing.")
    dana.find_element(By.CSS_SELECTOR, "form[action$='/decision'] button").click()
    wait_for_text(dana, "waits for a second reviewer")
    request_url = dana.current_url
    erlan.get(service.url + "/console/transfer-requests?status=awaiting-approval")
    erlan.find_element(
        By.CSS_SELECTOR, f"a[href='{request_url.removeprefix(service.url)}']"
    ).click()
    wait_for_text(erlan, "Second reviewer's answer")
    shoot(erlan, screenshots, "transfer-approval")
    erlan.find_element(By.CSS_SELECTOR, "form[action$='/approval'] button").click()
    wait_for_text(erlan, "approved by reviewer:erlan")
    assert "Status\ndenied" in body(erlan)


def test_an_analyst_runs_a_benchmark_and_reads_its_report(
    browser: Browser, service: Service, screenshots: Path
) -> None:
    driver = browser("gulnara")
    driver.get(service.url + "/console/benchmarks/new")
    Select(driver.find_element(By.ID, "mode")).select_by_value("flow")
    for field, value in (("weeks", "2"), ("batch", "40")):
        element = driver.find_element(By.ID, field)
        element.clear()
        element.send_keys(value)
    driver.find_element(By.CSS_SELECTOR, "form[action='/console/benchmarks'] button").click()
    wait_for_text(driver, "Status:")
    # While the job runs the page follows it by itself (htmx); no reload is made here.
    wait_for_text(driver, "Open the report", timeout_s=300)
    driver.find_element(By.LINK_TEXT, "Open the report").click()
    wait_for_text(driver, "Report")
    frame = driver.find_element(By.CSS_SELECTOR, "iframe.report")
    assert driver.find_elements(By.PARTIAL_LINK_TEXT, "(CSV)")
    shoot(driver, screenshots, "benchmark-report")
    driver.switch_to.frame(frame)
    assert driver.find_element(By.TAG_NAME, "h1").text


def test_an_auditor_verifies_the_log(browser: Browser, service: Service, screenshots: Path) -> None:
    driver = browser("marat")
    driver.find_element(By.CSS_SELECTOR, "form.verify button").click()
    wait_for_text(driver, "The log is intact")
    shoot(driver, screenshots, "audit")


def test_an_admin_sees_facilities_and_accounts(
    browser: Browser, service: Service, screenshots: Path
) -> None:
    driver = browser("saule")
    assert "Capacity and occupancy" in body(driver)
    shoot(driver, screenshots, "facilities")
    driver.find_element(By.LINK_TEXT, "Accounts").click()
    wait_for_text(driver, "Console accounts")
    assert "gulnara" in body(driver)
