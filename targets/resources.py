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

from .models import Pillar, Plan, Target


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
        year = ie.TextWidget().clean(row.get(TargetResource.PLAN_COLUMN))
        return Target.objects.filter(plan__year=year) if year.isdigit() else Target.objects.none()

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
    baseline = fields.Field("baseline", "Giá trị cơ sở", ie.DecimalWidget())
    target_value = fields.Field("target_value", "Giá trị chỉ tiêu", ie.DecimalWidget())
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
