"""The Helm chart (deploy/helm/aiops-agent) rendered offline by the `helm` peer's helm-render.

    docs = render(["deploy/helm/aiops-agent/ci/default-values.yaml"], namespace="aiops")
    web = find(docs, "Deployment", "aiops-agent-web")

helm-render is `helm template` / `helm lint` over Helm's own packages (../shared/helm/README.md); it is
unpacked once per machine by the peer's install.sh.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "deploy" / "helm" / "aiops-agent"
CI_VALUES = CHART / "ci"
DEFAULT_VALUES = CI_VALUES / "default-values.yaml"
ALL_FEATURES = CI_VALUES / "all-features.yaml"
KUBE_VERSION = "v1.28.0"


def helm_dir() -> Path | None:
    """Where the helm peer's scripts are: AIOPS_HELM_DIR, else beside the project's checkout."""
    candidates = [os.environ.get("AIOPS_HELM_DIR", ""), str(ROOT.parent / "shared" / "helm"), "/work/shared/helm"]
    return next((Path(c) for c in candidates if c and (Path(c) / "install.sh").is_file()), None)


@cache
def helm_render() -> str:
    """The path of the helm-render binary (unpacked and checked by the peer's install.sh)."""
    scripts = helm_dir()
    if scripts is None:
        pytest.fail("the helm peer (../shared/helm/install.sh) is missing: set AIOPS_HELM_DIR")
    out = subprocess.run(["bash", str(scripts / "install.sh")], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        pytest.fail(f"helm-render install failed:\n{out.stderr}")
    return out.stdout.strip().splitlines()[-1]


def _values_args(values: dict | list[str | Path] | None, tmp: Path) -> list[str]:
    if values is None:
        return []
    if isinstance(values, dict):
        path = tmp / "values.yaml"
        path.write_text(yaml.safe_dump(values))
        return ["-f", str(path)]
    args: list[str] = []
    for item in values:
        if isinstance(item, dict):  # a list may mix files and dicts (later ones win, as with repeated -f)
            path = tmp / f"values-{len(args)}.yaml"
            path.write_text(yaml.safe_dump(item))
            item = path
        args += ["-f", str(item)]
    return args


def run_helm(args: list[str], values: dict | list | None = None) -> subprocess.CompletedProcess[str]:
    """helm-render with these arguments and values files; the completed process (it may have failed)."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [helm_render(), *args, *_values_args(values, Path(tmp))]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def render_text(values: dict | list | None = None, release: str = "aiops-agent", namespace: str = "aiops",
                *, extra: list[str] | None = None) -> str:
    """The rendered chart as multi-document YAML (like `helm template`); a failed render fails the test."""
    out = run_helm([release, "-n", namespace, "--kube-version", KUBE_VERSION, *(extra or []), str(CHART)], values)
    if out.returncode != 0:
        pytest.fail(f"helm-render failed:\n{out.stderr}")
    return out.stdout


def render(values: dict | list | None = None, release: str = "aiops-agent", namespace: str = "aiops",
           *, extra: list[str] | None = None) -> list[dict]:
    """The rendered chart's manifests, hooks included (`values`: a dict, or a list of values files/dicts)."""
    text = render_text(values, release, namespace, extra=extra)
    return [doc for doc in yaml.safe_load_all(text) if doc]


def render_error(values: dict | list | None = None, release: str = "aiops-agent", namespace: str = "aiops") -> str:
    """Helm's error message for values that must not render (the test fails if they do render)."""
    out = run_helm([release, "-n", namespace, "--kube-version", KUBE_VERSION, str(CHART)], values)
    assert out.returncode != 0, "the chart rendered, an error was expected"
    return out.stderr


def lint(values: dict | list | None = None) -> subprocess.CompletedProcess[str]:
    """`helm lint --strict` of the chart with these values."""
    return run_helm(["--lint", "--strict", str(CHART)], values)


# --- picking manifests apart --------------------------------------------------------------------


def find(docs: list[dict], kind: str, name: str, namespace: str | None = None) -> dict:
    matches = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name
               and (namespace is None or d["metadata"].get("namespace") == namespace)]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found"
    return matches[0]


def of_kind(docs: list[dict], kind: str) -> list[dict]:
    return [d for d in docs if d["kind"] == kind]


def pod_spec(workload: dict) -> dict:
    """The pod spec of a Deployment or Job."""
    return workload["spec"]["template"]["spec"]


def container_env(container: dict) -> dict[str, dict]:
    """A container's env by name: {"value": ...} or {"valueFrom": ...}."""
    return {e["name"]: {k: v for k, v in e.items() if k != "name"} for e in container.get("env") or []}
