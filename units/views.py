import contextlib
import datetime
import json
import re
import secrets
import tempfile
import time
import uuid
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_scopes import scopes_disabled

from core import councils, exports, siteurl
from core.access import (
    across_councils_for_liaison,
    liaison_required,
    member_required,
    staff_required,
    wants_partial,
    works_here,
)
from core.pagecache import canonical_query, shared_page
from core.params import to_id

from . import actions, dataio, diagram, stats
from .forms import (
    CommunityForm,
    DeactivateForm,
    MemberUnitForm,
    PairingForm,
    RegistryImportForm,
    ResourceFilterForm,
    ResourceForm,
    UnitFilterForm,
    VisitForm,
)
from .models import Community, Council, District, MemberUnit, Pairing, Resource, Visit, council_in_scope

# --- Registry pages for office staff ------------------------------------------

UNITS_PER_PAGE = 25
#: A town has a few dozen communities: one page; a district or a city, many.
COMMUNITIES_PER_PAGE = 50
RECENT_VISITS = 10
HISTORY_RECORDS = 20


def _get_unit_for_staff(request, pk):
    """Office staff see the units of their council's network; the decorator has already
    checked who is asking."""
    return get_object_or_404(MemberUnit.objects.in_council().select_related("district"), pk=pk)


def _get_community_for_staff(request, pk):
    return get_object_or_404(Community.objects.select_related("district"), pk=pk)


def _get_pairing_for_staff(request, pk):
    return get_object_or_404(
        Pairing.objects.select_related("community", "unit", "partner_community"), pk=pk
    )


def _active_pairings_count(field):
    """A correlated count of active pairings, so list rows never multiply or query again."""
    subquery = (
        Pairing.objects.filter(**{field: OuterRef("pk")}, status=Pairing.Status.ACTIVE)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(subquery), 0)


@staff_required
@shared_page(signed_in=True)
def unit_list(request):
    form = UnitFilterForm(request.GET or None)
    units = form.filter(
        MemberUnit.objects.in_council()
        .select_related("district")
        .annotate(active_pairings=_active_pairings_count("unit"))
    )
    page = Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template_name = "units/unit_list.html"
    if wants_partial(request):
        template_name += "#rows"
    return render(
        request,
        template_name,
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _history_rows(obj):
    """The latest changes to ``obj``: who changed which fields when."""
    records = list(obj.history.select_related("history_user")[: HISTORY_RECORDS + 1])
    rows = []
    related_ids = {}
    for i, record in enumerate(records[:HISTORY_RECORDS]):
        older = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if older is not None and record.history_type == "~":
            for change in record.diff_against(older).changes:
                field = obj._meta.get_field(change.field)
                if field.is_relation:
                    related_ids.setdefault(field.related_model, set()).update(
                        v for v in (change.old, change.new) if v is not None
                    )
                changes.append({"field": field, "old": change.old, "new": change.new})
        rows.append({"record": record, "changes": changes})
    # Show names and labels, not ids and codes: one query per related model at most.
    related = {
        model: model._default_manager.in_bulk(ids) for model, ids in related_ids.items()
    }
    for row in rows:
        for change in row["changes"]:
            field = change["field"]
            for key in ("old", "new"):
                value = change[key]
                if field.is_relation and value is not None:
                    change[key] = related[field.related_model].get(value, value)
                elif field.choices:
                    change[key] = dict(field.flatchoices).get(value, value)
            change["field"] = field.verbose_name
    return rows


@staff_required
@never_cache
def unit_detail(request, pk):
    unit = _get_unit_for_staff(request, pk)
    pairings = unit.pairings.select_related("community__district").with_last_visit().order_by(
        "status", "community__name"
    )
    visits = (
        Visit.objects.filter(pairing__unit=unit)
        .select_related("pairing__community", "recorded_by")
        .order_by("-visited_on", "-id")[:RECENT_VISITS]
    )
    context = {
        "unit": unit,
        "liaisons": unit.liaisons.filter(is_active=True).order_by("username"),
        "pairings": pairings,
        "visits": visits,
        "branches": unit.branches.order_by("name"),
        "history": _history_rows(unit),
        "adoptions": unit.adoptions.select_related("project__community").order_by(
            "-project__year", "project__title", "pk"
        ),
        "deactivate_form": DeactivateForm(),
    }
    return render(request, "units/unit_detail.html", context)


@staff_required
def unit_create(request):
    form = MemberUnitForm(request.POST or None)
    if request.method == "POST" and (shared := _unit_of_another_council(request.POST)):
        # One record for the deployment: the unit joins this council's network.
        shared.join()
        messages.success(
            request,
            _("“%(name)s” already takes part in another council's network; it now takes part "
              "in this one too.") % {"name": shared.name},
        )
        return redirect("units:unit-detail", pk=shared.pk)
    if request.method == "POST" and form.is_valid():
        unit = form.save()
        messages.success(request, _("Member unit “%(name)s” added.") % {"name": unit.name})
        return redirect("units:unit-detail", pk=unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "unit": None})


def _unit_of_another_council(data):
    """The unit of this name that takes part in other councils only, if there is one."""
    name = (data.get("name") or "").strip()
    if not name:
        return None
    others = MemberUnit.objects.exclude(pk__in=MemberUnit.objects.in_council())
    return others.filter(name=name).first()


@staff_required
def unit_edit(request, pk):
    unit = _get_unit_for_staff(request, pk)
    form = MemberUnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Member unit “%(name)s” saved.") % {"name": unit.name})
        return redirect("units:unit-detail", pk=unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "unit": unit})


@require_POST
@staff_required
def unit_deactivate(request, pk):
    unit = _get_unit_for_staff(request, pk)
    form = DeactivateForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("left_on", []):
            messages.error(request, error)
    elif unit.takes_part_here():
        unit.deactivate(on=form.cleaned_data["left_on"])
        messages.success(
            request, _("“%(name)s” is marked as having left the network.") % {"name": unit.name}
        )
    return redirect("units:unit-detail", pk=unit.pk)


@require_POST
@staff_required
def unit_reactivate(request, pk):
    unit = _get_unit_for_staff(request, pk)
    if not unit.takes_part_here():
        unit.reactivate()
        messages.success(request, _("“%(name)s” is active again.") % {"name": unit.name})
    return redirect("units:unit-detail", pk=unit.pk)


def _unit_relations(unit):
    """What keeps a unit from being deleted: records people rely on, in every council (a
    unit is one record for the deployment), and its place in other councils' networks."""
    here = council_in_scope()
    with scopes_disabled():
        counts = {
            "pairings": unit.pairings.count(),
            "adoptions": unit.adoptions.count(),
            "liaisons": unit.liaisons.count(),
            "branches": unit.branches.count(),
            "councils": unit.memberships.exclude(council_id=here).count(),
        }
    return {key: n for key, n in counts.items() if n}


@staff_required
def unit_delete(request, pk):
    unit = _get_unit_for_staff(request, pk)
    relations = _unit_relations(unit)
    if relations:
        return render(
            request,
            "units/unit_delete.html",
            {"unit": unit, "relations": relations},
            status=409 if request.method == "POST" else 200,
        )
    if request.method == "POST":
        name = unit.name
        with transaction.atomic():
            unit.memberships.all().delete()
            unit.delete()
        messages.success(request, _("Member unit “%(name)s” deleted.") % {"name": name})
        return redirect("units:unit-list")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "units/unit_delete.html", {"unit": unit, "relations": {}})


def _pairing_form_response(request, form, pairing):
    # Choosing the community or the counterpart refreshes the counterpart fields.
    refresh = {
        "data-hx-get": request.path,
        "data-hx-trigger": "change",
        "data-hx-target": "#counterpart",
        "data-hx-swap": "outerHTML",
        # Only the choices that matter, so no CSRF token ends up in a URL.
        "data-hx-include": "#id_community, #id_unit, #id_partner_community",
    }
    for name in ("community", "unit", "partner_community"):
        form.fields[name].widget.attrs.update(refresh)
    template_name = "units/pairing_form.html"
    if request.htmx and request.method == "GET":
        template_name += "#counterpart"
    return render(request, template_name, {"form": form, "pairing": pairing})


def _pairing_refresh_form(request, pairing=None):
    """The form as the user has filled it so far, narrowed to what still fits (htmx)."""
    initial = {key: request.GET.get(key) for key in PairingForm.Meta.fields if key in request.GET}
    unit = partner = None
    if initial.get("unit"):
        unit = MemberUnit.objects.filter(pk=to_id(initial["unit"])).first()
    if initial.get("partner_community"):
        partner = Community.objects.filter(pk=to_id(initial["partner_community"])).first()
    if unit is not None and partner is None:
        initial["mode"] = Pairing.mode_for(unit=unit)
    elif partner is not None and unit is None:
        initial["mode"] = Pairing.mode_for(partner_community=partner)
    if pairing is not None:
        return PairingForm(instance=pairing, initial=initial, narrow=True)
    return PairingForm(initial=initial, narrow=True)


@staff_required
def pairing_create(request):
    if request.method == "POST":
        form = PairingForm(request.POST, narrow=False)
        if form.is_valid():
            pairing = form.save(commit=False)
            pairing.created_by = request.user
            pairing.save()
            messages.success(request, _("Pairing “%(pairing)s” added.") % {"pairing": pairing})
            return redirect("units:community-detail", pk=pairing.community_id)
    elif request.htmx:
        form = _pairing_refresh_form(request)
    else:
        initial = {}
        if to_id(request.GET.get("community")):
            initial["community"] = request.GET["community"]
        form = PairingForm(initial=initial, narrow=True)
    return _pairing_form_response(request, form, None)


@staff_required
def pairing_edit(request, pk):
    pairing = _get_pairing_for_staff(request, pk)
    if request.method == "POST":
        form = PairingForm(request.POST, instance=pairing)
        if form.is_valid():
            form.save()
            messages.success(request, _("Pairing “%(pairing)s” saved.") % {"pairing": pairing})
            return redirect("units:community-detail", pk=pairing.community_id)
    elif request.htmx:
        form = _pairing_refresh_form(request, pairing)
    else:
        form = PairingForm(instance=pairing, narrow=True)
    return _pairing_form_response(request, form, pairing)


@require_http_methods(["GET", "POST"])
@staff_required
def pairing_end(request, pk):
    """Ending a pairing of years asks once more (GET), then ends it (POST)."""
    pairing = _get_pairing_for_staff(request, pk)
    if pairing.status != Pairing.Status.ACTIVE:
        return redirect("units:community-detail", pk=pairing.community_id)
    if request.method == "GET":
        context = {"pairing": pairing, "visits": pairing.visits.count()}
        return render(request, "units/pairing_end.html", context)
    pairing.end()
    messages.success(request, _("Pairing “%(pairing)s” ended.") % {"pairing": pairing})
    return redirect("units:community-detail", pk=pairing.community_id)


@staff_required
@shared_page(signed_in=True)
def community_list(request):
    communities = (
        Community.objects.select_related("district")
        .annotate(
            active_pairings=_active_pairings_count("community"),
            active_partner_pairings=_active_pairings_count("partner_community"),
        )
        .order_by("district__position", "district__name", "name", "pk")
    )
    page = Paginator(communities, COMMUNITIES_PER_PAGE).get_page(request.GET.get("page"))
    # Each district's heading counts all its communities, not those on this page.
    district_counts = dict(
        Community.objects.order_by().values_list("district").annotate(n=Count("pk"))
    )
    for community in page.object_list:
        community.district_total = district_counts.get(community.district_id, 0)
    return render(
        request, "units/community_list.html", {"page": page, "communities": page.object_list}
    )


@staff_required
def community_detail(request, pk):
    community = _get_community_for_staff(request, pk)
    pairings = community.pairings.select_related("unit", "partner_community").with_last_visit().order_by(
        "status", "id"
    )
    partner_pairings = community.partner_pairings.select_related("community").with_last_visit().order_by(
        "status", "id"
    )
    visits = (
        Visit.objects.filter(
            Q(pairing__community=community) | Q(pairing__partner_community=community)
        )
        .select_related("pairing__community", "pairing__unit", "pairing__partner_community")
        .order_by("-visited_on", "-id")[:RECENT_VISITS]
    )
    context = {
        "community": community,
        "pairings": pairings,
        "partner_pairings": partner_pairings,
        "visits": visits,
        "branches": community.branches.order_by("name"),
        "history": _history_rows(community),
    }
    return render(request, "units/community_detail.html", context)


@staff_required
def community_create(request):
    form = CommunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        community = form.save()
        messages.success(request, _("Community “%(name)s” added.") % {"name": community.name})
        return redirect("units:community-detail", pk=community.pk)
    return render(request, "units/community_form.html", {"form": form, "community": None})


@staff_required
def community_edit(request, pk):
    community = _get_community_for_staff(request, pk)
    form = CommunityForm(request.POST or None, instance=community)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Community “%(name)s” saved.") % {"name": community.name})
        return redirect("units:community-detail", pk=community.pk)
    return render(request, "units/community_form.html", {"form": form, "community": community})


# --- Liaison pages ---------------------------------------------------------------


def _get_pairing_for_user(request, pk):
    """Staff reach every pairing; a liaison only their own unit's active ones."""
    pairings = Pairing.objects.select_related("community", "unit", "partner_community")
    if works_here(request):
        return get_object_or_404(pairings, pk=pk)
    if request.user.unit_id is None:
        raise Http404
    return get_object_or_404(
        pairings, pk=pk, unit_id=request.user.unit_id, status=Pairing.Status.ACTIVE
    )


@liaison_required
@require_GET
@shared_page(per_unit=True)
@across_councils_for_liaison
def my_pairings(request):
    unit = request.user.unit
    today = timezone.localdate()
    pairings = list(
        Pairing.objects.filter(unit=unit, status=Pairing.Status.ACTIVE)
        .select_related("community__district")
        .annotate(last_visited_on=Max("visits__visited_on"), visit_count=Count("visits"))
        .order_by("community__name")
    )
    pairings.sort(key=lambda p: p.next_due)
    recent = (
        Visit.objects.filter(pairing__unit=unit)
        .select_related("pairing__community")
        .order_by("-visited_on", "-id")[:10]
    )
    return render(
        request,
        "units/my_pairings.html",
        {"unit": unit, "pairings": pairings, "recent": recent, "today": today},
    )


def _client_id(request):
    """The id the phone gave a visit (a UUID), or None when there is none or it is junk."""
    try:
        return uuid.UUID(request.POST.get("client_id", ""))
    except ValueError:
        return None


@member_required
@require_http_methods(["GET", "POST"])
@across_councils_for_liaison
def visit_create(request, pk):
    pairing = _get_pairing_for_user(request, pk)
    if request.method == "POST":
        form = VisitForm(request.POST, pairing=pairing)
        if form.is_valid():
            try:
                visit, _created = actions.record_visit(
                    form, pairing=pairing, user=request.user, client_id=_client_id(request)
                )
            except Visit.DoesNotExist:
                raise Http404 from None
            messages.success(
                request,
                _("Visit to %(community)s on %(date)s recorded.")
                % {"community": pairing.community, "date": visit.visited_on},
            )
            if works_here(request) and request.user.unit_id != pairing.unit_id:
                return redirect("home")
            return redirect("units:my-pairings")
    else:
        form = VisitForm(
            pairing=pairing,
            initial={
                "visited_on": timezone.localdate(),
                "visitors": str(request.user),
                "households_visited": 1,
            },
        )
    return render(request, "units/visit_form.html", {"form": form, "pairing": pairing})


def _refusal(message, status):
    return JsonResponse({"ok": False, "error": message}, status=status)


@require_POST
@never_cache
def visit_upload(request, pk):
    """A visit queued on the phone, sent when the network returns; answers JSON.

    The phone keeps a visit the server refuses, with the reason given here, so every refusal
    says in Chinese what happened."""
    if not request.user.is_authenticated:
        return _refusal(_("Please sign in again; the visit stays on this phone."), 401)
    pairings = Pairing.objects.select_related("community")
    if not works_here(request):
        if request.user.unit_id is None:
            return _refusal(_("This pairing was not found."), 404)
        pairings = pairings.filter(unit_id=request.user.unit_id)
    pairing = pairings.filter(pk=pk).first()
    if pairing is None:
        return _refusal(_("This pairing was not found."), 404)
    if pairing.status != Pairing.Status.ACTIVE:
        return _refusal(_("This pairing has ended; the visit cannot be recorded for it."), 409)
    client_id = _client_id(request)
    if client_id is None:
        return _refusal(_("The visit has no id from the phone. Please record it again."), 400)
    form = VisitForm(request.POST, pairing=pairing)
    if not form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        first = next(iter(errors.values()))[0]
        return JsonResponse({"ok": False, "error": first, "errors": errors}, status=400)
    try:
        visit, created = actions.record_visit(
            form, pairing=pairing, user=request.user, client_id=client_id
        )
    except Visit.DoesNotExist:
        return _refusal(_("The visit's id is already used. Please record it again."), 409)
    if created:
        messages.success(
            request,
            _("Visit to %(community)s on %(date)s recorded.")
            % {"community": pairing.community, "date": visit.visited_on},
        )
    return JsonResponse(
        {
            "ok": True,
            "duplicate": not created,
            "visit": {"id": visit.pk, "visited_on": visit.visited_on.isoformat()},
            "redirect": reverse("units:my-pairings"),
        },
        status=201 if created else 200,
    )


# --- The installable app for liaisons (offline visits) ---------------------------------------


@require_GET
def service_worker(request):
    """The service worker, served from the site's root so that its scope covers /my/."""
    visit_form = reverse("units:visit-create", args=[0]).replace("/0/", "/[0-9]+/")
    list_url = reverse("units:my-pairings")
    context = {
        "pages_pattern": f"({re.escape(list_url)}|{visit_form})".replace("/", "\\/"),
        "list_url": list_url,
        "logout_url": reverse("accounts:logout"),
    }
    response = render(request, "units/pwa/sw.js", context, content_type="text/javascript")
    # A new worker reaches phones at their next visit, not a year later.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def web_manifest(request):
    """The manifest that lets a liaison add the app to the phone's home screen."""
    return render(
        request, "units/pwa/manifest.webmanifest", content_type="application/manifest+json"
    )


# --- Public pages ------------------------------------------------------------------


@require_GET
@shared_page(params=("district",))
def structure(request):
    """The "1+5+N" organisation drawn as an SVG, with the same data as text below it: the
    whole network as a summary (each district's counts), or one district
    (``?district=<id>``) with its communities, units and pairings, named, for phones.

    Office staff can colour a district's links by pairing health (``?health=1``); everyone
    else gets the same public page whatever they ask.
    """
    with_health = request.user.is_staff and request.GET.get("health") == "1"
    chosen = request.GET.get("district", "")
    district = None
    if chosen.isascii() and chosen.isdigit() and len(chosen) < 10:
        district = District.objects.filter(pk=int(chosen)).first()
    if district is None:
        layout, zoom = diagram.build_summary(), None
        canonical_query(request, [])
    else:
        layout = diagram.build_layout(with_health, district)
        zoom = (district, layout.tree[0][1])
        canonical_query(request, [("district", district.pk)])
    return render(request, "units/structure.html", {"layout": layout, "zoom": zoom})


@require_GET
@shared_page
def statistics(request):
    return render(request, "units/stats.html", stats.registry_statistics())


@require_GET
@shared_page
def council_list(request):
    """The district's front page: every active council, linked to its own board."""
    root = getattr(request, "site_root", "/")
    shown = [
        (c, f"{siteurl.host_url(c.host)}/" if c.host else f"{root}c/{c.slug}/")
        for c in Council.objects.filter(is_active=True)
    ]
    return render(request, "units/council_list.html", {"councils": shown})


# --- The resource list (资源清单) -----------------------------------------------------------

RESOURCES_PER_PAGE = 30


def _resources_for_list():
    """Resources with what a row shows, in a fixed number of queries."""
    return Resource.objects.select_related("unit").prefetch_related(
        "districts", Prefetch("communities", queryset=Community.objects.order_by("name"))
    )


def _get_resource_for_user(request, pk):
    """Office staff reach every resource; a liaison only their own unit's (others: 404)."""
    resources = Resource.objects.select_related("unit")
    if works_here(request):
        return get_object_or_404(resources, pk=pk)
    if getattr(request.user, "unit_id", None) is None:
        raise Http404
    return get_object_or_404(resources, pk=pk, unit_id=request.user.unit_id)


def _save_resource(form, *, unit=None, by=None):
    with transaction.atomic():
        resource = form.save(commit=False)
        if unit is not None:
            resource.unit = unit
        if resource.pk is None:
            resource.created_by = by
        resource.save()
        form.save_m2m()
    return resource


@liaison_required
@require_GET
def my_resources(request):
    unit = request.user.unit
    resources = (
        _resources_for_list()
        .filter(unit=unit)
        .prefetch_related("matches__need__community")
        .order_by("-is_active", "title", "id")
    )
    return render(request, "units/my_resources.html", {"unit": unit, "resources": resources})


def _resource_create(request, *, unit, success_url, with_unit=False):
    """The add-a-resource form; ``unit`` None means the form chooses it (office staff)."""
    form = ResourceForm(request.POST or None, with_unit=with_unit)
    if request.method == "POST" and form.is_valid():
        resource = _save_resource(form, unit=unit, by=request.user)
        messages.success(
            request, _("The resource “%(title)s” was added.") % {"title": resource.title}
        )
        return redirect(success_url)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "units/resource_form.html", {"form": form, "resource": None}, status=status
    )


@liaison_required
@require_http_methods(["GET", "POST"])
def resource_create(request):
    return _resource_create(request, unit=request.user.unit, success_url="units:my-resources")


@member_required
@require_http_methods(["GET", "POST"])
def resource_edit(request, pk):
    resource = _get_resource_for_user(request, pk)
    staff = works_here(request)
    form = ResourceForm(request.POST or None, instance=resource, with_unit=staff)
    if request.method == "POST" and form.is_valid():
        _save_resource(form)
        messages.success(request, _("The resource was saved."))
        return redirect("units:office-resources" if staff else "units:my-resources")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "units/resource_form.html", {"form": form, "resource": resource}, status=status
    )
# --- Registry import and export (office staff) --------------------------------------------

IMPORT_SESSION_KEY = "registry_imports"
#: Uploaded workbooks wait here between the preview and the confirmation (not under MEDIA).
IMPORT_DIR = Path(tempfile.gettempdir()) / "zhujing-registry-imports"
IMPORT_TTL_SECONDS = 24 * 3600
EXPORT_KINDS = {"registry", *dataio.KINDS}
EXPORT_FORMATS = {"xlsx", "csv"}


def _import_path(token, suffix=".upload"):
    return IMPORT_DIR / f"{token}{suffix}"


def _forget_old_imports():
    cutoff = time.time() - IMPORT_TTL_SECONDS
    for path in IMPORT_DIR.glob("*"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


def _keep_upload(request, data, file_name, preview):
    """Keep the file and what its preview saw for the confirmation; only this session may
    confirm it."""
    IMPORT_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    _forget_old_imports()
    token = secrets.token_urlsafe(24)
    _import_path(token).write_bytes(data)
    _import_path(token, ".json").write_text(json.dumps(preview.expectations()))
    pending = request.session.get(IMPORT_SESSION_KEY, {})
    pending[token] = file_name
    request.session[IMPORT_SESSION_KEY] = pending
    return token


def _forget_upload(request, token):
    for suffix in (".upload", ".json"):
        _import_path(token, suffix).unlink(missing_ok=True)
    pending = request.session.get(IMPORT_SESSION_KEY, {})
    pending.pop(token, None)
    request.session[IMPORT_SESSION_KEY] = pending


def _ticked_rows(request):
    """The renames and near-duplicate names ticked in the preview: ``{kind: {row}}``."""
    ticked = {}
    for value in request.POST.getlist("accept"):
        kind, _sep, number = value.partition(":")
        number = to_id(number)
        if kind in dataio.KINDS and number is not None:
            ticked.setdefault(kind, set()).add(number)
    return ticked


def _import_page(request, context, status=200):
    template_name = "units/registry_import.html"
    if wants_partial(request):
        template_name += "#result"
    context.setdefault("form", RegistryImportForm())
    return render(request, template_name, context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def registry_import(request):
    """Upload a workbook and see what importing it would do; nothing is written yet."""
    if request.method == "GET":
        return _import_page(request, {})
    form = RegistryImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, {"form": form})
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        preview = dataio.run_import(data, user=request.user, file_name=upload.name)
    except dataio.FileError as exc:
        form.add_error("file", str(exc))
        return _import_page(request, {"form": form})
    token = None
    if not preview.error_count:
        token = _keep_upload(request, data, upload.name, preview)
    return _import_page(
        request, {"form": form, "preview": preview, "token": token, "file_name": upload.name}
    )


@require_POST
@staff_required
def registry_import_confirm(request):
    """Import the previewed workbook in one transaction: every row or none."""
    token = request.POST.get("token", "")
    pending = request.session.get(IMPORT_SESSION_KEY, {})
    if token not in pending or not _import_path(token).exists():
        messages.error(request, _("That upload has expired; upload the file again."))
        return redirect("units:registry-import")
    file_name = pending[token]
    data = _import_path(token).read_bytes()
    try:
        expected = json.loads(_import_path(token, ".json").read_text())
    except (OSError, ValueError):
        messages.error(request, _("That upload has expired; upload the file again."))
        return redirect("units:registry-import")
    try:
        preview = dataio.run_import(
            data, user=request.user, file_name=file_name, commit=True,
            accepted=_ticked_rows(request), expected=expected,
        )  # fmt: skip
    except dataio.FileError as exc:
        messages.error(request, str(exc))
        return redirect("units:registry-import")
    if not preview.committed:
        # Something changed since the preview: nothing was written; show why.
        return _import_page(
            request,
            {"preview": preview, "token": None, "file_name": file_name, "rolled_back": True},
        )
    _forget_upload(request, token)
    messages.success(
        request,
        _("Imported %(file)s: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.")
        % {
            "file": file_name,
            "new": preview.total(dataio.NEW),
            "changed": preview.total(dataio.CHANGED),
            "unchanged": preview.total(dataio.UNCHANGED),
        },
    )
    if preview.total(dataio.LEFT_OUT):
        messages.warning(
            request,
            _("%(count)s rows were left out because they were not ticked.")
            % {"count": preview.total(dataio.LEFT_OUT)},
        )
    response = redirect("units:unit-list")
    if request.htmx:
        return HttpResponseClientRedirect(response.url)
    return response


@staff_required
@require_GET
def office_resources(request):
    form = ResourceFilterForm(request.GET or None)
    resources = form.filter(_resources_for_list()).order_by(
        "-is_active", "unit__name", "title", "id"
    )
    page = Paginator(resources, RESOURCES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "units/office_resources.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def office_resource_create(request):
    return _resource_create(
        request, unit=None, success_url="units:office-resources", with_unit=True
    )


#: The resource board's query parameters: the only ones its cached copies are keyed on.
RESOURCE_BOARD_PARAMS = ("kind", "category", "district", "page")


@require_GET
@shared_page(params=RESOURCE_BOARD_PARAMS)
def resource_board(request):
    """资源清单, public: what the units offer. The unit's name is public; no person's contact."""
    form = ResourceFilterForm(request.GET or None)
    resources = form.filter(_resources_for_list().not_expired()).order_by(
        "kind", "unit__name", "title", "id"
    )
    page = Paginator(resources, RESOURCES_PER_PAGE).get_page(request.GET.get("page"))
    data = form.cleaned_data if form.is_valid() else {}
    pairs = [(name, getattr(v, "pk", v)) for name, v in data.items() if v not in (None, "")]
    if "page" in request.GET:
        pairs.append(("page", page.number))
    canonical_query(request, pairs)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "units/resource_board.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@staff_required
@require_GET
def registry_template(request):
    return exports.xlsx_response("registry-template.xlsx", dataio.template_sheets())


@staff_required
@require_GET
def registry_export(request, kind, fmt):
    """The registry as XLSX or CSV; the units follow the unit list's filters."""
    if kind not in EXPORT_KINDS or fmt not in EXPORT_FORMATS or (kind, fmt) == ("registry", "csv"):
        raise Http404
    stamp = timezone.localdate().isoformat()
    if kind == "registry":
        return exports.xlsx_response(
            councils.file_name(request, f"registry-{stamp}.xlsx"), dataio.registry_sheets()
        )
    queryset = None
    if kind == dataio.UNITS:
        form = UnitFilterForm(request.GET or None)
        queryset = form.filter(dataio.units_queryset())
    dataset = dataio.export_dataset(kind, queryset)
    filename = councils.file_name(request, f"{kind}-{stamp}.{fmt}")
    if fmt == "csv":
        rows = ([_csv_cell(v) for v in row] for row in dataset)
        return exports.csv_response(filename, dataset.headers, rows)
    return exports.xlsx_response(filename, [dataio.sheet_spec(kind, dataset)])


def _csv_cell(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else value
