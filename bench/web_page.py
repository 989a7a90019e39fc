"""How long the precheck page takes to show results, measured in a real headless Chromium.

    python bench/web_page.py FILE [--runs 3] [--screenshot docs/img/web-results.png]

Starts the web app (uvicorn, as ``wibrs-check serve``) on a free local port, opens the page,
picks FILE in the file input, clicks Check and stops the clock when the results heading is on
the page: upload, check, the self-refreshing progress page and the rendering of the results,
as a clerk waits for them. Prints one line per run and the median, with the load average.
Needs Debian's chromium and chromedriver (nothing is downloaded).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import threading
import time
from pathlib import Path

import uvicorn
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from wibrs_check.web.app import WebSettings, create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--screenshot", type=Path, help="save the results page of the last run here (PNG)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1500)
    args = parser.parse_args()

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(WebSettings()), host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)

    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--no-first-run", f"--window-size={args.width},{args.height}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"),
                              options=options)
    seconds = []
    try:
        for run in range(1, args.runs + 1):
            driver.get(f"http://127.0.0.1:{port}/")
            driver.find_element(By.ID, "file").send_keys(str(args.file.resolve()))
            started = time.perf_counter()
            driver.find_element(By.ID, "submit").click()
            WebDriverWait(driver, 1800).until(ec.presence_of_element_located((By.ID, "results")))
            seconds.append(time.perf_counter() - started)
            findings = driver.find_element(By.CSS_SELECTOR, ".totals").text.replace("\n", " ")
            print(f"run {run}: results shown after {seconds[-1]:.2f} s ({findings})", flush=True)
        if args.screenshot:
            args.screenshot.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(args.screenshot))
            print(f"screenshot: {args.screenshot}")
    finally:
        driver.quit()
        server.should_exit = True
    load = os.getloadavg()
    print(f"{args.file.name} ({args.file.stat().st_size:,} bytes): median {statistics.median(seconds):.2f} s over "
          f"{len(seconds)} runs; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
