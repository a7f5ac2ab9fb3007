"""Alertmanager webhook notifications (version 4) in the exact shape Alertmanager 0.25 sends."""

from __future__ import annotations

import copy
from typing import Any

FIRING: dict[str, Any] = {
    "receiver": "aiops",
    "status": "firing",
    "alerts": [
        {
            "status": "firing",
            "labels": {"alertname": "KubePodCrashLooping", "severity": "critical", "namespace": "shop",
                       "pod": "checkout-7d9f8b6c5-x2x9q", "container": "app", "job": "kube-state-metrics"},
            "annotations": {"summary": "Pod shop/checkout-7d9f8b6c5-x2x9q is crash looping.",
                            "runbook_url": "https://runbooks.example/KubePodCrashLooping"},
            "startsAt": "2026-11-28T10:00:00.000Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus:9090/graph?g0.expr=...",
            "fingerprint": "5f8b3c2a91d04e77",
        }
    ],
    "groupLabels": {"alertname": "KubePodCrashLooping"},
    "commonLabels": {"alertname": "KubePodCrashLooping", "severity": "critical"},
    "commonAnnotations": {},
    "externalURL": "http://alertmanager:9093",
    "version": "4",
    "groupKey": '{}:{alertname="KubePodCrashLooping"}',
    "truncatedAlerts": 0,
}


def firing(**alert_changes: Any) -> dict[str, Any]:
    payload = copy.deepcopy(FIRING)
    payload["alerts"][0].update(alert_changes)
    return payload


def resolved() -> dict[str, Any]:
    payload = firing(status="resolved", endsAt="2026-11-28T10:05:00.000Z")
    payload["status"] = "resolved"
    return payload
