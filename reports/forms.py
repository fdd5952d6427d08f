"""The focal point's daily form: one field per target units report, then note and blockers.

Its inputs are `core.widgets` (Django's HTML, written without a template render per input)."""

import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import widgets
from core.numbers import format_number, parse_number
from core.text import NFCFormField

# A cumulative (running-total) value more than this many times the unit's last one is probably
# a typo (an extra digit, a daily count typed into a total): warn, do not block.
PLAUSIBLE_JUMP_FACTOR = Decimal(2)


class TargetValueField(forms.CharField):
    """A value for one target, typed the Vietnamese way (see `core.numbers`) and checked
    against the target's unit (`Target.check_value`). Kept as text in the form so that what
    was typed comes back."""

    def __init__(self, target, *args, **kwargs):
        self.target = target
        kwargs.setdefault("max_length", 60)
        kwargs.setdefault(
            "widget",
            widgets.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 10}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        return self.target.check_value(parse_number(text))


class DailyReportForm(forms.Form):
    version = forms.IntegerField(
        widget=widgets.HiddenInput, min_value=0, max_value=2**31 - 1, required=False,
        error_messages={
            key: _("This form is damaged or out of date: open the report again.")
            for key in ("invalid", "min_value", "max_value")
        },
    )
    # One key per submission: the device's JS replaces it with a fresh one for each press of
    # "submit" and resends it with every retry; without JS this server-made one still makes a
    # re-POST of the same page (reload after a lost response) harmless.
    idempotency_key = forms.UUIDField(
        widget=widgets.HiddenInput, required=False, initial=uuid.uuid4,
        error_messages={
            "invalid": _("This form is damaged or out of date: open the report again.")
        },
    )
    note = NFCFormField(
        label=_("Note"), required=False, max_length=5000,
        widget=widgets.Textarea(attrs={"rows": 3}),
    )
    blockers = NFCFormField(
        label=_("Blockers and proposals"), required=False, max_length=5000,
        widget=widgets.Textarea(attrs={"rows": 3}),
    )
    accept_warnings = forms.BooleanField(
        label=_("I checked the values marked with a warning: they are correct."), required=False,
        widget=widgets.CheckboxInput,
    )

    def __init__(self, *args, targets=(), last_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(targets)
        self.last_values = last_values or {}
        self.warnings: dict[str, str] = {}
        for target in self.targets:
            self.fields[self.field_name(target)] = TargetValueField(
                target, label=target.name_vi, required=False
            )

    @staticmethod
    def field_name(target) -> str:
        return f"value_{target.pk}"

    def clean(self):
        cleaned = super().clean()
        for target in self.targets:
            name = self.field_name(target)
            value, last = cleaned.get(name), self.last_values.get(target.pk)
            if value is None or last is None or not target.is_cumulative:
                continue
            if value < last:
                self.warnings[name] = _(
                    "Lower than the last reported total (%(last)s), although this is a running "
                    "total."
                ) % {"last": format_number(last)}
            elif last > 0 and value > last * PLAUSIBLE_JUMP_FACTOR:
                self.warnings[name] = _(
                    "More than %(factor)s times the last reported total (%(last)s): please check."
                ) % {"factor": PLAUSIBLE_JUMP_FACTOR, "last": format_number(last)}
        for name in self.warnings:
            # The warning is read with its field, as an error is (form.html gives it this id).
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_warning"
        if self.warnings and not cleaned.get("accept_warnings"):
            raise ValidationError(
                _("Some values look unusual. Check them, tick the confirmation and submit again."),
                "warnings",
            )
        return cleaned

    def values(self) -> dict[int, Decimal]:
        """Target id → value, once the form is valid."""
        return {target.pk: self.cleaned_data[self.field_name(target)] for target in self.targets}
