from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "unit", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active", "unit__category"]
    list_select_related = ["unit"]
    search_fields = ["username", "display_name", "unit__name"]
    autocomplete_fields = ["unit"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Member unit"), {"fields": ["display_name", "unit"]}),)
