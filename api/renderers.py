"""CSV beside JSON for the tables that pages export (`?format=csv` or `Accept: text/csv`).
Every cell goes through `core.exports.neutralise`, like the pages' exports."""

import csv
import io
from decimal import Decimal

from rest_framework.renderers import BaseRenderer

from core.exports import neutralise


def _flatten(row: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _cell(value):
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, list):
        value = "; ".join(str(item) for item in value)
    return neutralise(value)


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        rows = [_flatten(row) for row in (data if isinstance(data, list) else [data or {}])]
        headers: list[str] = []
        for row in rows:
            headers.extend(key for key in row if key not in headers)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_cell(row.get(key)) for key in headers])
        # A BOM so that Excel reads Vietnamese correctly, as the pages' CSV files do.
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
