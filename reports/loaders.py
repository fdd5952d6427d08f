"""Load Quang Ninh from the project's own fixtures (never from ../shared): its units, its plan
and the public holidays that make days non-working for the reporting regime."""

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import transaction

from communes.loaders import load_communes, load_province
from core.tsv import read_tsv
from core.upsert import upsert
from targets.loaders import load_plan

from .models import Holiday

HOLIDAYS = Path(settings.BASE_DIR) / "fixtures" / "vietnam_holidays.tsv"
QUANGNINH_FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "quangninh"


def load_holidays(path: Path = HOLIDAYS, *, update: bool = False) -> Counter:
    outcomes = Counter()
    for row in read_tsv(path):
        _, outcome = upsert(
            Holiday, {"date": dt.date.fromisoformat(row["date"])}, {"name": row["name"]},
            update=update,
        )
        outcomes[outcome] += 1
    return outcomes


@transaction.atomic
def load_quangninh(fixtures: Path = QUANGNINH_FIXTURES, *, update: bool = False) -> dict:
    """Load the province, its units, its 2025 plan, procedure figures and the national public
    holidays; one transaction."""
    meta = json.loads((fixtures / "province.json").read_text(encoding="utf-8"))
    province, _ = load_province(meta["province"], update=update)
    summary = {"communes": load_communes(province, read_tsv(fixtures / "communes.tsv"),
                                         update=update)}
    summary.update(load_plan(province, meta, read_tsv(fixtures / "targets_2025.tsv"),
                             update=update))
    summary["holidays"] = load_holidays(update=update)
    return summary
