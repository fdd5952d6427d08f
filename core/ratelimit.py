"""Rate limits: a fixed-window counter in Django's cache, one rule per kind of request.

Rules are `settings.DTM_RATE_LIMITS[name] = (requests, seconds)`. The cache is Redis in
production (settings.CACHES), so every gunicorn worker counts in the same window. A refused
request gets a 429 page in Vietnamese with a Retry-After header.
"""

import hashlib
import math
import time
from collections.abc import Callable
from functools import wraps

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

KeyFunction = Callable[[HttpRequest], str | None]


def hit(key: str, limit: int, window: int) -> int | None:
    """Count one request for `key`. None while at most `limit` were counted in the current
    `window` seconds, else the seconds left until the window ends."""
    now = time.time()
    start = int(now // window) * window
    cache_key = f"ratelimit:{key}:{start}"
    # add() does nothing when the counter exists; incr() is atomic in Redis.
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the counter expired between add() and incr()
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, math.ceil(start + window - now))


def check(request: HttpRequest, rule: str, key: KeyFunction) -> HttpResponse | None:
    """Count `request` under `rule` for the value `key(request)` (nothing to count when None):
    None when allowed, else the 429 response to send."""
    value = key(request)
    if value is None:
        return None
    limit, window = settings.DTM_RATE_LIMITS[rule]
    wait = hit(f"{rule}:{value}", limit, window)
    return None if wait is None else too_many_requests(request, wait)


def too_many_requests(request: HttpRequest, wait: int) -> HttpResponse:
    response = render(
        request, "429.html", {"wait_minutes": math.ceil(wait / 60)}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


def rate_limited(*rules: tuple[str, KeyFunction], methods: tuple[str, ...] = ("POST",)):
    """View decorator: each `(rule, key)` pair counts the view's `methods` requests."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                for rule, key in rules:
                    refused = check(request, rule, key)
                    if refused is not None:
                        return refused
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# --- Keys ----------------------------------------------------------------------------------


def by_address(request: HttpRequest) -> str | None:
    """The client's address, found the way django-axes finds it (AXES_IPWARE_PROXY_COUNT)."""
    return f"ip:{get_client_ip_address(request) or 'unknown'}"


def by_account(request: HttpRequest) -> str | None:
    """The signed-in account, or the address of a visitor who is not signed in."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return by_address(request)


def by_posted_email(request: HttpRequest) -> str | None:
    """The e-mail address posted in the form (hashed: a cache key holds no personal data)."""
    email = request.POST.get("email", "").strip().lower()
    if not email:
        return None
    return "email:" + hashlib.sha256(email.encode()).hexdigest()[:32]
