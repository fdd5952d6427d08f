"""Text as it comes in: one Unicode form (NFC) for every name, note and search.

Vietnamese letters can be written precomposed ("ễ", one code point: NFC) or decomposed ("e" +
circumflex + tilde: NFD); both look the same, but compare and search as different strings.
Keyboards, Excel and macOS do not agree on which they produce, so every way in (spreadsheet
imports, forms, the admin and its search) turns text into NFC, and stored text is compared
in NFC.
"""

import unicodedata

from django import forms
from django.db import models
from django.db.models import lookups


def nfc(value):
    """`value` in NFC if it is text; anything else unchanged."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


class NFCFormField(forms.CharField):
    """A form's text field whose cleaned value is NFC (the daily form's note, the admin)."""

    def to_python(self, value):
        return nfc(super().to_python(value))


class NFCFieldMixin:
    """A text field whose values are NFC: when a form or an import cleans them
    (`to_python`), when they are saved (`pre_save`, so every save path, bulk_create
    included) and when they are looked up (`get_prep_value`, so a search typed in NFD finds
    the NFC row).

    The column is an ordinary varchar/text column, so migrations see the plain Django field
    (`deconstruct`): the normalisation is Python behaviour, not a schema change.
    """

    def to_python(self, value):
        return nfc(super().to_python(value))

    def get_prep_value(self, value):
        return nfc(super().get_prep_value(value))

    def pre_save(self, model_instance, add):
        value = nfc(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NFCFormField, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        parent = type(self).__mro__[2]  # the Django field after this mixin
        return name, f"django.db.models.{parent.__name__}", args, kwargs


class NFCCharField(NFCFieldMixin, models.CharField):
    pass


class NFCTextField(NFCFieldMixin, models.TextField):
    pass


class NFCPatternLookupMixin:
    """Pattern lookups (`icontains`, the admin's search) take their text as given; these
    NFC it first, so "Nguyễn Thị Hoa" typed in NFD finds the stored NFC name."""

    def get_prep_lookup(self):
        return nfc(super().get_prep_lookup())


for _base in (
    lookups.Contains, lookups.IContains, lookups.StartsWith, lookups.IStartsWith,
    lookups.EndsWith, lookups.IEndsWith,
):
    _lookup = type(f"NFC{_base.__name__}", (NFCPatternLookupMixin, _base), {})
    NFCCharField.register_lookup(_lookup)
    NFCTextField.register_lookup(_lookup)
