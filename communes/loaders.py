"""Provinces and units, created or updated by official code (upserts)."""

from collections import Counter
from decimal import Decimal

from core.upsert import Outcome, upsert

from .models import Commune, Province


def load_province(data: dict, *, update: bool) -> tuple[Province, Outcome]:
    return upsert(Province, {"code": data["code"]}, {"name": data["name"]}, update=update)


def load_communes(province: Province, rows: list[dict[str, str]], *, update: bool) -> Counter:
    outcomes = Counter()
    for row in rows:
        _, outcome = upsert(
            Commune,
            {"code": row["code"]},
            {
                "province": province,
                "name": row["name"],
                "kind": row["kind"],
                "former_area": row["former_area"],
                "area_km2": Decimal(row["area_km2"]) if row["area_km2"] else None,
                "population": int(row["population"]) if row["population"] else None,
            },
            update=update,
        )
        outcomes[outcome] += 1
    return outcomes
