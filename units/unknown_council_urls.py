"""The URLs of a request for a council that does not exist (``/c/<unknown>/…``): every path
is the site's 404 page, rendered like any other (header, language, the visitor's session),
and every ``{% url %}`` on it still resolves through the site's own patterns."""

from django.conf import settings
from django.http import Http404
from django.urls import include, re_path


def no_such_council(request):
    raise Http404("No such council.")


urlpatterns = [re_path(r"", no_such_council), re_path(r"", include(settings.ROOT_URLCONF))]
