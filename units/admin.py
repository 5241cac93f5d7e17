from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Community, District, MemberUnit, Pairing, PartyBranch, Visit


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
