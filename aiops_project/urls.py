from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from aiops_project import views
from chat import views as chat_views
from remediation import views as console_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="console", permanent=False)),
    path("health", views.health, name="health"),
    path("ready", views.ready, name="ready"),
    path("metrics", views.metrics, name="metrics"),
    path("console/", console_views.console, name="console"),
    path("console/panels/", console_views.console_panels, name="console-panels"),
    path("console/approvals/<int:approval_id>/decide/", console_views.decide, name="console-decide"),
    path("console/incidents/<int:incident_id>/", console_views.incident, name="console-incident"),
    path("console/incidents/<int:incident_id>/panel/", console_views.incident_panel, name="console-incident-panel"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("console/chat-link/", chat_views.link_code, name="console-chat-link"),
    path("console/incidents/<int:incident_id>/rca/", console_views.request_rca, name="console-incident-rca"),
    path("api/webhook/<slug:platform>", chat_views.webhook, name="chat-webhook"),
    path("api/", include("incidents.api.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
]
