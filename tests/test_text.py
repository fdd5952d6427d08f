"""One Unicode form (NFC) for names and notes, whichever way they come in."""

import unicodedata

from communes.models import Commune, User
from core.text import nfc
from reports.models import DailyReport

NFD = "Nguyễn Thị Hoa"
DECOMPOSED = unicodedata.normalize("NFD", NFD)


def test_nfc_composes_text_and_leaves_other_values_alone():
    assert DECOMPOSED != NFD and nfc(DECOMPOSED) == NFD
    assert nfc(None) is None and nfc(12) == 12


def test_a_name_saved_decomposed_is_stored_composed(quangninh):
    unit = Commune.objects.get(code="06685")
    unit.name = unicodedata.normalize("NFD", "Phường Hồng Gai")
    unit.save()
    assert Commune.objects.filter(name="Phường Hồng Gai").exists()
    assert unit.name == "Phường Hồng Gai"


def test_an_account_created_in_bulk_with_a_decomposed_name_is_stored_composed(quangninh):
    User.objects.bulk_create([User(username="hoa", full_name=DECOMPOSED, scope="national")])
    assert User.objects.get(username="hoa").full_name == NFD


def test_the_daily_reports_note_is_stored_composed(commune_a, focal_a):
    import datetime as dt

    from django.utils import timezone

    report = DailyReport.objects.create(
        commune=commune_a, date=dt.date(2026, 11, 2), submitted_by=focal_a,
        submitted_at=timezone.now(), note=unicodedata.normalize("NFD", "Đã tiếp nhận hồ sơ"),
    )
    report.refresh_from_db()
    assert report.note == "Đã tiếp nhận hồ sơ"


def test_searching_in_either_form_finds_the_composed_name(quangninh):
    User.objects.create(username="hoa", full_name=NFD, scope="national")
    for query in (NFD, DECOMPOSED):
        assert list(User.objects.filter(full_name__icontains=query[:10])
                    .values_list("username", flat=True)) == ["hoa"]
        assert User.objects.filter(full_name=query).count() == 1


def test_a_form_field_cleans_to_the_composed_form():
    field = User._meta.get_field("full_name").formfield()
    assert field.clean(DECOMPOSED) == NFD


def test_the_daily_forms_note_cleans_to_the_composed_form():
    from reports.forms import DailyReportForm

    form = DailyReportForm({"note": DECOMPOSED, "blockers": DECOMPOSED})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["note"] == NFD and form.cleaned_data["blockers"] == NFD
