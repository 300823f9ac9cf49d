#!/usr/bin/env python3
"""Browser tests of `caseledger serve` in a real headless Chromium (Debian's chromium and
chromium-driver, driven by Selenium), covering every "Must show" item of issue 24:

  - an event recorded through the form is found in `log` and passes `verify`;
  - a wrong value shows the validator's message next to the field and writes nothing;
  - the CPR number never appears in a page, the server's output, the ledger's files or the
    browser's history;
  - the goals page shows the same values as `report --json`;
  - explain writes its access record before showing anything;
  - requests without the token, or a POST without the CSRF token, are refused.

Usage: python3 Tools/web/test_browser.py [path/to/caseledger]   (default .build/debug/caseledger)
When Chromium, chromedriver or Selenium is missing the tests are skipped with a message saying
so (exit status 0); .ci/run installs them first. Exit status 1 when a check fails.
"""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/debug/caseledger"))
# A test CPR number, assembled at run time so that no CPR-shaped literal is in the file.
CPR = "1506" + "85" + "-" + "47" + "11"
CPR_DIGITS = CPR.replace("-", "")
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def skip(reason):
    print(f"test_browser.py: SKIPPED: {reason}")
    sys.exit(0)


try:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:
    skip("Selenium is not installed (python3 -m pip install selenium)")
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
driver_path = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
if not chromium or not driver_path:
    skip("Chromium or chromedriver is not installed (apt-get install -y chromium chromium-driver)")


def run(home, *arguments, stdin=None):
    return subprocess.run([BINARY, *arguments], input=stdin, capture_output=True, env={**os.environ, "HOME": home}, check=False)


def main():
    work = tempfile.mkdtemp(prefix="caseledger-browser-")
    ledger = os.path.join(work, "ledger")
    codes = ["--municipality", "183", "--municipality", "187"]
    assert run(work, "init", ledger, "--jobcenter", "Jobcenter Vallensbæk", "--recorded-at", "2010-12-31", *codes).returncode == 0
    generated = run(work, "generate", "--citizens", "150", "--seed", "5", "--with-recorded-at", "--to", "2014-12-31", *codes)
    assert run(work, "append", ledger, "--historical", stdin=generated.stdout).returncode == 0
    with open(os.path.join(ROOT, "EventLogs/plans/vallensbaek-2014.jsonl"), "rb") as plan:
        assert run(work, "append", ledger, stdin=plan.read()).returncode == 0

    out_path, err_path = os.path.join(work, "serve.out"), os.path.join(work, "serve.err")
    server = subprocess.Popen([BINARY, "serve", ledger, "--port", "0"], stdout=open(out_path, "wb"), stderr=open(err_path, "wb"),
                              env={**os.environ, "HOME": work})
    profile = os.path.join(work, "profile")
    driver = None
    try:
        url = ""
        for _ in range(600):
            with open(out_path) as f:
                url = f.readline().strip()
            if url:
                break
            server.wait(timeout=0.1) if server.poll() is not None else __import__("time").sleep(0.1)
        match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/\?token=([0-9a-f]{64})", url)
        check(match is not None, f"serve prints its address with the token ({url[:40]}...)")
        base = f"http://127.0.0.1:{match.group(1)}"

        options = Options()
        options.binary_location = chromium
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--user-data-dir={profile}"]:
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
        driver.set_page_load_timeout(300)
        pages = []

        # Without the token: refused.
        driver.get(base + "/goals")
        pages.append(driver.page_source)
        check("adgangsnøglen" in driver.page_source and "goal-wrap" not in driver.page_source, "without the token the goals page is refused")

        # The token's address opens a session and the goals page.
        driver.get(url)
        check(driver.current_url.endswith("/goals"), "the token's address leads to the goals page without the token in it")
        cookie = driver.get_cookie("caseledger_session")
        check(cookie is not None and cookie.get("httpOnly") and cookie.get("sameSite") == "Strict", "the session cookie is HttpOnly and SameSite=Strict")

        # The goals page has report --json's values.
        for at in ["2014-12-31", "2014-06-30"]:
            driver.get(f"{base}/goals?at={at}")
            pages.append(driver.page_source)
            report = json.loads(run(work, "report", ledger, "--at", at, "--json").stdout)
            shown = {e.get_attribute("data-goal"): (e.get_attribute("data-value"), e.get_attribute("data-status"))
                     for e in driver.find_elements(By.CSS_SELECTOR, "div.goal-wrap")}
            same = len(shown) == len(report["goals"]) and all(
                g["goal_id"] in shown and shown[g["goal_id"]][1] == g["status"]
                and (None if shown[g["goal_id"]][0] == "null" else float(shown[g["goal_id"]][0])) == g["value"] for g in report["goals"])
            check(same, f"the goals page at {at} shows report --json's {len(report['goals'])} values and statuses")
        check(len(driver.find_elements(By.CSS_SELECTOR, "figure.chart svg")) > 0, "the goals page draws the trend charts")

        def count_lines():
            return len(run(work, "log", ledger, "--json").stdout.splitlines())

        def fill_registration(education):
            driver.get(base + "/record/citizen_registered")
            pages.append(driver.page_source)
            driver.find_element(By.ID, "cpr").send_keys(CPR)
            for field, value in [("effective", "2014-12-01"), ("fact-birth_date", "1985-06-15")]:
                driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, field), value)
            Select(driver.find_element(By.ID, "municipality")).select_by_value("183")
            Select(driver.find_element(By.ID, "fact-education")).select_by_value(education)
            driver.find_element(By.ID, "check").click()
            # The answer is a new page: the confirmation or the form with a message.
            WebDriverWait(driver, 120).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#stored, .error"))
            pages.append(driver.page_source)

        # A wrong value (a required field left empty): the validator's message next to it, nothing written.
        before = count_lines()
        fill_registration("")
        errors = driver.find_elements(By.XPATH, "//select[@id='fact-education']/following-sibling::span[@class='error']")
        check(len(errors) == 1 and errors[0].text.strip() != "", "a wrong value shows the validator's message next to its field "
              + str([e.text for e in driver.find_elements(By.CSS_SELECTOR, ".error")]))
        check(count_lines() == before, "a rejected form writes nothing")

        # Recorded through the form: confirmation with the pseudonym, saved, in log and verify.
        fill_registration("vocational")
        stored = driver.find_element(By.ID, "stored").text
        pseudonym = re.search(r"c-[0-9a-f]{16}", stored)
        check(pseudonym is not None, "the confirmation shows the event with the pseudonym")
        driver.find_element(By.ID, "save").click()
        WebDriverWait(driver, 120).until(lambda d: d.find_elements(By.ID, "saved-seq"))
        pages.append(driver.page_source)
        seq = int(driver.find_element(By.ID, "saved-seq").get_attribute("data-seq"))
        logged = [json.loads(line) for line in run(work, "log", ledger, "--json").stdout.splitlines()]
        check(any(e["seq"] == seq and e["citizen"] == pseudonym.group(0) and e["type"] == "citizen_registered" for e in logged),
              f"the event recorded through the form is seq {seq} in caseledger log")
        check(run(work, "verify", ledger).returncode == 0, "caseledger verify passes after the form's append")
        driver.get(f"{base}/log?citizen={pseudonym.group(0)}")
        pages.append(driver.page_source)
        check(f'data-seq="{seq}"' in driver.page_source, "the log page shows it")

        # explain: the access record first.
        records_before = len(run(work, "access-log", ledger, "--json").stdout.splitlines())
        driver.get(base + "/audit")
        Select(driver.find_element(By.ID, "measure")).select_by_value("M1")
        driver.execute_script("arguments[0].value = '2014-12-31'", driver.find_element(By.ID, "at"))
        driver.find_element(By.ID, "user").send_keys("revisor")
        driver.find_element(By.ID, "purpose").send_keys("revision 2014")
        driver.find_element(By.ID, "explain").click()
        WebDriverWait(driver, 120).until(lambda d: d.find_elements(By.ID, "access-record"))
        pages.append(driver.page_source)
        records = [json.loads(line) for line in run(work, "access-log", ledger, "--json").stdout.splitlines()]
        shown_seq = int(driver.find_element(By.ID, "access-record").get_attribute("data-seq"))
        shown_citizens = set(re.findall(r"c-[0-9a-f]{16}", driver.find_element(By.TAG_NAME, "table").text))
        check(len(records) == records_before + 1 and records[-1]["seq"] == shown_seq and set(records[-1]["citizens"]) == shown_citizens,
              "explain wrote its access record, naming exactly the citizens then shown")

        # Without the CSRF token (a POST from elsewhere with the cookie), and without the cookie: refused.
        session = driver.get_cookie("caseledger_session")["value"]
        form = b"measure=M1&at=2014-12-31&user=x&purpose=y"
        for headers, expected, what in [({"Cookie": "caseledger_session=" + session}, 403, "a POST without the CSRF token"),
                                         ({}, 401, "a POST without the session cookie")]:
            request = urllib.request.Request(base + "/explain", data=form, headers={"Content-Type": "application/x-www-form-urlencoded", **headers})
            try:
                status = urllib.request.urlopen(request).status
            except urllib.error.HTTPError as error:
                status = error.code
            check(status == expected, f"{what} is refused ({status})")
        check(len(run(work, "access-log", ledger, "--json").stdout.splitlines()) == records_before + 1, "the refused posts wrote no access record")

        # The CPR number nowhere: pages, server output, ledger files, browser history.
        driver.quit()
        driver = None
        server.terminate()
        server.wait(timeout=30)
        texts = pages + [open(out_path, errors="replace").read(), open(err_path, errors="replace").read()]
        check(all(CPR_DIGITS not in t and CPR not in t for t in texts), "no page and no server output holds the CPR number")
        in_files = []
        for directory, _, files in os.walk(ledger):
            for name in files:
                with open(os.path.join(directory, name), "rb") as f:
                    data = f.read()
                if CPR_DIGITS.encode() in data or CPR.encode() in data:
                    in_files.append(name)
        check(not in_files, f"no ledger file holds the CPR number {in_files}")
        history = os.path.join(profile, "Default", "History")
        if os.path.exists(history):
            copy = os.path.join(work, "History.copy")
            shutil.copy(history, copy)
            urls = [row[0] for row in sqlite3.connect(copy).execute("SELECT url FROM urls")]
            check(urls and all(CPR_DIGITS not in u and CPR not in u and "cpr=" not in u for u in urls),
                  f"the browser's history ({len(urls)} addresses) holds no CPR number")
        else:
            check(False, "the browser's history file exists to be checked")
    finally:
        if driver is not None:
            driver.quit()
        if server.poll() is None:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"test_browser.py: {len(failures)} checks FAILED")
        sys.exit(1)
    print("test_browser.py: all checks passed")


main()
