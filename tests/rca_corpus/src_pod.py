# ruff: noqa: E501, RUF001
"""Kubelet-level pod failures: volume mounts (missing Secret/ConfigMap, NFS, Multi-Attach, CSI drivers, attach
errors), CreateContainerConfigError / RunContainerError, init containers and sidecars, liveness/readiness/startup
probes, OOM kills (cgroup, JVM and V8 heaps) and permission refusals (runAsNonRoot, EACCES, read-only rootfs).
"""

from __future__ import annotations

from typing import Any

from tests.rca_corpus.kube import (
    NODE,
    container,
    crashloop,
    deployment,
    event,
    job,
    log_key,
    node,
    pod,
    pvc,
    replicaset,
    running,
    scenario,
    terminated,
    waiting,
)


def _app(name: str, ns: str, pod_name: str, *, replicas: int = 1, ready: int = 0,
         image: str = "registry.example.com/shop/app:1.0.0") -> list[dict[str, Any]]:
    """The Deployment and the ReplicaSet behind `pod_name` (named `<deploy>-<hash>-<suffix>`)."""
    rs_name = pod_name.rsplit("-", 1)[0]
    return [deployment(name, ns, replicas=replicas, ready=ready, image=image),
            replicaset(rs_name, ns, replicas=replicas, ready=ready, deployment_name=name)]


def _creating(name: str = "app", image: str = "registry.example.com/shop/app:1.0.0", **spec: Any) -> dict[str, Any]:
    return container(name, image, state=waiting("ContainerCreating"), **spec)


def _scheduled(p: dict[str, Any], node_name: str = NODE) -> dict[str, Any]:
    return event(p, "Scheduled", f"Successfully assigned {p['metadata']['namespace']}/{p['metadata']['name']} to {node_name}",
                 type_="Normal", count=1, component="default-scheduler")


# ----------------------------------------------------------------------------------------------- config_error
p = pod("compcrdwebhook-6c9f7d8b5d-x2k4q", "canvas", [
    _creating("compcrdwebhook", "tmforumodacanvas/compcrdwebhook:0.6.1",
              volumeMounts=[{"name": "secret-volume", "mountPath": "/etc/secret-volume", "readOnly": True}])],
    phase="Pending",
    volumes=[{"name": "secret-volume", "secret": {"secretName": "compcrdwebhook-secret"}},
             {"name": "webhook-data", "persistentVolumeClaim": {"claimName": "compcrdwebhook-data"}}])
scenario(
    "pod-secret-volume-timeout-looks-like-storage", "config_error", difficulty="hard",
    note="FailedMount with the generic 'timed out waiting for the condition' first and a bound PVC in the pod; only the older FailedMount names a Secret that does not exist",
    source=[{"url": "https://github.com/tmforum-oda/oda-canvas/issues/24",
             "quote": 'MountVolume.SetUp failed for volume "secret-volume" : secret "compcrdwebhook-secret" not found'},
            {"url": "https://github.com/tmforum-oda/oda-canvas/issues/24",
             "quote": "Unable to attach or mount volumes: unmounted volumes=[secret-volume], unattached volumes=[secret-volume kube-api-access-pfqc5]: timed out waiting for the condition"}],
    objects=[p, *_app("compcrdwebhook", "canvas", p["metadata"]["name"]),
             pvc("compcrdwebhook-data", "canvas", storage_class="standard", size="1Gi"), node()],
    events=[_scheduled(p),
            event(p, "SuccessfulAttachVolume", 'AttachVolume.Attach succeeded for volume "pvc-41c2aa90-7d1e-4b55-9a60-0c3f2d8e1b77"',
                  type_="Normal", count=1, component="attachdetach-controller"),
            event(p, "FailedMount", "Unable to attach or mount volumes: unmounted volumes=[secret-volume], unattached volumes=[secret-volume kube-api-access-pfqc5]: timed out waiting for the condition", count=4),
            event(p, "FailedMount", 'MountVolume.SetUp failed for volume "secret-volume" : secret "compcrdwebhook-secret" not found', count=16)],
)

p = pod("loki-stack-promtail-8xk2m", "monitoring", [
    _creating("promtail", "docker.io/grafana/promtail:2.6.1",
              volumeMounts=[{"name": "config", "mountPath": "/etc/promtail"}])],
    phase="Pending", owner=("DaemonSet", "loki-stack-promtail"),
    volumes=[{"name": "config", "configMap": {"name": "loki-stack-promtail"}}])
scenario(
    "pod-configmap-volume-missing-after-reboot", "config_error",
    note="promtail DaemonSet pod stuck in ContainerCreating: its ConfigMap volume references a ConfigMap that no longer exists",
    source=[{"url": "https://github.com/grafana/helm-charts/issues/2216",
             "quote": 'MountVolume.SetUp failed for volume "config" : configmap "loki-stack-promtail" not found'}],
    objects=[p, node()],
    events=[_scheduled(p),
            event(p, "FailedMount", 'MountVolume.SetUp failed for volume "config" : configmap "loki-stack-promtail" not found', count=42)],
)

p = pod("sentry-web-75dd588596-q7sp8", "test", [
    container("sentry-web", "getsentry/sentry:24.7.1",
              state=waiting("CreateContainerConfigError", "couldn't find key postgresql-password in Secret test/my-postgresql"),
              env=[{"name": "SENTRY_POSTGRES_PASSWORD",
                    "valueFrom": {"secretKeyRef": {"name": "my-postgresql", "key": "postgresql-password"}}}])],
    phase="Pending")
p_rabbit = pod("sentry-rabbitmq-0", "test", [container("rabbitmq", "bitnami/rabbitmq:3.13.7")],
               owner=("StatefulSet", "sentry-rabbitmq"))
scenario(
    "pod-secret-key-missing-env", "config_error",
    note="CreateContainerConfigError: the env var references a key the Secret does not have; an old RabbitMQ readiness warning is noise",
    source=[{"url": "https://github.com/sentry-kubernetes/charts/issues/1433",
             "quote": "Error: couldn't find key postgresql-password in Secret test/my-postgresql"}],
    objects=[p, p_rabbit, *_app("sentry-web", "test", p["metadata"]["name"]), node()],
    events=[_scheduled(p),
            event(p, "Pulled", 'Container image "getsentry/sentry:24.7.1" already present on machine', type_="Normal", count=9),
            event(p, "Failed", "Error: couldn't find key postgresql-password in Secret test/my-postgresql", count=9),
            event(p_rabbit, "Unhealthy", "Readiness probe failed: Error: unable to perform an operation on node 'rabbit@sentry-rabbitmq-0'", count=2)],
)

p = pod("sample-mychart-6bfc89db65-j9g9z", "default", [
    container("mychart", "nginx:1.25", state=waiting("PodInitializing"), ready=False)],
    init=[container("init-myservice", "busybox",
                    state=waiting("CreateContainerConfigError", 'secrets "my-password" not found'),
                    command=["sh", "-c", 'cat /etc/config-template/index.html | sed "s/__NAME__/IKS-san/" > /etc/config/index.html'],
                    env=[{"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "my-password", "key": "password"}}}])],
    phase="Pending")
scenario(
    "pod-init-container-secret-missing-old-wording", "config_error", difficulty="hard",
    note="Init:CreateContainerConfigError after a helm upgrade: the init container (not the app) references a Secret that does not exist; older 'secrets \"x\" not found' wording",
    source=[{"url": "https://github.com/ibm-cloud-labs/iks-handson/issues/7",
             "quote": 'Error: secrets "my-password" not found'}],
    objects=[p, *_app("sample-mychart", "default", p["metadata"]["name"], replicas=1, ready=0), node()],
    events=[_scheduled(p),
            event(p, "Pulled", 'Successfully pulled image "busybox"', type_="Normal", count=6),
            event(p, "Failed", 'Error: secrets "my-password" not found', count=6)],
)

p = pod("connect-0", "confluent", [
    container("connect", "confluentinc/cp-server-connect:7.9.0",
              state=waiting("RunContainerError", 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "": executable file not found in $PATH'),
              last=terminated(128, "StartError", 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "": executable file not found in $PATH'),
              restarts=4, command=["$(CONNECT_ENTRYPOINT)"], env=[{"name": "CONNECT_ENTRYPOINT", "value": ""}])],
    owner=("StatefulSet", "connect"))
scenario(
    "pod-runcontainererror-empty-command", "config_error",
    note="RunContainerError / StartError exit 128: the container's command expands to an empty string",
    source=[{"url": "https://github.com/vdesabou/kafka-docker-playground/issues/8515",
             "quote": 'unable to start container process: error during container init: exec: "": executable file not found in $PATH'}],
    objects=[p, node()],
    events=[_scheduled(p),
            event(p, "Failed", 'Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "": executable file not found in $PATH', count=5),
            event(p, "BackOff", "Back-off restarting failed container connect in pod connect-0_confluent(3f1d2c9e-5b7a-4e61-9d0c-8a2b1e4f6c73)", count=12)],
)

p = pod("cloudflare-kubernetes-gateway-controller-manager-5d8f9c7b6-4hq2n", "cloudflare-gateway", [
    container("manager", "ghcr.io/pl4nty/cloudflare-kubernetes-gateway:v0.4.0",
              **crashloop(128, "StartError", restarts=6, name="manager",
                          message='failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/manager": stat /manager: no such file or directory: unknown'),
              command=["/manager"], args=["--leader-elect", "--health-probe-bind-address=:8081"],
              securityContext={"runAsNonRoot": False, "allowPrivilegeEscalation": False})],
    )
# the pod of the previous revision (deleted, its events remain for an hour)
p_prev = pod("cloudflare-kubernetes-gateway-controller-manager-7c4b9d8f6-zx7rp", "cloudflare-gateway", [
    container("manager", "ghcr.io/pl4nty/cloudflare-kubernetes-gateway:v0.4.0", state=waiting("CreateContainerConfigError"))])
scenario(
    "pod-starterror-command-not-in-image", "config_error", difficulty="hard",
    note="manifests from the main branch run /manager, which the released image does not contain; shows as CrashLoopBackOff with a StartError in lastState, and an earlier runAsNonRoot refusal (already fixed) as an old event",
    source=[{"url": "https://github.com/pl4nty/cloudflare-kubernetes-gateway/issues/123",
             "quote": 'exec: "/manager": stat /manager: no such file or directory: unknown'}],
    objects=[p, *_app("cloudflare-kubernetes-gateway-controller-manager", "cloudflare-gateway", p["metadata"]["name"]), node()],
    events=[event(p_prev, "Failed", 'Error: container has runAsNonRoot and image will run as root (pod: "cloudflare-kubernetes-gateway-controller-manager-7c4b9d8f6-zx7rp_cloudflare-gateway(5b1e0c2d-8f44-4d0e-a3c9-77f1b2e6d4a0)", container: manager)', count=3),
            event(p, "Failed", 'Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/manager": stat /manager: no such file or directory: unknown', count=7),
            event(p, "BackOff", "Back-off restarting failed container manager in pod " + p["metadata"]["name"] + "_cloudflare-gateway", count=25)],
)

p = pod("hcloud-cloud-controller-manager-s44fn", "kube-system", [
    container("hcloud-cloud-controller-manager", "docker.io/hetznercloud/hcloud-cloud-controller-manager:v1.26.0",
              state=waiting("CreateContainerConfigError", "couldn't find key network in Secret kube-system/hcloud"),
              env=[{"name": "HCLOUD_TOKEN", "valueFrom": {"secretKeyRef": {"name": "hcloud", "key": "token"}}},
                   {"name": "HCLOUD_NETWORK", "valueFrom": {"secretKeyRef": {"name": "hcloud", "key": "network"}}}])],
    phase="Pending", node="qgis-cloud-v3-k8s-control-1", owner=("DaemonSet", "hcloud-cloud-controller-manager"))
scenario(
    "pod-secret-key-missing-daemonset-kube-system", "config_error",
    note="cloud controller manager DaemonSet pod after a node reboot: the Secret exists but lacks the 'network' key",
    source=[{"url": "https://github.com/hetznercloud/csi-driver/issues/1389",
             "quote": "couldn't find key network in Secret kube-system/hcloud"}],
    objects=[p, node("qgis-cloud-v3-k8s-control-1")],
    events=[event(p, "Failed", "Error: couldn't find key network in Secret kube-system/hcloud", count=31)],
)

# ------------------------------------------------------------------------------------- volume_mount_failure
p = pod("nacos-0", "nacos", [_creating("nacos", "nacos/nacos-server:v2.0.3",
                                       volumeMounts=[{"name": "datadir", "mountPath": "/home/nacos/data"}])],
        phase="Pending", owner=("StatefulSet", "nacos"),
        volumes=[{"name": "datadir", "persistentVolumeClaim": {"claimName": "datadir-nacos-0"}}])
scenario(
    "pod-nfs-mount-exit-32-export-missing", "volume_mount_failure",
    note="NFS-backed PV: mount.nfs exits 32 because the export path does not exist on the server",
    source=[{"url": "https://github.com/alibaba/nacos/issues/5203",
             "quote": "mount failed: exit status 32"},
            {"url": "https://github.com/alibaba/nacos/issues/5203",
             "quote": "failed, reason given by server: No such file or directory"}],
    objects=[p, pvc("datadir-nacos-0", "nacos", storage_class="managed-nfs-storage", size="5Gi",
                    access_modes=("ReadWriteMany",), volume="pvc-e4b3c5e9-ab2b-4b6f-aa9a-4ae74d19bef5"), node()],
    events=[_scheduled(p),
            event(p, "FailedMount", '(combined from similar events): MountVolume.SetUp failed for volume "pvc-e4b3c5e9-ab2b-4b6f-aa9a-4ae74d19bef5" : mount failed: exit status 32 Mounting command: systemd-run Mounting arguments: --description=Kubernetes transient mount for /var/lib/kubelet/pods/aa323aa5-5ee9-47d3-b69f-72353b5bf74c/volumes/kubernetes.io~nfs/pvc-e4b3c5e9-ab2b-4b6f-aa9a-4ae74d19bef5 --scope -- mount -t nfs 192.168.137.121:/nfs/nfs-data/nacos-nacos-datadir-nacos-0-pvc-e4b3c5e9-ab2b-4b6f-aa9a-4ae74d19bef5 /var/lib/kubelet/pods/aa323aa5-5ee9-47d3-b69f-72353b5bf74c/volumes/kubernetes.io~nfs/pvc-e4b3c5e9-ab2b-4b6f-aa9a-4ae74d19bef5 Output: Running scope as unit run-124486.scope. mount.nfs: mounting 192.168.137.121:/nfs/nfs-data/nacos-nacos-datadir-nacos-0-pvc-e4b3c5e9-ab2b-4b6f-aa9a-4ae74d19bef5 failed, reason given by server: No such file or directory', count=23)],
)

p_new = pod("sso-mysql-2-7kq9d", "sso", [_creating("mysql", "registry.redhat.io/rhel8/mysql-80:1",
                                                   volumeMounts=[{"name": "sso-mysql-pvol", "mountPath": "/var/lib/mysql/data"}])],
            phase="Pending", node="worker-2.ocp.example.com", owner=("ReplicationController", "sso-mysql-2"),
            volumes=[{"name": "sso-mysql-pvol", "persistentVolumeClaim": {"claimName": "sso-mysql-claim"}}])
p_old = pod("sso-mysql-1-ns6b4", "sso", [container("mysql", "registry.redhat.io/rhel8/mysql-80:1")],
            node="worker-0.ocp.example.com", owner=("ReplicationController", "sso-mysql-1"),
            volumes=[{"name": "sso-mysql-pvol", "persistentVolumeClaim": {"claimName": "sso-mysql-claim"}}])
p_old["metadata"]["deletionTimestamp"] = "2026-11-20T08:02:10Z"
for _p in (p_new, p_old):
    _p["metadata"]["ownerReferences"][0]["apiVersion"] = "v1"
scenario(
    "pod-multi-attach-rwo-old-pod-terminating", "volume_mount_failure", difficulty="hard",
    note="rollout to a new node: the RWO disk is still attached for the old pod stuck Terminating on a NotReady node; the kubelet's FailedMount is only a timeout, the Multi-Attach comes from the attach/detach controller",
    source=[{"url": "https://github.com/openshift/openshift-docs/pull/24970",
             "quote": 'Multi-Attach error for volume "pvc-8837384d-69d7-40b2-b2e6-5df86943eef9" Volume is already used by pod(s) sso-mysql-1-ns6b4'},
            {"url": "https://github.com/openshift/openshift-docs/pull/24970",
             "quote": "Unable to attach or mount volumes: unmounted volumes=[sso-mysql-pvol], unattached volumes=[sso-mysql-pvol default-token-x4rzc]: timed out waiting for the condition"}],
    objects=[p_new, p_old, pvc("sso-mysql-claim", "sso", storage_class="thin", size="1Gi",
                               volume="pvc-8837384d-69d7-40b2-b2e6-5df86943eef9"),
             node("worker-2.ocp.example.com"), node("worker-0.ocp.example.com", ready="Unknown")],
    events=[_scheduled(p_new, "worker-2.ocp.example.com"),
            event(p_new, "FailedAttachVolume", 'Multi-Attach error for volume "pvc-8837384d-69d7-40b2-b2e6-5df86943eef9" Volume is already used by pod(s) sso-mysql-1-ns6b4',
                  count=1, component="attachdetach-controller"),
            event(p_new, "FailedMount", "Unable to attach or mount volumes: unmounted volumes=[sso-mysql-pvol], unattached volumes=[sso-mysql-pvol default-token-x4rzc]: timed out waiting for the condition", count=7)],
)

p = pod("csi-rbd-demo-pod", "default", [_creating("web-server", "nginx",
                                                  volumeMounts=[{"name": "mypvc", "mountPath": "/var/lib/www/html"}])],
        phase="Pending", node="master3", owner=("", ""),
        volumes=[{"name": "mypvc", "persistentVolumeClaim": {"claimName": "rbd-pvc"}}])
scenario(
    "pod-csi-driver-not-registered-rbd", "volume_mount_failure",
    note="the attach succeeded but the node has no registered rbd.csi.ceph.com plugin; older 'timeout expired waiting for volumes' wording",
    source=[{"url": "https://github.com/ceph/ceph-csi/issues/710",
             "quote": 'MountVolume.MountDevice failed for volume "pvc-5d317451-01f2-11ea-b95f-eeeeeeeeeeee" : driver name rbd.csi.ceph.com not found in the list of registered CSI drivers'}],
    objects=[p, pvc("rbd-pvc", "default", storage_class="csi-rbd-sc", size="1Gi",
                    volume="pvc-5d317451-01f2-11ea-b95f-eeeeeeeeeeee"), node("master3")],
    events=[event(p, "SuccessfulAttachVolume", 'AttachVolume.Attach succeeded for volume "pvc-5d317451-01f2-11ea-b95f-eeeeeeeeeeee"',
                  type_="Normal", count=1, component="attachdetach-controller"),
            event(p, "FailedMount", 'MountVolume.MountDevice failed for volume "pvc-5d317451-01f2-11ea-b95f-eeeeeeeeeeee" : driver name rbd.csi.ceph.com not found in the list of registered CSI drivers', count=23),
            event(p, "FailedMount", 'Unable to mount volumes for pod "csi-rbd-demo-pod_default(3ebccfa7-01f4-11ea-b95f-eeeeeeeeeeee)": timeout expired waiting for volumes to attach or mount for pod "default"/"csi-rbd-demo-pod". list of unmounted volumes=[mypvc]. list of unattached volumes=[mypvc default-token-rlwk8]', count=18)],
)

p = pod("melange-build-8d7f6c5b4-2mnqz", "build", [
    _creating("build", "cgr.dev/chainguard/melange:latest",
              volumeMounts=[{"name": "melange-key", "mountPath": "/var/secrets/melange", "readOnly": True}])],
    phase="Pending",
    volumes=[{"name": "melange-key", "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": True,
                                              "volumeAttributes": {"secretProviderClass": "melange-signing-key"}}}])
scenario(
    "pod-secrets-store-csi-driver-not-registered", "volume_mount_failure", difficulty="hard",
    note="the volume carries a signing key, so it reads like a missing-secret config problem, but the cause is that the Secrets Store CSI driver is not registered on the node",
    source=[{"url": "https://github.com/wolfi-dev/os/pull/2527",
             "quote": 'MountVolume.SetUp failed for volume "melange-key" : kubernetes.io/csi: mounter.SetUpAt failed to get CSI client: driver name secrets-store.csi.k8s.io not found in the list of registered CSI drivers'}],
    objects=[p, *_app("melange-build", "build", p["metadata"]["name"]), node()],
    events=[_scheduled(p),
            event(p, "FailedMount", 'MountVolume.SetUp failed for volume "melange-key" : kubernetes.io/csi: mounter.SetUpAt failed to get CSI client: driver name secrets-store.csi.k8s.io not found in the list of registered CSI drivers', count=14)],
)

p = pod("prometheus-k8s-0", "monitoring", [
    _creating("prometheus", "quay.io/prometheus/prometheus:v2.26.0",
              volumeMounts=[{"name": "prometheus-k8s-db", "mountPath": "/prometheus"}])],
    phase="Pending", node="s0020-worker-5878ffbc89-vv8gj", owner=("StatefulSet", "prometheus-k8s"),
    volumes=[{"name": "prometheus-k8s-db", "persistentVolumeClaim": {"claimName": "prometheus-k8s-db-prometheus-k8s-0"}}])
scenario(
    "pod-failed-attach-vsphere-soap-fault", "volume_mount_failure",
    note="FailedAttachVolume from the attach/detach controller: the vSphere CSI driver cannot attach the disk (SOAP fault from vCenter)",
    source=[{"url": "https://github.com/kubernetes-sigs/vsphere-csi-driver/issues/846",
             "quote": 'AttachVolume.Attach failed for volume "pvc-4255e1b3-3083-474e-9b13-1fc7784e842b" : rpc error: code = Internal desc = failed to attach disk'}],
    objects=[p, pvc("prometheus-k8s-db-prometheus-k8s-0", "monitoring", storage_class="vsphere-csi", size="50Gi",
                    volume="pvc-4255e1b3-3083-474e-9b13-1fc7784e842b"), node("s0020-worker-5878ffbc89-vv8gj")],
    events=[_scheduled(p, "s0020-worker-5878ffbc89-vv8gj"),
            event(p, "FailedAttachVolume", 'AttachVolume.Attach failed for volume "pvc-4255e1b3-3083-474e-9b13-1fc7784e842b" : rpc error: code = Internal desc = failed to attach disk: "7d03bad9-eaae-4bbc-b794-9049223cf609" with node: "s0020-worker-5878ffbc89-vv8gj" err ServerFaultCode: Received SOAP response fault from [<cs p:00007f5724006bf0, TCP:localhost:443>]: retrieveVStorageObject',
                  count=2725, component="attachdetach-controller")],
)

p = pod("gitea-7b9c6d5f4-rpkfk", "git", [
    _creating("gitea", "gitea/gitea:1.8.3", volumeMounts=[{"name": "data", "mountPath": "/data"}])],
    phase="Pending", node="k8s-worker-3",
    volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "gitea-data"}}])
p_other = pod("gitea-7b9c6d5f4-q8x2v", "git", [container("gitea", "gitea/gitea:1.8.3")], node="k8s-worker-1")
scenario(
    "pod-failed-attach-hcloud-already-attached", "volume_mount_failure", difficulty="hard",
    note="the cloud volume is recorded as attached to another server and will not attach; a healthy sibling pod on another node is a decoy",
    source=[{"url": "https://github.com/hetznercloud/csi-driver/issues/41",
             "quote": "rpc error: code = Internal desc = failed to publish volume: volume is already attached to a server, please detach it first (service_error)"}],
    objects=[p, p_other, *_app("gitea", "git", p["metadata"]["name"], replicas=2, ready=1),
             pvc("gitea-data", "git", storage_class="hcloud-volumes", size="10Gi",
                 volume="pvc-7ff22820-9333-11e9-b435-96000019d538"), node("k8s-worker-3"), node("k8s-worker-1")],
    events=[_scheduled(p, "k8s-worker-3"),
            event(p, "FailedAttachVolume", 'AttachVolume.Attach failed for volume "pvc-7ff22820-9333-11e9-b435-96000019d538" : rpc error: code = Internal desc = failed to publish volume: volume is already attached to a server, please detach it first (service_error)',
                  count=11, component="attachdetach-controller"),
            event(p, "FailedMount", "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data kube-api-access-9hx4t]: timed out waiting for the condition", count=5)],
    logs={log_key(p_other, "gitea"): "2026/11/20 08:10:02 ...s/graceful/server.go:62:NewServer() [I] Starting new SSH server: tcp::22 on PID: 16\n2026/11/20 08:10:02 cmd/web.go:197:listen() [I] Listen: http://0.0.0.0:3000\n"},
)

# -------------------------------------------------------------------------------------------- probe_failure
p = pod("vllm-standalone-3b-vllm-llama-3-3b-instruct-57c8d4996c-qtr8b", "llm-d", [
    container("vllm-standalone-3b-vllm-llama-3-3b-instruct", "ghcr.io/llm-d/llm-d-inference-sim:v0.1.1",
              state=running(), last=terminated(137, "Error"), restarts=6, ready=False,
              livenessProbe={"httpGet": {"path": "/health", "port": 8000}, "periodSeconds": 10, "failureThreshold": 3},
              readinessProbe={"httpGet": {"path": "/health", "port": 8000}, "periodSeconds": 10})])
scenario(
    "pod-liveness-404-health-path-missing", "probe_failure",
    note="the simulator has no /health route: liveness 404 kills it (exit 137 from SIGKILL, not an OOM) and it restarts forever",
    source=[{"url": "https://github.com/llm-d/llm-d-inference-sim/issues/45",
             "quote": "Liveness probe failed: HTTP probe failed with statuscode: 404"}],
    objects=[p, *_app("vllm-standalone-3b-vllm-llama-3-3b-instruct", "llm-d", p["metadata"]["name"],
                      image="ghcr.io/llm-d/llm-d-inference-sim:v0.1.1"), node()],
    events=[event(p, "Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 404", count=18),
            event(p, "Killing", "Container vllm-standalone-3b-vllm-llama-3-3b-instruct failed liveness probe, will be restarted", type_="Normal", count=6),
            event(p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 404", count=40)],
    logs={log_key(p, "vllm-standalone-3b-vllm-llama-3-3b-instruct"): "I1120 08:13:55.102  1 simulator.go:192] Server starting on port 8000\nI1120 08:13:55.103  1 simulator.go:215] Model meta-llama/Llama-3.2-3B-Instruct loaded\n"},
)

p = pod("api-6f7d9c8b5-hk2vz", "monocle", [
    container("api", "quay.io/change-metrics/monocle:1.3.0", state=running(), last=terminated(143, "Error"),
              restarts=9, ready=False,
              livenessProbe={"httpGet": {"path": "/api/2/health", "port": 9898}, "timeoutSeconds": 60,
                             "periodSeconds": 10, "failureThreshold": 6})])
scenario(
    "pod-liveness-404-only-in-access-log", "probe_failure", difficulty="hard",
    note="events unavailable: the only evidence is the app's access log answering kube-probe with 404 on the probe path, and repeated exit 143 restarts",
    source=[{"url": "https://github.com/change-metrics/monocle/issues/693",
             "quote": '"GET /api/2/health HTTP/1.1" 404 - "" "kube-probe/1.22+"'}],
    objects=[p, *_app("api", "monocle", p["metadata"]["name"], image="quay.io/change-metrics/monocle:1.3.0"), node()],
    unavailable=["events"],
    logs={log_key(p, "api"): 'Serving 1 tenant(s) on 0.0.0.0:9898 with elastic: http://elastic:9200\n10.244.3.1 - - [20/Nov/2026:08:14:00 +0000] "GET /api/2/health HTTP/1.1" 404 - "" "kube-probe/1.22+"\n10.244.3.1 - - [20/Nov/2026:08:14:10 +0000] "GET /api/2/health HTTP/1.1" 404 - "" "kube-probe/1.22+"\n10.244.1.9 - - [20/Nov/2026:08:14:12 +0000] "POST /api/2/get_projects HTTP/1.1" 200 - "" "Mozilla/5.0"\n10.244.3.1 - - [20/Nov/2026:08:14:20 +0000] "GET /api/2/health HTTP/1.1" 404 - "" "kube-probe/1.22+"\n',
          log_key(p, "api", previous=True): 'Serving 1 tenant(s) on 0.0.0.0:9898 with elastic: http://elastic:9200\n10.244.3.1 - - [20/Nov/2026:08:12:50 +0000] "GET /api/2/health HTTP/1.1" 404 - "" "kube-probe/1.22+"\n10.244.3.1 - - [20/Nov/2026:08:13:00 +0000] "GET /api/2/health HTTP/1.1" 404 - "" "kube-probe/1.22+"\n10.244.3.1 - - [20/Nov/2026:08:13:10 +0000] "GET /api/2/health HTTP/1.1" 404 - "" "kube-probe/1.22+"\n'},
)

p = pod("qontract-api-7d4b8c9f6-5tq2w", "app-sre", [
    container("qontract-api", "quay.io/app-sre/qontract-api:8f2c1a7", state=running(), ready=False,
              readinessProbe={"httpGet": {"path": "/health/ready", "port": 8080}, "timeoutSeconds": 5,
                              "periodSeconds": 10, "failureThreshold": 3})])
p2 = pod("qontract-api-7d4b8c9f6-m9c7x", "app-sre", [
    container("qontract-api", "quay.io/app-sre/qontract-api:8f2c1a7",
              readinessProbe={"httpGet": {"path": "/health/ready", "port": 8080}, "timeoutSeconds": 5})])
scenario(
    "pod-readiness-timeout-under-load", "probe_failure",
    note="readiness endpoint occasionally slower than timeoutSeconds: 5 under load; the pod flaps out of the Service but never restarts",
    source=[{"url": "https://github.com/app-sre/qontract-reconcile/pull/5519",
             "quote": 'Readiness probe failed: Get "http://10.130.6.151:8080/health/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'}],
    objects=[p, p2, *_app("qontract-api", "app-sre", p["metadata"]["name"], replicas=2, ready=1), node()],
    events=[event(p, "Unhealthy", 'Readiness probe failed: Get "http://10.130.6.151:8080/health/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', count=131)],
    logs={log_key(p, "qontract-api"): 'INFO:     10.130.6.1:52144 - "GET /health/ready HTTP/1.1" 200 OK\nINFO:     10.130.4.22:40118 - "POST /api/v1/reconcile HTTP/1.1" 200 OK\nINFO:     10.130.6.1:52190 - "GET /health/ready HTTP/1.1" 200 OK\n'},
)

p = pod("my-domain-exporter-774cd8596f-8fb7n", "default", [
    container("domain-exporter", "ghcr.io/shift/domain_exporter:v0.1.12", **crashloop(143, "Error", restarts=7, name="domain-exporter"),
              ports=[{"containerPort": 80, "name": "http"}],
              livenessProbe={"httpGet": {"path": "/", "port": "http"}},
              readinessProbe={"httpGet": {"path": "/", "port": "http"}})])
scenario(
    "pod-probe-wrong-port-looks-like-crashloop", "probe_failure", difficulty="hard",
    note="CrashLoopBackOff, but the exporter logs that it listens on :9203 while the chart probes port 80; the liveness kill is what restarts it",
    source=[{"url": "https://github.com/shift/domain_exporter/issues/64",
             "quote": "caller=main.go:123 level=info msg=Listening port=:9203"},
            {"url": "https://github.com/shift/domain_exporter/issues/64",
             "quote": 'Liveness probe failed: Get "http://10.88.1.106:80/": dial tcp 10.88.1.106:80: connect: connection refused'}],
    objects=[p, *_app("my-domain-exporter", "default", p["metadata"]["name"]), node()],
    events=[event(p, "Unhealthy", 'Readiness probe failed: Get "http://10.88.1.106:80/": dial tcp 10.88.1.106:80: connect: connection refused', count=9),
            event(p, "Unhealthy", 'Liveness probe failed: Get "http://10.88.1.106:80/": dial tcp 10.88.1.106:80: connect: connection refused', count=6),
            event(p, "Killing", "Container domain-exporter failed liveness probe, will be restarted", type_="Normal", count=2),
            event(p, "BackOff", "Back-off restarting failed container domain-exporter in pod my-domain-exporter-774cd8596f-8fb7n_default(0c9b1e4d-2a7f-4f3b-8d61-5e2c7a9b0f14)", count=14)],
    logs={log_key(p, "domain-exporter", previous=True): 'ts=2022-04-13T02:18:16.104Z caller=main.go:82 level=info msg="Starting domain_exporter" version="(version=, branch=, revision=)"\nts=2022-04-13T02:18:16.104Z caller=main.go:83 level=info msg="Build context" (gogo1.17.8,user,date)=(MISSING)\nts=2022-04-13T02:18:16.104Z caller=main.go:123 level=info msg=Listening port=:9203\n'},
)

p = pod("linkerd-destination-6b8f7c5d9-2xwq7", "linkerd", [
    container("destination", "cr.l5d.io/linkerd/controller:stable-2.11.4", state=running(), last=terminated(137, "Error"),
              restarts=3, livenessProbe={"httpGet": {"path": "/ping", "port": 9997}},
              readinessProbe={"httpGet": {"path": "/ready", "port": 9990}}),
    container("linkerd-proxy", "cr.l5d.io/linkerd/proxy:stable-2.11.4"),
    container("policy", "cr.l5d.io/linkerd/policy-controller:stable-2.11.4")],
    node="rpi4-node-03")
scenario(
    "pod-probe-default-1s-timeout-slow-node", "probe_failure", difficulty="hard",
    note="probes use the kubelet's default 1s timeout on a slow Raspberry Pi node; the controller itself is healthy, restarts come from liveness kills (exit 137, no OOM)",
    source=[{"url": "https://github.com/linkerd/linkerd2/issues/9128",
             "quote": 'Liveness probe failed: Get "http://10.42.2.122:9997/ping": context deadline exceeded (Client.Timeout exceeded while awaiting headers'},
            {"url": "https://github.com/linkerd/linkerd2/issues/9128",
             "quote": 'Readiness probe failed: Get "http://10.42.2.122:9990/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'}],
    objects=[p, *_app("linkerd-destination", "linkerd", p["metadata"]["name"], ready=1), node("rpi4-node-03")],
    events=[event(p, "Unhealthy", 'Liveness probe failed: Get "http://10.42.2.122:9997/ping": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', count=9),
            event(p, "Unhealthy", 'Readiness probe failed: Get "http://10.42.2.122:9990/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', count=14),
            event(p, "Killing", "Container destination failed liveness probe, will be restarted", type_="Normal", count=3)],
    logs={log_key(p, "destination"): 'time="2026-11-20T08:12:01Z" level=info msg="running version stable-2.11.4"\ntime="2026-11-20T08:12:02Z" level=info msg="starting admin server on :9996"\ntime="2026-11-20T08:12:02Z" level=info msg="waiting for caches to sync"\ntime="2026-11-20T08:12:04Z" level=info msg="caches synced"\n'},
)

p = pod("keycloak-operator-6d5c7bb879-w5shv", "keycloak", [
    container("keycloak-operator", "quay.io/keycloak/keycloak-operator:24.0.2",
              state=running(), last=terminated(143, "Error"), restarts=3, ready=False,
              startupProbe={"httpGet": {"path": "/q/health/started", "port": 8080}, "periodSeconds": 10,
                            "failureThreshold": 3},
              livenessProbe={"httpGet": {"path": "/q/health/live", "port": 8080}})],
    node="konflux-control-plane")
scenario(
    "pod-startup-probe-kills-slow-quarkus", "probe_failure", difficulty="hard",
    note="Java (Quarkus) operator on a slow VM does not open :8080 within the startup probe's budget and is killed mid-boot (exit 143); its log shows a normal, slow start",
    source=[{"url": "https://github.com/konflux-ci/konflux-ci/issues/591",
             "quote": 'Startup probe failed: Get "http://10.244.0.52:8080/q/health/started": dial tcp 10.244.0.52:8080: connect: connection refused'}],
    objects=[p, *_app("keycloak-operator", "keycloak", p["metadata"]["name"]), node("konflux-control-plane")],
    events=[event(p, "Pulled", 'Successfully pulled image "quay.io/keycloak/keycloak-operator:24.0.2" in 477ms (477ms including waiting). Image size: 203173701 bytes.', type_="Normal", count=1),
            event(p, "Unhealthy", 'Startup probe failed: Get "http://10.244.0.52:8080/q/health/started": dial tcp 10.244.0.52:8080: connect: connection refused', count=9),
            event(p, "Killing", "Container keycloak-operator failed startup probe, will be restarted", type_="Normal", count=3)],
    logs={log_key(p, "keycloak-operator", previous=True): "__  ____  __  _____   ___  __ ____  ______\n --/ __ \\/ / / / _ | / _ \\/ //_/ / / / __/\n -/ /_/ / /_/ / __ |/ , _/ ,< / /_/ /\\ \\\n--\\___\\_\\____/_/ |_/_/|_/_/|_|\\____/___/\n2026-11-20 08:12:31,402 INFO  [io.qua.ope.run.ConfigurationServiceRecorder] (main) Leader election deactivated because it is only activated for prod profile.\n2026-11-20 08:12:44,918 INFO  [io.jav.ope.Operator] (main) Operator SDK 4.8.1 is shutting down...\n"},
)

# ------------------------------------------------------------------------------------------------ oom_killed
p = pod("reportportal-analyzer-0", "reportportal", [
    container("analyzer", "reportportal/service-auto-analyzer:5.7.2",
              state=running(), last=terminated(137, "OOMKilled"), restarts=4,
              limits={"memory": "512Mi"}, requests={"cpu": "100m", "memory": "256Mi"})],
    owner=("StatefulSet", "reportportal-analyzer"))
scenario(
    "pod-oomkilled-uwsgi-kernel-event", "oom_killed",
    note="uwsgi worker exceeds the container limit: OOMKilled exit 137 in lastState and the kernel's cgroup OOM line as a node event",
    source=[{"url": "https://github.com/reportportal/kubernetes/issues/203",
             "quote": "Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986"}],
    objects=[p, node()],
    events=[event(node(), "OOMKilling", "Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986",
                  count=1, component="kernel-monitor"),
            event(p, "BackOff", "Back-off restarting failed container analyzer in pod reportportal-analyzer-0_reportportal(6b2d9f1e-3c4a-4e7b-9a58-1d0e2f3c4b5a)", count=3)],
    logs={log_key(p, "analyzer", previous=True): "*** Starting uWSGI 2.0.21 (64bit) on [Fri Nov 20 07:41:02 2026] ***\nspawned uWSGI master process (pid: 1)\nspawned uWSGI worker 1 (pid: 63214, cores: 1)\n2026-11-20 08:13:58,114 - INFO - analyzerApp.commons.esclient - Started indexing for 1 launches\n"},
)

p = pod("gnomad-api-blue-775f4c6d7d-25fwx", "gnomad", [
    container("app", "gcr.io/exac-gnomad/gnomad-api:2024-02-01", state=running(),
              last=terminated(134, "Error"), restarts=3, limits={"memory": "4Gi"},
              env=[{"name": "NODE_ENV", "value": "production"}])])
scenario(
    "pod-node-heap-fatal-exit-134", "oom_killed", difficulty="hard",
    note="no OOMKilled reason: V8 aborts itself (exit 134) when its heap limit is reached; the cause shows only in the previous container's log",
    source=[{"url": "https://github.com/kubernetes/kubernetes/issues/114142",
             "quote": "Mark-sweep (reduce) 510.5 (520.7) -> 510.2 (521.4) MB, 185.1 / 0.0 ms"},
            {"url": "https://github.com/datagouv/cdata/pull/327",
             "quote": "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"}],
    objects=[p, *_app("gnomad-api-blue", "gnomad", p["metadata"]["name"], replicas=2, ready=2), node()],
    events=[event(p, "Pulled", 'Container image "gcr.io/exac-gnomad/gnomad-api:2024-02-01" already present on machine', type_="Normal", count=4)],
    logs={log_key(p, "app", previous=True): '{"level":30,"time":1790000000000,"msg":"graphql request","operation":"VariantsInGene","ms":1840}\n\n<--- Last few GCs --->\n\n[1:0x5510430]     9018 ms: Mark-sweep (reduce) 510.5 (520.7) -> 510.2 (521.4) MB, 185.1 / 0.0 ms  (+ 185.1 ms in 40 steps since start of marking, biggest step 9.2 ms, walltime since start of marking 394 ms) (average mu = 0.190, current mu = 0.116) allocation failure\n\n<--- JS stacktrace --->\n\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n 1: 0xb7b3e0 node::Abort() [node]\n',
          log_key(p, "app"): '{"level":30,"time":1790000600000,"msg":"server listening","port":8000}\n'},
)

p = pod("strimzi-cluster-operator-7c9d8b6f5-kq2jn", "kafka", [
    container("strimzi-cluster-operator", "quay.io/strimzi/operator:0.30.0",
              **crashloop(3, "Error", restarts=5, name="strimzi-cluster-operator"),
              limits={"memory": "384Mi"},
              env=[{"name": "JAVA_OPTS", "value": "-XX:+ExitOnOutOfMemoryError"}])])
scenario(
    "pod-jvm-heap-oom-exit-3", "oom_killed", difficulty="hard",
    note="the JVM runs out of heap and exits with code 3 (ExitOnOutOfMemoryError): CrashLoopBackOff with reason Error, the OutOfMemoryError is only in the previous log",
    source=[{"url": "https://github.com/strimzi/strimzi-kafka-operator/pull/7030",
             "quote": 'Exception in thread "StrimziPodSetController" java.lang.OutOfMemoryError: Java heap space'}],
    objects=[p, *_app("strimzi-cluster-operator", "kafka", p["metadata"]["name"]), node()],
    events=[event(p, "BackOff", "Back-off restarting failed container strimzi-cluster-operator in pod " + p["metadata"]["name"] + "_kafka", count=11)],
    logs={log_key(p, "strimzi-cluster-operator", previous=True): '2026-11-20 08:13:40 INFO  StrimziPodSetController:421 - Reconciliation #1204(watch) StrimziPodSet(kafka/my-cluster-kafka): StrimziPodSet will be reconciled\nException in thread "StrimziPodSetController" java.lang.OutOfMemoryError: Java heap space\n\tat java.base/java.util.LinkedHashMap.newNode(LinkedHashMap.java:256)\n\tat java.base/java.util.HashMap.putVal(HashMap.java:627)\n\tat java.base/java.util.HashMap.put(HashMap.java:608)\n\tat com.fasterxml.jackson.databind.deser.std.UntypedObjectDeserializer$Vanilla.mapObject(UntypedObjectDeserializer.java:956)\nTerminating due to java.lang.OutOfMemoryError: Java heap space\n'},
)

p = pod("kubectl-cleanup-29412480-wx8tz", "ops", [
    container("cleanup", "bitnami/kubectl:1.27", state=terminated(137, "Error"), ready=False,
              command=["/bin/sh", "-c", "/scripts/cleanup.sh"], limits={"memory": "64Mi"})],
    phase="Failed", owner=("Job", "kubectl-cleanup-29412480"), restartPolicy="Never")
scenario(
    "pod-cgroup-oom-child-process-exit-137", "oom_killed", difficulty="hard",
    note="a CronJob's kubectl child is OOM-killed inside the container; the container ends with exit 137 reason Error, the OOM shows only as a node-problem-detector event on the node",
    source=[{"url": "https://github.com/kubernetes/node-problem-detector/issues/766",
             "quote": "Memory cgroup out of memory: Killed process 3504804 (kubectl) total-vm:753508kB, anon-rss:58776kB, file-rss:29400kB, shmem-rss:0kB, UID:0 pgtables:288kB oom_score_adj:999"}],
    objects=[p, job("kubectl-cleanup-29412480", "ops", failed=1, backoff_limit=0,
                    conditions=[{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                                 "message": "Job has reached the specified backoff limit",
                                 "lastTransitionTime": "2026-11-20T08:14:37Z", "lastProbeTime": "2026-11-20T08:14:37Z"}]),
             node()],
    events=[event(node(), "OOMKilling", "Memory cgroup out of memory: Killed process 3504804 (kubectl) total-vm:753508kB, anon-rss:58776kB, file-rss:29400kB, shmem-rss:0kB, UID:0 pgtables:288kB oom_score_adj:999",
                  count=1, component="kernel-monitor"),
            event(job("kubectl-cleanup-29412480", "ops"), "BackoffLimitExceeded", "Job has reached the specified backoff limit",
                  count=1, component="job-controller")],
    logs={log_key(p, "cleanup"): "listing completed pods in all namespaces\n/scripts/cleanup.sh: line 9:    27 Killed                  kubectl get pods -A -o json --field-selector=status.phase==Succeeded > /tmp/pods.json\n"},
)

p = pod("tomcat-app-5f6d7c8b9-gh3k2", "legacy", [
    container("tomcat", "tomcat:9.0-jdk11", state=running(), last=terminated(137, "OOMKilled"), restarts=12,
              limits={"memory": "1Gi"}, env=[{"name": "CATALINA_OPTS", "value": "-Xmx2g"}])],
    node="node-7")
scenario(
    "pod-java-process-oom-kill-node-dmesg", "oom_killed",
    note="JVM heap bigger than the container limit: the kernel cgroup OOM killer picks java (older kernel wording, 'Kill process ... or sacrifice child')",
    source=[{"url": "https://github.com/kubernetes/kubernetes/issues/56891",
             "quote": "Memory cgroup out of memory: Kill process 24572 (java) score 0 or sacrifice child"}],
    objects=[p, *_app("tomcat-app", "legacy", p["metadata"]["name"], ready=1), node("node-7")],
    events=[event(node("node-7"), "OOMKilling", "Memory cgroup out of memory: Kill process 24572 (java) score 0 or sacrifice child",
                  count=1, component="kernel-monitor")],
    logs={log_key(p, "tomcat", previous=True): "20-Nov-2026 08:01:12.402 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [8123] milliseconds\n",
          log_key(p, "tomcat"): "20-Nov-2026 08:14:20.118 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [7961] milliseconds\n"},
)

# ----------------------------------------------------------------------------------------- permission_denied
p = pod("external-dns-5bf5f97c4-bw7mg", "kube-system", [
    container("external-dns", "registry.k8s.io/external-dns/external-dns:v0.13.6",
              state=waiting("CreateContainerConfigError", 'container has runAsNonRoot and image will run as root (pod: "external-dns-5bf5f97c4-bw7mg_kube-system(d7ec6cb8-d04d-4c40-b333-1b51c5b69219)", container: external-dns'),
              args=["--interval=5m", "--events", "--source=service", "--source=ingress", "--provider=aws", "--registry=txt"],
              securityContext={"runAsNonRoot": True, "readOnlyRootFilesystem": True})],
    phase="Pending")
scenario(
    "pod-runasnonroot-image-runs-as-root", "permission_denied",
    note="CreateContainerConfigError that is a security-context refusal, not a missing ConfigMap/Secret: the new ko-built image has no numeric non-root USER",
    source=[{"url": "https://github.com/kubernetes-sigs/external-dns/issues/4003",
             "quote": "container has runAsNonRoot and image will run as root"}],
    objects=[p, *_app("external-dns", "kube-system", p["metadata"]["name"],
                      image="registry.k8s.io/external-dns/external-dns:v0.13.6"), node()],
    events=[event(p, "Failed", 'Error: container has runAsNonRoot and image will run as root (pod: "external-dns-5bf5f97c4-bw7mg_kube-system(d7ec6cb8-d04d-4c40-b333-1b51c5b69219)", container: external-dns)', count=12)],
)

p = pod("my-postgresql-postgresql-0", "my-namespace", [
    container("my-postgresql", "docker.io/bitnami/postgresql:11.3.0-debian-9-r38",
              **crashloop(1, "Error", restarts=8, name="my-postgresql"),
              volumeMounts=[{"name": "data", "mountPath": "/bitnami/postgresql"}],
              securityContext={"runAsUser": 1001})],
    owner=("StatefulSet", "my-postgresql-postgresql"),
    volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data-my-postgresql-postgresql-0"}}],
    securityContext={"fsGroup": 1001})
scenario(
    "pod-postgres-mkdir-permission-denied-on-pvc", "permission_denied",
    note="the database runs as uid 1001 and cannot create its data directory on the freshly provisioned hostPath volume",
    source=[{"url": "https://github.com/bitnami/charts/issues/1210",
             "quote": "mkdir: cannot create directory ‘/bitnami/postgresql/data’: Permission denied"}],
    objects=[p, pvc("data-my-postgresql-postgresql-0", "my-namespace", storage_class="standard", size="8Gi"), node()],
    events=[event(p, "BackOff", "Back-off restarting failed container my-postgresql in pod my-postgresql-postgresql-0_my-namespace(2d7c1e9a-6b3f-4a8e-b0d5-9f1c3e7a2b64)", count=30)],
    logs={log_key(p, "my-postgresql", previous=True): " 15:42:19.29 \n 15:42:19.30 Welcome to the Bitnami postgresql container\n 15:42:19.30 Subscribe to project updates by watching https://github.com/bitnami/bitnami-docker-postgresql\n 15:42:19.30 Submit issues and feature requests at https://github.com/bitnami/bitnami-docker-postgresql/issues\n 15:42:19.31 Send us your feedback at containers@bitnami.com\n 15:42:19.31 \n 15:42:19.34 INFO  ==> ** Starting PostgreSQL setup **\n 15:42:19.43 INFO  ==> Validating settings in POSTGRESQL_* env vars..\n 15:42:19.44 INFO  ==> Initializing PostgreSQL database...\n 15:42:19.47 INFO  ==> postgresql.conf file not detected. Generating it...\n 15:42:19.49 INFO  ==> pg_hba.conf file not detected. Generating it...\nmkdir: cannot create directory ‘/bitnami/postgresql/data’: Permission denied\n 15:42:19.51 INFO  ==> Stopping PostgreSQL...\n"},
)

p = pod("web-5c8d7f9b6-t4zq8", "storefront", [
    container("nginx", "nginx:1.21.6", **crashloop(1, "Error", restarts=5, name="nginx"),
              securityContext={"readOnlyRootFilesystem": True, "runAsNonRoot": True, "runAsUser": 101})])
scenario(
    "pod-nginx-readonly-rootfs", "permission_denied", difficulty="hard",
    note="readOnlyRootFilesystem without an emptyDir for nginx's cache dirs; the entrypoint's 'can not modify ... (read-only file system?)' info line comes first and reads like a harmless notice",
    source=[{"url": "https://github.com/namespacelabs/foundation/issues/47",
             "quote": 'nginx: [emerg] mkdir() "/var/cache/nginx/client_temp" failed (30: Read-only file system)'}],
    objects=[p, *_app("web", "storefront", p["metadata"]["name"], image="nginx:1.21.6"), node()],
    events=[event(p, "BackOff", "Back-off restarting failed container nginx in pod web-5c8d7f9b6-t4zq8_storefront(7e3a1c5d-9b2f-4d8e-a6c0-3f5b7d9e1a24)", count=9)],
    logs={log_key(p, "nginx", previous=True): '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh\n10-listen-on-ipv6-by-default.sh: info: can not modify /etc/nginx/conf.d/default.conf (read-only file system?)\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh\n/docker-entrypoint.sh: Configuration complete; ready for start up\n2022/03/04 17:05:32 [warn] 1#1: the "user" directive makes sense only if the master process runs with super-user privileges, ignored in /etc/nginx/nginx.conf:2\nnginx: [warn] the "user" directive makes sense only if the master process runs with super-user privileges, ignored in /etc/nginx/nginx.conf:2\n2022/03/04 17:05:32 [emerg] 1#1: mkdir() "/var/cache/nginx/client_temp" failed (30: Read-only file system)\nnginx: [emerg] mkdir() "/var/cache/nginx/client_temp" failed (30: Read-only file system)\n'},
)

p = pod("nodered-node-red-6f9b8c7d5-lm4xp", "home", [
    container("node-red", "nodered/node-red-docker:0.20.8",
              **crashloop(1, "Error", restarts=6, name="node-red"),
              volumeMounts=[{"name": "data", "mountPath": "/data"}])],
    volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "nodered-node-red"}}])
scenario(
    "pod-nodered-eacces-on-pvc", "permission_denied", difficulty="hard",
    note="persistence enabled: the PVC binds and attaches fine (Normal events), then the non-root app cannot write to the volume's root; the stack trace ends in fs-extra frames",
    source=[{"url": "https://github.com/helm/charts/issues/17773",
             "quote": "Error: EACCES: permission denied, copyfile '/usr/src/node-red/node_modules/node-red/settings.js' -> '/data/settings.js'"}],
    objects=[p, *_app("nodered-node-red", "home", p["metadata"]["name"]),
             pvc("nodered-node-red", "home", storage_class="nfs-client", size="1Gi", access_modes=("ReadWriteMany",)), node()],
    events=[_scheduled(p),
            event(p, "SuccessfulAttachVolume", 'AttachVolume.Attach succeeded for volume "pvc-0b1d2c3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"',
                  type_="Normal", count=1, component="attachdetach-controller"),
            event(p, "BackOff", "Back-off restarting failed container node-red in pod nodered-node-red-6f9b8c7d5-lm4xp_home(c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f)", count=17)],
    logs={log_key(p, "node-red", previous=True): "\n> node-red-docker@0.20.8 start /usr/src/node-red\n> node $NODE_OPTIONS node_modules/node-red/red.js -v $FLOWS \"--userDir\" \"/data\"\n\nError: EACCES: permission denied, copyfile '/usr/src/node-red/node_modules/node-red/settings.js' -> '/data/settings.js'\n    at Object.copyFileSync (fs.js:1801:3)\n    at copyFile (/usr/src/node-red/node_modules/fs-extra/lib/copy-sync/copy-sync.js:68:8)\n    at onFile (/usr/src/node-red/node_modules/fs-extra/lib/copy-sync/copy-sync.js:53:25)\n    at getStats (/usr/src/node-red/node_modules/fs-extra/lib/copy-sync/copy-sync.js:48:44)\n    at startCopy (/usr/src/node-red/node_modules/fs-extra/lib/copy-sync/copy-sync.js:38:10)\n"},
)

p = pod("orders-api-7b6c5d4f8-9vzt2", "orders", [
    container("orders-api", "registry.example.com/orders/api:3.2.0", **crashloop(1, "Error", restarts=5, name="orders-api"),
              env=[{"name": "PGHOST", "value": "127.0.0.1"}, {"name": "PGPORT", "value": "5432"}]),
    container("cloudsql-proxy", "gcr.io/cloudsql-docker/gce-proxy:1.09",
              command=["/cloud_sql_proxy", "-instances=myproject-157612:europe-west1-c:myproject=tcp:5432",
                       "-credential_file=/secrets/cloudsql/credentials.json"])])
scenario(
    "pod-cloudsql-proxy-sidecar-iam-denied", "permission_denied", difficulty="hard",
    note="the app container crash-loops on a closed database connection (decoy); the Cloud SQL proxy sidecar, Running and Ready, logs that its service account is not authorized",
    source=[{"url": "https://github.com/GoogleCloudPlatform/cloud-sql-proxy/issues/79",
             "quote": "googleapi: Error 403: The client is not authorized to make this request., notAuthorized"},
            {"url": "https://github.com/GoogleCloudPlatform/cloud-sql-proxy/issues/79",
             "quote": "server closed the connection unexpectedly"}],
    objects=[p, *_app("orders-api", "orders", p["metadata"]["name"]), node()],
    events=[event(p, "BackOff", "Back-off restarting failed container orders-api in pod orders-api-7b6c5d4f8-9vzt2_orders(8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d)", count=8)],
    logs={log_key(p, "orders-api", previous=True): 'INFO:orders.db:connecting to postgres at 127.0.0.1:5432\nTraceback (most recent call last):\n  File "/app/orders/main.py", line 41, in <module>\n    pool = db.connect()\n  File "/app/orders/db.py", line 18, in connect\n    return psycopg2.connect(host=os.environ["PGHOST"], port=os.environ["PGPORT"], dbname="orders")\n  File "/usr/local/lib/python3.11/site-packages/psycopg2/__init__.py", line 122, in connect\n    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)\npsycopg2.OperationalError: server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.\n\n',
          log_key(p, "cloudsql-proxy"): '2017/04/05 08:38:23 using credential file for authentication; email=cloud-sql-proxy@myproject-157612.iam.gserviceaccount.com\n2017/04/05 08:38:23 Listening on 127.0.0.1:5432 for myproject-157612:europe-west1-c:myproject\n2017/04/05 08:38:23 Ready for new connections\n2017/04/05 08:39:09 New connection for "myproject-157612:europe-west1-c:myproject"\n2017/04/05 08:39:09 couldn\'t connect to "myproject-157612:europe-west1-c:myproject": ensure that the account has access to "myproject-157612:europe-west1-c:myproject" (and make sure there\'s no typo in that name). Error during createEphemeral for myproject-157612:europe-west1-c:myproject: googleapi: Error 403: The client is not authorized to make this request., notAuthorized\n'},
)

# ------------------------------------------------------------------------------------------------------ others
p = pod("kafka-59f99cc6c5-v2rr5", "ns-stg01", [
    container("kafka", "bitnami/kafka:2.8.1"),
    container("istio-proxy", "docker.io/istio/proxyv2:1.5.2", ready=False,
              readinessProbe={"httpGet": {"path": "/healthz/ready", "port": 15021}, "periodSeconds": 2})],
    init=[container("istio-init", "docker.io/istio/proxyv2:1.5.2", state=terminated(0, "Completed"))])
scenario(
    "pod-istio-sidecar-not-ready-pilot-unreachable", "dependency_unreachable", difficulty="hard",
    note="the app container is Running and Ready; only the sidecar's readiness fails with 503, and its log says the control plane (Pilot/istiod) cannot be reached",
    source=[{"url": "https://github.com/istio/istio/issues/23410",
             "quote": "Readiness probe failed: HTTP probe failed with statuscode: 503"},
            {"url": "https://github.com/istio/istio/issues/23410",
             "quote": "Envoy proxy is NOT ready: config not received from Pilot (is Pilot running?): cds updates: 0 successful, 0 rejected; lds updates: 0 successful, 0 rejected"}],
    objects=[p, *_app("kafka", "ns-stg01", p["metadata"]["name"]), node()],
    events=[event(p, "Created", "Created container istio-proxy", type_="Normal", count=1),
            event(p, "Started", "Started container istio-proxy", type_="Normal", count=1),
            event(p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", count=298)],
    logs={log_key(p, "istio-proxy"): "[Envoy (Epoch 0)] [2020-04-29 14:43:53.534][19][warning][config] [bazel-out/k8-opt/bin/external/envoy/source/common/config/_virtual_includes/grpc_stream_lib/common/config/grpc_stream.h:91] gRPC config stream closed: 14, upstream connect error or disconnect/reset before headers. reset reason: connection failure\n2020-04-29T14:43:54.323650Z\tinfo\tEnvoy proxy is NOT ready: config not received from Pilot (is Pilot running?): cds updates: 0 successful, 0 rejected; lds updates: 0 successful, 0 rejected\n",
          log_key(p, "kafka"): "[2026-11-20 08:10:11,402] INFO [KafkaServer id=0] started (kafka.server.KafkaServer)\n"},
)

p = pod("clair-6d9f8b7c5-jr4nk", "kubei", [
    container("clair", "quay.io/coreos/clair:v2.1.4", state=waiting("PodInitializing"), ready=False)],
    init=[container("check-db-ready", "postgres:12", state=running(), ready=False,
                    command=["sh", "-c", "until pg_isready -h postgres -p 5432; do echo waiting for database; sleep 2; done;"])],
    phase="Pending")
p_db = pod("postgres-5b8c7d6f9-zz8qp", "kubei", [container("postgres", "centos/postgresql-12-centos7")])
scenario(
    "pod-init-waits-forever-for-database", "dependency_unreachable", difficulty="hard",
    note="Init:0/1 with no error event: the init container loops forever because the database name it checks does not answer; the database pod itself is Running and logs a normal start (decoy)",
    source=[{"url": "https://github.com/openclarity/openclarity/issues/26",
             "quote": "postgres:5432 - no response\nwaiting for database"}],
    objects=[p, p_db, *_app("clair", "kubei", p["metadata"]["name"]), node()],
    events=[_scheduled(p),
            event(p, "Started", "Started container check-db-ready", type_="Normal", count=1)],
    logs={log_key(p, "check-db-ready"): "postgres:5432 - no response\nwaiting for database\npostgres:5432 - no response\nwaiting for database\npostgres:5432 - no response\nwaiting for database\n",
          log_key(p_db, "postgres"): '2020-08-06 12:25:18.587 UTC [1] LOG:  starting PostgreSQL 12.3 on x86_64-pc-linux-gnu, compiled by gcc (GCC) 8.3.1 20191121 (Red Hat 8.3.1-5), 64-bit\n2020-08-06 12:25:18.588 UTC [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432\n'},
)

p = pod("csi-node-7xk2p", "csi-system", [
    container("driver", "registry.example.com/storage/sep-csi-driver:2.4.0"),
    container("liveness-probe", "registry.k8s.io/sig-storage/livenessprobe:v2.8.0",
              **crashloop(2, "Error", restarts=4, name="liveness-probe"), args=["--csi-address=/csi/csi.sock"])],
    owner=("DaemonSet", "csi-node"))
scenario(
    "pod-livenessprobe-sidecar-panics", "application_crash", difficulty="hard",
    note="the container named 'liveness-probe' reads like a probe problem, but it is the CSI livenessprobe sidecar itself panicking on a nil gRPC connection (exit 2)",
    source=[{"url": "https://github.com/kubernetes-csi/livenessprobe/issues/176",
             "quote": "panic: runtime error: invalid memory address or nil pointer dereference"},
            {"url": "https://github.com/kubernetes-csi/livenessprobe/issues/176",
             "quote": "google.golang.org/grpc.(*ClientConn).Close(0x0)"}],
    objects=[p, node()],
    events=[event(p, "BackOff", "Back-off restarting failed container liveness-probe in pod csi-node-7xk2p_csi-system(4f3e2d1c-0b9a-4877-a665-5d4c3b2a1f0e)", count=6)],
    logs={log_key(p, "liveness-probe", previous=True): "I1120 08:02:11.004121       1 main.go:149] calling CSI driver to discover driver name\nI1120 08:02:11.006322       1 main.go:155] CSI driver name: \"sep.csi.example.com\"\nI1120 08:02:11.006351       1 main.go:183] ServeMux listening at \"0.0.0.0:9808\"\npanic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x10 pc=0x857ceb]\n\ngoroutine 130244 [running]:\ngoogle.golang.org/grpc.(*ClientConn).Close(0x0)\n\t/workspace/vendor/google.golang.org/grpc/clientconn.go:1017 +0x4b\nmain.acquireConnection.func1()\n\t/workspace/cmd/livenessprobe/main.go:103 +0x16a\ncreated by main.acquireConnection\n\t/workspace/cmd/livenessprobe/main.go:97 +0x1a5\n",
          log_key(p, "driver"): "I1120 08:14:30.118842       1 node.go:211] NodeGetCapabilities: called\n"},
)
