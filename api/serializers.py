"""What the API shows of each model. Read-only, except the two write payloads at the end."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from communes.models import Commune, Province
from reports.models import DailyReport
from rollups import rates
from rollups.models import CommuneDay, CommuneTargetDay, TargetDay
from rollups.progress import plan_completion
from targets.models import Pillar, Plan, Target, TargetMeasurement, TargetStatus

MAX_TEXT = 5000  # the form's note and blockers


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name"]


class ReadinessSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    steering_committee_date = serializers.DateField(allow_null=True)
    steering_committee_decision = serializers.CharField(allow_blank=True)
    focal_point_assigned = serializers.BooleanField()
    support_team_set_up = serializers.BooleanField()
    action_plan_date = serializers.DateField(allow_null=True)
    service_centre_equipped = serializers.BooleanField()


class UnitSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code")
    readiness = serializers.SerializerMethodField()

    class Meta:
        model = Commune
        fields = ["code", "name", "kind", "province", "former_area", "is_active", "active_from",
                  "active_until", "population", "area_km2", "staff_count", "readiness"]

    @extend_schema_field(ReadinessSerializer)
    def get_readiness(self, unit: Commune) -> dict:
        done, total = unit.readiness()
        return {
            "done": done, "total": total,
            "steering_committee_date": unit.steering_committee_date,
            "steering_committee_decision": unit.steering_committee_decision,
            "focal_point_assigned": unit.focal_point_assigned,
            "support_team_set_up": unit.support_team_set_up,
            "action_plan_date": unit.action_plan_date,
            "service_centre_equipped": unit.service_centre_equipped,
        }


class PillarSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pillar
        fields = ["code", "name_vi", "name_en", "order"]


class CompletionSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    completed = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField())
    as_of = serializers.DateField(allow_null=True)


class PlanSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province.code")
    completion = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = ["id", "province", "year", "title", "decision_reference", "is_reconstruction",
                  "completion"]

    @extend_schema_field(CompletionSerializer)
    def get_completion(self, plan: Plan) -> dict:
        done = plan_completion(plan)
        return {"total": done.total, "completed": done.completed, "counts": done.counts,
                "as_of": done.as_of}


class TargetSerializer(serializers.ModelSerializer):
    """Metadata and where the target stands (`rollups.progress.with_current_status`)."""

    province = serializers.CharField(source="plan.province.code")
    pillar = serializers.CharField(source="pillar.code")
    status = serializers.ChoiceField(source="current_status", choices=TargetStatus.choices)
    value = serializers.DecimalField(source="current_value", max_digits=24, decimal_places=4,
                                     allow_null=True)
    completion_percent = serializers.DecimalField(
        source="current_completion", max_digits=10, decimal_places=2, allow_null=True
    )
    projected_value = serializers.DecimalField(
        source="current_projection", max_digits=24, decimal_places=4, allow_null=True
    )
    as_of = serializers.DateField(source="current_date", allow_null=True)

    class Meta:
        model = Target
        fields = ["id", "code", "plan", "province", "pillar", "name_vi", "name_en", "unit",
                  "direction", "baseline", "target_value", "deadline", "responsible_agency",
                  "source", "aggregation", "is_cumulative", "counts_in_plan", "status", "value",
                  "completion_percent", "projected_value", "as_of"]


class TargetDaySerializer(serializers.ModelSerializer):
    target_code = serializers.CharField(source="target.code")

    class Meta:
        model = TargetDay
        fields = ["target", "target_code", "date", "value", "completion_percent",
                  "projected_value", "status"]


class UnitTargetDaySerializer(serializers.ModelSerializer):
    target_code = serializers.CharField(source="target.code")
    unit = serializers.CharField(source="commune.code")

    class Meta:
        model = CommuneTargetDay
        fields = ["target", "target_code", "unit", "date", "value", "completion"]


class UnitDaySerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="commune.code")
    report = serializers.IntegerField(source="report_id", allow_null=True)

    class Meta:
        model = CommuneDay
        fields = ["unit", "date", "expected", "outcome", "report"]


class RatesSerializer(serializers.Serializer):
    """Counts and rates of a set of unit-days, by the one rule (`rollups.rates`)."""

    owed = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing_or_returned = serializers.IntegerField()
    pending = serializers.IntegerField()
    reporting_rate = serializers.FloatField(allow_null=True, help_text="%, None if none owed")
    on_time_rate = serializers.FloatField(allow_null=True, help_text="%, None if none owed")

    def to_representation(self, row):
        counts = rates.RateCounts(row.owed, row.on_time, row.late, row.pending)
        return {"owed": counts.owed, "on_time": counts.on_time, "late": counts.late,
                "missing_or_returned": counts.missing_or_returned, "pending": counts.pending,
                "reporting_rate": counts.reporting_rate, "on_time_rate": counts.on_time_rate}


class ProvinceComplianceSerializer(serializers.ModelSerializer):
    start = serializers.SerializerMethodField()
    end = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()

    class Meta:
        model = Province
        fields = ["code", "name", "start", "end", "counts"]

    def get_start(self, _row) -> str:
        return self.context["range"][0].isoformat()

    def get_end(self, _row) -> str:
        return self.context["range"][1].isoformat()

    @extend_schema_field(RatesSerializer)
    def get_counts(self, row) -> dict:
        return RatesSerializer(row).data


class UnitComplianceSerializer(ProvinceComplianceSerializer):
    province = serializers.CharField(source="province.code")

    class Meta:
        model = Commune
        fields = ["code", "name", "province", "former_area", "start", "end", "counts"]


class ReportSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="commune.code")
    submitted_by = serializers.CharField(source="submitted_by.username", allow_null=True)
    values = serializers.SerializerMethodField()

    class Meta:
        model = DailyReport
        fields = ["id", "unit", "date", "version", "status", "is_late", "submitted_by",
                  "submitted_at", "updated_at", "note", "blockers", "review_comment", "values"]

    @extend_schema_field(serializers.DictField(child=serializers.DecimalField(
        max_digits=14, decimal_places=2)))
    def get_values(self, report: DailyReport) -> dict:
        return {value.target.code: value.value for value in report.values.all()}


class MeasurementSerializer(serializers.ModelSerializer):
    target_code = serializers.CharField(source="target.code")
    entered_by = serializers.CharField(source="entered_by.username", allow_null=True,
                                       default=None)

    class Meta:
        model = TargetMeasurement
        fields = ["id", "target", "target_code", "date", "value", "note", "entered_by",
                  "updated_at"]


# --- Write payloads ------------------------------------------------------------------------



@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string"}]})
class NumberField(serializers.JSONField):
    """A JSON number, or text the Vietnamese way ("1.234", "12,5"): `core.numbers` reads both
    later, so the messages are the form's."""


class ReportWriteSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=20, help_text="The unit's official code.")
    date = serializers.DateField()
    values = serializers.DictField(
        child=NumberField(), help_text="Target code → value, for every target units report."
    )
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True,
                                 default="")
    blockers = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True,
                                     default="")
    expected_version = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=2**31 - 1,
        help_text="The version the values were based on (0: no report yet). Omitted: the "
                  "later submission wins, both are recorded.",
    )
    accept_warnings = serializers.BooleanField(
        required=False, default=False,
        help_text="Confirm values the form would flag as unusual (running totals).",
    )


class MeasurementWriteSerializer(serializers.Serializer):
    target = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    date = serializers.DateField()
    value = NumberField()
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True,
                                 default="")
