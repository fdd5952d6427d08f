"""Load the public holidays that make days non-working for the reporting regime."""

import datetime as dt
from collections import Counter
from pathlib import Path

from django.conf import settings

from communes.loaders import read_tsv
from dtmonitor.upsert import upsert

from .models import Holiday

HOLIDAYS = Path(settings.BASE_DIR) / "fixtures" / "vietnam_holidays.tsv"


def load_holidays(path: Path = HOLIDAYS, *, update: bool = False) -> Counter:
    outcomes = Counter()
    for row in read_tsv(path):
        _, outcome = upsert(
            Holiday, {"date": dt.date.fromisoformat(row["date"])}, {"name": row["name"]},
            update=update,
        )
        outcomes[outcome] += 1
    return outcomes
