"""A log (get_pod_logs, exec_readonly) a page at a time: every line numbered, the lines the project's log analyzer
(aiops_project/loganalysis.py) recognises marked and listed first, each line clipped to a readable length."""

from __future__ import annotations

import re

from aiops_project.loganalysis import analyze_logs, line_pattern
from remediation.presenters.base import Fact, Limits, LogLine, LogView, StepView, clip

# What the Kubernetes server's pod tools print first when they read the workload's current pod instead of the one
# named (mcp_bridge/servers/kubernetes/workloads.py): the tool's note, not a line of the log.
NOTE = re.compile(r"pod \S+ is gone; .*, the current pod of \S+ \S+.*")


def log_view(text: str, limits: Limits, page: int = 1) -> StepView:
    note, lines = "", text.splitlines()
    if lines and NOTE.fullmatch(lines[0]):
        note, lines = lines[0], lines[1:]
    size = limits.log_lines
    pages = max(1, -(-len(lines) // size))
    page = min(max(1, page), pages)
    start = (page - 1) * size
    window = [clip(line, limits.line_chars) for line in lines[start:start + size]]
    clipped = sum(1 for line in lines[start:start + size] if len(line) > limits.line_chars)
    # The analyzer names what it found and keeps its evidence lines (a traceback's exception line among them);
    # matching each line as well marks every occurrence, not only the first few.
    analysis = analyze_logs("\n".join(window))
    marked = {number: finding.pattern for finding in analysis.findings for number, _ in finding.evidence}
    shown = []
    for number, line in enumerate(window, start=1):
        pattern = line_pattern(line)
        shown.append(LogLine(start + number, line, pattern.name if pattern else marked.get(number, "")))
    findings = [Fact(finding.pattern, f"{finding.description}, {finding.count} time{'s' if finding.count != 1 else ''}"
                     + (f" ({finding.detail})" if finding.detail else ""),
                     "bad" if finding.severity == "critical" else "warn") for finding in analysis.findings]
    log = LogView(lines=shown, matched=[line for line in shown if line.pattern], findings=findings, total=len(lines),
                  first=start + 1, page=page, pages=pages, clipped=clipped)
    return StepView("logs", log=log, note=clip(note, limits.cell_chars))
