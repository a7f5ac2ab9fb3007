{{/* A Deployment of one process: (dict "root" $ "component" NAME "command" LIST "extra" YAML "grace" N "values" V)
where "extra" is YAML merged into the container (ports, probes) and "values" the process's values (replicas,
resources, pod placement) when they are not .Values.<component>. */}}
{{- define "aiops-agent.deployment" -}}
{{- $root := .root }}
{{- $p := .values | default (index $root.Values .component) }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "aiops-agent.fullname" $root }}-{{ .component }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "aiops-agent.componentLabels" . | nindent 4 }}
spec:
  replicas: {{ $p.replicas }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "aiops-agent.componentSelector" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "aiops-agent.componentLabels" . | nindent 8 }}
      annotations:
        {{- include "aiops-agent.checksums" $root | nindent 8 }}
        {{- with $p.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "aiops-agent.serviceAccountName" $root }}
      automountServiceAccountToken: {{ .automount }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      terminationGracePeriodSeconds: {{ .grace | default 30 }}
      securityContext:
        {{- include "aiops-agent.podSecurityContext" $root | nindent 8 }}
      containers:
        - name: {{ .component }}
          image: {{ include "aiops-agent.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command:
            {{- toYaml .command | nindent 12 }}
          {{- with .extra }}
          {{- . | trim | nindent 10 }}
          {{- end }}
          env:
            {{- include "aiops-agent.env" (dict "root" $root) | nindent 12 }}
          resources:
            {{- toYaml $p.resources | nindent 12 }}
          securityContext:
            {{- include "aiops-agent.containerSecurityContext" $root | nindent 12 }}
          volumeMounts:
            {{- include "aiops-agent.volumeMounts" (dict) | nindent 12 }}
      volumes:
        {{- include "aiops-agent.volumes" (dict "prefix" (include "aiops-agent.fullname" $root)) | nindent 8 }}
      {{- with $p.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $p.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $p.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
