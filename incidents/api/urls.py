from django.urls import path
from rest_framework.routers import SimpleRouter

from incidents.api.views import (
    AlertmanagerWebhookView,
    ClusterEventViewSet,
    GenericAlertsView,
    IncidentViewSet,
    off_the_event_loop,
    refuse_without_alertmanager_token,
)

alertmanager_webhook = off_the_event_loop(AlertmanagerWebhookView.as_view(), refuse=refuse_without_alertmanager_token)
router = SimpleRouter()
router.trailing_slash = "/?"  # `/api/v1/approvals/7/approve` and `.../approve/` both (the constructor takes a bool)
router.register("v1/events", ClusterEventViewSet, basename="event")
router.register("v1/incidents", IncidentViewSet, basename="incident")

urlpatterns = [
    *router.urls,
    path("v1/alerts/generic", off_the_event_loop(GenericAlertsView.as_view()), name="generic-alerts"),
    path("v1/alerts/alertmanager", alertmanager_webhook, name="alertmanager-webhook"),
    # Upstream's path, kept so existing Alertmanager configurations keep working.
    path("alert/webhook", alertmanager_webhook, name="alertmanager-webhook-legacy"),
]
