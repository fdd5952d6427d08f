"""Error pages are the site's own, in Vietnamese, with a way back; Django's untranslated or
mistranslated strings are fixed in our catalogue."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_a_missing_page_is_vietnamese_with_a_link_home(client, official):
    client.force_login(official)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'lang="vi"' in page and "Không tìm thấy trang" in page
    assert f'href="{reverse("home")}"' in page and "Not Found" not in page


def test_a_csrf_failure_is_explained_in_vietnamese(official):
    client = Client(enforce_csrf_checks=True)
    client.force_login(official)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()


def test_the_server_error_page_needs_nothing_but_itself(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Lỗi máy chủ" in response.content.decode()


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [("Password reset unsuccessful", "Đặt lại mật khẩu không thành công"),
     ("Null characters are not allowed.", "Không được chứa ký tự rỗng (NUL).")],
)
def test_django_strings_are_translated_right(english, vietnamese):
    with translation.override("vi"):
        assert translation.gettext(english) == vietnamese


def test_every_response_and_log_line_carries_a_request_id(client, official, caplog):
    import logging

    client.force_login(official)
    response = client.get(reverse("home"), HTTP_X_REQUEST_ID="proxy-id-12345")
    assert response["X-Request-ID"] == "proxy-id-12345"
    hostile = client.get(reverse("home"), HTTP_X_REQUEST_ID="bad id\nforged log line")
    assert len(hostile["X-Request-ID"]) == 32 and "\n" not in hostile["X-Request-ID"]

    from dtmonitor.request_ids import RequestIdFilter

    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, None)
    assert RequestIdFilter().filter(record) and record.request_id == "-"


def test_the_server_error_page_shows_the_request_id(rf):
    from dtmonitor.request_ids import server_error

    request = rf.get("/")
    request.id = "abc123def456"
    response = server_error(request)
    assert response.status_code == 500 and "abc123def456" in response.content.decode()
