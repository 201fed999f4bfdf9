{{/*
std library: names, labels and metadata (the Go-template twin of
templates-std/meta.j2).

Every template takes a dict of parameters with "ctx", the calling chart's
root context ($ or .), and the parameters of the Jinja macro of the same
name in camelCase (extra_labels -> extraLabels). A missing key means the
Jinja default. std.name, std.fullname, std.labels and std.selectorLabels
also accept the root context itself:
  {{ include "std.fullname" . }}
  {{ include "std.labels" (dict "ctx" . "component" "db") | nindent 4 }}
Every template returns YAML at column 0 with no trailing newline.
*/}}

{{/* The chart name, or .Values.nameOverride: a DNS label. */}}
{{- define "std.name" -}}
{{- $ctx := ternary .ctx . (hasKey . "ctx") -}}
{{- default $ctx.Chart.Name $ctx.Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* .Values.fullnameOverride; else the release name when it contains the
chart name; else "<release>-<chart>". */}}
{{- define "std.fullname" -}}
{{- $ctx := ternary .ctx . (hasKey . "ctx") -}}
{{- if $ctx.Values.fullnameOverride -}}
{{- $ctx.Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "std.name" $ctx -}}
{{- if contains $name $ctx.Release.Name -}}
{{- $ctx.Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" $ctx.Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "<fullname>-<suffix>" as a DNS label (ctx, suffix). */}}
{{- define "std.childName" -}}
{{- $full := include "std.fullname" .ctx -}}
{{- (ternary (printf "%s-%s" $full .suffix) $full (not (empty .suffix))) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* "<chart>-<version>" for the helm.sh/chart label. */}}
{{- define "std.chart" -}}
{{- $ctx := ternary .ctx . (hasKey . "ctx") -}}
{{- printf "%s-%s" $ctx.Chart.Name $ctx.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The labels selectors use (ctx, component). */}}
{{- define "std.selectorLabels" -}}
{{- $ctx := ternary .ctx . (hasKey . "ctx") -}}
app.kubernetes.io/name: {{ include "std.name" $ctx }}
app.kubernetes.io/instance: {{ $ctx.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{/* The standard labels (ctx, component, extraLabels). */}}
{{- define "std.labels" -}}
{{- $ctx := ternary .ctx . (hasKey . "ctx") -}}
helm.sh/chart: {{ include "std.chart" $ctx }}
{{ include "std.selectorLabels" . }}
{{- with $ctx.Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ $ctx.Release.Service }}
{{- range $key, $value := .extraLabels }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* metadata: name (default std.fullname), namespace, labels,
annotations (ctx, name, component, extraLabels, annotations, namespace). */}}
{{- define "std.metadata" -}}
metadata:
  name: {{ .name | default (include "std.fullname" .ctx) }}
{{- with .namespace }}
  namespace: {{ . }}
{{- end }}
  labels:
    {{- include "std.labels" (dict "ctx" .ctx "component" .component "extraLabels" .extraLabels) | nindent 4 }}
{{- with .annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
{{- end }}
{{- end -}}

{{/* A value as a YAML scalar: plain when safe, else JSON-quoted. */}}
{{- define "std.yamlStr" -}}
{{- if and (kindIs "string" .) (regexMatch "^[A-Za-z_/][-A-Za-z0-9_./:@]*$" .) (not (hasSuffix ":" .)) (not (has (lower .) (list "y" "n" "yes" "no" "on" "off" "true" "false" "null"))) -}}
{{ . }}
{{- else -}}
{{ toJson . }}
{{- end -}}
{{- end -}}

{{/* An item (template text or a Kubernetes mapping) as YAML text. */}}
{{- define "std._block" -}}
{{- if kindIs "string" . }}{{ trim . }}{{ else }}{{ toYaml . | trim }}{{ end -}}
{{- end -}}

{{/* A list of items as a YAML sequence at column 0. */}}
{{- define "std._seq" -}}
{{- range $i, $item := . }}
{{- if $i }}{{ "\n" }}{{ end -}}
- {{ include "std._block" $item | indent 2 | trim }}
{{- end -}}
{{- end -}}

{{/* "key:" and a block (a list, a mapping or text), or nothing when the
value is empty (key, value). */}}
{{- define "std._field" -}}
{{- $v := .value -}}
{{- if kindIs "slice" $v -}}
{{- if $v -}}
{{ .key }}:
  {{- include "std._seq" $v | nindent 2 }}
{{- end -}}
{{- else if kindIs "map" $v -}}
{{- if $v -}}
{{ .key }}:
  {{- toYaml $v | nindent 2 }}
{{- end -}}
{{- else if and (not (kindIs "invalid" $v)) (ne (toString $v) "") -}}
{{ .key }}:
  {{- include "std._block" $v | nindent 2 }}
{{- end -}}
{{- end -}}
