#!/usr/bin/env python3
"""The follow-up in a real browser, on a phone: a session that asks for a follow-up runs to
its end, the phone shows the person's code, and the follow-up page (opened from the link,
and again by typing the code) shows the goal they wrote and their answer before, takes
their answers once, and shows their own change. Then an anonymous session: the join page
asks no name, and the phone shows a pseudonym. Keeps screenshots as artifacts.

Usage: follow_up_test.py KRAFTFELT_BINARY [ARTIFACTS_DIR]"""

import os
import re
import shutil
import sys
import tempfile

from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser_test import api, browser, start_server, text_of, wait, wait_text  # noqa: E402

SCRIPT = """
return kf.exercise { id = "opfoelgning-test", title = { da = "Mål og opfølgning", en = "Goal and follow-up" },
  minutes = 5,
  run = function(s)
    for _, a in ipairs(s:ask(s.everyone, { da = "Skriv dit mål ned.", en = "Write down your goal.", kind = "text" })) do
      s:measure("goal", a.value, a.who)
    end
    local effect = s:ask(s.everyone, { da = "Oplevet effekt af dit arbejde?", en = "Experienced effect of your work?",
      kind = "scale", min = 1, max = 5 })
    for _, a in ipairs(effect) do s:measure("experienced_effect", a.value, { person = a.who, tags = { "before" } }) end
    s:follow_up { indicators = { "experienced_effect", "goal_acted_on", "own_learning" }, days = 42 }
  end }
"""


def fits(driver):
    """Nothing is wider than the phone."""
    width = driver.execute_script("return document.documentElement.scrollWidth")
    inner = driver.execute_script("return window.innerWidth")
    assert width <= inner, f"the page is {width} px wide on a {inner} px phone"


def main():
    binary = os.path.abspath(sys.argv[1])
    artifacts = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else ".build/artifacts/browser")
    os.makedirs(artifacts, exist_ok=True)
    data = tempfile.mkdtemp(prefix="kraftfelt-follow-up-")
    server, base, token = start_server(binary, data)
    phone = None
    checks = 0

    def shot(name):
        path = os.path.join(artifacts, name + ".png")
        phone.save_screenshot(path)
        print("screenshot", path)

    try:
        phone = browser(390, 844)
        created = api(base, "POST", "/api/sessions", token, {"script": SCRIPT, "areas": ["Sundhed", "Skole"]})
        session, code = created["id"], created["joinCode"]
        phone.get(f"{base}/j/{code}")
        wait(phone, lambda d: d.find_elements(By.ID, "join-form"), "the join page")
        phone.find_element(By.ID, "name").send_keys("Anne")
        phone.find_element(By.CSS_SELECTOR, "#area option[value='']")
        phone.find_element(By.XPATH, "//select[@id='area']/option[text()='Sundhed']").click()
        phone.find_element(By.CSS_SELECTOR, "#join-form button[type=submit]").click()
        wait_text(phone, "Du er med", "the lobby")
        api(base, "POST", f"/api/sessions/{session}/actions", token, {"action": "advance"})

        box = wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "form[data-kind=text] textarea"), "the goal")[0]
        box.send_keys("Jeg inviterer Skole til vores næste møde.")
        phone.find_element(By.CSS_SELECTOR, "form[data-kind=text] button[type=submit]").click()
        wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "form[data-kind=scale]"), "the scale")
        phone.find_element(By.CSS_SELECTOR, "form[data-kind=scale] input[value='3']").find_element(By.XPATH, "..").click()
        phone.find_element(By.CSS_SELECTOR, "form[data-kind=scale] button[type=submit]").click()

        # The end: the phone shows the code and the link.
        wait_text(phone, "Sessionen er slut", "the end on the phone")
        offer = wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, ".follow-up-offer .code"), "the follow-up code")
        shown = offer[0].text
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", shown), shown
        assert "Koden virker til og med" in text_of(phone)
        fits(phone)
        shot("9-follow-up-code")
        checks += 3

        # Weeks later: the link opens the follow-up page, with her goal and her answer before.
        phone.find_element(By.CSS_SELECTOR, ".follow-up-offer a").click()
        wait_text(phone, "Det skrev du", "the follow-up page")
        page = text_of(phone)
        assert "Jeg inviterer Skole til vores næste møde." in page, page
        assert "Før: 3" in page, page
        assert "Anne" not in page, "the follow-up page shows no name"
        assert "Mål og opfølgning" in page, page
        fits(phone)
        shot("10-follow-up-page")
        checks += 2

        phone.find_element(By.CSS_SELECTOR, "input[name=experienced_effect][value='5']").find_element(
            By.XPATH, "..").click()
        phone.find_element(By.CSS_SELECTOR, "input[name=goal_acted_on][value='1']").click()
        phone.find_element(By.CSS_SELECTOR, ".follow-up-form button[type=submit]").click()
        wait_text(phone, "Tak! Du svarede", "the thanks")
        rows = [r.text for r in phone.find_elements(By.CSS_SELECTOR, ".change tbody tr")]
        assert any(r.startswith("Oplevet effekt af dit arbejde") and r.endswith("3 – 5 +2") for r in rows), rows
        assert any(r.startswith("Har du handlet på dit mål?") and "Ja" in r for r in rows), rows
        assert not phone.find_elements(By.CSS_SELECTOR, ".follow-up-form"), "the form answers once"
        fits(phone)
        shot("11-follow-up-change")
        checks += 3

        # The code typed by hand, in lower case with spaces, finds the same page; in English too.
        phone.get(base + "/f?lang=en")
        phone.find_element(By.ID, "code").send_keys(shown.lower().replace("-", " "))
        phone.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait_text(phone, "Your own change", "the page of the typed code")
        assert "Thank you! You answered on" in text_of(phone)
        checks += 1

        # A wrong code says so, and asks again.
        phone.get(base + "/f/ZZZZZZZZZZZZZZZZ")
        wait_text(phone, "Koden kendes ikke.", "the wrong code")
        assert phone.find_elements(By.ID, "code")
        checks += 1

        stored = api(base, "GET", f"/api/sessions/{session}/export", token)
        assert stored["state"] == "finished", stored["state"]

        # An anonymous session: the join page asks no name, and the phone shows a pseudonym.
        anonymous = api(base, "POST", "/api/sessions", token,
                        {"exercise": "maaling", "areas": ["Sundhed", "Skole"], "anonymous": True})
        phone.get(f"{base}/j/{anonymous['joinCode']}")
        wait(phone, lambda d: d.find_elements(By.ID, "join-form"), "the anonymous join page")
        assert not phone.find_elements(By.ID, "name"), "an anonymous session asks no name"
        assert "Denne session er anonym" in text_of(phone)
        shot("12-anonymous-join")
        phone.find_element(By.XPATH, "//select[@id='area']/option[text()='Skole']").click()
        phone.find_element(By.CSS_SELECTOR, "#join-form button[type=submit]").click()
        wait_text(phone, "Deltager 1", "the pseudonym on the phone")
        checks += 2
        print(f"follow-up test: {checks} checks passed")
    finally:
        if phone is not None:
            phone.quit()
        server.terminate()
        try:
            server.wait(timeout=20)
        except Exception:
            server.kill()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
