"""The log analyzer's former import path, for scripts written against it (the comparison harness beside the
upstream project among them). The analyzer lives in aiops_project/loganalysis.py, shared by the RCA engine
and the Kubernetes MCP server."""

from aiops_project.loganalysis import LogAnalysis, LogFinding, analyze_logs, redact

__all__ = ["LogAnalysis", "LogFinding", "analyze_logs", "redact"]
