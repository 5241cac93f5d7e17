"""PDF from a print template with WeasyPrint (Debian's pango, fonts-noto-cjk for Chinese).

WeasyPrint fetches images and stylesheets itself. It gets only the app's own media files
(progress photos), read from disk: never the network, so a URL in user text cannot make the
server fetch anything (no SSRF), and no request goes back through the web server.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

BASE_URL = "https://zhujing.invalid/"


def _local_file(url):
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL:
        return None
    path = unquote(parts.path)
    if path.startswith(settings.MEDIA_URL):
        root = Path(settings.MEDIA_ROOT).resolve()
        candidate = (root / path.removeprefix(settings.MEDIA_URL)).resolve()
        return candidate if candidate.is_relative_to(root) and candidate.is_file() else None
    return None


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

    html = render_to_string(template_name, {**context, "for_pdf": True}, request=request)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))]
    )


def pdf_bytes_response(filename, content):
    response = HttpResponse(content, "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_response(filename, template_name, context, request=None):
    return pdf_bytes_response(filename, render_pdf(template_name, context, request))
