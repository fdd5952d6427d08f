"""Import and export of units (communes, wards, special zones) with their readiness checklist."""

from import_export import fields

from core import importexport as ie

from .models import Commune, Province


class CommuneResource(ie.FriendlyResource):
    code = fields.Field("code", "Mã đơn vị", ie.CodeWidget(width=5))
    name = fields.Field("name", "Tên đơn vị", ie.TextWidget())
    kind = fields.Field("kind", "Loại đơn vị", ie.ChoiceWidget(Commune.Kind.choices))
    province = fields.Field("province", "Mã tỉnh", ie.CodeForeignKeyWidget(Province, "code"))
    former_area = fields.Field("former_area", "Địa bàn cũ", ie.TextWidget())
    is_active = fields.Field("is_active", "Đang hoạt động", ie.BooleanWidget())
    area_km2 = fields.Field("area_km2", "Diện tích (km²)", ie.DecimalWidget())
    population = fields.Field("population", "Dân số", ie.IntegerWidget())
    staff_count = fields.Field("staff_count", "Số cán bộ", ie.IntegerWidget())
    steering_committee_date = fields.Field(
        "steering_committee_date", "Ngày thành lập Ban chỉ đạo", ie.DateWidget()
    )
    steering_committee_decision = fields.Field(
        "steering_committee_decision", "Quyết định thành lập Ban chỉ đạo", ie.TextWidget()
    )
    focal_point_assigned = fields.Field(
        "focal_point_assigned", "Đã phân công đầu mối", ie.BooleanWidget()
    )
    support_team_set_up = fields.Field(
        "support_team_set_up", "Đã lập tổ công nghệ số", ie.BooleanWidget()
    )
    action_plan_date = fields.Field(
        "action_plan_date", "Ngày ban hành kế hoạch hành động", ie.DateWidget()
    )
    service_centre_equipped = fields.Field(
        "service_centre_equipped", "Trung tâm phục vụ hành chính công được trang bị",
        ie.BooleanWidget(),
    )

    aliases = {
        "Mã đơn vị": ("code", "unit code", "mã xã", "mã"),
        "Tên đơn vị": ("name", "unit", "tên", "tên xã"),
        "Loại đơn vị": ("kind", "loại"),
        "Mã tỉnh": ("province", "province code"),
        "Địa bàn cũ": ("former area", "former district", "huyện cũ"),
        "Đang hoạt động": ("active", "is active"),
        "Diện tích (km²)": ("area km2", "area", "diện tích", "diện tích km2"),
        "Dân số": ("population",),
        "Số cán bộ": ("staff count", "staff"),
        "Ngày thành lập Ban chỉ đạo": ("steering committee date", "steering committee"),
        "Quyết định thành lập Ban chỉ đạo": ("steering committee decision",),
        "Đã phân công đầu mối": ("focal point assigned",),
        "Đã lập tổ công nghệ số": ("support team set up", "support team"),
        "Ngày ban hành kế hoạch hành động": ("action plan date", "action plan"),
        "Trung tâm phục vụ hành chính công được trang bị": (
            "service centre equipped", "service center equipped",
        ),
    }
    required_columns = ("Mã đơn vị",)

    class Meta(ie.FriendlyResource.Meta):
        model = Commune
        import_id_fields = ("code",)
        fields = (
            "code", "name", "kind", "province", "former_area", "is_active", "area_km2",
            "population", "staff_count", "steering_committee_date",
            "steering_committee_decision", "focal_point_assigned", "support_team_set_up",
            "action_plan_date", "service_centre_equipped",
        )

    def get_queryset(self):
        return super().get_queryset().select_related("province")
