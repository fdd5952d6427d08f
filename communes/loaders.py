"""Load Quang Ninh's structure from the project's own fixtures (never from ../shared)."""

import csv
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from dtmonitor.upsert import Outcome, upsert

from .models import Commune, Province

QUANGNINH_FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "quangninh"


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


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


@transaction.atomic
def load_quangninh(fixtures: Path = QUANGNINH_FIXTURES, *, update: bool = False) -> dict:
    """Load the province, its units, its 2025 plan, procedure figures and the national public
    holidays; one transaction."""
    from reports.loaders import load_holidays
    from targets.loaders import load_plan

    meta = json.loads((fixtures / "province.json").read_text(encoding="utf-8"))
    province, _ = load_province(meta["province"], update=update)
    summary = {"communes": load_communes(province, read_tsv(fixtures / "communes.tsv"),
                                         update=update)}
    summary.update(load_plan(province, meta, read_tsv(fixtures / "targets_2025.tsv"),
                             update=update))
    summary["holidays"] = load_holidays(update=update)
    return summary
