from django.contrib import admin

from chat.models import ChatIdentity, Conversation, Message


@admin.register(ChatIdentity)
class ChatIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "slack_user_id", "telegram_user_id", "preferred_model"]
    search_fields = ["user__username", "slack_user_id"]


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    readonly_fields = ["role", "content", "metadata", "created_at"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["id", "channel", "external_id", "user", "started_at", "last_activity_at"]
    list_filter = ["channel"]
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "conversation", "role", "created_at"]
    list_filter = ["role"]
