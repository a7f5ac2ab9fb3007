from django.urls import path
from rest_framework.routers import SimpleRouter

from remediation.api.views import ApprovalViewSet, PlaybookRunViewSet, PlaybookViewSet, RemediationSettingsView

router = SimpleRouter()
router.trailing_slash = "/?"  # `/api/v1/approvals/7/approve` and `.../approve/` both (the constructor takes a bool)
router.register("v1/approvals", ApprovalViewSet, basename="approval")
router.register("v1/playbook-runs", PlaybookRunViewSet, basename="playbook-run")
router.register("v1/playbooks", PlaybookViewSet, basename="playbook")

urlpatterns = [
    *router.urls,
    path("v1/remediation/settings", RemediationSettingsView.as_view(), name="remediation-settings"),
]
