import gzip
import secrets

from django.conf import settings
from django.middleware import gzip as gzip_middleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    """Simplified Chinese for everyone, unless the visitor picked another language.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: a
    phone set to English still gets the town's Chinese UI until its owner uses the
    language switch (which sets the language cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen or settings.LANGUAGE_CODE)
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ["Cookie"])
        return response


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` (Django has no setting for it): no page uses the
    camera, microphone, location or payments, so no page (or frame) may ask for them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response


class UnreadableInputMiddleware:
    """Refuse, with a Chinese 400 page, input no view can use safely.

    A NUL byte in the path, the query or a posted field (PostgreSQL rejects it in text:
    500), and a form posted in any charset but UTF-8 (``charset=utf-7`` once made every
    field unreadable). One place for the whole class, before any view sees the request.
    """

    ACCEPTED_CHARSETS = {"utf-8", "utf8"}
    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.unreadable(request):
            return render(request, "400.html", status=400)
        return self.get_response(request)

    def unreadable(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return True
        if any("\x00" in v for values in request.GET.lists() for v in values[1]):
            return True
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        charset = request.content_params.get("charset")
        if charset is not None and charset.strip().lower() not in self.ACCEPTED_CHARSETS:
            return True
        if request.content_type not in self.FORM_TYPES:
            return False
        try:
            posted = request.POST
        except Exception:  # a body Django cannot parse at all
            return True
        return any("\x00" in v for _, values in posted.lists() for v in values)


class GZipMiddleware(gzip_middleware.GZipMiddleware):
    """Django's GZipMiddleware at zlib level ``GZIP_LEVEL`` (2) instead of 6.

    Compressing is the largest single cost of a cached signed-in page, and level 2 costs a
    third of level 6's CPU for about 20% more bytes. Django's random padding against BREACH
    stays. Streaming answers go to Django's own code.
    """

    def process_response(self, request, response):
        if response.streaming or len(response.content) < 200:
            return super().process_response(request, response)
        if response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not gzip_middleware.re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        compressed = _gzip_padded(response.content, self.max_random_bytes)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response


def _gzip_padded(data, max_random_bytes):
    """gzip at GZIP_LEVEL with a random file name of 1 to max_random_bytes characters in the
    header, as django.utils.text.compress_string pads it (BREACH)."""
    compressed = gzip.compress(data, compresslevel=settings.GZIP_LEVEL, mtime=0)
    header = bytearray(compressed[:10])
    header[3] = gzip.FNAME
    # One call for the random name, not one per letter.
    length = secrets.randbelow(max_random_bytes) + 1
    name = secrets.token_urlsafe(max_random_bytes)[:length].encode()
    return bytes(header) + name + b"\x00" + compressed[10:]
