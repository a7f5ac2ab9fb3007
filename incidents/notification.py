"""An Alertmanager notification decoded and validated in one pass over its bytes, for the common case of a
notification whose every alert is valid.

msgspec decodes the body into typed structures (and once more into plain data, the alerts as received, which
events keep); anything it refuses, or an alert without an alertname, sends the caller back to the field-by-field
path (`incidents.alertmanager`), which names each error. Why: DRF's JSON parsing and envelope serializer plus
pydantic per alert were 10% of the web process's CPU under a 4-connection intake load (py-spy --gil); this pass
costs about a tenth of that.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import msgspec

from incidents.alertmanager import overlong_labels


# Unknown fields (none in what Alertmanager 0.25 to 0.28 sends) send the notification to the field-by-field path,
# which keeps them and bounds how deep they nest: what passes here is at most four levels deep.
class _Alert(msgspec.Struct, forbid_unknown_fields=True):
    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    startsAt: datetime
    fingerprint: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    annotations: dict[str, str] = msgspec.field(default_factory=dict)
    endsAt: datetime | None = None
    generatorURL: str = ""


class _Notification(msgspec.Struct, forbid_unknown_fields=True):
    version: Literal["4"]
    groupKey: str
    status: Literal["firing", "resolved"]
    receiver: str
    alerts: Annotated[list[_Alert], msgspec.Meta(min_length=1)]
    truncatedAlerts: Annotated[int, msgspec.Meta(ge=0)] = 0
    groupLabels: dict[str, str] = msgspec.field(default_factory=dict)
    commonLabels: dict[str, str] = msgspec.field(default_factory=dict)
    commonAnnotations: dict[str, str] = msgspec.field(default_factory=dict)
    externalURL: str = ""


_TYPED = msgspec.json.Decoder(_Notification)
_PLAIN = msgspec.json.Decoder()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def decode_valid(body: bytes) -> tuple[str, list[tuple[dict[str, Any], dict[str, Any]]]] | None:
    """(groupKey, [(validated fields, alert as received)]) when the whole notification is valid; else None."""
    try:
        notification = _TYPED.decode(body)
        plain = _PLAIN.decode(body)
    except (msgspec.DecodeError, RecursionError):  # also msgspec.ValidationError
        return None
    valid = []
    for alert, raw in zip(notification.alerts, plain["alerts"], strict=True):
        if not alert.labels.get("alertname") or overlong_labels(alert.labels):
            return None
        valid.append(({"status": alert.status, "labels": alert.labels, "annotations": alert.annotations,
                       "startsAt": _aware(alert.startsAt),
                       "endsAt": _aware(alert.endsAt) if alert.endsAt is not None else None,
                       "generatorURL": alert.generatorURL, "fingerprint": alert.fingerprint}, raw))
    return notification.groupKey, valid
