from rest_framework.routers import SimpleRouter

from remediation.api.views import ApprovalViewSet

router = SimpleRouter()
router.trailing_slash = "/?"  # `/api/v1/approvals/7/approve` and `.../approve/` both (the constructor takes a bool)
router.register("v1/approvals", ApprovalViewSet, basename="approval")

urlpatterns = router.urls
