from django.apps import AppConfig


class RemediationConfig(AppConfig):
    name = "remediation"
    verbose_name = "Remediation"

    def ready(self) -> None:
        from aiops_project.metrics import register_collector
        from incidents.rca.llm import register_playbook_catalog
        from incidents.signals import rule_matched
        from remediation.metrics import RemediationCollector
        from remediation.models import Playbook
        from remediation.triggers import on_rule_matched

        register_collector(RemediationCollector())
        rule_matched.connect(on_rule_matched, dispatch_uid="remediation.triggers.on_rule_matched")
        register_playbook_catalog(lambda: Playbook.objects.values_list("name", flat=True))
