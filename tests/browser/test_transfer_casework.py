"""Transfer casework in a real headless Chromium: a reviewer chooses, against the
recommendation, a lawful facility with room for the woman P006585 (her home region has no
women's colony; the review recommends the nearest with places, Atyrau's F021; the reviewer
chooses Petropavlovsk's F058, also lawful with places); a second reviewer approves; the
notice to the convict reads in Russian with the facility's Russian name and where to appeal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import Service, body, shoot, wait_for_text

Browser = Callable[[str], WebDriver]


def test_a_free_choice_goes_through_four_eyes_and_the_notice_reads_in_russian(
    browser: Browser, service: Service, screenshots: Path
) -> None:
    dana, erlan = browser("dana"), browser("erlan")
    dana.get(service.url + "/console/transfer-requests/new")
    dana.find_element(By.ID, "convict_id").send_keys("P006585")
    Select(dana.find_element(By.ID, "applicant")).select_by_value("relative")
    dana.find_element(By.ID, "named_person").send_keys("Айгуль Сапарова")
    Select(dana.find_element(By.ID, "language")).select_by_value("ru")
    dana.find_element(By.CSS_SELECTOR, "form[action='/console/transfer-requests'] button").click()
    wait_for_text(dana, "Recommendation")
    assert "Deadline" in body(dana)
    Select(dana.find_element(By.ID, "facility_id")).select_by_value("F058")
    dana.find_element(By.CSS_SELECTOR, "input[name=decision][value=grant]").click()
    dana.find_element(By.ID, "reason").send_keys("Сестра живёт в Петропавловске.")
    shoot(dana, screenshots, "transfer-free-choice")
    dana.find_element(By.CSS_SELECTOR, "form[action$='/decision'] button").click()
    wait_for_text(dana, "waits for a second reviewer")
    request_url = dana.current_url
    erlan.get(request_url)
    wait_for_text(erlan, "Second reviewer's answer")
    erlan.find_element(By.CSS_SELECTOR, "form[action$='/approval'] button").click()
    wait_for_text(erlan, "approved by reviewer:erlan")
    page = body(erlan)
    assert "Status\ngranted" in page and "F058" in page
    erlan.find_element(By.CSS_SELECTOR, "a[href$='/notices/convict.html']").click()
    wait_for_text(erlan, "Уведомление о решении")
    notice = body(erlan)
    shoot(erlan, screenshots, "transfer-notice-ru")
    assert "ЕС-164/6 Петропавловск (женская)" in notice
    assert "перевод разрешён" in notice
    for appeal_body in ("прокурору", "в суд", "Уполномоченному по правам человека"):
        assert appeal_body in notice
