#!/usr/bin/env python3
"""The measurement report in a real browser: the seed's programme rehearsed with 30 bots,
`kraftfelt report`, and the HTML file opened in headless Chromium on a phone and on a
laptop. It checks what a trainer reads (the eight measurement points, before and after
with the change, the network across areas), that nothing overflows the phone's width
but the charts' own scrolling boxes, and keeps screenshots as artifacts.

Usage: report_test.py KRAFTFELT_BINARY [ARTIFACTS_DIR]"""

import os
import shutil
import subprocess
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

POINTS = [
    "Oplevet effekt af dit arbejde", "Dit bidrag til at opfylde strategien",
    "Dit bidrag til netværkets gennemslagskraft", "Graden af borgerdeltagelse",
    "Hvor mange af dine kolleger er involveret i netværk", "Læring hos kolleger og medarbejdere",
    "Anerkendelse fra kolleger og medarbejdere", "Din egen læring om nye handlemuligheder",
]


def browser(width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}"]:
        options.add_argument(argument)
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_window_size(width, height)
    return driver


def check(condition, message):
    if not condition:
        raise SystemExit("report_test: " + message)


def main():
    binary = os.path.abspath(sys.argv[1])
    artifacts = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else ".build/artifacts/browser")
    os.makedirs(artifacts, exist_ok=True)
    work = tempfile.mkdtemp(prefix="kraftfelt-report-")
    data = os.path.join(work, "data")
    subprocess.run([binary, "rehearse", "netvaerksorganisering", "--participants", "30", "--data", data,
                    "--session", "ws1"], check=True, stdout=subprocess.DEVNULL, timeout=600)
    subprocess.run([binary, "report", "ws1", "--data", data, "-o", os.path.join(work, "report.html")],
                   check=True, timeout=120)
    url = "file://" + os.path.join(work, "report.html")
    for name, (width, height) in {"phone": (390, 844), "laptop": (1280, 900)}.items():
        driver = browser(width, height)
        try:
            driver.get(url)
            headings = [h.text for h in driver.find_elements(By.TAG_NAME, "h2")]
            for point in POINTS:
                check(point in headings, f"{name}: no section for {point!r} (headings: {headings})")
            body = driver.find_element(By.TAG_NAME, "body").text
            check("Før" in body and "Efter" in body, f"{name}: no before and after")
            check("95 %" in body or "95%" in body, f"{name}: no confidence interval of the change")
            network = driver.find_elements(By.CSS_SELECTOR, "section#network svg")
            check(network and network[0].size["width"] > 100, f"{name}: the network is not drawn")
            check("NaN" not in body, f"{name}: NaN in the report")
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            check(overflow <= 1, f"{name}: the page is {overflow}px wider than the window")
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(width, min(height, 16000))
            driver.save_screenshot(os.path.join(artifacts, f"report-{name}.png"))
            driver.set_window_size(width, 900)
            driver.execute_script("document.getElementById('network').scrollIntoView()")
            driver.save_screenshot(os.path.join(artifacts, f"report-{name}-network.png"))
        finally:
            driver.quit()
    shutil.rmtree(work, ignore_errors=True)
    print("report_test: the report reads on a phone and a laptop; screenshots in", artifacts)


if __name__ == "__main__":
    main()
