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
from targets import loaders as plan_loaders

from .models import Holiday

HOLIDAYS = Path(settings.BASE_DIR) / "fixtures" / "vietnam_holidays.tsv"
QUANGNINH_FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "quangninh"


def load_holidays(path: Path = HOLIDAYS, *, update: bool = False) -> Counter:
    outcomes = Counter()
    for row in read_tsv(path):
        _, outcome = upsert(
            Holiday, {"date": dt.date.fromisoformat(row["date"]), "province": None},
            {"name": row["name"]},
            update=update,
        )
        outcomes[outcome] += 1
    return outcomes


@transaction.atomic
def load_quangninh(fixtures: Path = QUANGNINH_FIXTURES, *, update: bool = False) -> dict:
    """Load the province, its units, its 2030 programme, its yearly plans (targets and key
    tasks), published procedure and science-task figures and the national public holidays; one
    transaction."""
    meta = json.loads((fixtures / "province.json").read_text(encoding="utf-8"))
    province, _ = load_province(meta["province"], update=update)
    summary = {"communes": load_communes(province, read_tsv(fixtures / "communes.tsv"),
                                         update=update)}
    pillars = plan_loaders.load_pillars(meta["pillars"], update=update)
    programme, summary["programme_targets"] = plan_loaders.load_programme(
        province, meta["programme"], update=update
    )
    summary.update(plans=[], targets=Counter(), key_tasks=Counter())
    for plan_data in meta["plans"]:
        linked = programme if plan_data.get("programme") == programme.resolution_reference else None
        loaded = plan_loaders.load_plan(
            province, plan_data, read_tsv(fixtures / plan_data["targets"]),
            pillars=pillars, programme=linked, update=update,
        )
        summary["plans"].append(loaded["plan"])
        summary["targets"].update(loaded["targets"])
        if plan_data.get("key_tasks"):
            summary["key_tasks"].update(plan_loaders.load_key_tasks(
                loaded["plan"], read_tsv(fixtures / plan_data["key_tasks"]), pillars=pillars,
                is_reconstruction=plan_data["is_reconstruction"], update=update,
            ))
    plan_loaders.load_procedure_statistics(province, meta["procedure_statistics"], update=update)
    plan_loaders.load_science_task_statistics(
        province, meta["science_task_statistics"], update=update
    )
    summary["holidays"] = load_holidays(update=update)
    return summary
