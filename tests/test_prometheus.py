"""PromQL through the bundled Prometheus MCP server and in the root-cause analysis, against Debian's real Prometheus.

One Prometheus for the module: it wants a password (its own basic auth) and starts with half an hour of history
written into its storage by promtool (no waiting for scrapes): the memory of a container climbing to its limit until
the kernel kills it, four minutes ago, and the readiness of 150 other pods."""

from __future__ import annotations

import base64
import dataclasses
import http.server
import re
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mcp_bridge.client import ToolResult
from mcp_bridge.config import ServerConfig, get_server, load_config
from mcp_bridge.exceptions import McpConfigError
from mcp_bridge.manager import SessionManager
from mcp_bridge.servers.prometheus.client import Connection, Prometheus, PrometheusError
from tests.helpers import free_port
from tests.peers import run_prometheus

REPO = Path(__file__).resolve().parent.parent
USER, PASSWORD = "agent", "prom-secret"
PASSWORD_HASH = "$2b$04$7j5LB2cqn8MzgDCZQ8YMvOfgg39I5GMgcKo5d2p63SATHRRf4BI56"  # bcrypt, 4 rounds: quick to check
NAMESPACE, POD, CONTAINER = "shop", "reports-5c9d7b8f6-q8w4z", "app"
MIB = 2**20
KILLED_BEFORE = timedelta(minutes=4)  # the OOM kill, before the Prometheus starts


def history(now: datetime) -> str:
    """Every 15 s for 29 minutes: the working set climbs 12.5 MiB a minute from 180 MiB until the OOM kill, then
    starts again from 60 MiB; CPU a steady quarter core; one restart, at the kill. And 150 pods ready."""
    labels = f'namespace="{NAMESPACE}",pod="{POD}",container="{CONTAINER}"'
    start, oom_at = now - timedelta(minutes=30), now - KILLED_BEFORE
    families: dict[str, list[str]] = {"memory": [], "cpu": [], "restarts": [], "ready": []}
    moment = start
    while moment <= now - timedelta(minutes=1):
        stamp, elapsed = int(moment.timestamp()), (moment - start).total_seconds()
        killed = moment >= oom_at
        memory = (60 + (moment - oom_at).total_seconds() / 60 * 2) if killed else 180 + elapsed / 60 * 12.5
        families["memory"].append(f"container_memory_working_set_bytes{{{labels}}} {memory * MIB:.0f} {stamp}")
        families["cpu"].append(f"container_cpu_usage_seconds_total{{{labels}}} {elapsed * 0.25:.2f} {stamp}")
        families["restarts"].append(f"kube_pod_container_status_restarts_total{{{labels}}} {int(killed)} {stamp}")
        moment += timedelta(seconds=15)
    stamp = int((now - timedelta(minutes=1)).timestamp())
    families["ready"] = [f'kube_pod_status_ready{{namespace="{NAMESPACE}",pod="web-{n}",condition="true"}} 1 {stamp}'
                         for n in range(150)]
    return "\n".join(line for lines in families.values() for line in lines) + "\n# EOF\n"


@pytest.fixture(scope="module")
def started() -> datetime:
    """When the module's Prometheus starts: its history ends a minute before."""
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory, started: datetime) -> Iterator[str]:
    web = {"basic_auth_users": {USER: PASSWORD_HASH}}
    with run_prometheus({"global": {"evaluation_interval": "1m"}}, tmp_path_factory.mktemp("prometheus"),
                        web_config=web, history=history(started)) as url:
        yield url


@pytest.fixture
def client(prometheus: str) -> Iterator[Prometheus]:
    with Prometheus(Connection(prometheus, username=USER, password=PASSWORD)) as client:
        yield client


# --- the MCP server ----------------------------------------------------------------------------------------------

@pytest.mark.once
def test_the_server_is_configured_only_when_prometheus_url_is_set(tmp_path: Path):
    assert "prometheus" not in load_config(REPO / ".mcp-config.json", environ={})
    assert "prometheus" not in load_config(REPO / ".mcp-config.json", environ={"PROMETHEUS_URL": ""})
    server = load_config(REPO / ".mcp-config.json", environ={"PROMETHEUS_URL": "http://prometheus:9090",
                                                             "PROMETHEUS_BEARER_TOKEN": "t0ken"})["prometheus"]
    assert server.args == ("-m", "mcp_bridge.servers.prometheus")
    assert server.env["PROMETHEUS_URL"] == "http://prometheus:9090" and server.env["PROMETHEUS_BEARER_TOKEN"] == "t0ken"
    malformed = tmp_path / "mcp.json"
    malformed.write_text('{"mcpServers": {"p": {"command": "x", "requires_env": "PROMETHEUS_URL"}}}')
    with pytest.raises(McpConfigError, match="server 'p': field 'requires_env' must be a list of variable names"):
        load_config(malformed, environ={})


@pytest.fixture
def call(warm_sessions: SessionManager, prometheus: str) -> Callable[..., ToolResult]:
    environ = {"PROMETHEUS_URL": prometheus, "PROMETHEUS_USERNAME": USER, "PROMETHEUS_PASSWORD": PASSWORD}
    config: ServerConfig = dataclasses.replace(get_server("prometheus", REPO / ".mcp-config.json", environ),
                                               cwd=REPO)
    return lambda tool, **arguments: warm_sessions.call_tool(config, tool, arguments, timeout=30)


@pytest.mark.once
def test_the_mcp_server_answers_instant_and_range_queries_summarised(call, started):
    instant = call("query", promql=f'kube_pod_container_status_restarts_total{{pod="{POD}"}}')
    assert instant.ok, instant.error
    assert instant.text.startswith("1 series (instant, ")
    assert (f'kube_pod_container_status_restarts_total{{container="{CONTAINER}", namespace="{NAMESPACE}", '
            f'pod="{POD}"}} = 1') in instant.text

    memory = call("query_range", promql=f'container_memory_working_set_bytes{{pod="{POD}"}}', start="now-30m")
    assert memory.ok, memory.error
    (series,) = memory.structured["series"]
    assert series["metric"]["container"] == CONTAINER
    assert 500 * MIB < series["max"] < 512 * MIB and series["last"] < 100 * MIB  # the climb, the kill, the restart
    assert series["points"] <= 121 and len(series["samples"]) <= 12  # about 120 steps, a dozen samples shown
    assert datetime.fromisoformat(series["max_at"]) < started - KILLED_BEFORE

    names = call("metric_names", contains="working_set")
    assert names.ok and names.structured["names"] == ["container_memory_working_set_bytes"]

    bad = call("query", promql="rate(up[5m]")
    assert not bad.ok and "bad_data" in bad.text and "parse error" in bad.text, bad.text


# --- the bounds and errors, on the client the server and the RCA share ------------------------------------------

@pytest.mark.once
def test_a_range_is_bounded_in_length_points_series_and_bytes(client):
    now = datetime.now(UTC)
    with pytest.raises(PrometheusError, match="at most 7 days"):
        client.query_range("up", now - timedelta(days=8), now)
    with pytest.raises(PrometheusError, match=r"3601 points .* at least 4s"):
        client.query_range("up", now - timedelta(hours=1), now, timedelta(seconds=1))
    with pytest.raises(PrometheusError, match=r"ends .* before it starts"):
        client.query_range("up", now, now - timedelta(hours=1))

    from mcp_bridge.servers.prometheus.summaries import summarise

    many = client.query("kube_pod_status_ready")
    text, structured = summarise(many.result_type, many.result, 5)
    assert structured["series_shown"] == 5 and structured["series_total"] == 150 and structured["truncated"]
    assert "145 more series not shown, of 150" in text

    with Prometheus(client.connection, max_body_bytes=4096) as small, \
            pytest.raises(PrometheusError, match="larger than 4,096 bytes"):
        small.query("kube_pod_status_ready")


@pytest.mark.once
def test_prometheus_s_own_refusals_and_unreachable_ones_are_said_clearly(client, prometheus):
    with pytest.raises(PrometheusError, match=r"refused the query \(bad_data, HTTP 400\): .*parse error"):
        client.query("sum(rate(up[5m])")
    with pytest.raises(PrometheusError, match=r"bad_data.*range vector"):  # a type error, not syntax
        client.query("rate(up)")
    with Prometheus(Connection(prometheus)) as anonymous, pytest.raises(PrometheusError, match="HTTP 401"):
        anonymous.query("up")
    with Prometheus(Connection(f"http://127.0.0.1:{free_port()}")) as closed, \
            pytest.raises(PrometheusError, match="cannot be reached"):
        closed.query("up")
    with socket.socket() as silent:  # accepts, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        with Prometheus(Connection(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=0.5)) as slow, \
                pytest.raises(PrometheusError, match=r"did not answer within 0.5s"):
            slow.query("up")


@pytest.fixture
def bearer_proxy(prometheus: str) -> Iterator[str]:
    """A Prometheus behind a bearer token, as an auth proxy (kube-rbac-proxy, oauth2-proxy) puts it."""

    class Proxy(http.server.BaseHTTPRequestHandler):
        def forward(self) -> None:
            if self.headers.get("Authorization") != "Bearer s3cret-token":
                self.send_error(401, "Unauthorized")
                return
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) or None
            basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
            headers = {"Content-Type": self.headers.get("Content-Type") or "text/plain",
                       "Authorization": f"Basic {basic}"}
            upstream = urllib.request.Request(prometheus + self.path, data=body, method=self.command,  # noqa: S310
                                              headers=headers)
            try:
                answer = urllib.request.urlopen(upstream, timeout=10)  # noqa: S310 (loopback)
            except urllib.error.HTTPError as refused:
                answer = refused
            with answer:
                data = answer.read()
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.headers["Content-Type"])
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        do_GET = do_POST = forward

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.once
def test_a_prometheus_behind_a_bearer_token(bearer_proxy):
    with Prometheus(Connection(bearer_proxy, bearer_token="s3cret-token")) as authorised:
        assert authorised.query("vector(1)").result[0]["value"][1] == "1"
    with Prometheus(Connection(bearer_proxy, bearer_token="wrong")) as refused, \
            pytest.raises(PrometheusError, match=r"refused our credentials \(HTTP 401\)"):
        refused.query("vector(1)")


# --- the root-cause analysis -----------------------------------------------------------------------------------

def oom_killed_pod(oom_at: datetime) -> dict:
    killed = {"terminated": {"reason": "OOMKilled", "exitCode": 137, "startedAt": (oom_at - timedelta(minutes=26))
                             .isoformat(), "finishedAt": oom_at.isoformat()}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": POD, "namespace": NAMESPACE},
            "spec": {"containers": [{"name": CONTAINER, "image": "shop/reports:2.0",
                                     "resources": {"limits": {"memory": "512Mi", "cpu": "1"}}}]},
            "status": {"phase": "Running", "containerStatuses": [
                {"name": CONTAINER, "ready": True, "restartCount": 1, "image": "shop/reports:2.0",
                 "state": {"running": {"startedAt": oom_at.isoformat()}}, "lastState": killed}]}}


@pytest.mark.once
@pytest.mark.django_db(transaction=True)
async def test_the_root_cause_analysis_shows_the_memory_climb_before_the_oom_kill(kmock, prometheus, started,
                                                                                   settings, tmp_path: Path) -> None:
    from incidents.models import Cluster, Incident
    from incidents.rca.service import run_root_cause_analysis
    from tests.kmocks import declare_kinds, kubeconfig_for
    from tests.threads import in_thread

    declare_kinds(kmock, "get", "list")
    for resource, kind in (("v1/resourcequotas", "ResourceQuota"), ("v1/limitranges", "LimitRange"),
                           ("networking.k8s.io/v1/networkpolicies", "NetworkPolicy")):
        kmock.resources[resource] = kmock.ResourceInfo(kind=kind, namespaced=True, verbs=["list"])
    kmock.objects["v1/pods", NAMESPACE, POD] = oom_killed_pod(started - KILLED_BEFORE)
    kmock["get", kmock.resource("v1/pods"), kmock.subresource("log")] << (lambda request: b"rendering report 7\n")
    kubeconfig = kubeconfig_for(kmock, tmp_path / "kubeconfig")

    def analyse(url: str) -> dict:
        settings.PROMETHEUS_URL, settings.PROMETHEUS_USERNAME, settings.PROMETHEUS_PASSWORD = url, USER, PASSWORD
        cluster, _ = Cluster.objects.get_or_create(name="kmock", kind=Cluster.Kind.KUBECONFIG,
                                                   kubeconfig_path=str(kubeconfig))
        incident = Incident.objects.create(cluster=cluster, namespace=NAMESPACE, object_kind="Pod", object_name=POD,
                                           fingerprint=url, group_key=url, title=f"{POD} OOM killed")
        return run_root_cause_analysis(incident.pk).report

    with_prometheus = await in_thread(lambda: analyse(prometheus))
    assert with_prometheus["category"] == "oom_killed" and with_prometheus["missing"] == []
    climb = [line for line in with_prometheus["evidence"] if "memory working set rose" in line]
    assert climb and re.search(r"\): memory working set rose from 18\d MiB to 5[01]\d MiB \([-\d]+T[:\d]+Z\), 9\d% of "
                               r"its 512 MiB limit \(Prometheus, over (29|30) min\)$", climb[0]), climb
    assert any("memory working set rose" in line for line in with_prometheus["evidence_chain"])
    observed = " | ".join(with_prometheus["metrics"])
    assert re.search(rf"Pod/{NAMESPACE}/{POD} \({CONTAINER}\): memory working set 18\d MiB -> \d\d MiB over", observed)
    assert "restarted 1 time between" in observed and "peak 0.25 at" in observed, observed

    # The same incident without Prometheus: the same verdict on the pod's state alone, nothing about memory.
    without = await in_thread(lambda: analyse(""))
    assert without["category"] == "oom_killed" and without["metrics"] == []
    assert not any("memory working set" in line for line in without["evidence"])
    assert with_prometheus["confidence"] >= without["confidence"]

    # A Prometheus that cannot be reached is named among what could not be read.
    unreachable = await in_thread(lambda: analyse(f"http://127.0.0.1:{free_port()}"))
    assert unreachable["category"] == "oom_killed" and unreachable["missing"] == ["prometheus"]


@pytest.mark.once
def test_cpu_at_its_limit_is_a_throttling_finding_and_memory_without_a_limit_only_an_observation():
    from incidents.rca.trends import trend_findings

    pod = oom_killed_pod(datetime.now(UTC))
    pod["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "500m"}}
    labels = {"namespace": NAMESPACE, "pod": POD, "container": CONTAINER}
    points = [[1_800_000_000 + 15 * n, str(value)] for n, value in enumerate((0.2, 0.49, 0.5, 0.48))]
    memory = [[1_800_000_000 + 15 * n, str(value * MIB)] for n, value in enumerate((100, 300, 900))]
    trends = trend_findings([pod], {"cpu": [{"metric": labels, "values": points}],
                                    "memory": [{"metric": labels, "values": memory}]})
    (throttled,) = trends.findings
    assert throttled.supports == {"probe_failure": 0.45} and throttled.container == CONTAINER
    assert "100% of its 0.5-core limit: throttled (Prometheus)" in throttled.text
    assert any("memory working set 100 MiB -> 900 MiB" in line and "no memory limit" in line
               for line in trends.observations), trends.observations
