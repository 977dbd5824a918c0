#!/usr/bin/env python3
"""The search page in a real headless Chromium, driven by Selenium.

Usage: page_test.py BASE_URL [--screenshot FILE]

Expects a `newsindex serve` over the index the Swift test ServeProcessTests builds (the articles
of Tests/NewsIndexServerTests/Fixture.swift). Exits 0 when every check passes; prints each
failed check and exits 1 otherwise.
"""
import sys
import time
from urllib.parse import urlparse, parse_qs

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from selenium.common.exceptions import StaleElementReferenceException

base = sys.argv[1].rstrip("/")
shot = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else None
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"]:
    options.add_argument(arg)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
wait = WebDriverWait(driver, 10)


def hits():
    return driver.find_elements(By.CSS_SELECTOR, "#results .hit")


def count_text():
    return driver.find_element(By.ID, "count").text


def query():
    return parse_qs(urlparse(driver.current_url).query)


def wait_for(condition, what):
    try:
        wait.until(lambda d: condition())
        return True
    except Exception:
        check(False, what + " (timed out)")
        return False


try:
    driver.get(base + "/")
    # "/" focuses the box; typing and Enter searches.
    driver.find_element(By.TAG_NAME, "body").send_keys("/")
    check(driver.switch_to.active_element.get_attribute("id") == "q", "/ focuses the query box")
    driver.switch_to.active_element.send_keys("harbour", Keys.ENTER)
    wait_for(lambda: len(hits()) > 0, "hits appear after Enter")
    check(len(hits()) == 10, "a page holds 10 hits (%d)" % len(hits()))
    check(count_text().startswith("29 matches"), "the exact count is shown: %r" % count_text())
    check(query().get("q") == ["harbour"], "the URL holds the query")
    marks = driver.find_elements(By.CSS_SELECTOR, "#results .hit mark")
    check(len(marks) > 0 and all(m.text.lower() == "harbour" for m in marks), "snippets mark the matched word")
    # Nothing from an article reaches the page as HTML.
    check(not driver.find_elements(By.CSS_SELECTOR, "#results img, #results script, #results b"), "no element from article text is in the DOM")
    driver.get(base + "/?q=onerror")
    wait_for(lambda: len(hits()) == 1, "the article with markup in its title is found")
    injected = [h for h in hits() if h.get_attribute("data-id") == "inject"]
    check(bool(injected) and "<img" in injected[0].find_element(By.CLASS_NAME, "hit-title").text, "markup in a title is shown as text")
    check(not driver.find_elements(By.CSS_SELECTOR, "#results img, #results script, #results b"), "and makes no element")
    driver.back()
    wait_for(lambda: query().get("q") == ["harbour"] and len(hits()) == 10, "Back returns to the harbour search")

    # Paging and sorting.
    driver.find_element(By.ID, "next").click()
    wait_for(lambda: query().get("offset") == ["10"], "Next moves to offset 10")
    wait_for(lambda: "hits 11" in driver.find_element(By.ID, "page-info").text, "the page says hits 11–20")
    driver.back()
    wait_for(lambda: "offset" not in query() and "hits 1–10" in driver.find_element(By.ID, "page-info").text, "Back returns to the first page")

    # A facet narrows the search.
    sources = driver.find_elements(By.CSS_SELECTOR, "button.facet[data-kind='source']")
    coast = [b for b in sources if b.get_attribute("data-value") == "coast.example.com"]
    check(bool(coast), "the sources facet lists coast.example.com")
    if coast:
        coast[0].click()
        wait_for(lambda: query().get("source") == ["coast.example.com"], "clicking a source facet puts it in the URL")
        wait_for(lambda: count_text().startswith("2 matches"), "the narrowed count is 2: %r" % count_text())
        check({h.get_attribute("data-id") for h in hits()} == {"strike-1", "flood-1"}, "the narrowed hits are that source's")
        filters = driver.find_elements(By.CSS_SELECTOR, "#filters .filter")
        check(len(filters) == 1, "the active filter is shown")
        filters[0].click()
        wait_for(lambda: "source" not in query(), "removing the filter widens the search again")

    # The histogram: a click on a bar narrows the dates.
    wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#histogram rect.bar")) > 0, "the date histogram has bars")
    bars = [b for b in driver.find_elements(By.CSS_SELECTOR, "#histogram rect.bar") if float(b.get_attribute("height")) > 0]
    if bars:
        start = bars[0].get_attribute("data-start")
        driver.execute_script("""
            const bar = arguments[0], svg = document.getElementById('histogram');
            const r = bar.getBoundingClientRect();
            const at = {clientX: r.left + r.width / 2, clientY: r.top + 2, pointerId: 1, bubbles: true};
            svg.dispatchEvent(new PointerEvent('pointerdown', at));
            svg.dispatchEvent(new PointerEvent('pointerup', at));""", bars[0])
        wait_for(lambda: query().get("since") == [start], "a click on a bar sets since=%s" % start)
        check("until" in query(), "and until")
        driver.back()

    # An entity facet, then the article view.
    driver.get(base + "/?q=" + "cooperation")
    wait_for(lambda: len(hits()) > 0, "a loaded URL runs its search")
    people = [b for b in driver.find_elements(By.CSS_SELECTOR, "button.facet[data-kind='entity']") if b.get_attribute("data-value") == "Vladimir Putin"]
    check(bool(people), "the people facet lists Putin")
    if people:
        people[0].click()
        wait_for(lambda: query().get("entity") == ["Vladimir Putin"], "clicking an entity facet narrows to it")
    if shot:
        driver.get(base + "/?q=harbour+OR+flood+OR+putin")
        wait_for(lambda: len(hits()) > 0, "the screenshot's search shows hits")
        time.sleep(0.3)
        driver.save_screenshot(shot)
        driver.get(base + "/?q=cooperation")
        wait_for(lambda: len(hits()) > 0, "hits again")
    # The list may still be redrawn for the last search: take the first hit once it holds still.
    first_id = None
    for _ in range(100):
        try:
            first = hits()[0]
            first_id = first.get_attribute("data-id")
            first.find_element(By.CLASS_NAME, "hit-title").click()
            break
        except (StaleElementReferenceException, IndexError):
            time.sleep(0.05)
    wait_for(lambda: driver.find_element(By.ID, "article").is_displayed(), "clicking a title opens the article")
    check(query().get("article") == [first_id], "the URL names the article")
    check(len(driver.find_element(By.ID, "article-body").text) > 40, "the article's body is shown")
    check(len(driver.find_elements(By.CSS_SELECTOR, "#article-entities .chip")) > 0, "the article's entities are shown")
    driver.back()
    wait_for(lambda: not driver.find_element(By.ID, "article").is_displayed() and len(hits()) > 0, "Back returns to the results")

    # An article with markup and a javascript: URL.
    driver.get(base + "/?article=inject")
    wait_for(lambda: driver.find_element(By.ID, "article-title").text != "", "the injected article opens")
    check("<img" in driver.find_element(By.ID, "article-title").text, "its title is text")
    check(not driver.find_elements(By.CSS_SELECTOR, "#article img, #article script, #article b"), "no element from its text is in the DOM")
    check(not driver.find_elements(By.CSS_SELECTOR, "#article a[href^='javascript']"), "a javascript: URL is not made a link")

    # Stories: the ferry story is published three times; one per story shows it once with "+2 copies".
    driver.get(base + "/?q=ferry")
    wait_for(lambda: len(hits()) == 3, "three ferry articles without collapsing")
    wait_for(lambda: driver.find_element(By.ID, "trend-box").is_displayed(), "the trend chart is shown for a query")
    bars = driver.find_elements(By.CSS_SELECTOR, "#trend rect.trend-bar")
    labels = [b.get_attribute("aria-label") or "" for b in bars]
    check(len(bars) > 0 and all(":" in l and "articles" in l for l in labels), "each trend bar has a label with its interval and count: %r" % labels[:3])
    check(sum(int(l.split(": ")[1].split(" ")[0]) for l in labels) == 3, "the bars add up to the three dated ferry articles")
    driver.find_element(By.ID, "stories").click()
    wait_for(lambda: len(hits()) == 1 and "stor" in count_text(), "one per story: one hit and a count in stories")
    check("3 articles in 1 story" in count_text(), "the count says articles and stories: %r" % count_text())
    check(query().get("stories") == ["1"], "the URL keeps the stories toggle")
    summary = driver.find_element(By.CSS_SELECTOR, "#results .hit .copies summary")
    check(summary.text == "+2 copies", "the story shows +2 copies: %r" % summary.text)
    summary.click()
    copies = driver.find_elements(By.CSS_SELECTOR, "#results .copies .copy-link")
    check(len(copies) == 2 and all("·" in c.text for c in copies), "the copies list their sources and dates")
    # Similar articles of a Putin–Xi report: the other one comes first, not the report itself.
    driver.get(base + "/?q=%22video%20call%22")
    wait_for(lambda: len(hits()) > 0, "hits for the call")
    driver.find_element(By.CSS_SELECTOR, "#results .hit .similar-link").click()
    wait_for(lambda: "like" in count_text(), "Similar shows similar articles")
    similar = [h.get_attribute("data-id") for h in hits()]
    check(query().get("similar") == ["call-1"] and similar and similar[0] == "call-2" and "call-1" not in similar,
          "similar of call-1 ranks call-2 first and leaves call-1 out: %r" % similar)

    # A query that does not parse shows the caret.
    driver.get(base + "/?q=" + "%22open")
    wait_for(lambda: driver.find_element(By.ID, "error").is_displayed(), "a bad query shows an error")
    check("^" in driver.find_element(By.CSS_SELECTOR, "#error pre").text, "with the caret line")

    # A phone-sized window keeps everything reachable, and controls are labelled.
    driver.set_window_size(390, 844)
    driver.get(base + "/?q=harbour")
    wait_for(lambda: len(hits()) > 0, "hits on a phone-sized window")
    width = driver.execute_script("return document.documentElement.scrollWidth")
    check(width <= 400, "no sideways scrolling on a phone (%d px)" % width)
    unlabelled = driver.execute_script("""
        return [...document.querySelectorAll('input, select, button')].filter(e =>
            !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()).map(e => e.id || e.outerHTML.slice(0, 60));""")
    check(unlabelled == [], "every control has an accessible label: %r" % unlabelled)
    # The bad query's 400 is logged by the browser as a failed load; anything else is an error of the page.
    logs = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"
            and not (e.get("source") == "network" and "status of 400" in e.get("message", ""))]
    check(logs == [], "no errors in the console: %r" % logs)
finally:
    driver.quit()

print("%d checks failed" % len(failures) if failures else "all checks passed")
sys.exit(1 if failures else 0)
