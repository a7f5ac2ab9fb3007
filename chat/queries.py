"""Read-only answers from the agent's own records: incidents, alerts, approvals waiting, status (and this person's
model and conversation), clusters."""

from __future__ import annotations

from django.conf import settings

from chat import formatting
from chat.context import Context, chosen_model
from chat.messages import Reply
from chat.models import Conversation
from incidents.models import Cluster, ClusterEvent, Incident, Signal
from mcp_bridge.models import McpServerState
from remediation.models import Approval


def open_incidents() -> Reply:
    return formatting.incident_list(list(Incident.objects.open().order_by("-opened_at")[:15]))


def show_incident(incident_id: int) -> Reply:
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        return Reply(f"There is no incident #{incident_id}.")
    return formatting.incident_card(incident, incident.timeline()[-10:])


def firing_alerts() -> Reply:
    firing = list(Signal.objects.firing().order_by("-last_transition_at")[:15])
    latest = {e.fingerprint: e for e in ClusterEvent.objects.filter(fingerprint__in=[s.fingerprint for s in firing])
              .order_by("recorded_at")}
    return formatting.alert_list(firing, latest)


def pending_approvals(context: Context) -> list[Reply]:
    """The approvals waiting; when there is one, a plain yes or no in this chat decides it."""
    pending = list(Approval.objects.pending().select_related("step_run").order_by("expires_at")[:10])
    if not pending:
        return [Reply("Nothing waits for an approval.")]
    if len(pending) == 1:
        context.session["approval"] = pending[0].pk
    return [formatting.approval_card(a) for a in pending]


def status(context: Context) -> Reply:
    """The agent's state, and this person's: the model they talk to and this conversation's stored messages."""
    line = formatting.status_line(Incident.objects.open().count(), Approval.objects.pending().count(),
                                  McpServerState.objects.values_list("server", "state"))
    chosen = chosen_model(context)
    model = chosen or settings.LLM_MODEL
    conversation = (Conversation.objects.filter(channel=context.via, external_id=context.message.conversation_id)
                    .order_by("-started_at").first())
    messages = conversation.messages.count() if conversation else 0
    return Reply(f"{line.text}\n" + formatting.model_line(model, chosen=bool(chosen), messages=messages))


def clusters() -> Reply:
    names = list(Cluster.objects.filter(enabled=True).values_list("name", flat=True))
    return Reply("Clusters: " + (", ".join(names) or "none registered"))
