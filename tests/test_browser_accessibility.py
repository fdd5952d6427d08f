"""axe-core (WCAG 2.0/2.1/2.2 A and AA) finds nothing on any page of each role's day, on a
390 px phone and on a desktop, the daily form's error state included; the keyboard alone fills
and submits the form and lands on the error; no Vietnamese page shows a known English phrase."""

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from targets.models import Target
from tests.browser import log_in, screenshot
from tests.walks import ENGLISH_PHRASES, walk, world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def axe_violations(page) -> list[str]:
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                     "resultTypes": ["violations"]})
    return [
        f"{rule['id']} ({rule['impact']}): "
        + "; ".join(" ".join(node["target"]) for node in rule["nodes"][:5])
        for rule in results.response["violations"]
    ]


# The page's text (as written: innerText would upper-case what CSS upper-cases), without
# scripts, and the attributes a screen reader or a tooltip reads.
PAGE_TEXT = """() => {
  const parts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (!parent.closest('script,style,template')) parts.push(walker.currentNode.nodeValue);
  }
  const named = '[title],[aria-label],[data-title],[placeholder]';
  for (const element of document.querySelectorAll(named)) {
    for (const name of ['title', 'aria-label', 'data-title', 'placeholder']) {
      parts.push(element.getAttribute(name) || '');
    }
  }
  for (const button of document.querySelectorAll('input[type=submit],input[type=button]')) {
    parts.push(button.value);
  }
  return parts.join('\\n');
}"""


def english_on(page) -> list[str]:
    text = page.evaluate(PAGE_TEXT)
    return [phrase for phrase in ENGLISH_PHRASES
            if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w])", text)]


def _wait_for_charts(page) -> None:
    plots = page.locator(".plot[data-figure]")
    for index in range(plots.count()):
        plots.nth(index).locator("svg.main-svg").first.wait_for(state="attached")


def _walk(chromium, live_server, username, pages, label):
    problems = {}
    for device, options in (("phone", PHONE), ("desktop", DESKTOP)):
        context = chromium.new_context(**options)
        page = context.new_page()
        page.set_default_timeout(20_000)
        log_in(page, live_server, username)
        for name, path in pages:
            response = page.goto(live_server.url + path)
            assert response.status == 200, (name, path, response.status)
            assert page.url == live_server.url + path, (name, page.url)  # not the login page
            page.wait_for_load_state("networkidle")
            _wait_for_charts(page)
            found = axe_violations(page) + [f"English: {p}" for p in english_on(page)]
            if found:
                problems[f"{label}/{device}/{name}"] = found
                screenshot(page, f"a11y-{label}-{device}-{name}")
        context.close()
    return problems


@pytest.fixture
def data(quangninh, focal_a, official, administrator):
    return world()


@pytest.mark.parametrize("role, username", [
    ("focal", "focal_a"), ("official", "official"), ("administrator", "administrator"),
])
def test_every_page_of_each_role_passes_axe_in_vietnamese(chromium, live_server, data, people,
                                                          role, username):
    pages = walk(role, data, people[username])
    problems = _walk(chromium, live_server, username, pages, role)
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


def test_keyboard_alone_fills_the_form_and_lands_on_the_first_error(phone_page, live_server,
                                                                    data):
    page = phone_page
    log_in(page, live_server, "focal_a")
    targets = list(
        Target.objects.reported_for(data["commune"], timezone.localdate())
        .order_by("pillar__order", "pillar__code", "code")
    )
    # The skip link is the first stop, and leads past the header to the form.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    stops = 1
    while page.evaluate("document.activeElement.name") != f"value_{targets[0].pk}":
        page.keyboard.press("Tab")
        stops += 1
        assert stops < 6, page.evaluate("document.activeElement.outerHTML")
    for index in range(len(targets)):
        page.keyboard.type("abc" if index == 1 else "4")
        if index + 1 == len(targets):
            break
        while page.evaluate("document.activeElement.name") != f"value_{targets[index + 1].pk}":
            page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits from the last value's field
    page.wait_for_load_state("networkidle")
    assert page.title().startswith("Lỗi:")
    # Focus is on the error summary, which is read first and links to the field.
    assert page.evaluate("document.activeElement.id") == "form-errors"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == (
        f"#id_value_{targets[1].pk}"
    )
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == f"id_value_{targets[1].pk}"
    described = page.evaluate("document.activeElement.getAttribute('aria-describedby')")
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    assert page.locator(f"#{described}").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "a11y-form-error-keyboard-phone")
    # The same form in its error state on a desktop, and at 200% text on the phone.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "a11y-form-error-200-percent-phone")
