"""Open data for anyone, and calendar feeds: public, and private per liaison."""

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import councils, exports
from core.access import liaison_required
from core.pagecache import shared_page
from core.siteurl import absolute_url
from core.text import printable_tree
from units.models import MemberUnit

from . import data, feeds
from .models import CalendarFeed

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _json_response(payload, filename):
    body = json.dumps(printable_tree(payload), ensure_ascii=False, indent=1, cls=DjangoJSONEncoder)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return _stamped(response)


def _stamped(response):
    updated = data.last_updated()
    if updated is not None:
        response["Last-Modified"] = http_date(updated.timestamp())
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@shared_page
def index(request):
    files = [
        ("projects.csv", reverse("opendata:projects-csv"), _("Public projects, one per row (CSV, UTF-8 with BOM for Excel).")),
        ("projects.json", reverse("opendata:projects-json"), _("The same projects as JSON.")),
        ("structure.json", reverse("opendata:structure-json"), _("The 1+5+N network: districts, communities, member units and pairings.")),
        ("stats.json", reverse("opendata:stats-json"), _("The figures of the statistics page.")),
        ("calendar.ics", reverse("opendata:public-calendar"), _("Joint meetings and project milestones, to subscribe to in a calendar app.")),
    ]  # fmt: skip
    return render(
        request,
        "opendata/index.html",
        {
            "files": files,
            "updated": data.last_updated(),
            "project_columns": data.PROJECT_COLUMNS,
            "structure_fields": data.STRUCTURE_FIELDS,
        },
    )


@require_GET
def projects_csv(request):
    """Streamed as it is read: a city's projects in flat memory, the first bytes at once."""
    header = [column for column, _label, _meaning in data.PROJECT_COLUMNS]
    rows = ([row[c] for c in header] for row in data.iter_project_rows())
    return _stamped(exports.csv_streaming_response(
        councils.file_name(request, "projects.csv"), header, rows
    ))


@require_GET
def projects_json(request):
    payload = {
        "licence": "CC BY 4.0",
        "fields": {c: str(label) for c, label, _meaning in data.PROJECT_COLUMNS},
        "projects": data.project_rows(),
    }
    return _json_response(payload, councils.file_name(request, "projects.json"))


@require_GET
def structure_json(request):
    payload = {"licence": "CC BY 4.0", **data.structure()}
    return _json_response(payload, councils.file_name(request, "structure.json"))


@require_GET
def stats_json(request):
    payload = {"licence": "CC BY 4.0", **data.statistics()}
    return _json_response(payload, councils.file_name(request, "stats.json"))


def _ics_response(body, filename):
    response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def public_calendar(request):
    body = feeds.public_calendar(absolute_url, request.council.name)
    return _ics_response(body, councils.file_name(request, "calendar.ics"))


@require_GET
def private_calendar(request, token):
    """A liaison's feed: the secret in the URL is the only credential a phone can send."""
    feed = (
        CalendarFeed.objects.usable().select_related("user").filter(token=token).first()
        if token
        else None
    )
    if feed is None:
        raise Http404
    unit = MemberUnit.objects.filter(pk=feed.user.unit_id, is_active=True).first()
    if unit is None:
        raise Http404
    response = _ics_response(feeds.unit_calendar(unit, absolute_url), "unit.ics")
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@liaison_required
@require_GET
def my_calendar(request):
    feed, _created = CalendarFeed.objects.get_or_create(user=request.user)
    if feed.is_revoked:
        feed.reset()
    url = absolute_url(reverse("opendata:private-calendar", args=[feed.token]))
    webcal = "webcal://" + url.split("://", 1)[1]
    response = render(
        request, "opendata/my_calendar.html", {"feed": feed, "feed_url": url, "webcal_url": webcal}
    )
    response["Cache-Control"] = "private, no-store"
    return response


@liaison_required
@require_POST
def my_calendar_reset(request):
    feed, _created = CalendarFeed.objects.get_or_create(user=request.user)
    feed.reset()
    messages.success(
        request, _("Your calendar has a new address; the old one no longer works.")
    )
    return redirect("opendata:my-calendar")
