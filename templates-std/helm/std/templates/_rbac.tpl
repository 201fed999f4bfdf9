{{/*
std library: ServiceAccount, Role, ClusterRole, RoleBinding,
ClusterRoleBinding (the twin of templates-std/rbac.j2). Bindings default to
the role named std.fullname and the ServiceAccount std.fullname in the
release namespace.
*/}}

{{/* A ServiceAccount (ctx, automount, imagePullSecrets, and name,
component, extraLabels, annotations). */}}
{{- define "std.serviceAccount" -}}
apiVersion: v1
kind: ServiceAccount
{{ include "std.metadata" . }}
{{- if not (kindIs "invalid" .automount) }}
automountServiceAccountToken: {{ .automount }}
{{- end }}
{{- with .imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ include "std.yamlStr" (ternary (get (ternary . dict (kindIs "map" .)) "name") . (kindIs "map" .)) }}
{{- end }}
{{- end }}
{{- end -}}

{{/* A policy rule (apiGroups, resources, verbs, resourceNames). */}}
{{- define "std.rule" -}}
apiGroups:
  {{- toYaml .apiGroups | nindent 2 }}
resources:
  {{- toYaml .resources | nindent 2 }}
{{- with .resourceNames }}
resourceNames:
  {{- toYaml . | nindent 2 }}
{{- end }}
verbs:
  {{- toYaml .verbs | nindent 2 }}
{{- end -}}

{{/* A Role (ctx, rules, and name, component, extraLabels, annotations). */}}
{{- define "std.role" -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
{{ include "std.metadata" . }}
{{- if .rules }}
rules:
  {{- include "std._seq" .rules | nindent 2 }}
{{- else }}
rules: []
{{- end }}
{{- end -}}

{{/* A ClusterRole (ctx, rules, aggregateTo, and name, component,
extraLabels, annotations). */}}
{{- define "std.clusterRole" -}}
{{- $labels := merge (dict) (.extraLabels | default dict) -}}
{{- range .aggregateTo }}{{ $_ := set $labels (printf "rbac.authorization.k8s.io/aggregate-to-%s" .) "true" }}{{ end -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
{{ include "std.metadata" (merge (dict "extraLabels" $labels) .) }}
{{- if .rules }}
rules:
  {{- include "std._seq" .rules | nindent 2 }}
{{- else }}
rules: []
{{- end }}
{{- end -}}

{{- define "std._subjects" -}}
{{- if kindIs "invalid" .subjects -}}
- kind: ServiceAccount
  name: {{ include "std.yamlStr" (include "std.fullname" .ctx) }}
  namespace: {{ .ctx.Release.Namespace }}
{{- else -}}
{{- $ns := .ctx.Release.Namespace -}}
{{- range $i, $s := .subjects }}
{{- if $i }}{{ "\n" }}{{ end -}}
{{- if kindIs "map" $s -}}
- {{ toYaml $s | indent 2 | trim }}
{{- else -}}
- kind: ServiceAccount
  name: {{ include "std.yamlStr" $s }}
  namespace: {{ $ns }}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A RoleBinding (ctx, role, clusterRole (bool), subjects, and name,
component, extraLabels, annotations). */}}
{{- define "std.roleBinding" -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
{{ include "std.metadata" . }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: {{ ternary "ClusterRole" "Role" (not (not .clusterRole)) }}
  name: {{ include "std.yamlStr" (.role | default (include "std.fullname" .ctx)) }}
subjects:
  {{- include "std._subjects" . | nindent 2 }}
{{- end -}}

{{/* A ClusterRoleBinding (ctx, clusterRole (a name), subjects, and name,
component, extraLabels, annotations). */}}
{{- define "std.clusterRoleBinding" -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
{{ include "std.metadata" . }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ include "std.yamlStr" (.clusterRole | default (include "std.fullname" .ctx)) }}
subjects:
  {{- include "std._subjects" . | nindent 2 }}
{{- end -}}
