"""Failures the simulated cluster shows beside a crash loop, an image pull and an OOM kill (simcluster/objects.py):
pods as the kubelet and the scheduler report them, with the events they leave, and Jobs that ran out of retries.

A deployment's `state` (simcluster/scenario.py) says which, for every pod of it:

- configerror: the kubelet cannot create the container: a Secret its environment names does not exist
  (waiting CreateContainerConfigError, a `Failed` warning event);
- unschedulable: no node has room (Pending, PodScheduled False/Unschedulable, a FailedScheduling event);
- evicted: the kubelet evicted the pod under memory pressure (Failed, reason Evicted); its ReplicaSet runs a
  healthy replacement, and the failed pod stays until someone deletes it;
- restarting: the container restarted five times, the last minutes ago, and runs again for now;
- mountfail: a volume cannot be mounted (its ConfigMap does not exist): the container is never created (Pending,
  waiting ContainerCreating, FailedMount warning events);
- unready: the container runs but has failed its readiness probe since the pod started (its probe events aged
  out);
- probefail: the container's readiness probe has just started failing (fresh Unhealthy warning events): twice so
  far, under its failureThreshold of 3, so the pod is still ready;
- forbidden: the ReplicaSet cannot create the pods at all (a ResourceQuota forbids them): the Deployment reports
  ReplicaFailure, the ReplicaSet FailedCreate warnings, and no pod exists;
- failed: the container exited 1 and, its restartPolicy Never, the pod ended Failed (a bare pod's: a `kubectl run
  --restart=Never` whose command failed; nothing runs it again). Its log is what the container printed.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from simcluster import objects
from simcluster.objects import Obj
from simcluster.scenario import JobSpec, PodSpec, PodState

STATES = frozenset({PodState.CONFIGERROR, PodState.UNSCHEDULABLE, PodState.EVICTED, PodState.RESTARTING,
                    PodState.MOUNTFAIL, PodState.UNREADY, PodState.PROBEFAIL, PodState.FAILED})
JOB_BACKOFF_LIMIT = 2


def replica_failure(rs: Obj) -> Obj:
    """The Deployment's condition when its ReplicaSet cannot create pods (state forbidden)."""
    return {"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate", "message": forbidden_message(rs),
            "lastUpdateTime": objects.timestamp(), "lastTransitionTime": objects.timestamp()}


def forbidden_message(rs: Obj) -> str:
    return (f'pods "{rs["metadata"]["name"]}-{objects.random_suffix()}" is forbidden: exceeded quota: compute, '
            "requested: limits.memory=256Mi, used: limits.memory=2Gi, limited: limits.memory=2Gi")


def forbidden_events(rs: Obj) -> list[Obj]:
    return [objects.event(rs, "Warning", "FailedCreate", f"Error creating: {forbidden_message(rs)}", 8,
                          component="replicaset-controller")]


def replacement_state(state: PodState) -> PodState:
    """The state of the pods a ReplicaSet creates: an evicted pod's replacement runs (the pressure is over)."""
    return PodState.HEALTHY if state == PodState.EVICTED else state


def pod(rs: Obj, state: PodState, node_name: str, *, restarts: int = 0, age: timedelta = timedelta(0),
        nodes: int = 1) -> Obj:
    """A pod of the ReplicaSet in `state`; `nodes`: how many the scheduler found no room on (unschedulable)."""
    if state not in STATES:
        return objects.pod(rs, state, node_name, restarts=restarts, age=age)
    obj = objects.pod(rs, PodState.HEALTHY, node_name, restarts=restarts, age=age)
    fail(obj, state, datetime.now(UTC) - age, nodes)
    return obj


def _unready(status: Obj, since: datetime, *, phase: str = "Running") -> None:
    names = " ".join(cs["name"] for cs in status.get("containerStatuses") or [])
    status["phase"] = phase
    for cond in status["conditions"]:
        if cond["type"] in ("Ready", "ContainersReady"):
            cond |= {"status": "False", "reason": "ContainersNotReady", "lastTransitionTime": objects.timestamp(since),
                     "message": f"containers with unready status: [{names}]"}
    for cs in status.get("containerStatuses") or []:
        cs["ready"] = False


def _waiting(status: Obj, reason: str, message: str = "") -> None:
    for cs in status["containerStatuses"]:
        cs |= {"started": False, "imageID": "", "state": {"waiting": {"reason": reason} | (
            {"message": message} if message else {})}}
        cs.pop("containerID", None)


def fail(obj: Obj, state: PodState, started: datetime, nodes: int) -> None:
    """Turn a healthy pod's status (as objects.pod_status builds it) into the failure's."""
    status, now, name = obj["status"], datetime.now(UTC), obj["metadata"]["labels"].get("app", "app")
    container = obj["spec"]["containers"][0]
    container["readinessProbe"] = {"httpGet": {"path": "/readyz", "port": 8080}, "periodSeconds": 10,
                                   "failureThreshold": 3}
    if state == PodState.CONFIGERROR:
        _unready(status, started, phase="Pending")
        _waiting(status, "CreateContainerConfigError", f'secret "{name}-db" not found')
        container["env"] = [{"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": f"{name}-db",
                                                                                   "key": "url"}}}]
    elif state == PodState.UNSCHEDULABLE:
        obj["spec"].pop("nodeName", None)
        container["resources"]["requests"]["memory"] = "64Gi"
        obj["status"] = {"phase": "Pending", "qosClass": "Burstable", "conditions": [{
            "type": "PodScheduled", "status": "False", "reason": "Unschedulable", "lastProbeTime": None,
            "lastTransitionTime": objects.timestamp(started), "message": unschedulable_message(nodes)}]}
    elif state == PodState.EVICTED:
        _unready(status, started, phase="Failed")
        status |= {"reason": "Evicted", "message": evicted_message(container["name"])}
        status["conditions"].append({"type": "DisruptionTarget", "status": "True", "reason": "TerminationByKubelet",
                                     "message": "The node was low on resource: memory.", "lastProbeTime": None,
                                     "lastTransitionTime": objects.timestamp(now - timedelta(minutes=9))})
        for cs in status["containerStatuses"]:
            cs |= {"started": False, "state": {"terminated": {
                "exitCode": 137, "reason": "Error", "startedAt": objects.timestamp(started),
                "finishedAt": objects.timestamp(now - timedelta(minutes=9))}}}
    elif state == PodState.RESTARTING:
        for cs in status["containerStatuses"]:
            cs["restartCount"] = max(cs["restartCount"], 5)
            cs["state"] = {"running": {"startedAt": objects.timestamp(now - timedelta(minutes=2))}}
            cs["lastState"] = {"terminated": {
                "exitCode": 1, "reason": "Error", "startedAt": objects.timestamp(now - timedelta(minutes=6)),
                "finishedAt": objects.timestamp(now - timedelta(minutes=2)), "containerID": cs.get("containerID")}}
    elif state == PodState.MOUNTFAIL:
        _unready(status, started, phase="Pending")
        _waiting(status, "ContainerCreating")
        status["conditions"][0]["status"] = "False"  # PodReadyToStartContainers: the sandbox waits for its volumes
        obj["spec"]["volumes"] = [{"name": "settings", "configMap": {"name": f"{name}-settings"}}]
        container["volumeMounts"] = [{"name": "settings", "mountPath": "/etc/app"}]
    elif state == PodState.UNREADY:
        _unready(status, started)
    elif state == PodState.FAILED:
        obj["spec"]["restartPolicy"] = "Never"
        _unready(status, started, phase="Failed")
        status["conditions"][0]["status"] = "False"  # PodReadyToStartContainers: the sandbox is gone
        finished = objects.timestamp(now - timedelta(minutes=3))
        for cs in status["containerStatuses"]:
            cs |= {"started": False, "state": {"terminated": {
                "exitCode": 1, "reason": "Error", "startedAt": objects.timestamp(now - timedelta(minutes=4)),
                "finishedAt": finished, "containerID": cs.get("containerID")}}}


def unschedulable_message(nodes: int) -> str:
    return (f"0/{nodes} nodes are available: {nodes} Insufficient memory. preemption: 0/{nodes} nodes are available: "
            f"{nodes} No preemption victims found for incoming pod.")


def evicted_message(container: str) -> str:
    return (f"The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. Container "
            f"{container} was using 1258291Ki, request is 128Mi, has larger consumption of memory.")


def pod_events(obj: Obj, state: PodState) -> list[Obj]:
    """The events a pod in `state` has accumulated: the kubelet's, or the scheduler's."""
    if state not in STATES:
        return objects.pod_events(obj, state)
    container = obj["spec"]["containers"][0]["name"]
    field_path = f"spec.containers{{{container}}}"
    name = obj["metadata"]["labels"].get("app", "app")
    if state == PodState.CONFIGERROR:
        return [objects.event(obj, "Warning", "Failed", f'Error: secret "{name}-db" not found', 6,
                              field_path=field_path)]
    if state == PodState.UNSCHEDULABLE:
        return [objects.event(obj, "Warning", "FailedScheduling", obj["status"]["conditions"][0]["message"], 3,
                              component="default-scheduler")]
    if state == PodState.EVICTED:
        return [objects.event(obj, "Warning", "Evicted", obj["status"]["message"])]
    if state == PodState.MOUNTFAIL:
        return [objects.event(obj, "Warning", "FailedMount", f'MountVolume.SetUp failed for volume "settings" : '
                                                             f'configmap "{name}-settings" not found', 9)]
    if state == PodState.PROBEFAIL:
        return [objects.event(obj, "Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with "
                                                           "statuscode: 503", 2, field_path=field_path)]
    return []


def job(spec: JobSpec, node_name: str) -> list[tuple[str, Obj]]:
    """A Job that ran to its end, its pods and its controller's event: out of retries (BackoffLimitExceeded, each
    pod having exited 1) or complete."""
    labels = {"job-name": spec.name, "batch.kubernetes.io/job-name": spec.name}
    started = datetime.now(UTC) - timedelta(minutes=12)
    container = {"name": spec.name, "image": spec.image, "imagePullPolicy": "IfNotPresent",
                 "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                 "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}
    template = {"metadata": {"labels": dict(labels)},
                "spec": {"containers": [container], "restartPolicy": "Never", "dnsPolicy": "ClusterFirst"}}
    meta = objects.metadata(spec.name, spec.namespace, age=timedelta(minutes=12), labels=dict(labels), generation=1)
    meta["labels"]["controller-uid"] = meta["uid"]
    tries = JOB_BACKOFF_LIMIT + 1 if spec.failed else 1
    finished = objects.timestamp(datetime.now(UTC) - timedelta(minutes=2))
    end = ({"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
            "message": "Job has reached the specified backoff limit"} if spec.failed else
           {"type": "Complete", "status": "True", "reason": "", "message": ""})
    job_obj: Obj = {
        "apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
        "spec": {"backoffLimit": JOB_BACKOFF_LIMIT, "completions": 1, "parallelism": 1, "template": template},
        "status": {"startTime": objects.timestamp(started), "active": 0,
                   **({"failed": tries} if spec.failed else {"succeeded": 1, "completionTime": finished}),
                   "conditions": [end | {"lastProbeTime": finished, "lastTransitionTime": finished}]},
    }
    result: list[tuple[str, Obj]] = [("batch/v1/jobs", job_obj)]
    for attempt in range(tries):
        pod_obj = objects.pod(_job_as_owner(job_obj, template), PodState.HEALTHY, node_name,
                              age=timedelta(minutes=12 - 3 * attempt))
        pod_obj["metadata"]["name"] = f"{spec.name}-{objects.random_suffix()}"
        pod_obj["metadata"]["generateName"] = f"{spec.name}-"
        status = pod_obj["status"]
        _unready(status, datetime.now(UTC) - timedelta(minutes=10 - 3 * attempt),
                 phase="Failed" if spec.failed else "Succeeded")
        for cs in status["containerStatuses"]:
            cs |= {"started": False, "state": {"terminated": {
                "exitCode": 1 if spec.failed else 0, "reason": "Error" if spec.failed else "Completed",
                "startedAt": status["startTime"], "finishedAt": finished}}}
        result.append(("v1/pods", pod_obj))
    if spec.failed:
        result.append(("v1/events", objects.event(job_obj, "Warning", "BackoffLimitExceeded",
                                                  "Job has reached the specified backoff limit",
                                                  component="job-controller")))
    return result


def _job_as_owner(job_obj: Obj, template: Obj) -> Obj:
    """The Job in the shape objects.pod reads an owner in (a ReplicaSet's: metadata, spec.template)."""
    return {"apiVersion": job_obj["apiVersion"], "kind": job_obj["kind"], "metadata": job_obj["metadata"],
            "spec": {"template": copy.deepcopy(template)}}


def bare_pod(spec: PodSpec, node_name: str, nodes: int = 1) -> Obj:
    """A pod no controller owns (`kubectl run`), twenty minutes old, in the spec's state."""
    labels = {"run": spec.name, "app": spec.name}
    container = {"name": spec.name, "image": spec.image, "imagePullPolicy": "IfNotPresent",
                 "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
                 "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}
    owner = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": spec.name, "namespace": spec.namespace, "uid": ""},
             "spec": {"template": {"metadata": {"labels": labels}, "spec": {
                 "containers": [container], "restartPolicy": "Always", "dnsPolicy": "ClusterFirst"}}}}
    restarts = 6 if spec.state in (PodState.CRASHLOOP, PodState.OOMKILLED) else 0
    obj = pod(owner, spec.state, node_name, restarts=restarts, age=timedelta(minutes=20), nodes=nodes)
    obj["metadata"]["name"] = spec.name
    for key in ("generateName", "ownerReferences"):
        del obj["metadata"][key]
    return obj
