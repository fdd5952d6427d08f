"""Idempotent loading of reference data keyed by natural codes."""

from enum import StrEnum

from django.db import models


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def upsert(
    model: type[models.Model], lookup: dict, values: dict, *, update: bool
) -> tuple[models.Model, Outcome]:
    """Create the row if missing; with `update`, bring an existing row to `values`.

    An existing row is saved only when a value differs, so loading twice writes nothing and
    leaves no spurious history.
    """
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        return model.objects.create(**lookup, **values), Outcome.CREATED
    if not update:
        return instance, Outcome.UNCHANGED
    changed = [name for name, value in values.items() if _differs(getattr(instance, name), value)]
    if not changed:
        return instance, Outcome.UNCHANGED
    for name in changed:
        setattr(instance, name, values[name])
    instance.full_clean(validate_unique=False, validate_constraints=False)
    instance.save(update_fields=changed)
    return instance, Outcome.UPDATED


def _differs(current, wanted) -> bool:
    if isinstance(current, models.Model) or isinstance(wanted, models.Model):
        return getattr(current, "pk", None) != getattr(wanted, "pk", None)
    return current != wanted
