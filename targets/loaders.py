"""Load a plan, its pillars and targets, and procedure figures from fixture rows."""

import datetime as dt
from collections import Counter
from decimal import Decimal

from core.upsert import upsert

from .models import Pillar, Plan, ProcedureStatistics, Target


def _decimal(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


def load_plan(province, meta: dict, target_rows: list[dict[str, str]], *, update: bool) -> dict:
    pillars = {}
    for item in meta["pillars"]:
        pillars[item["code"]], _ = upsert(
            Pillar,
            {"code": item["code"]},
            {"name_vi": item["name_vi"], "name_en": item["name_en"], "order": item["order"]},
            update=update,
        )

    plan_data = meta["plan"]
    plan, _ = upsert(
        Plan,
        {"province": province, "year": plan_data["year"]},
        {
            "title": plan_data["title"],
            "decision_reference": plan_data["decision_reference"],
            "is_reconstruction": plan_data["is_reconstruction"],
            "note": plan_data["note"],
        },
        update=update,
    )
    deadline = dt.date.fromisoformat(plan_data["deadline"])

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
            },
            update=update,
        )
        outcomes[outcome] += 1

    stats = meta["procedure_statistics"]
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
    return {"plan": plan, "targets": outcomes}
