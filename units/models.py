"""The registry: the "1+5+N" structure of the regional party-building network.

The council is the hub ("1"), five districts are the spokes ("5") and pairings
between communities and member units are the links ("N").
"""

import datetime

from django.apps import apps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopeError, get_scope
from simple_history.models import HistoricalRecords

from core.categories import Category as ProjectCategory
from core.dates import BRANCH_EARLIEST, DateRange, date_within_sense
from core.models import Audited

FOUNDING_YEAR = 1997


def today():
    """Today in the town's time zone (the server may run on UTC)."""
    return timezone.localdate()


class Council(models.Model):
    """联席会议: one town's or street's network, the "1" of its "1+5+N".

    A deployment serves one council (Zhujing, at the site's root) or every council of a
    district, each at its own host name or path prefix. A council owns its 片区, communities,
    pairings, visits, meetings, needs, projects, resources and assessments; member units are
    shared and take part through a ``Membership`` per council.
    """

    class Kind(models.TextChoices):
        TOWN = "town", _("town")
        STREET = "street", _("street")

    name = models.CharField(_("name"), max_length=100, unique=True)
    network_name = models.CharField(
        _("network name"),
        max_length=100,
        blank=True,
        help_text=_("The network's own name, such as “心联鑫”."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TOWN)
    slug = models.SlugField(
        _("address"),
        max_length=40,
        unique=True,
        help_text=_("The path prefix of its pages, such as /c/zhujing/."),
    )
    host = models.CharField(
        _("host name"),
        max_length=253,
        blank=True,
        help_text=_("Its own host name, if it has one (such as zhujing.example.org)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        constraints = [
            models.UniqueConstraint(
                fields=["host"], condition=~Q(host=""), name="one_council_per_host"
            )
        ]

    def __str__(self):
        return self.name

    #: The council a new deployment starts with (the migration's, or the first one a
    #: database emptied since then needs).
    FIRST = {"name": "朱泾镇", "network_name": "心联鑫", "kind": "town", "slug": "zhujing"}

    @classmethod
    def first_id(cls):
        """The deployment's first council: the one served at the site's root."""
        first = cls.objects.values_list("id", flat=True).first()
        if first is None:
            first = cls.objects.get_or_create(slug=cls.FIRST["slug"], defaults=cls.FIRST)[0].pk
        return first


def current_council_id():
    """The council a new row belongs to when the code creating it does not say: the one the
    running request or task is scoped to (django-scopes), else the deployment's first."""
    council = get_scope().get("council")
    if isinstance(council, Council):
        return council.pk
    if isinstance(council, int):
        return council
    return Council.first_id()


class CouncilScopedQuerySet(models.QuerySet):
    """A query of a council-owned model, filtered by the council the running request or
    task is scoped to (django-scopes: ``scope(council=<id>)``; ``scopes_disabled()`` reads
    across councils deliberately).

    Built outside any scope (a form field's choices or a ``Prefetch`` defined when a module
    is imported), it waits: the copy a form or a query makes inside a scope takes that
    scope's filter, and running it while still outside any scope raises ``ScopeError``.
    django-scopes' own manager raises as the query is built, which rules out the choices
    of a ``ModelChoiceField`` declared on a form class."""

    #: The lookup that leads to the council (``project__council`` for milestones).
    council_path = "council"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._awaiting_scope = False

    def _in_scope(self):
        current = get_scope()
        if not current.get("_enabled", True):
            self._awaiting_scope = False
        elif "council" not in current:
            self._awaiting_scope = True
        else:
            self._awaiting_scope = False
            council = current["council"]
            if isinstance(council, (list, tuple)):
                self.query.add_q(Q(**{f"{self.council_path}__in": council}))
            elif council is not None:
                self.query.add_q(Q(**{self.council_path: council}))
        return self

    def _clone(self):
        clone = super()._clone()
        clone._awaiting_scope = False
        return clone._in_scope() if self._awaiting_scope else clone

    def _needs_scope(self):
        if self._awaiting_scope:
            raise ScopeError(
                f"{self.model.__name__}: a council scope needs to be active for this query "
                "(django_scopes.scope(council=...) or scopes_disabled())."
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._needs_scope()
        super()._fetch_all()

    # Every other way a query reaches the database without making a copy first.
    def count(self):
        self._needs_scope()
        return super().count()

    def exists(self):
        self._needs_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._needs_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._needs_scope()
        return super().update(**kwargs)

    def delete(self):
        self._needs_scope()
        return super().delete()

    def iterator(self, chunk_size=None):
        self._needs_scope()
        return super().iterator(chunk_size=chunk_size)

    def explain(self, **options):
        self._needs_scope()
        return super().explain(**options)


class CouncilManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset()._in_scope()


def council_manager(queryset_class=models.QuerySet, path="council"):
    """The default manager of a council-owned model: every query filters by the council in
    scope and raises ``ScopeError`` outside any scope (``CouncilScopedQuerySet``). ``path``
    leads to the council; the model's own QuerySet methods stay. ``_base_manager`` (forward
    relations, ``obj.project``) stays plain: it follows a row already read in scope."""
    queryset = type(
        f"Council{queryset_class.__name__}",
        (CouncilScopedQuerySet, queryset_class),
        {"council_path": path, "__module__": queryset_class.__module__},
    )
    return CouncilManager.from_queryset(queryset)()


class InCouncil(models.Model):
    """Owned by one council. ``council_source`` names the fields a new row takes its council
    from (a community, a pairing, a project), the first one set; otherwise the scope's."""

    council = models.ForeignKey(
        Council,
        verbose_name=_("council"),
        on_delete=models.PROTECT,
        default=current_council_id,
        editable=False,
        related_name="%(class)ss",
    )
    council_source = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            for source in self.council_source:
                derived = council_of(source, getattr(self, f"{source}_id"))
                if derived:
                    self.council_id = derived
                    break
        super().save(*args, **kwargs)


def council_of(source, pk):
    """The council of the community, pairing or project ``pk`` (None if there is none)."""
    if not pk:
        return None
    if source == "community":
        return (
            Community._base_manager.filter(pk=pk)
            .values_list("district__council_id", flat=True)
            .first()
        )
    label = {"pairing": "units.Pairing", "project": "projects.Project"}[source]
    model = apps.get_model(label)
    return model._base_manager.filter(pk=pk).values_list("council_id", flat=True).first()


class District(models.Model):
    """片区: three urban community districts and two rural ones."""

    class Kind(models.TextChoices):
        COMMUNITY = "community", _("community district")
        RURAL = "rural", _("rural district")

    council = models.ForeignKey(
        Council,
        verbose_name=_("council"),
        on_delete=models.PROTECT,
        default=current_council_id,
        related_name="districts",
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    objects = council_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.UniqueConstraint(fields=["council", "name"], name="district_name_per_council")
        ]

    def __str__(self):
        return self.name


class Community(models.Model):
    """村居: a village or a residential area."""

    class Kind(models.TextChoices):
        VILLAGE = "village", _("village")
        RESIDENTIAL = "residential", _("residential area")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="communities"
    )
    is_active = models.BooleanField(_("active"), default=True)
    signature_brand = models.CharField(
        _("signature brand"),
        max_length=100,
        blank=True,
        help_text=_("The community's featured brand (“一居一品”), if it has one."),
    )

    history = HistoricalRecords()

    objects = council_manager(path="district__council")

    class Meta:
        ordering = ["district__position", "name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self):
        return self.name


class MemberUnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def members(self):
        """The units taking part in the council in scope now (an active membership)."""
        return self.filter(pk__in=Membership.objects.filter(is_active=True).values("unit_id"))

    def in_council(self):
        """The units that take part in the council in scope (a membership there, current
        or ended): the registry's units. A unit is one record for the deployment; this
        council's office sees and edits the units of its own network only."""
        return self.filter(pk__in=Membership.objects.values("unit_id"))


class MemberUnit(models.Model):
    """成员单位: one of the member units of the network."""

    class Category(models.TextChoices):
        ORGAN = "organ", _("city or district organ")
        STATIONED = "stationed", _("stationed unit")
        ENTERPRISE = "enterprise", _("new economic organisation")
        SOCIAL_ORG = "social_org", _("new social organisation")

    class Level(models.TextChoices):
        CITY = "city", _("city level")
        DISTRICT = "district", _("district level")

    name = models.CharField(_("name"), max_length=200, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    level = models.CharField(
        _("level"),
        max_length=20,
        choices=Level.choices,
        blank=True,
        help_text=_("Only for organs: city or district level."),
    )
    party_org_name = models.CharField(_("party organisation"), max_length=200, blank=True)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        help_text=_("The district the unit mainly serves, if any."),
    )
    # Private: shown to office staff and the unit's own liaisons only.
    liaison_name = models.CharField(_("liaison name"), max_length=50, blank=True)
    liaison_phone = models.CharField(_("liaison phone"), max_length=30, blank=True)
    liaison_email = models.EmailField(_("liaison email"), blank=True)
    joined_year = models.PositiveSmallIntegerField(
        _("year joined"),
        validators=[MinValueValidator(FOUNDING_YEAR), MaxValueValidator(2100)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    left_on = models.DateField(_("left on"), null=True, blank=True, validators=[DateRange()])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = MemberUnitQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")
        constraints = [
            models.CheckConstraint(
                condition=Q(category="organ", level__in=["city", "district"])
                | (~Q(category="organ") & Q(level="")),
                name="unit_level_only_for_organs",
            ),
            models.CheckConstraint(
                condition=Q(is_active=True, left_on__isnull=True)
                | Q(is_active=False, left_on__isnull=False),
                name="unit_left_on_iff_inactive",
            ),
            date_within_sense("left_on", "unit_left_on_within_sense"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.category == self.Category.ORGAN and not self.level:
            raise ValidationError({"level": _("An organ must be city or district level.")})
        if self.category != self.Category.ORGAN and self.level:
            raise ValidationError({"level": _("Only organs have a level.")})

    @property
    def is_organ_or_stationed(self):
        return self.category in (self.Category.ORGAN, self.Category.STATIONED)

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding and council_in_scope() is not None:
            # Made in a council: its member there, as it stands (a unit recorded as having
            # left is a member who left).
            Membership._base_manager.get_or_create(
                unit=self,
                council_id=council_in_scope(),
                defaults={
                    "joined_year": self.joined_year,
                    "district_id": self.district_id,
                    "is_active": self.is_active,
                    "left_on": self.left_on,
                },
            )

    def join(self, council_id=None):
        """Take part in a council (the one in scope by default): its membership, made or
        resumed. A unit already in another town's network joins this one with the same
        record. Returns the membership."""
        council_id = council_id or council_in_scope() or Council.first_id()
        membership, created = Membership._base_manager.get_or_create(
            unit=self,
            council_id=council_id,
            defaults={"joined_year": self.joined_year, "district_id": self.district_id},
        )
        if not created and not membership.is_active:
            membership.is_active, membership.left_on = True, None
            membership.save(update_fields=["is_active", "left_on"])
        return membership

    def takes_part_here(self):
        """An active member of the council in scope."""
        return Membership.objects.filter(unit=self, is_active=True).exists()

    def deactivate(self, on=None):
        """The unit leaves the network of the council in scope: its membership there ends.
        The unit itself is inactive once it takes part nowhere. Units are never deleted:
        their history stays."""
        on = on or timezone.localdate()
        council_id = council_in_scope() or Council.first_id()
        Membership._base_manager.filter(unit=self, council_id=council_id, is_active=True).update(
            is_active=False, left_on=on
        )
        if Membership._base_manager.filter(unit=self, is_active=True).exists():
            return
        self.is_active = False
        self.left_on = on
        self.save(update_fields=["is_active", "left_on", "updated_at"])

    def reactivate(self):
        self.join()
        self.is_active = True
        self.left_on = None
        self.save(update_fields=["is_active", "left_on", "updated_at"])


def council_in_scope():
    """The id of the council the running request or task is scoped to, if any."""
    council = get_scope().get("council") if get_scope().get("_enabled", True) else None
    return getattr(council, "pk", council) if not isinstance(council, (list, tuple)) else None


class Membership(models.Model):
    """成员资格: a member unit's place in one council's network. A unit is one record for the
    whole deployment (a district organ paired in three towns is entered once) and holds a
    membership in each council it serves: when it joined and left there, and the 片区 it
    mainly serves there. Memberships end, they are never deleted."""

    unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    council = models.ForeignKey(
        Council,
        verbose_name=_("council"),
        on_delete=models.PROTECT,
        default=current_council_id,
        related_name="memberships",
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    joined_year = models.PositiveSmallIntegerField(
        _("year joined"),
        validators=[MinValueValidator(FOUNDING_YEAR), MaxValueValidator(2100)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    left_on = models.DateField(_("left on"), null=True, blank=True, validators=[DateRange()])

    history = HistoricalRecords()

    objects = council_manager()

    class Meta:
        ordering = ["council", "unit__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["unit", "council"], name="one_membership_per_council"),
            models.CheckConstraint(
                condition=Q(is_active=True, left_on__isnull=True)
                | Q(is_active=False, left_on__isnull=False),
                name="membership_left_on_iff_inactive",
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.council}"

    @classmethod
    def enrol_units_without_one(cls):
        """Units that take part in no council (rows a loader created in bulk) become
        members of the first council, as the migration that brought memberships did."""
        council_id = Council.first_id()
        cls._base_manager.bulk_create(
            [
                cls(
                    unit_id=unit.pk,
                    council_id=council_id,
                    district_id=unit.district_id,
                    joined_year=unit.joined_year,
                    is_active=unit.is_active,
                    left_on=unit.left_on,
                )
                for unit in MemberUnit.objects.filter(memberships__isnull=True)
            ],
            ignore_conflicts=True,
        )


class PartyBranch(models.Model):
    """A frontline party branch set up where people are served."""

    class Kind(models.TextChoices):
        FIELD = "field", _("field branch")
        WORKSHOP = "workshop", _("workshop branch")
        SERVICE_WINDOW = "service_window", _("service-window branch")
        GRID = "grid", _("grid branch")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
    )
    unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
    )
    established_on = models.DateField(
        _("established on"), null=True, blank=True, validators=[DateRange(BRANCH_EARLIEST)]
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("party branch")
        verbose_name_plural = _("party branches")
        constraints = [
            models.CheckConstraint(
                condition=Q(community__isnull=False, unit__isnull=True)
                | Q(community__isnull=True, unit__isnull=False),
                name="branch_attached_to_community_xor_unit",
            ),
            date_within_sense("established_on", "branch_established_within_sense", BRANCH_EARLIEST),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if bool(self.community_id) == bool(self.unit_id):
            raise ValidationError(_("Attach the branch to either a community or a member unit."))


class PairingQuerySet(models.QuerySet):
    def with_last_visit(self):
        """Annotate ``last_visited_on`` (None when never visited), one correlated subquery:
        the newest visit read from the (pairing, -visited_on) index, one entry per pairing
        (a MAX() grouped by pairing read every visit of every pairing instead)."""
        last = (
            Visit.objects.filter(pairing=OuterRef("pk"))
            .order_by("-visited_on")
            .values("visited_on")[:1]
        )
        return self.annotate(last_visited_on=Subquery(last))

    def current(self, today=None):
        """Active pairings that have not reached their end date."""
        today = today or timezone.localdate()
        return self.filter(status=Pairing.Status.ACTIVE).filter(
            Q(ended_on=None) | Q(ended_on__gt=today)
        )


class Pairing(Audited, InCouncil):
    """结对: a link between a community and a member unit, or two communities."""

    council_source = ("community",)

    class Health(models.TextChoices):
        """结对活跃度, derived from the visits and the cadence; never stored."""

        OK = "ok", pgettext_lazy("pairing health", "ok")
        DUE = "due", pgettext_lazy("pairing health", "due")
        OVERDUE = "overdue", pgettext_lazy("pairing health", "overdue")
        NEVER = "never", pgettext_lazy("pairing health", "never visited")

    class Mode(models.TextChoices):
        VILLAGE_COMMUNITY = "village_community", _("village–community co-building")
        CO_RESIDENT = "co_resident", _("co-resident co-building")
        SELF_INITIATED = "self_initiated", _("self-initiated co-building")

    class Programme(models.TextChoices):
        DOUBLE_HUNDRED = "double_hundred", _("double-hundred pairing")
        URBAN_RURAL = "urban_rural", _("urban–rural pairing")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        ENDED = "ended", _("ended")

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="pairings"
    )
    unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairings",
    )
    partner_community = models.ForeignKey(
        Community,
        verbose_name=_("partner community"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_pairings",
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    programme = models.CharField(
        _("programme"), max_length=20, choices=Programme.choices, blank=True
    )
    started_on = models.DateField(_("started on"), default=today, validators=[DateRange()])
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=[DateRange()])
    agreement_signed_on = models.DateField(
        _("agreement signed on"), null=True, blank=True, validators=[DateRange()]
    )
    visit_cadence_days = models.PositiveSmallIntegerField(
        _("visit cadence (days)"),
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(366)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    note = models.TextField(_("note"), blank=True)

    objects = council_manager(PairingQuerySet)

    class Meta:
        ordering = ["community__name", "id"]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, partner_community__isnull=True)
                | Q(unit__isnull=True, partner_community__isnull=False),
                name="pairing_has_one_counterpart",
            ),
            models.CheckConstraint(
                condition=~Q(partner_community=models.F("community")),
                name="pairing_not_with_itself",
            ),
            models.UniqueConstraint(
                fields=["community", "unit"],
                condition=Q(status="active", unit__isnull=False),
                name="one_active_pairing_per_unit_and_community",
            ),
            models.UniqueConstraint(
                fields=["community", "partner_community"],
                condition=Q(status="active", partner_community__isnull=False),
                name="one_active_pairing_per_community_pair",
            ),
            date_within_sense("started_on", "pairing_started_within_sense"),
            date_within_sense("ended_on", "pairing_ended_within_sense"),
            date_within_sense("agreement_signed_on", "pairing_signed_within_sense"),
        ]

    def __str__(self):
        return f"{self.community} – {self.counterpart}"

    @property
    def counterpart(self):
        return self.unit if self.unit_id else self.partner_community

    @staticmethod
    def mode_for(unit=None, partner_community=None):
        """The only mode that fits the counterpart's kind."""
        if partner_community is not None:
            return Pairing.Mode.VILLAGE_COMMUNITY
        if unit is None:
            return None
        if unit.is_organ_or_stationed:
            return Pairing.Mode.CO_RESIDENT
        return Pairing.Mode.SELF_INITIATED

    def clean(self):
        errors = {}
        has_unit = self.unit_id is not None
        has_partner = self.partner_community_id is not None
        if has_unit == has_partner:
            errors["unit"] = _("Choose either a member unit or a partner community.")
        elif has_partner and self.partner_community_id == self.community_id:
            errors["partner_community"] = _("A community cannot pair with itself.")
        elif self.mode:
            expected = self.mode_for(
                unit=self.unit if has_unit else None,
                partner_community=self.partner_community if has_partner else None,
            )
            if expected != self.mode:
                if self.mode == self.Mode.VILLAGE_COMMUNITY:
                    msg = _("Village–community co-building pairs two communities.")
                elif self.mode == self.Mode.CO_RESIDENT:
                    msg = _("Co-resident co-building needs an organ or a stationed unit.")
                else:
                    msg = _(
                        "Self-initiated co-building needs an enterprise or a social organisation."
                    )
                errors["mode"] = msg
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The end date cannot be before the start date.")
        if errors:
            raise ValidationError(errors)

    def end(self, on=None):
        """The pairing stops; it stays on record with its visits."""
        self.status = self.Status.ENDED
        self.ended_on = on or timezone.localdate()
        if self.ended_on < self.started_on:
            self.ended_on = self.started_on
        self.save(update_fields=["status", "ended_on"])

    @staticmethod
    def visit_due_on(started_on, cadence_days, last_visited_on=None):
        """The one rule: the next visit is due a cadence after the last visit, or the start.

        A static function so the sweep can apply it to plain rows without loading models.
        """
        try:
            return (last_visited_on or started_on) + datetime.timedelta(days=cadence_days)
        except OverflowError:  # the calendar ends: due "never", not a 500
            return datetime.date.max

    def next_visit_due(self, last_visited_on=None):
        """When the next visit is due by the cadence, from the last visit or the start."""
        return self.visit_due_on(self.started_on, self.visit_cadence_days, last_visited_on)

    @classmethod
    def standing(cls, due, today):
        """``ok``, ``due`` (within ``REMINDER_VISIT_LEAD_DAYS``) or ``overdue`` for a due date.

        The reminders pick their kind from this too (``visit_due`` / ``visit_overdue``).
        """
        if due < today:
            return cls.Health.OVERDUE
        if due <= today + datetime.timedelta(days=settings.REMINDER_VISIT_LEAD_DAYS):
            return cls.Health.DUE
        return cls.Health.OK

    @classmethod
    def health_for(cls, due, today, last_visited_on):
        if last_visited_on is None:
            return cls.Health.NEVER
        return cls.standing(due, today)

    def _last_visit(self):
        if not hasattr(self, "last_visited_on"):
            self.last_visited_on = (
                self.visits.order_by("-visited_on").values_list("visited_on", flat=True).first()
            )
        return self.last_visited_on

    @property
    def next_due(self):
        return self.next_visit_due(self._last_visit())

    @property
    def health(self):
        """结对活跃度 today; uses the annotated ``last_visited_on`` when present."""
        return self.health_for(self.next_due, today(), self._last_visit())

    def get_health_display(self):
        return self.Health(self.health).label

    @property
    def visit_standing(self):
        """Where the next visit stands today (``ok``/``due``/``overdue``), visited or not."""
        return self.standing(self.next_due, today())

    @property
    def days_left(self):
        return (self.next_due - today()).days

    @property
    def days_overdue(self):
        return -self.days_left


#: Worst first (the health page's order and filter): overdue, never visited, due soon, fine.
HEALTH_ORDER = [Pairing.Health.OVERDUE, Pairing.Health.NEVER, Pairing.Health.DUE, Pairing.Health.OK]


class Visit(InCouncil):
    """走访: a visit by the unit to the community, on site or electronic."""

    council_source = ("pairing",)

    class Channel(models.TextChoices):
        ONSITE = "onsite", _("on site")
        ELECTRONIC = "electronic", _("electronic")

    class Service(models.TextChoices):
        """五百服务: what a visit gave."""

        DOOR = "door", _("knocked on doors")
        KNOW = "know", _("learned how families are")
        HELP = "help", _("helped with errands")
        SOLVE = "solve", _("solved a difficulty")
        WARM = "warm", _("brought warmth")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("date"), default=today, validators=[DateRange()])
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.ONSITE
    )
    visitors = models.CharField(_("who went"), max_length=200)
    households_visited = models.PositiveSmallIntegerField(_("households visited"), default=0)
    activities = models.TextField(_("what was given or done"), max_length=2000)
    follow_up = models.TextField(_("follow-up needed"), max_length=2000, blank=True)
    services = models.JSONField(_("services given"), default=list, blank=True)
    # The id the phone gave the visit when it was typed: a visit queued offline and sent
    # again (a retry, a double tap, two tabs) is stored once.
    client_id = models.UUIDField(
        _("id given on the phone"), null=True, blank=True, unique=True, editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    objects = council_manager()

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=["pairing", "-visited_on"], name="visit_pairing_date"),
            # A pairing's last visit read in a council's scope (the overdue badge on every
            # office page, pairing health): one index entry, not every visit of the pairing.
            models.Index(
                fields=["council", "pairing", "-visited_on"], name="visit_council_pairing_date"
            ),
            # A year's or a month's visits across the network: reports, statistics, assessment.
            models.Index(fields=["visited_on"], name="visit_date"),
        ]
        constraints = [date_within_sense("visited_on", "visit_date_within_sense")]

    def __str__(self):
        return f"{self.pairing} @ {self.visited_on}"

    def clean(self):
        super().clean()
        if not isinstance(self.services, list) or not set(self.services) <= set(
            self.Service.values
        ):
            raise ValidationError({"services": _("Choose services from the list.")})

    @property
    def service_labels(self):
        """The 五百 services given, in the list's order, as their labels."""
        return [label for value, label in self.Service.choices if value in self.services]


class ResourceQuerySet(models.QuerySet):
    def available(self, on=None):
        """资源清单's "still available": active, of an active unit, within its dates on ``on``."""
        on = on or today()
        return self.filter(is_active=True, unit__is_active=True).filter(
            Q(available_from=None) | Q(available_from__lte=on),
            Q(available_until=None) | Q(available_until__gte=on),
        )

    def not_expired(self, on=None):
        """Active resources that are available now or will be later (the suggestions' pool)."""
        on = on or today()
        return self.filter(is_active=True, unit__is_active=True).filter(
            Q(available_until=None) | Q(available_until__gte=on)
        )

    def for_category(self, category):
        """Resources that can serve ``category`` (a list in a JSON field, on every database)."""
        if connection.features.supports_json_field_contains:
            return self.filter(categories__contains=[category])
        return self.filter(categories__icontains=f'"{category}"')

    def serving_district(self, district):
        """Resources serving the whole town, the district, or one of its communities."""
        return self.filter(
            Q(districts=None, communities=None)
            | Q(districts=district)
            | Q(communities__district=district)
        ).distinct()


class Resource(Audited, InCouncil):
    """资源清单: what a member unit can offer communities (a hall, legal advice, volunteers…)."""

    class Kind(models.TextChoices):
        VENUE = "venue", pgettext_lazy("resource kind", "venue")
        EXPERTISE = "expertise", _("professional service")
        VOLUNTEERS = "volunteers", _("volunteer service")
        FUNDS = "funds", _("funds")
        GOODS = "goods", _("goods")
        OTHER = "other", _("other")

    class Measure(models.TextChoices):
        PERSON_TIMES = "person_times", _("person-times")
        HOURS = "hours", _("hours")
        YUAN = "yuan", _("yuan")
        SQUARE_METRES = "square_metres", _("square metres")
        ITEMS = "items", _("items")

    unit = models.ForeignKey(
        MemberUnit,
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        related_name="resources",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(
        pgettext_lazy("resource", "description"), max_length=2000, blank=True
    )
    # The six project categories (core.categories.Category) it can serve, one or more.
    categories = models.JSONField(_("project categories"), default=list)
    districts = models.ManyToManyField(
        District, verbose_name=_("districts served"), blank=True, related_name="resources"
    )
    communities = models.ManyToManyField(
        Community, verbose_name=_("communities served"), blank=True, related_name="resources"
    )
    quantity = models.DecimalField(
        _("quantity or amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    measure = models.CharField(
        _("unit of measure"), max_length=20, choices=Measure.choices, blank=True
    )
    available_from = models.DateField(
        _("available from"), null=True, blank=True, validators=[DateRange()]
    )
    available_until = models.DateField(
        _("available until"), null=True, blank=True, validators=[DateRange()]
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = council_manager(ResourceQuerySet)

    class Meta:
        ordering = ["unit__name", "title", "id"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [
            models.CheckConstraint(
                condition=Q(available_from=None)
                | Q(available_until=None)
                | Q(available_until__gte=F("available_from")),
                name="resource_dates_in_order",
            ),
            date_within_sense("available_from", "resource_from_within_sense"),
            date_within_sense("available_until", "resource_until_within_sense"),
            models.CheckConstraint(
                condition=Q(quantity=None) | Q(quantity__gte=0),
                name="resource_quantity_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["is_active", "kind"], name="resource_active_kind")]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if (
            not isinstance(self.categories, list)
            or not self.categories
            or not set(self.categories) <= set(ProjectCategory.values)
        ):
            errors["categories"] = _("Choose at least one category from the list.")
        if (
            self.available_from
            and self.available_until
            and self.available_until < self.available_from
        ):
            errors["available_until"] = _("The end date cannot be before the start date.")
        if errors:
            raise ValidationError(errors)

    @property
    def serves_everywhere(self):
        """No district or community chosen: the whole town. Uses prefetched rows when present."""
        return not self.districts.all() and not self.communities.all()

    def category_labels(self):
        return [label for value, label in ProjectCategory.choices if value in self.categories]

    def is_available(self, on=None):
        on = on or today()
        return (
            self.is_active
            and (self.available_from is None or self.available_from <= on)
            and (self.available_until is None or self.available_until >= on)
        )

    def deactivate(self):
        """资源 are never deleted: matches and history point at them."""
        self.is_active = False
        self.save(update_fields=["is_active", "updated_at"])
