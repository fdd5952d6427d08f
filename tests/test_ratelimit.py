"""Rate limits: login, password reset, admin imports and exports answer 429 (in Vietnamese,
with Retry-After) past their limit; the counter is a fixed window in the cache."""

import datetime as dt
import time
import uuid

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from core import ratelimit
from tests.admin_files import csv_bytes, preview

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.7"
ELSEWHERE = "198.51.100.20"


@pytest.fixture
def limits(settings):
    """Small limits, so that tests reach them: `limits["login"] = (2, 60)`."""
    settings.DTM_RATE_LIMITS = dict(settings.DTM_RATE_LIMITS)
    return settings.DTM_RATE_LIMITS


def assert_refused(response):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Quá nhiều yêu cầu" in response.content.decode()


def test_the_window_counts_and_then_rolls_over():
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, 10, tzinfo=dt.UTC), tick=False) as t:
        assert ratelimit.hit("k", 2, 60) is None
        assert ratelimit.hit("k", 2, 60) is None
        assert ratelimit.hit("k", 2, 60) == 50  # seconds to the end of the minute
        assert ratelimit.hit("other", 2, 60) is None
        t.shift(dt.timedelta(seconds=50))
        assert ratelimit.hit("k", 2, 60) is None


def test_login_posts_are_limited_per_address(client, limits, official):
    limits["login"] = (3, 60)
    for _ in range(3):
        client.post(reverse("login"), {"username": "x", "password": "y"}, REMOTE_ADDR=OFFICE)
    refused = client.post(reverse("login"), {"username": "official",
                                             "password": "secret-pass-123"}, REMOTE_ADDR=OFFICE)
    assert_refused(refused)
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("login"), REMOTE_ADDR=OFFICE).status_code == 200  # page itself
    # The admin's own login form shares the count.
    assert_refused(client.post(reverse("admin:login"), {"username": "x", "password": "y"},
                               REMOTE_ADDR=OFFICE))
    ok = client.post(reverse("login"), {"username": "official", "password": "secret-pass-123"},
                     REMOTE_ADDR=ELSEWHERE)
    assert ok.status_code == 302


def test_password_reset_is_limited_per_address_and_per_email(client, limits, official):
    limits["password_reset_address"] = (2, 3600)
    limits["password_reset_email"] = (1, 3600)
    url = reverse("password_reset")
    assert client.post(url, {"email": "a@example.vn"}, REMOTE_ADDR=OFFICE).status_code == 302
    # The same e-mail from another address: the per-e-mail limit.
    assert_refused(client.post(url, {"email": "A@example.vn "}, REMOTE_ADDR=ELSEWHERE))
    # Another e-mail from the first address: its second request is allowed, the third not.
    assert client.post(url, {"email": "b@example.vn"}, REMOTE_ADDR=OFFICE).status_code == 302
    assert_refused(client.post(url, {"email": "c@example.vn"}, REMOTE_ADDR=OFFICE))


def test_admin_imports_are_limited_per_account(admin_client, limits):
    limits["import"] = (2, 600)
    content = csv_bytes([["Mã", "Tên"]])
    for _ in range(2):
        assert preview(admin_client, "admin:communes_commune_import", content,
                       "u.csv").status_code == 200
    assert_refused(preview(admin_client, "admin:communes_commune_import", content, "u.csv"))
    # Confirmations and the accounts import share the account's count.
    assert_refused(admin_client.post(reverse("admin:communes_commune_process_import"), {}))
    assert_refused(admin_client.post(reverse("admin:communes_user_import_accounts"), {}))
    # Looking at the import page is not an import.
    assert admin_client.get(reverse("admin:communes_commune_import")).status_code == 200


def test_exports_are_limited_per_account(client, limits, official, focal_a):
    limits["export"] = (2, 600)
    client.force_login(official)
    assert client.get(reverse("communes:list") + "?_export=csv").status_code == 200
    assert client.get(reverse("compliance:index") + "?csv=anything").status_code == 200
    assert_refused(client.get(reverse("communes:list") + "?_export=xlsx"))
    assert client.get(reverse("communes:list")).status_code == 200  # pages are not exports
    client.force_login(focal_a)  # another account has its own count
    assert client.get(reverse("communes:list") + "?_export=csv").status_code == 200


@pytest.mark.redis
def test_the_redis_cache_counts_for_every_worker(settings):
    """With REDIS_URL the settings use Redis, so two processes (gunicorn workers) share one
    count; here, two separate connections to it."""
    from django.core.cache.backends.redis import RedisCache

    location = settings.REDIS_URL
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": location, "KEY_PREFIX": "dtm-test"}}
    key = f"shared-{uuid.uuid4().hex}"
    other_worker = RedisCache(location, {"KEY_PREFIX": "dtm-test"})
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, 10, tzinfo=dt.UTC), tick=False):
        assert ratelimit.hit(key, 1, 60) is None
        counter = f"ratelimit:{key}:{int(time.time() // 60) * 60}"
        assert other_worker.get(counter) == 1
        other_worker.incr(counter)  # the other worker's request
        assert ratelimit.hit(key, 2, 60) is not None
        cache.delete(counter)


def test_settings_use_redis_when_redis_url_is_set():
    from tests.test_production_settings import manage

    code = "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    with_redis = manage("shell", "-c", code, REDIS_URL="redis://127.0.0.1:6379/15")
    assert "RedisCache" in with_redis.stdout, with_redis.stdout + with_redis.stderr
    without = manage("shell", "-c", code, REDIS_URL="")
    assert "LocMemCache" in without.stdout, without.stdout + without.stderr
