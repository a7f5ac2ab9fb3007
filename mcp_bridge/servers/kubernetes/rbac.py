"""The agent's own Kubernetes permissions, as a person reads them: "the agent may not patch deployments in shop".

A `Need` is one permission a tool needs (verb, API group, resource, subresource, namespace). The same words
come from a SelfSubjectAccessReview that says no (before a step asks for an approval) and from an API server's
403 (a step whose RBAC was revoked meanwhile), each with the fix: which shipped RBAC grants it. Pure functions:
no API calls here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Resources that live outside namespaces (of those the tools touch).
CLUSTER_SCOPED = frozenset({"nodes", "namespaces"})
# (API group, resource[/subresource], verb) each opt-in of deploy/kubernetes grants; reads are rbac-readonly.yaml's.
REMEDIATION_GRANTS = frozenset({
    ("apps", "deployments", "patch"), ("apps", "deployments/scale", "patch"), ("apps", "statefulsets", "patch"),
    ("apps", "daemonsets", "patch"), ("", "nodes", "patch"), ("", "pods/eviction", "create"),
    ("", "pods", "delete"), ("autoscaling", "horizontalpodautoscalers", "patch"),
})
EXEC_GRANTS = frozenset({("", "pods/exec", "get"), ("", "pods/exec", "create")})
READ_VERBS = frozenset({"get", "list", "watch"})
REMEDIATION_FIX = ("grant it with the Helm value rbac.remediation.enabled=true, or "
                   "kubectl apply -f deploy/kubernetes/rbac-remediation.yaml")
EXEC_FIX = ("grant it with the Helm value rbac.exec.enabled=true, or "
            "kubectl apply -f deploy/kubernetes/rbac-exec.yaml")
READ_FIX = "grant it with kubectl apply -f deploy/kubernetes/rbac-readonly.yaml"
OWN_ROLE_FIX = ("the shipped RBAC leaves it out on purpose: bind a Role of your own to the agent's "
                "ServiceAccount if it should")
# How kube-apiserver words an RBAC denial (k8s.io/apiserver, endpoints/handlers/responsewriters: forbiddenMessage).
_FORBIDDEN = re.compile(r'cannot (?P<verb>[^\s"]+) resource "(?P<resource>[^"]+)" in API group "(?P<group>[^"]*)"'
                        r'(?: in the namespace "(?P<namespace>[^"]+)")?')


@dataclass(frozen=True)
class Need:
    """One permission: `namespace` "" is the cluster scope (every namespace, for a namespaced resource)."""

    verb: str
    group: str
    resource: str
    subresource: str = ""
    namespace: str = ""
    name: str = ""

    @property
    def plural(self) -> str:
        """`deployments`, `deployments/scale`, `pods/eviction`."""
        return f"{self.resource}/{self.subresource}" if self.subresource else self.resource

    def target(self) -> str:
        """`deployments in shop`, `nodes`, `pods/eviction in any namespace`."""
        if self.namespace:
            return f"{self.plural} in {self.namespace}"
        return self.plural + ("" if self.resource in CLUSTER_SCOPED else " in any namespace")

    def phrase(self) -> str:
        """`patch deployments in shop`."""
        return f"{self.verb} {self.target()}"

    def fix(self) -> str:
        """Which shipped RBAC grants it (or that none does)."""
        key = (self.group, self.plural, self.verb)
        if key in REMEDIATION_GRANTS:
            return REMEDIATION_FIX
        if key in EXEC_GRANTS:
            return EXEC_FIX
        if self.verb in READ_VERBS:
            return READ_FIX
        return OWN_ROLE_FIX

    def resource_attributes(self) -> dict[str, str]:
        """The `spec.resourceAttributes` of a SelfSubjectAccessReview asking for it."""
        attributes = {"verb": self.verb, "group": self.group, "resource": self.resource,
                      "subresource": self.subresource, "namespace": self.namespace, "name": self.name}
        return {key: value for key, value in attributes.items() if value or key == "group"}


def may_not(needs: list[Need]) -> str:
    """`the agent may not patch deployments in shop`; several: `the agent may not get or patch deployments in shop
    or list replicasets in shop` (the verbs of one target together, in order)."""
    verbs: dict[str, list[str]] = {}
    for need in needs:
        verbs.setdefault(need.target(), []).append(need.verb)
    return "the agent may not " + " or ".join(f"{' or '.join(dict.fromkeys(v))} {target}"
                                              for target, v in verbs.items())


def fixes(needs: list[Need]) -> str:
    """The fix of each need, once each, in order."""
    return "; ".join(dict.fromkeys(need.fix() for need in needs))


def forbidden_need(message: str) -> Need | None:
    """The permission an RBAC 403's Status message names; None when the 403 came from elsewhere (admission...)."""
    found = _FORBIDDEN.search(message or "")
    if found is None:
        return None
    resource, _, subresource = found["resource"].partition("/")
    return Need(found["verb"], found["group"], resource, subresource, found["namespace"] or "")


def forbidden_message(status: int, message: str) -> str | None:
    """`the agent may not patch deployments in shop (HTTP 403): <the API's message>. <the fix>.` or None."""
    need = forbidden_need(message) if status == 403 else None
    if need is None:
        return None
    return f"{may_not([need])} (HTTP 403): {message.rstrip('.')}. To fix: {need.fix()}."
