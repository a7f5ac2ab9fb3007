from django.urls import path
from rest_framework.routers import SimpleRouter

from incidents.api.bodies import alert_body_limit
from incidents.api.views import (
    AlertmanagerWebhookView,
    ClusterEventViewSet,
    GenericAlertsView,
    IncidentViewSet,
    refuse_without_alertmanager_token,
    refusing_first,
)

alertmanager_webhook = refusing_first(alert_body_limit(AlertmanagerWebhookView.as_view()),
                                      refuse_without_alertmanager_token)
router = SimpleRouter()
router.trailing_slash = "/?"  # `/api/v1/approvals/7/approve` and `.../approve/` both (the constructor takes a bool)
router.register("v1/events", ClusterEventViewSet, basename="event")
router.register("v1/incidents", IncidentViewSet, basename="incident")

urlpatterns = [
    *router.urls,
    path("v1/alerts/generic", alert_body_limit(GenericAlertsView.as_view()), name="generic-alerts"),
    path("v1/alerts/alertmanager", alertmanager_webhook, name="alertmanager-webhook"),
    # Upstream's paths, so existing Alertmanager configurations keep working: the one its code and shipped
    # config/alertmanager.yml use, and the one its README named.
    path("webhook/alertmanager", alertmanager_webhook, name="alertmanager-webhook-upstream"),
    path("alert/webhook", alertmanager_webhook, name="alertmanager-webhook-legacy"),
]
