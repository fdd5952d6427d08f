"""Sessions and passwords: what a shared office computer and a weak password cannot do."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "một câu mật khẩu dài dễ nhớ"


@pytest.fixture
def hoa(django_user_model):
    return django_user_model.objects.create_user("hoa", password=PASSWORD, scope="national")


def log_in(client, password=PASSWORD):
    return client.post(reverse("login"), {"username": "hoa", "password": password})


@pytest.mark.parametrize("weak", ["12345678901", "password123", "ngắn"])
def test_weak_passwords_are_refused(hoa, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, hoa)


def test_a_long_passphrase_is_accepted(hoa):
    validate_password("con đường đến ủy ban xã rất dài " * 3, hoa)


def test_the_session_key_changes_at_login(client, hoa):
    client.get(reverse("login"))
    client.cookies["sessionid"] = "fixed-by-an-attacker"
    log_in(client)
    assert client.cookies["sessionid"].value != "fixed-by-an-attacker"


def test_logout_ends_the_session(client, hoa):
    log_in(client)
    stolen = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    client.cookies["sessionid"] = stolen
    assert client.get(reverse("home")).status_code == 302  # back to the login page


def test_a_password_change_ends_other_sessions(client, hoa, django_user_model):
    log_in(client)
    hoa.set_password("một mật khẩu mới cũng dài")
    hoa.save()
    assert client.get(reverse("home")).status_code == 302


def test_deactivating_an_account_ends_its_sessions(client, hoa):
    log_in(client)
    assert client.get(reverse("home")).status_code == 200
    hoa.is_active = False
    hoa.save()
    assert client.get(reverse("home")).status_code == 302
