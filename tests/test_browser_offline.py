"""The daily form on a weak link (issue 13): nothing typed is lost, nothing is saved twice.

Chromium through Playwright: `context.set_offline` cuts the link, `page.route` drops answers,
CDP emulates a slow mobile link.
"""

import time

import pytest
from django.utils import timezone

from communes import roles
from reports import services
from reports.models import DailyReport, ReportRevision
from tests.browser import log_in, screenshot
from tests.conftest import make_user
from tests.reports_helpers import daily_targets, values_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Everything of an account the device holds: IndexedDB records and kept pages.
DEVICE_STORAGE = """async (account) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("dtmonitor-offline", 1);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const all = (name) => new Promise((resolve) => {
    const request = db.transaction(name).objectStore(name).getAll();
    request.onsuccess = () => resolve(request.result);
  });
  const mine = (rows) => rows.filter((row) => row.account === account).length;
  const pages = (await caches.keys()).includes("dtm-pages")
    ? (await (await caches.open("dtm-pages")).keys()).length : 0;
  return {drafts: mine(await all("drafts")), queue: mine(await all("queue")), pages};
}"""


def form_url(live_server, commune) -> str:
    return f"{live_server.url}/reports/unit/{commune.code}/{timezone.localdate().isoformat()}/"


def wait_for_kept_copy(page) -> None:
    """The worker controls the page and has kept a copy of the form."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        "() => caches.open('dtm-pages').then((cache) => cache.keys())"
        ".then((keys) => keys.length > 0)"
    )


def fill(page, amount: str, note: str = "") -> None:
    for target in daily_targets(timezone.localdate()):
        page.fill(f"#id_value_{target.pk}", amount)
    page.fill("#id_note", note)


def queued(page) -> int:
    return page.evaluate(
        "dtmStore.ofAccount('queue', dtmQueue.account).then((items) => items.length)"
    )


def test_offline_submit_is_queued_kept_over_a_reload_and_saved_once(
    phone_page, live_server, focal_a, commune_a
):
    page = phone_page
    log_in(page, live_server, "focal_a")
    wait_for_kept_copy(page)
    fill(page, "3", "Mất sóng ở đảo")

    page.context.set_offline(True)
    page.click(".report-form button.primary")
    page.locator("#queued-notice").wait_for(state="visible")
    assert "chờ gửi" in page.locator("#offline-queue").inner_text()
    assert "1 báo cáo" in page.locator("#offline-queue").inner_text()
    assert not DailyReport.objects.exists()
    screenshot(page, "report-offline-queued-phone")

    page.reload()
    page.locator("#offline-notice").wait_for(state="visible")
    assert page.get_attribute("body", "data-offline-copy") == "1"
    page.wait_for_function("() => document.querySelector('#id_note').value === 'Mất sóng ở đảo'")
    for target in daily_targets(timezone.localdate()):
        assert page.input_value(f"#id_value_{target.pk}") == "3"
    assert queued(page) == 1

    with page.expect_navigation():
        page.context.set_offline(False)
    page.wait_for_load_state("networkidle")
    assert "Đã lưu báo cáo lúc" in page.locator(".messages").inner_text()
    report = DailyReport.objects.get()
    assert ReportRevision.objects.count() == 1
    assert report.note == "Mất sóng ở đảo" and {v.value for v in report.values.all()} == {3}
    storage = page.evaluate(DEVICE_STORAGE, str(focal_a.pk))
    assert (storage["drafts"], storage["queue"]) == (0, 0)

    page.click("text=Lịch")
    page.wait_for_load_state("networkidle")
    cell = page.locator(f'.cal-day[data-date="{report.date.isoformat()}"]')
    assert cell.get_attribute("data-state") == "on_time"
    assert [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def test_a_dropped_answer_is_retried_and_saved_once(page, live_server, focal_a, commune_a):
    posts = []

    def drop_first_answer(route):
        if route.request.method != "POST":
            route.continue_()
            return
        posts.append(route.request.post_data)
        if len(posts) == 1:
            route.fetch()  # reaches the server, which saves the report
            route.abort()  # ... and the answer is lost on the way back
        else:
            route.continue_()

    log_in(page, live_server, "focal_a")
    # The context's route also sees what the service worker sends (Background Sync).
    page.context.route(form_url(live_server, commune_a), drop_first_answer)
    fill(page, "4")
    with page.expect_navigation(timeout=30_000):
        page.click(".report-form button.primary")
    page.wait_for_load_state("networkidle")
    assert len(posts) == 2 and posts[0] == posts[1]  # the same key both times
    assert "Đã lưu báo cáo lúc" in page.locator(".messages").inner_text()
    assert DailyReport.objects.count() == 1
    assert ReportRevision.objects.count() == 1


def test_the_form_opens_offline_after_one_online_visit(phone_page, live_server, focal_a, commune_a):
    page = phone_page
    log_in(page, live_server, "focal_a")
    wait_for_kept_copy(page)
    page.goto(f"{live_server.url}/")
    page.context.set_offline(True)
    page.goto(form_url(live_server, commune_a))
    assert page.locator("h1").inner_text() == "Báo cáo hằng ngày"
    notice = page.locator("#offline-notice")
    assert notice.is_visible() and "ngoại tuyến" in notice.inner_text()
    assert page.locator(".report-form button.primary").is_enabled()
    # Styles came from the worker's cache too.
    assert page.evaluate("getComputedStyle(document.querySelector('main')).display") != ""
    assert page.evaluate("document.styleSheets.length") >= 2
    screenshot(page, "report-offline-copy-phone")


def test_a_queued_report_meeting_a_newer_version_shows_both(
    page, live_server, focal_a, commune_a, django_user_model
):
    colleague = make_user(django_user_model, "colleague", roles.FOCAL_POINTS, [commune_a])
    log_in(page, live_server, "focal_a")
    wait_for_kept_copy(page)
    fill(page, "3")
    page.context.set_offline(True)
    page.click(".report-form button.primary")
    page.locator("#queued-notice").wait_for(state="visible")
    today = timezone.localdate()
    services.submit_report(colleague, commune_a, today, values_for(9, today))

    page.context.set_offline(False)
    choice = page.locator("#conflict-choice")
    choice.wait_for(state="visible")
    assert "Colleague" in choice.inner_text()
    first_row = choice.locator("tbody tr").first.inner_text()
    assert "3" in first_row and "9" in first_row
    report = DailyReport.objects.get()
    assert report.version == 1 and {v.value for v in report.values.all()} == {9}  # untouched
    screenshot(page, "report-offline-conflict")

    with page.expect_navigation():
        page.click("#conflict-choice [data-choice=mine]")
    page.wait_for_load_state("networkidle")
    report.refresh_from_db()
    assert report.version == 2 and {v.value for v in report.values.all()} == {3}
    assert list(report.revisions.values_list("kind", flat=True)) == ["submitted", "edited"]


def test_logout_with_a_queued_report_warns_and_then_leaves_nothing(
    page, live_server, focal_a, commune_a
):
    log_in(page, live_server, "focal_a")
    wait_for_kept_copy(page)
    # The link is up but every report is lost on the way: it stays queued.
    page.context.route(form_url(live_server, commune_a),
               lambda route: route.abort() if route.request.method == "POST"
               else route.continue_())
    fill(page, "5", "chưa gửi được")
    page.click(".report-form button.primary")
    page.locator("#queued-notice").wait_for(state="visible")
    assert queued(page) == 1

    page.click("header >> text=Đăng xuất")
    warning = page.locator("#logout-warning")
    warning.wait_for(state="visible")
    assert "1 báo cáo" in warning.inner_text()
    screenshot(page, "logout-warning")
    page.click("#logout-warning >> text=Gửi rồi đăng xuất")
    page.wait_for_function(
        "() => document.querySelector('#logout-warning .hint').textContent.length > 0"
    )
    assert "/accounts/" not in page.url  # still signed in: nothing could be sent
    with page.expect_navigation():
        page.click("#logout-warning >> text=Đăng xuất và xóa")
    page.wait_for_load_state("networkidle")
    assert page.locator("header >> text=Đăng nhập").count() == 1
    storage = page.evaluate(DEVICE_STORAGE, str(focal_a.pk))
    assert storage == {"drafts": 0, "queue": 0, "pages": 0}
    assert page.evaluate("localStorage.getItem('dtm-account')") is None
    assert not DailyReport.objects.exists()


# The page's first contentful paint (ms from the navigation's start), waited for up to 5 s.
FIRST_CONTENTFUL_PAINT = """() => new Promise((resolve) => {
    const paint = (entries) => entries.find((entry) => entry.name === "first-contentful-paint");
    new PerformanceObserver((list) => {
        const entry = paint(list.getEntries());
        if (entry) resolve(entry.startTime);
    }).observe({ type: "paint", buffered: true });
    setTimeout(() => resolve(null), 5000);
})"""


def test_the_form_renders_within_3_seconds_on_a_slow_mobile_link(
    chromium, live_server, focal_a, commune_a
):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, service_workers="block"
    )
    page = context.new_page()
    log_in(page, live_server, "focal_a")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 400,
        "downloadThroughput": 400 * 1000 / 8, "uploadThroughput": 400 * 1000 / 8,
    })
    started = time.monotonic()
    page.goto(form_url(live_server, commune_a), wait_until="load")
    elapsed = time.monotonic() - started
    # The paint entry can be recorded a frame after "load" (seen in CI: none yet when asked at
    # once); its time counts from the navigation's start whenever it is read.
    first_paint = page.evaluate(FIRST_CONTENTFUL_PAINT)
    assert page.locator(".report-form button.primary").is_visible()
    assert elapsed < 3, elapsed
    assert first_paint is not None and first_paint < 3000
    assert page.locator("script[src*=plotly]").count() == 0
    context.close()

