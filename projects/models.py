"""Community public-welfare projects: residents' needs, projects, adoption at the joint meeting."""

import io
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from PIL import Image
from simple_history.models import HistoricalRecords

from core.categories import Category  # noqa: F401  (re-exported: projects.models.Category)
from core.dates import DB_LATEST, EARLIEST, DateRange, date_within_sense, validate_year
from core.models import Audited
from core.sideeffects import after_commit
from units.models import InCouncil, Pairing, council_manager


class KeyWorks(models.TextChoices):
    """政府重点工程 that member units join."""

    RIVERS = "rivers", _("small and medium river improvement")
    LIGHTING = "lighting", _("street lighting")
    DEMOLITION = "demolition", _("illegal building removal")
    SHANTY = "shanty", _("shanty and shack renovation")


#: Tracking codes are read aloud and typed on phones: capitals and digits without the
#: look-alikes (0/O, 1/I/L), compared without case or spaces.
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_tracking_code():
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))


def normalise_tracking_code(text):
    """What a resident typed, as stored but for case: no spaces between the groups."""
    return re.sub(r"[\s\u3000]+", "", text or "")


class InvalidTransition(Exception):
    pass


class ProjectQuerySet(models.QuerySet):
    def public(self):
        """What residents may see: everything but drafts."""
        return self.exclude(status=Project.Status.DRAFT)

    def with_free_seat(self):
        """Open and not full: the projects a unit may adopt now (the QR sheet, the offers
        to a race's loser, the big screen's count, the claim itself)."""
        return self.filter(status=Project.Status.OPEN, adopted_count__lt=F("capacity"))

    def with_milestone_counts(self):
        """Annotate ``milestones_total`` and ``milestones_done`` in the same query."""
        # Correlated subqueries rather than a join + GROUP BY: the database counts the
        # milestones of the page's rows only, and count() can drop them altogether.
        milestones = Milestone.objects.filter(project=models.OuterRef("pk")).order_by()
        count = models.Func(models.F("id"), function="COUNT")

        def counted(qs):
            return models.functions.Coalesce(
                models.Subquery(qs.values("project").annotate(n=count).values("n")[:1]), 0
            )

        return self.annotate(
            milestones_total=counted(milestones),
            milestones_done=counted(milestones.filter(done_on__isnull=False)),
        )


class Project(Audited, InCouncil):
    """社区公益项目: a public-welfare project, built from residents' needs."""

    council_source = ("community",)

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open for adoption")
        ADOPTED = "adopted", _("adopted")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    #: The legal moves of a project's life.
    TRANSITIONS = {
        Status.DRAFT: {Status.OPEN, Status.CANCELLED},
        Status.OPEN: {Status.DRAFT, Status.ADOPTED, Status.CANCELLED},
        Status.ADOPTED: {Status.OPEN, Status.IN_PROGRESS, Status.CANCELLED},
        Status.IN_PROGRESS: {Status.COMPLETED, Status.CANCELLED},
        # Reopened by staff when it was completed too soon (recorded in its history).
        Status.COMPLETED: {Status.IN_PROGRESS},
        Status.CANCELLED: set(),
    }
    #: Moves only the seats make (``release_seat``), never staff by hand: a withdrawal
    #: that frees a seat of a full project opens it again.
    SEAT_MOVES = {(Status.ADOPTED, Status.OPEN)}

    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=5000)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    community = models.ForeignKey(
        "units.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[validate_year])
    budget_estimate = models.DecimalField(
        _("budget estimate (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    beneficiaries = models.CharField(_("beneficiaries"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("How many member units may adopt this project."),
    )
    adopted_count = models.PositiveSmallIntegerField(_("adopted by"), default=0, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    key_works = models.CharField(
        _("key works"), max_length=20, choices=KeyWorks.choices, blank=True
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("renewed from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = council_manager(ProjectQuerySet)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(adopted_count__lte=F("capacity")),
                name="project_not_over_capacity",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="project_capacity_positive"),
            models.CheckConstraint(
                condition=Q(year__gte=EARLIEST.year, year__lte=DB_LATEST.year),
                name="project_year_within_sense",
            ),
            models.CheckConstraint(
                condition=Q(budget_estimate__isnull=True) | Q(budget_estimate__gte=0),
                name="project_budget_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "year"], name="project_status_year"),
            # The board's order, alone and under its category filter: a page of it is read
            # from the index instead of sorting every project.
            models.Index(fields=["-year", "title", "id"], name="project_board_order"),
            models.Index(fields=["category", "-year", "title", "id"], name="project_category_order"),
            # When the projects last changed (the open data's date): MAX() from the index.
            models.Index(fields=["updated_at"], name="project_updated"),
        ]

    def __str__(self):
        return self.title

    @classmethod
    def checked_move(cls, source, target):
        """``target``, if the table allows ``source`` → ``target``; else InvalidTransition."""
        if target not in cls.TRANSITIONS[cls.Status(source)]:
            raise InvalidTransition(f"{source} → {target}")
        return target

    def can_transition_to(self, status):
        return status in self.TRANSITIONS[self.Status(self.status)]

    def transition_to(self, status, save=True):
        self.status = self.checked_move(self.status, status)
        if save:
            self.save(update_fields=["status", "updated_at"])

    def claim_seat(self, meeting=None):
        """Take one seat of this project if it has a free one, in one conditional UPDATE
        that also moves it to adopted when the last seat goes; with ``meeting``, only while
        that meeting's adoption window is open (read in the same statement). Returns 1 when
        a seat was taken, 0 when none was (nothing is written then).

        Never over capacity, on PostgreSQL and SQLite alike: on PostgreSQL a second
        claimant waits for the first one's row lock and re-checks the condition against its
        committed row; SQLite's IMMEDIATE transactions run one writer at a time. The
        CheckConstraint ``project_not_over_capacity`` is the backstop. Run it inside the
        transaction that records the adoption, so a refused adoption gives the seat back.
        """
        seats = Project.objects.with_free_seat().filter(pk=self.pk)
        if meeting is not None:
            window = JointMeeting.objects.filter(pk=meeting.pk, adoption_open=True)
            seats = seats.filter(models.Exists(window))
        return self._take_seat(seats)

    def claim_past_seat(self):
        """A seat taken at an earlier meeting, recorded now (the demo and benchmark data):
        any project past its draft and not cancelled with a seat left. Returns 1 or 0."""
        seats = Project.objects.filter(pk=self.pk, adopted_count__lt=F("capacity")).exclude(
            status__in=[self.Status.DRAFT, self.Status.CANCELLED]
        )
        return self._take_seat(seats)

    def _take_seat(self, seats):
        adopted = self.checked_move(self.Status.OPEN, self.Status.ADOPTED)
        last_seat = Q(status=self.Status.OPEN, capacity__lte=F("adopted_count") + 1)
        taken = seats.update(
            adopted_count=F("adopted_count") + 1,
            status=models.Case(
                models.When(last_seat, then=models.Value(adopted)), default=F("status")
            ),
            updated_at=timezone.now(),
        )
        if taken:
            self.refresh_from_db(fields=["adopted_count", "capacity", "status"])
        return taken

    def release_seat(self):
        """Give back one seat (a withdrawn adoption); an adopted project opens again.
        Returns 1, or 0 when no seat was taken."""
        reopened = self.checked_move(self.Status.ADOPTED, self.Status.OPEN)
        released = Project.objects.filter(pk=self.pk, adopted_count__gt=0).update(
            adopted_count=F("adopted_count") - 1,
            status=models.Case(
                models.When(status=self.Status.ADOPTED, then=models.Value(reopened)),
                default=F("status"),
            ),
            updated_at=timezone.now(),
        )
        if released:
            self.refresh_from_db(fields=["adopted_count", "capacity", "status"])
        return released

    @property
    def is_full(self):
        return self.adopted_count >= self.capacity

    @property
    def has_free_seat(self):
        """Open and not full: another unit may adopt it now (``with_free_seat`` in SQL)."""
        return self.status == self.Status.OPEN and not self.is_full

    @property
    def is_public(self):
        return self.status != self.Status.DRAFT

    def next_statuses(self):
        """The statuses staff may move this project to, in the order of the choices."""
        allowed = self.TRANSITIONS[self.Status(self.status)]
        return [
            s for s in self.Status if s in allowed and (self.status, s) not in self.SEAT_MOVES
        ]

    def status_changes(self):
        """Each change of status, newest first, with who made it and why (its history):
        a reopened project shows when, by whom and the reason given."""
        changes, previous = [], None
        for record in self.history.select_related("history_user").order_by(
            "history_date", "history_id"
        ):
            if record.status != previous:
                changes.append(record)
                previous = record.status
        return changes[::-1]

    def renewal_chain(self, limit=50):
        """Earlier years' projects this one was renewed from, newest first."""
        chain, seen, current = [], {self.pk}, self.previous
        while current is not None and current.pk not in seen and len(chain) < limit:
            chain.append(current)
            seen.add(current.pk)
            current = current.previous
        return chain


def pending_first():
    """0 for a need waiting for review, 1 for the others: the office inbox sorts by it.

    The literal is ``Need.Status.PENDING`` (not yet defined here, and the index on this
    expression needs it)."""
    return models.Case(
        models.When(status="pending", then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


class NeedQuerySet(models.QuerySet):
    def in_inbox_order(self):
        """Pending first, then newest first: the order ``need_inbox_order`` indexes."""
        return self.order_by(pending_first().asc(), "-submitted_at", "-pk")

    def open(self):
        """Needs still looking for someone: pending, or accepted into no project or a draft.

        The drafts are a subquery (a few rows, read in the council's scope), not a join:
        joined, every accepted need's project was read to learn that it is no draft."""
        drafts = Project.objects.filter(status=Project.Status.DRAFT).values("pk")
        return self.filter(
            Q(status=Need.Status.PENDING)
            | Q(status=Need.Status.ACCEPTED, project=None)
            | Q(status=Need.Status.ACCEPTED, project__in=drafts)
        )

    def visible_to_unit(self, unit_id):
        """What a unit's liaison may see (never the resident's contact): the open needs the
        office has accepted anywhere, and the pending ones of the unit's paired communities."""
        paired = Pairing.objects.current().filter(unit_id=unit_id).values("community_id")
        return self.open().filter(Q(status=Need.Status.ACCEPTED) | Q(community_id__in=paired))


class Need(InCouncil):
    """问需于民: a need raised by residents, found on a visit, a survey or a unit's proposal."""

    council_source = ("community",)

    class Source(models.TextChoices):
        RESIDENT = "resident", _("resident")
        VISIT = "visit", _("visit")
        SURVEY = "survey", _("survey")
        UNIT_PROPOSAL = "unit_proposal", _("unit proposal")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending review")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    community = models.ForeignKey(
        "units.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="needs",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    text = models.TextField(_("what is needed"), max_length=1000)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.RESIDENT
    )
    # Private: never shown on a public page.
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
    )
    reply = models.TextField(_("public reply"), max_length=1000, blank=True)
    tracking_code = models.CharField(
        _("tracking code"), max_length=32, unique=True, default=new_tracking_code, editable=False
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = council_manager(NeedQuerySet)

    @property
    def tracking_code_groups(self):
        """The code in groups of four, easier to read out and copy by hand."""
        code = self.tracking_code
        return " ".join(code[i : i + 4] for i in range(0, len(code), 4))

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [
            # The inbox filtered by status and the pending count.
            models.Index(fields=["status", "-submitted_at", "-id"], name="need_status_submitted"),
            # The inbox's own order, pending first (the same expression as ``pending_first``).
            models.Index(
                pending_first(), F("submitted_at").desc(), F("id").desc(), name="need_inbox_order"
            ),
        ]

    def __str__(self):
        return self.text[:30]

    def accept(self, project, by=None):
        """The need is taken up: it feeds ``project`` (several needs may feed one project)."""
        self.status = self.Status.ACCEPTED
        self.project = project
        self.reviewed_at = timezone.now()
        self.reviewed_by = by
        self.save(update_fields=["status", "project", "reviewed_at", "reviewed_by"])

    def decline(self, reply, by=None):
        """The need is not taken up; ``reply`` tells the resident why (required)."""
        if not reply or not reply.strip():
            raise ValidationError({"reply": _("Give residents a reason when declining a need.")})
        self.status = self.Status.DECLINED
        self.project = None
        self.reply = reply.strip()
        self.reviewed_at = timezone.now()
        self.reviewed_by = by
        self.save(update_fields=["status", "project", "reply", "reviewed_at", "reviewed_by"])

    def clean(self):
        if self.status == self.Status.DECLINED and not self.reply.strip():
            raise ValidationError({"reply": _("Give residents a reason when declining a need.")})


class JointMeeting(InCouncil):
    """联席会议: the yearly plenary session where units adopt projects."""

    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"), validators=[DateRange()])
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    adoption_open = models.BooleanField(_("adoption window open"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    objects = council_manager()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        constraints = [
            date_within_sense("held_on", "meeting_date_within_sense"),
            # Liaisons scan a code and adopt at "the" meeting: never two windows at once.
            models.UniqueConstraint(
                fields=["council"],
                condition=Q(adoption_open=True),
                name="one_meeting_open_for_adoption",
                violation_error_message=_("Only one joint meeting may be open for adoption."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def year(self):
        return self.held_on.year

    def is_past(self, today=None):
        """A meeting of an earlier year whose window is closed: its result is what counts."""
        today = today or timezone.localdate()
        return not self.adoption_open and self.held_on.year < today.year


class Adoption(models.Model):
    """认领: a member unit takes on a project."""

    class Kind(models.TextChoices):
        NEW = "new", _("new adoption")
        RENEWAL = "renewal", _("renewal")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="adoptions"
    )
    unit = models.ForeignKey(
        "units.MemberUnit",
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    meeting = models.ForeignKey(
        JointMeeting,
        verbose_name=_("joint meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adoptions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEW)
    renewal_of = models.ForeignKey(
        "self",
        verbose_name=_("renewal of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_by",
    )
    commitment = models.TextField(_("commitment"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    objects = council_manager(path="project__council")

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        constraints = [
            models.UniqueConstraint(fields=["project", "unit"], name="one_adoption_per_unit"),
            models.CheckConstraint(
                condition=Q(kind="new", renewal_of__isnull=True)
                | Q(kind="renewal", renewal_of__isnull=False),
                name="renewal_links_earlier_adoption",
            ),
        ]

    def __str__(self):
        return f"{self.unit} → {self.project}"


class Milestone(models.Model):
    """项目节点: a dated step of a project."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=100)
    due_on = models.DateField(_("due on"), validators=[DateRange()])
    done_on = models.DateField(_("done on"), null=True, blank=True, validators=[DateRange()])
    evidence = models.TextField(_("evidence"), max_length=2000, blank=True)

    history = HistoricalRecords()

    objects = council_manager(path="project__council")

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [models.Index(fields=["done_on", "due_on"], name="milestone_open_due")]
        constraints = [
            date_within_sense("due_on", "milestone_due_within_sense"),
            date_within_sense("done_on", "milestone_done_within_sense"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self):
        """Open and past its due date (today in the site's time zone)."""
        return self.done_on is None and self.due_on < timezone.localdate()

    @property
    def is_done(self):
        return self.done_on is not None


def progress_photo_path(instance, filename):
    return f"progress/{instance.update.project_id}/{secrets.token_hex(8)}.jpg"


def progress_thumbnail_path(instance, filename):
    return f"progress/{instance.update.project_id}/thumbs/{secrets.token_hex(8)}.jpg"


#: Lists show photos about 150-200 px wide; 400 px stays sharp on a 2x phone screen.
THUMBNAIL_SIDE = 400


class ProgressUpdate(models.Model):
    """项目进展: a public note on how a project is going."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="updates"
    )
    text = models.TextField(_("text"), max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = council_manager(path="project__council")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self):
        return self.text[:30]


class ProgressPhoto(models.Model):
    update = models.ForeignKey(
        ProgressUpdate,
        verbose_name=_("progress update"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    image = models.ImageField(_("photo"), upload_to=progress_photo_path)
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to=progress_thumbnail_path, blank=True, editable=False
    )
    caption = models.CharField(_("caption"), max_length=100, blank=True)

    objects = council_manager(path="update__project__council")

    class Meta:
        verbose_name = _("progress photo")
        verbose_name_plural = _("progress photos")

    @property
    def url(self):
        """Served by a view that applies the project's visibility, never from /media/."""
        return reverse("projects:progress-photo", args=[self.pk])


    @classmethod
    def create_with_thumbnail(cls, update, image):
        """Store the (already re-encoded) photo and a small JPEG of it for lists."""
        photo = cls(update=update)
        photo.image.save("photo.jpg", image, save=False)
        photo.thumbnail.save("thumb.jpg", thumbnail_of(photo.image), save=False)
        photo.save()
        return photo

    @property
    def thumbnail_url(self):
        """What lists show: the small copy, through the same visibility check as the photo."""
        return f"{self.url}?size=thumb"


def thumbnail_of(image_file):
    """A JPEG at most THUMBNAIL_SIDE px on its longer side."""
    image_file.open("rb")
    image_file.seek(0)
    with Image.open(image_file) as image:
        image = image.convert("RGB")
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=80, optimize=True)
    return ContentFile(out.getvalue(), name="thumb.jpg")


@receiver(post_delete, sender=ProgressPhoto)
def _delete_photo_file(sender, instance, **kwargs):
    """A deleted photo (or its deleted update) leaves no file behind, once the delete commits."""
    for stored in (instance.image, instance.thumbnail):
        if stored and stored.name:
            after_commit(stored.storage.delete, stored.name)


class RenewalProposal(models.Model):
    """续认领: last year's adoption offered again to the same unit at this year's meeting."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting the unit")
        CONFIRMED = "confirmed", _("renewed")
        DROPPED = "dropped", _("not renewed")

    meeting = models.ForeignKey(
        JointMeeting,
        verbose_name=_("joint meeting"),
        on_delete=models.PROTECT,
        related_name="renewal_proposals",
    )
    previous_adoption = models.ForeignKey(
        Adoption,
        verbose_name=_("last year's adoption"),
        on_delete=models.PROTECT,
        related_name="renewal_proposals",
    )
    unit = models.ForeignKey(
        "units.MemberUnit",
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        related_name="renewal_proposals",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    adoption = models.OneToOneField(
        Adoption,
        verbose_name=_("renewed adoption"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    drop_reason = models.CharField(_("reason for not renewing"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = council_manager(path="meeting__council")

    class Meta:
        ordering = ["status", "id"]
        verbose_name = _("renewal proposal")
        verbose_name_plural = _("renewal proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "previous_adoption"], name="one_renewal_proposal_per_adoption"
            ),
        ]

    def __str__(self):
        return f"{self.unit} ↻ {self.previous_adoption.project}"


class MatchQuerySet(models.QuerySet):
    def open(self):
        """Matches the office still has to act on: proposed, or accepted without a project."""
        return self.filter(
            Q(status=Match.Status.PROPOSED) | Q(status=Match.Status.ACCEPTED, project=None)
        )


class Match(Audited):
    """双向认领 / 对接: a need met by a member unit's resource."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("match status", "proposed")
        ACCEPTED = "accepted", pgettext_lazy("match status", "accepted")
        DECLINED = "declined", pgettext_lazy("match status", "declined")

    class ProposedBy(models.TextChoices):
        OFFICE = "office", _("the office")
        UNIT = "unit", _("the unit")
        COMMUNITY = "community", _("the community")

    need = models.ForeignKey(
        Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="matches"
    )
    resource = models.ForeignKey(
        "units.Resource",
        verbose_name=_("resource"),
        on_delete=models.PROTECT,
        related_name="matches",
    )
    proposed_by = models.CharField(_("proposed by"), max_length=20, choices=ProposedBy.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    note = models.TextField(_("note"), max_length=1000, blank=True)
    reason = models.TextField(_("reason for declining"), max_length=1000, blank=True)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matches",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = council_manager(MatchQuerySet, path="need__council")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(
                fields=["need", "resource"],
                condition=~Q(status="declined"),
                name="one_live_match_per_need_and_resource",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(reason=""),
                name="declined_match_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.need} ← {self.resource}"
