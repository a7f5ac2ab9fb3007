{{/* The rules of deploy/kubernetes/rbac-*.yaml (tests/test_chart_rbac.py keeps them equal). */}}
{{- define "aiops-agent.rules.readonly" -}}
- apiGroups: [""]
  resources: [pods, nodes, events]
  verbs: [get, list, watch]
- apiGroups: [apps]
  resources: [deployments, statefulsets, daemonsets, replicasets]
  verbs: [get, list, watch]
- apiGroups: [batch]
  resources: [jobs]
  verbs: [get, list, watch]
- apiGroups: [autoscaling]
  resources: [horizontalpodautoscalers]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [pods/log]
  verbs: [get]
- apiGroups: [""]
  resources: [persistentvolumeclaims, services, configmaps, namespaces]
  verbs: [get, list]
- apiGroups: [batch]
  resources: [cronjobs]
  verbs: [get, list]
- apiGroups: [""]
  resources: [resourcequotas, limitranges]
  verbs: [get, list]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, list]
- apiGroups: [metrics.k8s.io]
  resources: [pods, nodes]
  verbs: [get, list]
{{- end }}

{{- define "aiops-agent.rules.remediation" -}}
- apiGroups: [apps]
  resources: [deployments, deployments/scale, statefulsets, daemonsets]
  verbs: [patch]
- apiGroups: [""]
  resources: [nodes]
  verbs: [patch]
- apiGroups: [""]
  resources: [pods/eviction]
  verbs: [create]
- apiGroups: [""]
  resources: [pods]
  verbs: [delete]
- apiGroups: [autoscaling]
  resources: [horizontalpodautoscalers]
  verbs: [patch]
{{- end }}

{{- define "aiops-agent.rules.exec" -}}
- apiGroups: [""]
  resources: [pods/exec]
  verbs: [get, create]
{{- end }}

{{/* The same rules without nodes (cluster-scoped: a Role cannot grant them), for rbac.scope=namespaced. */}}
{{- define "aiops-agent.rules.namespaced" -}}
{{- $rules := list }}
{{- range $rule := include (printf "aiops-agent.rules.%s" .) . | fromYamlArray }}
{{- $resources := without $rule.resources "nodes" }}
{{- if $resources }}
{{- $rules = append $rules (merge (dict "resources" $resources) (omit $rule "resources")) }}
{{- end }}
{{- end }}
{{- toYaml $rules }}
{{- end }}

{{/* The sets granted: readonly always, remediation and exec when enabled. */}}
{{- define "aiops-agent.ruleSets" -}}
{{- $sets := list "readonly" }}
{{- if .Values.rbac.remediation.enabled }}{{ $sets = append $sets "remediation" }}{{ end }}
{{- if .Values.rbac.exec.enabled }}{{ $sets = append $sets "exec" }}{{ end }}
{{- toYaml $sets }}
{{- end }}
