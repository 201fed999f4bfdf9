{{/*
std library: Namespace, PriorityClass, CustomResourceDefinition (the twin of
templates-std/cluster.j2).
*/}}

{{/* A Namespace (ctx, name, podSecurity, component, extraLabels,
annotations). */}}
{{- define "std.namespace" -}}
{{- $labels := .extraLabels -}}
{{- with .podSecurity }}{{ $labels = merge (dict "pod-security.kubernetes.io/enforce" . "pod-security.kubernetes.io/warn" .) ($labels | default dict) }}{{ end -}}
apiVersion: v1
kind: Namespace
{{ include "std.metadata" (merge (dict "extraLabels" $labels) .) }}
{{- end -}}

{{/* A PriorityClass (ctx, value, globalDefault, preemptionPolicy,
description, and name, component, extraLabels, annotations). */}}
{{- define "std.priorityClass" -}}
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
{{ include "std.metadata" . }}
value: {{ int64 .value }}
globalDefault: {{ .globalDefault | default false }}
{{- with .preemptionPolicy }}
preemptionPolicy: {{ . }}
{{- end }}
{{- with .description }}
description: {{ include "std.yamlStr" . }}
{{- end }}
{{- end -}}

{{/* A CustomResourceDefinition named <plural>.<group> (ctx, group, kind,
plural, singular, scope (Namespaced), versions (["v1"]), schema,
shortNames, categories, status (true), printerColumns, and component,
extraLabels, annotations). */}}
{{- define "std.customResourceDefinition" -}}
{{- $plural := .plural | default (printf "%ss" (lower .kind)) -}}
{{- $schema := .schema | default (dict "type" "object" "properties" (dict "spec" (dict "type" "object" "x-kubernetes-preserve-unknown-fields" true) "status" (dict "type" "object" "x-kubernetes-preserve-unknown-fields" true))) -}}
{{- $status := ternary .status true (hasKey . "status") -}}
{{- $p := . -}}
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
{{ include "std.metadata" (merge (dict "name" (printf "%s.%s" $plural .group)) .) }}
spec:
  group: {{ .group }}
  scope: {{ .scope | default "Namespaced" }}
  names:
    kind: {{ .kind }}
    listKind: {{ .kind }}List
    plural: {{ $plural }}
    singular: {{ .singular | default (lower .kind) }}
{{- with .shortNames }}
    shortNames:
      {{- toYaml . | nindent 6 }}
{{- end }}
{{- with .categories }}
    categories:
      {{- toYaml . | nindent 6 }}
{{- end }}
  versions:
{{- range $i, $version := (.versions | default (list "v1")) }}
    - name: {{ $version }}
      served: true
      storage: {{ eq $i 0 }}
{{- if $status }}
      subresources:
        status: {}
{{- end }}
{{- with $p.printerColumns }}
      additionalPrinterColumns:
        {{- toYaml . | nindent 8 }}
{{- end }}
      schema:
        openAPIV3Schema:
          {{- toYaml $schema | nindent 10 }}
{{- end }}
{{- end -}}
