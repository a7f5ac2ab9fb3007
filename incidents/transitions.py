"""Recording what detection saw: each candidate state change of a fingerprint (a `Transition`) is claimed
in the database by a conditional UPDATE (exactly one caller records it, across workers and the watcher),
appended as a `ClusterEvent`, marked flapping when it keeps coming and going, and routed
(`incidents.routing.route_event`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from aiops_project.live import notify_console
from incidents import eventstore
from incidents.models import Cluster, ClusterEvent, EventStatus, Incident, Signal, make_fingerprint
from incidents.routing import route_event
from incidents.rules import RuleSet, enabled_ruleset

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Transition:
    """A candidate state change of one fingerprint, from any source."""

    fingerprint: str
    source: str
    status: str
    reason: str
    severity: str
    cluster: Cluster | None
    namespace: str = ""
    object_kind: str = ""
    object_name: str = ""
    message: str = ""
    labels: dict[str, Any] = field(default_factory=dict)
    occurred_at: datetime | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    # What the signal is about: the transitions of one group (a workload, a node) share one incident.
    # Empty: the fingerprint is its own group.
    group_key: str = ""
    # When the state was observed, if not now (a poll's list calls). A signal that changed since then
    # (the watcher saw fresher news) is not flipped back by this older observation.
    observed_at: datetime | None = None

    def __post_init__(self) -> None:
        if not self.group_key:
            object.__setattr__(self, "group_key", self.fingerprint)


def _flip_signal(t: Transition, now: datetime) -> bool:
    """Claim the transition in the database. True only for the one caller that changed the state."""
    flippable = Signal.objects.filter(fingerprint=t.fingerprint).exclude(status=t.status)
    if t.observed_at is not None:
        flippable = flippable.filter(last_transition_at__lt=t.observed_at)
    updated = flippable.update(
        status=t.status, last_seen=now, last_transition_at=now, transitions=F("transitions") + 1
    )
    if updated:
        return True
    # Not flipped: either a repeat of the current state (the common case: touch it, if stale, and stop) ...
    if (seen := Signal.objects.filter(fingerprint=t.fingerprint).values_list("last_seen", flat=True).first()):
        if seen < _stale_before(now):
            Signal.objects.filter(fingerprint=t.fingerprint).update(last_seen=now)
        return False
    if t.status == EventStatus.RESOLVED:
        return False  # resolving something never seen firing: nothing to record
    # ... or a fingerprint never seen before. The unique constraint settles a race between pollers.
    try:
        with transaction.atomic():
            Signal.objects.create(
                fingerprint=t.fingerprint, group_key=t.group_key, cluster=t.cluster, source=t.source, status=t.status,
                first_seen=now, last_seen=now, last_transition_at=now,
            )
        return True
    except IntegrityError:  # a concurrent poller created it first
        return False


def record_transition(t: Transition, *, rules: RuleSet | None = None) -> ClusterEvent | None:
    """Record a firing/resolved transition once, then route it. Repeats record nothing.

    `rules` lets a caller recording many transitions load the enabled rules once.
    """
    now = timezone.now()
    with transaction.atomic():
        if not _flip_signal(t, now):
            return None
        flapping = _mark_flapping([t.fingerprint], now, None)
        incident = Incident.objects.open().filter(group_key=t.group_key).first()
        event = ClusterEvent.objects.create(
            fingerprint=t.fingerprint, group_key=t.group_key, source=t.source, reason=t.reason, severity=t.severity,
            status=t.status, cluster=t.cluster, namespace=t.namespace, object_kind=t.object_kind,
            object_name=t.object_name, message=t.message, labels=t.labels, payload=t.payload,
            occurred_at=t.occurred_at or now, incident=incident, flapping=t.fingerprint in flapping,
        )
        log.info("event_recorded", event_id=event.pk, reason=event.reason, status=event.status,
                 fingerprint=event.fingerprint, namespace=event.namespace, object=event.object_name)
        route_event(event, rules=rules)
        notify_console("event", id=event.pk)
    return event


# Rows per statement in bulk recording: well under SQLite's 32,766 parameters, and short statements on PostgreSQL.
CHUNK = 500
# Up to this many events recorded at once are logged one by one; more as one line.
LOG_EACH_UP_TO = 5


@dataclass(frozen=True)
class ReadAhead:
    """The signals of a batch, read before recording it, outside a transaction."""

    states: list[eventstore.SignalState]
    nothing_new: bool  # every transition repeats its signal's state, and no last_seen is due a refresh


def read_ahead(keys: Sequence[tuple[str, str]]) -> ReadAhead | None:
    """Read the signals of these (fingerprint, status) pairs outside a transaction, as a statement inside one
    would see them (what was committed when it began): a redelivery of nothing new then costs this one
    statement, no BEGIN/COMMIT, and its transitions need not even be built. None when the batch is not read
    ahead: inside a transaction, a fingerprint twice, more than a chunk."""
    if (len(keys) > CHUNK or transaction.get_connection().in_atomic_block
            or len({fingerprint for fingerprint, _ in keys}) < len(keys)):
        return None
    states = eventstore.signal_states([fingerprint for fingerprint, _ in keys]) if keys else []
    return ReadAhead(states, _only_fresh_repeats(keys, states, timezone.now()))


def record_transitions(transitions: Sequence[Transition], *, rules: RuleSet | None = None,
                       ahead: ReadAhead | None = None,
                       routed: Callable[[list[ClusterEvent]], None] | None = None) -> list[ClusterEvent]:
    """Record many transitions as `record_transition` would one by one, with a few statements per chunk.

    Per chunk of fingerprints: one read of their current states, one write touching the repeats, one
    conditional UPDATE ... RETURNING per target status claiming the flips, one INSERT ... ON CONFLICT
    DO NOTHING RETURNING creating the new ones (the database settles races with other writers, as in
    `_flip_signal`), one read of the open incidents of their groups, one bulk INSERT of the events. Then
    each event is routed through the rules, in order. A fingerprint that appears again later in the same
    batch (firing, then resolved) is recorded after the others, one by one: nothing is dropped.
    `ahead`: what `read_ahead` read of exactly these transitions. `routed` is called with the events recorded,
    once they are routed, inside the same transaction (the Alertmanager intake writes its notification's notice
    there: incidents.announce).
    """
    now = timezone.now()
    first: dict[str, Transition] = {}
    again: list[Transition] = []
    for t in transitions:
        if t.fingerprint in first:
            again.append(t)
        else:
            first[t.fingerprint] = t
    pending = list(first.values())
    events: list[ClusterEvent] = []
    if ahead is None and not again:
        ahead = read_ahead([(t.fingerprint, t.status) for t in pending])
    if ahead is not None and ahead.nothing_new:
        return []
    states = ahead.states if ahead is not None else None
    with transaction.atomic():
        for start in range(0, len(pending), CHUNK):
            events += _record_chunk(pending[start : start + CHUNK], now, states)
        if rules is None and (events or again):  # redeliveries record nothing: no rules needed
            rules = enabled_ruleset()
        _log_recorded(events)
        _route_all(events, rules)
        for t in again:
            if recorded := record_transition(t, rules=rules):
                events.append(recorded)
        if routed is not None:
            routed(events)
    return events


def _route_all(events: list[ClusterEvent], rules: RuleSet | None) -> None:
    """Route a batch's events in order; an incident one of them opened is joined by the next of its group."""
    opened: dict[str, Incident] = {}
    for event in events:
        if event.incident is None and (incident := opened.get(event.group_key)) is not None:
            # Opened by an earlier event of this batch: the same link `open_incident` makes.
            ClusterEvent.objects.filter(pk=event.pk).update(incident=incident)
            event.incident = incident
        route_event(event, rules=rules)
        if event.incident is not None and event.incident.is_open:
            opened[event.group_key] = event.incident
        notify_console("event", id=event.pk)


def _log_recorded(events: list[ClusterEvent]) -> None:
    """One line per event when a few are recorded (a poll, the watcher); one line per batch for a notification
    of many (50 lines of JSON cost 7 of a notification's 69 ms, by cProfile)."""
    if len(events) <= LOG_EACH_UP_TO:
        for event in events:
            log.info("event_recorded", event_id=event.pk, reason=event.reason, status=event.status,
                     fingerprint=event.fingerprint, namespace=event.namespace, object=event.object_name)
    else:
        log.info("events_recorded", count=len(events), first_id=events[0].pk, last_id=events[-1].pk,
                 reasons=dict(Counter(f"{e.reason}/{e.status}" for e in events)),
                 namespaces=sorted({e.namespace for e in events if e.namespace}))


def _stale_before(now: datetime) -> datetime:
    """A repeat touches its signal's last_seen only when that is older than this: redelivering an alert (or a
    poll seeing the same failure) writes nothing within AIOPS_SIGNAL_SEEN_SECONDS of the last touch."""
    return now - timedelta(seconds=settings.SIGNAL_SEEN_SECONDS)


def _only_fresh_repeats(keys: Sequence[tuple[str, str]], states: list[eventstore.SignalState], now: datetime) -> bool:
    """Every (fingerprint, status) repeats its signal's state, and no signal's last_seen is due for a refresh."""
    by_fingerprint = {state[0]: state for state in states}
    stale_before = _stale_before(now)
    return all((state := by_fingerprint.get(fingerprint)) is not None and state[1] == status
               and state[3] >= stale_before for fingerprint, status in keys)


def _record_chunk(chunk: list[Transition], now: datetime, rows: list[eventstore.SignalState] | None = None
                  ) -> list[ClusterEvent]:
    """`rows`: the signals' states, when the caller has just read them for exactly this chunk."""
    if rows is None:
        rows = eventstore.signal_states([t.fingerprint for t in chunk])
    current = {fingerprint: status for fingerprint, status, *_ in rows}
    was_flapping = {fingerprint for fingerprint, _, flapping, *_ in rows if flapping}
    stale_before = _stale_before(now)
    stale = {fingerprint for fingerprint, _, _, seen, _ in rows if seen < stale_before}
    # Each transition recorded one event, and events are only ever removed: a signal with fewer transitions than
    # the flapping threshold (less this one) cannot have that many events in the window, so it needs no count.
    may_flap = {fingerprint for fingerprint, _, flapping, _, transitions in rows
                if flapping or transitions + 1 >= settings.FLAP_TRANSITIONS}
    if repeats := [t.fingerprint for t in chunk if current.get(t.fingerprint) == t.status and t.fingerprint in stale]:
        Signal.objects.filter(fingerprint__in=repeats).update(last_seen=now)
    claimed: set[str] = set()
    flips: dict[tuple[str, datetime | None], list[str]] = {}
    for t in chunk:
        if t.fingerprint in current and current[t.fingerprint] != t.status:
            flips.setdefault((t.status, t.observed_at), []).append(t.fingerprint)
    for (status, observed_at), fingerprints in flips.items():
        claimed |= eventstore.claim_flips(fingerprints, status, now, observed_at)
    # Never seen before: created firing. Resolving something never seen firing records nothing.
    claimed |= eventstore.insert_signals([
        {"fingerprint": t.fingerprint, "group_key": t.group_key, "cluster_id": t.cluster.pk if t.cluster else None,
         "source": t.source, "status": t.status}
        for t in chunk if t.fingerprint not in current and t.status == EventStatus.FIRING
    ], now)
    recorded = [t for t in chunk if t.fingerprint in claimed]
    if not recorded:
        return []
    # A signal created just now has no history to flap with: only the flips are judged.
    flapping = _mark_flapping([t.fingerprint for t in recorded if t.fingerprint in may_flap], now, was_flapping)
    # A new signal that is its own group has no incident yet (signals are never deleted): no lookup for those.
    if groups := {t.group_key for t in recorded if t.fingerprint in current or t.group_key != t.fingerprint}:
        incidents = eventstore.open_incidents(groups)
    else:
        incidents = {}
    return eventstore.insert_events([
        eventstore.build_event(
            {"fingerprint": t.fingerprint, "group_key": t.group_key, "source": t.source, "reason": t.reason,
             "severity": t.severity, "status": t.status, "namespace": t.namespace, "object_kind": t.object_kind,
             "object_name": t.object_name, "message": t.message, "labels": t.labels, "payload": t.payload,
             "occurred_at": t.occurred_at or now, "recorded_at": now, "flapping": t.fingerprint in flapping},
            cluster=t.cluster, incident=incidents.get(t.group_key),
        )
        for t in recorded
    ])


def _mark_flapping(fingerprints: list[str], now: datetime, was_flapping: set[str] | None) -> set[str]:
    """Which of these signals, each about to record a transition, are flapping; the Signal rows follow suit.

    Flapping: with this transition, AIOPS_FLAP_TRANSITIONS or more within AIOPS_FLAP_WINDOW_SECONDS. It
    ends by itself when the signal's transitions thin out below that (judged at its next transition).
    `was_flapping`, when the caller knows it, spares the writes that would change nothing.
    """
    if not fingerprints:
        return set()
    since = now - timedelta(seconds=settings.FLAP_WINDOW_SECONDS)
    counts = dict(ClusterEvent.objects.filter(fingerprint__in=fingerprints, recorded_at__gte=since)
                  .values("fingerprint").annotate(n=Count("id")).values_list("fingerprint", "n"))
    flapping = {fp for fp in fingerprints if counts.get(fp, 0) + 1 >= settings.FLAP_TRANSITIONS}
    started_flapping = flapping if was_flapping is None else flapping - was_flapping
    if started_flapping and (started := Signal.objects.filter(fingerprint__in=started_flapping, flapping=False)
                             .update(flapping=True)):
        log.warning("signals_flapping", count=started, window_seconds=settings.FLAP_WINDOW_SECONDS)
    if calmed := [fp for fp in fingerprints if fp not in flapping and (was_flapping is None or fp in was_flapping)]:
        Signal.objects.filter(fingerprint__in=calmed, flapping=True).update(flapping=False)
    return flapping


def workload_group_key(cluster: Cluster, namespace: str, kind: str, name: str) -> str:
    """The group of everything about one workload (or node) of one cluster, whoever reports it."""
    return make_fingerprint(cluster.pk, "group", namespace, kind, name)
