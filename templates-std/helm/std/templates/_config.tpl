{{/* std library: ConfigMap and Secret (the twin of templates-std/config.j2). */}}

{{/* A ConfigMap (ctx, data, binaryData, immutable, and name, component,
extraLabels, annotations). */}}
{{- define "std.configMap" -}}
apiVersion: v1
kind: ConfigMap
{{ include "std.metadata" . }}
{{- if not (kindIs "invalid" .immutable) }}
immutable: {{ .immutable }}
{{- end }}
{{- if .data }}
data:
  {{- toYaml .data | nindent 2 }}
{{- else if not .binaryData }}
data: {}
{{- end }}
{{- with .binaryData }}
binaryData:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* A Secret (ctx, data (plain values, base64-encoded here), type
(Opaque), immutable, and name, component, extraLabels, annotations). */}}
{{- define "std.secret" -}}
apiVersion: v1
kind: Secret
{{ include "std.metadata" . }}
type: {{ .type | default "Opaque" }}
{{- if not (kindIs "invalid" .immutable) }}
immutable: {{ .immutable }}
{{- end }}
{{- if .data }}
data:
{{- range $key, $value := .data }}
  {{ include "std.yamlStr" $key }}: {{ include "std.yamlStr" (toString $value | b64enc) }}
{{- end }}
{{- else }}
data: {}
{{- end }}
{{- end -}}
