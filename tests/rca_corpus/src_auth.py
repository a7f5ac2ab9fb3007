# ruff: noqa: E501
"""Permission failures as applications, SDKs and operators word them, in pods, from public issue text.

Kubernetes RBAC seen from controllers and client libraries (client-go reflectors and leader election, fabric8,
the Python client's ApiException body, kopf-free JupyterHub spawns, operators whose pods PSA refuses); cloud IAM
(IRSA AssumeRoleWithWebIdentity, S3 and KMS AccessDenied, GCS `does not have storage.objects.create access`,
Azure AuthorizationFailed and Key Vault 403 behind a FailedMount); Vault's 403 `permission denied`; database
grants (PostgreSQL, MySQL, MongoDB); file permissions and read-only root filesystems; SaaS tokens refused
(GitHub, Slack). For contrast: wrong credentials and a missing ServiceAccount (config_error), and healthy
workloads whose logs carry only harmless permission-sounding noise or whose refusal is a week old (unknown).
"""

from __future__ import annotations

from typing import Any

from tests.rca_corpus.kube import (
    condition,
    container,
    crash_events,
    deployment,
    deployment_and_rs,
    event,
    job,
    log_key,
    log_text,
    looping,
    meta,
    node,
    pod,
    pvc,
    replicaset,
    scenario,
    terminated,
    waiting,
)

OLD = "2026-11-14T03:12:09Z"  # six days before the look


# --- helpers -----------------------------------------------------------------------------------------------------






def _sts(name: str, ns: str, image: str, *, replicas: int = 1, ready: int = 0, current: int | None = None) -> dict[str, Any]:
    current = replicas if current is None else current
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta(name, ns, generation=1),
            "spec": {"replicas": replicas, "serviceName": name, "selector": {"matchLabels": {"app": name}},
                     "podManagementPolicy": "OrderedReady",
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": name, "image": image}]}}},
            "status": {"observedGeneration": 1, "replicas": current, "readyReplicas": ready,
                       "currentReplicas": current, "updatedReplicas": current, "availableReplicas": ready,
                       "currentRevision": f"{name}-7c5d9f8b6d", "updateRevision": f"{name}-7c5d9f8b6d"}}




def _age(obj: dict[str, Any], when: str = OLD) -> dict[str, Any]:
    """Move an event into the past (a finished incident)."""
    obj["firstTimestamp"] = obj["lastTimestamp"] = when
    obj["metadata"]["creationTimestamp"] = when
    return obj


def _init_pending(p: dict[str, Any]) -> dict[str, Any]:
    """A pod whose init containers have not finished: phase Pending."""
    p["status"]["phase"] = "Pending"
    return p


# =================================================================================================================
# permission_denied: Kubernetes RBAC and admission, seen from controllers and client libraries
# =================================================================================================================

# --- flux-kluctl-controller: Running and Ready, but every list of its own CRD is refused at the cluster scope.
_ns = "flux-system"
_img = "ghcr.io/kluctl/flux-kluctl-controller:v0.9.0"
_p = pod("flux-kluctl-controller-6b8d7c9f4-x2k8p", _ns, [container("manager", _img)],
         serviceAccountName="flux-kluctl-controller")
_src = pod("source-controller-7d9c6f5b8-q4w7e", _ns, [container("manager", "ghcr.io/fluxcd/source-controller:v0.31.0")])
_forbid = ('failed to list *v1alpha1.KluctlDeployment: kluctldeployments.flux.kluctl.io is forbidden: User '
           '"system:serviceaccount:flux-system:flux-kluctl-controller" cannot list resource "kluctldeployments" '
           'in API group "flux.kluctl.io" at the cluster scope')
scenario(
    "auth-kluctl-controller-cluster-list-forbidden", "permission_denied", difficulty="hard",
    note="the controller is Running and Ready with no restarts; only its log shows every list of its CRD refused at the cluster scope (a reconcile that never runs)",
    source=[{"url": "https://github.com/kluctl/flux-kluctl-controller/issues/28",
             "quote": 'kluctldeployments.flux.kluctl.io is forbidden: User "system:serviceaccount:flux-system:flux-kluctl-controller" cannot list resource "kluctldeployments" in API group "flux.kluctl.io" at the cluster scope'}],
    objects=[_p, _src, *deployment_and_rs("flux-kluctl-controller", _ns, "6b8d7c9f4", _img, ready=1),
             *deployment_and_rs("source-controller", _ns, "7d9c6f5b8", "ghcr.io/fluxcd/source-controller:v0.31.0", ready=1),
             node()],
    events=[event(_p, "Started", "Started container manager", type_="Normal", count=1)],
    logs={log_key(_p, "manager"): log_text(
        '{"level":"info","ts":"2026-11-20T08:00:12.114Z","logger":"setup","msg":"starting manager"}',
        '{"level":"info","ts":"2026-11-20T08:00:12.115Z","msg":"Starting server","kind":"health probe","addr":"[::]:8081"}',
        '{"level":"info","ts":"2026-11-20T08:00:12.216Z","msg":"Starting EventSource","controller":"kluctldeployment","controllerGroup":"flux.kluctl.io","controllerKind":"KluctlDeployment"}',
        f"W1120 08:00:13.954357       1 reflector.go:424] pkg/mod/k8s.io/client-go@v0.25.4/tools/cache/reflector.go:169: {_forbid}",
        f"E1120 08:00:13.954385       1 reflector.go:140] pkg/mod/k8s.io/client-go@v0.25.4/tools/cache/reflector.go:169: Failed to watch *v1alpha1.KluctlDeployment: {_forbid}",
        f"W1120 08:00:15.211903       1 reflector.go:424] pkg/mod/k8s.io/client-go@v0.25.4/tools/cache/reflector.go:169: {_forbid}",
        f"E1120 08:00:15.211958       1 reflector.go:140] pkg/mod/k8s.io/client-go@v0.25.4/tools/cache/reflector.go:169: Failed to watch *v1alpha1.KluctlDeployment: {_forbid}",
        f"W1120 08:14:31.602117       1 reflector.go:424] pkg/mod/k8s.io/client-go@v0.25.4/tools/cache/reflector.go:169: {_forbid}",
        f"E1120 08:14:31.602170       1 reflector.go:140] pkg/mod/k8s.io/client-go@v0.25.4/tools/cache/reflector.go:169: Failed to watch *v1alpha1.KluctlDeployment: {_forbid}"),
        log_key(_src, "manager"): log_text(
        '{"level":"info","ts":"2026-11-20T08:13:02.441Z","msg":"artifact up-to-date with remote revision: \'main/4f1c2b7\'","controller":"gitrepository","name":"flux-system"}')})

# --- Boskos cleaner: leader election refused on leases; the pod looks healthy and never does any work.
_ns = "ci"
_img = "gcr.io/k8s-staging-boskos/cleaner:v20230705-4a1b2c3"
_p = pod("boskos-cleaner-7f6d5c4b9-hk2lp", _ns, [container("boskos-cleaner", _img)], serviceAccountName="boskos")
_lease = ('error retrieving resource lock ci/boskos-cleaner-leaderlock: leases.coordination.k8s.io "boskos-cleaner-leaderlock" '
          'is forbidden: User "system:serviceaccount:ci:boskos" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "ci"')
scenario(
    "auth-boskos-leader-lease-forbidden", "permission_denied", difficulty="hard",
    note="Running, Ready, 0 restarts and no Warning event: leader election is refused on leases, so the cleaner never becomes leader and silently does nothing",
    source=[{"url": "https://github.com/kubernetes/client-go/issues/1280",
             "quote": 'leases.coordination.k8s.io "boskos-cleaner-leaderlock" is forbidden: User "system:serviceaccount:ci:boskos" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "ci"'}],
    objects=[_p, *deployment_and_rs("boskos-cleaner", _ns, "7f6d5c4b9", _img, ready=1), node()],
    events=[],
    logs={log_key(_p, "boskos-cleaner"): log_text(
        '{"component":"cleaner","file":"sigs.k8s.io/boskos/cmd/cleaner/main.go:88","func":"main.main","level":"info","msg":"Starting cleaner","severity":"info","time":"2026-11-20T08:00:04Z"}',
        "I1120 08:00:04.311872       1 leaderelection.go:248] attempting to acquire leader lease ci/boskos-cleaner-leaderlock...",
        f"E1120 08:00:04.318291       1 leaderelection.go:330] {_lease}",
        f"E1120 08:00:07.702114       1 leaderelection.go:330] {_lease}",
        f"E1120 08:00:11.090565       1 leaderelection.go:330] {_lease}",
        f"E1120 08:14:29.455031       1 leaderelection.go:330] {_lease}",
        f"E1120 08:14:33.120487       1 leaderelection.go:330] {_lease}")})

# --- Syndesis server (fabric8 4.6): the 403 is buried in a Java stack trace of a Ready pod; older RBAC wording.
_ns = "myproject"
_img = "docker.io/syndesis/syndesis-server:1.8.6"
_p = pod("syndesis-server-5c8d7b9f6-v9txq", _ns, [container("syndesis-server", _img, limits={"memory": "800Mi"})],
         serviceAccountName="syndesis-server")
_ui = pod("syndesis-ui-6f9b8c7d5-b2m4n", _ns, [container("syndesis-ui", "docker.io/syndesis/syndesis-ui:1.8.6")])
_url = ("https://kubernetes.default.svc/api/v1/namespaces/myproject/pods?labelSelector=syndesis.io%2Fcomponent%3Dintegration"
        "%2Csyndesis.io%2Fintegration-id%3Di-LsyR8XWqDsALGsdJM_3z%2Csyndesis.io%2Fdeployment-version%3D1")
scenario(
    "auth-syndesis-server-fabric8-pods-forbidden", "permission_denied", difficulty="hard",
    note="the server pod is Ready; the refusal sits in a fabric8 KubernetesClientException inside a Spring stack trace, in the pre-1.14 RBAC wording ('cannot list pods ... no RBAC policy matched')",
    source=[{"url": "https://github.com/syndesisio/syndesis/issues/7071",
             "quote": 'Message: Forbidden!Configured service account doesn\'t have access. Service account may have been revoked. pods is forbidden: User "system:serviceaccount:myproject:syndesis-server" cannot list pods in the namespace "myproject": no RBAC policy matched.'}],
    objects=[_p, _ui, *deployment_and_rs("syndesis-server", _ns, "5c8d7b9f6", _img, ready=1),
             *deployment_and_rs("syndesis-ui", _ns, "6f9b8c7d5", "docker.io/syndesis/syndesis-ui:1.8.6", ready=1), node()],
    events=[],
    logs={log_key(_p, "syndesis-server"): log_text(
        "2026-11-20 08:01:12.402  INFO 1 --- [           main] io.syndesis.server.runtime.Application   : Started Application in 41.372 seconds (JVM running for 43.1)",
        "2026-11-20 08:14:21.903  INFO 1 --- [nio-8080-exec-4] i.s.s.e.i.IntegrationDeploymentHandler   : Listing deployments of integration i-LsyR8XWqDsALGsdJM_3z",
        "2026-11-20 08:14:21.988 ERROR 1 --- [nio-8080-exec-4] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() for servlet [dispatcherServlet] in context with path [/api/v1] threw exception",
        f"io.fabric8.kubernetes.client.KubernetesClientException: Failure executing: GET at: {_url} . Message: Forbidden!Configured service account doesn't have access. Service account may have been revoked. pods is forbidden: User \"system:serviceaccount:myproject:syndesis-server\" cannot list pods in the namespace \"myproject\": no RBAC policy matched.",
        "  | at io.fabric8.kubernetes.client.dsl.base.OperationSupport.requestFailure(OperationSupport.java:510) ~[kubernetes-client-4.6.1.jar!/:na]",
        "  | at io.fabric8.kubernetes.client.dsl.base.OperationSupport.assertResponseCode(OperationSupport.java:447) ~[kubernetes-client-4.6.1.jar!/:na]",
        "  | at io.fabric8.kubernetes.client.dsl.base.OperationSupport.handleResponse(OperationSupport.java:413) ~[kubernetes-client-4.6.1.jar!/:na]",
        "  | at io.fabric8.kubernetes.client.dsl.base.OperationSupport.handleResponse(OperationSupport.java:372) ~[kubernetes-client-4.6.1.jar!/:na]",
        "  | at io.fabric8.kubernetes.client.dsl.base.OperationSupport.handleResponse(OperationSupport.java:354) ~[kubernetes-client-4.6.1.jar!/:na]",
        "  | at io.fabric8.kubernetes.client.dsl.base.BaseOperation.listRequestHelper(BaseOperation.java:153) ~[kubernetes-client-4.6.1.jar!/:na]",
        "  | at io.syndesis.server.openshift.OpenShiftServiceImpl.getDeploymentsByLabel(OpenShiftServiceImpl.java:311) ~[server-openshift-1.8.6.jar!/:1.8.6]",
        "2026-11-20 08:14:22.310  INFO 1 --- [nio-8080-exec-7] i.s.s.e.h.s.StatusHandler                : GET /api/v1/status 200"),
        log_key(_ui, "syndesis-ui"): log_text('10.244.3.1 - - [20/Nov/2026:08:14:20 +0000] "GET /index.html HTTP/1.1" 200 1875 "-" "kube-probe/1.31"')})

# --- JupyterHub/kubespawner on the Python client: the hub is Ready; the ApiException body says the admission
#     controller refuses the spawned pod's runAsUser.
_ns = "jhub"
_img = "jupyterhub/k8s-hub:0.9.0"
_p = pod("hub-7c9f6d8b5-k3lzp", _ns, [container("hub", _img)], serviceAccountName="hub")
_proxy = pod("proxy-5d6f8b9c7-rt8vw", _ns, [container("chp", "jupyterhub/configurable-http-proxy:4.2.0")])
_body = ('{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"jupyter-brent\\" is forbidden: '
         'pod.Spec.SecurityContext.RunAsUser is forbidden","reason":"Forbidden","details":{"name":"jupyter-brent","kind":"pods"},"code":403}')
scenario(
    "auth-jupyterhub-kubespawner-runasuser-forbidden", "permission_denied", difficulty="hard",
    note="no failing pod: the hub is Running and Ready; a Python ApiException (403) body in its log shows the SecurityContextDeny admission refusing the user pod's runAsUser",
    source=[{"url": "https://github.com/kubernetes-client/python/issues/455",
             "quote": "is forbidden: pod.Spec.SecurityContext.RunAsUser is forbidden"}],
    objects=[_p, _proxy, *deployment_and_rs("hub", _ns, "7c9f6d8b5", _img, ready=1),
             *deployment_and_rs("proxy", _ns, "5d6f8b9c7", "jupyterhub/configurable-http-proxy:4.2.0", ready=1), node()],
    events=[],
    logs={log_key(_p, "hub"): log_text(
        "[I 2026-11-20 08:14:50.211 JupyterHub log:174] 302 GET /hub/spawn -> /hub/spawn-pending/brent (brent@10.244.3.1) 11.02ms",
        "[I 2026-11-20 08:14:50.216 JupyterHub spawner:1758] Attempting to create pod jupyter-brent, with timeout 3",
        "[E 2026-11-20 08:14:50.241 JupyterHub user:510] Unhandled error starting brent's server: (403)",
        "    Reason: Forbidden",
        "    HTTP response headers: HTTPHeaderDict({'Date': 'Fri, 20 Nov 2026 08:14:50 GMT', 'Content-Type': 'application/json', 'Content-Length': '247'})",
        f"    HTTP response body: {_body}",
        "[W 2026-11-20 08:14:50.244 JupyterHub base:714] 1 consecutive spawns failed.",
        "[I 2026-11-20 08:14:55.031 JupyterHub log:174] 200 GET /hub/api/users (cull-idle@127.0.0.1) 8.44ms")})

# --- actions-runner-controller: the controller is Ready; the GitHub App is refused on every reconcile.
_ns = "actions-runner-system"
_img = "summerwind/actions-runner-controller:v0.20.2"
_p = pod("actions-runner-controller-6d5f7c8b9-wq5rt", _ns,
         [container("manager", _img), container("kube-rbac-proxy", "quay.io/brancz/kube-rbac-proxy:v0.10.0")])
_err = ('{"level":"error","ts":%s,"logger":"actions-runner-controller.runner","msg":"Failed to get new registration token",'
        '"runner":"%s","error":"failed to create registration token: POST https://api.github.com/orgs/edealer/actions/runners/registration-token: 403 Resource not accessible by integration []",'
        '"stacktrace":"github.com/actions-runner-controller/actions-runner-controller/controllers.(*RunnerReconciler).Reconcile\\n\\t/workspace/controllers/runner_controller.go:189\\nsigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller).reconcileHandler\\n\\t/go/pkg/mod/sigs.k8s.io/controller-runtime@v0.9.0/pkg/internal/controller/controller.go:298"}')
scenario(
    "auth-arc-registration-token-403-integration", "permission_denied", difficulty="hard",
    note="the operator keeps running Ready while every runner reconcile is refused by GitHub (the App lacks the organisation permission); no runner pod ever appears",
    source=[{"url": "https://github.com/actions/actions-runner-controller/issues/931",
             "quote": "failed to create registration token: POST https://api.github.com/orgs/edealer/actions/runners/registration-token: 403 Resource not accessible by integration []"}],
    objects=[_p, *deployment_and_rs("actions-runner-controller", _ns, "6d5f7c8b9", _img, ready=1), node()],
    events=[],
    logs={log_key(_p, "manager"): log_text(
        '{"level":"info","ts":1795161602.1152,"logger":"setup","msg":"starting manager"}',
        '{"level":"info","ts":1795161602.4410,"logger":"controller-runtime.manager.controller.runner","msg":"Starting workers","worker count":1}',
        _err % ("1795162446.0360224", "edealer-actions-runner-controller-d2nv2-vr9cq"),
        _err % ("1795162476.1120387", "edealer-actions-runner-controller-d2nv2-vr9cq"),
        _err % ("1795162477.0502213", "edealer-actions-runner-controller-d2nv2-k7xpl")),
        log_key(_p, "kube-rbac-proxy"): log_text('I1120 08:00:02.811932       1 main.go:190] Valid token audiences: ',
                                                'I1120 08:00:02.812081       1 main.go:275] Listening securely on 0.0.0.0:8443')})

# --- Percona PostgreSQL operator: Ready, but the pod it creates to check Patroni's version is refused by PSA.
_ns = "pg-operator"
_img = "percona/percona-postgresql-operator:2.7.0"
_p = pod("percona-postgresql-operator-7b9d6c5f8-2xqkd", _ns, [container("operator", _img)])
_rec = ('2026-11-20T08:14:12.431Z\tERROR\tReconciler error\t{"controller": "perconapgcluster", "controllerGroup": "pgv2.percona.com", '
        '"controllerKind": "PerconaPGCluster", "PerconaPGCluster": {"name":"postgres-cluster","namespace":"pg-operator"}, '
        '"namespace": "pg-operator", "name": "postgres-cluster", "reconcileID": "84550418-cd20-4dd8-ae5b-0430cd8d48e8", '
        '"error": "check patroni version: failed to create pod to check patroni version: pods \\"postgres-cluster-patroni-version-check\\" '
        'is forbidden: violates PodSecurity \\"restricted:latest\\": allowPrivilegeEscalation != false (container \\"patroni-version-check\\" '
        'must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \\"patroni-version-check\\" '
        'must set securityContext.capabilities.drop=[\\"ALL\\"])"}')
scenario(
    "auth-percona-pg-operator-version-check-psa", "permission_denied", difficulty="hard",
    note="the operator is Running and Ready; the namespace's restricted Pod Security level refuses the helper pod it creates, which only shows as a Reconciler error in its log",
    source=[{"url": "https://github.com/percona/percona-postgresql-operator/issues/1268",
             "quote": "check patroni version: failed to create pod to check patroni version"}],
    objects=[_p, *deployment_and_rs("percona-postgresql-operator", _ns, "7b9d6c5f8", _img, ready=1),
             {"apiVersion": "v1", "kind": "Namespace",
              "metadata": meta(_ns, labels={"kubernetes.io/metadata.name": _ns,
                                            "pod-security.kubernetes.io/enforce": "restricted"}),
              "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}, node()],
    events=[],
    logs={log_key(_p, "operator"): log_text(
        '2026-11-20T08:00:05.102Z\tINFO\tStarting workers\t{"controller": "perconapgcluster", "controllerGroup": "pgv2.percona.com", "controllerKind": "PerconaPGCluster", "worker count": 1}',
        _rec, _rec.replace("08:14:12.431Z", "08:14:42.519Z").replace("84550418-cd20-4dd8-ae5b-0430cd8d48e8", "1f0d77a2-6c3e-4b8e-9d41-5e2a8c0b7f13"))})

# --- Valkey operator: the StatefulSet controller cannot create any pod (restricted PSA refuses the root init
#     container). No pod at all.
_ns = "valkey"
_sts_obj = _sts("keyval", _ns, "ghcr.io/hyperspike/valkey:8.0.2", replicas=3, ready=0, current=0)
_psa = ('create Pod keyval-0 in StatefulSet keyval failed error: pods "keyval-0" is forbidden: violates PodSecurity "restricted:latest": '
        'allowPrivilegeEscalation != false (container "volume-permissions" must set securityContext.allowPrivilegeEscalation=false), '
        'unrestricted capabilities (container "volume-permissions" must set securityContext.capabilities.drop=["ALL"]), '
        'runAsNonRoot != true (pod or container "volume-permissions" must set securityContext.runAsNonRoot=true), '
        'runAsUser=0 (container "volume-permissions" must not set runAsUser=0), '
        'seccompProfile (pod or container "volume-permissions" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")')
scenario(
    "auth-valkey-sts-psa-restricted-no-pod", "permission_denied", difficulty="hard",
    note="controller-level refusal with no pod: the StatefulSet's FailedCreate says restricted Pod Security refuses the operator's root volume-permissions init container",
    source=[{"url": "https://github.com/hyperspike/valkey-operator/issues/260",
             "quote": 'runAsUser=0 (container "volume-permissions" must not set runAsUser=0)'}],
    objects=[_sts_obj,
             {"apiVersion": "v1", "kind": "Namespace",
              "metadata": meta(_ns, labels={"kubernetes.io/metadata.name": _ns,
                                            "pod-security.kubernetes.io/enforce": "restricted",
                                            "pod-security.kubernetes.io/enforce-version": "latest"}),
              "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}},
             pvc("data-keyval-0", _ns, phase="Pending", storage_class="standard", size="1Gi"), node()],
    events=[event(_sts_obj, "FailedCreate", _psa, count=19, component="statefulset-controller")],
    logs={})

# =================================================================================================================
# permission_denied: cloud IAM
# =================================================================================================================

# --- EMR on EKS: the Spark driver's boto3 cannot assume the job role (IRSA trust not granted to this account).
_ns = "emr-jobs"
_img = "755674844232.dkr.ecr.us-east-1.amazonaws.com/spark/emr-6.3.0:latest"
_job = job("spark-000000031q2u9m4ksp3", _ns, failed=1, backoff_limit=0,
           conditions=[condition("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")])
_p = pod("spark-000000031q2u9m4ksp3-driver-7x2ls", _ns,
         [container("spark-kubernetes-driver", _img, state=terminated(1), restarts=0)],
         phase="Failed", owner=("Job", "spark-000000031q2u9m4ksp3"), restartPolicy="Never", serviceAccountName="default")
scenario(
    "auth-emr-spark-driver-assumerole-webidentity", "permission_denied", difficulty="easy",
    note="a Job's driver pod exits 1 with a boto3 AccessDenied on AssumeRoleWithWebIdentity (IRSA role trust)",
    source=[{"url": "https://github.com/aws-samples/aws-cdk-for-emr-on-eks/issues/2",
             "quote": "ClientError: An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity"}],
    objects=[_job, _p, node()],
    events=[event(_job, "BackoffLimitExceeded", "Job has reached the specified backoff limit", count=1,
                  component="job-controller")],
    logs={log_key(_p, "spark-kubernetes-driver"): log_text(
        "26/11/20 08:13:58 INFO SparkContext: Running Spark version 3.1.1-amzn-0",
        "26/11/20 08:14:09 INFO SparkContext: Successfully stopped SparkContext",
        "Traceback (most recent call last):",
        '  File "/tmp/spark-7c1e/threshold_report.py", line 22, in <module>',
        "    obj = s3.get_object(Bucket=BUCKET, Key=KEY)",
        '  File "/usr/local/lib/python3.7/site-packages/botocore/client.py", line 357, in _api_call',
        "    return self._make_api_call(operation_name, kwargs)",
        '  File "/usr/local/lib/python3.7/site-packages/botocore/credentials.py", line 2057, in _assume_role_with_web_identity',
        "    return self._client.assume_role_with_web_identity(**kwargs)",
        "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity")})

# --- Loki write path: Running and Ready, but every chunk flush is refused by KMS (S3 SSE-KMS key).
_ns = "loki"
_img = "docker.io/grafana/loki:3.0.0"
_w = pod("loki-write-0", _ns, [container("loki", _img, limits={"memory": "2Gi"})], owner=("StatefulSet", "loki-write"))
_r = pod("loki-read-6d8f9b7c5-p7n2c", _ns, [container("loki", _img)])
_flush = ('level=error ts=2026-11-20T08:%s caller=flush.go:152 component=ingester org_id=exp msg="failed to flush" '
          'err="failed to flush chunks: store put chunk: AccessDenied: User: arn:aws:sts::355291130670:assumed-role/shoot--lp--experimental-nodes/i-07c0b8a749aca2fce '
          'is not authorized to perform: kms:GenerateDataKey on this resource because the resource does not exist in this Region, no resource-based policies allow access, '
          'or a resource-based policy explicitly denies access\\n\\tstatus code: 403, request id: 4FYDTGK963QK58Z0, host id: C7BSrGUr9eFPHUvtQD/FdCU+QNMUUmXI9YyiVK0PBi6=, '
          'num_chunks: 1, labels: {app=\\"promtail\\", container=\\"%s\\", namespace=\\"%s\\"}"')
scenario(
    "auth-loki-write-kms-generatedatakey-denied", "permission_denied", difficulty="hard",
    note="loki-write is Running and Ready with 0 restarts; its ingester's flushes are refused by KMS (the node role lacks kms:GenerateDataKey), while a healthy read pod logs only queries",
    source=[{"url": "https://github.com/grafana/loki/issues/13206",
             "quote": "is not authorized to perform: kms:GenerateDataKey on this resource because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access"}],
    objects=[_w, _r, _sts("loki-write", _ns, _img, ready=1),
             *deployment_and_rs("loki-read", _ns, "6d8f9b7c5", _img, ready=1), node()],
    events=[],
    logs={log_key(_w, "loki"): log_text(
        'level=info ts=2026-11-20T08:00:03.512Z caller=main.go:126 msg="Starting Loki" version="(version=3.0.0, branch=HEAD, revision=b4f7181c7a)"',
        'level=info ts=2026-11-20T08:00:03.918Z caller=lifecycler.go:617 component=ingester msg="instance not found in ring, adding with no tokens" ring=ingester',
        _flush % ("12:41.120346177Z", "install-oneagent", "dynatrace"),
        _flush % ("13:41.771013544Z", "checkout", "shop"),
        _flush % ("14:41.308129771Z", "istio-proxy", "shop")),
        log_key(_r, "loki"): log_text(
        'level=info ts=2026-11-20T08:14:02.901Z caller=metrics.go:217 component=frontend org_id=exp latency=fast query="{namespace=\\"shop\\"}" status=200 limit=100 returned_lines=100')})

# --- Mimir: every component waits on its bucket sanity check (Access Denied) and stays unready; the readiness
#     probe's 503s are the loud symptom.
_ns = "mimir"
_img = "grafana/mimir:2.3.1"
_ing = pod("mimir-ingester-0", _ns, [container("ingester", _img, ready=False)], owner=("StatefulSet", "mimir-ingester"),
           serviceAccountName="mimir")
_cmp = pod("mimir-compactor-0", _ns, [container("compactor", _img, ready=False)], owner=("StatefulSet", "mimir-compactor"),
           serviceAccountName="mimir")
_warn = ('level=warn ts=2026-11-20T08:%s caller=sanity_check.go:116 msg="Unable to successfully connect to configured object storage (will retry)" '
         'err="2 errors: blocks storage: unable to successfully send a request to object storage: Access Denied; ruler storage: unable to successfully send a request to object storage: Access Denied"')
scenario(
    "auth-mimir-sanity-check-s3-access-denied", "permission_denied", difficulty="hard",
    note="pods are Running but never Ready and the events only show readiness 503s; the cause is the S3 Access Denied in a 'will retry' warning of the start-up sanity check (IRSA role without bucket access)",
    source=[{"url": "https://github.com/grafana/mimir/issues/2843",
             "quote": 'msg="Unable to successfully connect to configured object storage (will retry)" err="2 errors: blocks storage: unable to successfully send a request to object storage: Access Denied; ruler storage: unable to successfully send a request to object storage: Access Denied"'}],
    objects=[_ing, _cmp, _sts("mimir-ingester", _ns, _img), _sts("mimir-compactor", _ns, _img), node()],
    events=[event(_ing, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=88),
            event(_cmp, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=87)],
    logs={log_key(_ing, "ingester"): log_text(
        'level=info ts=2026-11-20T08:00:04.11Z caller=main.go:204 msg="Starting application" version="(version=2.3.1, branch=HEAD, revision=e2f7a2c1c)"',
        _warn % "00:07.218854521Z", _warn % "07:37.219917004Z", _warn % "14:07.220411398Z"),
        log_key(_cmp, "compactor"): log_text(
        'level=info ts=2026-11-20T08:00:04.09Z caller=main.go:204 msg="Starting application" version="(version=2.3.1, branch=HEAD, revision=e2f7a2c1c)"',
        _warn % "00:07.301273610Z", _warn % "14:07.302811276Z")})

# --- GKE Workload Identity: a Kotlin service's upload gets 403 from GCS, buried in a StorageException trace.
_ns = "media"
_img = "europe-docker.pkg.dev/acme-media/apps/image-api:2.14.0"
_p = pod("image-api-84c7d9f6b-9hxlm", _ns, [container("image-api", _img, limits={"memory": "1Gi"})],
         serviceAccountName="image-api", node="gke-media-pool-1-8f3c2a1b-x7kq")
scenario(
    "auth-gke-kotlin-upload-gcs-objects-create-denied", "permission_denied", difficulty="hard",
    note="the pod is Ready and serves reads; uploads fail with a 403 inside a StorageException stack trace: the Workload Identity principal lacks storage.objects.create",
    source=[{"url": "https://github.com/googleapis/java-storage/issues/204",
             "quote": "with additional claims does not have storage.objects.create access to"}],
    objects=[_p, *deployment_and_rs("image-api", _ns, "84c7d9f6b", _img, ready=1), node("gke-media-pool-1-8f3c2a1b-x7kq")],
    events=[],
    logs={log_key(_p, "image-api"): log_text(
        "2026-11-20 08:14:03.118  INFO 1 --- [nio-8080-exec-2] c.a.media.api.ImageController            : GET /images/8812/thumb 200",
        "2026-11-20 08:14:11.540  INFO 1 --- [nio-8080-exec-5] c.a.media.api.ImageController            : POST /images upload size=482113",
        "2026-11-20 08:14:11.902 ERROR 1 --- [nio-8080-exec-5] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() for servlet [dispatcherServlet] threw exception",
        "com.google.cloud.storage.StorageException: Primary: /namespaces/acme-media-prod.svc.id.goog with additional claims does not have storage.objects.create access to acme-media-uploads/images/8813.jpg.",
        "\tat com.google.cloud.storage.spi.v1.HttpStorageRpc.translate(HttpStorageRpc.java:229)",
        "\tat com.google.cloud.storage.spi.v1.HttpStorageRpc.create(HttpStorageRpc.java:310)",
        "\tat com.google.cloud.storage.StorageImpl$3.call(StorageImpl.java:216)",
        "\tat com.google.cloud.storage.StorageImpl.internalCreate(StorageImpl.java:213)",
        "\tat com.google.cloud.storage.StorageImpl.create(StorageImpl.java:165)",
        "\tat com.acme.media.storage.GcsImageStore.put(GcsImageStore.kt:41)",
        "Caused by: com.google.api.client.googleapis.json.GoogleJsonResponseException: 403 Forbidden",
        "\tat com.google.api.client.googleapis.json.GoogleJsonResponseException.from(GoogleJsonResponseException.java:150)",
        "\t... 58 common frames omitted",
        "2026-11-20 08:14:15.077  INFO 1 --- [nio-8080-exec-1] c.a.media.api.ImageController            : GET /images/8790/thumb 200")})

# --- GCS FUSE CSI: the app's writes fail with EACCES; the sidecar says why (GCS 403 on object create).
_ns = "ml"
_img = "europe-docker.pkg.dev/acme-ml/jobs/feature-export:0.9.3"
_side = "gke.gcr.io/gcs-fuse-csi-driver-sidecar-mounter:v0.1.14-gke.0"
_p = pod("feature-export-6f8d9c7b5-lq4rz", _ns,
         [container("exporter", _img, **looping("feature-export-6f8d9c7b5-lq4rz", _ns, "exporter", 1, 4)),
          container("gke-gcsfuse-sidecar", _side)],
         serviceAccountName="feature-export", node="gke-ml-pool-2-1d4e6b9a-m2vt",
         volumes=[{"name": "gcs-fuse-csi-ephemeral", "csi": {"driver": "gcsfuse.csi.storage.gke.io",
                                                            "volumeAttributes": {"bucketName": "acme-ml-features"}}}])
scenario(
    "auth-gcsfuse-sidecar-403-app-eacces", "permission_denied", difficulty="easy",
    note="the exporter crash-loops on EACCES writing to its GCS FUSE mount; the sidecar's log shows GCS answering 403 to object creation (bucket IAM for the workload identity)",
    source=[{"url": "https://github.com/GoogleCloudPlatform/gcs-fuse-csi-driver/issues/142",
             "quote": "CreateFile: permission denied, CreateChildFile: error in closing writer : googleapi: Error 403: Access denied., forbidden"}],
    objects=[_p, *deployment_and_rs("feature-export", _ns, "6f8d9c7b5", _img), node("gke-ml-pool-2-1d4e6b9a-m2vt")],
    events=crash_events(_p, "exporter", _img, 4),
    logs={log_key(_p, "exporter", previous=True): log_text(
        "2026-11-20 08:14:19,210 INFO export: writing 18 partitions to /data/features/2026-11-20",
        "Traceback (most recent call last):",
        '  File "/app/export.py", line 88, in <module>',
        "    table.to_parquet(out_path)",
        "PermissionError: [Errno 13] Permission denied: '/data/features/2026-11-20/part-00000.parquet'"),
        log_key(_p, "gke-gcsfuse-sidecar"): log_text(
        "I1120 08:00:03.101228 sidecar_mounter.go:78] gcsfuse mounting with args [--app-name gke-gcs-fuse-csi --foreground acme-ml-features /dev/fd/3]...",
        "E1120 08:14:19.467745 CreateFile: permission denied, CreateChildFile: error in closing writer : googleapi: Error 403: Access denied., forbidden",
        "E1120 08:14:19.467789 fuse: *fuseops.CreateFileOp error: permission denied")})

# --- cluster-autoscaler on Azure: logs unavailable; the termination message holds the fatal 403.
_ns = "kube-system"
_img = "registry.k8s.io/autoscaling/cluster-autoscaler:v1.13.1"
_tm = ('E1120 08:14:43.057787       1 azure_scale_set.go:199] VirtualMachineScaleSetVMsClient.List failed for k8s-agentpool1-39472669-vmss: '
       'compute.VirtualMachineScaleSetVMsClient#List: Failure responding to request: StatusCode=403 -- Original Error: autorest/azure: Service returned an error. '
       'Status=403 Code="AuthorizationFailed" Message="The client \'6053ad54-5340-4d95-8842-9f2ac12c4566\' with object id \'6053ad54-5340-4d95-8842-9f2ac12c4566\' '
       "does not have authorization to perform action 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read'\"\n"
       "F1120 08:14:43.057854       1 azure_cloud_provider.go:139] Failed to create Azure Manager: compute.VirtualMachineScaleSetVMsClient#List: "
       'Failure responding to request: StatusCode=403 -- Original Error: autorest/azure: Service returned an error. Status=403 Code="AuthorizationFailed"')
_p = pod("cluster-autoscaler-5b7c9d8f6-tzq8r", _ns,
         [container("cluster-autoscaler", _img, terminationMessagePolicy="FallbackToLogsOnError",
                    **looping("cluster-autoscaler-5b7c9d8f6-tzq8r", _ns, "cluster-autoscaler", 255, 9, message=_tm))],
         serviceAccountName="cluster-autoscaler")
scenario(
    "auth-cluster-autoscaler-azure-vmss-403-nologs", "permission_denied", difficulty="hard",
    note="logs unavailable: exit 255 and the fatal line kept in the termination message (FallbackToLogsOnError) show Azure refusing the autoscaler's identity the VMSS read",
    source=[{"url": "https://github.com/kubernetes/autoscaler/issues/1674",
             "quote": "Failed to create Azure Manager: compute.VirtualMachineScaleSetVMsClient#List: Failure responding to request: StatusCode=403"}],
    objects=[_p, *deployment_and_rs("cluster-autoscaler", _ns, "5b7c9d8f6", _img), node()],
    events=crash_events(_p, "cluster-autoscaler", _img, 9),
    logs={}, unavailable=["logs"])

# --- Azure Key Vault through the Secrets Store CSI driver: the pod never leaves ContainerCreating; the FailedMount
#     carries Key Vault's 403.
_ns = "payments"
_img = "payments.azurecr.io/checkout-api:5.2.1"
_p = pod("checkout-api-7d6c9b8f5-r2wgh", _ns,
         [container("checkout-api", _img, state=waiting("ContainerCreating"))],
         phase="Pending", serviceAccountName="checkout-api", node="aks-system-27445611-vmss000002",
         volumes=[{"name": "https-provider", "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": True,
                                                     "volumeAttributes": {"secretProviderClass": "checkout-kv"}}}])
_mount = ('MountVolume.SetUp failed for volume "https-provider" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod '
          'payments/checkout-api-7d6c9b8f5-r2wgh, err: rpc error: code = Unknown desc = failed to mount objects, error: failed to get '
          'objectType:secret, objectName:checkout-tls, objectVersion:: keyvault.BaseClient#GetSecret: Failure responding to request: StatusCode=403 -- '
          'Original Error: autorest/azure: Service returned an error. Status=403 Code="Forbidden" Message="Caller is not authorized to perform action on resource.'
          '\\r\\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.')
scenario(
    "auth-akv-csi-getsecret-403-containercreating", "permission_denied", difficulty="hard",
    note="looks like a storage problem (ContainerCreating, FailedMount on a CSI volume) but the mount is Key Vault refusing the identity GetSecret",
    source=[{"url": "https://github.com/Azure/secrets-store-csi-driver-provider-azure/issues/906",
             "quote": 'keyvault.BaseClient#GetSecret: Failure responding to request: StatusCode=403 -- Original Error: autorest/azure: Service returned an error. Status=403 Code="Forbidden" Message="Caller is not authorized to perform action on resource.'}],
    objects=[_p, *deployment_and_rs("checkout-api", _ns, "7d6c9b8f5", _img), node("aks-system-27445611-vmss000002")],
    events=[event(_p, "Scheduled", f"Successfully assigned {_ns}/checkout-api-7d6c9b8f5-r2wgh to aks-system-27445611-vmss000002",
                  type_="Normal", count=1, component="default-scheduler"),
            event(_p, "FailedMount", _mount, count=9),
            event(_p, "FailedMount", "Unable to attach or mount volumes: unmounted volumes=[https-provider], unattached volumes=[https-provider kube-api-access-9xk2d]: timed out waiting for the condition", count=6)],
    logs={})

# =================================================================================================================
# permission_denied: Vault
# =================================================================================================================
_ns = "billing"
_img = "registry.example.com/billing/invoice-api:3.4.0"
_agent = "hashicorp/vault:1.12.1"
_p = _init_pending(pod("invoice-api-5f9d8c7b6-jx4mp", _ns,
                       [container("invoice-api", _img, state=waiting("PodInitializing"))],
                       init=[container("vault-agent-init", _agent, state={"running": {"startedAt": "2026-11-20T08:00:11Z"}},
                                       ready=False)],
                       serviceAccountName="vault-auth"))
scenario(
    "auth-vault-agent-init-k8s-login-403", "permission_denied", difficulty="easy",
    note="the injected vault-agent-init never finishes: Vault answers 403 permission denied to the Kubernetes auth login, so the app waits in PodInitializing",
    source=[{"url": "https://github.com/hashicorp/vault-k8s/issues/308",
             "quote": "[ERROR] auth.handler: error authenticating:"}],
    objects=[_p, *deployment_and_rs("invoice-api", _ns, "5f9d8c7b6", _img), node()],
    events=[event(_p, "Started", "Started container vault-agent-init", type_="Normal", count=1)],
    logs={log_key(_p, "vault-agent-init"): log_text(
        "==> Vault agent started! Log data will stream in below:",
        "",
        "2026-11-20T08:00:11.374Z [INFO]  sink.file: creating file sink",
        "2026-11-20T08:00:11.375Z [INFO]  auth.handler: starting auth handler",
        "2026-11-20T08:00:11.375Z [INFO]  auth.handler: authenticating",
        "2026-11-20T08:00:41.380Z [ERROR] auth.handler: error authenticating:",
        "  error=",
        "  | Error making API request.",
        "  | ",
        "  | URL: PUT https://vault.internal.example.com:8200/v1/auth/kubernetes/login",
        "  | Code: 403. Errors:",
        "  | ",
        "  | * permission denied",
        "   backoff=4.65s",
        "2026-11-20T08:14:20.112Z [INFO]  auth.handler: authenticating",
        "2026-11-20T08:14:50.118Z [ERROR] auth.handler: error authenticating:",
        "  error=",
        "  | Error making API request.",
        "  | ",
        "  | URL: PUT https://vault.internal.example.com:8200/v1/auth/kubernetes/login",
        "  | Code: 403. Errors:",
        "  | ",
        "  | * permission denied",
        "   backoff=5m0s")})

# =================================================================================================================
# permission_denied: database grants
# =================================================================================================================

# --- industry-core-hub backend: Ready, every API call touching the catalogue fails on a missing GRANT.
_ns = "ichub"
_img = "tractusx/industry-core-hub-backend:0.1.0"
_p = pod("ichub-backend-6c8f7d9b5-w4kzn", _ns, [container("backend", _img)])
_pg = pod("ichub-postgres-0", _ns, [container("postgresql", "bitnami/postgresql:15.4.0")], owner=("StatefulSet", "ichub-postgres"))
scenario(
    "auth-ichub-backend-permission-denied-table", "permission_denied", difficulty="hard",
    note="backend and database are Running and Ready; the backend's requests return 500 with InsufficientPrivilege inside a SQLAlchemy error (the app user has no grant on the table)",
    source=[{"url": "https://github.com/eclipse-tractusx/industry-core-hub/issues/205",
             "quote": "sqlalchemy.exc.ProgrammingError: (psycopg2.errors.InsufficientPrivilege) permission denied for table catalog_part"}],
    objects=[_p, _pg, *deployment_and_rs("ichub-backend", _ns, "6c8f7d9b5", _img, ready=1), _sts("ichub-postgres", _ns, "bitnami/postgresql:15.4.0", ready=1),
             node()],
    events=[],
    logs={log_key(_p, "backend"): log_text(
        "INFO:     Started server process [1]",
        "INFO:     Application startup complete.",
        "INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)",
        "INFO:     10.244.3.1:51234 - \"GET /health HTTP/1.1\" 200 OK",
        "ERROR:    Exception in ASGI application",
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.12/site-packages/sqlalchemy/engine/base.py", line 1967, in _exec_single_context',
        "    self.dialect.do_execute(",
        "psycopg2.errors.InsufficientPrivilege: permission denied for table catalog_part",
        "",
        "The above exception was the direct cause of the following exception:",
        "",
        "sqlalchemy.exc.ProgrammingError: (psycopg2.errors.InsufficientPrivilege) permission denied for table catalog_part",
        "[SQL: SELECT catalog_part.id, catalog_part.manufacturer_id, catalog_part.manufacturer_part_id FROM catalog_part]",
        "INFO:     10.244.1.9:40112 - \"GET /v1/part-management/catalog-part HTTP/1.1\" 500 Internal Server Error"),
        log_key(_pg, "postgresql"): log_text(
        "2026-11-20 08:14:30.771 GMT [2211] ERROR:  permission denied for table catalog_part",
        "2026-11-20 08:14:30.771 GMT [2211] STATEMENT:  SELECT catalog_part.id, catalog_part.manufacturer_id, catalog_part.manufacturer_part_id FROM catalog_part")})

# --- Konga (Sails/Node): older PostgreSQL wording, "relation".
_ns = "kong"
_img = "pantsel/konga:0.14.9"
_p = pod("konga-7b6d9f8c5-4hrxd", _ns, [container("konga", _img, **looping("konga-7b6d9f8c5-4hrxd", _ns, "konga", 1, 6))])
scenario(
    "auth-konga-load-db-permission-denied-relation", "permission_denied", difficulty="easy",
    note="crash loop; the Sails load-db hook fails on 'permission denied for relation' (pre-PG 11 wording) after the migration job ran as another user",
    source=[{"url": "https://github.com/pantsel/konga/issues/725",
             "quote": "error: permission denied for relation konga_users"}],
    objects=[_p, *deployment_and_rs("konga", _ns, "7b6d9f8c5", _img), node()],
    events=crash_events(_p, "konga", _img, 6),
    logs={log_key(_p, "konga", previous=True): log_text(
        "debug: Hook:api_health_checks:process() called",
        "debug: Hook:health_checks:process() called",
        "A hook (`load-db`) failed to load!",
        "Error (E_UNKNOWN) :: Encountered an unexpected error",
        "error: permission denied for relation konga_users",
        "    at Connection.parseE (/app/node_modules/sails-postgresql/node_modules/pg/lib/connection.js:539:11)",
        "    at Connection.parseMessage (/app/node_modules/sails-postgresql/node_modules/pg/lib/connection.js:366:17)",
        "    at Socket.<anonymous> (/app/node_modules/sails-postgresql/node_modules/pg/lib/connection.js:105:22)",
        "    at Socket.emit (events.js:310:20)")})

# --- Ghost on a brokered MySQL user without REFERENCES: the migration dies on a foreign key.
_ns = "blog"
_img = "ghost:1.25.5"
_p = pod("ghost-6d9c8b7f5-zq2mk", _ns, [container("ghost", _img, **looping("ghost-6d9c8b7f5-zq2mk", _ns, "ghost", 2, 5))])
scenario(
    "auth-ghost-migration-references-command-denied", "permission_denied", difficulty="easy",
    note="Ghost's knex migration exits on a MySQL privilege error: the provisioned user lacks REFERENCES",
    source=[{"url": "https://github.com/Azure/open-service-broker-azure/issues/74",
             "quote": "ER_TABLEACCESS_DENIED_ERROR: REFERENCES command denied to user"}],
    objects=[_p, *deployment_and_rs("ghost", _ns, "6d9c8b7f5", _img), node()],
    events=crash_events(_p, "ghost", _img, 5),
    logs={log_key(_p, "ghost", previous=True): log_text(
        "[2026-11-20 08:14:18] INFO Creating table: posts_tags",
        "[2026-11-20 08:14:18] ERROR",
        "",
        "NAME: MigrationScriptError",
        "MESSAGE: alter table `posts_tags` add constraint `posts_tags_post_id_foreign` foreign key (`post_id`) references `posts` (`id`) - ER_TABLEACCESS_DENIED_ERROR: REFERENCES command denied to user 'ghost_7f3a'@'10.244.3.41' for table 'posts'",
        "")})

# --- WebDB (Node): an unhandled rejection from the MongoDB driver; the user may not list the config database.
_ns = "tools"
_img = "webdbapp/app:0.9.1"
_p = pod("webdb-8c7f6d5b9-n5lwt", _ns, [container("webdb", _img, **looping("webdb-8c7f6d5b9-n5lwt", _ns, "webdb", 1, 8))])
scenario(
    "auth-webdb-mongo-not-authorized-config", "permission_denied", difficulty="easy",
    note="Node exits on an unhandled MongoServerError: the configured user is not authorised to list the config database",
    source=[{"url": "https://github.com/WebDB-App/app/issues/55",
             "quote": 'MongoServerError: not authorized on config to execute command { listCollections: 1, filter: {}, cursor: {}, nameOnly: false, authorizedCollections: false'}],
    objects=[_p, *deployment_and_rs("webdb", _ns, "8c7f6d5b9", _img), node()],
    events=crash_events(_p, "webdb", _img, 8),
    logs={log_key(_p, "webdb", previous=True): log_text(
        "    0             database WebDB App running",
        "27017             admin    listDatabases",
        "This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason:",
        'MongoServerError: not authorized on config to execute command { listCollections: 1, filter: {}, cursor: {}, nameOnly: false, authorizedCollections: false, lsid: { id: UUID("3973f12d-578e-4c0f-a8c3-14f3a8dd27f1") }, $db: "config" }',
        "    at Connection.sendCommand (/usr/src/app/node_modules/mongodb/lib/cmap/connection.js:290:27)",
        "    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)",
        "    at async Connection.command (/usr/src/app/node_modules/mongodb/lib/cmap/connection.js:317:26)",
        "Node.js v22.12.0")})

# =================================================================================================================
# permission_denied: files, volumes, read-only root filesystems
# =================================================================================================================

# --- Prometheus (operator-managed): a panic whose cause is the data volume's ownership.
_ns = "monitoring"
_img = "quay.io/prometheus/prometheus:v2.22.1"
_name = "prometheus-k8s-0"
_p = pod(_name, _ns,
         [container("prometheus", _img, limits={"memory": "4Gi"}, **looping(_name, _ns, "prometheus", 2, 6)),
          container("config-reloader", "quay.io/prometheus-operator/prometheus-config-reloader:v0.44.0")],
         owner=("StatefulSet", "prometheus-k8s"), securityContext={"runAsUser": 1000, "runAsNonRoot": True},
         volumes=[{"name": "prometheus-k8s-db", "persistentVolumeClaim": {"claimName": "prometheus-k8s-db-prometheus-k8s-0"}}])
scenario(
    "auth-prometheus-queries-active-panic-pvc", "permission_denied", difficulty="hard",
    note="exit 2 and a Go panic look like a crash; the line above it is EACCES on the data volume (runAsUser 1000 without fsGroup after the PV was recreated)",
    source=[{"url": "https://github.com/prometheus-operator/prometheus-operator/issues/3693",
             "quote": 'err="open /prometheus/queries.active: permission denied"'}],
    objects=[_p, _sts("prometheus-k8s", _ns, _img), pvc("prometheus-k8s-db-prometheus-k8s-0", _ns, size="50Gi"), node()],
    events=crash_events(_p, "prometheus", _img, 6),
    logs={log_key(_p, "prometheus", previous=True): log_text(
        'level=info ts=2026-11-20T08:14:16.295Z caller=main.go:315 msg="No time or size retention was set so using the default time retention" duration=15d',
        'level=info ts=2026-11-20T08:14:16.296Z caller=main.go:353 msg="Starting Prometheus" version="(version=2.22.1, branch=HEAD, revision=00f16d1ac3a4c94561e5133b821d8e4d9ef78ec2)"',
        'level=info ts=2026-11-20T08:14:16.296Z caller=main.go:359 fd_limits="(soft=1048576, hard=1048576)"',
        'level=error ts=2026-11-20T08:14:16.299Z caller=query_logger.go:87 component=activeQueryTracker msg="Error opening query log file" file=/prometheus/queries.active err="open /prometheus/queries.active: permission denied"',
        "panic: Unable to create mmap-ed active query log",
        "",
        "goroutine 1 [running]:",
        "github.com/prometheus/prometheus/promql.NewActiveQueryTracker(0x7ffdcf5a95ce, 0xb, 0x14, 0x2dcaa20, 0xc0006f8660, 0x2dcaa20)",
        "\t/app/promql/query_logger.go:117 +0x4cd",
        "main.main()",
        "\t/app/cmd/prometheus/main.go:374 +0x5245"),
        log_key(_p, "config-reloader"): log_text(
        'level=info ts=2026-11-20T08:00:02.101Z caller=main.go:147 msg="Starting prometheus-config-reloader" version="(version=0.44.0)"',
        'level=error ts=2026-11-20T08:14:20.220Z caller=runutil.go:101 msg="function failed. Retrying in next tick" err="trigger reload: reload request failed: Post \\"http://127.0.0.1:9090/-/reload\\": dial tcp 127.0.0.1:9090: connect: connection refused"')})

# --- SonarQube with readOnlyRootFilesystem.
_ns = "sonarqube"
_img = "sonarqube:7.7-community"
_p = pod("sonarqube-sonarqube-6b8f7c9d5-mv2xp", _ns,
         [container("sonarqube", _img, securityContext={"readOnlyRootFilesystem": True, "runAsUser": 999},
                    **looping("sonarqube-sonarqube-6b8f7c9d5-mv2xp", _ns, "sonarqube", 1, 5))])
scenario(
    "auth-sonarqube-temp-readonly-rootfs", "permission_denied", difficulty="easy",
    note="Java start-up fails writing its temp directory on a read-only root filesystem",
    source=[{"url": "https://github.com/helm/charts/issues/12635",
             "quote": "java.nio.file.FileSystemException: /opt/sonarqube/temp/README.txt: Read-only file system"}],
    objects=[_p, *deployment_and_rs("sonarqube-sonarqube", _ns, "6b8f7c9d5", _img), node()],
    events=crash_events(_p, "sonarqube", _img, 5),
    logs={log_key(_p, "sonarqube", previous=True): log_text(
        "2026.11.20 08:14:03 INFO  app[][o.s.a.AppFileSystem] Cleaning or creating temp directory /opt/sonarqube/temp",
        'Exception in thread "main" java.nio.file.FileSystemException: /opt/sonarqube/temp/README.txt: Read-only file system',
        "\tat sun.nio.fs.UnixException.translateToIOException(UnixException.java:91)",
        "\tat sun.nio.fs.UnixException.rethrowAsIOException(UnixException.java:102)",
        "\tat sun.nio.fs.UnixException.rethrowAsIOException(UnixException.java:107)",
        "\tat sun.nio.fs.UnixFileSystemProvider.implDelete(UnixFileSystemProvider.java:244)",
        "\tat java.nio.file.Files.delete(Files.java:1126)",
        "\tat org.sonar.application.AppFileSystem$CleanTempDirFileVisitor.visitFile(AppFileSystem.java:121)")})

# --- OpenObserve (Rust): a panic whose payload is EROFS.
_ns = "observe"
_img = "public.ecr.aws/zinclabs/openobserve:v0.9.1"
_p = pod("openobserve-ingester-0", _ns,
         [container("openobserve", _img, securityContext={"readOnlyRootFilesystem": True, "runAsNonRoot": True},
                    **looping("openobserve-ingester-0", _ns, "openobserve", 101, 7))],
         owner=("StatefulSet", "openobserve-ingester"))
scenario(
    "auth-openobserve-cache-dir-readonly-panic", "permission_denied", difficulty="hard",
    note="exit 101 with a Rust panic reads like a bug; the panic payload is a ReadOnlyFilesystem error creating the cache directory",
    source=[{"url": "https://github.com/openobserve/openobserve-helm-chart/issues/54",
             "quote": 'create cache dir success: Os { code: 30, kind: ReadOnlyFilesystem, message: "Read-only file system" }'}],
    objects=[_p, _sts("openobserve-ingester", _ns, _img), node()],
    events=crash_events(_p, "openobserve", _img, 7),
    logs={log_key(_p, "openobserve", previous=True): log_text(
        "",
        "thread 'main' panicked at src/config/src/config.rs:1066:57:",
        'create cache dir success: Os { code: 30, kind: ReadOnlyFilesystem, message: "Read-only file system" }',
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace")})

# --- Vault server: the chart's init container cannot chown the logs volume.
_ns = "security"
_img = "hashicorp/vault:1.13.1"
_name = "vault-0"
_p = _init_pending(pod(_name, _ns, [container("vault", _img, state=waiting("PodInitializing"))],
                       init=[container("busybox", "busybox:1.36", command=["sh", "-c", "chown -R 100:1000 /vault/logs"],
                                       **looping(_name, _ns, "busybox", 1, 5))],
                       owner=("StatefulSet", "vault")))
scenario(
    "auth-vault-init-chown-logs-not-permitted", "permission_denied", difficulty="easy",
    note="Init:CrashLoopBackOff: the added init container cannot chown the mounted logs volume (Operation not permitted)",
    source=[{"url": "https://github.com/hashicorp/vault-helm/issues/972",
             "quote": "chown: /vault/logs: Operation not permitted"}],
    objects=[_p, _sts("vault", _ns, _img, replicas=2), pvc("audit-vault-0", _ns, storage_class="nfs-client", size="10Gi"), node()],
    events=crash_events(_p, "busybox", "busybox:1.36", 5),
    logs={log_key(_p, "busybox", previous=True): log_text(
        "chown: /vault/logs: Operation not permitted",
        "chown: /vault/logs: Operation not permitted")})

# =================================================================================================================
# permission_denied: SaaS tokens refused
# =================================================================================================================

# --- kubewatch: Running, processes every event, and Slack refuses every post (bot token without the scope).
_ns = "kubewatch"
_img = "bitnami/kubewatch:0.0.4"
_p = pod("kubewatch-7c9d8f6b5-j6hsw", _ns, [container("kubewatch", _img)])
scenario(
    "auth-kubewatch-slack-missing-scope", "permission_denied", difficulty="hard",
    note="Running and Ready; its log is busy INFO lines with bare 'missing_scope' answers from Slack between them: no notification is ever delivered",
    source=[{"url": "https://github.com/vmware-archive/kubewatch/issues/123", "quote": "missing_scope"}],
    objects=[_p, *deployment_and_rs("kubewatch", _ns, "7c9d8f6b5", _img, ready=1), node()],
    events=[],
    logs={log_key(_p, "kubewatch"): log_text(
        'time="2026-11-20T08:14:55Z" level=info msg="Processing update to deployment: yl/lx-services-surveys-reports-default" pkg=kubewatch-deployment',
        'time="2026-11-20T08:14:55Z" level=info msg="Processing add to pod: yl/lx-services-surveys-reports-default-7f7dcc5974-kjntj" pkg=kubewatch-pod',
        "2026/11/20 08:14:55 missing_scope",
        "2026/11/20 08:14:55 missing_scope",
        'time="2026-11-20T08:14:55Z" level=info msg="Processing update to pod: yl/lx-services-surveys-reports-default-7f7dcc5974-kjntj" pkg=kubewatch-pod',
        "2026/11/20 08:14:55 missing_scope")})

# --- Renovate as a CronJob: the GitHub token is refused (401 Bad credentials).
_ns = "renovate"
_img = "renovate/renovate:32.151.3"
_j = job("renovate-29392020", _ns, failed=1, backoff_limit=0,
         conditions=[condition("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")])
_p = pod("renovate-29392020-6qz2d", _ns, [container("renovate", _img, state=terminated(1), restarts=0)],
         phase="Failed", owner=("Job", "renovate-29392020"), restartPolicy="Never")
scenario(
    "auth-renovate-cronjob-github-bad-credentials", "permission_denied", difficulty="easy",
    note="a CronJob run exits 1; GitHub answers 401 Bad credentials to the token",
    source=[{"url": "https://github.com/renovatebot/renovate/issues/17153", "quote": "GitHub failure: Bad credentials"},
            {"url": "https://github.com/renovatebot/renovate/issues/18975", "quote": "statusCode=401 retryCount=0"}],
    objects=[_j, _p, node()],
    events=[event(_j, "BackoffLimitExceeded", "Job has reached the specified backoff limit", count=1,
                  component="job-controller")],
    logs={log_key(_p, "renovate"): log_text(
        "DEBUG: Using default github endpoint: https://api.github.com/",
        "DEBUG: GET https://api.github.com/user = (code=ERR_NON_2XX_3XX_RESPONSE, statusCode=401 retryCount=0, duration=300)",
        "DEBUG: GitHub failure: Bad credentials",
        '       "token": "***********",',
        '       "err": {',
        '         "name": "HTTPError",',
        '         "code": "ERR_NON_2XX_3XX_RESPONSE",',
        '         "statusCode": 401',
        "       }")})

# =================================================================================================================
# config_error: wrong credentials or a missing ServiceAccount (not a permission the identity lacks)
# =================================================================================================================

# --- Directus: the MySQL password in its Secret is wrong.
_ns = "cms"
_img = "directus/directus:10.13.1"
_p = pod("directus-release-6f7c8d9b5-h8k2v", _ns, [container("directus", _img, **looping("directus-release-6f7c8d9b5-h8k2v", _ns, "directus", 1, 6))])
_my = pod("directus-mysql-0", _ns, [container("mysql", "bitnami/mysql:8.0.36")], owner=("StatefulSet", "directus-mysql"))
scenario(
    "auth-directus-mysql-access-denied-password", "config_error", difficulty="easy",
    note="contrast: 'Access denied ... (using password: YES)' is a rejected password, not a missing grant; the Secret's password is wrong",
    source=[{"url": "https://github.com/directus-labs/helm-chart/issues/30",
             "quote": "ER_ACCESS_DENIED_ERROR: Access denied for user"}],
    objects=[_p, _my, *deployment_and_rs("directus-release", _ns, "6f7c8d9b5", _img), _sts("directus-mysql", _ns, "bitnami/mysql:8.0.36", ready=1), node()],
    events=crash_events(_p, "directus", _img, 6),
    logs={log_key(_p, "directus", previous=True): log_text(
        '[08:14:12.402] INFO: Initializing bootstrap...',
        "Error: ER_ACCESS_DENIED_ERROR: Access denied for user 'directus'@'10.244.3.41' (using password: YES)",
        "    at Handshake.Sequence._packetToError (/directus/node_modules/mysql/lib/protocol/sequences/Sequence.js:47:14)",
        "    at Handshake.ErrorPacket (/directus/node_modules/mysql/lib/protocol/sequences/Handshake.js:123:18)",
        "    at Protocol._parsePacket (/directus/node_modules/mysql/lib/protocol/Protocol.js:291:23)",
        "    at Parser.write (/directus/node_modules/mysql/lib/protocol/Parser.js:43:10)"),
        log_key(_my, "mysql"): log_text(
        "2026-11-20T08:14:12.399871Z 41 [Note] [MY-010926] [Server] Access denied for user 'directus'@'10.244.3.41' (using password: YES)")})

# --- Velero: Running and Ready, the 403 is S3 saying the access key id does not exist (a wrong key in the Secret).
_ns = "velero"
_img = "velero/velero:v1.5.2"
_p = pod("velero-66799db8f6-zg9ps", _ns, [container("velero", _img)])
_bsl = {"apiVersion": "velero.io/v1", "kind": "BackupStorageLocation", "metadata": meta("default", _ns),
        "spec": {"provider": "aws", "objectStorage": {"bucket": "velero-backups-prod"}, "default": True},
        "status": {"phase": "Unavailable", "lastValidationTime": "2026-11-20T08:14:11Z"}}
_sync = ('time="2026-11-20T08:%s" level=error msg="Error listing backups in backup store" backupLocation=default controller=backup-sync '
         'error="rpc error: code = Unknown desc = InvalidAccessKeyId: The Access Key Id you provided does not exist in our records.\\n\\tstatus code: 403, request id: 164E773ADC1F5CDD, host id: " '
         'error.file="/go/src/github.com/vmware-tanzu/velero-plugin-for-aws/velero-plugin-for-aws/object_store.go:331" '
         'error.function="main.(*ObjectStore).ListCommonPrefixes" logSource="pkg/controller/backup_sync_controller.go:175"')
scenario(
    "auth-velero-s3-invalid-access-key-id", "config_error", difficulty="hard",
    note="contrast: a 403 from S3 on a Ready pod, but InvalidAccessKeyId means the credentials Secret holds a key that does not exist, not a policy refusal",
    source=[{"url": "https://github.com/velero-io/velero/issues/3135",
             "quote": "InvalidAccessKeyId: The Access Key Id you provided does not exist in our records."}],
    objects=[_p, _bsl, *deployment_and_rs("velero", _ns, "66799db8f6", _img, ready=1), node()],
    events=[],
    logs={log_key(_p, "velero"): log_text(
        'time="2026-11-20T08:00:31Z" level=info msg="Starting Velero server v1.5.2 (e115e5a191b1fdb5d379b62a35916115e77124a4)" logSource="pkg/cmd/server/server.go:177"',
        _sync % "00:11Z", _sync % "01:11Z", _sync % "14:11Z")})

# --- A ServiceAccount that does not exist: the ReplicaSet's refusal says "forbidden" but it is configuration.
_ns = "analytics"
_rs = replicaset("report-worker-5f7b9c6d8", _ns, replicas=2, ready=0, deployment_name="report-worker",
                 conditions=[condition("ReplicaFailure", "True", "FailedCreate",
                                       'pods "report-worker-5f7b9c6d8-" is forbidden: error looking up service account analytics/report-worker-sa: serviceaccount "report-worker-sa" not found')])
_dep = deployment("report-worker", _ns, replicas=2, ready=0, image="registry.example.com/analytics/report-worker:1.8.0",
                  conditions=[condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
                              condition("ReplicaFailure", "True", "FailedCreate",
                                        'pods "report-worker-5f7b9c6d8-" is forbidden: error looking up service account analytics/report-worker-sa: serviceaccount "report-worker-sa" not found'),
                              condition("Progressing", "True", "ReplicaSetUpdated", 'ReplicaSet "report-worker-5f7b9c6d8" is progressing.')])
scenario(
    "auth-missing-serviceaccount-forbidden-wording", "config_error", difficulty="hard",
    note="contrast: the admission error reads 'is forbidden' like RBAC, but the Deployment names a ServiceAccount that does not exist; no pod is created",
    source=[{"url": "github:kubernetes/kubernetes/plugin/pkg/admission/serviceaccount/admission.go",
             "quote": "error looking up service account"}],
    objects=[_dep, _rs, node()],
    events=[event(_rs, "FailedCreate",
                  'Error creating: pods "report-worker-5f7b9c6d8-" is forbidden: error looking up service account analytics/report-worker-sa: serviceaccount "report-worker-sa" not found',
                  count=17, component="replicaset-controller")],
    logs={})

# =================================================================================================================
# unknown: healthy workloads whose logs or events only sound like a refusal
# =================================================================================================================

# --- MongoDB replica set with its metrics exporter: mongod logs an Unauthorized endSessions every few seconds.
_ns = "data"
_img = "mongo:3.6.11"
_m = pod("mongo-mongodb-replicaset-0", _ns,
         [container("mongodb-replicaset", _img), container("metrics", "ssalaues/mongodb-exporter:0.6.1")],
         owner=("StatefulSet", "mongo-mongodb-replicaset"))
_noise = ('2026-11-20T08:%s.154+0000 I ACCESS   [conn%d] Unauthorized: not authorized on admin to execute command '
          '{ endSessions: [ { id: UUID("91f0c7a5-b400-4dea-8062-58f2e347723e") } ], $db: "admin" }')
scenario(
    "auth-mongo-exporter-endsessions-unauthorized-noise", "unknown", difficulty="hard",
    note="healthy (Running, Ready, 0 restarts): mongod logs 'Unauthorized' for the metrics exporter's endSessions every few seconds, which maintainers treat as log noise",
    source=[{"url": "https://github.com/helm/charts/issues/12631",
             "quote": "Unauthorized: not authorized on admin to execute command { endSessions:"}],
    objects=[_m, _sts("mongo-mongodb-replicaset", _ns, _img, replicas=1, ready=1), node()],
    events=[],
    logs={log_key(_m, "mongodb-replicaset"): log_text(
        '2026-11-20T08:14:09.150+0000 I NETWORK  [conn23432] received client metadata from 127.0.0.1:42140 conn23432: { application: { name: "MongoDB Shell" }, driver: { name: "MongoDB Internal Client", version: "3.6.11" } }',
        _noise % ("14:09", 23432),
        "2026-11-20T08:14:09.154+0000 I NETWORK  [conn23432] end connection 127.0.0.1:42140 (13 connections now open)",
        _noise % ("14:16", 23433),
        _noise % ("14:23", 23434),
        "2026-11-20T08:14:27.002+0000 I REPL     [replexec-12] Member mongo-mongodb-replicaset-1.mongo-mongodb-replicaset.data.svc.cluster.local:27017 is now in state SECONDARY"),
        log_key(_m, "metrics"): log_text('time="2026-11-20T08:00:05Z" level=info msg="Starting HTTP server for http://:9216/metrics ..." source="server.go:121"')})

# --- nginx as a non-root user: the "user" directive warning at every start.
_ns = "web"
_img = "nginxinc/nginx-unprivileged:1.25"
_p = pod("docs-site-7b8c9d6f5-g2x7p", _ns, [container("nginx", _img, securityContext={"runAsUser": 101, "runAsNonRoot": True})])
scenario(
    "auth-nginx-user-directive-unprivileged-noise", "unknown", difficulty="easy",
    note="healthy: an unprivileged nginx warns that the 'user' directive needs super-user privileges and is ignored, then serves 200s",
    source=[{"url": "https://github.com/deckhouse/deckhouse/pull/5600",
             "quote": 'the "user" directive makes sense only if the master process runs with super-user privileges, ignored in /etc/nginx/nginx.conf:1'}],
    objects=[_p, *deployment_and_rs("docs-site", _ns, "7b8c9d6f5", _img, replicas=1, ready=1), node()],
    events=[],
    logs={log_key(_p, "nginx"): log_text(
        "/docker-entrypoint.sh: Configuration complete; ready for start up",
        '2026/11/20 08:00:22 [warn] 1#1: the "user" directive makes sense only if the master process runs with super-user privileges, ignored in /etc/nginx/nginx.conf:1',
        'nginx: [warn] the "user" directive makes sense only if the master process runs with super-user privileges, ignored in /etc/nginx/nginx.conf:1',
        "2026/11/20 08:00:22 [notice] 1#1: start worker processes",
        '10.244.3.1 - - [20/Nov/2026:08:14:31 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.31" "-"',
        '10.244.1.22 - - [20/Nov/2026:08:14:33 +0000] "GET /guide/install.html HTTP/1.1" 200 18234 "-" "Mozilla/5.0" "203.0.113.9"')})

# --- PostgreSQL run as a non-root uid: the entrypoint's chmod fails harmlessly and the server is ready.
_ns = "paperless"
_img = "docker.io/library/postgres:15"
_p = pod("paperless-db-0", _ns, [container("postgres", _img)], owner=("StatefulSet", "paperless-db"),
         securityContext={"runAsUser": 1000, "runAsGroup": 100, "fsGroup": 100})
scenario(
    "auth-postgres-chmod-run-dir-harmless", "unknown", difficulty="hard",
    note="healthy (Ready, 0 restarts): 'Operation not permitted' from the entrypoint's chmod of /var/run/postgresql is harmless when running as a non-root uid; the database is ready",
    source=[{"url": "https://github.com/docker-library/postgres/issues/1144",
             "quote": "chmod: changing permissions of '/var/run/postgresql': Operation not permitted"}],
    objects=[_p, _sts("paperless-db", _ns, _img, ready=1), pvc("data-paperless-db-0", _ns, size="20Gi"), node()],
    events=[],
    logs={log_key(_p, "postgres"): log_text(
        "chmod: changing permissions of '/var/run/postgresql': Operation not permitted",
        "",
        "PostgreSQL Database directory appears to contain a database; Skipping initialization",
        "",
        "2026-11-20 08:00:07.997 UTC [1] LOG:  starting PostgreSQL 15.5 (Debian 15.5-1.pgdg120+1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit",
        '2026-11-20 08:00:08.072 UTC [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432',
        '2026-11-20 08:00:08.275 UTC [1] LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"',
        "2026-11-20 08:00:08.661 UTC [17] LOG:  database system was shut down at 2026-11-20 07:55:29 UTC",
        "2026-11-20 08:00:09.021 UTC [1] LOG:  database system is ready to accept connections")})

# --- Longhorn CSI sidecars: the standby replicas log that the lease is held by another pod.
_ns = "longhorn-system"
_img = "longhornio/csi-provisioner:v1.6.0-lh1"
_a = pod("csi-provisioner-74557755-hfgj9", _ns, [container("csi-provisioner", _img)])
_b = pod("csi-provisioner-74557755-7xk2c", _ns, [container("csi-provisioner", _img)])
scenario(
    "auth-longhorn-csi-standby-lease-noise", "unknown", difficulty="easy",
    note="healthy: the standby csi-provisioner replicas log 'failed to acquire lease' because another replica holds it (normal leader election)",
    source=[{"url": "https://github.com/longhorn/longhorn/issues/1548",
             "quote": "failed to acquire lease longhorn-system/driver-longhorn-io"}],
    objects=[_a, _b, *deployment_and_rs("csi-provisioner", _ns, "74557755", _img, replicas=2, ready=2), node()],
    events=[],
    logs={log_key(_a, "csi-provisioner"): log_text(
        "I1120 08:00:04.112093       1 leaderelection.go:253] successfully acquired lease longhorn-system/driver-longhorn-io",
        "I1120 08:14:12.501227       1 controller.go:1284] provision \"shop/data-redis-0\" class \"longhorn\": succeeded"),
        log_key(_b, "csi-provisioner"): log_text(
        "I1120 08:14:54.665760       1 leaderelection.go:350] lock is held by csi-provisioner-74557755-hfgj9 and has not yet expired",
        "I1120 08:14:54.665804       1 leaderelection.go:246] failed to acquire lease longhorn-system/driver-longhorn-io",
        "I1120 08:15:02.118450       1 leaderelection.go:350] lock is held by csi-provisioner-74557755-hfgj9 and has not yet expired",
        "I1120 08:15:02.118497       1 leaderelection.go:246] failed to acquire lease longhorn-system/driver-longhorn-io")})

# --- Tekton Triggers: last week's Pod Security refusal on the old ReplicaSet; the fixed revision runs fine.
_ns = "tekton-pipelines"
_img = "gcr.io/tekton-releases/github.com/tektoncd/triggers/cmd/controller:v0.21.0"
_old = replicaset("tekton-triggers-controller-7887549bc5", _ns, replicas=0, ready=0, deployment_name="tekton-triggers-controller",
                  revision=1)
_new = replicaset("tekton-triggers-controller-5d4c8b7f96", _ns, replicas=1, ready=1, deployment_name="tekton-triggers-controller",
                  revision=2)
_p = pod("tekton-triggers-controller-5d4c8b7f96-8kq2w", _ns, [container("tekton-triggers-controller", _img)],
         owner=("ReplicaSet", "tekton-triggers-controller-5d4c8b7f96"))
_refusal = ('Error creating: pods "tekton-triggers-controller-7887549bc5-74px6" is forbidden: violates PodSecurity "restricted:latest": '
            'unrestricted capabilities (container "tekton-triggers-controller" must set securityContext.capabilities.drop=["ALL"]), '
            'runAsNonRoot != true (pod or container "tekton-triggers-controller" must set securityContext.runAsNonRoot=true), '
            'seccompProfile (pod or container "tekton-triggers-controller" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")')
scenario(
    "auth-tekton-triggers-old-psa-refusal-fixed", "unknown", difficulty="hard",
    note="a finished incident: the PodSecurity FailedCreate events are six days old and belong to the scaled-down ReplicaSet; the current revision's pod is Running and Ready",
    source=[{"url": "https://github.com/tektoncd/triggers/pull/1477",
             "quote": 'is forbidden: violates PodSecurity "restricted:latest": unrestricted capabilities (container "tekton-triggers-controller" must set securityContext.capabilities.drop=["ALL"])'}],
    objects=[deployment("tekton-triggers-controller", _ns, replicas=1, ready=1, image=_img, revision=2), _old, _new, _p, node()],
    events=[_age(event(_old, "FailedCreate", _refusal, count=23, component="replicaset-controller")),
            _age(event(_old, "FailedCreate", "(combined from similar events): " + _refusal.replace("74px6", "htzd7"), count=11,
                       component="replicaset-controller")),
            event(_p, "Started", "Started container tekton-triggers-controller", type_="Normal", count=1)],
    logs={log_key(_p, "tekton-triggers-controller"): log_text(
        '{"level":"info","ts":"2026-11-20T08:00:06.311Z","logger":"tekton-triggers-controller","caller":"sharedmain/main.go:259","msg":"Starting informers."}',
        '{"level":"info","ts":"2026-11-20T08:00:06.612Z","logger":"tekton-triggers-controller","caller":"leaderelection/context.go:47","msg":"\\"tekton-triggers-controller-5d4c8b7f96-8kq2w_1c2d\\" has started leading \\"triggers.triggers.tekton.dev.reconciler.eventlistener.reconciler.00-of-01\\""}')})
