"""The console's pages (mounted at /console/ by the root URLconf)."""

from django.urls import path

from remediation import views

urlpatterns = [
    path("", views.console, name="console"),
    path("panels/", views.console_panels, name="console-panels"),
    path("overview/", views.overview, name="console-overview"),
    path("approvals/<int:approval_id>/decide/", views.decide, name="console-decide"),
    path("incidents/", views.incident_history, name="console-incidents"),
    path("incidents/<int:incident_id>/", views.incident, name="console-incident"),
    path("incidents/<int:incident_id>/panel/", views.incident_panel, name="console-incident-panel"),
    path("incidents/<int:incident_id>/rca/", views.request_rca, name="console-incident-rca"),
    path("incidents/<int:incident_id>/start-playbook/", views.start_for_incident, name="console-incident-start"),
    path("playbooks/start/", views.start_for_workload, name="console-start-playbook"),
    path("steps/<int:step_id>/output/", views.step_output, name="console-step-output"),
]
