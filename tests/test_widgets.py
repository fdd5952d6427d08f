"""The daily form's inputs (`core.widgets`) are written in Python; every byte of them, and of
the form page around them, is what Django's own widget templates write."""

import re
import uuid
from contextlib import contextmanager
from unittest import mock

import pytest
import time_machine
from django import forms
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from core import widgets
from reports import services
from reports.forms import DailyReportForm
from tests.reports_helpers import MONDAY, at, daily_targets, form_data, values_for

HOSTILE = "<script>alert(\"x\")</script> & 'quotes' Đà Nẵng\nsecond line"


@contextmanager
def django_widgets():
    """Every `core.widgets` input rendered through Django's templates, as before."""
    with mock.patch.object(widgets.PythonRendered, "render", forms.Widget.render):
        yield


def rendered_fields(form) -> dict[str, str]:
    return {bound.name: str(bound) for bound in form}


def assert_same_as_django(form):
    ours = rendered_fields(form)
    with django_widgets():
        theirs = rendered_fields(form)
    assert ours == theirs
    return ours


@pytest.fixture
def clock():
    with time_machine.travel(at(MONDAY, 16), tick=False) as traveller:
        yield traveller


def test_django_widgets_really_render_through_templates(quangninh):
    """The comparison below is not ours against ours."""
    with mock.patch("django.forms.renderers.BaseRenderer.render", return_value="T") as render:
        with django_widgets():
            assert str(DailyReportForm()["note"]) == "T"
        assert str(DailyReportForm()["note"]) != "T"
    assert render.call_count == 1


@pytest.mark.parametrize("language", ["vi", "en"])
def test_unbound_form_fields_are_djangos_bytes(commune_a, language):
    targets = daily_targets()
    initial = {"version": 3, "note": HOSTILE, "blockers": mark_safe("<b>safe</b>"),
               "idempotency_key": uuid.UUID(int=7)}
    initial |= {f"value_{target.pk}": "1.234,5" for target in targets}
    with translation.override(language):
        html = assert_same_as_django(DailyReportForm(initial=initial, targets=targets))
        empty = assert_same_as_django(DailyReportForm(targets=targets))
    assert 'value="00000000-0000-0000-0000-000000000007"' in html["idempotency_key"]
    assert "&lt;script&gt;" in html["note"] and "<b>safe</b>" in html["blockers"]
    assert 'inputmode="decimal"' in empty[f"value_{targets[0].pk}"]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"version": "abc", "CX_01": "-1", "CX_02": "12,3,4", "note": "x" * 6000},
        {"CX_01": '"><img src=x>', "blockers": HOSTILE, "idempotency_key": "not-a-key"},
        {"accept_warnings": "on", "CX_01": ""},
        None,  # nothing posted
    ],
    ids=["valid", "errors", "hostile", "ticked", "empty"],
)
def test_bound_form_fields_are_djangos_bytes(commune_a, language, overrides):
    targets = daily_targets()
    data = {} if overrides is None else form_data(**overrides)
    with translation.override(language):
        form = DailyReportForm(data, targets=targets)
        form.is_valid()
        assert_same_as_django(form)


def test_fields_with_a_warning_are_djangos_bytes(commune_a, focal_a, cumulative_target, clock):
    """A warned field carries aria-describedby; the confirmation box is shown unticked."""
    earlier = MONDAY.replace(day=5)
    services.submit_report(focal_a, commune_a, earlier, values_for(10, earlier))
    targets = services.report_day(focal_a, commune_a, MONDAY).targets
    last = services.last_values(commune_a, MONDAY)
    form = DailyReportForm(form_data(CX_C1="90"), targets=targets, last_values=last)
    assert not form.is_valid() and form.warnings
    html = assert_same_as_django(form)
    name = f"value_{cumulative_target.pk}"
    assert f'aria-describedby="id_{name}_warning"' in html[name]


# The whole page, GET and POST, in both languages: only the per-render secrets differ.
SECRETS = re.compile(r'(name="(?:csrfmiddlewaretoken|idempotency_key)" value=")[^"]*"')


def page(client, method, url, data=None) -> str:
    response = getattr(client, method)(url, data)
    assert response.status_code in (200, 409)
    return SECRETS.sub(r'\1"', response.content.decode())


@pytest.mark.parametrize("language", ["vi", "en"])
def test_form_pages_are_djangos_bytes(client, focal_a, commune_a, clock, language):
    client.force_login(focal_a)
    client.cookies["django_language"] = language
    url = reverse("reports:form", args=[commune_a.code, MONDAY.isoformat()])
    requests = [
        ("get", None),
        ("post", form_data(CX_01="-1", CX_02="abc", note="x" * 6000)),
        ("post", form_data(version="abc", blockers=HOSTILE)),
    ]
    for method, data in requests:
        ours = page(client, method, url, data)
        with django_widgets():
            assert page(client, method, url, data) == ours
    services.submit_report(focal_a, commune_a, MONDAY, values_for(1234),
                           note=HOSTILE)
    ours = page(client, "get", url)
    with django_widgets():
        assert page(client, "get", url) == ours
    assert "1.234" in ours and "&lt;script&gt;" in ours


@pytest.mark.parametrize(
    "widget", [widgets.TextInput, widgets.HiddenInput, widgets.Textarea, widgets.CheckboxInput]
)
@pytest.mark.parametrize("value", [None, "", 0, 12, True, False, HOSTILE, mark_safe("<b>")])
def test_every_attribute_and_value_is_written_as_django_writes_it(widget, value):
    attrs = {"on": True, "off": False, "size": 10, "title": HOSTILE, "data-x": mark_safe("<i>")}
    ours = widget(attrs=attrs).render("name", value, {"id": "id_name", "aria-invalid": "true"})
    with django_widgets():
        assert widget(attrs=attrs).render(
            "name", value, {"id": "id_name", "aria-invalid": "true"}
        ) == ours
