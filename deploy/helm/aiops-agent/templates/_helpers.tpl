{{/* Names ------------------------------------------------------------------------------------ */}}

{{- define "aiops-agent.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "aiops-agent.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "aiops-agent.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "aiops-agent.labels" -}}
helm.sh/chart: {{ include "aiops-agent.chart" . }}
{{ include "aiops-agent.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "aiops-agent.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aiops-agent.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of one process: (dict "root" $ "component" "web") */}}
{{- define "aiops-agent.componentLabels" -}}
{{ include "aiops-agent.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "aiops-agent.componentSelector" -}}
{{ include "aiops-agent.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "aiops-agent.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "aiops-agent.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "aiops-agent.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Credentials ------------------------------------------------------------------------------
Every credential: the environment variable, where its values sit, the field holding a literal value, and
whether a release needs it. */}}
{{- define "aiops-agent.credentialList" -}}
- {env: SECRET_KEY, path: secretKey, field: value, required: true}
- {env: DATABASE_URL, path: database, field: url, required: true}
- {env: REDIS_URL, path: redis, field: url, required: true}
- {env: AIOPS_ALERTMANAGER_TOKEN, path: alertmanager.token, field: value, required: false}
- {env: AIOPS_METRICS_TOKEN, path: metrics.token, field: value, required: false}
- {env: SLACK_BOT_TOKEN, path: slack.botToken, field: value, required: false}
- {env: SLACK_SIGNING_SECRET, path: slack.signingSecret, field: value, required: false}
- {env: TELEGRAM_BOT_TOKEN, path: telegram.botToken, field: value, required: false}
- {env: TELEGRAM_WEBHOOK_SECRET, path: telegram.webhookSecret, field: value, required: false}
- {env: OPENAI_API_KEY, path: llm.apiKey, field: value, required: false}
{{- end }}

{{/* One credential's values object: (dict "root" $ "path" "slack.botToken") */}}
{{- define "aiops-agent.credentialValues" -}}
{{- $v := .root.Values }}
{{- range $part := splitList "." .path }}
{{- $v = index $v $part }}
{{- end }}
{{- toYaml $v }}
{{- end }}

{{/* The credentials resolved, as YAML: {ENV: {source: chart|existing, secret, key, value}}; unset ones are left
out. Runs the checks first, so that every template fails with the same message naming what is missing. */}}
{{- define "aiops-agent.credentials" -}}
{{- include "aiops-agent.validate" . }}
{{- $root := . }}
{{- $out := dict }}
{{- range $c := include "aiops-agent.credentialList" . | fromYamlArray }}
{{- $v := include "aiops-agent.credentialValues" (dict "root" $root "path" $c.path) | fromYaml }}
{{- $literal := index $v $c.field | default "" }}
{{- if $v.existingSecret }}
{{- $_ := set $out $c.env (dict "source" "existing" "secret" $v.existingSecret "key" (default $c.env $v.existingSecretKey)) }}
{{- else if $literal }}
{{- $_ := set $out $c.env (dict "source" "chart" "secret" (include "aiops-agent.fullname" $root) "key" $c.env "value" $literal) }}
{{- end }}
{{- end }}
{{- toYaml $out }}
{{- end }}

{{/* The Secret data the chart writes (credentials given as values), as YAML {ENV: value}. */}}
{{- define "aiops-agent.secretData" -}}
{{- $data := dict }}
{{- range $env, $c := include "aiops-agent.credentials" . | fromYaml }}
{{- if eq $c.source "chart" }}
{{- $_ := set $data $env $c.value }}
{{- end }}
{{- end }}
{{- toYaml $data }}
{{- end }}

{{/* Checks beyond the schema: every problem at once, each naming its value. */}}
{{- define "aiops-agent.validate" -}}
{{- $root := . }}
{{- $errors := list }}
{{- if not .Values.allowedHosts }}
{{- $errors = append $errors "allowedHosts is required: the host names the agent is reached by (e.g. [aiops.example.com])" }}
{{- end }}
{{- range $c := include "aiops-agent.credentialList" . | fromYamlArray }}
{{- $v := include "aiops-agent.credentialValues" (dict "root" $root "path" $c.path) | fromYaml }}
{{- $literal := index $v $c.field | default "" }}
{{- if and $literal $v.existingSecret }}
{{- $errors = append $errors (printf "set %s.%s or %s.existingSecret, not both" $c.path $c.field $c.path) }}
{{- else if and $c.required (not $literal) (not $v.existingSecret) }}
{{- $errors = append $errors (printf "%s.%s or %s.existingSecret is required" $c.path $c.field $c.path) }}
{{- end }}
{{- if and $v.existingSecretKey (not $v.existingSecret) }}
{{- $errors = append $errors (printf "%s.existingSecretKey is set without %s.existingSecret" $c.path $c.path) }}
{{- end }}
{{- end }}
{{- if and (eq .Values.rbac.scope "namespaced") (not .Values.rbac.namespaces) }}
{{- $errors = append $errors "rbac.namespaces is required (non-empty) when rbac.scope is namespaced" }}
{{- end }}
{{- if .Values.serviceMonitor.enabled }}
{{- $m := .Values.metrics.token }}
{{- if not (or $m.value $m.existingSecret) }}
{{- $errors = append $errors "metrics.token.value or metrics.token.existingSecret is required when serviceMonitor.enabled is true" }}
{{- end }}
{{- end }}
{{- $t := .Values.telegram }}
{{- if and (or $t.botToken.value $t.botToken.existingSecret) (eq $t.mode "webhook") (not (or $t.webhookSecret.value $t.webhookSecret.existingSecret)) }}
{{- $errors = append $errors "telegram.webhookSecret.value or telegram.webhookSecret.existingSecret is required when telegram.mode is webhook" }}
{{- end }}
{{- if $errors }}
{{- fail (printf "\n%s" (join "\n" $errors)) }}
{{- end }}
{{- end }}

{{/* "true" when Telegram's updates are fetched by polling (the app's TELEGRAM_POLLING): a bot token, and mode
polling, or auto without a webhook secret. */}}
{{- define "aiops-agent.telegramPolling" -}}
{{- $t := .Values.telegram }}
{{- $secret := or $t.webhookSecret.value $t.webhookSecret.existingSecret }}
{{- if and (or $t.botToken.value $t.botToken.existingSecret) (or (eq $t.mode "polling") (and (eq $t.mode "auto") (not $secret))) }}true{{ end }}
{{- end }}

{{/* Config files ------------------------------------------------------------------------------ */}}

{{/* Files of one folder of config/ merged with the values' files: (dict "root" $ "kind" "rules") */}}
{{- define "aiops-agent.configFiles" -}}
{{- $root := .root }}
{{- $files := dict }}
{{- if $root.Values.config.includeDefaults }}
{{- range $path, $bytes := $root.Files.Glob (printf "files/config/%s/*.yaml" .kind) }}
{{- $_ := set $files (base $path) (toString $bytes) }}
{{- end }}
{{- end }}
{{- range $name, $text := index $root.Values.config .kind }}
{{- $_ := set $files $name $text }}
{{- end }}
{{- toYaml $files }}
{{- end }}

{{/* The MCP servers file: the repository's .mcp-config.json as is, or merged with config.mcpServers. */}}
{{- define "aiops-agent.mcpConfig" -}}
{{- $bundled := .Files.Get "files/mcp-config.json" }}
{{- if and .Values.config.includeDefaults (not .Values.config.mcpServers) }}
{{- $bundled }}
{{- else }}
{{- $servers := dict }}
{{- if .Values.config.includeDefaults }}
{{- $servers = (fromJson $bundled).mcpServers }}
{{- end }}
{{- range $name, $server := .Values.config.mcpServers }}
{{- $_ := set $servers $name $server }}
{{- end }}
{{- dict "mcpServers" $servers | toPrettyJson }}
{{- end }}
{{- end }}

{{/* Pods -------------------------------------------------------------------------------------- */}}

{{- define "aiops-agent.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "aiops-agent.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Environment of every process: (dict "root" $ "secretName" NAME) where NAME replaces the chart's
Secret for credentials given as values (the migrate hook reads a hook Secret of its own). */}}
{{- define "aiops-agent.env" -}}
{{- $root := .root }}
{{- $v := $root.Values -}}
- name: AIOPS_ENV
  value: production
- name: AIOPS_SIMCLUSTER
  value: "false"
- name: AIOPS_CLUSTER_DISCOVERY
  value: {{ $v.settings.clusterDiscovery | quote }}
- name: AIOPS_LEADER_ELECTION
  value: kubernetes
- name: AIOPS_LEADER_NAMESPACE
  value: {{ $root.Release.Namespace | quote }}
- name: AIOPS_LEADER_LEASE_SECONDS
  value: {{ $v.settings.leaderLeaseSeconds | int64 | quote }}
- name: AIOPS_VAR_DIR
  value: /app/var
- name: AIOPS_RULES_DIR
  value: /etc/aiops/rules
- name: AIOPS_PLAYBOOKS_DIR
  value: /etc/aiops/playbooks
- name: AIOPS_MCP_CONFIG
  value: /etc/aiops/mcp/mcp-config.json
{{- if eq $v.rbac.scope "namespaced" }}
- name: AIOPS_WATCH_NAMESPACES
  value: {{ join "," $v.rbac.namespaces | quote }}
{{- end }}
- name: ALLOWED_HOSTS
  value: {{ join "," $v.allowedHosts | quote }}
- name: CSRF_TRUSTED_ORIGINS
  value: {{ join "," $v.csrfTrustedOrigins | quote }}
- name: SECURE_SSL_REDIRECT
  value: {{ $v.secureSslRedirect | quote }}
- name: SECURE_HSTS_SECONDS
  value: {{ $v.hstsSeconds | int64 | quote }}
- name: LOG_LEVEL
  value: {{ $v.settings.logLevel | quote }}
- name: LOG_FORMAT
  value: {{ $v.settings.logFormat | quote }}
- name: AIOPS_POLL_INTERVAL_SECONDS
  value: {{ $v.settings.pollIntervalSeconds | int64 | quote }}
- name: AIOPS_APPROVAL_TIMEOUT_SECONDS
  value: {{ $v.settings.approvalTimeoutSeconds | int64 | quote }}
- name: AIOPS_TWO_PERSON_HIGH
  value: {{ $v.settings.twoPersonHigh | quote }}
- name: AUTO_REMEDIATION_ENABLED
  value: {{ $v.settings.autoRemediationEnabled | quote }}
- name: AIOPS_MCP_CALL_TIMEOUT_SECONDS
  value: {{ $v.settings.mcpCallTimeoutSeconds | int64 | quote }}
- name: AIOPS_ALERT_INTAKE_RATE
  value: {{ $v.alertmanager.intakeRate | quote }}
- name: SLACK_API_BASE_URL
  value: {{ $v.slack.apiBaseUrl | quote }}
- name: SLACK_NOTIFY_CHANNEL
  value: {{ $v.slack.notifyChannel | quote }}
- name: TELEGRAM_API_BASE_URL
  value: {{ $v.telegram.apiBaseUrl | quote }}
- name: TELEGRAM_NOTIFY_CHAT_ID
  value: {{ $v.telegram.notifyChatId | quote }}
- name: TELEGRAM_MODE
  value: {{ $v.telegram.mode | quote }}
{{- if $v.llm.baseUrl }}
- name: OPENAI_BASE_URL
  value: {{ $v.llm.baseUrl | quote }}
{{- end }}
- name: AIOPS_LLM_MODEL
  value: {{ $v.llm.model | quote }}
- name: AIOPS_LLM_MODELS
  value: {{ join "," $v.llm.models | quote }}
- name: AIOPS_LLM_TIMEOUT_SECONDS
  value: {{ $v.llm.timeoutSeconds | int64 | quote }}
- name: AIOPS_RCA_USE_LLM
  value: {{ $v.llm.rcaUseLlm | quote }}
- name: AIOPS_RCA_ANONYMISE
  value: {{ $v.llm.rcaAnonymise | quote }}
{{- range $env, $c := include "aiops-agent.credentials" $root | fromYaml }}
- name: {{ $env }}
  valueFrom:
    secretKeyRef:
      name: {{ ternary (default $c.secret $.secretName) $c.secret (eq $c.source "chart") }}
      key: {{ $c.key }}
{{- end }}
{{- with $v.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Mounts of every process: writable /tmp and /app/var, the config read-only. */}}
{{- define "aiops-agent.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: var
  mountPath: /app/var
- name: rules
  mountPath: /etc/aiops/rules
  readOnly: true
- name: playbooks
  mountPath: /etc/aiops/playbooks
  readOnly: true
{{- if not .migrate }}
- name: mcp
  mountPath: /etc/aiops/mcp
  readOnly: true
{{- end }}
{{- end }}

{{/* Volumes: (dict "root" $ "prefix" NAME) where NAME is the ConfigMaps' name prefix. */}}
{{- define "aiops-agent.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
- name: var
  emptyDir:
    sizeLimit: 256Mi
- name: rules
  configMap:
    name: {{ .prefix }}-rules
- name: playbooks
  configMap:
    name: {{ .prefix }}-playbooks
{{- if not .migrate }}
- name: mcp
  configMap:
    name: {{ .prefix }}-mcp
{{- end }}
{{- end }}

{{/* Annotations that roll the pods when their config or the chart's Secret changes. */}}
{{- define "aiops-agent.checksums" -}}
checksum/config: {{ printf "%s\n%s\n%s" (include "aiops-agent.configFiles" (dict "root" . "kind" "rules")) (include "aiops-agent.configFiles" (dict "root" . "kind" "playbooks")) (include "aiops-agent.mcpConfig" .) | sha256sum }}
checksum/secret: {{ include "aiops-agent.secretData" . | sha256sum }}
{{- end }}
