from django.conf import settings
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
