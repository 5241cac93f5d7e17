"""The six kinds of community public-welfare project (社区公益项目).

Shared by the project board (``projects``) and the units' resource list (``units``), which
must not import the board.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The six kinds of community public-welfare project."""

    CARE_AID = "care_aid", _("care and aid")
    CONVENIENCE = "convenience", _("convenience services")
    CULTURE = "culture", _("community culture")
    SERVICE_SUPPORT = "service_support", _("service support")
    CONSTRUCTION = "construction", _("construction and management")
    BEAUTIFUL_HOME = "beautiful_home", _("beautiful home")
