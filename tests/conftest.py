"""Shared fixtures: the people every view test starts from, and Quang Ninh's data.

People: `focal_a` (focal point of unit A, Phường Hồng Gai), `focal_b` (of unit B, Đặc khu Cô Tô),
`official` (provincial official), `administrator`, `anonymous`; `people` maps those names to
them and `admin_client` is a client logged in as the administrator. Define no copies in test
files: a local fixture of the same name silently shadows these."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from communes import roles
from communes.models import Commune, Province
from reports.loaders import load_quangninh

# Playwright's sync API runs an event loop in the test thread; the ORM calls that tests make
# around it are still synchronous, so let Django allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    """Tests that need Redis run whenever REDIS_URL is set, tests that need PostgreSQL whenever
    DATABASE_URL points at it, browser tests whenever Chromium is installed (`make test`
    installs it). In CI a missing service or browser fails the run instead of skipping."""
    from tests.browser import CHROMIUM  # the plugin, once pytest has loaded it

    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    no_browser = f"{CHROMIUM} is missing (make browser, or: sudo apt-get install chromium)"
    missing = {
        "REDIS_URL is not set": not os.environ.get("REDIS_URL"),
        "DATABASE_URL is not PostgreSQL": not on_postgres,
        no_browser: not Path(CHROMIUM).exists(),
    }
    for item in items:
        wants = {
            "REDIS_URL is not set": bool(
                item.get_closest_marker("redis") or item.get_closest_marker("worker")
            ),
            "DATABASE_URL is not PostgreSQL": bool(item.get_closest_marker("postgres")),
            no_browser: bool(item.get_closest_marker("browser")),
        }
        for reason, wanted in wants.items():
            if wanted and missing[reason]:
                if os.environ.get("CI"):
                    raise pytest.UsageError(f"CI=true but {reason}: {item.nodeid} needs it.")
                item.add_marker(pytest.mark.skip(reason=reason))


# Every page's frame costs the same few queries whatever the data: the user's permissions for
# the navigation (1, communes.permissions) and their reminder notices (1). Page budgets below
# are "own + chrome".
PAGE_CHROME_QUERIES = 2


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests do not run collectstatic, so serve static files without the manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # A fresh local cache per test: rate-limit counters never leak from one test to the next,
    # and clearing it cannot flush the Redis database Celery's tests use (tests/test_ratelimit
    # checks the Redis cache itself).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "tests"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def quangninh(db):
    """Quang Ninh's province, 54 units, 2025 plan and procedure figures."""
    return load_quangninh()


@pytest.fixture
def commune_a(quangninh):
    return Commune.objects.get(code="06685")  # Phường Hồng Gai


@pytest.fixture
def commune_b(quangninh):
    return Commune.objects.get(code="07192")  # Đặc khu Cô Tô


def make_user(django_user_model, username, role=None, communes=(), **extra):
    """An account of `role`; its scope follows the role unless given: focal points their
    units' province, officials and administrators the first province (Quang Ninh)."""
    if "scope" not in extra:
        Scope = django_user_model.Scope
        extra["scope"] = Scope.UNIT if communes else Scope.PROVINCE if role else Scope.NATIONAL
    if extra["scope"] != "national" and "province" not in extra:
        extra["province"] = (
            communes[0].province if communes else Province.objects.order_by("code").first()
        )
    user = django_user_model.objects.create_user(
        username=username, password="secret-pass-123", full_name=username.title(), **extra
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    if communes:
        user.communes.add(*communes)
    return user


@pytest.fixture
def focal_a(django_user_model, commune_a):
    return make_user(django_user_model, "focal_a", roles.FOCAL_POINTS, [commune_a])


@pytest.fixture
def focal_b(django_user_model, commune_b):
    return make_user(django_user_model, "focal_b", roles.FOCAL_POINTS, [commune_b])


@pytest.fixture
def official(django_user_model, quangninh):
    return make_user(django_user_model, "official", roles.PROVINCIAL_OFFICIALS)


@pytest.fixture
def administrator(django_user_model, quangninh):
    return make_user(
        django_user_model, "administrator", roles.ADMINISTRATORS, is_staff=True
    )


@pytest.fixture
def anonymous():
    """A visitor who has not logged in: `client` without `force_login`."""
    return None


@pytest.fixture
def people(focal_a, focal_b, official, administrator, anonymous):
    """The five people every view test asks about, by name (anonymous is None)."""
    return {"focal_a": focal_a, "focal_b": focal_b, "official": official,
            "administrator": administrator, "anonymous": anonymous}


@pytest.fixture
def admin_client(client, administrator):
    """A client logged in as the administrator. Replaces pytest-django's `admin_client` on
    purpose: its superuser would pass every permission check, the administrator role does not."""
    client.force_login(administrator)
    return client


pytest_plugins = ["tests.browser", "tests.api_world"]


@pytest.fixture
def eager_celery():
    """Run queued tasks in this process, as `make run` does, even when REDIS_URL is set."""
    from dtmonitor.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(saved)


@pytest.fixture
def cumulative_target(quangninh):
    """A running-total daily count of the 2025 plan (its values may not go down)."""
    from targets.models import Pillar, Plan, Target

    return Target.objects.create(
        plan=Plan.objects.get(year=2025), code="CX-C1", name_vi="Lũy kế thử",
        name_en="Test running total", pillar=Pillar.objects.first(), unit=Target.Unit.COUNT,
        source=Target.Source.COMMUNE_DAILY, aggregation=Target.Aggregation.SUM,
        counts_in_plan=False, is_cumulative=True,
    )
