from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    # Registry pages for office staff
    path("registry/units/", views.unit_list, name="unit-list"),
    path("registry/units/new/", views.unit_create, name="unit-create"),
    path("registry/units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("registry/units/<int:pk>/edit/", views.unit_edit, name="unit-edit"),
    path("registry/units/<int:pk>/deactivate/", views.unit_deactivate, name="unit-deactivate"),
    path("registry/units/<int:pk>/reactivate/", views.unit_reactivate, name="unit-reactivate"),
    path("registry/units/<int:pk>/delete/", views.unit_delete, name="unit-delete"),
    path("registry/pairings/new/", views.pairing_create, name="pairing-create"),
    path("registry/pairings/<int:pk>/edit/", views.pairing_edit, name="pairing-edit"),
    path("registry/pairings/<int:pk>/end/", views.pairing_end, name="pairing-end"),
    path("registry/communities/", views.community_list, name="community-list"),
    path("registry/communities/new/", views.community_create, name="community-create"),
    path("registry/communities/<int:pk>/", views.community_detail, name="community-detail"),
    path("registry/communities/<int:pk>/edit/", views.community_edit, name="community-edit"),
    path("registry/import/", views.registry_import, name="registry-import"),
    path(
        "registry/import/confirm/", views.registry_import_confirm, name="registry-import-confirm"
    ),
    path("registry/import/template.xlsx", views.registry_template, name="registry-template"),
    path("registry/export/<slug:kind>.<slug:fmt>", views.registry_export, name="registry-export"),
    # Liaison pages
    path("my/pairings/", views.my_pairings, name="my-pairings"),
    path("my/pairings/<int:pk>/visits/new/", views.visit_create, name="visit-create"),
    path("my/pairings/<int:pk>/visits/upload/", views.visit_upload, name="visit-upload"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("manifest.webmanifest", views.web_manifest, name="web-manifest"),
    path("my/resources/", views.my_resources, name="my-resources"),
    path("my/resources/new/", views.resource_create, name="resource-create"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource-edit"),
    path("office/resources/", views.office_resources, name="office-resources"),
    path("office/resources/new/", views.office_resource_create, name="office-resource-create"),
    # Public pages
    path("resources/", views.resource_board, name="resource-board"),
    path("structure/", views.structure, name="structure"),
    path("stats/", views.statistics, name="stats"),
    path("councils/", views.council_list, name="council-list"),
]
