"""Chat's routes: the platforms' webhooks and the console page that links a chat account."""

from django.urls import path

from chat import views

urlpatterns = [
    path("console/chat-link/", views.link_code, name="console-chat-link"),
    path("api/webhook/<slug:platform>", views.webhook, name="chat-webhook"),
]
