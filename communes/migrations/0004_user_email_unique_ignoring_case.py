"""One e-mail address, one account, without regard to case.

Accounts that already share an address (e.g. "an@x.vn" and "An@X.vn") stop the migration
with their usernames: which one keeps the address is for an administrator to decide, not for
a migration to guess.
"""

import django.db.models.functions.text
from django.db import migrations, models


def refuse_shared_addresses(apps, schema_editor):
    User = apps.get_model("communes", "User")
    owners: dict[str, list[str]] = {}
    for username, email in User.objects.exclude(email="").values_list("username", "email"):
        owners.setdefault(email.lower(), []).append(username)
    shared = {email: names for email, names in owners.items() if len(names) > 1}
    if shared:
        listed = "; ".join(f"{email}: {', '.join(sorted(names))}"
                           for email, names in sorted(shared.items()))
        raise RuntimeError(
            "These accounts share an e-mail address (ignoring case); give each its own "
            f"address (or empty it) in the admin, then migrate again: {listed}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0003_user_scope"),
    ]

    operations = [
        migrations.RunPython(refuse_shared_addresses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                condition=models.Q(("email", ""), _negated=True),
                name="user_email_unique_ignoring_case",
                violation_error_message="An account with this email address already exists.",
            ),
        ),
    ]
