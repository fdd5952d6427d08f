"""Bulk import of accounts through the admin: groups, units, set-password links, no passwords."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from communes import accounts, roles
from communes.admin import SESSION_KEY
from communes.models import AccountLinkBatch, User
from core import uploads
from reports.models import DailyReport
from tests.conftest import make_user

from .admin_files import csv_bytes, xlsx_bytes
from .admin_files import preview as post_file

HEADERS = ["Tên đăng nhập", "Họ và tên", "Email", "Số điện thoại", "Mã đơn vị", "Vai trò"]


def account_rows():
    return [
        ["hg.nguyenvan", "Nguyễn Văn An", "an@hongai.gov.vn", "0912345678", "06685",
         "Đầu mối xã"],
        ["ct.tranthi", "Trần Thị Bình", "binh@coto.gov.vn", "0987654321", "07192; 06685",
         "commune focal point"],
        ["so.lehoang", "Lê Hoàng", "hoang@quangninh.gov.vn", "", "", "Cán bộ tỉnh"],
        ["so.admin2", "Phạm Quản Trị", "qt@quangninh.gov.vn", "", "", "quản trị viên"],
    ]


def upload(client, content: bytes, name: str):
    return post_file(client, "admin:communes_user_import_accounts", content, name)


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):
    """Post the confirmation; emails leave on commit, so run the commit callbacks."""

    def post(client):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("admin:communes_user_import_accounts"), {"confirm": "1"})

    return post


def test_accounts_import_sets_groups_units_and_emails_links(
    admin_client, confirm, administrator, commune_a, commune_b, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    preview = upload(admin_client, xlsx_bytes([HEADERS, *account_rows()]), "tai-khoan.xlsx")
    assert preview.context["confirm"] is True
    assert len(preview.context["result"].new) == 4
    assert not User.objects.filter(username="hg.nguyenvan").exists()  # preview writes nothing

    assert not mail.outbox
    done = confirm(admin_client)
    assert done.status_code == 200

    focal = User.objects.get(username="ct.tranthi")
    assert list(focal.groups.values_list("name", flat=True)) == [roles.FOCAL_POINTS]
    assert set(focal.communes.all()) == {commune_a, commune_b}
    assert not focal.has_usable_password() and not focal.is_staff
    staff = User.objects.get(username="so.admin2")
    assert staff.is_staff and staff.groups.get().name == roles.ADMINISTRATORS
    assert User.objects.get(username="so.lehoang").groups.get().name == roles.PROVINCIAL_OFFICIALS
    # Audit: the history row names the importing administrator, with the role and units.
    created = focal.history.latest()
    assert created.history_user == administrator and created.history_type == "+"
    assert {row.commune for row in created.communes.all()} == {commune_a, commune_b}
    assert [row.group.name for row in created.groups.all()] == [roles.FOCAL_POINTS]

    assert sorted(m.to[0] for m in mail.outbox) == sorted(r[2] for r in account_rows())
    message = next(m for m in mail.outbox if m.to == ["binh@coto.gov.vn"])
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    uid, token = link.rstrip("/").split("/")[-2:]
    assert default_token_generator.check_token(focal, token)
    # The link really lets the person choose a password.
    visitor = type(admin_client)()
    page = visitor.get(link, follow=True)
    assert page.status_code == 200 and page.context["validlink"]
    visitor.post(page.redirect_chain[-1][0],
                 {"new_password1": "Hạ Long 2026 vịnh!", "new_password2": "Hạ Long 2026 vịnh!"})
    focal.refresh_from_db()
    assert focal.check_password("Hạ Long 2026 vịnh!")


def test_links_can_be_downloaded_once(admin_client, confirm, quangninh):
    upload(admin_client, csv_bytes([HEADERS, *account_rows()], delimiter=";", bom=True), "a.csv")
    done = confirm(admin_client)
    batch = done.context["result"].batch
    url = reverse("admin:communes_user_download_links", args=[batch.pk])
    assert url in done.content.decode()

    first = admin_client.get(url)
    assert first.status_code == 200
    text = first.content.decode("utf-8-sig")
    assert text.count("/accounts/reset/") == 4 and "Trần Thị Bình" in text
    second = admin_client.get(url)
    assert second.status_code == 410
    assert AccountLinkBatch.objects.get(pk=batch.pk).content == ""


def test_links_of_another_administrator_are_refused(
    admin_client, confirm, client, django_user_model, quangninh
):
    upload(admin_client, xlsx_bytes([HEADERS, *account_rows()]), "a.xlsx")
    batch = confirm(admin_client).context["result"].batch
    other = make_user(django_user_model, "other_admin", roles.ADMINISTRATORS, is_staff=True)
    client.force_login(other)
    response = client.get(reverse("admin:communes_user_download_links", args=[batch.pk]))
    assert response.status_code == 410
    assert AccountLinkBatch.objects.get(pk=batch.pk).content != ""


def test_reimport_updates_never_duplicates_and_deactivation_keeps_reports(
    admin_client, confirm, administrator, commune_a, commune_b, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    upload(admin_client, xlsx_bytes([HEADERS, *account_rows()]), "a.xlsx")
    confirm(admin_client)
    focal = User.objects.get(username="hg.nguyenvan")
    DailyReport.objects.create(
        commune=commune_a, date="2025-08-04", submitted_by=focal, submitted_at=timezone.now()
    )
    sent = len(mail.outbox)

    same = upload(admin_client, xlsx_bytes([HEADERS, *account_rows()]), "a.xlsx")
    result = same.context["result"]
    assert (len(result.new), len(result.changed), len(result.unchanged)) == (0, 0, 4)
    history_before = User.history.count()
    confirm(admin_client)
    assert User.history.count() == history_before

    rows = [[*row, "có"] for row in account_rows()]
    rows[0][4] = "07192"
    rows[0][6] = "không"
    changed = upload(admin_client, xlsx_bytes([[*HEADERS, "Đang hoạt động"], *rows]), "b.xlsx")
    assert changed.context["result"].changed == ["hg.nguyenvan"]
    done = confirm(admin_client)
    assert done.context["result"].batch is None and len(mail.outbox) == sent

    assert User.objects.filter(username="hg.nguyenvan").count() == 1
    focal.refresh_from_db()
    assert not focal.is_active
    assert list(focal.communes.all()) == [commune_b]
    assert DailyReport.objects.filter(submitted_by=focal).count() == 1
    latest = focal.history.latest()
    assert latest.history_user == administrator and not latest.is_active
    assert [row.commune for row in latest.communes.all()] == [commune_b]
    page = admin_client.get(reverse("admin:communes_user_history", args=[focal.pk]))
    assert page.status_code == 200
    listed = list(page.context["page_obj"])
    assert {entry.history_user for entry in listed} == {administrator}
    assert {entry.history_type for entry in listed} >= {"+", "~"}


def test_one_bad_row_imports_no_account(admin_client, confirm, quangninh):
    rows = account_rows()
    rows[2][5] = "giám đốc"   # line 4: not a role
    rows[1][4] = "07192;99999"  # line 3: unknown unit
    response = upload(admin_client, xlsx_bytes([HEADERS, *rows]), "bad.xlsx")
    errors = response.context["result"].errors
    assert [(e.line, e.column) for e in errors] == [(3, "Mã đơn vị"), (4, "Vai trò")]
    assert "99999" in errors[0].message
    assert "confirm" not in response.context
    assert response.context.get("confirm") is None
    # Posting a confirmation anyway finds nothing to import.
    confirm(admin_client)
    assert not User.objects.filter(username__in=[r[0] for r in rows]).exists()


def test_service_refuses_duplicates_and_missing_email(quangninh, administrator):
    rows = [
        accounts.AccountRow(line=2, username="a.b", email="", role="cán bộ tỉnh"),
        accounts.AccountRow(line=3, username="a.b", email="x@y.vn", role="cán bộ tỉnh"),
    ]
    result = accounts.import_accounts(rows, actor=administrator, dry_run=False)
    assert [(e.line, e.column) for e in result.errors] == [(2, "Email"), (3, "Tên đăng nhập")]
    rows[1].username = "c.d"
    rows[0].email = "x@y.vn"
    result = accounts.import_accounts(rows, actor=administrator, dry_run=False)
    assert [(e.line, e.column) for e in result.errors] == [(3, "Email")]
    assert not User.objects.filter(username="a.b").exists()


def test_unknown_column_and_password_column_are_refused(admin_client, quangninh, settings):
    settings.LANGUAGE_CODE = "en"
    response = upload(admin_client, csv_bytes([[*HEADERS, "Ghi chú"], [*account_rows()[0], "x"]]),
                      "a.csv")
    assert "Unknown columns: “Ghi chú”" in response.content.decode()
    response = upload(admin_client, csv_bytes([[*HEADERS, "Mật khẩu"], [*account_rows()[0], "x"]]),
                      "a.csv")
    assert "passwords never travel in files" in response.content.decode()


def test_a_failed_preview_drops_the_earlier_one(admin_client, confirm, quangninh):
    upload(admin_client, xlsx_bytes([HEADERS, *account_rows()]), "good.xlsx")
    rows = account_rows()
    rows[0][5] = "không rõ"
    upload(admin_client, xlsx_bytes([HEADERS, *rows]), "bad.xlsx")
    confirm(admin_client)
    assert not User.objects.filter(username="hg.nguyenvan").exists()


@pytest.mark.parametrize("person", ["focal_a", "official", None])
def test_non_staff_cannot_reach_account_import(client, request, person, quangninh):
    if person:
        client.force_login(request.getfixturevalue(person))
    for url in (
        reverse("admin:communes_user_import_accounts"),
        reverse("admin:communes_user_download_links", args=[1]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.postgres
def test_1900_accounts_import_in_reasonable_time(quangninh, administrator):
    """Measured, not asserted: printed for the README (pytest -s)."""
    import time

    from communes.models import Commune

    codes = list(Commune.objects.values_list("code", flat=True))
    header = HEADERS
    rows = [[f"user{i:04d}", f"Người dùng {i}", f"user{i}@quangninh.gov.vn", "",
             codes[i % len(codes)], "đầu mối xã"] for i in range(1900)]
    dataset = uploads.read_table(xlsx_bytes([header, *rows]), "many.xlsx")
    parsed, errors = accounts.parse_rows(dataset)
    assert not errors
    start = time.perf_counter()
    result = accounts.import_accounts(parsed, actor=administrator, dry_run=False,
                                      link_base="http://x")
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = accounts.import_accounts(parsed, actor=administrator, dry_run=False)
    second = time.perf_counter() - start
    print(f"\n1,900 accounts: first import {first:.2f}s, re-import {second:.2f}s")
    assert len(result.new) == 1900 and len(again.unchanged) == 1900
    assert User.objects.filter(username__startswith="user").count() == 1900
    assert User.history.filter(username="user0001").get().history_user == administrator


@pytest.mark.parametrize("count", [4, 60])
def test_account_preview_queries_do_not_grow_with_rows(
    admin_client, quangninh, django_assert_max_num_queries, count
):
    rows = [[f"u{i}", f"Người {i}", f"u{i}@x.vn", "", "06685", "đầu mối xã"] for i in range(count)]
    with django_assert_max_num_queries(15):
        response = upload(admin_client, xlsx_bytes([HEADERS, *rows]), "n.xlsx")
    assert len(response.context["result"].new) == count


def test_unreadable_csv_is_a_message_not_a_server_error(admin_client, quangninh):
    content = ("Tên đăng nhập,Vai trò\r\nx," + "a" * 200_000 + "\r\n").encode()
    response = upload(admin_client, content, "huge-cell.csv")
    assert response.status_code == 200
    assert response.context["form"].errors["import_file"]


def test_control_characters_anywhere_are_a_message_not_a_server_error(admin_client, quangninh):
    rows = account_rows()
    rows[0][1] = "Nguyễn\x00Văn A"  # NUL far past the first 4 KB of the file
    padding = [["", "", "", "", "", ""]] * 1000
    content = csv_bytes([HEADERS, *padding, rows[0]])
    assert content.index(b"\x00") > 4096
    response = upload(admin_client, content, "nul.csv")
    assert response.status_code == 200
    assert "ký tự điều khiển ẩn" in str(response.context["form"].errors)
    assert not User.objects.filter(username=rows[0][0]).exists()


def test_a_damaged_xlsx_is_a_message_not_a_server_error(admin_client, quangninh):
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADERS, *account_rows()])))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]  # cut off mid-sheet
            target.writestr(item, data)
    response = upload(admin_client, damaged.getvalue(), "damaged.xlsx")
    assert response.status_code == 200
    assert response.context["form"].errors["import_file"]


# --- Accounts as officers type them (issue 12) ----------------------------------------------


def libreoffice_file(name: str) -> bytes:
    from pathlib import Path

    return (Path(__file__).parent / "files" / name).read_bytes()


def test_a_phone_in_a_number_cell_gets_its_leading_zero_back(quangninh):
    dataset = uploads.read_table(libreoffice_file("accounts-as-typed.xlsx"), "a.xlsx")
    rows, _errors = accounts.parse_rows(dataset)
    assert rows[0].phone == "0912000011"
    assert rows[1].phone == "0912000012"


@pytest.mark.parametrize(("written", "kept"), [
    ("912000011", "0912000011"), ("0912000011", "0912000011"),
    ("2033123456", "2033123456"),  # a landline with its area code: left as written
    ("12345678", "12345678"),
])
def test_only_a_mobile_number_missing_its_zero_gets_one(written, kept):
    assert accounts._phone(written) == kept


def test_a_unit_code_written_with_a_zero_fraction_is_the_code(quangninh):
    dataset = uploads.read_table(libreoffice_file("accounts-as-typed.xlsx"), "a.xlsx")
    rows, _errors = accounts.parse_rows(dataset)
    assert rows[0].unit_codes == ["06685"]


def test_a_unit_name_in_the_code_column_is_refused_with_its_code(
    admin_client, quangninh, settings
):
    settings.LANGUAGE_CODE = "en"
    response = upload(admin_client, libreoffice_file("accounts-as-typed.xlsx"), "a.xlsx")
    errors = [(e.line, e.column, e.message) for e in response.context["result"].errors]
    assert errors == [(3, "Mã đơn vị", "“Phường Hồng Gai” is a unit's name: write the unit's "
                                       "code (06685), not its name.")]
    assert "Hồng, Gai" not in response.content.decode()


def test_a_decomposed_name_is_stored_composed_and_found_by_search(
    admin_client, confirm, quangninh
):
    import unicodedata

    rows = [["hg.hoa", unicodedata.normalize("NFD", "Nguyễn Thị Hoa"), "hoa@hongai.gov.vn",
             "0912000011", "06685", "đầu mối xã"]]
    upload(admin_client, xlsx_bytes([HEADERS, *rows]), "a.xlsx")
    confirm(admin_client)
    assert User.objects.get(username="hg.hoa").full_name == "Nguyễn Thị Hoa"
    for query in ("Nguyễn Thị Hoa", unicodedata.normalize("NFD", "Nguyễn Thị Hoa")):
        found = admin_client.get(reverse("admin:communes_user_changelist"), {"q": query})
        assert [u.username for u in found.context["cl"].result_list] == ["hg.hoa"]


def test_an_address_in_other_capitals_is_already_taken(quangninh, administrator, settings):
    settings.LANGUAGE_CODE = "en"
    User.objects.filter(pk=administrator.pk).update(email="Hoa.NT@HongGai.gov.vn")
    dataset = uploads.read_table(xlsx_bytes([HEADERS, [
        "hg.hoa", "Nguyễn Thị Hoa", "hoa.nt@honggai.gov.vn", "", "06685", "đầu mối xã"]]))
    rows, _ = accounts.parse_rows(dataset)
    result = accounts.import_accounts(rows, actor=administrator, dry_run=True)
    assert [(e.column, e.message) for e in result.errors] == [
        ("Email", f"“hoa.nt@honggai.gov.vn” already belongs to the account "
                  f"“{administrator.username}”.")]


def test_the_database_refuses_one_address_for_two_accounts_in_any_case(quangninh):
    from django.db import IntegrityError, transaction

    User.objects.create(username="a", email="an@x.vn", scope="national")
    User.objects.create(username="b", email="", scope="national")
    User.objects.create(username="c", email="", scope="national")  # no address: no conflict
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="d", email="AN@X.VN", scope="national")


def test_the_admin_form_refuses_an_address_taken_in_other_capitals(
    admin_client, administrator, quangninh, settings
):
    settings.LANGUAGE_CODE = "en"
    other = make_user(User, "other", roles.PROVINCIAL_OFFICIALS)
    User.objects.filter(pk=other.pk).update(email="an@x.vn")
    url = reverse("admin:communes_user_change", args=[administrator.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items()
            if value is not None and not isinstance(value, list | tuple)}
    data.update(email="AN@X.VN", date_joined_0="01/01/2026", date_joined_1="00:00:00",
                groups=[g.pk for g in administrator.groups.all()])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "already has this email address" in str(response.context["adminform"].form.errors)


def test_reimporting_an_address_in_other_capitals_changes_nothing(
    admin_client, confirm, quangninh
):
    upload(admin_client, xlsx_bytes([HEADERS, *account_rows()]), "a.xlsx")
    confirm(admin_client)
    User.objects.filter(username="hg.nguyenvan").update(email="An@HongAi.gov.vn")  # by a form
    again = upload(admin_client, xlsx_bytes([HEADERS, *account_rows()]), "a.xlsx")
    assert again.context["result"].changed == []
    confirm(admin_client)
    assert User.objects.get(username="hg.nguyenvan").email == "An@HongAi.gov.vn"


def test_the_preview_shows_which_accounts_change_and_what(admin_client, confirm, quangninh):
    upload(admin_client, xlsx_bytes([HEADERS, *account_rows()]), "a.xlsx")
    confirm(admin_client)
    rows = account_rows()
    rows[0][3] = "0912999999"
    rows[1][4] = "07192"
    preview = upload(admin_client, xlsx_bytes([HEADERS, *rows]), "b.xlsx")
    changes = preview.context["result"].changes
    assert {name: [(c.column, c.before, c.after) for c in found]
            for name, found in changes.items()} == {
        "hg.nguyenvan": [("Số điện thoại", "0912345678", "0912999999")],
        "ct.tranthi": [("Mã đơn vị", "06685, 07192", "07192")],
    }
    page = preview.content.decode()
    assert 'id="import-changes"' in page and "0912999999" in page and "hg.nguyenvan" in page


def test_two_clicks_on_confirm_at_once_give_the_second_a_message(
    admin_client, confirm, quangninh, monkeypatch, settings
):
    """The second request read "no such account" before the first committed; its insert then
    meets the first's accounts."""
    settings.LANGUAGE_CODE = "en"
    upload(admin_client, xlsx_bytes([HEADERS, *account_rows()]), "a.xlsx")
    stored = admin_client.session[SESSION_KEY]
    real_create = accounts._create

    def create_after_the_other_request(plan, actor):
        row = plan[0][0]
        User.objects.create(username=row.username, scope="national")  # the other click
        return real_create(plan, actor)

    monkeypatch.setattr(accounts, "_create", create_after_the_other_request)
    response = confirm(admin_client)
    assert response.status_code == 302
    followed = admin_client.get(response["Location"])
    assert "another import created or changed these accounts" in followed.content.decode()
    assert stored and not User.objects.filter(username="ct.tranthi").exists()


def test_the_preview_shows_changes_first_then_the_button_then_the_unchanged(
    admin_client, confirm, quangninh
):
    """The same preview as every other import: summary in words, new and changed accounts
    first (each change before → after), the confirm button, the unchanged accounts folded."""
    upload(admin_client, xlsx_bytes([HEADERS, *account_rows()]), "a.xlsx")
    confirm(admin_client)
    rows = account_rows()
    rows[0][3] = "0912999999"
    rows.append(["vd.moi", "Võ Đức Mới", "moi@quangninh.gov.vn", "", "06685", "đầu mối xã"])
    page = upload(admin_client, xlsx_bytes([HEADERS, *rows]), "b.xlsx").content.decode()
    text = " ".join(page.split())
    assert "1 tài khoản mới, 1 thay đổi, 3 không đổi, 0 lỗi" in text
    button = page.index('name="confirm"')
    changes = " ".join(page[page.index('id="import-changes"'):button].split())
    assert re.search(r"Số điện thoại</th> <td>.*0912345678.*→.*0912999999", changes)
    assert "vd.moi" in changes and "Võ Đức Mới" in changes and "đầu mối xã" in changes
    folded = page.index('id="import-unchanged"')
    assert button < folded and "3 dòng không đổi" in page[folded:]
    for username in ("ct.tranthi", "so.lehoang", "so.admin2"):
        assert page.index(username) > folded


def test_a_confirmation_that_would_differ_from_its_preview_writes_nothing(
    admin_client, confirm, quangninh, settings
):
    """An account changed by someone else between preview and confirmation: the confirmation
    would no longer do what was shown, so it writes nothing and says so."""
    settings.LANGUAGE_CODE = "en"
    upload(admin_client, xlsx_bytes([HEADERS, *account_rows()]), "a.xlsx")
    confirm(admin_client)
    rows = account_rows()
    rows[0][3] = "0912999999"
    upload(admin_client, xlsx_bytes([HEADERS, *rows]), "b.xlsx")
    User.objects.filter(username="ct.tranthi").update(full_name="Trần Thị Bình (sửa tay)")
    response = confirm(admin_client)
    assert response.status_code == 302
    assert "changed since the preview" in admin_client.get(response["Location"]).content.decode()
    assert User.objects.get(username="hg.nguyenvan").phone == "0912345678"
    assert User.objects.get(username="ct.tranthi").full_name == "Trần Thị Bình (sửa tay)"
