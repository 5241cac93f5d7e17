from django.urls import path

from . import views

app_name = "units"

urlpatterns = []
