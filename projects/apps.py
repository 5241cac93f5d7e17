from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Community projects")

    def ready(self):
        from accounts import loginreasons

        from .views.adopt import describe_for_login

        loginreasons.register("projects:project-adopt", describe_for_login)
