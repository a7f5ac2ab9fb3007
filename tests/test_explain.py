"""Root-cause analysis of real incidents: context read from the simulated cluster, the report stored, on
the timeline, in chat and the console; triggered by a rule, a person (console, chat) or the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from incidents.detection import poll_cluster
from incidents.models import AuditEntry, Cluster, Incident, RootCauseReport
from incidents.rca.evidence import gather_context
from incidents.rca.service import run_root_cause_analysis
from tests.helpers import eventually
from tests.simulated import simulated_cluster

pytestmark = pytest.mark.django_db
SCENARIO = {"name": "rca", "namespaces": ["shop"], "nodes": [{"name": "sim-node-1"}, {"name": "sim-node-2",
                                                                                       "ready": False}],
            "deployments": [
                {"name": "checkout", "namespace": "shop", "image": "shop/checkout:1.4.2", "state": "crashloop",
                 "logs": "INFO DATABASE_PASSWORD=hunter2 (from env)\n"
                         "INFO connecting to orders-db.shop.svc:5432\nTraceback (most recent call last):\n"
                         "  File \"/app/db.py\", line 57, in connect\n"
                         "ConnectionRefusedError: [Errno 111] Connection refused\n"},
                {"name": "reports", "namespace": "shop", "image": "shop/reports:2.0", "state": "oomkilled"},
                {"name": "search", "namespace": "shop", "image": "shop/search:9.9.9-typo", "state": "imagepull"}]}


@pytest.fixture
def incidents(tmp_path: Path, monkeypatch, django_capture_on_commit_callbacks) -> Iterator[dict[str, Incident]]:
    from celery.app.task import Task

    from incidents import tasks

    queued: list[int] = []
    monkeypatch.setattr(Task, "apply_async", lambda self, args=(), kwargs=None, **options: None)
    monkeypatch.setattr(tasks.run_rca, "apply_async", lambda args=(), kwargs=None, **options: queued.append(args[0]))
    with simulated_cluster(tmp_path, SCENARIO) as kubeconfig:
        call_command("load_defaults")
        cluster = Cluster.objects.create(name="sim", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(kubeconfig))
        with django_capture_on_commit_callbacks(execute=True):
            poll_cluster(cluster.pk)
        by_name = {i.object_name: i for i in Incident.objects.filter(cluster=cluster)}
        # The default rules with run_rca: the crash loop, the OOM kill and the image pull (not the node).
        assert sorted(queued) == sorted(by_name[n].pk for n in ("checkout", "reports", "search"))
        yield by_name


def test_each_incident_gets_the_right_root_cause_from_the_cluster(incidents):
    expected = {"checkout": "dependency_unreachable", "reports": "oom_killed", "search": "image_pull_error",
                "sim-node-2": "node_failure"}
    found = {name: run_root_cause_analysis(incidents[name].pk).category for name in expected}
    assert found == expected
    checkout = RootCauseReport.objects.filter(incident=incidents["checkout"]).get()
    assert "orders-db.shop.svc:5432" in json.dumps(checkout.report) or "Connection refused" in json.dumps(
        checkout.report)
    assert AuditEntry.objects.filter(action="rca.completed").count() == 4


def test_the_context_is_the_workloads_pods_events_logs_and_node(incidents):
    objects, events, logs, unavailable = gather_context(incidents["checkout"])
    kinds = sorted({o["kind"] for o in objects})
    assert kinds == ["Deployment", "Node", "Pod", "ReplicaSet"]  # the owner and its revisions too
    assert unavailable == []  # quotas, limit ranges and policies read too: the namespace has none
    assert all(o["metadata"]["name"].startswith("checkout-") for o in objects if o["kind"] == "Pod")
    assert events and all(e["involvedObject"]["name"].startswith("checkout") for e in events)
    assert any("Connection refused" in text for text in logs.values())


def test_people_ask_for_it_from_chat_the_console_and_the_cli(incidents, client, admin_user):
    from chat.handler import handle_message
    from chat.messages import IncomingMessage
    from chat.models import ChatIdentity

    incident = incidents["reports"]
    ChatIdentity.objects.create(user=admin_user, telegram_user_id=5)
    [reply] = handle_message(IncomingMessage("5", "telegram", f"/rca {incident.pk}", {"chat_id": 5}))
    assert reply.text == f"RCA for incident #{incident.pk} started; the result will be posted here."  # queued

    out = StringIO()
    call_command("rca", str(incident.pk), stdout=out)
    assert json.loads(out.getvalue())["category"] == "oom_killed"

    client.force_login(admin_user)
    page = client.get(f"/console/incidents/{incident.pk}/").content.decode()
    assert 'id="rca-summary"' in page and "oom_killed" in page
    assert client.post(f"/console/incidents/{incident.pk}/rca/").status_code == 302


GOOD = {"summary": "checkout cannot reach its database orders-db, so it exits at start-up.",
        "root_cause": "orders-db.shop.svc:5432 refuses connections", "category": "dependency_unreachable",
        "confidence": 0.8, "evidence": ["ConnectionRefusedError: [Errno 111] Connection refused"],
        "recommended_actions": [{"action": "look at the database pods", "tool": "kubernetes.list_pods"},
                                {"action": "restart once the database is back", "playbook": "crashloop-remediation"}],
        "affected_resources": ["Deployment/shop/checkout"],
        "hypotheses": [{"category": "application_crash", "confidence": 0.2, "summary": "a bug at start-up"}]}


@pytest.fixture
def llm(settings, monkeypatch):
    from tests.llmapi import openai_compatible_server

    with openai_compatible_server() as api:
        monkeypatch.setenv("OPENAI_BASE_URL", api.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        settings.LLM_MODEL, settings.LLM_TIMEOUT_SECONDS = "tiny", 5
        yield api


def test_the_llm_answers_in_the_schema_without_seeing_secrets(incidents, llm):
    llm.script = [{"content": json.dumps(GOOD)}]
    stored = run_root_cause_analysis(incidents["checkout"].pk)
    assert stored.engine == "llm" and stored.category == "dependency_unreachable"
    assert stored.report["recommended_actions"][1] == ("restart once the database is back "
                                                       "(playbook crashloop-remediation)")
    [request] = llm.requests
    assert request["response_format"]["type"] == "json_schema"
    prompt = request["messages"][-1]["content"]
    assert "Connection refused" in prompt and "hunter2" not in prompt


def test_an_invalid_answer_is_retried_once_then_the_deterministic_engine_answers(incidents, llm):
    bad = {**GOOD, "recommended_actions": [{"action": "reboot the cluster", "playbook": "reboot-everything"}]}
    llm.script = [{"content": json.dumps(bad)}, {"content": json.dumps(GOOD)}]
    assert run_root_cause_analysis(incidents["checkout"].pk).engine == "llm"
    assert "unknown playbook 'reboot-everything'" in llm.requests[1]["messages"][-1]["content"]

    llm.script = [{"content": "the database, probably"}, {"content": json.dumps({**GOOD, "category": "gremlins"})}]
    fallback = run_root_cause_analysis(incidents["checkout"].pk)
    assert fallback.engine == "deterministic" and fallback.category == "dependency_unreachable"
    assert "the LLM's answer was invalid twice" in fallback.summary


def test_names_can_be_hidden_from_the_llm_and_put_back_in_the_report(incidents, llm, settings):
    settings.RCA_ANONYMISE = True
    pod = Incident.objects.get(pk=incidents["checkout"].pk)
    llm.script = [{"content": json.dumps({**GOOD, "affected_resources": ["obj-1"]})}]
    stored = run_root_cause_analysis(pod.pk)
    prompt = llm.requests[0]["messages"][-1]["content"]
    assert "checkout-" not in prompt and "obj-1" in prompt
    assert stored.report["affected_resources"][0].startswith("checkout-")


def deterministic_then_llm(incident: Incident, llm, settings, answer: dict) -> tuple[dict, RootCauseReport, str]:
    """The engine's report alone (no model set), then the LLM's with `answer`, and the prompt it was sent."""
    model, settings.LLM_MODEL = settings.LLM_MODEL, ""
    engine = run_root_cause_analysis(incident.pk).report
    settings.LLM_MODEL = model
    llm.script = [{"content": json.dumps(answer)}]
    stored = run_root_cause_analysis(incident.pk)
    [request] = llm.requests
    return engine, stored, request["messages"][-1]["content"]


def findings_part(prompt: str) -> str:
    assert prompt.index("== Rule-based engine's findings ==") < prompt.index("== Raw incident context")
    return prompt.split("== Rule-based engine's findings ==")[1].split("== Raw incident context")[0]


def test_the_llm_is_given_the_engines_findings_first_and_agreeing_keeps_its_evidence_chain(incidents, llm,
                                                                                          settings):
    engine, stored, prompt = deterministic_then_llm(incidents["checkout"], llm, settings, GOOD)
    assert engine["category"] == "dependency_unreachable" and engine["evidence_chain"] and engine["runner_up"]
    findings = findings_part(prompt)
    assert f"Verdict: dependency_unreachable (confidence {engine['confidence']:.2f})" in findings
    assert all(line in findings for line in engine["evidence_chain"])
    assert any(line.startswith("  explains: ") for line in engine["evidence_chain"])  # the symptoms explained
    runner = engine["runner_up"]
    assert f"Runner-up: {runner['category']} (score {runner['score']:.2f})" in findings
    assert all(f"{h['category']} (score {h['score']:.2f})" in findings for h in engine["hypotheses"][:8])
    assert "Not read (missing evidence): nothing" in findings
    assert "Connection refused" in prompt and "hunter2" not in prompt  # the raw context too, redacted

    assert stored.engine == "llm" and stored.category == engine["category"]
    assert stored.report["evidence_chain"] == engine["evidence_chain"] and stored.report["missing"] == []
    assert stored.report["runner_up"]["category"] == "application_crash"  # the model's own runner-up


def test_disagreeing_the_llm_ranks_the_engines_verdict_as_its_runner_up(incidents, llm, settings):
    answer = {**GOOD, "category": "application_crash", "root_cause": "a bug at start-up",
              "hypotheses": [{"category": "dependency_unreachable", "confidence": 0.3, "summary": "the database"},
                             {"category": "config_error", "confidence": 0.1, "summary": "a wrong address"}]}
    engine, stored, _ = deterministic_then_llm(incidents["checkout"], llm, settings, answer)
    assert stored.category == "application_crash" and stored.report["evidence_chain"] == []
    ranked = stored.report["hypotheses"]
    assert [h["category"] for h in ranked] == ["application_crash", "dependency_unreachable", "config_error"]
    assert stored.report["runner_up"]["category"] == engine["category"]
    assert stored.report["runner_up"]["summary"].startswith("the rule-based engine's verdict: ")


def test_with_names_hidden_the_engines_findings_name_no_object(incidents, llm, settings):
    settings.RCA_ANONYMISE = True
    engine, stored, prompt = deterministic_then_llm(incidents["checkout"], llm, settings, GOOD)
    findings = findings_part(prompt)
    chain = findings.split("Evidence chain")[1].split("\nRunner-up: ")[0].splitlines()[1:]
    assert len(chain) == len(engine["evidence_chain"]) and "obj-" in "".join(chain)
    assert f"Runner-up: {engine['runner_up']['category']}" in findings
    for name in ("checkout", "shop", "sim-node-1", "orders-db.shop"):
        assert name not in prompt, name
    assert stored.report["evidence_chain"] == engine["evidence_chain"]  # the report names them again


def test_the_engines_findings_survive_the_prompts_bound(llm):
    from incidents.rca.engine import analyze
    from incidents.rca.llm import MAX_PROMPT_CHARS, llm_root_cause

    pod = {"kind": "Pod", "metadata": {"name": "api-7f9c", "namespace": "shop"}, "spec": {"containers": [
        {"name": "api", "image": "shop/api:1"}]}, "status": {"phase": "Running", "containerStatuses": [
            {"name": "api", "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
             "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}]}}
    chatter = [f"INFO request {n} served " + "x" * 1000 for n in range(60)]
    refused = "ConnectionRefusedError: [Errno 111] Connection refused (postgres://app:hunter2@orders-db:5432)"
    logs = {"shop/api-7f9c/api": "\n".join([*chatter, refused])}
    engine = analyze([pod], [], logs)
    assert engine.category == "dependency_unreachable" and "orders-db:5432" in "".join(engine.chain)
    llm.script = [{"content": json.dumps(GOOD)}]
    llm_root_cause([pod], [], logs, engine)
    prompt = llm.requests[0]["messages"][-1]["content"]
    assert len(prompt) <= MAX_PROMPT_CHARS and prompt.endswith("[cut]")  # the raw log tails were cut...
    assert all(line in findings_part(prompt) for line in engine.chain)  # ... not the engine's findings
    assert "hunter2" not in prompt


SIBLINGS = {"name": "siblings", "namespaces": ["shop"], "nodes": [{"name": "sim-node-1"}], "deployments": [
    {"name": "checkout", "namespace": "shop", "image": "shop/checkout:1.4.2", "state": "crashloop", "replicas": 2,
     "logs": "connecting to orders-db.shop.svc:5432\nConnectionRefusedError: [Errno 111] Connection refused\n"},
    # Created after checkout (so its pods are the newest) and named with checkout's name as a prefix.
    {"name": "checkout-db", "namespace": "shop", "image": "shop/postgres:16", "state": "oomkilled", "replicas": 2}]}


def workload_incident(cluster: Cluster, kind: str, name: str, namespace: str = "shop") -> Incident:
    key = f"{cluster.name}-{kind}-{name}"
    return Incident.objects.create(cluster=cluster, namespace=namespace, object_kind=kind, object_name=name,
                                   fingerprint=key, group_key=key, title=name)


def owner_chain(objects: list[dict], pod: dict) -> list[str]:
    """Pod -> ReplicaSet -> Deployment, by the ownerReferences of the objects in the context."""
    by_name = {(o["kind"], o["metadata"]["name"]): o for o in objects}
    chain, current = [], pod
    while refs := current["metadata"].get("ownerReferences"):
        chain.append(f"{refs[0]['kind']}/{refs[0]['name']}")
        current = by_name.get((refs[0]["kind"], refs[0]["name"]), {"metadata": {}})
    return chain


def test_a_workload_whose_name_starts_another_s_gets_only_its_own_pods(tmp_path: Path) -> None:
    with simulated_cluster(tmp_path, SIBLINGS) as kubeconfig:
        cluster = Cluster.objects.create(name="sim", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(kubeconfig))
        checkout, database = (workload_incident(cluster, "Deployment", name) for name in ("checkout", "checkout-db"))
        objects, events, logs, _ = gather_context(checkout)
        pods = [o for o in objects if o["kind"] == "Pod"]
        assert len(pods) == 2 and all(not o["metadata"]["name"].startswith("checkout-db") for o in objects
                                      if o["kind"] in {"Pod", "ReplicaSet"})
        assert all(owner_chain(objects, pod)[-1] == "Deployment/checkout" for pod in pods)
        assert events and not [e for e in events if e["involvedObject"]["name"].startswith("checkout-db")]
        assert logs and not [key for key in logs if "checkout-db" in key]
        assert run_root_cause_analysis(checkout.pk).category == "dependency_unreachable"

        objects, events, logs, _ = gather_context(database)
        pods = [o for o in objects if o["kind"] == "Pod"]
        assert len(pods) == 2 and all(o["metadata"]["name"].startswith("checkout-db-") for o in pods)
        assert all(e["involvedObject"]["name"].startswith("checkout-db") for e in events)
        assert run_root_cause_analysis(database.pk).category == "oom_killed"


def _manifests(namespace: str) -> str:
    pod = {"containers": [{"name": "app", "image": "registry.invalid/app:1"}], "terminationGracePeriodSeconds": 1}
    job = {"template": {"metadata": {"labels": {"app": "checkout-report"}}, "spec": {**pod, "restartPolicy": "Never"}},
           "backoffLimit": 0}
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "checkout-cache", "namespace": namespace},
         "spec": {"serviceName": "checkout-cache", "replicas": 1,
                  "selector": {"matchLabels": {"app": "checkout-cache"}},
                  "template": {"metadata": {"labels": {"app": "checkout-cache"}}, "spec": pod}}},
        {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "checkout-report", "namespace": namespace},
         "spec": {"schedule": "0 3 * * *", "suspend": True, "jobTemplate": {"spec": job}}}]})


@pytest.mark.once  # not about the database engine: one CI pass
def test_on_a_real_control_plane_each_workload_gets_the_pods_its_controllers_made(realkube, tmp_path: Path) -> None:
    """Real controllers make the pods: a Deployment's through its ReplicaSet, a StatefulSet's and a Job's
    directly, a CronJob's through its Job. Names share the prefix `checkout`; ownership tells them apart."""
    import uuid

    namespace, node = f"rca-own-{uuid.uuid4().hex[:6]}", f"rca-own-node-{uuid.uuid4().hex[:6]}"
    realkube.sim("node", node)
    for name in ("checkout", "checkout-db"):
        realkube.sim("deploy", namespace, name, "--replicas", "2")
    realkube.sim("pods", namespace, "checkout", "crashloop", "--node", node)
    realkube.sim("pods", namespace, "checkout-db", "oom", "--node", node)
    realkube.kubectl("apply", "-f", "-", stdin=_manifests(namespace))
    realkube.kubectl("create", "job", "checkout-report-1", "--from=cronjob/checkout-report", "-n", namespace)

    def pods_of(app: str) -> set[str]:  # by the label each controller copies from its template
        found = realkube.get(f"/api/v1/namespaces/{namespace}/pods?labelSelector=app%3D{app}")["items"]
        return {p["metadata"]["name"] for p in found}

    eventually(lambda: pods_of("checkout-cache") and pods_of("checkout-report"),
               "pods of the StatefulSet and the Job controllers", 60)
    checkout_pod = sorted(pods_of("checkout"))[0]
    db_pod = sorted(pods_of("checkout-db"))[0]
    realkube.sim("event", namespace, checkout_pod, "BackOff", "Back-off restarting failed container app")
    realkube.sim("event", namespace, db_pod, "BackOff", "Back-off restarting failed container app")

    cluster = Cluster.objects.create(name="realkube", kind=Cluster.Kind.KUBECONFIG,
                                     kubeconfig_path=str(realkube.kubeconfig))
    expected = {("Deployment", "checkout"): pods_of("checkout"), ("Deployment", "checkout-db"): pods_of("checkout-db"),
                ("StatefulSet", "checkout-cache"): pods_of("checkout-cache"),
                ("CronJob", "checkout-report"): pods_of("checkout-report"),
                ("Job", "checkout-report-1"): pods_of("checkout-report"), ("Pod", checkout_pod): {checkout_pod}}
    assert len(expected[("Deployment", "checkout")]) == len(expected[("Deployment", "checkout-db")]) == 2
    contexts = {}
    for (kind, name), pods in expected.items():
        contexts[kind, name] = gather_context(workload_incident(cluster, kind, name, namespace))
        assert {o["metadata"]["name"] for o in contexts[kind, name][0] if o["kind"] == "Pod"} == pods, (kind, name)

    # Each gets its workload and the controllers between it and its pods, whose conditions the engine reads.
    controllers = {key: {(o["kind"], o["metadata"]["name"]) for o in context[0] if o["kind"] not in {"Pod", "Node"}}
                   for key, context in contexts.items()}
    assert controllers["StatefulSet", "checkout-cache"] == {("StatefulSet", "checkout-cache")}
    assert controllers["Job", "checkout-report-1"] == controllers["CronJob", "checkout-report"] == {
        ("CronJob", "checkout-report"), ("Job", "checkout-report-1")}
    assert {kind for kind, _ in controllers["Pod", checkout_pod]} == {"Deployment", "ReplicaSet"}
    assert ("Deployment", "checkout") in controllers["Pod", checkout_pod]
    # The admin reads everything; only the crash-looping pods' logs are missing (the simulated kubelet has none).
    assert {key: context[3] for key, context in contexts.items() if context[3]} == {
        ("Deployment", "checkout"): ["logs"], ("Deployment", "checkout-db"): ["logs"], ("Pod", checkout_pod): ["logs"]}

    _, events, _, _ = contexts["Deployment", "checkout"]
    about = {e["involvedObject"]["name"] for e in events}
    assert checkout_pod in about and db_pod not in about
    assert not [name for name in about if name.startswith("checkout-db")]
    assert any(name.startswith("checkout-") and name not in pods_of("checkout") for name in about)  # its ReplicaSet


# --- What the controllers could not do, and what the agent may not read (a real API server) ----------------------

def _of(objects: list[dict], kind: str) -> list[dict]:
    return [o for o in objects if o["kind"] == kind]


def _condition(obj: dict, kind: str) -> dict:
    return next((c for c in (obj.get("status") or {}).get("conditions") or [] if c["type"] == kind), {})


@pytest.fixture(scope="module")
def quota_used_up(realkube) -> dict[str, str]:
    """A namespace whose ResourceQuota allows one pod, and a Deployment of two there: the real ReplicaSet
    controller's second pod is refused (FailedCreate, exceeded quota). A LimitRange and a NetworkPolicy of
    another app are there too."""
    from tests.kubetools import apply, namespace, own_node, unique, workload

    ns, node = namespace(realkube, "rca-quota"), own_node(realkube, unique("rca-quota-node"))
    apply(realkube, {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "pods", "namespace": ns},
                     "spec": {"hard": {"pods": "1"}}},
          {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "sizes", "namespace": ns},
           "spec": {"limits": [{"type": "Container", "max": {"memory": "1Gi"}}]}},
          {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "batch-isolated",
                                                                                      "namespace": ns},
           "spec": {"podSelector": {"matchLabels": {"app": "batch"}}, "policyTypes": ["Ingress"]}})
    # Until the quota controller has counted the namespace, admission refuses every pod ("status unknown").
    eventually(lambda: (realkube.get(f"/api/v1/namespaces/{ns}/resourcequotas/pods").get("status") or {})
               .get("hard"), "the quota controller to count the namespace", 60)
    apply(realkube, workload("Deployment", ns, "web", node, replicas=2))
    eventually(lambda: [e for e in realkube.get(f"/api/v1/namespaces/{ns}/events")["items"]
                        if e["reason"] == "FailedCreate" and "exceeded quota" in e["message"]],
               "the ReplicaSet's FailedCreate (exceeded quota)", 60)
    realkube.sim("pods", ns, "web", "running", "--node", node)
    eventually(lambda: _condition(realkube.get(f"/apis/apps/v1/namespaces/{ns}/deployments/web"),
                                  "ReplicaFailure").get("status") == "True",
               "the Deployment's ReplicaFailure condition", 60)
    return {"namespace": ns, "node": node}


@pytest.mark.once
def test_on_a_real_control_plane_a_used_up_quota_is_why_a_deployment_lacks_pods(realkube, quota_used_up) -> None:
    from incidents.rca.engine import analyze

    ns = quota_used_up["namespace"]
    cluster = Cluster.objects.create(name="realkube", kind=Cluster.Kind.KUBECONFIG,
                                     kubeconfig_path=str(realkube.kubeconfig))
    incident = workload_incident(cluster, "Deployment", "web", ns)
    objects, events, logs, unavailable = gather_context(incident)
    assert unavailable == []
    [quota] = _of(objects, "ResourceQuota")
    assert quota["status"]["used"]["pods"] == quota["status"]["hard"]["pods"] == "1"
    assert [o["metadata"]["name"] for o in _of(objects, "LimitRange") + _of(objects, "NetworkPolicy")] == [
        "sizes", "batch-isolated"]  # all of the namespace's: the engine decides which select the pods
    [deployment] = _of(objects, "Deployment")
    assert _condition(deployment, "ReplicaFailure")["reason"] == "FailedCreate"
    [replica_set] = _of(objects, "ReplicaSet")
    assert "exceeded quota" in _condition(replica_set, "ReplicaFailure")["message"]
    [pod] = _of(objects, "Pod")
    assert any(e["involvedObject"] == {**e["involvedObject"], "kind": "ReplicaSet",
                                       "name": replica_set["metadata"]["name"]}
               and e["reason"] == "FailedCreate" and "exceeded quota" in e["message"] for e in events)
    assert analyze(objects, events, logs, unavailable=unavailable).category == "quota_exceeded"
    stored = run_root_cause_analysis(incident.pk)
    assert stored.category == "quota_exceeded" and stored.report["missing"] == []

    # The pod's own incident: its controllers are found up its owners (ReplicaSet, then Deployment).
    objects, events, _, unavailable = gather_context(workload_incident(cluster, "Pod", pod["metadata"]["name"], ns))
    assert [(o["kind"], o["metadata"]["name"]) for o in objects if o["kind"] in {"Deployment", "ReplicaSet"}] == [
        ("Deployment", "web"), ("ReplicaSet", replica_set["metadata"]["name"])]
    assert unavailable == [] and any(e["reason"] == "FailedCreate" for e in events)


@pytest.mark.once
def test_a_quota_the_agent_may_not_read_is_named_and_the_analysis_still_answers(realkube, quota_used_up,
                                                                                 tmp_path: Path) -> None:
    """An identity with the shipped read-only rules but resourcequotas: the API server's 403 on the quotas lands
    in `unavailable`, the report says what it could not read, and the controllers' evidence still answers."""
    import uuid

    import yaml

    from tests.kubetools import ROOT, apply

    ns = quota_used_up["namespace"]
    [role] = [d for d in yaml.safe_load_all((ROOT / "deploy/kubernetes/rbac-readonly.yaml").read_text())
              if d["kind"] == "ClusterRole"]
    assert any("resourcequotas" in rule["resources"] for rule in role["rules"])
    rules = [{**rule, "resources": [r for r in rule["resources"] if r != "resourcequotas"]} for rule in role["rules"]]
    name = f"rca-no-quotas-{uuid.uuid4().hex[:6]}"
    realkube.kubectl("create", "serviceaccount", "reader", "-n", ns)
    apply(realkube, {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": name},
                     "rules": rules},
          {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": name},
           "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
           "subjects": [{"kind": "ServiceAccount", "name": "reader", "namespace": ns}]})

    def can(verb: str, resource: str) -> bool:
        try:
            return realkube.kubectl("auth", "can-i", verb, resource, "-n", ns,
                                    "--as", f"system:serviceaccount:{ns}:reader").strip() == "yes"
        except AssertionError:  # exit status 1: no
            return False

    eventually(lambda: can("list", "networkpolicies.networking.k8s.io"), "the reader's role to apply", 30)
    assert not can("list", "resourcequotas")
    kubeconfig = realkube.service_account_kubeconfig(ns, "reader", tmp_path / "reader")
    reader = Cluster.objects.create(name="realkube-reader", kind=Cluster.Kind.KUBECONFIG,
                                    kubeconfig_path=str(kubeconfig))
    incident = workload_incident(reader, "Deployment", "web", ns)
    objects, events, _, unavailable = gather_context(incident)
    assert unavailable == ["resourcequotas"]
    assert not _of(objects, "ResourceQuota")
    assert {"Deployment", "ReplicaSet", "Pod", "Node", "LimitRange", "NetworkPolicy"} <= {o["kind"] for o in objects}
    assert any(e["reason"] == "FailedCreate" and "exceeded quota" in e["message"] for e in events)

    partial = run_root_cause_analysis(incident.pk)
    assert partial.category == "quota_exceeded" and partial.report["missing"] == ["resourcequotas"]
    assert "resourcequotas" in partial.summary
    admin = Cluster.objects.create(name="realkube", kind=Cluster.Kind.KUBECONFIG,
                                   kubeconfig_path=str(realkube.kubeconfig))
    full = run_root_cause_analysis(workload_incident(admin, "Deployment", "web", ns).pk)
    assert full.category == "quota_exceeded" and partial.confidence < full.confidence


@pytest.mark.once
def test_on_a_real_control_plane_init_containers_logs_are_read_like_the_apps(realkube) -> None:
    """A pod whose init container keeps failing: its current and previous logs come through the API server's
    log proxy, keyed by the init container's name."""
    from kubernetes.client import CoreV1Api

    from tests.kubetools import apply, namespace, own_node, pod_template, unique

    ns, node = namespace(realkube, "rca-init"), own_node(realkube, unique("rca-init-node"))
    template = pod_template("api", node)
    template["spec"]["initContainers"] = [{"name": "wait-db", "image": "registry.invalid/busybox:1",
                                           "command": ["sh", "-c", "until nc -z db 5432; do sleep 1; done"]}]
    apply(realkube, {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "api", "namespace": ns},
                     "spec": {"serviceName": "api", "replicas": 1, "selector": {"matchLabels": {"app": "api"}},
                              "template": template}})
    eventually(lambda: [p for p in realkube.get(f"/api/v1/namespaces/{ns}/pods")["items"]
                        if p["metadata"]["name"] == "api-0" and p["spec"].get("nodeName")],
               "the StatefulSet's pod, bound by the scheduler", 60)
    waiting = {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s restarting failed container"}}
    CoreV1Api(realkube.api()).patch_namespaced_pod_status("api-0", ns, {"status": {
        "phase": "Pending", "initContainerStatuses": [
            {"name": "wait-db", "image": "registry.invalid/busybox:1", "imageID": "", "ready": False,
             "restartCount": 4, "state": waiting,
             "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}],
        "containerStatuses": [{"name": "app", "image": template["spec"]["containers"][0]["image"], "imageID": "",
                               "ready": False, "restartCount": 0,
                               "state": {"waiting": {"reason": "PodInitializing"}}}]}})
    realkube.sim("logs", ns, "api-0", "nc: bad address 'db'", "--container", "wait-db")
    realkube.sim("logs", ns, "api-0", "nc: bad address 'db'\\ngiving up", "--container", "wait-db", "--previous")

    cluster = Cluster.objects.create(name="realkube", kind=Cluster.Kind.KUBECONFIG,
                                     kubeconfig_path=str(realkube.kubeconfig))
    objects, _, logs, unavailable = gather_context(workload_incident(cluster, "StatefulSet", "api", ns))
    assert [(o["kind"], o["metadata"]["name"]) for o in objects if o["kind"] in {"Pod", "StatefulSet"}] == [
        ("Pod", "api-0"), ("StatefulSet", "api")]
    assert logs == {f"{ns}/api-0/wait-db": "nc: bad address 'db'\n",
                    f"{ns}/api-0/wait-db:previous": "nc: bad address 'db'\ngiving up\n"}
    assert unavailable == []  # the app container never started: no log of it is missing


@pytest.mark.django_db(transaction=True)
async def test_kinds_refused_or_not_served_are_named_and_the_rest_is_read(kmock, tmp_path: Path) -> None:
    """A fast check on kmock: quotas refused (403), limit ranges and policies not served (404), a pod whose init
    container restarted but no log of which can be read: all named as unavailable, none fatal."""
    from kmock import Response

    from tests.kmocks import declare_kinds, kubeconfig_for
    from tests.threads import in_thread

    declare_kinds(kmock, "get", "list")
    kmock.resources["v1/resourcequotas"] = kmock.ResourceInfo(kind="ResourceQuota", namespaced=True, verbs=["list"])
    kmock[kmock.action.LIST, kmock.resource("v1/resourcequotas")] << Response(status=403, payload={
        "kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Forbidden", "code": 403,
        "message": 'resourcequotas is forbidden: User "reader" cannot list resource "resourcequotas"'})
    # The kubelet has none of its logs (a node replaced, the logs rotated away).
    kmock["get", kmock.resource("v1/pods"), kmock.subresource("log")] << Response(status=400, payload={
        "kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "BadRequest", "code": 400,
        "message": 'container "wait-db" in pod "api-0" is not available'})
    waiting = {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s restarting failed container"}}
    kmock.objects["v1/pods", "shop", "api-0"] = {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "api-0", "namespace": "shop"},
        "spec": {"initContainers": [{"name": "wait-db", "image": "busybox:1"}],
                 "containers": [{"name": "app", "image": "shop/api:1"}]},
        "status": {"phase": "Pending", "initContainerStatuses": [
            {"name": "wait-db", "ready": False, "restartCount": 3, "state": waiting,
             "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}]}}
    kubeconfig = kubeconfig_for(kmock, tmp_path / "kubeconfig")

    def analyse() -> tuple[tuple, RootCauseReport]:
        cluster = Cluster.objects.create(name="kmock", kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(kubeconfig))
        incident = workload_incident(cluster, "Pod", "api-0")
        return gather_context(incident), run_root_cause_analysis(incident.pk)

    (objects, _, logs, unavailable), stored = await in_thread(analyse)
    assert [(o["kind"], o["metadata"]["name"]) for o in objects] == [("Pod", "api-0")] and not logs
    assert unavailable == ["resourcequotas", "limitranges", "networkpolicies", "logs"]
    assert stored.report["missing"] == unavailable


def test_a_cluster_that_cannot_be_read_at_all_is_named_in_the_report(tmp_path: Path) -> None:
    from tests.helpers import free_port

    closed = tmp_path / "closed"  # an API server that is not there: the connection is refused
    closed.write_text("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "
                      f"'http://127.0.0.1:{free_port()}'}}\nusers:\n- name: u\n  user: {{token: t}}\n"
                      "contexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n")
    for name, path in (("refused", closed), ("no-file", tmp_path / "missing")):
        cluster = Cluster.objects.create(name=name, kind=Cluster.Kind.KUBECONFIG, kubeconfig_path=str(path))
        stored = run_root_cause_analysis(workload_incident(cluster, "Deployment", "checkout").pk)
        assert stored.report["missing"] == ["cluster"], name
        assert "the cluster could not be read" in stored.summary, name
