"""A chart's data table rendered in Python: the same HTML the template loop made, faster.

The overview's heat map alone is 54 units x 30 days = 1,620 cells; rendered cell by cell with
`{% for %}`/`{% if %}` nodes they cost ~100 ms of a page whose bar is 50 ms. Each cell goes
through `render_value_in_context`, exactly what `{{ cell }}` does (local time, localised
numbers and dates, autoescape), so the output is unchanged.
"""

from django import template
from django.template.base import render_value_in_context
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def chart_table_body(context, chart) -> str:
    """The `<tr>` rows of `chart.rows` ("—" for an empty cell), or one "No data yet." row."""
    if not chart.rows:
        return format_html('<tr><td colspan="{}">{}</td></tr>', len(chart.headers),
                           _("No data yet."))
    rows = []
    for row in chart.rows:
        cells = "".join(
            "<td>—</td>" if cell is None else f"<td>{render_value_in_context(cell, context)}</td>"
            for cell in row
        )
        rows.append(f"<tr>{cells}</tr>")
    return mark_safe("".join(rows))  # every cell escaped by render_value_in_context
