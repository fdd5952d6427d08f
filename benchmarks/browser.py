"""The overview as a browser gets it: bytes on the wire and Largest Contentful Paint.

The official of Quang Ninh opens the overview in headless Chromium (Debian's, /usr/bin/chromium)
on loopback, with a cold cache each time:
- **weight**: the HTML, CSS and JS the page loaded, each fetched again with
  `Accept-Encoding: br, gzip` and counted as the server sends it (compressed, headers
  excluded): Chromium on plain http:// does not offer Brotli, a deployment behind HTTPS does;
- **LCP**: the `largest-contentful-paint` entry's start time (PerformanceObserver), median of
  `repeat` cold loads.
Bars (issue 10): <= 1.2 MB transferred, LCP <= 1.5 s, at both scales.
"""

import os

import requests

from benchmarks.accounts import official_username
from benchmarks.pages import log_in
from benchmarks.results import Context, Result, median_p95
from benchmarks.scenarios import PROVINCE

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
WEIGHT_BAR_KB = 1.2 * 1024
LCP_BAR_MS = 1500.0

LCP_SCRIPT = """
() => new Promise(resolve => {
  new PerformanceObserver(list => {
    const entries = list.getEntries();
    resolve(entries[entries.length - 1].startTime);
  }).observe({type: 'largest-contentful-paint', buffered: true});
})
"""


def _wire_bytes(session: requests.Session, url: str) -> int:
    """The response body's size as sent (still compressed)."""
    response = session.get(url, headers={"Accept-Encoding": "br, gzip"}, stream=True,
                           timeout=60)
    response.raise_for_status()
    size = sum(len(chunk) for chunk in response.raw.stream(65536, decode_content=False))
    response.close()
    return size


def measure(ctx: Context, base_url: str) -> list[Result]:
    from playwright.sync_api import sync_playwright

    session = log_in(base_url, official_username(PROVINCE), ctx.password)
    cookies = [{"name": cookie.name, "value": cookie.value, "url": base_url}
               for cookie in session.cookies]
    lcps, loaded = [], {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            for _ in range(max(1, ctx.repeat)):
                context = browser.new_context(viewport={"width": 1366, "height": 900})
                context.add_cookies(cookies)
                page = context.new_page()
                page.on("response", lambda response: loaded.setdefault(
                    response.url, response.request.resource_type))
                response = page.goto(base_url + "/", wait_until="load")
                if response is None or response.status != 200:
                    raise RuntimeError(f"the overview answered {response and response.status}")
                page.wait_for_load_state("networkidle")
                lcps.append(page.evaluate(LCP_SCRIPT))
                context.close()
        finally:
            browser.close()
    kinds = {"document", "stylesheet", "script"}
    by_kind = {kind: 0 for kind in kinds}
    for url, kind in loaded.items():
        if kind in kinds and url.startswith(base_url):
            by_kind[kind] += _wire_bytes(session, url)
    median, p95 = median_p95(lcps)
    total_kb = sum(by_kind.values()) / 1024
    detail = ", ".join(f"{kind} {size / 1024:.0f} KB" for kind, size in sorted(by_kind.items()))
    print(f"  overview: {total_kb:.0f} KB ({detail}); LCP median {median:.0f} ms", flush=True)
    return [
        Result("overview (official): weight", f"HTML+CSS+JS, br/gzip as sent ({detail})",
               total_kb, "KB", bar=WEIGHT_BAR_KB),
        Result("overview (official): LCP", "median, headless Chromium, cold cache", median, "ms",
               bar=LCP_BAR_MS),
        Result("overview (official): LCP", "p95", p95, "ms"),
    ]
