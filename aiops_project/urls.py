"""The root URLconf: each app's routes, included by module name (the apps sit above this package)."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from aiops_project import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="console", permanent=False)),
    path("health", views.health, name="health"),
    path("ready", views.ready, name="ready"),
    path("metrics", views.metrics, name="metrics"),
    path("console/", include("remediation.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Before chat's api/webhook/<platform>: upstream's Alertmanager route, api/webhook/alertmanager, is the intake's.
    path("api/", include("incidents.api.urls")),
    path("", include("chat.urls")),
    path("api/", include("remediation.api.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
]
