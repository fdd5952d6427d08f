"""A chart's figure and data table rendered in Python: the same HTML as Django's `json_script`
and the template loop made, faster.

The overview's heat map alone is 54 units x 30 days = 1,620 cells; rendered cell by cell with
`{% for %}`/`{% if %}` nodes they cost ~100 ms of a page whose bar is 50 ms. Each cell goes
through `render_value_in_context`, exactly what `{{ cell }}` does (local time, localised
numbers and dates, autoescape), so the output is unchanged.
"""

import datetime as dt
import json
from decimal import Decimal

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template.base import render_value_in_context
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def figure_script(figure: dict, element_id: str) -> str:
    """`figure|json_script:element_id`, with the same output.

    Django escapes <, > and & with `str.translate`, which walks a chart's JSON (the heat map's
    is ~100 KB) character by character: ~35 ms for the overview's six figures. Three
    `str.replace` calls give the same text in well under a millisecond."""
    text = (json.dumps(figure, cls=DjangoJSONEncoder)
            .replace(">", "\\u003E").replace("<", "\\u003C").replace("&", "\\u0026"))
    return format_html('<script id="{}" type="application/json">{}</script>', element_id,
                       mark_safe(text))

# Types whose equal values render alike, so one rendering serves every equal cell of a table
# (a heat map holds a handful of distinct outcome labels in 1,620 cells). Floats and Decimals
# are keyed by their repr (-0.0 == 0.0 and Decimal("1.0") == Decimal("1.00"), yet they print
# differently). Anything else (lazy text, datetimes) is rendered cell by cell.
_BY_VALUE = frozenset({str, int, bool, dt.date})
_BY_REPR = frozenset({float, Decimal})


@register.simple_tag(takes_context=True)
def chart_table_body(context, chart) -> str:
    """The `<tr>` rows of `chart.rows` ("—" for an empty cell), or one "No data yet." row."""
    if not chart.rows:
        return format_html('<tr><td colspan="{}">{}</td></tr>', len(chart.headers),
                           _("No data yet."))
    rendered: dict = {}

    def cell_html(cell) -> str:
        if cell is None:
            return "<td>—</td>"
        kind = type(cell)
        if kind in _BY_VALUE:
            key = (kind, cell)
        elif kind in _BY_REPR:
            key = (kind, repr(cell))
        else:
            return f"<td>{render_value_in_context(cell, context)}</td>"
        html = rendered.get(key)
        if html is None:
            html = rendered[key] = f"<td>{render_value_in_context(cell, context)}</td>"
        return html

    return mark_safe(  # every cell escaped by render_value_in_context
        "".join(f"<tr>{''.join(map(cell_html, row))}</tr>" for row in chart.rows)
    )
