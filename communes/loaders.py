"""Provinces and units, created or updated by official code (upserts)."""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.tsv import read_tsv
from core.upsert import Outcome, upsert

from .models import Commune, Province

REGIONS_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "regions.tsv"


@cache
def regions() -> dict[str, str]:
    """Province code → socio-economic region (`Province.Region`), from fixtures/regions.tsv:
    the vietnam-provinces package does not give regions."""
    return {row["code"]: row["region"] for row in read_tsv(REGIONS_FIXTURE)}


def load_province(data: dict, *, update: bool) -> tuple[Province, Outcome]:
    values = {"name": data["name"]}
    region = regions().get(data["code"], "")
    if region:
        values["region"] = region
    province, outcome = upsert(Province, {"code": data["code"]}, values, update=update)
    if not update and region and not province.region:
        # Like the units' richer fields: a blank region is filled, an edited one is kept.
        province.region = region
        province.save(update_fields=["region"])
        outcome = Outcome.UPDATED
    return province, outcome


RICHER_FIELDS = ("former_area", "area_km2", "population")


def load_communes(province: Province, rows: list[dict[str, str]], *, update: bool) -> Counter:
    """Units of a province's own fixture. Without `update`, a unit that exists already (e.g.
    from `load_units`) only gains the fixture's values for the fields it has empty (former
    area, area, population): the fixture is layered on top, edits are kept."""
    outcomes = Counter()
    for row in rows:
        values = {
            "province": province,
            "name": row["name"],
            "kind": row["kind"],
            "former_area": row["former_area"],
            "area_km2": Decimal(row["area_km2"]) if row["area_km2"] else None,
            "population": int(row["population"]) if row["population"] else None,
        }
        unit, outcome = upsert(Commune, {"code": row["code"]}, values, update=update)
        if outcome == Outcome.UNCHANGED and not update:
            blanks = [name for name in RICHER_FIELDS
                      if getattr(unit, name) in ("", None) and values[name] not in ("", None)]
            if blanks:
                for name in blanks:
                    setattr(unit, name, values[name])
                unit.save(update_fields=blanks)
                outcome = Outcome.UPDATED
        outcomes[outcome] += 1
    return outcomes


# The package's kinds of unit (2025 edition) and ours.
KINDS = {"phường": Commune.Kind.WARD, "xã": Commune.Kind.COMMUNE,
         "đặc khu": Commune.Kind.SPECIAL_ZONE}


def official_units(province_codes: Iterable[str] | None = None) -> dict[str, list[dict]]:
    """Province code → its units, from the `vietnam-provinces` package (2025 edition: 34
    provinces, 3,321 units); every province when `province_codes` is None."""
    import vietnam_provinces as vp

    wanted = None if province_codes is None else {code.zfill(2) for code in province_codes}
    provinces = {
        f"{int(p.code):02d}": {"code": f"{int(p.code):02d}", "name": p.name, "units": []}
        for p in vp.Province.iter_all()
    }
    unknown = (wanted or set()) - provinces.keys()
    if unknown:
        raise ValueError(f"Unknown province codes: {', '.join(sorted(unknown))}")
    for ward in vp.Ward.iter_all():
        code = f"{int(ward.province_code):02d}"
        provinces[code]["units"].append({
            "code": f"{int(ward.code):05d}", "name": ward.name,
            "kind": KINDS[ward.division_type.value],
        })
    return {code: data for code, data in provinces.items() if wanted is None or code in wanted}


@transaction.atomic
def load_units(province_codes: Iterable[str] | None = None, *,
               today: dt.date | None = None) -> Counter:
    """Create or update the provinces and units of the official list by code. Idempotent; never
    deletes: a unit of a loaded province that the list no longer has is switched off from
    `today`. Richer data (former areas, areas, populations) is left as it is."""
    today = today or timezone.localdate()
    outcomes = Counter()
    for data in official_units(province_codes).values():
        province, outcome = load_province(data, update=True)
        outcomes[f"provinces {outcome}"] += 1
        existing = {unit.code: unit for unit in Commune.objects.filter(
            code__in=[row["code"] for row in data["units"]])}
        new = []
        for row in data["units"]:
            unit = existing.get(row["code"])
            if unit is None:
                new.append(Commune(province=province, **row))
                continue
            wanted = {"province_id": province.pk, "name": row["name"], "kind": row["kind"]}
            changed = [name for name, value in wanted.items() if getattr(unit, name) != value]
            if changed:
                for name in changed:
                    setattr(unit, name, wanted[name])
                unit.save(update_fields=changed)
            outcomes[f"units {Outcome.UPDATED if changed else Outcome.UNCHANGED}"] += 1
        if new:
            bulk_create_with_history(new, Commune, batch_size=500)
            outcomes[f"units {Outcome.CREATED}"] += len(new)
        gone = Commune.objects.filter(province=province, active_until__isnull=True).exclude(
            code__in=[row["code"] for row in data["units"]])
        for unit in gone:
            unit.is_active, unit.active_until = False, today
            unit.save(update_fields=["is_active", "active_until"])
            outcomes["units switched off"] += 1
    return outcomes
