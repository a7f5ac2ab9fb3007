from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage, Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aiops_project import outbox
from incidents import tasks as incident_tasks
from incidents.models import AuditEntry, Cluster, Incident
from incidents.search import IncidentSearch, page_size, search_incidents, with_last_change
from remediation.access import can_decide, can_view_step_output
from remediation.incident_chart import incident_chart
from remediation.manual import KINDS, StartRefused, known_playbooks, parse_workload, start_by_hand, summary
from remediation.models import Approval, DecisionNotAllowed, DecisionRefused, PlaybookRun, StepRun
from remediation.overview import figures, period_of
from remediation.presenters import FULL, present
from remediation.services import decide_approval
from remediation.triggers import SUGGESTED


def _console_context(request: HttpRequest) -> dict[str, object]:
    approvals = list(
        Approval.objects.pending().select_related("step_run__run__incident", "step_run__run__playbook",
                                                  "step_run__run__trigger_event", "step_run__run__requested_by",
                                                  "first_approved_by")
        .order_by("expires_at")
    )
    for approval in approvals:
        approval.may_decide = can_decide(request.user, approval)  # type: ignore[attr-defined]
    return {
        "approvals": approvals,
        "incidents": Incident.objects.open().select_related("cluster")[:50],
        "runs": PlaybookRun.objects.select_related("playbook", "incident", "cluster", "requested_by")
        .prefetch_related("step_runs")[:10],
        "audit": AuditEntry.objects.select_related("actor")[:25],
    }


@login_required
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    return render(request, "console/console.html", _console_context(request))


@login_required
@require_GET
def console_panels(request: HttpRequest) -> HttpResponse:
    return render(request, "console/panels.html", _console_context(request))


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The last 7, 30 or 90 days in pictures (remediation/overview.py says what each figure means)."""
    return render(request, "console/overview.html", figures(period_of(request.GET.get("days"))))


@login_required
@require_GET
def incident_history(request: HttpRequest) -> HttpResponse:
    """Every incident, searched, filtered and paged as GET /api/v1/incidents/ (incidents.search: `page`,
    `page_size`). Refused parameters are shown on the page (400), with no results."""
    search = IncidentSearch(request.GET)
    others = request.GET.copy()
    others.pop("page", None)
    context: dict[str, object] = {"search": search, "query": others.urlencode()}
    if not search.is_valid():
        return render(request, "console/incidents.html", {**context, "problems": search.problems()}, status=400)
    paginator = Paginator(search_incidents(search.cleaned_data), page_size(request.GET.get("page_size")))
    wanted = request.GET.get("page") or "1"
    try:
        page = paginator.page(wanted)
    except InvalidPage:
        return render(request, "console/incidents.html", {**context, "problems": {"page": [
            f"No page {wanted[:20]!r}: pages are numbered 1 to {paginator.num_pages}."]}}, status=400)
    page.object_list = with_last_change(page.object_list)
    return render(request, "console/incidents.html", {
        **context, "page": page, "page_links": paginator.get_elided_page_range(page.number, on_each_side=2)})


def _incident_context(incident_id: int) -> dict[str, object]:
    incident = get_object_or_404(Incident.objects.select_related("cluster"), pk=incident_id)
    suggested = list(dict.fromkeys(AuditEntry.objects.filter(action=SUGGESTED, incident=incident)
                                   .order_by("-at").values_list("details__playbook", flat=True)))
    return {
        "incident": incident,
        "playbooks": known_playbooks(),
        "suggested": suggested[0] if suggested else "",
        "events": incident.events.order_by("recorded_at", "id"),
        "runs": incident.playbook_runs.select_related("playbook").prefetch_related("step_runs").order_by("created_at"),
        "timeline": incident.timeline(),
        "rca": incident.rca_reports.first(),
        "chart": incident_chart(incident),
    }


@login_required
@require_GET
def incident(request: HttpRequest, incident_id: int) -> HttpResponse:
    """One incident: its events, its playbook runs with every step's output, and its timeline."""
    return render(request, "console/incident.html", _incident_context(incident_id))


@login_required
@require_GET
def incident_panel(request: HttpRequest, incident_id: int) -> HttpResponse:
    return render(request, "console/incident_panel.html", _incident_context(incident_id))


@login_required
@require_GET
def step_output(request: HttpRequest, step_id: int) -> HttpResponse:
    """A step's whole output (the incident page shows part of a long one), a page of log lines at a time; for those
    who may read steps' output, as on the incident page."""
    if not can_view_step_output(request.user):
        raise PermissionDenied("Reading a step's output needs the remediation.view_steprun permission.")
    step = get_object_or_404(StepRun.objects.select_related("run"), pk=step_id)
    page = request.GET.get("page", "1")
    view = present(step, limits=FULL, page=int(page) if page.isdigit() and len(page) < 7 else 1)
    return render(request, "console/step_output_page.html", {"step": step, "step_view": view})


@login_required
@require_POST
def request_rca(request: HttpRequest, incident_id: int) -> HttpResponse:
    """The incident page's "Analyse root cause": queued; the report arrives on the page by itself."""
    incident = get_object_or_404(Incident, pk=incident_id)
    user_id = request.user.pk
    outbox.enqueue(incident_tasks.run_rca, incident.pk, requested_by_id=user_id, via="console")
    if request.headers.get("X-Requested-With") == "fetch":
        return JsonResponse({"ok": True, "message": f"Root-cause analysis of #{incident.pk} queued."})
    messages.success(request, f"Root-cause analysis of #{incident.pk} queued.")
    return redirect("console-incident", incident_id=incident.pk)


@login_required
@require_POST
def decide(request: HttpRequest, approval_id: int) -> HttpResponse:
    """The console's Approve/Reject. The page's script posts it with fetch and gets JSON (no reload);
    without script, the form posts and the console is shown again with the outcome as a message."""
    by_script = request.headers.get("X-Requested-With") == "fetch"
    decision = request.POST.get("decision")
    if decision not in {"approve", "reject"}:
        if by_script:
            return JsonResponse({"ok": False, "message": "decision must be 'approve' or 'reject'"}, status=400)
        return HttpResponseBadRequest("decision must be 'approve' or 'reject'")
    try:
        decide_approval(approval_id=approval_id, user=request.user, approve=decision == "approve",
                        via=Approval.Via.WEB, reason=request.POST.get("reason", "").strip()[:1000])
    except DecisionRefused as exc:
        if by_script:
            status = 403 if isinstance(exc, DecisionNotAllowed) else 409
            return JsonResponse({"ok": False, "message": str(exc)}, status=status)
        messages.error(request, str(exc))
        return redirect("console")
    if by_script:
        return JsonResponse({"ok": True, "message": f"Approval #{approval_id}: {decision}d."})
    messages.success(request, f"Approval #{approval_id}: {decision}d.")
    return redirect("console")


STATUS_FOR = {"forbidden": 403, "not_found": 404, "busy": 409, "disabled": 409, "unavailable": 503}


@login_required
@require_POST
def start_for_incident(request: HttpRequest, incident_id: int) -> HttpResponse:
    """The incident page's "Start playbook" (and, in notify-only mode, the suggested one in one click)."""
    try:
        run = start_by_hand(user=request.user, playbook=request.POST.get("playbook", "").strip(),
                            via=Approval.Via.WEB, incident_id=incident_id)
    except StartRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, summary(run))
    return redirect("console-incident", incident_id=incident_id)


@login_required
@require_http_methods(["GET", "POST"])
def start_for_workload(request: HttpRequest) -> HttpResponse:
    """A playbook for a workload (cluster, namespace, kind/name): the form, and its outcome on the console."""
    form = {key: request.POST.get(key, "").strip() for key in ("playbook", "cluster", "namespace", "kind", "name")}
    context = {"form": form, "playbooks": known_playbooks(), "kinds": sorted(set(KINDS.values())),
               "clusters": Cluster.objects.filter(enabled=True).order_by("name").values_list("name", flat=True)}
    if request.method != "POST":
        return render(request, "console/start_playbook.html", context)
    try:
        workload = parse_workload(f"{form['kind'] or 'Deployment'}/{form['name']}", form["namespace"])
        run = start_by_hand(user=request.user, playbook=form["playbook"], via=Approval.Via.WEB, workload=workload,
                            cluster=form["cluster"])
    except StartRefused as exc:
        messages.error(request, str(exc))
        return render(request, "console/start_playbook.html", context, status=STATUS_FOR.get(exc.reason, 400))
    messages.success(request, summary(run))
    return redirect("console")
