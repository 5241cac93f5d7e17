from django.apps import AppConfig


class FreshnessConfig(AppConfig):
    name = "zhujing.freshness"
    label = "freshness"
    verbose_name = "Freshness"
