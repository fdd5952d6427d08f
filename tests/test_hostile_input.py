"""Random and hostile input (hypothesis) to the daily form and to the filters of every table
page: never a server error, never a partial write."""

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards.target_filters import TargetFilter
from dashboards.unit_filters import CommuneFilter
from reports.filters import DailyReportFilter
from reports.models import DailyReport, ReportValue
from tests.reports_helpers import MONDAY, at, form_data

pytestmark = pytest.mark.django_db

ONE_TEST = settings(
    max_examples=25, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text a person or an attacker might type: numbers in every notation, control characters,
# decomposed Vietnamese, markup, SQL, huge and empty values.
hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from([
        "", " ", "1,234", "1.234,5", "-1", "1e400", "NaN", "Infinity", "0x10", "١٢٣",
        "12\x00", "\x00", "<script>alert(1)</script>", "' OR 1=1 --", "Nguye\u0302\u0303n",
        "9" * 400, "=HYPERLINK(\"http://x\")", "100%", "1 234",
    ]),
)


@ONE_TEST
@given(value=hostile_text, note=hostile_text, version=hostile_text)
def test_the_daily_form_answers_every_value_without_a_server_error(client, focal_a, commune_a,
                                                                    value, note, version):
    client.force_login(focal_a)
    data = form_data() | {"note": note, "version": version}
    first_value = next(key for key in data if key.startswith("value_"))
    data[first_value] = value
    reports, values = DailyReport.objects.count(), ReportValue.objects.count()
    with time_machine.travel(at(MONDAY, 16), tick=False):
        response = client.post(
            reverse("reports:form", args=[commune_a.code, MONDAY.isoformat()]), data
        )
    assert response.status_code in (200, 302, 400, 409), response.status_code
    if response.status_code != 302:  # refused: nothing written, not even in part
        assert (DailyReport.objects.count(), ReportValue.objects.count()) == (reports, values)


TABLE_PAGES = [
    ("targets:list", TargetFilter),
    ("communes:list", CommuneFilter),
    ("reports:list", DailyReportFilter),
    ("compliance:index", None),
]


def page_parameters(filterset) -> list[str]:
    names = list(filterset.base_filters) if filterset else ["start", "end"]
    return [*names, "sort", "page", "_export", "csv", "province"]


@pytest.mark.parametrize(("url_name", "filterset"), TABLE_PAGES)
def test_table_filters_answer_every_value_without_a_server_error(client, official, url_name,
                                                                  filterset):
    client.force_login(official)
    names = page_parameters(filterset)

    @ONE_TEST
    @given(params=st.dictionaries(st.sampled_from(names), hostile_text, max_size=4))
    def check(params):
        response = client.get(reverse(url_name), params)
        assert response.status_code in (200, 302, 400, 404), (params, response.status_code)

    check()


@pytest.mark.parametrize("url_name", ["home", *(name for name, _ in TABLE_PAGES)])
def test_a_nul_in_any_parameter_is_never_a_server_error(client, official, url_name):
    client.force_login(official)
    for name in [*page_parameters(None), "q", "plan", "pillar", "status", "agency", "kind",
                 "former_area", "commune", "date_from", "date_to", "is_late"]:
        response = client.get(reverse(url_name), {name: "22\x00"})
        assert response.status_code in (200, 400, 404), (name, response.status_code)
