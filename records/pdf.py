"""PDF from a print template with WeasyPrint (Debian's pango, fonts-noto-cjk for Chinese).

WeasyPrint fetches images and stylesheets itself. It gets only the app's own progress
photos, read from storage: never the network, so a URL in user text cannot make the
server fetch anything (no SSRF), and no request goes back through the web server.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from core.text import printable
from projects.models import ProgressPhoto

BASE_URL = "https://zhujing.invalid/"


def _local_file(url):
    """The file behind one of the app's own photo URLs, or None for anything else.

    The page was rendered for someone allowed to see it, and its photos are those the
    page's queries chose; here they are only read from storage.
    """
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL:
        return None
    try:
        match = resolve(unquote(parts.path))
    except Resolver404:
        return None
    if match.view_name != "projects:progress-photo":
        return None
    photo = ProgressPhoto.objects.filter(pk=match.kwargs["pk"]).first()
    if photo is None or not photo.image:
        return None
    try:
        path = Path(photo.image.path)
    except NotImplementedError:  # storage without local paths
        return None
    return path if path.is_file() else None


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = _local_file(url)
            if path is None:
                raise ValueError(f"not an app file: {url}")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})

    return LocalFilesOnly()


STYLESHEET = Path(__file__).resolve().parent / "print.css"


def render_pdf(template_name, context, request=None):
    from weasyprint import CSS, HTML

    html = printable(render_to_string(template_name, {**context, "for_pdf": True}, request=request))
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))]
    )


def pdf_bytes_response(filename, content):
    response = HttpResponse(content, "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_response(filename, template_name, context, request=None):
    return pdf_bytes_response(filename, render_pdf(template_name, context, request))
