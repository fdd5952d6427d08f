"""Bulk import of user accounts from a sheet: one transaction, per-row errors, no passwords.

A row gives a username, full name, email, phone, unit code(s), a role and a province (code).
Focal points get the scope "unit", officials and administrators "province", and officials
whose province is "toàn quốc" the scope "national" (superusers only import those). A province
administrator imports only into their own province: a row naming another province, or a unit
or an existing account of another province, is refused with its line and column. New accounts get an
unusable password and a set-password link (Django's password-reset token), emailed to them and
kept for the administrator to download once. Re-importing updates accounts matched by
username; it never creates a second one. Accounts are deactivated, never deleted, so their
reports stay.

What a sheet's cells become: a phone number that lost its leading zero in a number cell
(912000011) gets it back; unit codes written "06685.0" are 06685; a unit's name in the code
column is refused with its code. E-mail addresses are compared without regard to case, here
and in the database (one address, one account).
"""

import csv
import io
import logging
import re
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from simple_history.utils import bulk_create_with_history

from core import import_preview, uploads
from core.exports import neutralise
from core.importexport import whole_number_code
from core.text import nfc

from . import roles
from .models import AccountLinkBatch, Commune, Province, User

logger = logging.getLogger(__name__)

COLUMNS = {
    "username": ("Tên đăng nhập", "username", "login", "tài khoản"),
    "full_name": ("Họ và tên", "full name", "name", "họ tên"),
    "email": ("Email", "e-mail", "thư điện tử"),
    "phone": ("Số điện thoại", "phone", "điện thoại"),
    "units": ("Mã đơn vị", "unit codes", "units", "unit", "đơn vị", "mã xã"),
    "role": ("Vai trò", "role", "nhóm"),
    "is_active": ("Đang hoạt động", "active", "is active"),
    "province": ("Tỉnh", "province", "mã tỉnh", "province code"),
}
NATIONAL_NAMES = {"toàn quốc", "national", "*"}
REQUIRED = ("username", "role")
PASSWORD_HEADERS = {"password", "mật khẩu", "mat khau", "pass"}

ROLE_NAMES = {
    roles.ADMINISTRATORS: (
        "administrators", "administrator", "admin", "quản trị", "quản trị viên",
        "quản trị hệ thống",
    ),
    roles.PROVINCIAL_OFFICIALS: (
        "provincial_officials", "provincial official", "official", "cán bộ tỉnh",
        "lãnh đạo tỉnh", "cán bộ cấp tỉnh",
    ),
    roles.FOCAL_POINTS: (
        "commune_focal_points", "commune focal point", "focal point", "đầu mối",
        "đầu mối xã", "cán bộ đầu mối", "cán bộ xã",
    ),
}

ROLE_LABELS = {
    roles.ADMINISTRATORS: "quản trị viên",
    roles.PROVINCIAL_OFFICIALS: "cán bộ tỉnh",
    roles.FOCAL_POINTS: "đầu mối xã",
}


def known_headers() -> list[str]:
    """Every header the sheet may use (the template's first), to find the header row."""
    return [names[0] for names in COLUMNS.values()] + [
        name for key, names in COLUMNS.items() for name in (key, *names[1:])
    ]


def role_lookup() -> dict[str, str]:
    return {
        uploads.normalise_header(name): group
        for group, names in ROLE_NAMES.items()
        for name in names
    }


@dataclass
class AccountRow:
    line: int
    username: str
    full_name: str = ""
    email: str = ""
    phone: str = ""
    unit_codes: list[str] = field(default_factory=list)
    role: str = ""
    is_active: bool = True
    province_code: str = ""
    # What was written in the unit column when it is not codes (e.g. a unit's name).
    unit_names: str = ""
    # Set by import_accounts from the role and the province.
    scope: str = ""
    province_id: int | None = None


@dataclass
class RowError:
    line: int | None
    column: str
    message: str


@dataclass
class Change:
    """One value of an account that the import changes, as the preview shows it."""

    column: str
    before: str
    after: str


@dataclass
class AccountImport:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    batch: AccountLinkBatch | None = None
    # username -> what changes, for the preview.
    changes: dict[str, list[Change]] = field(default_factory=dict)
    # Another import wrote the same accounts first (two clicks on "Confirm import").
    conflict: bool = False
    # The accounts changed since the preview: the confirmation would not do what was shown.
    stale: bool = False


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value).strip())


# A Vietnamese mobile number without its leading zero: 9 digits starting with 3, 5, 7, 8 or 9
# (what a number cell makes of 0912000011).
MOBILE_WITHOUT_ZERO = re.compile(r"[35789][0-9]{8}")


def _phone(value) -> str:
    text = _text(value)
    return "0" + text if MOBILE_WITHOUT_ZERO.fullmatch(text) else text


def _unit_codes(value) -> tuple[list[str], str]:
    """(codes, "") from the unit column, or ([], what was written) when it holds letters:
    a unit's name is not split into words and looked up as codes."""
    text = _text(value)
    if any(character.isalpha() for character in text):
        return [], text
    codes = [whole_number_code(code) for code in re.split(r"[;,\s]+", text) if code]
    return [code.zfill(5) if code.isdigit() else code for code in codes], ""


def _province_code(text: str) -> str:
    if text.isdigit():
        return text.zfill(2)
    return "*" if uploads.normalise_header(text) in NATIONAL_NAMES else text


def parse_rows(dataset) -> tuple[list[AccountRow], list[RowError]]:
    """Turn a sheet (from `uploads.read_table`) into rows; header problems are errors too."""
    accepted = {
        uploads.normalise_header(name): key
        for key, names in COLUMNS.items()
        for name in (key, *names)
    }
    keys = [accepted.get(uploads.normalise_header(header)) for header in dataset.headers]
    if any(uploads.normalise_header(h) in PASSWORD_HEADERS for h in dataset.headers):
        return [], [RowError(None, "", _(
            "Remove the password column: passwords never travel in files. Each new account "
            "receives a link to choose its own password."
        ))]
    unknown = [header for header, key in zip(dataset.headers, keys, strict=True) if key is None]
    if unknown:
        return [], [RowError(None, "", _("Unknown columns: %(columns)s. Use the headers of the "
                                         "template.") % {"columns": ", ".join(
                                             f"“{h}”" for h in unknown)})]
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in keys]
    if missing:
        return [], [RowError(None, "", _("Missing columns: %(columns)s.")
                             % {"columns": ", ".join(f"“{c}”" for c in missing)})]
    written = dict(zip(keys, dataset.headers, strict=True))
    lines = getattr(dataset, "dtm_lines", None) or list(range(2, len(dataset) + 2))
    rows, errors = [], []
    for line, values in zip(lines, dataset, strict=True):
        cells = dict(zip(keys, values, strict=True))
        unit_codes, unit_names = _unit_codes(cells.get("units"))
        active = True
        if "is_active" in cells:
            try:
                parsed = uploads.parse_bool(cells["is_active"])
                active = True if parsed is None else parsed
            except ValueError as error:
                errors.append(RowError(line, written["is_active"], str(error)))
        rows.append(AccountRow(
            line=line,
            username=_text(cells.get("username")),
            full_name=_text(cells.get("full_name")),
            email=_text(cells.get("email")).lower(),
            phone=_phone(cells.get("phone")),
            unit_codes=unit_codes,
            unit_names=unit_names,
            role=_text(cells.get("role")),
            is_active=active,
            province_code=_province_code(_text(cells.get("province"))),
        ))
    return rows, errors


def import_accounts(
    rows: list[AccountRow], *, actor: User, dry_run: bool, link_base: str = "",
    expected_preview: str = "",
) -> AccountImport:
    """Create or update the accounts of `rows` in one transaction.

    With errors on any row nothing is written. `dry_run` reports what would happen (the
    preview). `link_base` is the site's address (e.g. "https://dtm.example.vn") that
    set-password links start with. With `expected_preview` (the digest of the preview the
    administrator confirmed) nothing is written unless the import would do exactly that.
    """
    result = AccountImport()
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ROLE_GROUPS)}
    units = {unit.code: unit for unit in Commune.objects.all()}
    existing = {
        user.username: user
        for user in User.objects.filter(username__in=[row.username for row in rows])
        .prefetch_related("groups", "communes")
    }
    result.errors = _check(rows, units, existing)
    scopes, scope_errors = _check_scopes(rows, units, existing, actor)
    result.errors += scope_errors
    if result.errors:
        result.errors.sort(key=lambda error: error.line or 0)
        return result

    lookup = role_lookup()
    province_names = dict(Province.objects.values_list("pk", "name"))
    plan = []  # (row, user or None, group, units)
    for row in rows:
        group = groups[lookup[uploads.normalise_header(row.role)]]
        row_units = [units[code] for code in row.unit_codes]
        row.scope, row.province_id = scopes[row.line]
        user = existing.get(row.username)
        if user is None:
            result.new.append(row.username)
        elif changes := _changes(user, row, group, row_units, province_names):
            result.changed.append(row.username)
            result.changes[row.username] = changes
        else:
            result.unchanged.append(row.username)
        plan.append((row, user, group, row_units))
    if dry_run:
        return result
    if expected_preview and preview(rows, result).digest != expected_preview:
        return AccountImport(stale=True)

    try:
        with transaction.atomic():
            created = _create(plan, actor)
            for row, user, group, row_units in plan:
                if user is not None and row.username in result.changed:
                    _update(user, row, group, row_units, actor)
            if created:
                result.batch = _issue_links(created, actor, link_base)
    except IntegrityError:
        # Another request created or changed these accounts between our reading and our
        # writing (two clicks on "Confirm import"): nothing of this one was written.
        return AccountImport(conflict=True)
    return result


def _check(rows, units, existing) -> list[RowError]:
    errors = []
    seen: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    lookup = role_lookup()
    # Compared without regard to case, as the database's constraint does.
    emails = {
        email.lower(): username
        for username, email in User.objects.exclude(email="").values_list("username", "email")
    }
    for row in rows:
        def error(column: str, message: str, row=row) -> None:
            errors.append(RowError(row.line, COLUMNS[column][0], message))

        if not row.username:
            error("username", _("A username is required."))
        else:
            try:
                User.username_validator(row.username)
            except ValidationError as problem:
                error("username", " ".join(problem.messages))
            if row.username in seen:
                error("username", _("The username “%(username)s” is already on line %(line)s.")
                      % {"username": row.username, "line": seen[row.username]})
            seen.setdefault(row.username, row.line)
        if row.email:
            try:
                validate_email(row.email)
            except ValidationError:
                error("email", _("“%(value)s” is not an email address.") % {"value": row.email})
            else:
                owner = emails.get(row.email)
                if owner and owner != row.username:
                    error("email", _("“%(email)s” already belongs to the account “%(owner)s”.")
                          % {"email": row.email, "owner": owner})
                elif row.email in seen_emails:
                    error("email", _("The email “%(email)s” is already on line %(line)s.")
                          % {"email": row.email, "line": seen_emails[row.email]})
                seen_emails.setdefault(row.email, row.line)
        elif row.username not in existing:
            error("email", _("A new account needs an email address for its set-password link."))
        group = lookup.get(uploads.normalise_header(row.role))
        if group is None:
            error("role", _("“%(value)s” is not a role. Use: quản trị viên, cán bộ tỉnh or "
                            "đầu mối xã.") % {"value": row.role})
        if row.unit_names:
            error("units", _unit_name_message(row.unit_names, units))
        unknown = [code for code in row.unit_codes if code not in units]
        if unknown:
            error("units", _("Unknown unit codes: %(codes)s.") % {"codes": ", ".join(unknown)})
        if group == roles.FOCAL_POINTS and not row.unit_codes and not row.unit_names:
            error("units", _("A commune focal point needs at least one unit."))
    return errors


def _check_scopes(rows, units, existing, actor: User):
    """Each row's (scope, province id), and the rows that break the actor's scope: a province
    administrator writes only accounts and units of their own province."""
    provinces = {province.code: province for province in Province.objects.all()}
    own = None if actor.reads_all_provinces else actor.province_id
    lookup = role_lookup()
    scopes, errors = {}, []
    for row in rows:
        def error(column: str, message: str, row=row) -> None:
            errors.append(RowError(row.line, COLUMNS[column][0], message))

        group = lookup.get(uploads.normalise_header(row.role))
        row_units = [units[code] for code in row.unit_codes if code in units]
        if row.province_code == "*":
            if own is not None:
                error("province", _("Only national administrators create national accounts."))
            elif group != roles.PROVINCIAL_OFFICIALS:
                error("province", _("Only provincial officials can be national (read-only)."))
            scopes[row.line] = (User.Scope.NATIONAL, None)
            continue
        if row.province_code:
            province = provinces.get(row.province_code)
            if province is None:
                error("province", _("Unknown province code: %(code)s.")
                      % {"code": row.province_code})
                continue
            province_id = province.pk
        elif own is not None:
            province_id = own
        elif row_units:
            province_id = row_units[0].province_id
        else:
            error("province", _("Give the account's province (its code)."))
            continue
        if own is not None and province_id != own:
            error("province", _("You may only import accounts of your own province."))
        outside = [unit.code for unit in row_units if unit.province_id != province_id]
        if outside:
            error("units", _("These units are not in the account's province: %(codes)s.")
                  % {"codes": ", ".join(outside)})
        user = existing.get(row.username)
        if own is not None and user is not None and (user.is_superuser or user.province_id != own):
            error("username", _("The account “%(username)s” belongs to another province.")
                  % {"username": row.username})
        scope = User.Scope.UNIT if group == roles.FOCAL_POINTS else User.Scope.PROVINCE
        scopes[row.line] = (scope, province_id)
    return scopes, errors


def _unit_name_message(text: str, units: dict[str, Commune]) -> str:
    by_name = {nfc(unit.name).casefold(): unit for unit in units.values()}
    unit = by_name.get(text.casefold())
    if unit is not None:
        return _("“%(value)s” is a unit's name: write the unit's code (%(code)s), not its "
                 "name.") % {"value": text, "code": unit.code}
    return _("“%(value)s” is not a unit code: write the unit's code (5 digits, e.g. 06685), "
             "not its name.") % {"value": text}


def _email_after(user: User, row: AccountRow) -> str:
    """The address the account keeps: the sheet's, unless it is empty or differs only in
    case from the stored one (the same address)."""
    if not row.email or row.email == user.email.lower():
        return user.email
    return row.email


def _changes(
    user: User, row: AccountRow, group: Group, row_units: list[Commune], province_names: dict
) -> list[Change]:
    """What the import changes in `user`, column by column, as the preview shows it."""
    pairs = [
        (COLUMNS["full_name"][0], user.full_name, row.full_name),
        (COLUMNS["email"][0], user.email, _email_after(user, row)),
        (COLUMNS["phone"][0], user.phone, row.phone),
        (COLUMNS["is_active"][0], _yes_no(user.is_active), _yes_no(row.is_active)),
        (COLUMNS["role"][0], ", ".join(sorted(_role_label(g.name) for g in user.groups.all())),
         _role_label(group.name)),
        (COLUMNS["units"][0], ", ".join(sorted(c.code for c in user.communes.all())),
         ", ".join(sorted(c.code for c in row_units))),
        (_("admin access"), _yes_no(user.is_staff), _yes_no(_is_staff(user, group))),
        (_("scope"), User.Scope(user.scope).label if user.scope else "",
         User.Scope(row.scope).label),
        (COLUMNS["province"][0], province_names.get(user.province_id, ""),
         province_names.get(row.province_id, "")),
    ]
    return [Change(str(column), str(before), str(after))
            for column, before, after in pairs if before != after]


def preview(rows: list[AccountRow], result: AccountImport) -> import_preview.Preview:
    """The accounts import drawn as every import preview is (`core.import_preview`): a new
    account with the values the sheet gives it, a changed one with what changes."""
    lookup = role_lookup()

    def new_cells(row: AccountRow) -> list[import_preview.Cell]:
        role = lookup.get(uploads.normalise_header(row.role), "")
        values = [
            ("full_name", row.full_name), ("email", row.email), ("phone", row.phone),
            ("units", ", ".join(row.unit_codes)), ("role", _role_label(role)),
            ("is_active", import_preview.yes_no(row.is_active)),
        ]
        return [import_preview.Cell(str(COLUMNS[key][0]), "", value) for key, value in values]

    by_name = {row.username: row for row in rows}
    kinds = [(import_preview.NEW, result.new), (import_preview.CHANGED, result.changed),
             (import_preview.UNCHANGED, result.unchanged)]
    preview_rows = []
    for kind, usernames in kinds:
        for username in usernames:
            row = by_name[username]
            if kind == import_preview.NEW:
                cells = new_cells(row)
            else:
                cells = [import_preview.Cell(change.column, change.before, change.after)
                         for change in result.changes.get(username, [])]
            preview_rows.append(import_preview.Row(row.line, kind, username, cells))
    return import_preview.Preview(
        noun=pgettext("import preview", "account"), nouns=pgettext("import preview", "accounts"),
        columns=[], rows=import_preview.by_line(preview_rows), errors=len(result.errors),
    )


def _role_label(group_name: str) -> str:
    """A role as the sheet writes it ("đầu mối xã"); another group by its name."""
    return ROLE_LABELS.get(group_name, group_name)


def _yes_no(value: bool) -> str:
    return import_preview.yes_no(value)


def _is_staff(user: User | None, group: Group) -> bool:
    # Administrators work in the Django admin; superusers keep their access whatever the sheet.
    return group.name == roles.ADMINISTRATORS or bool(user and user.is_superuser)


def _create(plan, actor: User) -> list[User]:
    new = [(row, group, row_units) for row, user, group, row_units in plan if user is None]
    if not new:
        return []
    users = []
    for row, group, _units in new:
        user = User(
            username=row.username, full_name=row.full_name, email=row.email, phone=row.phone,
            is_active=row.is_active, is_staff=_is_staff(None, group),
            scope=row.scope, province_id=row.province_id,
        )
        user.set_unusable_password()
        users.append(user)
    # One INSERT per batch for accounts and their history (≈1,900 accounts at once), the
    # importing administrator recorded as the author of every history row.
    created = bulk_create_with_history(users, User, batch_size=500, default_user=actor)
    by_name = {user.username: user for user in created}
    if any(user.pk is None for user in created):  # backends without RETURNING
        by_name = {u.username: u for u in User.objects.filter(username__in=list(by_name))}
    group_links, unit_links = [], []
    for row, group, row_units in new:
        user = by_name[row.username]
        group_links.append(User.groups.through(user_id=user.pk, group_id=group.pk))
        unit_links += [User.communes.through(user_id=user.pk, commune_id=c.pk) for c in row_units]
    group_links = User.groups.through.objects.bulk_create(group_links, batch_size=1000)
    unit_links = User.communes.through.objects.bulk_create(unit_links, batch_size=1000)
    _record_initial_links(by_name.values(), group_links, unit_links)
    return [by_name[row.username] for row, _group, _units in new]


def _record_initial_links(users, group_links, unit_links) -> None:
    """Snapshot each new account's role and units in its creation history record, as
    simple-history does for a single save (the bulk path does not)."""
    historical = User.history.model
    records = {
        record.id: record
        for record in User.history.filter(id__in=[u.pk for u in users], history_type="+")
        .only("history_id", "id")
    }
    for links, field_name, target in (
        (group_links, "groups", "group_id"), (unit_links, "communes", "commune_id")
    ):
        model = getattr(historical, field_name).model
        model.objects.bulk_create(
            [
                model(history=records[link.user_id], id=link.id, user_id=link.user_id,
                      **{target: getattr(link, target)})
                for link in links
            ],
            batch_size=1000,
        )


def _update(user: User, row: AccountRow, group: Group, row_units, actor: User) -> None:
    values = {
        "full_name": row.full_name, "email": _email_after(user, row), "phone": row.phone,
        "is_active": row.is_active, "is_staff": _is_staff(user, group),
        "scope": row.scope, "province_id": row.province_id,
    }
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    if changed:
        for name in changed:
            setattr(user, name, values[name])
        user._history_user = actor  # also right outside a request (shell, tests)
        user.save(update_fields=changed)
    # Only touch what changed: every m2m change writes a history record.
    if {g.pk for g in user.groups.all()} != {group.pk}:
        user.groups.set([group])
    if {c.pk for c in user.communes.all()} != {c.pk for c in row_units}:
        user.communes.set(row_units)


def set_password_link(user: User, link_base: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return link_base.rstrip("/") + reverse("password_reset_confirm", args=[uid, token])


def _issue_links(users: list[User], actor: User, link_base: str) -> AccountLinkBatch:
    links = [(user, set_password_link(user, link_base)) for user in users]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Tên đăng nhập", "Họ và tên", "Email", "Liên kết đặt mật khẩu"])
    for user, link in links:
        writer.writerow([neutralise(v) for v in (user.username, user.full_name, user.email, link)])
    batch = AccountLinkBatch.objects.create(
        created_by=actor, account_count=len(links), content=buffer.getvalue()
    )
    messages = [
        EmailMessage(
            subject=_("Your dtmonitor account"),
            body=_(
                "Hello %(name)s,\n\nAn account “%(username)s” was created for you on dtmonitor. "
                "Choose your password here:\n%(link)s\n\nThe link works once and expires in a "
                "few days; ask your administrator for a new one if it has expired."
            ) % {"name": user.full_name or user.username, "username": user.username,
                 "link": link},
            to=[user.email],
        )
        for user, link in links
        if user.email
    ]
    # Sent only once the accounts are really saved.
    transaction.on_commit(lambda: _send(messages))
    return batch


def _send(messages: list[EmailMessage]) -> None:
    # The accounts are saved and the administrator can still download the links, so a mail
    # server failure is logged rather than shown as a server error.
    try:
        get_connection().send_messages(messages)
    except Exception:
        logger.exception("Could not send %s set-password emails", len(messages))


def claim_links(batch_id: int, user: User) -> str | None:
    """The links file of a batch, exactly once: the content is erased as it is handed out."""
    with transaction.atomic():
        batch = (
            AccountLinkBatch.objects.select_for_update()
            .filter(pk=batch_id, created_by=user, downloaded_at__isnull=True)
            .first()
        )
        if batch is None:
            return None
        content = batch.content
        batch.content = ""
        batch.downloaded_at = timezone.now()
        batch.save(update_fields=["content", "downloaded_at"])
    return content
