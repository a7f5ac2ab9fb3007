"""Root-cause analysis (RCA) of incidents.

- `service`: `run_root_cause_analysis`, the one way an analysis runs (console, chat, rules, CLI).
- `evidence`: what the analysis reads from the incident's cluster (objects, events, logs).
- `trends`: the pods' memory, CPU and restarts from Prometheus, when PROMETHEUS_URL is set.
- `engine`: the deterministic engine, rules over that evidence; it always answers.
- `llm`: the optional LLM's answer, anonymised and checked against the engine's categories.

The log pattern table both the engine and the Kubernetes MCP server use is `aiops_project.loganalysis`.
"""
