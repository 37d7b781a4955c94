#!/usr/bin/env python3
"""The seed's Summegrupper in a real browser: headless Chromium (Debian's chromium and
chromium-driver, through Selenium) with three participants on phone-sized windows, the
trainer's console and the beamer, against a real `kraftfelt serve`.

Usage: browser_test.py KRAFTFELT_BINARY [ARTIFACTS_DIR]

It joins three phones, the trainer advances, the buzz group appears on every phone, the
trainer skips the group's timers, steps back and skips again, one participant reloads in
the middle of the question and carries on, an answer written as a script tag shows as
text, and the beamer ends with the results chart. Then a session of a trainer's script:
the phones answer a list question (boxes, "add another", a duplicate refused), and the
group presses "We're done" to end its timer early. Screenshots go to ARTIFACTS_DIR."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 20


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary, data):
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--data", data, "--port", str(port), "--no-ready-session"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    token = None
    deadline = time.time() + 60
    while time.time() < deadline:
        line = process.stdout.readline()
        if not line:
            raise SystemExit("kraftfelt serve ended: " + process.stderr.read())
        match = re.search(r"console#token=(\S+)", line)
        if match:
            token = match.group(1)
            break
    if token is None:
        raise SystemExit("kraftfelt serve printed no trainer link")
    return process, f"http://127.0.0.1:{port}", token


def browser(width, height, downloads=None):
    options = webdriver.ChromeOptions()
    prefs = {"intl.accept_languages": "da,en"}
    if downloads:
        prefs.update({"download.default_directory": downloads, "download.prompt_for_download": False})
    options.add_experimental_option("prefs", prefs)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--lang=da"]:
        options.add_argument(argument)
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_window_size(width, height)
    return driver


def wait(driver, condition, what):
    try:
        # A page that redraws between finding an element and reading it is polled again.
        return WebDriverWait(
            driver, WAIT, poll_frequency=0.2, ignored_exceptions=(StaleElementReferenceException,)
        ).until(lambda d: condition(d))
    except TimeoutException:
        raise AssertionError(f"timed out waiting for {what}; page text:\n{driver.find_element(By.TAG_NAME, 'body').text}")


def text_of(driver):
    return driver.find_element(By.TAG_NAME, "body").text


def wait_text(driver, text, what=None):
    wait(driver, lambda d: text in text_of(d), what or repr(text))


def wait_no_text(driver, text, what=None):
    wait(driver, lambda d: text not in text_of(d), what or f"{text!r} to go")


def no_alert(driver):
    try:
        driver.switch_to.alert
        raise AssertionError("an alert opened: a participant's text ran as a script")
    except NoAlertPresentException:
        pass


LIST_AND_DONE = """
return kf.exercise { id = "liste-og-faerdig", title = { da = "Liste og færdig", en = "List and done" }, minutes = 10,
  run = function(s)
    s:ask(s.everyone, { da = "Hvad hjælper jer i samarbejdet?", en = "What helps you work together?",
      kind = "list", min = 1, max = 4 })
    s:each_group(s:groups { size = 3 }, function(g)
      g:timer("10m", { da = "Samtale", en = "Conversation" })
    end)
  end }
"""


def api(base, method, path, token, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))


def list_and_done(base, token, trainer, phones, shot):
    """A list question answered on phones (boxes, "add another", a duplicate refused), then
    the group presses "We're done" and its ten-minute timer ends early."""
    checks = 0
    created = api(base, "POST", "/api/sessions", token,
                  {"script": LIST_AND_DONE, "areas": ["Sundhed", "Skole", "Kultur"], "language": "da"})
    session, code = created["id"], created["joinCode"]
    people = [("Anne", "Sundhed", "da"), ("Bo", "Skole", "da"), ("Cecilie", "Kultur", "en")]
    for phone, (name, area, language) in zip(phones, people):
        phone.get(f"{base}/j/{code}")
        wait(phone, lambda d: d.find_elements(By.ID, "join-form"), "the join page")
        phone.find_element(By.ID, "name").send_keys(name)
        Select(phone.find_element(By.ID, "area")).select_by_visible_text(area)
        phone.find_element(By.CSS_SELECTOR, f"input[name=language][value={language}]").click()
        phone.find_element(By.CSS_SELECTOR, "#join-form button[type=submit]").click()
        wait_text(phone, "Du er med" if language == "da" else "You are in", "the lobby")
    trainer.get(f"{base}/console/{session}")
    wait_text(trainer, "3 til stede", "three people on the list session's console")
    trainer.find_element(By.CSS_SELECTOR, "button[data-action=advance]").click()

    # Anne: three boxes to start with, a fourth from "add another", which then goes.
    anne = phones[0]
    form = "form[data-kind=list]"
    wait(anne, lambda d: d.find_elements(By.CSS_SELECTOR, form), "the list question")
    wait_text(anne, "Skriv 1 til 4 punkter – ét i hvert felt.")
    boxes = anne.find_elements(By.CSS_SELECTOR, form + " input[name=item]")
    assert len(boxes) == 3, f"expected 3 boxes, got {len(boxes)}"
    boxes[0].send_keys("Faste møder")
    boxes[1].send_keys("Kaffe og tid")
    boxes[2].send_keys(" Faste møder ")
    add = anne.find_element(By.CSS_SELECTOR, form + " button[data-add-item]")
    assert add.text == "Tilføj et punkt", add.text
    add.click()
    boxes = anne.find_elements(By.CSS_SELECTOR, form + " input[name=item]")
    assert len(boxes) == 4 and not add.is_displayed(), "a fourth box, and no more to add"
    boxes[3].send_keys("Mod til at sige fra")
    shot(anne, "6-list-question")
    # The same item twice is refused in Anne's language before it is sent, and nothing is
    # lost from the boxes.
    anne.find_element(By.CSS_SELECTOR, form + " button[type=submit]").click()
    wait_text(anne, "Punkt 3 er det samme som punkt 1.", "the duplicate refused")
    shot(anne, "6b-list-duplicate-refused")
    assert boxes[0].get_attribute("value") == "Faste møder"
    boxes[2].clear()
    anne.find_element(By.CSS_SELECTOR, form + " button[type=submit]").click()
    wait(anne, lambda d: d.find_elements(By.CSS_SELECTOR, ".answer-items li"), "Anne's items acknowledged")
    items = [li.text for li in anne.find_elements(By.CSS_SELECTOR, ".answer-items li")]
    assert items == ["Faste møder", "Kaffe og tid", "Mod til at sige fra"], items
    wait_text(trainer, "Anne: Faste møder; Kaffe og tid; Mod til at sige fra", "the list on the console")
    checks += 4

    # Bo writes one item; Cecilie's phone is in English.
    bo, cecilie = phones[1], phones[2]
    wait(bo, lambda d: d.find_elements(By.CSS_SELECTOR, form + " input[name=item]"), "Bo's boxes")
    bo.find_element(By.CSS_SELECTOR, form + " input[name=item]").send_keys("Klare roller")
    bo.find_element(By.CSS_SELECTOR, form + " button[type=submit]").click()
    wait(cecilie, lambda d: d.find_elements(By.CSS_SELECTOR, form + " button[data-add-item]"), "Cecilie's boxes")
    assert cecilie.find_element(By.CSS_SELECTOR, form + " button[data-add-item]").text == "Add another"
    wait_text(cecilie, "Write 1 to 4 items – one in each box.")
    cecilie.find_element(By.CSS_SELECTOR, form + " input[name=item]").send_keys("Shared goals")
    cecilie.find_element(By.CSS_SELECTOR, form + " button[type=submit]").click()
    checks += 1

    # The group's ten minutes: everyone's phone has "We're done".
    for phone, label in zip(phones, ["Vi er færdige", "Vi er færdige", "We're done"]):
        button = wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "button[data-say-done]"), "the done button")[0]
        assert button.text == label, button.text
    anne.find_element(By.CSS_SELECTOR, "button[data-say-done]").click()
    wait_text(anne, "Du har sagt, at I er færdige.", "Anne's done acknowledged")
    wait_text(anne, "1 af 3 har sagt færdig")
    wait_text(bo, "1 af 3 har sagt færdig", "the count on Bo's phone")
    wait_text(trainer, "1/3 sagt færdig: Anne", "who said done on the console")
    shot(anne, "7-done-pressed")
    shot(trainer, "8-console-done")
    assert "Samtale" in text_of(bo), "the timer runs on"
    bo.find_element(By.CSS_SELECTOR, "button[data-say-done]").click()
    wait_text(cecilie, "2 of 3 said done", "the count in English")
    shot(cecilie, "7b-done-button-english")
    cecilie.find_element(By.CSS_SELECTOR, "button[data-say-done]").click()
    for phone, text in zip(phones, ["Sessionen er slut", "Sessionen er slut", "The session has ended"]):
        wait_text(phone, text, "the end after the group was done")
    checks += 3

    transcript = urllib.request.urlopen(urllib.request.Request(
        f"{base}/api/sessions/{session}/transcript", headers={"Authorization": "Bearer " + token})).read().decode()
    assert "group 1: done early (3 of 3 said done) with " in transcript, transcript
    assert "Anne: Faste møder; Kaffe og tid; Mod til at sige fra" in transcript, transcript
    export = api(base, "GET", f"/api/sessions/{session}/export", token)
    done = [e for e in export["events"] if "saidDone" in e]
    answers = [e["answer"]["value"] for e in export["events"] if "answer" in e]
    assert len(done) == 3, f"expected 3 presses in the export, got {len(done)}"
    assert {"list": {"_0": ["Faste møder", "Kaffe og tid", "Mod til at sige fra"]}} in answers, answers
    checks += 2
    return checks


def refused_in_danish(base, token, phone, shot):
    """A refusal on a phone is said in the person's language: the session ends while
    someone is still typing their name on the join page."""
    created = api(base, "POST", "/api/sessions", token,
                  {"script": LIST_AND_DONE, "areas": ["Sundhed", "Skole"], "language": "da"})
    phone.get(f"{base}/j/{created['joinCode']}")
    wait(phone, lambda d: d.find_elements(By.ID, "join-form"), "the join page")
    phone.find_element(By.ID, "name").send_keys("Dorte")
    Select(phone.find_element(By.ID, "area")).select_by_visible_text("Skole")
    api(base, "POST", f"/api/sessions/{created['id']}/actions", token, {"action": "end"})
    phone.find_element(By.CSS_SELECTOR, "#join-form button[type=submit]").click()
    wait_text(phone, "Sessionen er slut.", "the refusal in Danish")
    assert "has ended" not in text_of(phone), text_of(phone)
    shot(phone, "8b-join-refused-danish")
    return 1


def report_over_time(base, trainer, downloads, shot):
    """The trainer downloads the organisation's report over time from the console's start
    page: a period with no sessions is said in Danish, today's has the sessions run here."""
    trainer.get(base + "/console")
    wait(trainer, lambda d: d.find_elements(By.ID, "report-form"), "the report form")
    def day(field, value):
        # A date input takes the digits as typed in its own order; set it as the page would.
        trainer.execute_script("arguments[0].value = arguments[1]", trainer.find_element(By.ID, field), value)
    day("report-from", "2020-01-01")
    day("report-to", "2020-01-31")
    trainer.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]").click()
    wait_text(trainer, "Organisationen har ingen sessioner i den periode.", "no sessions in 2020, in Danish")
    today = time.strftime("%Y-%m-%d", time.gmtime())
    day("report-from", today)
    day("report-to", today)
    trainer.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]").click()
    name = os.path.join(downloads, f"kraftfelt-report-{today}-{today}.html")
    deadline = time.time() + 30
    while not os.path.exists(name) and time.time() < deadline:
        time.sleep(0.2)
    assert os.path.exists(name), f"no report downloaded: {os.listdir(downloads)}"
    report = open(name, encoding="utf-8").read()
    assert report.startswith("<!doctype html>") or report.startswith("<!DOCTYPE html>"), report[:80]
    assert "Summegrupper" in report and "Mål sat i summegrupperne" in report, "the sessions' measures in the report"
    assert not trainer.find_element(By.ID, "report-error").is_displayed()
    shot(trainer, "13-console-report-over-time")
    return 2


def main():
    binary = os.path.abspath(sys.argv[1])
    artifacts = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else ".build/artifacts/browser")
    os.makedirs(artifacts, exist_ok=True)
    data = tempfile.mkdtemp(prefix="kraftfelt-browser-")
    server, base, token = start_server(binary, data)
    drivers = []
    checks = 0

    def shot(driver, name):
        path = os.path.join(artifacts, name + ".png")
        driver.save_screenshot(path)
        print("screenshot", path)

    try:
        downloads = os.path.join(data, "downloads")
        os.makedirs(downloads)
        trainer = browser(1280, 900, downloads)
        beamer = browser(1280, 800)
        phones = [browser(390, 844) for _ in range(3)]
        drivers += [trainer, beamer] + phones

        # The trainer creates a Summegrupper session from the console.
        trainer.get(base + "/console#token=" + token)
        wait(trainer, lambda d: d.find_elements(By.ID, "exercise"), "the console")
        Select(trainer.find_element(By.ID, "exercise")).select_by_value("summegrupper")
        areas = trainer.find_element(By.ID, "areas")
        areas.clear()
        areas.send_keys("Sundhed\nSkole\nKultur")
        trainer.find_element(By.CSS_SELECTOR, "#create-form button[type=submit]").click()
        wait(trainer, lambda d: re.search(r"/console/[a-z0-9]+$", d.current_url), "the session's console")
        session = trainer.current_url.rsplit("/", 1)[1]
        code = wait(trainer, lambda d: d.find_elements(By.CSS_SELECTOR, ".console-head .code"), "the join code")[0].text
        assert re.fullmatch(r"[A-Z0-9]{6}", code), code
        checks += 1

        # The beamer shows the code and a QR code.
        beamer.get(f"{base}/screen/{session}#token={token}")
        wait_text(beamer, code, "the code on the beamer")
        assert beamer.find_elements(By.CSS_SELECTOR, ".qr svg path"), "no QR code on the beamer"
        checks += 1

        # Three phones join with the code.
        people = [("Anne", "Sundhed"), ("Bo", "Skole"), ("<script>alert(1)</script>", "Kultur")]
        for i, (phone, (name, area)) in enumerate(zip(phones, people)):
            phone.get(base + "/")
            phone.find_element(By.ID, "code").send_keys(code.lower())
            phone.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
            wait(phone, lambda d: d.find_elements(By.ID, "join-form"), "the join page")
            phone.find_element(By.ID, "name").send_keys(name)
            Select(phone.find_element(By.ID, "area")).select_by_visible_text(area)
            phone.find_element(By.CSS_SELECTOR, "input[name=language][value=da]").click()
            if i == 0:
                shot(phone, "1-join-page")
            phone.find_element(By.CSS_SELECTOR, "#join-form button[type=submit]").click()
            wait_text(phone, "Du er med", "the lobby on a phone")
        wait_text(trainer, "3 til stede", "three people on the console")
        wait_text(beamer, "3 deltagere", "three joined on the beamer")
        no_alert(trainer)
        checks += 3

        # The trainer starts: every phone shows its buzz group.
        trainer.find_element(By.CSS_SELECTOR, "button[data-action=advance]").click()
        for phone in phones:
            wait_text(phone, "Din gruppe: Gruppe 1", "the group on a phone")
        wait(beamer, lambda d: d.find_elements(By.CSS_SELECTOR, ".shown-groups .group-card"), "groups on the beamer")
        shot(phones[0], "3-group")
        checks += 2

        def skip_timer(expected_next):
            button = wait(trainer, lambda d: d.find_elements(By.CSS_SELECTOR, "button[data-action=skip]"), "a timer")[0]
            button.click()
            wait_text(trainer, expected_next, f"the timer {expected_next!r}")

        prompts = ["Hvor vil den nye måde", "Hvad kan du gøre", "Sæt et mål", "Hvem vil du dele"]
        wait_text(trainer, prompts[0])
        skip_timer(prompts[1])
        skip_timer(prompts[2])
        # The third prompt's timer: when it is up, everyone writes down their goal.
        trainer.find_element(By.CSS_SELECTOR, "button[data-action=skip]").click()
        for phone in phones:
            wait_text(phone, "Skriv dit mål ned.", "the question on a phone")
        checks += 1

        # The trainer steps back: the timer has its time again, the question is gone…
        trainer.find_element(By.CSS_SELECTOR, "button[data-action=step_back]").click()
        for phone in phones:
            wait_no_text(phone, "Skriv dit mål ned.", "the question to go after the step back")
        wait_text(trainer, prompts[2])
        # …and skips it again.
        trainer.find_element(By.CSS_SELECTOR, "button[data-action=skip]").click()
        for phone in phones:
            wait_text(phone, "Skriv dit mål ned.", "the question again")
        shot(phones[0], "2-question")
        checks += 2

        def answer(phone, text):
            box = wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "form[data-kind=text] textarea"), "the text box")[0]
            box.send_keys(text)
            phone.find_element(By.CSS_SELECTOR, "form[data-kind=text] button[type=submit]").click()
            # Acknowledged, or the question closed because everyone has answered.
            wait(phone, lambda d: "Dit svar" in text_of(d) or "Skriv dit mål ned." not in text_of(d),
                 "the answer acknowledged")

        # The third participant answers with a script tag: the console shows it as text.
        answer(phones[2], "<script>alert(1)</script>")
        wait_text(trainer, "<script>alert(1)</script>: <script>alert(1)</script>", "the answer as text on the console")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in trainer.page_source
        no_alert(trainer)
        no_alert(beamer)
        wait_text(beamer, "1 af 3 svar", "the count on the beamer")
        checks += 2

        # An answer of only spaces is refused on Anne's phone, in Danish, before it is sent.
        box = phones[0].find_element(By.CSS_SELECTOR, "form[data-kind=text] textarea")
        box.send_keys("   ")
        phones[0].find_element(By.CSS_SELECTOR, "form[data-kind=text] button[type=submit]").click()
        wait_text(phones[0], "Skriv et svar først.", "an empty answer refused in Danish")
        box.clear()
        checks += 1

        # Anne answers; Bo starts typing, reloads his page and carries on.
        answer(phones[0], "Jeg inviterer Skole til vores næste møde.")
        phones[1].find_element(By.CSS_SELECTOR, "form[data-kind=text] textarea").send_keys("halv")
        phones[1].refresh()
        wait_text(phones[1], "Skriv dit mål ned.", "the question after a reload")
        assert "Du er med" not in text_of(phones[1]) and phones[1].find_elements(By.ID, "join-form") == []
        answer(phones[1], "Jeg deler målet med min leder.")
        checks += 2

        # The last prompt's timer, then the results on the beamer.
        wait_text(trainer, prompts[3])
        trainer.find_element(By.CSS_SELECTOR, "button[data-action=skip]").click()
        wait(beamer, lambda d: d.find_elements(By.CSS_SELECTOR, ".shown-chart svg rect"), "the results chart")
        wait_text(beamer, "Mål sat, efter område")
        for phone in phones:
            wait_text(phone, "Sessionen er slut", "the end on a phone")
        shot(beamer, "4-beamer-results")
        shot(trainer, "5-console")
        checks += 2

        # Nothing stored was lost: the export has every answer.
        request = urllib.request.Request(f"{base}/api/sessions/{session}/export",
                                         headers={"Authorization": "Bearer " + token})
        export = json.load(urllib.request.urlopen(request))
        answers = [e for e in export["events"] if "answer" in e]
        assert len(answers) == 3, f"expected 3 answers in the export, got {len(answers)}"
        checks += 1

        checks += list_and_done(base, token, trainer, phones, shot)
        checks += refused_in_danish(base, token, phones[0], shot)
        checks += report_over_time(base, trainer, downloads, shot)
        print(f"browser test: {checks} checks passed")
    finally:
        for driver in drivers:
            try:
                driver.quit()
            except Exception:
                pass
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
