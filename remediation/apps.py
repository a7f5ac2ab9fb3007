from django.apps import AppConfig


class RemediationConfig(AppConfig):
    name = "remediation"
    verbose_name = "Remediation"

    def ready(self) -> None:
        from aiops_project.metrics import register_collector
        from remediation.metrics import RemediationCollector

        register_collector(RemediationCollector())
