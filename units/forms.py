"""Forms for the registry and liaison pages. GET filters are forms too."""

import re

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.categories import Category as ProjectCategory
from core.choices import PleaseChooseMixin
from core.dates import DatePickerLimitsMixin, DateRange
from core.exports import XLSX_CONTENT_TYPE
from core.text import PrintableTextMixin

from .models import HEALTH_ORDER, Community, District, MemberUnit, Pairing, Resource, Visit

PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{4,28}$")


# --- Registry forms for office staff -------------------------------------------------


class UnitFilterForm(forms.Form):
    """The unit list's search and filters (GET)."""

    ACTIVE_CHOICES = [("", _("All statuses")), ("yes", _("Active")), ("no", _("Left the network"))]

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": _("Name or party organisation")}),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories"))] + MemberUnit.Category.choices,
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        required=False,
        queryset=District.objects.all(),
        empty_label=_("All districts"),
    )
    active = forms.ChoiceField(label=_("Status"), required=False, choices=ACTIVE_CHOICES)

    def filter(self, queryset):
        """Apply the valid filters; an invalid form filters nothing."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            queryset = queryset.filter(Q(name__icontains=q) | Q(party_org_name__icontains=q))
        if data["category"]:
            queryset = queryset.filter(category=data["category"])
        if data["district"]:
            queryset = queryset.filter(district=data["district"])
        if data["active"] == "yes":
            queryset = queryset.filter(is_active=True)
        elif data["active"] == "no":
            queryset = queryset.filter(is_active=False)
        return queryset


class MemberUnitForm(PrintableTextMixin, PleaseChooseMixin, forms.ModelForm):
    class Meta:
        model = MemberUnit
        fields = [
            "name",
            "category",
            "level",
            "party_org_name",
            "district",
            "joined_year",
            "liaison_name",
            "liaison_phone",
            "liaison_email",
        ]

    def clean_liaison_phone(self):
        phone = self.cleaned_data["liaison_phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("Enter a phone number: digits, spaces and dashes."))
        return phone


class DeactivateForm(PrintableTextMixin, DatePickerLimitsMixin, forms.Form):
    """When a unit left the network: today unless a date is given."""

    dates_not_after_today = ("left_on",)

    left_on = forms.DateField(
        label=_("Left on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "id": "left-on"}),
    )

    def clean_left_on(self):
        left_on = self.cleaned_data["left_on"] or timezone.localdate()
        if left_on > timezone.localdate():
            raise forms.ValidationError(_("The date a unit left cannot be in the future."))
        DateRange()(left_on)  # the model's bounds as a form error, not the database's check
        return left_on


class CommunityForm(PrintableTextMixin, PleaseChooseMixin, forms.ModelForm):
    class Meta:
        model = Community
        fields = ["name", "kind", "district", "is_active", "signature_brand"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")



def without_hidden_initial(form, *names):
    """Drop the hidden "initial-" copy Django adds for a model field whose default is a
    callable (today's date). The form never asks has_changed(), and Django 5.2 gives the
    hidden copy the visible field's aria-describedby, which HTML forbids on hidden inputs."""
    for name in names:
        form.fields[name].show_hidden_initial = False


class PairingForm(PrintableTextMixin, DatePickerLimitsMixin, PleaseChooseMixin, forms.ModelForm):
    """Pick a community, then its counterpart: a member unit or a partner community.

    ``narrow`` limits the counterpart choices to those that can still pair with the
    chosen community (used for the htmx refresh of the form); submitted data is always
    checked in full in ``clean``.
    """

    class Meta:
        model = Pairing
        fields = [
            "community",
            "unit",
            "partner_community",
            "mode",
            "programme",
            "started_on",
            "agreement_signed_on",
            "visit_cadence_days",
            "note",
        ]
        widgets = {
            "started_on": DateInput(),
            "agreement_signed_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "unit": _("Choose a member unit, or a partner community below."),
            "partner_community": _("Only for village–community co-building."),
        }

    def __init__(self, *args, narrow=False, **kwargs):
        super().__init__(*args, **kwargs)
        without_hidden_initial(self, "started_on")
        self.fields["community"].queryset = Community.objects.filter(
            is_active=True
        ).select_related("district")
        units = MemberUnit.objects.members()
        partners = Community.objects.filter(is_active=True)
        if self.instance.pk:
            # Keep the current counterpart choosable even if it has left since.
            units = MemberUnit.objects.filter(
                Q(pk__in=MemberUnit.objects.members().values("pk")) | Q(pk=self.instance.unit_id)
            )
            partners = Community.objects.filter(
                Q(is_active=True) | Q(pk=self.instance.partner_community_id)
            )
        community = self._chosen_community()
        if narrow and community is not None:
            taken = Pairing.objects.filter(status=Pairing.Status.ACTIVE)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            units = units.exclude(
                pk__in=taken.filter(community=community, unit__isnull=False).values("unit")
            )
            partners = (
                partners.exclude(pk=community.pk)
                .exclude(
                    pk__in=taken.filter(
                        community=community, partner_community__isnull=False
                    ).values("partner_community")
                )
                .exclude(pk__in=taken.filter(partner_community=community).values("community"))
            )
        self.fields["unit"].queryset = units
        self.fields["partner_community"].queryset = partners
        self.fields["mode"].help_text = _("Chosen for you when the counterpart fits one mode.")
        # Long lists read better grouped: communities by district, units by category.
        self._group("community", lambda c: c.district.name, "district")
        self._group("partner_community", lambda c: c.district.name, "district")
        order = MemberUnit.Category.values
        self._group(
            "unit", lambda u: u.get_category_display(), key=lambda u: order.index(u.category)
        )

    def _group(self, name, group_of, *related, key=None):
        field = self.fields[name]
        objects = list(field.queryset.select_related(*related))
        if key is not None:
            objects.sort(key=key)  # stable: keeps the name order within a group
        groups = {}
        for obj in objects:
            groups.setdefault(str(group_of(obj)), []).append((obj.pk, str(obj)))
        field.choices = [("", field.empty_label)] + list(groups.items())

    def _chosen_community(self):
        key = self.add_prefix("community")
        value = self.data.get(key) if self.is_bound else self.initial.get("community")
        if value is None and self.instance.pk:
            return self.instance.community
        if isinstance(value, Community):
            return value
        try:
            return Community.objects.get(pk=int(value))
        except (TypeError, ValueError, Community.DoesNotExist):
            return None

    def clean(self):
        data = super().clean()
        community = data.get("community")
        unit = data.get("unit")
        partner = data.get("partner_community")
        if community is None:
            return data
        taken = Pairing.objects.filter(status=Pairing.Status.ACTIVE)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if unit is not None and taken.filter(community=community, unit=unit).exists():
            self.add_error("unit", _("This unit is already actively paired with the community."))
        if partner is not None and partner != community:
            already = taken.filter(
                Q(community=community, partner_community=partner)
                | Q(community=partner, partner_community=community)
            ).exists()
            if already:
                self.add_error(
                    "partner_community",
                    _("These two communities are already actively paired."),
                )
        return data


# --- Liaison forms ----------------------------------------------------------------


class VisitForm(PrintableTextMixin, DatePickerLimitsMixin, PleaseChooseMixin, forms.ModelForm):
    """Recording a visit on a phone: five fields, sensible defaults, and the 五百 services."""

    services = forms.TypedMultipleChoiceField(
        label=_("Services given (五百服务)"),
        choices=Visit.Service.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    dates_not_after_today = ("visited_on",)

    class Meta:
        model = Visit
        fields = [
            "visited_on", "channel", "visitors", "households_visited", "activities", "follow_up",
            "services",
        ]
        widgets = {
            "visited_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "channel": forms.RadioSelect,
            "households_visited": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "activities": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, pairing, **kwargs):
        self.pairing = pairing
        super().__init__(*args, **kwargs)
        without_hidden_initial(self, "visited_on")
        self.fields["visited_on"].widget.attrs["min"] = pairing.started_on.isoformat()
        self.fields["visitors"].widget.attrs["autocomplete"] = "name"

    def clean_visited_on(self):
        visited_on = self.cleaned_data["visited_on"]
        if visited_on > timezone.localdate():
            raise forms.ValidationError(_("A visit cannot be in the future."))
        if visited_on < self.pairing.started_on:
            raise forms.ValidationError(_("The pairing had not started on that date."))
        return visited_on

    def clean_services(self):
        chosen = set(self.cleaned_data["services"])
        return [value for value in Visit.Service.values if value in chosen]

    def clean_households_visited(self):
        households = self.cleaned_data["households_visited"]
        if households > 1000:
            raise forms.ValidationError(_("That is more households than one visit can reach."))
        return households


class RegistryImportForm(forms.Form):
    """The registry workbook to preview; its content is checked by units.dataio."""

    file = forms.FileField(
        label=_("Registry file (.xlsx, .xls or CSV)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.xls,.csv,.txt," + XLSX_CONTENT_TYPE
                + ",application/vnd.ms-excel,text/csv"
            }
        ),
        error_messages={
            "required": _("Choose the file to upload."),
            "empty": _("The file is empty."),
            "invalid": _("Choose the file to upload."),
        },
    )

    def clean_file(self):
        from .dataio import MAX_UPLOAD_BYTES

        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is larger than %(size)s MB; split it or remove what is not "
                    "registry data."
                )
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class PairingHealthFilterForm(forms.Form):
    """The pairing-health page's filters (GET)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": _("Community or unit")}),
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        required=False,
        queryset=District.objects.all(),
        empty_label=_("All districts"),
    )
    mode = forms.ChoiceField(
        label=_("Mode"), required=False, choices=[("", _("All modes"))] + Pairing.Mode.choices
    )
    programme = forms.ChoiceField(
        label=_("Programme"),
        required=False,
        choices=[("", _("All programmes"))] + Pairing.Programme.choices,
    )
    health = forms.ChoiceField(
        label=_("Health"),
        required=False,
        # Worst first, as the list is sorted.
        choices=[("", _("Any health"))] + [(h.value, h.label) for h in HEALTH_ORDER],
    )

    def filter(self, queryset):
        """Apply the valid filters but health (derived, not stored: the view picks by it);
        an invalid form filters nothing."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"].strip():
            q = data["q"].strip()
            queryset = queryset.filter(
                Q(community__name__icontains=q)
                | Q(unit__name__icontains=q)
                | Q(partner_community__name__icontains=q)
            )
        if data["district"]:
            queryset = queryset.filter(community__district=data["district"])
        if data["mode"]:
            queryset = queryset.filter(mode=data["mode"])
        if data["programme"]:
            queryset = queryset.filter(programme=data["programme"])
        return queryset


# --- The resource list (资源清单) ----------------------------------------------------------


def grouped_communities(queryset, empty_label=None):
    """Community choices grouped by district (in the districts' order), so a long list is
    easy to scan on a phone: optgroups in a select, headed groups of ticks."""
    return community_groups(in_menu_order(queryset), empty_label)


def in_menu_order(communities):
    """Communities with their districts, in the menus' order (districts' order, then name)."""
    return communities.select_related("district").order_by("district__position", "district__pk", "name")


def community_groups(communities, empty_label=None):
    """Choices from communities already read in menu order (``in_menu_order``)."""
    groups = {}
    for community in communities:
        groups.setdefault(community.district.name, []).append((community.pk, community.name))
    choices = list(groups.items())
    return [("", empty_label), *choices] if empty_label is not None else choices


class ResourceForm(
    PrintableTextMixin, DatePickerLimitsMixin, PleaseChooseMixin, forms.ModelForm
):
    """A unit's resource, on a phone: what, for which kinds of project, where, how much, when.

    Office staff get the ``unit`` field too (``with_unit=True``); a liaison's resource is
    always their own unit's. Editing shows ``is_active``: resources are switched off, never
    deleted.
    """

    categories = forms.TypedMultipleChoiceField(
        label=_("Project categories it can serve"),
        choices=ProjectCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one category.")},
    )

    class Meta:
        model = Resource
        fields = [
            "unit",
            "kind",
            "title",
            "description",
            "categories",
            "districts",
            "communities",
            "quantity",
            "measure",
            "available_from",
            "available_until",
            "is_active",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
            "districts": forms.CheckboxSelectMultiple,
            # Ticks grouped by district: a 45-item multi-select needed Ctrl or a long press.
            "communities": forms.CheckboxSelectMultiple(attrs={"class": "grouped-ticks"}),
            "quantity": forms.NumberInput(attrs={"inputmode": "decimal", "min": 0, "step": "0.01"}),
            "available_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "available_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "districts": _("Leave districts and communities empty if it serves the whole town."),
            "communities": _("Tick every community it serves."),
        }

    def __init__(self, *args, with_unit=False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_unit:
            self.fields["unit"].queryset = MemberUnit.objects.members()
        else:
            del self.fields["unit"]
        if self.instance.pk is None:
            del self.fields["is_active"]
        communities = Community.objects.filter(is_active=True)
        self.fields["communities"].queryset = communities
        self.fields["communities"].choices = grouped_communities(communities)
        self.fields["kind"].choices = Resource.Kind.choices

    def clean_categories(self):
        chosen = set(self.cleaned_data["categories"])
        return [value for value in ProjectCategory.values if value in chosen]

    def clean(self):
        data = super().clean()
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end < start:
            self.add_error("available_until", _("The end date cannot be before the start date."))
        if data.get("quantity") is not None and not data.get("measure"):
            self.add_error(
                "measure", _("Say what the quantity counts (person-times, hours, yuan…).")
            )
        return data


class ResourceFilterForm(forms.Form):
    """The resource board's filters (GET): kind, category, district."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds"))] + Resource.Kind.choices
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories"))] + ProjectCategory.choices,
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        required=False,
        queryset=District.objects.all(),
        empty_label=_("All districts"),
    )

    def filter(self, queryset):
        """Apply the valid filters; an invalid form filters nothing."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["category"]:
            queryset = queryset.for_category(data["category"])
        if data["district"]:
            queryset = queryset.serving_district(data["district"])
        return queryset
