"""The admin side of the one scoping rule: a province administrator sees and edits only the
rows of their own province, and picks foreign keys only among them; data shared by every
province (pillars, the unit list, national holidays and reporting rules) is read-only for them.

Each model's rule is its `visible_to` when it has one, else the path from the model to its
province (`province_path`), filtered by `Province.objects.visible_to`.
"""

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .models import Province


def _scoped(queryset, user, province_path: str | None):
    if hasattr(queryset, "visible_to"):
        return queryset.visible_to(user)
    if province_path is None or user.reads_all_provinces:
        return queryset
    return queryset.filter(**{f"{province_path}__in": Province.objects.visible_to(user)})


def scoped_choices(model, user):
    """Rows of `model` that `user` may pick in a form (all of them if it has no scope)."""
    return _scoped(model._default_manager.all(), user, None)


class ProvinceScopedAdmin:
    """Mix in before the ModelAdmin class. `province_path`: lookup from the model to its
    province, for models without `visible_to` (e.g. "commune__province")."""

    province_path: str | None = None

    def get_queryset(self, request):
        return _scoped(super().get_queryset(request), request.user, self.province_path)

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history falls back to the history rows when the queryset hides the
        # object: what the admin's queryset hides (another province's rows, a superuser's
        # account) must stay out of reach on its history page too.
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def get_list_filter(self, request):
        # A related filter lists every row of the related table (every province, unit or
        # plan); offer only the values among the rows this user is shown.
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and get_fields_from_path(self.model, entry)[-1].is_relation:
                entry = (entry, RelatedOnlyFieldListFilter)
            filters.append(entry)
        return filters

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = scoped_choices(db_field.related_model, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = scoped_choices(db_field.related_model, request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class NationalDataAdmin:
    """Shared by every province: only superusers (and national administrators, if any ever
    exist) change it; province administrators read it."""

    def _may_change_national_data(self, request) -> bool:
        return request.user.reads_all_provinces

    def has_add_permission(self, request, *args):
        return self._may_change_national_data(request) and super().has_add_permission(
            request, *args
        )

    def has_change_permission(self, request, obj=None):
        return self._may_change_national_data(request) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return self._may_change_national_data(request) and super().has_delete_permission(
            request, obj
        )


class NationalOrProvinceAdmin(ProvinceScopedAdmin):
    """Models whose rows are either national (`province` empty, e.g. the default reporting
    rules, national holidays) or one province's own (its override, its extra days off).

    Province administrators see the national rows, read-only, and their own province's rows,
    which they add, change and delete; another province's rows do not exist for them. They
    cannot leave the province empty (that would write a national row). Superusers (and
    national administrators, if any ever exist) change everything.
    """

    province_path = "province"

    @admin.display(description=_("Applies to"), ordering="province__name")
    def applies_to(self, obj) -> str:
        return obj.province.name if obj.province_id else str(_("Whole country"))

    def get_queryset(self, request):
        queryset = super(ProvinceScopedAdmin, self).get_queryset(request)
        if request.user.reads_all_provinces:
            return queryset
        return queryset.filter(
            Q(province__isnull=True) | Q(province__in=Province.objects.visible_to(request.user))
        )

    def _may_change(self, request, obj) -> bool:
        return obj is None or obj.province_id is not None or request.user.reads_all_provinces

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change(request, obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "province" and not request.user.reads_all_provinces:
            # Their own province, always: an empty choice would be a national row.
            kwargs.update(required=True, empty_label=None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
