"""Forms of the projects app: the board, needs, project editing, the joint meeting,
adoption, renewals and the liaison portal."""

import io
import math
import re

from django import forms
from django.core.files.base import ContentFile
from django.core.validators import MinLengthValidator, RegexValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.choices import PleaseChooseMixin
from core.dates import DatePickerLimitsMixin
from core.text import PrintableTextMixin
from units.forms import community_groups, grouped_communities, in_menu_order
from units.models import Community, District, MemberUnit, Resource

from .models import Category, JointMeeting, Milestone, Need, Project, normalise_tracking_code

# --- Public board, needs, staff triage and project editing -------------------------


class ProjectFilterForm(forms.Form):
    """The board's filters. Every field is optional; bad values are simply ignored."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, widget=forms.SearchInput
    )
    district = forms.ModelChoiceField(
        label=_("district"), queryset=District.objects.all(), required=False,
        empty_label=_("All districts"),
    )
    community = forms.ModelChoiceField(
        label=_("community"), queryset=Community.objects.filter(is_active=True),
        required=False, empty_label=_("All communities"),
    )
    category = forms.ChoiceField(label=_("category"), required=False)
    status = forms.ChoiceField(label=_("status"), required=False)
    year = forms.TypedChoiceField(label=_("year"), required=False, coerce=int, empty_value=None)

    #: The community menu lists at most this many (a town's network has about 45); a
    #: larger network asks for a district first.
    COMMUNITY_CHOICES_MAX = 100

    def __init__(self, *args, years=(), include_drafts=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Search projects")
        district = (self.data.get("district") or "") if self.is_bound else ""
        if district.isascii() and district.isdigit() and len(district) < 10:
            # Choosing a district narrows the community list to its villages and areas.
            self.fields["community"].queryset = self.fields["community"].queryset.filter(
                district_id=int(district)
            )
        self.fields["community"].choices = self._community_choices()
        self.fields["category"].choices = [("", _("All categories")), *Category.choices]
        statuses = [
            (value, label)
            for value, label in Project.Status.choices
            if include_drafts or value != Project.Status.DRAFT
        ]
        self.fields["status"].choices = [("", _("All statuses")), *statuses]
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]

    def _community_choices(self):
        """The menu's communities, grouped by district, bounded: past ``COMMUNITY_CHOICES_MAX``
        only the one asked for (a district's own are listed once it is chosen)."""
        queryset = self.fields["community"].queryset
        shown = list(in_menu_order(queryset)[: self.COMMUNITY_CHOICES_MAX + 1])
        if len(shown) <= self.COMMUNITY_CHOICES_MAX:
            return community_groups(shown, _("All communities"))
        asked = (self.data.get("community") or "") if self.is_bound else ""
        chosen = []
        if asked.isascii() and asked.isdigit() and len(asked) < 10:
            chosen = list(in_menu_order(queryset.filter(pk=int(asked))))
        return community_groups(chosen, _("All communities (choose a district first)"))

    def filter(self, projects, skip=()):
        """Apply the valid filters to ``projects``, leaving out the names in ``skip``.

        Each filter stands alone: a stale or bad value (a community outside the chosen
        district) drops that filter only, never the others."""
        if not self.is_bound:
            return projects
        self.is_valid()  # cleaned_data then holds the fields that are valid
        data = self.cleaned_data
        if data.get("q") and "q" not in skip:
            q = data["q"].strip()
            projects = projects.filter(
                Q(title__icontains=q) | Q(description__icontains=q)
            )
        if data.get("district") and "district" not in skip:
            projects = projects.filter(community__district=data["district"])
        if data.get("community") and "community" not in skip:
            projects = projects.filter(community=data["community"])
        if data.get("category") and "category" not in skip:
            projects = projects.filter(category=data["category"])
        if data.get("status") and "status" not in skip:
            projects = projects.filter(status=data["status"])
        if data.get("year") and "year" not in skip:
            projects = projects.filter(year=data["year"])
        return projects


phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 \-]{4,19}$", _("Enter a phone number of digits only, e.g. 13812345678.")
)


class NeedForm(PrintableTextMixin, PleaseChooseMixin, forms.ModelForm):
    """Residents raise a need. The contact stays private: only office staff see it."""

    # Honeypot: hidden from people by CSS, filled in by bots.
    website = forms.CharField(label=_("Leave this empty"), required=False)

    class Meta:
        model = Need
        fields = ["community", "category", "text", "contact_name", "contact_phone"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 5, "maxlength": 1000}),
            "contact_phone": forms.TelInput(attrs={"autocomplete": "tel"}),
        }
        help_texts = {
            "text": _("What would make life in your community better? At most 1000 characters."),
            "contact_name": _("Optional. Only the town office sees it."),
            "contact_phone": _("Optional. Only the town office sees it, to ask you more."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.filter(is_active=True)
        self.fields["community"].choices = grouped_communities(
            self.fields["community"].queryset, _("Choose your village or residential area")
        )
        self.fields["text"].validators.append(MinLengthValidator(5))
        self.fields["contact_phone"].validators.append(phone_validator)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Your submission could not be accepted."))
        return ""

    def clean_text(self):
        return self.cleaned_data["text"].strip()


class NeedLookupForm(forms.Form):
    """A resident types the tracking code they were given: case and spaces don't matter."""

    code = forms.CharField(label=_("Tracking code"), max_length=64)

    def clean_code(self):
        code = normalise_tracking_code(self.cleaned_data["code"])
        matches = list(Need.objects.filter(tracking_code__iexact=code)[:2])
        if len(matches) > 1:  # two older codes differing only in case: the exact one wins
            matches = [need for need in matches if need.tracking_code == code]
        if len(matches) != 1:
            raise forms.ValidationError(
                _("No need has this tracking code. Please check it and try again.")
            )
        self.need = matches[0]
        return code


class DeclineForm(PrintableTextMixin, forms.Form):
    reply = forms.CharField(
        label=_("Reason (shown to the resident)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )

    def clean_reply(self):
        reply = self.cleaned_data["reply"].strip()
        if not reply:
            raise forms.ValidationError(_("Give residents a reason when declining a need."))
        return reply


class LinkNeedForm(PleaseChooseMixin, forms.Form):
    """Accept a need into a project that already exists."""

    project = forms.ModelChoiceField(label=_("project"), queryset=Project.objects.none())

    def __init__(self, *args, need, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            Project.objects.filter(community=need.community)
            .exclude(status__in=[Project.Status.COMPLETED, Project.Status.CANCELLED])
            .order_by("-year", "title")
        )


class NeedFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), required=False)
    community = forms.ModelChoiceField(
        label=_("community"), queryset=Community.objects.all(), required=False,
        empty_label=_("All communities"),
    )
    category = forms.ChoiceField(label=_("category"), required=False)
    # Not a menu of its own: set by the three lists' per-district counts.
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *Need.Status.choices]
        self.fields["category"].choices = [("", _("All categories")), *Category.choices]

    def filter(self, needs):
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("status"):
            needs = needs.filter(status=data["status"])
        if data.get("community"):
            needs = needs.filter(community=data["community"])
        if data.get("category"):
            needs = needs.filter(category=data["category"])
        if data.get("district"):
            needs = needs.filter(community__district=data["district"])
        return needs


class ProjectForm(PrintableTextMixin, PleaseChooseMixin, forms.ModelForm):
    """Office staff create and edit projects. The status moves only through transitions."""

    needs = forms.ModelMultipleChoiceField(
        queryset=Need.objects.filter(status=Need.Status.PENDING),
        required=False,
        widget=forms.MultipleHiddenInput,
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "description",
            "category",
            "community",
            "year",
            "key_works",
            "budget_estimate",
            "beneficiaries",
            "capacity",
            "previous",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.filter(is_active=True)
        previous = Project.objects.exclude(status=Project.Status.DRAFT).select_related(
            "community"
        )
        if self.instance.pk:
            previous = previous.exclude(pk=self.instance.pk)
        self.fields["previous"].queryset = previous.order_by("-year", "title")
        self.fields["previous"].label_from_instance = lambda p: f"{p.year} {p.title}"
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk and capacity < self.instance.adopted_count:
            raise forms.ValidationError(
                _("Already adopted by %(n)s units: capacity cannot be lower."),
                params={"n": self.instance.adopted_count},
            )
        return capacity


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=Project.Status.choices)
    # Set by the confirmation page: ending or reopening a project is never one tap.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why reopen it?"),
        max_length=200,
        required=False,
        help_text=_("Kept in the project's history."),
    )


class MilestoneForm(PrintableTextMixin, DatePickerLimitsMixin, PleaseChooseMixin, forms.ModelForm):
    dates_not_after_today = ("done_on",)

    class Meta:
        model = Milestone
        fields = ["title", "due_on", "done_on", "evidence"]
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "done_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }


MilestoneFormSet = forms.inlineformset_factory(
    Project, Milestone, form=MilestoneForm, extra=1, can_delete=False
)


# --- Joint meeting, adoption, renewals and the liaison portal -----------------------

MAX_PHOTOS = 4
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_SIDE = 1600
ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
# Pixels as decoded (a JPEG decodes at a reduced scale when that still covers
# MAX_PHOTO_SIDE): a photo over the first bound, or photos of one request over the second
# together, are refused before they are decoded. Pillow keeps 4 bytes a pixel, and one
# photo is decoded at a time: a worker's peak grows by about 70 MB at most. Pillow's
# decompression-bomb limit is per image, so never enough alone.
MAX_PHOTO_PIXELS = 16_000_000
MAX_REQUEST_PIXELS = 40_000_000


class JointMeetingForm(PrintableTextMixin, DatePickerLimitsMixin, forms.ModelForm):
    class Meta:
        model = JointMeeting
        fields = ["title", "held_on", "venue"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class AdoptForm(PrintableTextMixin, forms.Form):
    commitment = forms.CharField(
        label=_("Our commitment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What your unit will do for this project, e.g. funds, people, dates."),
    )


class RecordForm(PrintableTextMixin, PleaseChooseMixin, forms.Form):
    """Staff record an adoption on a unit's behalf: type a name, pick it, press Enter."""

    unit = forms.CharField(
        label=_("Member unit"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"list": "unit-names", "autofocus": True, "autocomplete": "off"}
        ),
    )
    project = forms.CharField(
        label=_("Project"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "project-names", "autocomplete": "off"}),
    )
    commitment = forms.CharField(label=_("Commitment"), max_length=2000, required=False)

    def clean_unit(self):
        name = self.cleaned_data["unit"].strip()
        unit = MemberUnit.objects.members().filter(name=name).first()
        if unit is None:
            raise forms.ValidationError(_("No member unit has this name."))
        return unit

    def clean_project(self):
        value = self.cleaned_data["project"].strip()
        match = re.match(r"^#?(\d+)\b", value)
        if match:
            project = Project.objects.filter(pk=int(match.group(1))).first()
        else:
            # Prefer the one open project of this name; else the newest taken one, so
            # the form can say "already adopted" rather than "not found".
            found = list(Project.objects.filter(title=value, status=Project.Status.OPEN)[:2])
            if not found:
                found = list(
                    Project.objects.filter(title=value)
                    .exclude(status__in=[Project.Status.DRAFT, Project.Status.CANCELLED])
                    .order_by("-year", "-id")[:1]
                )
            project = found[0] if len(found) == 1 else None
        if project is None:
            raise forms.ValidationError(_("Pick a project from the list."))
        return project

    @staticmethod
    def project_label(project):
        return f"#{project.pk} {project.title}（{project.community}）"


class RenewalConfirmForm(PrintableTextMixin, forms.Form):
    commitment = forms.CharField(
        label=_("This year's commitment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RenewalDropForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=200, required=False)


class MilestoneDoneForm(forms.Form):
    """Mark one milestone done. A page lists many open milestones, each with this form:
    the milestone's prefix keeps their ids (and names) apart."""

    evidence = forms.CharField(
        label=_("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, milestone, **kwargs):
        super().__init__(*args, prefix=f"milestone-{milestone.pk}", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        files = data if isinstance(data, (list, tuple)) else [data]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("Upload at most %(n)d photos.") % {"n": MAX_PHOTOS}, code="too_many"
            )
        budget = PixelBudget(MAX_REQUEST_PIXELS)
        return [reencode_photo(f, budget) for f in files]


class PixelBudget:
    """How many decoded pixels one request may still spend on photos."""

    def __init__(self, pixels):
        self.left = pixels

    def spend(self, pixels):
        if pixels > self.left:
            raise forms.ValidationError(
                _("These photos are too large together. Upload fewer or smaller photos."),
                code="too_many_pixels_together",
            )
        self.left -= pixels


def reencode_photo(upload, budget=None):
    """Check an upload is a real JPEG/PNG/WebP photo; return it as a clean JPEG.

    The type is read from the content, not the name. Re-encoding drops EXIF (location!)
    and other metadata, applies the camera's rotation and caps the longer side.
    """
    if upload.size > MAX_PHOTO_BYTES:
        raise forms.ValidationError(
            _("Each photo must be at most 5 MB."), code="too_large"
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            probe.verify()
        if image_format not in ALLOWED_IMAGE_FORMATS:
            raise forms.ValidationError(
                _("Only JPEG, PNG or WebP photos can be uploaded."), code="bad_type"
            )
        upload.seek(0)
        with Image.open(upload) as image:
            # JPEG: let the decoder scale down by 1/2, 1/4 or 1/8 while it still covers
            # the size kept; nothing is decoded yet, only the size that will be.
            width, height = image.size
            scale = MAX_PHOTO_SIDE / max(width, height, 1)
            if scale < 1:
                image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
                width, height = image.size
            if width * height > MAX_PHOTO_PIXELS:
                raise forms.ValidationError(
                    _("This photo is too large."), code="too_many_pixels"
                )
            (budget or PixelBudget(MAX_PHOTO_PIXELS)).spend(width * height)
            # Shrink first, then rotate: exif_transpose copies the image it is given.
            image.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, (255, 255, 255))
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            elif image.mode == "L":
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)
    except forms.ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise forms.ValidationError(
            _("This file is not a photo we can read. Use JPEG, PNG or WebP."), code="bad_image"
        ) from None
    return ContentFile(out.getvalue(), name="photo.jpg")


class ProgressUpdateForm(PrintableTextMixin, forms.Form):
    text = forms.CharField(
        label=_("How is the project going?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = MultiplePhotoField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to 4 photos, JPEG, PNG or WebP, at most 5 MB each."),
    )


# --- Two-way matching (双向认领) ----------------------------------------------------------------


class ProposeMatchForm(PrintableTextMixin, forms.Form):
    """Offer a resource for a need: a liaison picks one of their unit's, the office any."""

    resource = forms.ModelChoiceField(
        label=_("resource"),
        queryset=Resource.objects.none(),
        error_messages={
            "required": _("Choose a resource."),
            "invalid_choice": _("Choose a resource."),
        },
    )
    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources


class MatchDeclineForm(PrintableTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the unit a reason when declining a match.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the unit a reason when declining a match."))
        return reason


class OpenProjectForm(forms.Form):
    adopt_now = forms.BooleanField(
        label=_("The unit adopts it right away (no need to wait for the joint meeting)"),
        required=False,
    )
