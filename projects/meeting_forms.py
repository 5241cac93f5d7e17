"""Forms of the joint meeting, adoption, renewals and the liaison portal."""

import io
import re

from django import forms
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from units.models import MemberUnit

from .models import JointMeeting, Project

MAX_PHOTOS = 4
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_SIDE = 1600
ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
# A photo bigger than this many pixels is refused before it is decoded (decompression bombs).
MAX_PHOTO_PIXELS = 40_000_000


class JointMeetingForm(forms.ModelForm):
    class Meta:
        model = JointMeeting
        fields = ["title", "held_on", "venue"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class AdoptForm(forms.Form):
    commitment = forms.CharField(
        label=_("Our commitment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What your unit will do for this project, e.g. funds, people, dates."),
    )


class RecordForm(forms.Form):
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
        unit = MemberUnit.objects.filter(name=name).first()
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


class RenewalConfirmForm(forms.Form):
    commitment = forms.CharField(
        label=_("This year's commitment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RenewalDropForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=200, required=False)


class MilestoneDoneForm(forms.Form):
    evidence = forms.CharField(
        label=_("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


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
        return [reencode_photo(f) for f in files]


def reencode_photo(upload):
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
            width, height = probe.size
            probe.verify()
        if image_format not in ALLOWED_IMAGE_FORMATS:
            raise forms.ValidationError(
                _("Only JPEG, PNG or WebP photos can be uploaded."), code="bad_type"
            )
        if width * height > MAX_PHOTO_PIXELS:
            raise forms.ValidationError(_("This photo is too large."), code="too_many_pixels")
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
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


class ProgressUpdateForm(forms.Form):
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
