"""Writes that span several models: projects and their needs, the adoption window,
adoption at the joint meeting, renewals, milestones and progress.

Each action runs in one transaction. The public pages and the big screen follow through
the data version each write bumps in its own transaction (``core.pagecache``); any
other side effect goes through ``core.sideeffects.after_commit``, so none can turn a
committed write into an error. "At most ``capacity`` adopters" holds on PostgreSQL and
SQLite alike because the seat is claimed by one conditional UPDATE of the project's
counter (``Project.claim_seat``): it returns 0 when the project is full, and the
UNIQUE(project, unit) constraint catches a double click.
"""

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import update_change_reason

from core.access import is_office_staff
from core.dates import add_years
from core.pagecache import bump_version

from .models import (
    Adoption,
    JointMeeting,
    Match,
    Milestone,
    Need,
    ProgressPhoto,
    ProgressUpdate,
    Project,
    RenewalProposal,
)
from .signals import unit_told


class AdoptionError(Exception):
    """A domain refusal the user can act on; ``message`` is shown as is."""

    message = _("This project cannot be adopted.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class AlreadyTaken(AdoptionError):
    message = _("Already adopted: another unit was quicker. Please choose another project.")


class AlreadyAdoptedByUnit(AdoptionError):
    message = _("Your unit has already adopted this project.")


class ProjectNotOpen(AdoptionError):
    message = _("This project is not open for adoption.")


class WindowClosed(AdoptionError):
    message = _("The adoption window of this joint meeting is closed.")


class UnitInactive(AdoptionError):
    message = _("This member unit is no longer active.")


# --- Projects and their needs ------------------------------------------------------------


def create_project(form, *, by):
    """A new draft project from a valid ProjectForm; the needs it answers are accepted."""
    with transaction.atomic():
        project = form.save(commit=False)
        project.created_by = by
        project.status = Project.Status.DRAFT
        project.save()
        for need in form.cleaned_data["needs"]:
            need.accept(project, by=by)
    return project


def edit_project(form, milestones, *, by):
    """Save a valid ProjectForm and its milestone formset; newly linked needs are accepted."""
    with transaction.atomic():
        project = form.save()
        milestones.save()
        for need in form.cleaned_data["needs"]:
            need.accept(project, by=by)
    return project


# --- The joint meeting ----------------------------------------------------------------------


def set_adoption_window(meeting, *, open):
    """Open or close a meeting's adoption window; the big screen shows it at once.

    Only one meeting may be open (a database constraint): opening one closes any other
    first, in the same transaction. Returns the meetings that were closed that way."""
    with transaction.atomic():
        closed = []
        if open:
            others = JointMeeting.objects.select_for_update().filter(adoption_open=True)
            closed = list(others.exclude(pk=meeting.pk))
            JointMeeting.objects.filter(pk__in=[m.pk for m in closed]).update(adoption_open=False)
        JointMeeting.objects.filter(pk=meeting.pk).update(adoption_open=open)
        bump_version()  # update() sends no signal
    meeting.adoption_open = open
    return closed


def save_meeting(form):
    """Save a valid JointMeetingForm; the big screen shows the new title or date at once."""
    return form.save()  # the save bumps the data version


_TAKEN_STATUSES = (
    Project.Status.OPEN,
    Project.Status.ADOPTED,
    Project.Status.IN_PROGRESS,
    Project.Status.COMPLETED,
)


def _raise_not_claimed(status):
    if status in _TAKEN_STATUSES:
        raise AlreadyTaken()
    raise ProjectNotOpen()


def _refuse(project, unit, unit_project_ids=None):
    """Why a project without a free seat refuses this unit."""
    if unit_project_ids is None:
        held = Adoption.objects.filter(project_id=project.pk, unit_id=unit.pk).exists()
    else:
        held = project.pk in unit_project_ids
    if held:
        raise AlreadyAdoptedByUnit()
    _raise_not_claimed(project.status)


def adopt(
    project,
    unit,
    meeting,
    *,
    kind=Adoption.Kind.NEW,
    commitment="",
    recorded_by=None,
    renewal_of=None,
    check_window=True,
    unit_project_ids=None,
):
    """认领: ``unit`` takes one seat of ``project`` at ``meeting``. Returns the Adoption.

    Raises an AdoptionError subclass when the adoption is refused; nothing is written then.
    With no meeting whose window is open (``meeting`` None), the window is closed.
    ``project`` is left showing its seats and status as this call last read them.
    ``unit_project_ids``, the projects the unit has adopted as the caller has just read
    them, saves a refusal its own query.
    """
    if meeting is None:
        raise WindowClosed()
    if not unit.is_active:
        raise UnitInactive()
    if not project.has_free_seat:
        # Full as read a moment ago: refuse at once, without the window check or the row
        # lock, so the many tries for a taken project do not queue behind its winner.
        _refuse(project, unit, unit_project_ids)
    check_window = check_window and not is_office_staff(recorded_by)
    record = {"kind": kind, "renewal_of": renewal_of, "commitment": commitment}
    try:
        with transaction.atomic():
            claimed = project.claim_seat(meeting if check_window else None)
            if claimed:
                return _adoption(project, unit, meeting, recorded_by=recorded_by, **record)
    except IntegrityError:
        # The unit already holds a seat (a double tap, or a parallel request): the
        # UniqueConstraint refused the row and the claim was rolled back with it.
        raise AlreadyAdoptedByUnit() from None
    raise _why_not_claimed(project, unit, meeting, check_window)


def _adoption(project, unit, meeting, *, kind, renewal_of, commitment, recorded_by):
    """The adoption row of a seat just claimed (inside the claim's transaction)."""
    return Adoption.objects.create(
        project=project,
        unit=unit,
        meeting=meeting,
        kind=kind,
        renewal_of=renewal_of,
        commitment=commitment,
        recorded_by=recorded_by,
    )


def record_past_adoption(
    project, unit, meeting, *, kind=Adoption.Kind.NEW, commitment="", renewal_of=None,
    recorded_by=None,
):  # fmt: skip
    """An adoption made at an earlier meeting, recorded now (the demo data, an office's
    catch-up): on a project already past "open", honouring capacity. Returns the unit's
    adoption of the project (the one it already had, if any), or None when no seat is left."""
    existing = Adoption.objects.filter(project=project, unit=unit).first()
    if existing:
        return existing
    with transaction.atomic():
        if not project.claim_past_seat():
            return None
        return _adoption(
            project, unit, meeting, kind=kind, renewal_of=renewal_of, commitment=commitment,
            recorded_by=recorded_by,
        )  # fmt: skip


def _why_not_claimed(project, unit, meeting, check_window):
    """The claim found no seat: the window closed, the unit holds one, or others took them.
    ``project`` is left showing its seats and status as they are now."""
    if check_window and not JointMeeting.objects.filter(pk=meeting.pk, adoption_open=True).exists():
        return WindowClosed()
    try:
        project.refresh_from_db(fields=["adopted_count", "status"])
    except Project.DoesNotExist:
        return ProjectNotOpen()
    try:
        _refuse(project, unit)
    except AdoptionError as exc:
        return exc


def withdraw(adoption, *, by):
    """Staff only: cancel an adoption recorded in error and free its seat.

    The row is deleted (the unique constraint must let the unit adopt again); its
    history table keeps who removed it and when. A renewal confirmed through it goes
    back to awaiting the unit. An adoption a later year builds on cannot be withdrawn.
    """
    if not is_office_staff(by):
        raise AdoptionError(_("Only office staff can withdraw an adoption."))
    try:
        with transaction.atomic():
            RenewalProposal.objects.filter(adoption=adoption).update(
                adoption=None,
                status=RenewalProposal.Status.PENDING,
                decided_by=None,
                decided_at=None,
            )
            deleted, _rows = Adoption.objects.filter(pk=adoption.pk).delete()
            if deleted:
                adoption.project.release_seat()
    except ProtectedError:
        raise AdoptionError(
            _("A later renewal builds on this adoption; it cannot be withdrawn.")
        ) from None


# --- Renewals (续认领) -----------------------------------------------------------------


def previous_meeting(meeting):
    """The same council's meeting before ``meeting`` (another town's is not its past)."""
    return (
        JointMeeting.objects.filter(council_id=meeting.council_id, held_on__lt=meeting.held_on)
        .order_by("-held_on")
        .first()
    )


def rollover(meeting):
    """Offer last meeting's adoptions to the same units again. Safe to run twice.

    Returns the number of proposals created by this call.
    """
    last = previous_meeting(meeting)
    if last is None:
        return 0
    adoptions = (
        Adoption.objects.filter(meeting=last, unit__is_active=True)
        .exclude(project__status=Project.Status.CANCELLED)
        .exclude(renewal_proposals__meeting=meeting)
    )
    created = 0
    for adoption in adoptions:
        _proposal, was_created = RenewalProposal.objects.get_or_create(
            meeting=meeting, previous_adoption=adoption, defaults={"unit_id": adoption.unit_id}
        )
        created += was_created
    return created


def _renewed_project(old, year, user):
    """This year's copy of ``old``: one per (previous, year), shared by its adopters."""
    # Lock the old project so two units confirming at once share one copy.
    Project.objects.select_for_update().filter(pk=old.pk).first()
    existing = Project.objects.filter(previous=old, year=year).first()
    if existing:
        return existing
    new = Project.objects.create(
        title=old.title,
        description=old.description,
        category=old.category,
        community_id=old.community_id,
        year=year,
        budget_estimate=old.budget_estimate,
        beneficiaries=old.beneficiaries,
        capacity=old.capacity,
        key_works=old.key_works,
        previous=old,
        status=Project.Status.OPEN,
        created_by=user,
    )
    # Last year's steps, a year on and not yet done.
    shift = year - old.year
    Milestone.objects.bulk_create(
        Milestone(project=new, title=m.title, due_on=add_years(m.due_on, shift))
        for m in old.milestones.all()
    )
    return new


def confirm_renewal(proposal, *, by, commitment=""):
    """The unit carries last year's project on: a new project and a renewal adoption."""
    with transaction.atomic():
        claimed = RenewalProposal.objects.filter(
            pk=proposal.pk, status=RenewalProposal.Status.PENDING
        ).update(
            status=RenewalProposal.Status.CONFIRMED, decided_by=by, decided_at=timezone.now()
        )
        if not claimed:
            raise AdoptionError(_("This renewal has already been decided."))
        old_adoption = proposal.previous_adoption
        meeting = proposal.meeting
        project = _renewed_project(old_adoption.project, meeting.year, by)
        adoption = adopt(
            project,
            proposal.unit,
            meeting,
            kind=Adoption.Kind.RENEWAL,
            commitment=commitment or old_adoption.commitment,
            recorded_by=by,
            renewal_of=old_adoption,
            check_window=False,
        )
        RenewalProposal.objects.filter(pk=proposal.pk).update(adoption=adoption)
    proposal.refresh_from_db()
    return adoption


def drop_renewal(proposal, *, by, reason=""):
    """The unit does not carry last year's project on; the decision is recorded."""
    claimed = RenewalProposal.objects.filter(
        pk=proposal.pk, status=RenewalProposal.Status.PENDING
    ).update(
        status=RenewalProposal.Status.DROPPED,
        drop_reason=reason[:200],
        decided_by=by,
        decided_at=timezone.now(),
    )
    if not claimed:
        raise AdoptionError(_("This renewal has already been decided."))
    proposal.refresh_from_db()


# --- Milestones and completion ------------------------------------------------------------


def complete_milestone(milestone, *, evidence, on=None):
    """Mark a milestone done; the first done milestone starts an adopted project."""
    with transaction.atomic():
        milestone.done_on = on or timezone.localdate()
        milestone.evidence = evidence
        milestone.save(update_fields=["done_on", "evidence"])
        project = Project.objects.select_for_update().get(pk=milestone.project_id)
        if project.status == Project.Status.ADOPTED:
            project.transition_to(Project.Status.IN_PROGRESS)
    return milestone


def can_complete(project):
    milestones = list(project.milestones.all())
    return (
        project.status in (Project.Status.ADOPTED, Project.Status.IN_PROGRESS)
        and bool(milestones)
        and all(m.is_done for m in milestones)
    )


def complete_project(project):
    """已完成: only when every milestone is done, through the legal transitions."""
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if not can_complete(project):
            raise AdoptionError(_("Finish every milestone before completing the project."))
        if project.status == Project.Status.ADOPTED:
            project.transition_to(Project.Status.IN_PROGRESS)
        project.transition_to(Project.Status.COMPLETED)
    return project



#: Transitions that end a project: the office confirms them on a page that says what changes.
ENDING = (Project.Status.COMPLETED, Project.Status.CANCELLED)


def ending_consequences(project, target):
    """What ending ``project`` as ``target`` changes, for the confirmation step: the
    milestones not done, the latest public progress note (the board will show it beside
    已完成), the adopting units, and whether it can be undone."""
    milestones = list(project.milestones.all())
    return {
        "target": Project.Status(target),
        "unfinished": [m for m in milestones if not m.is_done],
        "milestone_count": len(milestones),
        "last_update": project.updates.order_by("-created_at", "-id").first(),
        "adopters": [a.unit for a in project.adoptions.select_related("unit")],
        "undoable": Project.Status.IN_PROGRESS in Project.TRANSITIONS[Project.Status(target)],
    }


def transition_project(project, target, *, reason=""):
    """A staff status change, its reason (a reopening's) kept in the project's history."""
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        project.transition_to(target)
        if reason:
            update_change_reason(project, reason)
    return project


# --- Progress (项目进展) ----------------------------------------------------------------------


def post_progress(project, *, text, photos, by):
    """A public progress note with its photos (already re-encoded by the form)."""
    with transaction.atomic():
        update = ProgressUpdate.objects.create(project=project, text=text, author=by)
        for photo in photos:
            ProgressPhoto.create_with_thumbnail(update, photo)
    return update


# --- Two-way matching (双向认领) ----------------------------------------------------------------


class MatchError(AdoptionError):
    message = _("This match cannot be made.")


def propose_match(need, resource, *, by, proposed_by, note=""):
    """A resource offered for a need (by the office, the unit or the community). Returns
    the Match; refuses a need that is no longer open, a resource switched off, and a pair
    already proposed or accepted."""
    if not Need.objects.open().filter(pk=need.pk).exists():
        raise MatchError(_("This need is no longer open."))
    if not resource.is_active or not resource.unit.is_active:
        raise MatchError(_("This resource is no longer offered."))
    try:
        with transaction.atomic():
            return Match.objects.create(
                need=need, resource=resource, proposed_by=proposed_by, note=note, created_by=by
            )
    except IntegrityError:
        raise MatchError(_("This resource has already been proposed for this need.")) from None


def accept_match(match, *, by):
    """The office confirms a proposed match; the need it answers is accepted with it (no
    longer 待审核; no project yet, so still open for one), and the resident's tracking page
    says a unit has responded."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Match.objects.filter(pk=match.pk, status=Match.Status.PROPOSED).update(
            status=Match.Status.ACCEPTED, decided_by=by, decided_at=now
        )
        if not claimed:
            raise MatchError(_("This match has already been decided."))
        Need.objects.filter(pk=match.need_id, status=Need.Status.PENDING).update(
            status=Need.Status.ACCEPTED, reviewed_at=now, reviewed_by=by
        )
    bump_version()  # update() sends no signal
    match.refresh_from_db()
    _tell_liaisons(
        match.resource.unit_id,
        _("The office accepted your unit's offer for a need of %(place)s")
        % {"place": match.need.community.name},
        reverse("units:my-resources"),
    )
    return match


def decline_match(match, *, by, reason):
    """The office declines a proposed match, with a reason the unit sees."""
    reason = (reason or "").strip()
    if not reason:
        raise MatchError(_("Give the unit a reason when declining a match."))
    claimed = Match.objects.filter(pk=match.pk, status=Match.Status.PROPOSED).update(
        status=Match.Status.DECLINED, reason=reason[:1000], decided_by=by, decided_at=timezone.now()
    )
    if not claimed:
        raise MatchError(_("This match has already been decided."))
    match.refresh_from_db()
    _tell_liaisons(
        match.resource.unit_id,
        _("The office declined your unit's offer: %(reason)s") % {"reason": match.reason},
        reverse("units:my-resources"),
    )
    return match


def _project_from_match(match, by):
    need, resource = match.need, match.resource
    budget = resource.quantity if resource.measure == resource.Measure.YUAN else None
    description = "\n\n".join(
        part
        for part in [
            need.text,
            _("Offered by %(unit)s: %(resource)s")
            % {"unit": resource.unit.name, "resource": resource.title},
            resource.description,
        ]
        if part
    )
    return Project.objects.create(
        title=need.text.strip().splitlines()[0][:30] if need.text.strip() else resource.title[:30],
        description=description[:5000],
        category=need.category,
        community_id=need.community_id,
        year=timezone.localdate().year,
        budget_estimate=budget,
        status=Project.Status.DRAFT,
        created_by=by,
    )


def open_project_from_match(match, *, by, adopt_now=False, meeting=None):
    """An accepted match becomes a draft project built from the need and the resource, with
    the unit invited to adopt it at the joint meeting; or, when the office decides so, the
    project opens and the unit adopts it right away (recorded at ``meeting``).

    Returns the project. The need is accepted into it; the unit's liaisons are told.
    """
    with transaction.atomic():
        locked = (
            Match.objects.select_for_update()
            .select_related("need", "resource__unit")
            .get(pk=match.pk)
        )
        if locked.status != Match.Status.ACCEPTED:
            raise MatchError(_("Accept the match before opening a project."))
        if locked.project_id is not None:
            raise MatchError(_("A project has already been opened for this match."))
        project = _project_from_match(locked, by)
        need = locked.need
        if need.status != Need.Status.ACCEPTED or need.project_id is None:
            need.accept(project, by=by)
        Match.objects.filter(pk=locked.pk).update(project=project)
        unit = locked.resource.unit
        if adopt_now:
            if meeting is None:
                raise MatchError(_("There is no joint meeting to record the adoption at."))
            project.transition_to(Project.Status.OPEN)
            adopt(
                project,
                unit,
                meeting,
                recorded_by=by,
                check_window=False,
                commitment=locked.resource.title,
            )
        _tell_unit(unit, project, adopted=adopt_now)
    match.refresh_from_db()
    return project


def _tell_unit(unit, project, *, adopted):
    """The unit's liaisons learn of the project opened from their offer."""
    if adopted:
        title = _("Your unit adopted “%(title)s”") % {"title": project.title}
        link = reverse("projects:my-project", args=[project.pk])
    else:
        title = _("Your unit is invited to adopt “%(title)s” at the joint meeting") % {
            "title": project.title
        }
        link = reverse("units:my-resources")
    _tell_liaisons(unit.pk, title, link)


def _tell_liaisons(unit_id, title, link):
    """The unit's liaisons hear of it in their inbox (reminders receives ``unit_told``)."""
    unit_told.send(sender=Project, unit_id=unit_id, title=str(title), link=link)
