from django.apps import AppConfig


class RemediationConfig(AppConfig):
    name = "remediation"
    verbose_name = "Remediation"

    def ready(self) -> None:
        from aiops_project.metrics import register_collector
        from incidents.ports import MATCH_HANDLERS, PLAYBOOK_CATALOGS
        from remediation.metrics import RemediationCollector
        from remediation.models import Playbook
        from remediation.triggers import remediate

        register_collector(RemediationCollector())
        MATCH_HANDLERS["remediation"] = remediate
        PLAYBOOK_CATALOGS["remediation"] = lambda: Playbook.objects.values_list("name", flat=True)
