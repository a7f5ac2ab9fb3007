# ruff: noqa: E501
"""Controller-level and admission evidence: Deployment/ReplicaSet/StatefulSet/DaemonSet/Job/CronJob conditions and
FailedCreate events, ResourceQuota and LimitRange refusals, Pod Security and policy webhooks, missing ServiceAccounts,
webhook outages, and Jobs whose failed pods show the real cause. Most cases have no pod at all."""

from __future__ import annotations

from typing import Any

from tests.rca_corpus.kube import (
    T1,
    condition,
    container,
    deployment,
    event,
    job,
    limit_range,
    log_key,
    meta,
    pod,
    pvc,
    replicaset,
    resource_quota,
    scenario,
    terminated,
    waiting,
)


# --- controllers the shared builders do not cover
def statefulset(name: str, ns: str, *, replicas: int = 1, ready: int = 0) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta(name, ns, generation=1),
            "spec": {"replicas": replicas, "serviceName": name, "selector": {"matchLabels": {"app": name}},
                     "podManagementPolicy": "OrderedReady"},
            "status": {"observedGeneration": 1, "replicas": 0, "readyReplicas": ready, "currentReplicas": 0,
                       "updatedReplicas": 0, "availableReplicas": ready, "currentRevision": f"{name}-5d8f7c9b6",
                       "updateRevision": f"{name}-5d8f7c9b6", "collisionCount": 0}}


def daemonset(name: str, ns: str, *, desired: int = 3, current: int = 0) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": meta(name, ns, generation=1),
            "spec": {"selector": {"matchLabels": {"app": name}}, "updateStrategy": {"type": "RollingUpdate"}},
            "status": {"observedGeneration": 1, "desiredNumberScheduled": desired,
                       "currentNumberScheduled": current, "numberReady": current, "numberAvailable": current,
                       "numberUnavailable": desired - current, "numberMisscheduled": 0,
                       "updatedNumberScheduled": current}}


def cronjob(name: str, ns: str, schedule: str, *, active: list[str] | None = None,
            last_success: str | None = None) -> dict[str, Any]:
    status: dict[str, Any] = {"lastScheduleTime": T1}
    if active:
        status["active"] = [{"apiVersion": "batch/v1", "kind": "Job", "name": a, "namespace": ns} for a in active]
    if last_success:
        status["lastSuccessfulTime"] = last_success
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta(name, ns),
            "spec": {"schedule": schedule, "concurrencyPolicy": "Forbid", "suspend": False,
                     "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1},
            "status": status}


def replication_controller(name: str, ns: str, *, replicas: int = 1, ready: int = 0) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ReplicationController", "metadata": meta(name, ns, generation=1),
            "spec": {"replicas": replicas, "selector": {"run": name}},
            "status": {"replicas": ready, "readyReplicas": ready, "availableReplicas": ready,
                       "observedGeneration": 1}}


def owned_job(name: str, ns: str, owner: str, **kw: Any) -> dict[str, Any]:
    """A Job created by a CronJob."""
    j = job(name, ns, **kw)
    j["metadata"]["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "CronJob", "name": owner,
                                         "controller": True, "blockOwnerDeletion": True}]
    return j


def stuck_deployment(name: str, ns: str, rs_name: str, failure: str, *, replicas: int = 2, ready: int = 0,
                     image: str = "registry.example.com/shop/app:1.0.0", revision: int = 1,
                     timed_out: bool = False) -> dict[str, Any]:
    """A Deployment whose new ReplicaSet cannot create pods: ReplicaFailure carries the admission error."""
    progressing = (condition("Progressing", "False", "ProgressDeadlineExceeded",
                             f'ReplicaSet "{rs_name}" has timed out progressing.') if timed_out
                   else condition("Progressing", "True", "ReplicaSetUpdated", f'ReplicaSet "{rs_name}" is progressing.'))
    return deployment(name, ns, replicas=replicas, ready=ready, image=image, revision=revision, conditions=[
        condition("Available", "True" if ready >= replicas else "False",
                  "MinimumReplicasAvailable" if ready >= replicas else "MinimumReplicasUnavailable",
                  "Deployment has minimum availability." if ready >= replicas
                  else "Deployment does not have minimum availability."),
        condition("ReplicaFailure", "True", "FailedCreate", failure),
        progressing])


def failing_rs(name: str, ns: str, failure: str, *, replicas: int = 2, ready: int = 0,
               deployment_name: str | None = None, revision: int = 1) -> dict[str, Any]:
    return replicaset(name, ns, replicas=replicas, ready=ready, deployment_name=deployment_name, revision=revision,
                      conditions=[condition("ReplicaFailure", "True", "FailedCreate", failure)])


def job_failed(reason: str, message: str) -> list[dict[str, Any]]:
    return [condition("Failed", "True", reason, message)]


def scaled(dep: dict[str, Any], rs_name: str, to: int) -> dict[str, Any]:
    return event(dep, "ScalingReplicaSet", f"Scaled up replica set {rs_name} to {to}", type_="Normal", count=1,
                 component="deployment-controller")


BACKOFF = "Job has reached the specified backoff limit"
DEADLINE = "Job was active longer than specified deadline"


# ======================================================================================================
# quota_exceeded
# ======================================================================================================

# 1. Rolling update blocked by a limits quota; the old pods keep serving (healthy decoys).
_ns = "offender-management-staging"
_q = ('pods "allocation-manager-6597bc46dc-2wm8j" is forbidden: exceeded quota: namespace-quota, requested: '
      "limits.cpu=1,limits.memory=2Gi, used: limits.cpu=6,limits.memory=12Gi, limited: limits.cpu=6,limits.memory=12Gi")
_dep = stuck_deployment("allocation-manager", _ns, "allocation-manager-6597bc46dc", _q, replicas=3, ready=3,
                        image="754256621582.dkr.ecr.eu-west-2.amazonaws.com/offender-management/allocation-manager:2a9c1f7",
                        revision=14, timed_out=True)
_new = failing_rs("allocation-manager-6597bc46dc", _ns, _q, replicas=1, ready=0, revision=14)
_old = replicaset("allocation-manager-5c8d7f9b4", _ns, replicas=3, ready=3, revision=13)
_old_pods = [pod(f"allocation-manager-5c8d7f9b4-{s}", _ns, [container(
    "allocation-manager", "754256621582.dkr.ecr.eu-west-2.amazonaws.com/offender-management/allocation-manager:91be0d3",
    limits={"cpu": "2", "memory": "4Gi"}, requests={"cpu": "250m", "memory": "1Gi"})]) for s in ("wtqkj", "p8n2d", "x4v7c")]
scenario(
    "ctl-quota-rollout-limits-cpu-old-pods-healthy", "quota_exceeded", difficulty="hard",
    note="Rolling update stalls: the surge pod of the new ReplicaSet is refused by a limits quota already used up by the three old, healthy pods.",
    source=[{"url": "https://github.com/ministryofjustice/cloud-platform/issues/590",
             "quote": 'Error creating: pods "allocation-manager-6597bc46dc-2wm8j" is forbidden: exceeded quota: namespace-quota, requested: limits.cpu=1,limits.memory=2Gi, used: limits.cpu=6,limits.memory=12Gi, limited: limits.cpu=6,limits.memory=12Gi'}],
    objects=[_dep, _new, _old, *_old_pods,
             resource_quota("namespace-quota", _ns, {"limits.cpu": "6", "limits.memory": "12Gi", "pods": "50"},
                            {"limits.cpu": "6", "limits.memory": "12Gi", "pods": "3"})],
    events=[event(_new, "FailedCreate", "(combined from similar events): Error creating: " + _q, count=124,
                  component="replicaset-controller"),
            event(_old_pods[0], "Killing", "Stopping container allocation-manager", type_="Normal", count=1),
            scaled(_dep, "allocation-manager-6597bc46dc", 1)],
)

# 2. Quota requires requests/limits; the template has none. No pod ever exists.
_ns = "moneybags-earthworm-evaluate"
_q = ('pods "helloworld-latest-6b78556b99-mcpwh" is forbidden: failed quota: quota: must specify '
      "limits.cpu,limits.memory,requests.cpu,requests.memory")
_dep = stuck_deployment("helloworld-latest", _ns, "helloworld-latest-6b78556b99", _q, replicas=1,
                        image="ghcr.io/micro/services/helloworld:latest")
_rs = failing_rs("helloworld-latest-6b78556b99", _ns, _q, replicas=1)
scenario(
    "ctl-quota-must-specify-no-pod", "quota_exceeded",
    note="Compute quota in the namespace and a pod template with no resources: every create is refused, no pod exists.",
    source=[{"url": "https://github.com/m3o/backend/pull/378",
             "quote": "is forbidden: failed quota: quota: must specify limits.cpu,limits.memory,requests.cpu,requests.memory"}],
    objects=[_dep, _rs,
             resource_quota("quota", _ns, {"limits.cpu": "2", "limits.memory": "2Gi", "requests.cpu": "1",
                                          "requests.memory": "1Gi"},
                            {"limits.cpu": "0", "limits.memory": "0", "requests.cpu": "0", "requests.memory": "0"})],
    events=[event(_rs, "FailedCreate", "Error creating: " + _q, count=1, component="replicaset-controller"),
            event(_rs, "FailedCreate", "Error creating: " + _q.replace("mcpwh", "xng7m"), count=1,
                  component="replicaset-controller"),
            event(_rs, "FailedCreate", "Error creating: " + _q.replace("mcpwh", "88q7g"), count=7,
                  component="replicaset-controller"),
            scaled(_dep, "helloworld-latest-6b78556b99", 1)],
)

# 3. Newer per-container wording ("... for: crd"), from a Helm hook Job.
_ns = "ingress-stack"
_q = ('pods "hap-operator-kubernetes-ingress-crdjob-1-6nxxb" is forbidden: failed quota: ingress-stack: must specify '
      "limits.cpu for: crd; limits.memory for: crd; requests.cpu for: crd; requests.memory for: crd")
_job = job("hap-operator-kubernetes-ingress-crdjob-1", _ns, active=0, backoff_limit=0)
scenario(
    "ctl-quota-job-per-container-wording", "quota_exceeded", difficulty="hard",
    note="Newer quota wording that names each missing resource per container; a Helm hook Job with no pod.",
    source=[{"url": "https://github.com/haproxytech/helm-charts/issues/236",
             "quote": "is forbidden: failed quota: ingress-stack: must specify limits.cpu for: crd; limits.memory for: crd; requests.cpu for: crd; requests.memory for: crd"}],
    objects=[_job,
             resource_quota("ingress-stack", _ns, {"limits.cpu": "8", "limits.memory": "16Gi", "requests.cpu": "4",
                                                  "requests.memory": "8Gi"},
                            {"limits.cpu": "2", "limits.memory": "4Gi", "requests.cpu": "500m",
                             "requests.memory": "1Gi"})],
    events=[event(_job, "FailedCreate", "Error creating: " + _q, count=1, component="job-controller")],
)

# 4. StatefulSet pods refused by a requests quota.
_ns = "fpl-case-service-pr-3308"
_ss = statefulset("fpl-case-service-pr-3308-es-master", _ns, replicas=3)
_msg = ("create Pod fpl-case-service-pr-3308-es-master-0 in StatefulSet fpl-case-service-pr-3308-es-master failed "
        'error: pods "fpl-case-service-pr-3308-es-master-0" is forbidden: failed quota: fpl-quota: must specify '
        "requests.cpu,requests.memory")
scenario(
    "ctl-quota-statefulset-must-specify-requests", "quota_exceeded",
    note="StatefulSet controller cannot create ordinal 0: the namespace quota needs requests the chart does not set.",
    source=[{"url": "https://github.com/hmcts/cnp-flux-config/pull/13765",
             "quote": _msg}],
    objects=[_ss,
             resource_quota("fpl-quota", _ns, {"requests.cpu": "4", "requests.memory": "8Gi"},
                            {"requests.cpu": "1500m", "requests.memory": "3Gi"})],
    events=[event(_ss, "FailedCreate", _msg, count=23, component="statefulset-controller")],
)

# 5. A BestEffort-scoped quota of zero pods refuses a Job whose pod has no resources.
_ns = "istio-system"
_q = ('pods "istio-init-crd-10-1.3.0-xhwv7" is forbidden: exceeded quota: best-effort, requested: pods=1, used: '
      "pods=0, limited: pods=0")
_job = job("istio-init-crd-10-1.3.0", _ns, active=0)
_quota = resource_quota("best-effort", _ns, {"pods": "0"}, {"pods": "0"})
_quota["spec"]["scopes"] = ["BestEffort"]
_ok = pod("istiod-6d4c8f7b9-k2j5q", _ns, [container("discovery", "docker.io/istio/pilot:1.3.0",
                                                    requests={"cpu": "500m", "memory": "2Gi"},
                                                    limits={"cpu": "1", "memory": "2Gi"})])
scenario(
    "ctl-quota-besteffort-scope-zero-pods", "quota_exceeded", difficulty="hard",
    note="used: pods=0, limited: pods=0 reads oddly: a quota scoped to BestEffort pods forbids any pod without resources; the Job's pod has none.",
    source=[{"url": "https://github.com/istio/istio/pull/17433",
             "quote": '(combined from similar events): Error creating: pods "istio-init-crd-10-1.3.0-xhwv7" is forbidden: exceeded quota: best-effort, requested: pods=1, used: pods=0, limited: pods=0'}],
    objects=[_job, _quota, _ok],
    events=[event(_job, "FailedCreate", "(combined from similar events): Error creating: " + _q, count=41,
                  component="job-controller")],
)

# 6. LimitRange maximum, older event wording (generateName without a suffix).
_ns = "default"
_q = 'pods "hjacobs-test-1668339668-" is forbidden: maximum cpu usage per Container is 16, but request is 17.'
_dep = stuck_deployment("hjacobs-test", _ns, "hjacobs-test-1668339668", _q, image="nginx")
_rs = failing_rs("hjacobs-test-1668339668", _ns, _q)
scenario(
    "ctl-limitrange-max-cpu-older-wording", "quota_exceeded",
    note="A LimitRange maximum refuses a container asking for 17 CPUs (m mixed up with Mi); older event form.",
    source=[{"url": "https://github.com/zalando-incubator/kubernetes-on-aws/issues/278",
             "quote": 'Error creating: pods "hjacobs-test-1668339668-" is forbidden: maximum cpu usage per Container is 16, but request is 17.'}],
    objects=[_dep, _rs,
             limit_range("limits", _ns, [{"type": "Container", "max": {"cpu": "16", "memory": "64Gi"},
                                         "default": {"cpu": "3", "memory": "1Gi"},
                                         "defaultRequest": {"cpu": "100m", "memory": "100Mi"}}])],
    events=[event(_rs, "FailedCreate", "Error creating: " + _q, count=26, component="replicaset-controller"),
            scaled(_dep, "hjacobs-test-1668339668", 2)],
)

# 7. LimitRange minimum memory refuses CoreDNS.
_ns = "kube-system"
_q = 'pods "coredns-546565776c-f6r98" is forbidden: minimum memory usage per Container is 90Mi, but request is 70Mi'
_dep = stuck_deployment("coredns", _ns, "coredns-546565776c", _q, image="registry.k8s.io/coredns:1.7.0")
_rs = failing_rs("coredns-546565776c", _ns, _q)
scenario(
    "ctl-limitrange-min-memory-coredns", "quota_exceeded",
    note="LimitRange minimum of 90Mi per container; CoreDNS requests 70Mi and is never created.",
    source=[{"url": "https://github.com/pixiu-io/kubez-ansible/issues/11",
             "quote": 'Error creating: pods "coredns-546565776c-f6r98" is forbidden: minimum memory usage per Container is 90Mi, but request is 70Mi'}],
    objects=[_dep, _rs,
             limit_range("mem-min-max", _ns, [{"type": "Container", "min": {"memory": "90Mi"},
                                              "max": {"memory": "1Gi"}}])],
    events=[event(_rs, "FailedCreate", "Error creating: " + _q, count=1, component="replicaset-controller"),
            event(_rs, "FailedCreate", "Error creating: " + _q.replace("f6r98", "dhbcc"), count=9,
                  component="replicaset-controller")],
)

# 8. LimitRange ratio: the default limit the LimitRange adds is 100x the tiny request.
_ns = "p47-beamline"
_q = ('pods "volume-exposer-6f9b7c5d4-wtyvo" is forbidden: cpu max limit to request ratio per Container is 10, '
      "but provided ratio is 100.000000")
_dep = stuck_deployment("volume-exposer", _ns, "volume-exposer-6f9b7c5d4", _q, replicas=1,
                        image="ghcr.io/fenio/volume-exposer:v0.8.1")
_rs = failing_rs("volume-exposer-6f9b7c5d4", _ns, _q, replicas=1)
scenario(
    "ctl-limitrange-limit-request-ratio", "quota_exceeded", difficulty="hard",
    note="The template only sets a 10m CPU request; the LimitRange's default 1 CPU limit makes a 100x ratio over its maxLimitRequestRatio.",
    source=[{"url": "https://github.com/fenio/pv-mounter/issues/123",
             "quote": "is forbidden: cpu max limit to request ratio per Container is 10, but provided ratio is 100.000000"}],
    objects=[_dep, _rs,
             limit_range("cpu-ratio", _ns, [{"type": "Container", "maxLimitRequestRatio": {"cpu": "10"},
                                            "default": {"cpu": "1", "memory": "512Mi"},
                                            "defaultRequest": {"cpu": "100m", "memory": "128Mi"}}])],
    events=[event(_rs, "FailedCreate", "Error creating: " + _q, count=12, component="replicaset-controller")],
)

# 9. The 2015 quota wording ("cpu quota is ..., current usage is ...") on a ReplicationController.
_ns = "test"
_rc = replication_controller("nginx", _ns, replicas=2, ready=2)
_rc["spec"]["replicas"] = 3
_msg = 'Error creating: Pod "nginx-" is forbidden: cpu quota is 200m, current usage is 200m, requesting 100m.'
_rcpods = [pod(f"nginx-{s}", _ns, [container("nginx", "nginx", requests={"cpu": "100m", "memory": "64Mi"},
                                             limits={"cpu": "100m", "memory": "64Mi"})], owner=("", ""))
           for s in ("7x2kq", "m9p4d")]
for _p in _rcpods:
    _p["metadata"]["labels"] = {"run": "nginx"}
    _p["metadata"]["ownerReferences"] = [{"apiVersion": "v1", "kind": "ReplicationController", "name": "nginx",
                                          "uid": _rc["metadata"]["uid"], "controller": True,
                                          "blockOwnerDeletion": True}]
scenario(
    "ctl-quota-legacy-cpu-quota-wording", "quota_exceeded", difficulty="hard",
    note="Oldest quota wording, without 'exceeded quota': a ReplicationController scaled past a 200m cpu quota; its two pods run fine.",
    source=[{"url": "https://github.com/kubernetes/kubernetes/pull/16941",
             "quote": "cpu quota is 200m, current usage is 200m, requesting 100m."}],
    objects=[_rc, *_rcpods,
             resource_quota("quota", _ns, {"cpu": "200m", "memory": "1Gi", "pods": "10"},
                            {"cpu": "200m", "memory": "128Mi", "pods": "2"})],
    events=[event(_rc, "FailedCreate", _msg, count=11, component="replication-controller")],
)

# 10. Object-count quota on ReplicaSets: the Deployment cannot even create its new ReplicaSet.
_ns = "ibuziuk-che"
_name = "workspacem200hw6ofvuwbvzf.che-workspace-pod"
_rsname = _name + "-864bd5d7b6"
_err = (f'replicasets.apps "{_rsname}" is forbidden: exceeded quota: for-ibuziuk, requested: '
        "count/replicasets.apps=1, used: count/replicasets.apps=30, limited: count/replicasets.apps=30")
_msg = f'Failed to create new replica set "{_rsname}": {_err}'
_dep = deployment(_name, _ns, replicas=1, ready=0, image="quay.io/eclipse/che-theia:7.24.2", revision=31,
                  conditions=[condition("Available", "False", "MinimumReplicasUnavailable",
                                        "Deployment does not have minimum availability."),
                              condition("Progressing", "False", "ReplicaSetCreateError", _msg)])
scenario(
    "ctl-quota-replicaset-count-no-new-rs", "quota_exceeded", difficulty="hard",
    note="No new ReplicaSet and no pod: the deployment controller is refused by a count/replicasets.apps quota filled by old revisions.",
    source=[{"url": "https://github.com/eclipse-che/che/issues/18914",
             "quote": 'replicasets.apps "workspacem200hw6ofvuwbvzf.che-workspace-pod-864bd5d7b6" is forbidden: exceeded quota: for-ibuziuk, requested: count/replicasets.apps=1, used: count/replicasets.apps=30, limited: count/replicasets.apps=30'}],
    objects=[_dep,
             replicaset(_name + "-7b5d9c8f4", _ns, replicas=0, ready=0, deployment_name=_name, revision=30),
             resource_quota("for-ibuziuk", _ns, {"count/replicasets.apps": "30", "pods": "20",
                                                "limits.memory": "7Gi"},
                            {"count/replicasets.apps": "30", "pods": "0", "limits.memory": "0"})],
    events=[event(_dep, "ReplicaSetCreateError", _msg, count=6, component="deployment-controller")],
)

# 11. Only the Deployment's condition carries the (older, capitalised) quota refusal; events could not be read.
_ns = "andrewklau-dev"
_q = ('pods "test-7f6d8c9b5-" is forbidden: Exceeded quota: compute-resources, requested: '
      "limits.cpu=384m,limits.memory=512Mi, used: limits.cpu=384m,limits.memory=512Mi, limited: "
      "limits.cpu=384m,limits.memory=512Mi")
_dep = stuck_deployment("test", _ns, "test-7f6d8c9b5", _q, replicas=1, ready=1, revision=2, timed_out=True,
                        image="docker.io/openshift/hello-openshift:v1.3.0")
_new = failing_rs("test-7f6d8c9b5", _ns, _q, replicas=1, ready=0, revision=2)
_oldrs = replicaset("test-5b9f6d7c8", _ns, replicas=1, ready=1, revision=1)
_oldpod = pod("test-5b9f6d7c8-q7w2n", _ns, [container("test", "docker.io/openshift/hello-openshift:v1.2.0",
                                                      limits={"cpu": "384m", "memory": "512Mi"},
                                                      requests={"cpu": "60m", "memory": "256Mi"})])
scenario(
    "ctl-quota-condition-only-events-unavailable", "quota_exceeded", difficulty="hard",
    note="Events unreadable: the refusal (older 'Exceeded quota' wording) survives only in ReplicaFailure conditions; the one old pod is healthy and holds the whole quota.",
    source=[{"url": "https://github.com/openshift/origin/issues/10407",
             "quote": "Exceeded quota: compute-resources, requested: limits.cpu=384m,limits.memory=512Mi, used: limits.cpu=384m,limits.memory=512Mi, limited: limits.cpu=384m,limits.memory=512Mi"}],
    objects=[_dep, _new, _oldrs, _oldpod,
             resource_quota("compute-resources", _ns, {"limits.cpu": "384m", "limits.memory": "512Mi"},
                            {"limits.cpu": "384m", "limits.memory": "512Mi"})],
    unavailable=["events"],
)

# ======================================================================================================
# permission_denied
# ======================================================================================================

# 12. Pod Security "restricted:latest" on a ReplicaSet.
_ns = "odo-dev-1234"
_q = ('pods "nodejs-app-8665bd77fb-2dd4n" is forbidden: violates PodSecurity "restricted:latest": '
      'allowPrivilegeEscalation != false (container "runtime" must set securityContext.allowPrivilegeEscalation=false), '
      'unrestricted capabilities (container "runtime" must set securityContext.capabilities.drop=["ALL"]), '
      'runAsNonRoot != true (pod or container "runtime" must set securityContext.runAsNonRoot=true), '
      'seccompProfile (pod or container "runtime" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")')
_dep = stuck_deployment("nodejs-app", _ns, "nodejs-app-8665bd77fb", _q, replicas=1,
                        image="registry.access.redhat.com/ubi8/nodejs-16:latest")
_rs = failing_rs("nodejs-app-8665bd77fb", _ns, _q, replicas=1)
scenario(
    "ctl-psa-restricted-replicaset", "permission_denied",
    note="Namespace enforces Pod Security restricted; the dev container sets none of the required securityContext fields.",
    source=[{"url": "https://github.com/redhat-developer/odo/issues/6847",
             "quote": 'Error creating: pods "nodejs-app-8665bd77fb-2dd4n" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "runtime" must set securityContext.allowPrivilegeEscalation=false)'}],
    objects=[_dep, _rs],
    events=[event(_rs, "FailedCreate", "Error creating: " + _q, count=1, component="replicaset-controller"),
            event(_rs, "FailedCreate", "Error creating: " + _q.replace("2dd4n", "kpvmf"), count=14,
                  component="replicaset-controller")],
)

# 13. Pod Security on a CronJob's Job; an earlier run succeeded before the namespace was labelled.
_ns = "tekton-pipelines"
_cj = cronjob("tekton-resource-pruner-mnf9n", _ns, "0 * * * *", active=["tekton-resource-pruner-mnf9n-27829440"],
              last_success="2026-11-19T08:00:11Z")
_job = owned_job("tekton-resource-pruner-mnf9n-27829440", _ns, "tekton-resource-pruner-mnf9n", active=0)
_q = ('pods "tekton-resource-pruner-mnf9n-27829440-4w6rm" is forbidden: violates PodSecurity "restricted:latest": '
      'allowPrivilegeEscalation != false (container "pruner-tkn-tekton-pipelines-g2v7z" must set '
      "securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "
      '"pruner-tkn-tekton-pipelines-g2v7z" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true '
      '(pod or container "pruner-tkn-tekton-pipelines-g2v7z" must set securityContext.runAsNonRoot=true), '
      'seccompProfile (pod or container "pruner-tkn-tekton-pipelines-g2v7z" must set '
      'securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")')
scenario(
    "ctl-psa-restricted-cronjob-job", "permission_denied",
    note="CronJob-spawned Job cannot create its pod under Pod Security restricted; yesterday's run predates the enforcement label.",
    source=[{"url": "https://github.com/tektoncd/operator/issues/1223",
             "quote": '(combined from similar events): Error creating: pods "tekton-resource-pruner-mnf9n-27829440-4w6rm" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "pruner-tkn-tekton-pipelines-g2v7z" must set securityContext.allowPrivilegeEscalation=false)'}],
    objects=[_cj, _job],
    events=[event(_job, "FailedCreate", "(combined from similar events): Error creating: " + _q, count=18,
                  component="job-controller"),
            event(_cj, "SuccessfulCreate", "Created job tekton-resource-pruner-mnf9n-27829440", type_="Normal",
                  count=1, component="cronjob-controller")],
)

# 14. Pod Security baseline on a log-collector DaemonSet.
_ns = "grafana-agent"
_ds = daemonset("grafana-agent-logs", _ns, desired=5, current=0)
_q = ('pods "grafana-agent-logs-tzr4t" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes '
      '(volumes "varlog", "dockerlogs", "data"), privileged (container "grafana-agent" must not set '
      "securityContext.privileged=true)")
scenario(
    "ctl-psa-baseline-daemonset-hostpath", "permission_denied",
    note="DaemonSet with 5 desired, 0 current: baseline Pod Security forbids its hostPath volumes and privileged container.",
    source=[{"url": "https://github.com/grafana/agent/issues/3373",
             "quote": 'Error creating: pods "grafana-agent-logs-tzr4t" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes (volumes "varlog", "dockerlogs", "data"), privileged (container "grafana-agent" must not set securityContext.privileged=true)'}],
    objects=[_ds],
    events=[event(_ds, "FailedCreate", "Error creating: " + _q, count=1, component="daemonset-controller"),
            event(_ds, "FailedCreate", "Error creating: " + _q.replace("tzr4t", "b7k2m"), count=33,
                  component="daemonset-controller")],
)

# 15. OpenShift SecurityContextConstraints wording on a DaemonSet.
_ns = "kube-system"
_ds = daemonset("api-cni-cleanup", _ns, desired=6, current=0)
_msg = ('Error creating: pods "api-cni-cleanup-" is forbidden: unable to validate against any security context '
        'constraint: [spec.volumes[0]: Invalid value: "hostPath": hostPath volumes are not allowed to be used '
        'spec.volumes[1]: Invalid value: "hostPath": hostPath volumes are not allowed to be used]')
scenario(
    "ctl-scc-openshift-daemonset-hostpath", "permission_denied", difficulty="hard",
    note="OpenShift SCC admission wording (no 'PodSecurity', no 'denied'): the service account may not use hostPath.",
    source=[{"url": "https://github.com/jsenon/api-cni-cleanup/issues/5", "quote": _msg}],
    objects=[_ds],
    events=[event(_ds, "FailedCreate", _msg, count=10, component="daemonset-controller")],
)

# 16. Older PodSecurityPolicy wording: no policy matches at all.
_ns = "gatekeeper-system"
_q = 'pods "gatekeeper-controller-manager-77ccf5456f-" is forbidden: unable to validate against any pod security policy: []'
_dep = stuck_deployment("gatekeeper-controller-manager", _ns, "gatekeeper-controller-manager-77ccf5456f", _q,
                        replicas=3, image="openpolicyagent/gatekeeper:v3.1.0-beta.9")
_rs = failing_rs("gatekeeper-controller-manager-77ccf5456f", _ns, _q, replicas=3)
scenario(
    "ctl-psp-no-policy-older-wording", "permission_denied", difficulty="hard",
    note="PodSecurityPolicy era: the empty list means no PSP is usable by the service account.",
    source=[{"url": "https://github.com/open-policy-agent/gatekeeper/issues/646",
             "quote": 'Error creating: pods "gatekeeper-controller-manager-77ccf5456f-" is forbidden: unable to validate against any pod security policy: []'}],
    objects=[_dep, _rs],
    events=[event(_rs, "FailedCreate", "Error creating: " + _q, count=15, component="replicaset-controller"),
            scaled(_dep, "gatekeeper-controller-manager-77ccf5456f", 3)],
)

# 17. Gatekeeper denial about resource limits; a ResourceQuota with room is a decoy.
_ns = "streamdal"
_msg = ('Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [container-must-have-limits] '
        "container <streamdal-console> has no resource limits\n"
        "[container-must-meet-ratio] container <streamdal-console> has no resource limits\n"
        "[container-must-meet-ratio] container <streamdal-console> has no resource requests\n"
        "[container-must-have-requests] container <streamdal-console> has no resource requests")
_err = _msg.removeprefix("Error creating: ")
_dep = stuck_deployment("streamdal-console", _ns, "streamdal-console-7d5f9c6b8", _err, replicas=1,
                        image="streamdal/console:v0.1.4")
_rs = failing_rs("streamdal-console-7d5f9c6b8", _ns, _err, replicas=1)
scenario(
    "ctl-gatekeeper-limits-policy-quota-decoy", "permission_denied", difficulty="hard",
    note="The refusal talks about limits and requests like a quota, but it is a Gatekeeper policy denial; the namespace quota has room.",
    source=[{"url": "https://github.com/streamdal/streamdal/pull/306",
             "quote": 'admission webhook "validation.gatekeeper.sh" denied the request: [container-must-have-limits] container <streamdal-console> has no resource limits'}],
    objects=[_dep, _rs,
             resource_quota("compute", _ns, {"requests.cpu": "8", "requests.memory": "16Gi", "limits.cpu": "16",
                                            "limits.memory": "32Gi"},
                            {"requests.cpu": "1200m", "requests.memory": "2Gi", "limits.cpu": "2",
                             "limits.memory": "4Gi"})],
    events=[event(_rs, "FailedCreate", _msg, count=19, component="replicaset-controller")],
)

# 18. Kyverno refuses a rollout to an unapproved registry; the old pods keep running.
_ns = "payments"
_msg = ('Error creating: admission webhook "validate.kyverno.svc-fail" denied the request: \n\n'
        "resource Pod/payments/checkout-5b7c9d8f6-x2x9q was blocked due to the following policies \n\n"
        "allowed-image-repos:\n  good-repos: 'All images in this Pod must come from an authorized repository.'")
_err = _msg.removeprefix("Error creating: ")
_dep = stuck_deployment("checkout", _ns, "checkout-5b7c9d8f6", _err, replicas=2, ready=2, revision=9,
                        image="docker.io/acme-dev/checkout:9.4.0-rc1")
_new = failing_rs("checkout-5b7c9d8f6", _ns, _err, replicas=1, revision=9)
_oldrs = replicaset("checkout-6c4f8b7d9", _ns, replicas=2, ready=2, revision=8)
_olds = [pod(f"checkout-6c4f8b7d9-{s}", _ns, [container("app", "registry.acme.internal/payments/checkout:9.3.2")])
         for s in ("h5r8t", "n2w6z")]
scenario(
    "ctl-kyverno-image-repo-old-pods-healthy", "permission_denied", difficulty="hard",
    note="New image from an unapproved registry is blocked by a Kyverno policy; the previous revision's pods are healthy decoys.",
    source=[{"url": "https://github.com/kyverno/policies/issues/979",
             "quote": 'admission webhook "validate.kyverno.svc-fail" denied the request:'},
            {"url": "https://github.com/kyverno/policies/issues/979",
             "quote": "All images in this Pod must come from an authorized repository."}],
    objects=[_dep, _new, _oldrs, *_olds],
    events=[event(_new, "FailedCreate", _msg, count=12, component="replicaset-controller"),
            scaled(_dep, "checkout-5b7c9d8f6", 1)],
)

# ======================================================================================================
# config_error
# ======================================================================================================

# 19. Missing ServiceAccount on a Deployment.
_ns = "velero"
_q = ('pods "velero-backup-notification-7f9c6d5b8-" is forbidden: error looking up service account '
      'velero/velero-server: serviceaccount "velero-server" not found')
_dep = stuck_deployment("velero-backup-notification", _ns, "velero-backup-notification-7f9c6d5b8", _q, replicas=1,
                        image="vitobotta/velero-backup-notification:v1.1.0")
_rs = failing_rs("velero-backup-notification-7f9c6d5b8", _ns, _q, replicas=1)
scenario(
    "ctl-serviceaccount-missing-deployment", "config_error",
    note="The pod template names a ServiceAccount that does not exist in the namespace.",
    source=[{"url": "https://github.com/vitobotta/velero-backup-notification/issues/2",
             "quote": 'is forbidden: error looking up service account velero/velero-server: serviceaccount "velero-server" not found'}],
    objects=[_dep, _rs],
    events=[event(_rs, "FailedCreate", "Error creating: " + _q, count=17, component="replicaset-controller")],
)

# 20. Missing ServiceAccount on a StatefulSet; its PVC was created fine (Normal decoy).
_ns = "default"
_ss = statefulset("mytest-mysql", _ns, replicas=1)
_msg = ('create Pod mytest-mysql-0 in StatefulSet mytest-mysql failed error: pods "mytest-mysql-0" is forbidden: '
        "error looking up service account default/kb-release-name-apecloud-mysql-cluster: serviceaccount "
        '"kb-release-name-apecloud-mysql-cluster" not found')
scenario(
    "ctl-serviceaccount-missing-statefulset", "config_error", difficulty="hard",
    note="The StatefulSet's claim is created and bound (Normal success), but its pod is refused: the ServiceAccount it names is missing.",
    source=[{"url": "https://github.com/apecloud/kubeblocks/issues/4599", "quote": _msg}],
    objects=[_ss, pvc("data-mytest-mysql-0", _ns, storage_class="kb-default-sc", size="1Gi")],
    events=[event(_ss, "SuccessfulCreate", "create Claim data-mytest-mysql-0 Pod mytest-mysql-0 in StatefulSet mytest-mysql success",
                  type_="Normal", count=1, component="statefulset-controller"),
            event(_ss, "FailedCreate", _msg, count=19, component="statefulset-controller")],
)

# 21. Missing ServiceAccount on a Helm install Job.
_ns = "default"
_job = job("goldilocks-vpa-install", _ns, active=0)
_msg = ('Error creating: pods "goldilocks-vpa-install-" is forbidden: error looking up service account '
        'default/goldilocks-vpa-install: serviceaccount "goldilocks-vpa-install" not found')
scenario(
    "ctl-serviceaccount-missing-job", "config_error",
    note="An install Job refers to a ServiceAccount the chart did not create.",
    source=[{"url": "https://github.com/FairwindsOps/goldilocks/issues/173", "quote": _msg}],
    objects=[_job],
    events=[event(_job, "FailedCreate", _msg, count=6, component="job-controller")],
)

# 22. Older ServiceAccount wording ("was not found, retry after ...") on a DaemonSet.
_ns = "default"
_ds = daemonset("fluentd", _ns, desired=4, current=0)
_msg = ('Error creating: pods "fluentd-" is forbidden: service account default/fluentd was not found, retry after '
        "the service account is created")
scenario(
    "ctl-serviceaccount-missing-older-wording", "config_error", difficulty="hard",
    note="Older admission wording for a missing ServiceAccount; reads like a transient retry.",
    source=[{"url": "https://github.com/fabric8io/fabric8/issues/5972", "quote": _msg}],
    objects=[_ds],
    events=[event(_ds, "FailedCreate", _msg, count=28, component="daemonset-controller")],
)

# 23. A Job's pod waits on a Secret key that does not exist.
_ns = "default"
_job = job("klc-post-deployment-hello-723-81089", _ns, active=1, backoff_limit=2)
_p = pod("klc-post-deployment-hello-723-81089-rkjtf", _ns, [container(
    "keptn-function-runner", "ghcr.io/keptn/functions-runtime:v0.4.1",
    state=waiting("CreateContainerConfigError", "couldn't find key SECURE_DATA in Secret default/deno-demo-secret"))],
    phase="Pending", owner=("Job", "klc-post-deployment-hello-723-81089"), restartPolicy="Never")
scenario(
    "ctl-job-secret-key-missing", "config_error",
    note="The Job's pod references key SECURE_DATA; the Secret exists but only has key foo.",
    source=[{"url": "https://github.com/keptn/lifecycle-toolkit/issues/588",
             "quote": "Error: couldn't find key SECURE_DATA in Secret default/deno-demo-secret"}],
    objects=[_job, _p],
    events=[event(_job, "SuccessfulCreate", "Created pod: klc-post-deployment-hello-723-81089-rkjtf", type_="Normal",
                  count=1, component="job-controller"),
            event(_p, "Failed", "Error: couldn't find key SECURE_DATA in Secret default/deno-demo-secret", count=12)],
)

# ======================================================================================================
# dependency_unreachable (webhook outages, a database a Job cannot reach)
# ======================================================================================================

# 24. Istio sidecar injector times out (older webhook wording, no quotes around the URL).
_ns = "my-team"
_m1 = ('Error creating: Internal error occurred: failed calling admission webhook "sidecar-injector.istio.io": '
       "Post https://istio-sidecar-injector.istio-system.svc:443/inject?timeout=30s: context deadline exceeded")
_m2 = ('Error creating: Internal error occurred: failed calling admission webhook "sidecar-injector.istio.io": '
       "Post https://istio-sidecar-injector.istio-system.svc:443/inject?timeout=30s: net/http: request canceled "
       "(Client.Timeout exceeded while awaiting headers)")
_dep = stuck_deployment("my-service", _ns, "my-service-8c567f849", _m1.removeprefix("Error creating: "), replicas=2,
                        image="123456789012.dkr.ecr.us-east-1.amazonaws.com/my-service:1.8.2", revision=3)
_rs = failing_rs("my-service-8c567f849", _ns, _m1.removeprefix("Error creating: "), revision=3)
scenario(
    "ctl-webhook-istio-injector-timeout", "dependency_unreachable", difficulty="hard",
    note="The mutating webhook (Istio's sidecar injector) does not answer in time, so no pod can be created; older 'admission webhook' wording.",
    source=[{"url": "https://github.com/istio/istio/issues/13840", "quote": _m1},
            {"url": "https://github.com/istio/istio/issues/13840",
             "quote": "net/http: request canceled (Client.Timeout exceeded while awaiting headers)"}],
    objects=[_dep, _rs],
    events=[event(_rs, "FailedCreate", _m1, count=1, component="replicaset-controller"),
            event(_rs, "FailedCreate", _m2, count=13, component="replicaset-controller")],
)

# 25. Webhook service has no endpoints after a node restart; a Job cannot create pods.
_ns = "gopaddle-servers"
_job = job("config-sync-28145630", _ns, active=0)
_msg = ('Error creating: Internal error occurred: failed calling webhook "podcontroller.configurator.gopaddle.io": '
        'Post "https://configurator-controllerwebhook.gopaddle-servers.svc:443/podcontroller?timeout=10s": no '
        'endpoints available for service "configurator-controllerwebhook"')
scenario(
    "ctl-webhook-no-endpoints-job", "dependency_unreachable",
    note="The pod webhook's backing Deployment did not come back after a node restart; its Service has no endpoints.",
    source=[{"url": "https://github.com/gopaddle-io/configurator/issues/74", "quote": _msg}],
    objects=[_job,
             deployment("configurator-controller", _ns, replicas=1, ready=0,
                        image="gopaddle/configurator:0.4.0-alpha")],
    events=[event(_job, "FailedCreate", _msg, count=5, component="job-controller")],
)

# 26. Gatekeeper's own webhook is down (failurePolicy Fail): looks like a policy denial but is an outage.
_ns = "shop"
_err = ('Internal error occurred: failed calling webhook "validation.gatekeeper.sh": failed to call webhook: Post '
        '"https://gatekeeper-webhook-service.gatekeeper-system.svc:443/v1/admit?timeout=3s": no endpoints available '
        'for service "gatekeeper-webhook-service"')
_dep = stuck_deployment("cart", _ns, "cart-6b8d7f5c4", _err, replicas=3, ready=0,
                        image="registry.example.com/shop/cart:4.2.0")
_rs = failing_rs("cart-6b8d7f5c4", _ns, _err, replicas=3)
_gk = pod("gatekeeper-controller-manager-5f9c8d7b6-tq4wz", "gatekeeper-system", [container(
    "manager", "openpolicyagent/gatekeeper:v3.11.0-beta.0", state=waiting("ContainerCreating"), ready=False)],
    phase="Pending")
scenario(
    "ctl-webhook-gatekeeper-down-not-denied", "dependency_unreachable", difficulty="hard",
    note="Names Gatekeeper's validation webhook, but nothing was denied: the webhook has no endpoints (its own pods are still being created) and fails closed.",
    source=[{"url": "https://github.com/open-policy-agent/gatekeeper/issues/2423",
             "quote": 'failed calling webhook "validation.gatekeeper.sh": failed to call webhook: Post "https://gatekeeper-webhook-service.gatekeeper-system.svc:443/v1/admit?timeout=3s": no endpoints available for service "gatekeeper-webhook-service"'}],
    objects=[_dep, _rs, _gk],
    events=[event(_rs, "FailedCreate", "Error creating: " + _err, count=22, component="replicaset-controller"),
            scaled(_dep, "cart-6b8d7f5c4", 3)],
)

# 27. Migration Job gives up: the database does not answer in time (a bare "context deadline exceeded").
_ns = "hatchet"
_job = job("hatchet-migration", _ns, failed=4, backoff_limit=3,
           conditions=job_failed("BackoffLimitExceeded", BACKOFF))
_log = ("2026/11/20 08:02:11 goose: failed to open DB: context deadline exceeded\n")
_pods = [pod(f"hatchet-migration-{s}", _ns, [container("migration", "ghcr.io/hatchet-dev/hatchet/hatchet-migrate:v0.47.0",
                                                         state=terminated(1), ready=False)],
             phase="Failed", owner=("Job", "hatchet-migration"), restartPolicy="Never")
         for s in ("9kq2t", "b4x7m")]
scenario(
    "ctl-job-migration-db-unreachable", "dependency_unreachable", difficulty="hard",
    note="Job fails with BackoffLimitExceeded; the failed pods only say goose could not open the DB before its deadline: Postgres is not reachable yet.",
    source=[{"url": "https://github.com/hatchet-dev/hatchet-charts/pull/29",
             "quote": "goose: failed to open DB: context deadline exceeded"}],
    objects=[_job, *_pods],
    events=[event(_job, "BackoffLimitExceeded", BACKOFF, count=1, component="job-controller"),
            event(_job, "SuccessfulCreate", "Created pod: hatchet-migration-9kq2t", type_="Normal", count=1,
                  component="job-controller")],
    logs={log_key(p, "migration"): _log for p in _pods},
)

# ======================================================================================================
# application_crash (Jobs whose pods fail from the program's own bug)
# ======================================================================================================

# 28. Go panic in a Job.
_ns = "load-testing"
_job = job("k6-sample-initializer", _ns, failed=7, backoff_limit=6,
           conditions=job_failed("BackoffLimitExceeded", BACKOFF))
_log = ("time=\"2026-11-20T08:01:57Z\" level=info msg=\"parsing test arguments\"\n"
        "panic: runtime error: index out of range [0] with length 0\n\n"
        "goroutine 1 [running]:\n"
        "github.com/grafana/k6-operator/pkg/types.ParseCLI.func1(...)\n"
        "\t/workspace/pkg/types/types.go:135\n"
        "github.com/grafana/k6-operator/pkg/types.ParseCLI(0xc00098f518)\n"
        "\t/workspace/pkg/types/types.go:155 +0x465\n"
        )
_pods = [pod(f"k6-sample-initializer-{s}", _ns, [container("k6", "ghcr.io/grafana/k6-operator:latest-runner",
                                                              state=terminated(2), ready=False)],
             phase="Failed", owner=("Job", "k6-sample-initializer"), restartPolicy="Never")
         for s in ("h8c2v", "r5n9q")]
scenario(
    "ctl-job-go-panic-index-out-of-range", "application_crash",
    note="Job reaches its backoff limit; each pod exits 2 with a Go panic in the program's argument parsing.",
    source=[{"url": "https://github.com/grafana/k6-operator/issues/125",
             "quote": "panic: runtime error: index out of range [0] with length 0"}],
    objects=[_job, *_pods],
    events=[event(_job, "BackoffLimitExceeded", BACKOFF, count=1, component="job-controller")],
    logs={log_key(p, "k6"): _log for p in _pods},
)

# 29. Python TypeError in a batch launcher Job.
_ns = "eidf029"
_job = job("python-pod-launcher", _ns, failed=3, backoff_limit=2,
           conditions=job_failed("BackoffLimitExceeded", BACKOFF))
_log = ("Traceback (most recent call last):\n"
        '  File "/home/eidf029/eidf029/evankri-infk8s/python_pod.py", line 4, in <module>\n'
        "    job = KubernetesJob(\n"
        "          ^^^^^^^^^^^^^^\n"
        '  File "/usr/local/lib/python3.11/site-packages/kubejobs/jobs.py", line 125, in __init__\n'
        "    else MAX_CPU // (MAX_GPU - gpu_limit + 1)\n"
        "                     ~~~~~~~~^~~~~~~~~~~\n"
        "TypeError: unsupported operand type(s) for -: 'int' and 'NoneType'\n")
_p = pod("python-pod-launcher-7wz4k", _ns, [container("launcher", "python:3.11-slim", state=terminated(1),
                                                      ready=False)],
         phase="Failed", owner=("Job", "python-pod-launcher"), restartPolicy="Never")
scenario(
    "ctl-job-python-typeerror", "application_crash",
    note="Job fails; the pod's traceback is a TypeError inside the library's own arithmetic on an unset value.",
    source=[{"url": "https://github.com/AntreasAntoniou/kubejobs/issues/6",
             "quote": "TypeError: unsupported operand type(s) for -: 'int' and 'NoneType'"}],
    objects=[_job, _p],
    events=[event(_job, "BackoffLimitExceeded", BACKOFF, count=1, component="job-controller")],
    logs={log_key(_p, "launcher"): _log},
)

# 30. CronJob whose program catches its own AttributeError and retries forever: the Job hits its deadline.
_ns = "nextcloud"
_cj = cronjob("news-updater", _ns, "*/30 * * * *", active=["news-updater-29410560"],
              last_success="2026-11-12T06:00:41Z")
_failed = owned_job("news-updater-29410530", _ns, "news-updater", failed=1,
                    conditions=job_failed("DeadlineExceeded", DEADLINE))
_cur = owned_job("news-updater-29410560", _ns, "news-updater", active=1)
for _j in (_failed, _cur):
    _j["spec"]["activeDeadlineSeconds"] = 1500
_p = pod("news-updater-29410560-6hxkp", _ns, [container("updater", "docker.io/nextcloud/news-updater:11.0.0")],
         owner=("Job", "news-updater-29410560"), restartPolicy="Never")
_tb = ("Traceback (most recent call last):\n"
       '  File "/usr/local/lib/python3.13/site-packages/nextcloud_news_updater/api/updater.py", line 69, in run\n'
       "    self.before_update()\n"
       "    ~~~~~~~~~~~~~~~~~~^^\n"
       '  File "/usr/local/lib/python3.13/site-packages/nextcloud_news_updater/api/web.py", line 75, in before_update\n'
       "    'Calling before update url:  %s' % self.api.before_cleanup_url)\n"
       "                                       ^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
       "AttributeError: 'NoneType' object has no attribute 'before_cleanup_url'\n")
_log = ("2026-11-20 08:00:33,647 - Nextcloud News Updater - INFO - Running update in an interval of 300 seconds using 10 threads\n"
        "2026-11-20 08:00:33,647 - Nextcloud News Updater - ERROR - 'NoneType' object has no attribute 'before_cleanup_url': Trying again in 30 seconds\n"
        + _tb
        + "2026-11-20 08:01:03,659 - Nextcloud News Updater - ERROR - 'NoneType' object has no attribute 'before_cleanup_url': Trying again in 30 seconds\n"
        + _tb)
scenario(
    "ctl-cronjob-deadline-attributeerror-loop", "application_crash", difficulty="hard",
    note="Only a DeadlineExceeded Job and a Running, Ready pod: the program catches its own AttributeError and retries forever until the Job deadline.",
    source=[{"url": "https://github.com/nextcloud/news-updater/issues/48",
             "quote": "AttributeError: 'NoneType' object has no attribute 'before_cleanup_url'"}],
    objects=[_cj, _failed, _cur, _p],
    events=[event(_failed, "DeadlineExceeded", DEADLINE, count=1, component="job-controller"),
            event(_cj, "SawCompletedJob", "Saw completed job: news-updater-29410530, status: Failed", type_="Normal",
                  count=1, component="cronjob-controller")],
    logs={log_key(_p, "updater"): _log},
)

# ======================================================================================================
# other categories behind controller-level symptoms
# ======================================================================================================

# 31. Spark dependencies Job: JVM heap exhaustion (exit 1, no OOMKilled reason).
_ns = "observability"
_cj = cronjob("jaeger-spark-dependencies", _ns, "55 23 * * *", last_success="2026-11-17T23:58:02Z")
_job = owned_job("jaeger-spark-dependencies-29410495", _ns, "jaeger-spark-dependencies", failed=7, backoff_limit=6,
                 conditions=job_failed("BackoffLimitExceeded", BACKOFF))
_p = pod("jaeger-spark-dependencies-29410495-l9d4s", _ns, [container(
    "jaeger-spark-dependencies", "jaegertracing/spark-dependencies:latest", state=terminated(1), ready=False,
    limits={"memory": "1Gi"}, requests={"cpu": "500m", "memory": "1Gi"})],
    phase="Failed", owner=("Job", "jaeger-spark-dependencies-29410495"), restartPolicy="Never")
_log = ("26/11/20 23:55:21 INFO ElasticsearchDependenciesJob: Running Dependencies job for 2026-11-20T00:00Z, reading from jaeger-span-2026-11-20 index, result storing to jaeger-dependencies-2026-11-20\n"
        "26/11/20 23:57:48 INFO DAGScheduler: Job 0 failed: collect at ElasticsearchDependenciesJob.java:236, took 146.803517 s\n"
        'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n'
        "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3745)\n"
        "\tat java.base/java.io.ByteArrayOutputStream.grow(ByteArrayOutputStream.java:120)\n")
scenario(
    "ctl-cronjob-spark-java-heap-oom", "oom_killed", difficulty="hard",
    note="Nightly Job fails at its backoff limit with exit 1, well under the container limit: the JVM heap is exhausted (OutOfMemoryError), not the cgroup.",
    source=[{"url": "https://github.com/jaegertracing/jaeger-operator/issues/1131",
             "quote": "OutOfMemoryError: Java heap space"}],
    objects=[_cj, _job, _p],
    events=[event(_job, "BackoffLimitExceeded", BACKOFF, count=1, component="job-controller")],
    logs={log_key(_p, "jaeger-spark-dependencies"): _log},
)

# 32. ProgressDeadlineExceeded with Pending pods: no node has the CPU; a ResourceQuota with room is a decoy.
_ns = "sematic"
_dep = deployment("sematic-worker", _ns, replicas=3, ready=0, image="sematic/sematic-worker:v0.17.0", revision=2,
                  conditions=[condition("Available", "False", "MinimumReplicasUnavailable",
                                        "Deployment does not have minimum availability."),
                              condition("Progressing", "False", "ProgressDeadlineExceeded",
                                        'ReplicaSet "sematic-worker-5d6c7b8f9" has timed out progressing.')])
_rs = replicaset("sematic-worker-5d6c7b8f9", _ns, replicas=3, ready=0, revision=2)
_msg = "0/3 nodes are available: 3 Insufficient cpu."
_pending = [pod(f"sematic-worker-5d6c7b8f9-{s}", _ns, [container("worker", "sematic/sematic-worker:v0.17.0",
                                                                   requests={"cpu": "6", "memory": "8Gi"},
                                                                   limits={"cpu": "6", "memory": "8Gi"})],
                scheduled=False, message=_msg) for s in ("2kx9d", "m7q4p", "w3z8n")]
scenario(
    "ctl-deploy-deadline-insufficient-cpu-quota-decoy", "unschedulable_resources", difficulty="hard",
    note="Deployment times out progressing; a namespace quota is present with plenty of room (decoy), the pods are Pending because no node has 6 free CPUs.",
    source=[{"url": "https://github.com/sematic-ai/sematic/issues/189", "quote": _msg}],
    objects=[_dep, _rs, *_pending,
             resource_quota("team-quota", _ns, {"requests.cpu": "40", "requests.memory": "64Gi", "pods": "30"},
                            {"requests.cpu": "18", "requests.memory": "24Gi", "pods": "3"})],
    events=[*[event(p, "FailedScheduling", _msg, count=31, component="default-scheduler") for p in _pending],
            scaled(_dep, "sematic-worker-5d6c7b8f9", 3)],
)
