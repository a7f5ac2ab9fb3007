from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ChatIdentity(models.Model):
    """Links a Django user to their chat accounts and preferences."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_identity")
    slack_user_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    telegram_user_id = models.BigIntegerField(unique=True, null=True, blank=True)
    preferred_model = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name_plural = "chat identities"

    def __str__(self) -> str:
        return f"chat identity of {self.user}"


class LinkCode(models.Model):
    """A one-time code a signed-in user gets on the console and sends to the bot as `/link CODE`."""

    code = models.CharField(max_length=12, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"link code for {self.user}"


class Conversation(models.Model):
    """A chat thread on one platform and channel, whose newest messages go to the LLM as context."""

    class Channel(models.TextChoices):
        SLACK = "slack", "Slack"
        TELEGRAM = "telegram", "Telegram"
        WEB = "web", "Web"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    external_id = models.CharField(max_length=100, help_text="Chat/channel id on the platform.")
    started_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_activity_at"]
        indexes = [models.Index(fields=["channel", "external_id"])]

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id}"


class Message(models.Model):
    """One message of a conversation: a person's, the assistant's, a tool result or a system note."""

    class Role(models.TextChoices):
        USER = "user", "User"
        ASSISTANT = "assistant", "Assistant"
        SYSTEM = "system", "System"
        TOOL = "tool", "Tool"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=10, choices=Role.choices)
    content = models.TextField()
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.role}: {self.content[:40]}"
