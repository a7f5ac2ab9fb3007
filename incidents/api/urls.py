from django.urls import path

from incidents.api.views import AlertmanagerWebhookView

urlpatterns = [
    path("v1/alerts/alertmanager", AlertmanagerWebhookView.as_view(), name="alertmanager-webhook"),
    # Upstream's path, kept so existing Alertmanager configurations keep working.
    path("alert/webhook", AlertmanagerWebhookView.as_view(), name="alertmanager-webhook-legacy"),
]
