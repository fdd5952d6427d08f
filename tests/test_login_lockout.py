"""Brute force on the login page: a username is locked at one address after too many wrong
passwords, by username and address together (a shared commune office keeps working)."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "mot-mat-khau-dai-va-kho-doan"


@pytest.fixture
def hoa(django_user_model):
    return django_user_model.objects.create_user("hoa", password=PASSWORD, scope="national")


@pytest.fixture
def lan(django_user_model):
    return django_user_model.objects.create_user("lan", password=PASSWORD, scope="national")


def log_in(client, username, password, address="203.0.113.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_wrong_passwords_lock_that_username_at_that_address(client, hoa, lan):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "hoa", "sai")
    locked = log_in(client, "hoa", PASSWORD)
    assert locked.status_code == 429
    assert "Nhập sai mật khẩu quá nhiều lần" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    # A colleague in the same office (same address) still logs in...
    assert log_in(client, "lan", PASSWORD).status_code == 302
    client.logout()
    # ...and so does the locked user from another network.
    assert log_in(client, "hoa", PASSWORD, address="198.51.100.20").status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, hoa):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "hoa", "sai")
    assert log_in(client, "hoa", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "hoa", "sai")
    assert log_in(client, "hoa", PASSWORD).status_code == 302
