"""Contributions, the year-end assessment, the unit's record and the annual report."""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import councils
from core.access import (
    across_councils_for_liaison,
    liaison_required,
    member_required,
    staff_required,
    works_here,
)
from core.exports import xlsx_response
from core.pagecache import current_version, shared_page
from core.params import safe_next, to_id
from projects.access import get_project_for_liaison
from projects.models import Project
from units.models import FOUNDING_YEAR, MemberUnit, Pairing

from . import assessment, report
from .forms import (
    STALE_PAGE,
    AssessmentFilterForm,
    AssessmentRatingForm,
    ContributionForm,
    CorrectionForm,
)
from .models import AnnualAssessment, AssessmentFinalisation, Contribution
from .pdf import pdf_bytes_response, pdf_response, render_pdf

CONTRIBUTIONS_PER_PAGE = 50


def _year(year):
    """A year the network could have a record for: founding year to next year."""
    if not FOUNDING_YEAR <= year <= timezone.localdate().year + 1:
        raise Http404
    return year


def _get_unit_for_record(request, pk):
    """Office staff see every unit's record; a liaison only their own unit's."""
    units = MemberUnit.objects.select_related("district")
    if works_here(request):
        units = units.in_council()
        return get_object_or_404(units, pk=pk)
    if request.user.unit_id != pk:
        raise Http404
    return get_object_or_404(units, pk=pk)


def _get_pairing_for_liaison(request, pk):
    return get_object_or_404(
        Pairing.objects.select_related("community"),
        pk=pk,
        unit_id=request.user.unit_id,
        status=Pairing.Status.ACTIVE,
    )


def _get_contribution_for_user(request, pk):
    """Staff reach every contribution; a liaison only their own unit's."""
    contributions = Contribution.objects.select_related(
        "unit", "project__community", "pairing__community"
    )
    if works_here(request):
        return get_object_or_404(contributions, pk=pk)
    return get_object_or_404(contributions, pk=pk, unit_id=request.user.unit_id)


# --- Contributions ----------------------------------------------------------------------


def _kind_refresh(request, form_class, contribution):
    """htmx: the fields for the kind just chosen (the kind alone travels, no CSRF token)."""
    form = form_class(initial={"kind": request.GET.get("kind")}, instance=contribution)
    return render(request, "records/contribution_form.html#kind-fields", {"form": form})


def _with_kind_refresh(request, form):
    form.fields["kind"].widget.attrs.update(
        {"data-hx-get": request.path, "data-hx-trigger": "change",
         "data-hx-target": "#kind-fields", "data-hx-swap": "outerHTML"}
    )  # fmt: skip
    return form


def _contribution_create(request, project=None, pairing=None):
    contribution = Contribution(unit_id=request.user.unit_id, project=project, pairing=pairing)
    if request.htmx and request.method == "GET":
        return _kind_refresh(request, ContributionForm, contribution)
    form = ContributionForm(
        request.POST or None,
        request.FILES or None,
        initial={"contributed_on": timezone.localdate(), "kind": Contribution.Kind.FUNDS},
        instance=contribution,
    )
    if request.method == "POST" and form.is_valid():
        contribution = form.save(commit=False)
        contribution.recorded_by = request.user
        contribution.save()
        messages.success(
            request,
            _("Contribution recorded: %(what)s. The office will confirm it.")
            % {"what": contribution.get_kind_display()},
        )
        return redirect("records:my-contributions")
    return render(
        request,
        "records/contribution_form.html",
        {"form": _with_kind_refresh(request, form), "target": project or pairing},
    )


@liaison_required
@require_http_methods(["GET", "POST"])
@across_councils_for_liaison
def contribution_create_for_project(request, pk):
    return _contribution_create(request, project=get_project_for_liaison(request, pk))


@liaison_required
@require_http_methods(["GET", "POST"])
@across_councils_for_liaison
def contribution_create_for_pairing(request, pk):
    return _contribution_create(request, pairing=_get_pairing_for_liaison(request, pk))


@liaison_required
@require_GET
@across_councils_for_liaison
def my_contributions(request):
    contributions = (
        Contribution.objects.filter(unit_id=request.user.unit_id)
        .select_related("project", "pairing__community")
    )
    page = Paginator(contributions, CONTRIBUTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "records/my_contributions.html",
        {
            "page": page,
            "projects": Project.objects.filter(adoptions__unit_id=request.user.unit_id)
            .exclude(status=Project.Status.CANCELLED)
            .order_by("-year", "title")[:20],
            "pairings": Pairing.objects.filter(
                unit_id=request.user.unit_id, status=Pairing.Status.ACTIVE
            ).select_related("community"),
            "year": timezone.localdate().year,
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
@across_councils_for_liaison
def contribution_edit(request, pk):
    """A liaison edits their unit's row until the office confirms it; office staff correct
    any row, with a reason that goes into its history."""
    contribution = _get_contribution_for_user(request, pk)
    staff = works_here(request)
    if not staff and contribution.is_locked:
        return render(
            request, "records/contribution_locked.html", {"contribution": contribution}, status=403
        )
    form_class = CorrectionForm if staff else ContributionForm
    if request.htmx and request.method == "GET":
        return _kind_refresh(request, form_class, contribution)
    form = form_class(request.POST or None, request.FILES or None, instance=contribution)
    status = 200
    if request.method == "POST" and form.is_valid():
        seen = form.cleaned_data["version"]
        edited = form.save(commit=False)
        if staff:
            edited._change_reason = form.cleaned_data["reason"]
        if edited.save_if_unchanged(seen, correcting=staff):
            messages.success(request, _("Contribution saved."))
            if staff:
                return redirect("records:contribution-list")
            return redirect("records:my-contributions")
        # Someone changed the row since this page was shown: nothing was written.
        contribution = _get_contribution_for_user(request, pk)
        changed = _changes_message(contribution, seen)
        if not staff and contribution.is_locked:
            return render(
                request,
                "records/contribution_locked.html",
                {"contribution": contribution, "changed": changed},
                status=409,
            )
        # The form keeps what this person typed, now based on the row as it is: saving again
        # is a decision made knowing what changed.
        data = request.POST.copy()
        data["version"] = contribution.version
        form = form_class(data, request.FILES or None, instance=contribution)
        form.is_valid()
        form.add_error(None, changed)
        status = 409
    history = contribution.history.select_related("history_user")[:20] if staff else None
    return render(
        request,
        "records/contribution_form.html",
        {
            "form": _with_kind_refresh(request, form),
            "contribution": contribution,
            "target": contribution.target,
            "history": history,
        },
        status=status,
    )


def _changes_message(contribution, seen):
    """For the person whose change lost: who changed the row meanwhile, and what."""
    changes, who = contribution.changes_since(seen)
    parts = "；".join(
        _("%(field)s: %(then)s → %(now)s")
        % {"field": field, "then": _shown(then), "now": _shown(now)}
        for field, then, now in changes
    )
    return _(
        "This contribution was changed by %(who)s after your page was shown, so your change "
        "was not saved. What changed: %(changes)s."
    ) % {"who": who or "—", "changes": parts or "—"}


def _shown(value):
    return "—" if value in (None, "") else value


@member_required
@require_GET
@across_councils_for_liaison
def contribution_evidence(request, pk):
    """A contribution's evidence photo: for office staff and the unit's own liaisons only."""
    contribution = _get_contribution_for_user(request, pk)
    if not contribution.evidence:
        raise Http404
    try:
        handle = contribution.evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=60"
    return response


def _contribution_rows(request):
    """The office's list as it stands: filter by status, a page of rows."""
    status = request.GET.get("status", Contribution.Status.RECORDED)
    contributions = Contribution.objects.select_related(
        "unit", "project", "pairing__community", "recorded_by"
    )
    if status in Contribution.Status.values:
        contributions = contributions.filter(status=status)
    else:
        status = ""
    page = Paginator(contributions, CONTRIBUTIONS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page)
    for i, row in enumerate(rows):
        # Where the list continues after this row is confirmed: the row itself when it stays
        # in the list, else its neighbour (the list of those awaiting confirmation loses it).
        stays = status != Contribution.Status.RECORDED
        neighbour = rows[i + 1] if i + 1 < len(rows) else (rows[i - 1] if i else None)
        row.return_to = row if stays else neighbour
    return status, page


@staff_required
@require_GET
def contribution_list(request):
    status, page = _contribution_rows(request)
    return render(
        request,
        "records/contribution_list.html",
        {
            "page": page,
            "status": status,
            "query": f"status={status or 'all'}",
            "statuses": Contribution.Status.choices,
        },
    )


def _confirm(request, contribution, seen):
    """Confirm one row as the office saw it; say what happened if it was not the same."""
    if seen is not None and contribution.confirm(by=request.user, version=seen):
        return True
    contribution.refresh_from_db()
    if contribution.is_locked:
        messages.info(
            request,
            _("“%(what)s” was already confirmed by %(who)s.")
            % {"what": contribution, "who": contribution.confirmed_by or "—"},
        )
    elif seen is None:
        messages.error(request, STALE_PAGE)
    else:
        messages.error(
            request,
            _changes_message(contribution, seen)
            + " "
            + _("Check it and confirm again."),
        )
    return False


def _back_to_list(request, anchor=""):
    target = safe_next(request, request.POST.get("next"), reverse("records:contribution-list"))
    return redirect(target.split("#", 1)[0] + (f"#{anchor}" if anchor else ""))


@staff_required
@require_POST
def contribution_confirm(request, pk):
    """Confirm one row. htmx gets the row back, swapped in place; everyone else returns to
    the same place in the list (an anchor), not the top of a long page."""
    contribution = _get_contribution_for_user(request, pk)
    if _confirm(request, contribution, to_id(request.POST.get("version", ""))):
        messages.success(request, _("Contribution confirmed and locked."))
    if request.htmx:
        contribution.return_to = contribution
        return render(
            request,
            "records/contribution_list.html#row",
            {"c": contribution, "status": "", "row_messages": True},
        )
    return _back_to_list(request, request.POST.get("anchor", ""))


@staff_required
@require_POST
def contribution_confirm_many(request):
    """Confirm the rows ticked on one page, each as the office saw it (``pk:version``)."""
    seen = {}
    for item in request.POST.getlist("items")[:CONTRIBUTIONS_PER_PAGE]:
        pk, _sep, version = item.partition(":")
        pk = to_id(pk)
        if pk is not None:
            seen[pk] = to_id(version)
    confirmed = 0
    for contribution in Contribution.objects.filter(pk__in=seen).select_related("unit"):
        if _confirm(request, contribution, seen[contribution.pk]):
            confirmed += 1
    if confirmed:
        messages.success(
            request, _("%(n)s contributions confirmed and locked.") % {"n": confirmed}
        )
    elif not seen:
        messages.error(request, _("Tick the contributions to confirm first."))
    return _back_to_list(request)


# --- The year-end assessment ---------------------------------------------------------------


def _assessment_rows(year, units):
    """Each unit with its figures: the snapshot once finalised, live before; a fixed
    number of queries whatever the number of units."""
    if not units.query.is_sliced:  # a page is ordered and joined already
        units = units.select_related("district").order_by("name")
    units = list(units)
    assessments = {
        a.unit_id: a
        for a in AnnualAssessment.objects.filter(year=year, unit_id__in=[u.pk for u in units])
    }
    live_needed = [u.pk for u in units if not getattr(assessments.get(u.pk), "is_final", False)]
    live = assessment.compute_figures(year, live_needed) if live_needed else {}
    rows = []
    for unit in units:
        record = assessments.get(unit.pk)
        figures = record.figures if record is not None and record.is_final else live[unit.pk]
        figures = {**assessment.empty_figures(), **figures}
        figures["adopted"] = figures["adopted_new"] + figures["adopted_renewal"]
        rows.append({"unit": unit, "figures": figures, "assessment": record})
    return rows


RATING_ORDER = {value: i for i, value in enumerate(reversed(AnnualAssessment.Rating.values))}


def _sort(rows, key, descending):
    if key in ("", "name", None):
        return rows  # already by name

    def value(row):
        if key == "rating":
            return RATING_ORDER.get(getattr(row["assessment"], "rating", ""), -1)
        figure = row["figures"].get(key)
        return -1 if figure is None else figure

    return sorted(rows, key=value, reverse=descending)


def _assessment_table(request, year):
    """Every matching unit's row, sorted (the export)."""
    form = AssessmentFilterForm(request.GET or None)
    rows = _assessment_rows(year, form.filter_year(assessment.units_of_year(year), year))
    sort = form.cleaned_data.get("sort") if form.is_valid() else ""
    descending = form.cleaned_data.get("descending") if form.is_valid() else False
    return form, _sort(rows, sort, descending)


#: Units per page of the assessment table.
ASSESSMENT_PER_PAGE = 50


def _assessment_page(request, year):
    """One page of the table. By name (the default) only the page's units are counted; a
    sort by a figure counts every matching unit's figures (grouped queries) to order them,
    and renders one page."""
    form = AssessmentFilterForm(request.GET or None)
    units = form.filter_year(assessment.units_of_year(year), year)
    sort = form.cleaned_data.get("sort") if form.is_valid() else ""
    descending = form.cleaned_data.get("descending") if form.is_valid() else False
    number = request.GET.get("page")
    if sort in ("", "name", None):
        units = units.select_related("district").order_by("name")
        page = Paginator(units, ASSESSMENT_PER_PAGE).get_page(number)
        page.object_list = _assessment_rows(year, page.object_list)
    else:
        rows = _sort(_assessment_rows(year, units), sort, descending)
        page = Paginator(rows, ASSESSMENT_PER_PAGE).get_page(number)
    return form, page


@staff_required
@require_GET
def assessment_table(request, year):
    year = _year(year)
    form, page = _assessment_page(request, year)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "records/assessment.html",
        {
            "year": year,
            "form": form,
            "page": page,
            "rows": page.object_list,
            "query": query.urlencode(),
            "finalisations": list(
                AssessmentFinalisation.objects.filter(year=year).select_related("finalised_by")[:5]
            ),
            "years": range(timezone.localdate().year, FOUNDING_YEAR - 1, -1)[:10],
        },
    )


def _rating_label(record):
    return record.get_rating_display() if record is not None and record.rating else ""


@staff_required
@require_GET
def assessment_export(request, year):
    year = _year(year)
    _form, rows = _assessment_table(request, year)
    header = [
        _("member unit"), _("category"), _("district"), _("new adoptions"), _("renewals"),
        _("completed"), _("milestones on time (%)"), _("visits made"), _("visits expected"),
        _("visits against cadence (%)"), _("funds (yuan)"), _("volunteers (person-times)"),
        _("volunteer hours"), _("goods"), _("goods value (yuan)"), _("venues"),
        _("awaiting confirmation"), _("rating"), _("remark"), _("finalised at"),
    ]  # fmt: skip
    body = []
    for row in rows:
        f, unit, record = row["figures"], row["unit"], row["assessment"]
        final = record is not None and record.is_final
        body.append(
            [
                unit.name, unit.get_category_display(), unit.district.name if unit.district else "",
                f["adopted_new"], f["adopted_renewal"], f["completed"],
                f["milestones_on_time_pct"], f["visits_made"], f["visits_expected"],
                f["visits_pct"], f["funds"], f["volunteer_people"], f["volunteer_hours"],
                f["goods_count"], f["goods_value"], f["venue_count"],
                f["contributions_pending"], _rating_label(record),
                record.remark if record is not None else "",
                timezone.localtime(record.finalised_at).strftime("%Y-%m-%d %H:%M") if final else "",
            ]
        )  # fmt: skip
    widths = [30, 14, 10] + [10] * 14 + [10, 40, 18]
    title = _("Assessment %(year)s") % {"year": year}
    name = councils.file_name(request, f"assessment-{year}.xlsx")
    return xlsx_response(name, [(title, header, body, widths)])


@staff_required
@require_http_methods(["GET", "POST"])
def assessment_finalise(request, year):
    """年度定稿 in two steps: GET (or a POST without ``confirmed``) shows what is still open
    (unconfirmed contributions, units without a rating); the confirmed POST stores it."""
    year = _year(year)
    if request.method == "GET" or request.POST.get("confirmed") != "yes":
        return render(
            request,
            "records/assessment_finalise.html",
            {"year": year, **assessment.finalisation_gaps(year)},
        )
    finalisation = assessment.finalise_year(year, by=request.user)
    messages.success(
        request,
        _("Year %(year)s finalised: the figures of %(n)s units are stored.")
        % {"year": year, "n": finalisation.unit_count},
    )
    return redirect("records:assessment", year=year)


@staff_required
@require_http_methods(["GET", "POST"])
def assessment_rate(request, year, unit_pk):
    year = _year(year)
    unit = get_object_or_404(MemberUnit.objects.in_council(), pk=unit_pk)
    record = AnnualAssessment.objects.filter(unit=unit, year=year).first() or AnnualAssessment(
        unit=unit, year=year
    )
    form = AssessmentRatingForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Rating for “%(unit)s” saved.") % {"unit": unit.name})
        return redirect("records:assessment", year=year)
    return render(
        request, "records/assessment_rate.html", {"form": form, "unit": unit, "year": year}
    )


# --- The unit's record ---------------------------------------------------------------------


def _unit_record_context(unit, year, visits_page=1, contributions_page=1):
    rows = _assessment_rows(year, MemberUnit.objects.filter(pk=unit.pk))
    row = rows[0] if rows else {"figures": assessment.empty_figures(), "assessment": None}
    return {
        "unit": unit,
        "year": year,
        "figures": row["figures"],
        "assessment": row["assessment"],
        **report.unit_year(unit, year, visits_page, contributions_page),
    }


@member_required
@require_GET
def unit_record(request, pk, year):
    year = _year(year)
    unit = _get_unit_for_record(request, pk)
    context = _unit_record_context(
        unit, year, request.GET.get("visits"), request.GET.get("contributions")
    )
    first = max(unit.joined_year, FOUNDING_YEAR)
    context["years"] = range(timezone.localdate().year, first - 1, -1)
    return render(request, "records/unit_record.html", context)


@member_required
@require_GET
def unit_record_pdf(request, pk, year):
    """The record as a PDF: the latest page of each long list, the rest summarised, so that
    typesetting takes a few seconds however busy the unit's year was."""
    year = _year(year)
    unit = _get_unit_for_record(request, pk)
    return pdf_response(
        councils.file_name(request, f"unit-{unit.pk}-record-{year}.pdf"),
        "records/unit_record_print.html",
        _unit_record_context(unit, year),
        request,
    )


# --- The annual report ---------------------------------------------------------------------


def _report_context(request, year):
    context = report.annual_report(year)
    context["staff_version"] = works_here(request)
    if context["staff_version"]:
        context["rows"] = _assessment_rows(year, assessment.units_of_year(year))
    return context


@require_GET
@shared_page
def annual_report_index(request):
    """/reports/: the years there is a report for, newest first (this year always), each with
    its public projects and whether the office has finalised it."""
    counts = {
        row["year"]: row
        for row in Project.objects.exclude(status=Project.Status.DRAFT)
        .values("year")
        .annotate(
            projects=Count("id"), completed=Count("id", filter=Q(status=Project.Status.COMPLETED))
        )
        .order_by()
    }
    finalised = set(AssessmentFinalisation.objects.values_list("year", flat=True).distinct())
    this_year = timezone.localdate().year
    years = sorted(
        {y for y in [*counts, *finalised, this_year] if FOUNDING_YEAR <= y <= this_year},
        reverse=True,
    )
    rows = [
        {
            "year": y,
            "projects": counts.get(y, {}).get("projects", 0),
            "completed": counts.get(y, {}).get("completed", 0),
            "finalised": y in finalised,
        }
        for y in years
    ]
    return render(request, "records/annual_report_index.html", {"rows": rows})


@require_GET
@shared_page
def annual_report(request, year):
    year = _year(year)
    return render(request, "records/annual_report.html", _report_context(request, year))


@require_GET
def annual_report_pdf(request, year):
    """Anyone may download the public report, so its PDF (a second of CPU to typeset) is
    made once per change of the data and language, and kept in the cache like the pages."""
    year = _year(year)
    filename = councils.file_name(request, f"annual-report-{year}.pdf")
    template = "records/annual_report_print.html"
    if works_here(request) or not getattr(settings, "PUBLIC_PAGE_CACHE", True):
        return pdf_response(filename, template, _report_context(request, year), request)
    council = councils.current_id(request)
    prefix = get_script_prefix()  # links differ at /c/<slug>/ and at the root
    key = f"annual-report-pdf:{council}:{prefix}:{current_version()}:{get_language()}:{year}"
    content = cache.get(key)  # the cache fails soft: down means a miss
    if content is None:
        content = render_pdf(template, _report_context(request, year), request)
        cache.set(key, content, getattr(settings, "PUBLIC_PAGE_TTL", 300))
    return pdf_bytes_response(filename, content)
