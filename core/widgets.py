"""Form inputs written by Python: the same bytes as Django's stock widget templates, without a
template render per input.

The daily form has an input per target of the plan; rendering each through Django's form
template engine (an include, an attribute loop, filters) was about a third of the form page's
CPU. These widgets keep Django's own `get_context` (so the attributes, their order, `checked`,
the value's formatting are Django's) and only write the stock templates' HTML in Python:

    input.html     <input type="{{ type }}" name="{{ name }}"{% if value != None %}
                   value="{{ value|stringformat:'s' }}"{% endif %}{% include "attrs.html" %}>
    textarea.html  <textarea name="{{ name }}"{% include "attrs.html" %}>\\n{{ value }}</textarea>
    attrs.html     {% for name, value in attrs.items %}{% if value is not False %} {{ name }}
                   {% if value is not True %}="{{ value|stringformat:'s' }}"{% endif %}...

A widget given any other template (a subclass, a project override) renders through it as
usual. tests/test_widgets.py compares every field of the daily form with Django's rendering,
byte for byte.
"""

from django import forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}` in an autoescaped template (the filter keeps safe text
    safe)."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    return "".join(
        f" {conditional_escape(name)}" if value is True else
        f' {conditional_escape(name)}="{_formatted(value)}"'
        for name, value in attrs.items() if value is not False
    )


def _input(widget: dict) -> str:
    value = widget["value"]
    value = "" if value is None else f' value="{_formatted(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f'{conditional_escape(value) if value else ""}</textarea>'
    )


WRITERS = {
    "django/forms/widgets/input.html": _input,
    "django/forms/widgets/text.html": _input,
    "django/forms/widgets/hidden.html": _input,
    "django/forms/widgets/checkbox.html": _input,
    "django/forms/widgets/textarea.html": _textarea,
}


class PythonRendered:
    """Writes the widget's HTML in Python when its template is one of `WRITERS`."""

    def render(self, name, value, attrs=None, renderer=None):
        writer = WRITERS.get(self.template_name)
        if writer is None:
            return super().render(name, value, attrs, renderer)
        return mark_safe(writer(self.get_context(name, value, attrs)["widget"]))


class TextInput(PythonRendered, forms.TextInput):
    pass


class HiddenInput(PythonRendered, forms.HiddenInput):
    pass


class Textarea(PythonRendered, forms.Textarea):
    pass


class CheckboxInput(PythonRendered, forms.CheckboxInput):
    pass
