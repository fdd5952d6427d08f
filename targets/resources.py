"""Import and export of plans, pillars and targets (Django admin, django-import-export).

Each column has a Vietnamese header (used in exports and the downloadable template) and
accepts English ones too. Targets are matched by plan year + code, so importing the same file
twice changes nothing.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields

from communes.models import Province
from core import importexport as ie

from .models import KeyTask, Pillar, Plan, ScienceTask, Target


class PlanResource(ie.FriendlyResource):
    province = fields.Field(
        "province", "Mã tỉnh", ie.CodeForeignKeyWidget(Province, "code")
    )
    year = fields.Field("year", "Năm", ie.IntegerWidget())
    title = fields.Field("title", "Tên kế hoạch", ie.TextWidget())
    decision_reference = fields.Field("decision_reference", "Số quyết định", ie.TextWidget())
    is_reconstruction = fields.Field(
        "is_reconstruction", "Danh sách dựng lại", ie.BooleanWidget()
    )
    note = fields.Field("note", "Ghi chú", ie.TextWidget())

    aliases = {
        "Mã tỉnh": ("province", "province code", "tỉnh"),
        "Năm": ("year", "năm kế hoạch"),
        "Tên kế hoạch": ("title", "tên"),
        "Số quyết định": ("decision reference", "decision", "quyết định"),
        "Danh sách dựng lại": ("reconstructed", "is reconstruction", "reconstruction"),
        "Ghi chú": ("note",),
    }
    required_columns = ("Mã tỉnh", "Năm")

    class Meta(ie.FriendlyResource.Meta):
        model = Plan
        import_id_fields = ("province", "year")
        fields = ("province", "year", "title", "decision_reference", "is_reconstruction", "note")


class PillarResource(ie.FriendlyResource):
    code = fields.Field("code", "Mã trụ cột", ie.CodeWidget())
    name_vi = fields.Field("name_vi", "Tên trụ cột", ie.TextWidget())
    name_en = fields.Field("name_en", "Tên tiếng Anh", ie.TextWidget())
    order = fields.Field("order", "Thứ tự", ie.IntegerWidget())

    aliases = {
        "Mã trụ cột": ("code", "pillar code", "mã"),
        "Tên trụ cột": ("name vi", "vietnamese name", "name", "tên"),
        "Tên tiếng Anh": ("name en", "english name"),
        "Thứ tự": ("order", "stt"),
    }
    required_columns = ("Mã trụ cột",)

    class Meta(ie.FriendlyResource.Meta):
        model = Pillar
        import_id_fields = ("code",)
        fields = ("code", "name_vi", "name_en", "order")


class SamePlanTargetWidget(ie.CodeForeignKeyWidget):
    """A numerator or denominator: a target of the same plan, named by its code."""

    def __init__(self):
        super().__init__(Target, "code")
        # code -> line, for the codes the file itself defines (set per import).
        self.lines_in_file: dict[str, int] = {}

    def get_queryset(self, value, row, *args, **kwargs):
        # The plan of that year among the plans the importing user may see (their province's).
        year = ie.TextWidget().clean(row.get(TargetResource.PLAN_COLUMN))
        if not year.isdigit():
            return Target.objects.none()
        plans = ie.within_scope(Plan.objects.filter(year=year), self.actor)
        return Target.objects.filter(plan__in=plans)

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            code = ie.TextWidget().clean(value)
            if code in self.lines_in_file:
                # The count is in this file but its own row failed: point there instead.
                raise ValueError(
                    _("“%(code)s” cannot be used until line %(line)s is corrected.")
                    % {"code": code, "line": self.lines_in_file[code]}
                ) from None
            raise


class TargetResource(ie.FriendlyResource):
    PLAN_COLUMN = "Năm kế hoạch"

    plan = fields.Field("plan", PLAN_COLUMN, ie.CodeForeignKeyWidget(Plan, "year"))
    code = fields.Field("code", "Mã chỉ tiêu", ie.CodeWidget())
    name_vi = fields.Field("name_vi", "Tên chỉ tiêu", ie.TextWidget())
    name_en = fields.Field("name_en", "Tên tiếng Anh", ie.TextWidget())
    pillar = fields.Field("pillar", "Trụ cột", ie.CodeForeignKeyWidget(Pillar, "code"))
    unit = fields.Field("unit", "Đơn vị tính", ie.ChoiceWidget(Target.Unit.choices))
    direction = fields.Field(
        "direction", "Chiều đánh giá", ie.ChoiceWidget(Target.Direction.choices)
    )
    # A percentage cell (85% stores 0.85) is 85, for percentage targets only: see
    # `import_instance`.
    baseline = fields.Field("baseline", "Giá trị cơ sở", ie.DecimalWidget(percentages=True))
    target_value = fields.Field(
        "target_value", "Giá trị chỉ tiêu", ie.DecimalWidget(percentages=True)
    )
    deadline = fields.Field("deadline", "Thời hạn", ie.DateWidget())
    responsible_agency = fields.Field("responsible_agency", "Cơ quan chủ trì", ie.TextWidget())
    source = fields.Field("source", "Nguồn số liệu", ie.ChoiceWidget(Target.Source.choices))
    aggregation = fields.Field(
        "aggregation", "Cách tổng hợp", ie.ChoiceWidget(Target.Aggregation.choices)
    )
    numerator = fields.Field("numerator", "Tử số", SamePlanTargetWidget())
    denominator = fields.Field("denominator", "Mẫu số", SamePlanTargetWidget())
    is_cumulative = fields.Field("is_cumulative", "Lũy kế", ie.BooleanWidget())
    counts_in_plan = fields.Field("counts_in_plan", "Tính vào kế hoạch", ie.BooleanWidget())
    manual_status = fields.Field(
        "manual_status", "Trạng thái do quản trị đặt",
        ie.ChoiceWidget(Target.ManualStatus.choices, required=False),
    )
    reference = fields.Field("reference", "Căn cứ", ie.TextWidget())

    aliases = {
        PLAN_COLUMN: ("plan", "plan year", "year", "năm", "kế hoạch"),
        "Mã chỉ tiêu": ("code", "target code", "mã"),
        "Tên chỉ tiêu": ("name vi", "name", "vietnamese name", "target", "tên"),
        "Tên tiếng Anh": ("name en", "english name"),
        "Trụ cột": ("pillar", "mã trụ cột", "pillar code"),
        "Đơn vị tính": ("unit", "đơn vị"),
        "Chiều đánh giá": ("direction", "chiều"),
        "Giá trị cơ sở": ("baseline", "giá trị ban đầu"),
        "Giá trị chỉ tiêu": (
            "target value", "target", "giá trị mục tiêu", "mục tiêu", "chỉ tiêu giao",
        ),
        "Thời hạn": ("deadline", "hạn hoàn thành", "thời hạn hoàn thành"),
        "Cơ quan chủ trì": ("responsible agency", "agency", "đơn vị chủ trì"),
        "Nguồn số liệu": ("source", "source of values", "nguồn"),
        "Cách tổng hợp": ("aggregation", "tổng hợp"),
        "Tử số": ("numerator",),
        "Mẫu số": ("denominator",),
        "Lũy kế": ("cumulative", "is cumulative", "luỹ kế"),
        "Tính vào kế hoạch": ("in plan", "counts in plan"),
        "Trạng thái do quản trị đặt": ("manual status", "status", "trạng thái"),
        "Căn cứ": ("reference", "nguồn tham chiếu"),
    }
    required_columns = (PLAN_COLUMN, "Mã chỉ tiêu")

    class Meta(ie.FriendlyResource.Meta):
        model = Target
        import_id_fields = ("plan", "code")
        fields = (
            "plan", "code", "name_vi", "name_en", "pillar", "unit", "direction", "baseline",
            "target_value", "deadline", "responsible_agency", "source", "aggregation",
            "numerator", "denominator", "is_cumulative", "counts_in_plan", "manual_status",
            "reference",
        )

    def get_queryset(self):
        return super().get_queryset().select_related("plan", "pillar", "numerator", "denominator")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # Counts before the rates computed from them, so a rate can name a count that the same
        # file creates; the line numbers travel with their rows.
        def is_rate(index: int) -> bool:
            row = dataset[index]
            return any(
                ie.TextWidget().clean(row[dataset.headers.index(column)])
                for column in ("Tử số", "Mẫu số") if column in dataset.headers
            )

        code_column = dataset.headers.index("Mã chỉ tiêu")
        lines_in_file = {
            ie.TextWidget().clean(row[code_column]): self.lines[index]
            for index, row in enumerate(dataset)
        }
        for name in ("numerator", "denominator"):
            self.fields[name].widget.lines_in_file = lines_in_file
        order = sorted(range(len(dataset)), key=is_rate)
        if order != list(range(len(dataset))):
            rows = [dataset[index] for index in order]
            self.lines = [self.lines[index] for index in order]
            headers = dataset.headers
            dataset.wipe()
            dataset.headers = headers
            for row in rows:
                dataset.append(row)

    def import_instance(self, instance, row, **kwargs):
        # The database refuses these too (CHECK constraints); saying it here gives the column.
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        errors.update(self.percentages_outside_percent_targets(instance, row, errors))
        value = instance.target_value
        if "target_value" not in errors and value is not None:
            if value < 0:
                errors["target_value"] = [_("The target value cannot be negative.")]
            elif instance.unit == Target.Unit.PERCENT and value > 100:
                errors["target_value"] = [_("A percentage cannot be above 100.")]
        is_ratio = instance.aggregation == Target.Aggregation.RATIO
        if not is_ratio and "numerator" not in errors and (
            instance.numerator_id or instance.denominator_id
        ):
            errors["numerator"] = [
                _("Only a rate (aggregation “ratio”) names a numerator and a denominator.")
            ]
        if errors:
            raise ValidationError(errors)

    def percentages_outside_percent_targets(self, instance, row, errors) -> dict:
        """A value written as a percentage (85%, or a cell formatted as one) for a target
        whose unit is not a percentage: 85 or 0.85 of a count? Refused, not guessed."""
        if instance.unit == Target.Unit.PERCENT or "unit" in errors:
            return {}
        found = {}
        for name in ("baseline", "target_value"):
            column = self.fields[name].column_name
            if name not in errors and ie.is_percentage(row.get(column)):
                found[name] = [_(
                    "“%(value)s” is a percentage, but this target's unit is “%(unit)s”: write "
                    "the number without %%, or make the unit a percentage."
                ) % {"value": ie.shown(row.get(column)), "unit": instance.get_unit_display()}]
        return found

class KeyTaskResource(ie.FriendlyResource):
    """Key tasks, matched by plan year + code (importing the same file twice changes
    nothing)."""

    PLAN_COLUMN = "Năm kế hoạch"

    plan = fields.Field("plan", PLAN_COLUMN, ie.CodeForeignKeyWidget(Plan, "year"))
    code = fields.Field("code", "Mã nhiệm vụ", ie.CodeWidget())
    title = fields.Field("title", "Tên nhiệm vụ", ie.TextWidget())
    pillar = fields.Field("pillar", "Trụ cột", ie.CodeForeignKeyWidget(Pillar, "code"))
    lead_agency = fields.Field("lead_agency", "Cơ quan chủ trì", ie.TextWidget())
    cooperating_agencies = fields.Field(
        "cooperating_agencies", "Cơ quan phối hợp", ie.TextWidget()
    )
    start_date = fields.Field("start_date", "Ngày bắt đầu", ie.DateWidget())
    deadline = fields.Field("deadline", "Thời hạn", ie.DateWidget())
    expected_output = fields.Field("expected_output", "Sản phẩm dự kiến", ie.TextWidget())
    progress = fields.Field("progress", "Tiến độ (%)", ie.IntegerWidget())
    is_reconstruction = fields.Field("is_reconstruction", "Dựng lại", ie.BooleanWidget())

    aliases = {
        PLAN_COLUMN: ("plan", "plan year", "year", "năm", "kế hoạch"),
        "Mã nhiệm vụ": ("code", "task code", "mã"),
        "Tên nhiệm vụ": ("title", "task", "nhiệm vụ", "tên"),
        "Trụ cột": ("pillar", "mã trụ cột", "pillar code"),
        "Cơ quan chủ trì": ("lead agency", "agency", "đơn vị chủ trì"),
        "Cơ quan phối hợp": ("cooperating agencies", "cooperating", "đơn vị phối hợp"),
        "Ngày bắt đầu": ("start date", "start", "bắt đầu"),
        "Thời hạn": ("deadline", "hạn hoàn thành", "thời hạn hoàn thành"),
        "Sản phẩm dự kiến": ("expected output", "output", "sản phẩm"),
        "Tiến độ (%)": ("progress", "progress (%)", "tiến độ"),
        "Dựng lại": ("reconstruction", "is reconstruction", "reconstructed"),
    }
    required_columns = (PLAN_COLUMN, "Mã nhiệm vụ")

    class Meta(ie.FriendlyResource.Meta):
        model = KeyTask
        import_id_fields = ("plan", "code")
        fields = (
            "plan", "code", "title", "pillar", "lead_agency", "cooperating_agencies",
            "start_date", "deadline", "expected_output", "progress", "is_reconstruction",
        )

    def get_queryset(self):
        return super().get_queryset().select_related("plan", "pillar")

    def import_instance(self, instance, row, **kwargs):
        # The database refuses these too (CHECK constraints); saying it here gives the column.
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "progress" not in errors and instance.progress is not None and not (
            0 <= instance.progress <= 100
        ):
            errors["progress"] = [_("Progress is a percentage from 0 to 100.")]
        if "deadline" not in errors and instance.deadline is None:
            errors["deadline"] = [_("This value is required.")]
        if (instance.start_date and instance.deadline and "start_date" not in errors
                and instance.start_date > instance.deadline):
            errors["start_date"] = [_("The start date is after the deadline.")]
        if errors:
            raise ValidationError(errors)


class ScienceTaskResource(ie.FriendlyResource):
    """Science-and-technology tasks, matched by province + code."""

    province = fields.Field("province", "Mã tỉnh", ie.CodeForeignKeyWidget(Province, "code"))
    code = fields.Field("code", "Mã nhiệm vụ", ie.CodeWidget())
    title = fields.Field("title", "Tên nhiệm vụ", ie.TextWidget())
    field = fields.Field("field", "Lĩnh vực", ie.ChoiceWidget(ScienceTask.Field.choices))
    kind = fields.Field("kind", "Chuyển tiếp/mới", ie.ChoiceWidget(ScienceTask.Kind.choices))
    approval_decision = fields.Field("approval_decision", "Quyết định phê duyệt", ie.TextWidget())
    approved_on = fields.Field("approved_on", "Ngày phê duyệt", ie.DateWidget())
    host_organisation = fields.Field("host_organisation", "Tổ chức chủ trì", ie.TextWidget())
    receiving_unit = fields.Field("receiving_unit", "Đơn vị tiếp nhận kết quả", ie.TextWidget())
    start_date = fields.Field("start_date", "Ngày bắt đầu", ie.DateWidget())
    end_date = fields.Field("end_date", "Ngày kết thúc", ie.DateWidget())
    budget = fields.Field("budget", "Kinh phí (đồng)", ie.DecimalWidget())
    stage = fields.Field("stage", "Giai đoạn", ie.ChoiceWidget(ScienceTask.Stage.choices))
    results_applied = fields.Field("results_applied", "Đã ứng dụng kết quả", ie.BooleanWidget())

    aliases = {
        "Mã tỉnh": ("province", "province code", "tỉnh"),
        "Mã nhiệm vụ": ("code", "task code", "mã"),
        "Tên nhiệm vụ": ("title", "tên"),
        "Lĩnh vực": ("field",),
        "Chuyển tiếp/mới": ("kind", "transitional or new", "loại"),
        "Quyết định phê duyệt": ("approval decision", "decision", "quyết định"),
        "Ngày phê duyệt": ("approved on", "approval date"),
        "Tổ chức chủ trì": ("host organisation", "host", "chủ trì"),
        "Đơn vị tiếp nhận kết quả": ("receiving unit", "unit receiving the results"),
        "Ngày bắt đầu": ("start date", "start"),
        "Ngày kết thúc": ("end date", "end"),
        "Kinh phí (đồng)": ("budget", "budget (vnd)", "kinh phí"),
        "Giai đoạn": ("stage",),
        "Đã ứng dụng kết quả": ("results applied", "applied"),
    }
    required_columns = ("Mã tỉnh", "Mã nhiệm vụ")

    class Meta(ie.FriendlyResource.Meta):
        model = ScienceTask
        import_id_fields = ("province", "code")
        fields = (
            "province", "code", "title", "field", "kind", "approval_decision", "approved_on",
            "host_organisation", "receiving_unit", "start_date", "end_date", "budget", "stage",
            "results_applied",
        )
