{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "kokemus.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, plus the chart name unless it is in it. */}}
{{- define "kokemus.fullname" -}}
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

{{- define "kokemus.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Common labels. */}}
{{- define "kokemus.labels" -}}
helm.sh/chart: {{ include "kokemus.chart" . }}
{{ include "kokemus.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels. */}}
{{- define "kokemus.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kokemus.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "kokemus.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "kokemus.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "kokemus.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret and key that hold the database URL. */}}
{{- define "kokemus.databaseSecretName" -}}
{{- if .Values.cloudnativepg.enabled }}
{{- printf "%s-db-app" (include "kokemus.fullname" .) }}
{{- else if .Values.database.existingSecret }}
{{- .Values.database.existingSecret }}
{{- else }}
{{- printf "%s-database" (include "kokemus.fullname" .) }}
{{- end }}
{{- end }}

{{- define "kokemus.databaseSecretKey" -}}
{{- if .Values.cloudnativepg.enabled }}uri{{ else if .Values.database.existingSecret }}{{ .Values.database.existingSecretKey }}{{ else }}url{{ end }}
{{- end }}

{{/* Fails the render when no database is configured. */}}
{{- define "kokemus.validate" -}}
{{- if not (or .Values.cloudnativepg.enabled .Values.database.existingSecret .Values.database.url) }}
{{- fail "set database.existingSecret (recommended), database.url, or cloudnativepg.enabled" }}
{{- end }}
{{- if and .Values.tls.enabled (not .Values.tls.existingSecret) }}
{{- fail "tls.enabled needs tls.existingSecret" }}
{{- end }}
{{- if not (or .Values.tls.enabled .Values.tls.plaintextBehindMesh) }}
{{- fail "set tls.enabled (with tls.existingSecret), or tls.plaintextBehindMesh when a service mesh encrypts pod traffic" }}
{{- end }}
{{- if and .Values.tls.enabled .Values.tls.plaintextBehindMesh }}
{{- fail "tls.enabled and tls.plaintextBehindMesh contradict each other" }}
{{- end }}
{{- if le (int .Values.terminationGracePeriodSeconds) (add .Values.server.preStopSeconds .Values.server.drainDelaySeconds .Values.server.shutdownGraceSeconds | int) }}
{{- fail "terminationGracePeriodSeconds must exceed server.preStopSeconds + server.drainDelaySeconds + server.shutdownGraceSeconds" }}
{{- end }}
{{- end }}

{{/* Restricted security contexts (pod and container). */}}
{{- define "kokemus.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "kokemus.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 10001
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* The database URL as an environment variable from its Secret. */}}
{{- define "kokemus.databaseEnv" -}}
- name: KOKEMUS_DATABASE
  valueFrom:
    secretKeyRef:
      name: {{ include "kokemus.databaseSecretName" . }}
      key: {{ include "kokemus.databaseSecretKey" . }}
{{- end }}

{{/* The key pepper (and so the audit key) for the server's one-shot jobs:
     the same Secret as the Deployment's, or none. */}}
{{- define "kokemus.pepperVolume" -}}
{{- if .Values.apiKeys.pepperSecret }}
- name: key-pepper
  secret:
    secretName: {{ .Values.apiKeys.pepperSecret }}
    items:
      - key: {{ .Values.apiKeys.pepperSecretKey }}
        path: pepper
{{- end }}
{{- end }}
