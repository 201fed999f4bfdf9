{{/*
std library: workloads (the twin of templates-std/workloads.j2): std.pod,
std.deployment, std.statefulset, std.daemonset, std.job, std.cronJob,
std.replicaset. Common parameters: ctx, name, component, extraLabels,
annotations, podLabels, podAnnotations, spec (the pod spec: include
"std.podSpec" text or a PodSpec mapping).
*/}}

{{- define "std._podSpecText" -}}
{{- if not .spec }}{{ fail (printf "%s: give the pod spec as \"spec\"" .what) }}{{ end -}}
{{- include "std._block" .spec -}}
{{- end -}}

{{- define "std._selector" -}}
selector:
  matchLabels:
    {{- include "std.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
{{- end -}}

{{- define "std._template" -}}
template:
  metadata:
{{- with .podAnnotations }}
    annotations:
      {{- toYaml . | nindent 6 }}
{{- end }}
    labels:
      {{- include "std.labels" (dict "ctx" .ctx "component" .component "extraLabels" .podLabels) | nindent 6 }}
  spec:
    {{- .text | nindent 4 }}
{{- end -}}

{{/* A bare Pod (ctx, spec, name, component, extraLabels, annotations, podLabels). */}}
{{- define "std.pod" -}}
{{- $text := include "std._podSpecText" (dict "spec" .spec "what" "std.pod") -}}
apiVersion: v1
kind: Pod
{{ include "std.metadata" (dict "ctx" .ctx "name" .name "component" .component "extraLabels" (merge (dict) (.podLabels | default dict) (.extraLabels | default dict)) "annotations" .annotations) }}
spec:
  {{- $text | nindent 2 }}
{{- end -}}

{{/* A Deployment (replicas (default 1; nil leaves it out), strategy,
maxSurge, maxUnavailable, revisionHistoryLimit, minReadySeconds,
progressDeadline, and the common parameters). */}}
{{- define "std.deployment" -}}
{{- $text := include "std._podSpecText" (dict "spec" .spec "what" "std.deployment") -}}
{{- $replicas := ternary .replicas 1 (hasKey . "replicas") -}}
apiVersion: apps/v1
kind: Deployment
{{ include "std.metadata" . }}
spec:
{{- if not (kindIs "invalid" $replicas) }}
  replicas: {{ $replicas }}
{{- end }}
{{- if not (kindIs "invalid" .revisionHistoryLimit) }}
  revisionHistoryLimit: {{ .revisionHistoryLimit }}
{{- end }}
{{- if not (kindIs "invalid" .minReadySeconds) }}
  minReadySeconds: {{ .minReadySeconds }}
{{- end }}
{{- if not (kindIs "invalid" .progressDeadline) }}
  progressDeadlineSeconds: {{ .progressDeadline }}
{{- end }}
{{- if eq (toString .strategy) "Recreate" }}
  strategy:
    type: Recreate
{{- else if or (not (kindIs "invalid" .maxSurge)) (not (kindIs "invalid" .maxUnavailable)) }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
{{- if not (kindIs "invalid" .maxSurge) }}
      maxSurge: {{ include "std.yamlStr" .maxSurge }}
{{- end }}
{{- if not (kindIs "invalid" .maxUnavailable) }}
      maxUnavailable: {{ include "std.yamlStr" .maxUnavailable }}
{{- end }}
{{- end }}
  {{- include "std._selector" . | nindent 2 }}
  {{- include "std._template" (merge (dict "text" $text) .) | nindent 2 }}
{{- end -}}

{{/* A StatefulSet (replicas, serviceName (default std.childName
"headless"), volumeClaimTemplates, podManagementPolicy, updateStrategy,
partition, retainClaims (default true), revisionHistoryLimit,
minReadySeconds, and the common parameters). */}}
{{- define "std.statefulset" -}}
{{- $text := include "std._podSpecText" (dict "spec" .spec "what" "std.statefulset") -}}
{{- $replicas := ternary .replicas 1 (hasKey . "replicas") -}}
{{- $update := .updateStrategy | default "RollingUpdate" -}}
{{- $retain := ternary .retainClaims true (hasKey . "retainClaims") -}}
apiVersion: apps/v1
kind: StatefulSet
{{ include "std.metadata" . }}
spec:
  serviceName: {{ .serviceName | default (include "std.childName" (dict "ctx" .ctx "suffix" "headless")) }}
{{- if not (kindIs "invalid" $replicas) }}
  replicas: {{ $replicas }}
{{- end }}
{{- if not (kindIs "invalid" .revisionHistoryLimit) }}
  revisionHistoryLimit: {{ .revisionHistoryLimit }}
{{- end }}
{{- if not (kindIs "invalid" .minReadySeconds) }}
  minReadySeconds: {{ .minReadySeconds }}
{{- end }}
{{- with .podManagementPolicy }}
  podManagementPolicy: {{ . }}
{{- end }}
  updateStrategy:
    type: {{ $update }}
{{- if and (not (kindIs "invalid" .partition)) (eq $update "RollingUpdate") }}
    rollingUpdate:
      partition: {{ .partition }}
{{- end }}
  persistentVolumeClaimRetentionPolicy:
    whenDeleted: {{ ternary "Retain" "Delete" $retain }}
    whenScaled: {{ ternary "Retain" "Delete" $retain }}
  {{- include "std._selector" . | nindent 2 }}
  {{- include "std._template" (merge (dict "text" $text) .) | nindent 2 }}
{{- with .volumeClaimTemplates }}
  volumeClaimTemplates:
    {{- include "std._seq" . | nindent 4 }}
{{- end }}
{{- end -}}

{{/* A DaemonSet (updateStrategy, maxUnavailable, maxSurge,
revisionHistoryLimit, minReadySeconds, and the common parameters). */}}
{{- define "std.daemonset" -}}
{{- $text := include "std._podSpecText" (dict "spec" .spec "what" "std.daemonset") -}}
{{- $update := .updateStrategy | default "RollingUpdate" -}}
apiVersion: apps/v1
kind: DaemonSet
{{ include "std.metadata" . }}
spec:
{{- if not (kindIs "invalid" .revisionHistoryLimit) }}
  revisionHistoryLimit: {{ .revisionHistoryLimit }}
{{- end }}
{{- if not (kindIs "invalid" .minReadySeconds) }}
  minReadySeconds: {{ .minReadySeconds }}
{{- end }}
  updateStrategy:
    type: {{ $update }}
{{- if and (eq $update "RollingUpdate") (or (not (kindIs "invalid" .maxUnavailable)) (not (kindIs "invalid" .maxSurge))) }}
    rollingUpdate:
{{- if not (kindIs "invalid" .maxSurge) }}
      maxSurge: {{ include "std.yamlStr" .maxSurge }}
{{- end }}
{{- if not (kindIs "invalid" .maxUnavailable) }}
      maxUnavailable: {{ include "std.yamlStr" .maxUnavailable }}
{{- end }}
{{- end }}
  {{- include "std._selector" . | nindent 2 }}
  {{- include "std._template" (merge (dict "text" $text) .) | nindent 2 }}
{{- end -}}

{{- define "std._jobSpec" -}}
{{- $p := . -}}
{{- $backoff := ternary .backoffLimit 3 (hasKey . "backoffLimit") -}}
{{- $text := .text -}}
{{- if not (contains "\nrestartPolicy:" (printf "\n%s" $text)) }}
{{- $text = printf "restartPolicy: %s\n%s" (.restartPolicy | default "OnFailure") $text }}
{{- end -}}
{{- range $pair := list (list "backoffLimit" $backoff) (list "completions" .completions) (list "parallelism" .parallelism) (list "activeDeadlineSeconds" .activeDeadline) (list "ttlSecondsAfterFinished" .ttlAfterFinished) }}
{{- if not (kindIs "invalid" (index $pair 1)) }}
{{ index $pair 0 }}: {{ index $pair 1 }}
{{- end }}
{{- end }}
{{- with .completionMode }}
completionMode: {{ . }}
{{- end }}
{{ include "std._template" (merge (dict "text" $text) $p) }}
{{- end -}}

{{/* A Job (restartPolicy (default OnFailure), backoffLimit (default 3),
completions, parallelism, activeDeadline, ttlAfterFinished, completionMode,
and the common parameters). */}}
{{- define "std.job" -}}
{{- $text := include "std._podSpecText" (dict "spec" .spec "what" "std.job") -}}
apiVersion: batch/v1
kind: Job
{{ include "std.metadata" . }}
spec:
  {{- include "std._jobSpec" (merge (dict "text" $text) .) | trim | nindent 2 }}
{{- end -}}

{{/* A CronJob (schedule, timeZone, concurrencyPolicy (default Forbid),
suspend, successfulHistory (3), failedHistory (1), startingDeadline, the Job
parameters and the common parameters). */}}
{{- define "std.cronJob" -}}
{{- $text := include "std._podSpecText" (dict "spec" .spec "what" "std.cronJob") -}}
apiVersion: batch/v1
kind: CronJob
{{ include "std.metadata" . }}
spec:
  schedule: {{ include "std.yamlStr" .schedule }}
{{- with .timeZone }}
  timeZone: {{ include "std.yamlStr" . }}
{{- end }}
  concurrencyPolicy: {{ .concurrencyPolicy | default "Forbid" }}
{{- if not (kindIs "invalid" .suspend) }}
  suspend: {{ .suspend }}
{{- end }}
  successfulJobsHistoryLimit: {{ ternary .successfulHistory 3 (hasKey . "successfulHistory") }}
  failedJobsHistoryLimit: {{ ternary .failedHistory 1 (hasKey . "failedHistory") }}
{{- if not (kindIs "invalid" .startingDeadline) }}
  startingDeadlineSeconds: {{ .startingDeadline }}
{{- end }}
  jobTemplate:
    metadata:
      labels:
        {{- include "std.labels" (dict "ctx" .ctx "component" .component "extraLabels" .podLabels) | nindent 8 }}
    spec:
      {{- include "std._jobSpec" (merge (dict "text" $text "completionMode" nil) .) | trim | nindent 6 }}
{{- end -}}

{{/* A ReplicaSet (replicas, minReadySeconds, and the common parameters). */}}
{{- define "std.replicaset" -}}
{{- $text := include "std._podSpecText" (dict "spec" .spec "what" "std.replicaset") -}}
{{- $replicas := ternary .replicas 1 (hasKey . "replicas") -}}
apiVersion: apps/v1
kind: ReplicaSet
{{ include "std.metadata" . }}
spec:
{{- if not (kindIs "invalid" $replicas) }}
  replicas: {{ $replicas }}
{{- end }}
{{- if not (kindIs "invalid" .minReadySeconds) }}
  minReadySeconds: {{ .minReadySeconds }}
{{- end }}
  {{- include "std._selector" . | nindent 2 }}
  {{- include "std._template" (merge (dict "text" $text) .) | nindent 2 }}
{{- end -}}
