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
