{{/*
std library: HorizontalPodAutoscaler and PodDisruptionBudget (the twin of
templates-std/scaling.j2).
*/}}

{{/* A HorizontalPodAutoscaler (ctx, minReplicas (1), maxReplicas (5), cpu
(80; nil: none), memory, targetKind (Deployment), targetName, metrics,
behavior, and name, component, extraLabels, annotations). */}}
{{- define "std.horizontalPodAutoscaler" -}}
{{- $cpu := ternary .cpu 80 (hasKey . "cpu") -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
{{ include "std.metadata" . }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: {{ .targetKind | default "Deployment" }}
    name: {{ .targetName | default .name | default (include "std.fullname" .ctx) }}
  minReplicas: {{ ternary .minReplicas 1 (hasKey . "minReplicas") }}
  maxReplicas: {{ ternary .maxReplicas 5 (hasKey . "maxReplicas") }}
{{- if .metrics }}
  metrics:
    {{- toYaml .metrics | nindent 4 }}
{{- else if or (not (kindIs "invalid" $cpu)) (not (kindIs "invalid" .memory)) }}
  metrics:
{{- range $pair := list (list "cpu" $cpu) (list "memory" .memory) }}
{{- if not (kindIs "invalid" (index $pair 1)) }}
    - type: Resource
      resource:
        name: {{ index $pair 0 }}
        target:
          type: Utilization
          averageUtilization: {{ index $pair 1 }}
{{- end }}
{{- end }}
{{- end }}
{{- with .behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
{{- end }}
{{- end -}}

{{/* A PodDisruptionBudget (ctx, minAvailable, maxUnavailable (1 when
neither is given), unhealthyPodEvictionPolicy, and name, component,
extraLabels, annotations). */}}
{{- define "std.podDisruptionBudget" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
{{ include "std.metadata" . }}
spec:
{{- if not (kindIs "invalid" .minAvailable) }}
  minAvailable: {{ include "std.yamlStr" .minAvailable }}
{{- else }}
  maxUnavailable: {{ include "std.yamlStr" (ternary .maxUnavailable 1 (not (kindIs "invalid" .maxUnavailable))) }}
{{- end }}
{{- with .unhealthyPodEvictionPolicy }}
  unhealthyPodEvictionPolicy: {{ . }}
{{- end }}
  selector:
    matchLabels:
      {{- include "std.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 6 }}
{{- end -}}
