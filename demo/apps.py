from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Development-only code: demo data, the dev server wrapper, benchmark loaders.

    Production apps never import it; it imports them.
    """

    name = "demo"
    verbose_name = "Demo"
