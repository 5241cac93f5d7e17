"""Each unit's record: what it put in (contributions) and its year-end assessment."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from units.models import FOUNDING_YEAR, InCouncil, council_manager, today
from core.dates import DateRange, date_within_sense


def evidence_photo_path(instance, filename):
    return f"contributions/{instance.unit_id}/{secrets.token_hex(8)}.jpg"


#: Sane upper bounds of one row, per kind: what a town's member unit could give at once.
#: Larger figures are typing mistakes (or attacks) that would dwarf every total.
MAX_FUNDS = 10_000_000  # yuan
MAX_VALUE = 1_000_000  # yuan, estimated value of goods or a venue
MAX_PEOPLE = 10_000  # person-times
MAX_HOURS = 100_000


class ContributionQuerySet(models.QuerySet):
    def in_year(self, year):
        return self.filter(contributed_on__year=year)

    def confirmed(self):
        """Rows the office confirmed: the only ones public figures count."""
        return self.filter(status=Contribution.Status.CONFIRMED)

    @staticmethod
    def _sums():
        kinds = Contribution.Kind
        s = models.Sum
        return {
            "funds": s("amount", filter=Q(kind=kinds.FUNDS)),
            "volunteer_people": s("people", filter=Q(kind=kinds.VOLUNTEER_HOURS)),
            "volunteer_hours": s("hours", filter=Q(kind=kinds.VOLUNTEER_HOURS)),
            "goods_count": models.Count("id", filter=Q(kind=kinds.GOODS)),
            "goods_value": s("amount", filter=Q(kind=kinds.GOODS)),
            "venue_count": models.Count("id", filter=Q(kind=kinds.VENUE)),
            "total": models.Count("id"),
        }

    def totals(self):
        """Sums by kind, in one query: what a project page or a report shows."""
        return self.order_by().aggregate(**self._sums())

    def totals_by(self, field):
        """The same sums for each value of ``field`` (one row each, with ``field``), in one
        query: the district roll-up's contributions per council."""
        return self.order_by().values(field).annotate(**self._sums())


class Contribution(InCouncil):
    """投入: what a unit put into a project, or into a pairing on its visits."""

    council_source = ("project", "pairing")

    class Kind(models.TextChoices):
        FUNDS = "funds", _("funds")
        VOLUNTEER_HOURS = "volunteer_hours", _("volunteer service")
        GOODS = "goods", _("goods")
        # 场地, as on the resource list; a meeting's "venue" is its 地点.
        VENUE = "venue", pgettext_lazy("contribution kind", "venue")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("awaiting confirmation")
        CONFIRMED = "confirmed", _("confirmed")

    unit = models.ForeignKey(
        "units.MemberUnit",
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
    )
    pairing = models.ForeignKey(
        "units.Pairing",
        verbose_name=_("pairing"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_FUNDS)],
        help_text=_("Funds given, or the estimated value of goods or a venue."),
    )
    people = models.PositiveIntegerField(
        _("volunteers (person-times)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_PEOPLE)],
    )
    hours = models.DecimalField(
        _("volunteer hours"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_HOURS)],
    )
    description = models.CharField(_("what was given"), max_length=200, blank=True)
    contributed_on = models.DateField(_("date"), default=today, validators=[DateRange()])
    note = models.TextField(_("note"), max_length=1000, blank=True)
    evidence = models.ImageField(
        _("evidence photo"), upload_to=evidence_photo_path, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECORDED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    #: Bumped by every change; a page sends the version it showed, and a change based on an
    #: older one is refused (``confirm``, ``save_if_unchanged``).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords()
    objects = council_manager(ContributionQuerySet)

    class Meta:
        ordering = ["-contributed_on", "-id"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False, pairing__isnull=True)
                | Q(project__isnull=True, pairing__isnull=False),
                name="contribution_to_project_xor_pairing",
            ),
            models.CheckConstraint(
                condition=Q(status="recorded", confirmed_at__isnull=True)
                | Q(status="confirmed", confirmed_at__isnull=False),
                name="contribution_confirmed_at_iff_confirmed",
            ),
            date_within_sense("contributed_on", "contribution_date_within_sense"),
        ]
        indexes = [
            models.Index(fields=["unit", "contributed_on"], name="contribution_unit_date"),
            # A year's contributions across the network: the annual report's totals.
            models.Index(fields=["contributed_on"], name="contribution_date"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()} · {self.contributed_on}"

    @property
    def target(self):
        return self.project if self.project_id else self.pairing

    @property
    def is_locked(self):
        """A confirmed contribution is locked: only office staff correct it, with a reason."""
        return self.status == self.Status.CONFIRMED

    def clean(self):
        errors = {}
        kinds = self.Kind
        if self.kind == kinds.FUNDS and not self.amount:
            errors["amount"] = _("Enter the amount of funds in yuan.")
        elif self.kind == kinds.VOLUNTEER_HOURS:
            if not self.people:
                errors["people"] = _("Enter how many volunteers (person-times) took part.")
            if not self.hours:
                errors["hours"] = _("Enter the volunteer hours.")
        elif self.kind == kinds.GOODS:
            if not self.description.strip():
                errors["description"] = _("Describe the goods given.")
            if self.amount is None:
                errors["amount"] = _("Enter the goods' estimated value in yuan.")
        elif self.kind == kinds.VENUE and not self.description.strip():
            errors["description"] = _("Describe the venue provided.")
        if (
            self.kind in (kinds.GOODS, kinds.VENUE)
            and self.amount is not None
            and self.amount > MAX_VALUE
            and "amount" not in errors
        ):
            errors["amount"] = _(
                "An estimated value above %(max)s yuan is not plausible; check the figure."
            ) % {"max": f"{MAX_VALUE:,}"}
        if errors:
            raise ValidationError(errors)

    def confirm(self, by, version):
        """Office staff confirm the row as they saw it (``version``); it is locked from then
        on. Returns False, writing nothing, if it was confirmed or changed since."""
        now = timezone.now()
        with transaction.atomic():
            claimed = Contribution.objects.filter(
                pk=self.pk, status=self.Status.RECORDED, version=version
            ).update(
                status=self.Status.CONFIRMED,
                confirmed_by=by,
                confirmed_at=now,
                version=F("version") + 1,
            )
            if claimed:
                self.status, self.confirmed_by, self.confirmed_at = self.Status.CONFIRMED, by, now
                self.version = version + 1
                # The update above bypasses save(): record the change in the history by hand.
                self._change_reason = "confirmed"
                self.save(update_fields=["status", "confirmed_by", "confirmed_at", "version"])
        return bool(claimed)

    def save_if_unchanged(self, version, *, correcting=False):
        """Save this edit only if the row is still at ``version``, the one its editor saw,
        and (unless office staff are correcting it) still unconfirmed.

        The conditional UPDATE claims the row first: on PostgreSQL it waits for a
        confirmation in flight and then finds the version moved on. Returns False, writing
        nothing, when someone else changed the row first."""
        rows = Contribution.objects.filter(pk=self.pk, version=version)
        if not correcting:
            rows = rows.filter(status=self.Status.RECORDED)
        with transaction.atomic():
            if not rows.update(version=F("version") + 1):
                return False
            self.version = version + 1
            self.save()
        return True

    def changes_since(self, version):
        """What changed since ``version``, for the person whose change lost: a list of
        ``(field label, then, now)`` read from the row's history; and who changed it."""
        history = self.history.order_by("-history_id")
        then, now = history.filter(version=version).first(), history.first()
        if then is None or now is None:
            return [], None
        changes = []
        for change in now.diff_against(then, excluded_fields=CHANGE_IGNORED).changes:
            field = self._meta.get_field(change.field)
            labels = dict(field.flatchoices) if field.choices else {}
            changes.append(
                (
                    field.verbose_name,
                    labels.get(change.old, change.old),
                    labels.get(change.new, change.new),
                )
            )
        return changes, now.history_user


CHANGE_IGNORED = ["version", "confirmed_at", "confirmed_by", "recorded_by", "created_at"]


class AnnualAssessment(InCouncil):
    """年度考评: one unit's year, as the office finalised it (a snapshot), rated and remarked."""

    class Rating(models.TextChoices):
        EXCELLENT = "excellent", _("excellent")
        GOOD = "good", _("good")
        PASS = "pass", _("pass")
        FAIL = "fail", _("needs improvement")

    unit = models.ForeignKey(
        "units.MemberUnit",
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FOUNDING_YEAR), MaxValueValidator(2100)]
    )
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices, blank=True)
    remark = models.TextField(_("remark"), max_length=1000, blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    objects = council_manager()

    class Meta:
        ordering = ["-year", "unit__name"]
        verbose_name = _("annual assessment")
        verbose_name_plural = _("annual assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["council", "unit", "year"], name="one_assessment_per_unit_year"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.year}"

    @property
    def is_final(self):
        return self.finalised_at is not None


class AssessmentFinalisation(InCouncil):
    """Each time the office finalises (or re-finalises) a year: who, when, how many units."""

    year = models.PositiveSmallIntegerField(_("year"))
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    finalised_at = models.DateTimeField(_("finalised at"), auto_now_add=True)
    unit_count = models.PositiveIntegerField(_("units"), default=0)

    objects = council_manager()

    class Meta:
        ordering = ["-finalised_at", "-id"]
        verbose_name = _("finalisation of a year")
        verbose_name_plural = _("finalisations of a year")

    def __str__(self):
        return f"{self.year} @ {self.finalised_at:%Y-%m-%d %H:%M}"
