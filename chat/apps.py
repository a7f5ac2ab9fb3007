from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = "Chat"

    def ready(self) -> None:
        from aiops_project.notices import register_sink
        from chat.notify import chat_sink

        register_sink("chat", chat_sink)
