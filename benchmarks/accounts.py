"""The benchmark's accounts, as the real deployment has them: one national account, one official
per province and one focal point per unit, all with the same known password.

Names: `bench-national`, `bench-official-<province code>`, `bench-focal-<unit code>`. The
password is hashed once and the hash shared, so seeding 3,321 accounts takes a second, not an
hour of PBKDF2.
"""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from communes import roles
from communes.models import Commune, Province, User

PASSWORD = "bench-password-2025"


def focal_point_username(unit_code: str) -> str:
    return f"bench-focal-{unit_code}"


def official_username(province_code: str) -> str:
    return f"bench-official-{province_code}"


NATIONAL_USERNAME = "bench-national"


def create_accounts(password: str = PASSWORD) -> int:
    """Create the missing benchmark accounts (idempotent); returns how many were created."""
    hashed = make_password(password)
    existing = set(User.objects.filter(username__startswith="bench-")
                   .values_list("username", flat=True))
    new: list[User] = []
    if NATIONAL_USERNAME not in existing:
        new.append(User(username=NATIONAL_USERNAME, password=hashed,
                        scope=User.Scope.NATIONAL))
    officials = [
        User(username=official_username(code), password=hashed, scope=User.Scope.PROVINCE,
             province_id=pk)
        for pk, code in Province.objects.values_list("pk", "code")
        if official_username(code) not in existing
    ]
    units = [
        (pk, province_id, code)
        for pk, province_id, code in Commune.objects.values_list("pk", "province_id", "code")
        if focal_point_username(code) not in existing
    ]
    focal_points = [
        User(username=focal_point_username(code), password=hashed, scope=User.Scope.UNIT,
             province_id=province_id)
        for _, province_id, code in units
    ]
    User.objects.bulk_create(new + officials + focal_points, batch_size=2000)

    by_name = dict(User.objects.filter(username__startswith="bench-")
                   .values_list("username", "pk"))
    groups = {name: Group.objects.get(name=name) for name in roles.ROLE_GROUPS}
    Membership = User.groups.through
    Membership.objects.bulk_create(
        [Membership(user_id=by_name[user.username],
                    group_id=groups[roles.PROVINCIAL_OFFICIALS].pk)
         for user in new + officials]
        + [Membership(user_id=by_name[user.username], group_id=groups[roles.FOCAL_POINTS].pk)
           for user in focal_points],
        batch_size=5000, ignore_conflicts=True,
    )
    Units = User.communes.through
    Units.objects.bulk_create(
        [Units(user_id=by_name[focal_point_username(code)], commune_id=pk)
         for pk, _, code in units],
        batch_size=5000, ignore_conflicts=True,
    )
    return len(new) + len(officials) + len(focal_points)
