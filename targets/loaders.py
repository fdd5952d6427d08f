"""Load the programme, plans (targets and key tasks), pillars and published figures from
fixture rows."""

import datetime as dt
from collections import Counter
from decimal import Decimal

from core.upsert import upsert

from .models import (
    KeyTask,
    Pillar,
    Plan,
    ProcedureStatistics,
    Programme,
    ProgrammeTarget,
    ScienceTaskStatistics,
    Target,
)


def _decimal(text) -> Decimal | None:
    if text is None:
        return None
    return Decimal(str(text)) if str(text).strip() else None


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def load_pillars(items: list[dict], *, update: bool) -> dict[str, Pillar]:
    pillars = {}
    for item in items:
        pillars[item["code"]], _ = upsert(
            Pillar,
            {"code": item["code"]},
            {"name_vi": item["name_vi"], "name_en": item["name_en"], "order": item["order"]},
            update=update,
        )
    return pillars


def load_programme(province, data: dict, *, update: bool) -> tuple[Programme, Counter]:
    programme, _ = upsert(
        Programme,
        {"province": province, "resolution_reference": data["resolution_reference"]},
        {
            "title": data["title"],
            "issued_on": _date(data.get("issued_on")),
            "horizon_year": data["horizon_year"],
            "note": data.get("note", ""),
        },
        update=update,
    )
    outcomes = Counter()
    for item in data["targets"]:
        _, outcome = upsert(
            ProgrammeTarget,
            {"programme": programme, "code": item["code"]},
            {
                "name_vi": item["name_vi"],
                "name_en": item["name_en"],
                "unit": item["unit"],
                "qualifier": item.get("qualifier", ""),
                "target_value": _decimal(item["target_value"]),
                "baseline": _decimal(item.get("baseline")),
                "baseline_year": item.get("baseline_year"),
                "order": item.get("order", 0),
                "reference": item.get("reference", ""),
            },
            update=update,
        )
        outcomes[outcome] += 1
    return programme, outcomes


def load_plan(province, plan_data: dict, target_rows: list[dict[str, str]], *,
              pillars: dict[str, Pillar], programme: Programme | None, update: bool) -> dict:
    plan, _ = upsert(
        Plan,
        {"province": province, "year": plan_data["year"]},
        {
            "title": plan_data["title"],
            "decision_reference": plan_data["decision_reference"],
            "is_reconstruction": plan_data["is_reconstruction"],
            "note": plan_data["note"],
            "programme": programme,
        },
        update=update,
    )
    deadline = dt.date.fromisoformat(plan_data["deadline"])
    programme_targets = (
        {target.code: target for target in programme.targets.all()} if programme else {}
    )

    outcomes = Counter()
    by_code = {}
    # Counts first, so that computed rates can point at them.
    for row in sorted(target_rows, key=lambda row: bool(row["numerator"])):
        by_code[row["code"]], outcome = upsert(
            Target,
            {"plan": plan, "code": row["code"]},
            {
                "name_vi": row["name_vi"],
                "name_en": row["name_en"],
                "pillar": pillars[row["pillar"]],
                "unit": row["unit"],
                "direction": row["direction"],
                "baseline": _decimal(row["baseline"]),
                "target_value": _decimal(row["target_value"]),
                "deadline": deadline,
                "responsible_agency": row["responsible_agency"],
                "source": row["source"],
                "aggregation": row["aggregation"],
                "numerator": by_code.get(row["numerator"]),
                "denominator": by_code.get(row["denominator"]),
                "is_cumulative": row["cumulative"] == "1",
                "counts_in_plan": row["in_plan"] == "1",
                "manual_status": row["manual_status"],
                "reference": row["reference"],
                "programme_target": programme_targets.get(row.get("programme_target") or ""),
            },
            update=update,
        )
        outcomes[outcome] += 1
    return {"plan": plan, "targets": outcomes}


def load_key_tasks(plan: Plan, rows: list[dict[str, str]], *, pillars: dict[str, Pillar],
                   is_reconstruction: bool, update: bool) -> Counter:
    outcomes = Counter()
    for row in rows:
        _, outcome = upsert(
            KeyTask,
            {"plan": plan, "code": row["code"]},
            {
                "title": row["title"],
                "pillar": pillars.get(row["pillar"]),
                "lead_agency": row["lead_agency"],
                "cooperating_agencies": row["cooperating_agencies"],
                "start_date": _date(row["start_date"]),
                "deadline": dt.date.fromisoformat(row["deadline"]),
                "expected_output": row["expected_output"],
                "progress": int(row["progress"] or 0),
                "is_reconstruction": is_reconstruction,
            },
            update=update,
        )
        outcomes[outcome] += 1
    return outcomes


def load_procedure_statistics(province, stats: dict, *, update: bool) -> None:
    upsert(
        ProcedureStatistics,
        {"province": province, "as_of": dt.date.fromisoformat(stats["as_of"])},
        {
            "total_procedures": stats["total_procedures"],
            "online_eligible": stats["online_eligible"],
            "fully_online_percent": Decimal(str(stats["fully_online_percent"])),
            "fully_online_is_lower_bound": stats["fully_online_is_lower_bound"],
            "source": stats["source"],
        },
        update=update,
    )


def load_science_task_statistics(province, stats: dict, *, update: bool) -> None:
    upsert(
        ScienceTaskStatistics,
        {"province": province, "as_of": dt.date.fromisoformat(stats["as_of"])},
        {
            "transitional": stats["transitional"],
            "new": stats["new"],
            "results_applied": stats.get("results_applied"),
            "source": stats["source"],
        },
        update=update,
    )
