from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http.request import split_domain_port, validate_host
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Community,
    Council,
    District,
    MemberUnit,
    Pairing,
    PartyBranch,
    Resource,
    Visit,
)


class CouncilForm(forms.ModelForm):
    class Meta:
        model = Council
        fields = ["name", "network_name", "kind", "slug", "host", "position", "is_active"]

    def clean_host(self):
        """A bare host name the deployment admits (``ALLOWED_HOSTS``/``COUNCIL_HOSTS``):
        any other would never reach the council."""
        host = self.cleaned_data["host"].strip().lower().rstrip(".")
        if not host:
            return ""
        domain, port = split_domain_port(host)
        if domain != host or port:
            message = _("Enter the host name alone, such as fengjing.example.org (no http://).")
            raise forms.ValidationError(message)
        if not validate_host(host, settings.ALLOWED_HOSTS):
            message = _(
                "This server does not answer for %(host)s yet: add it to COUNCIL_HOSTS "
                "(docs/operations.md) and restart it first."
            )
            raise forms.ValidationError(message % {"host": host})
        return host


@admin.register(Council)
class CouncilAdmin(SimpleHistoryAdmin):
    form = CouncilForm
    list_display = ["name", "network_name", "kind", "slug", "host", "position", "is_active"]
    list_editable = ["position", "is_active"]

    def has_delete_permission(self, request, obj=None):
        # Councils own every record of their network: deactivate one instead.
        return False


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "position"]


@admin.register(Community)
class CommunityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "district", "is_active"]
    list_filter = ["kind", "district", "is_active"]
    list_select_related = ["district"]
    search_fields = ["name"]


@admin.register(MemberUnit)
class MemberUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "category", "level", "district", "joined_year", "is_active"]
    list_filter = ["category", "level", "district", "is_active"]
    list_select_related = ["district"]
    search_fields = ["name", "party_org_name"]
    actions = ["deactivate_units", "reactivate_units"]

    def has_delete_permission(self, request, obj=None):
        # Units are never deleted here: mark them as left, and their records stay.
        return False

    @admin.action(description=_("Deactivate selected units"))
    def deactivate_units(self, request, queryset):
        today = timezone.localdate()
        count = 0
        for unit in queryset.filter(is_active=True):
            unit.deactivate(on=today)
            count += 1
        self.message_user(
            request,
            ngettext("%d unit deactivated.", "%d units deactivated.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Reactivate selected units"))
    def reactivate_units(self, request, queryset):
        count = 0
        for unit in queryset.filter(is_active=False):
            unit.reactivate()
            count += 1
        self.message_user(
            request,
            ngettext("%d unit reactivated.", "%d units reactivated.", count) % count,
            messages.SUCCESS,
        )


@admin.register(PartyBranch)
class PartyBranchAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "community", "unit", "is_active"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["community", "unit"]
    search_fields = ["name"]


@admin.register(Pairing)
class PairingAdmin(SimpleHistoryAdmin):
    list_display = ["community", "unit", "partner_community", "mode", "programme", "status"]
    list_filter = ["mode", "programme", "status", "community__district"]
    list_select_related = ["community", "unit", "partner_community"]
    autocomplete_fields = ["community", "unit", "partner_community"]
    search_fields = ["community__name", "unit__name", "partner_community__name"]


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = ["pairing", "visited_on", "channel", "households_visited"]
    list_filter = ["channel"]
    list_select_related = ["pairing__community", "pairing__unit", "pairing__partner_community"]
    date_hierarchy = "visited_on"


@admin.register(Resource)
class ResourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "unit", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["unit"]
    search_fields = ["title", "unit__name"]
    filter_horizontal = ["districts", "communities"]

    def has_delete_permission(self, request, obj=None):
        return False  # switched off, never deleted
