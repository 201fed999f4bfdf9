{{/*
std library: pod spec pieces (the twin of templates-std/pod.j2): containers,
probes, environment, ports, mounts, volumes, tolerations, anti-affinity and
the pod spec. Lists of pieces take template texts (include "std.xxx") or
Kubernetes mappings. Defaults as in the Jinja library:
  resources        requests cpu 100m, memory 128Mi; limits memory 256Mi
  securityContext  container: allowPrivilegeEscalation false, capabilities
                   drop ALL; pod: runAsNonRoot true, seccompProfile RuntimeDefault
A nil value (or a missing key) gives the default; an empty dict leaves the field out.
*/}}

{{/* The image reference of a string or {registry, repository, tag, digest}
(ctx, image); the tag defaults to the chart's appVersion. */}}
{{- define "std.image" -}}
{{- $i := .image -}}
{{- if kindIs "string" $i -}}
{{ $i }}
{{- else -}}
{{- with $i.registry }}{{ . }}/{{ end }}{{ $i.repository }}{{ if $i.digest }}@{{ $i.digest }}{{ else }}:{{ $i.tag | default .ctx.Chart.AppVersion }}{{ end }}
{{- end -}}
{{- end -}}

{{/* A probe (port, path, scheme, command, grpc, initialDelay, period,
timeout, failureThreshold, successThreshold). */}}
{{- define "std.probe" -}}
{{- $port := ternary .port "http" (hasKey . "port") -}}
{{- if .command -}}
exec:
  command:
    {{- toYaml .command | nindent 4 }}
{{- else if .path -}}
httpGet:
  path: {{ include "std.yamlStr" .path }}
  port: {{ include "std.yamlStr" $port }}
{{- with .scheme }}
  scheme: {{ . }}
{{- end }}
{{- else if .grpc -}}
grpc:
  port: {{ $port }}
{{- else -}}
tcpSocket:
  port: {{ include "std.yamlStr" $port }}
{{- end }}
{{- $p := . }}
{{- range $pair := list (list "initialDelaySeconds" "initialDelay") (list "periodSeconds" "period") (list "timeoutSeconds" "timeout") (list "failureThreshold" "failureThreshold") (list "successThreshold" "successThreshold") }}
{{- $v := index $p (index $pair 1) }}
{{- if not (kindIs "invalid" $v) }}
{{ index $pair 0 }}: {{ $v }}
{{- end }}
{{- end }}
{{- end -}}

{{/* env entries: envValue (name, value), envConfigMap (name, configMap,
key, optional), envSecret (name, secret, key, optional), envField (name,
fieldPath), envResource (name, resource, container, divisor). */}}
{{- define "std.envValue" -}}
name: {{ include "std.yamlStr" .name }}
value: {{ include "std.yamlStr" (toString .value) }}
{{- end -}}

{{- define "std.envConfigMap" -}}
name: {{ include "std.yamlStr" .name }}
valueFrom:
  configMapKeyRef:
    name: {{ include "std.yamlStr" .configMap }}
    key: {{ include "std.yamlStr" .key }}
{{- if not (kindIs "invalid" .optional) }}
    optional: {{ .optional }}
{{- end }}
{{- end -}}

{{- define "std.envSecret" -}}
name: {{ include "std.yamlStr" .name }}
valueFrom:
  secretKeyRef:
    name: {{ include "std.yamlStr" .secret }}
    key: {{ include "std.yamlStr" .key }}
{{- if not (kindIs "invalid" .optional) }}
    optional: {{ .optional }}
{{- end }}
{{- end -}}

{{- define "std.envField" -}}
name: {{ include "std.yamlStr" .name }}
valueFrom:
  fieldRef:
    fieldPath: {{ .fieldPath }}
{{- end -}}

{{- define "std.envResource" -}}
name: {{ include "std.yamlStr" .name }}
valueFrom:
  resourceFieldRef:
{{- with .container }}
    containerName: {{ include "std.yamlStr" . }}
{{- end }}
    resource: {{ .resource }}
{{- if not (kindIs "invalid" .divisor) }}
    divisor: {{ include "std.yamlStr" .divisor }}
{{- end }}
{{- end -}}

{{/* One env entry from NAME: SOURCE (name, source); see std.container. */}}
{{- define "std._envEntry" -}}
{{- $s := .source -}}
{{- if not (kindIs "map" $s) -}}
{{ include "std.envValue" (dict "name" .name "value" $s) }}
{{- else if hasKey $s "configMap" -}}
{{ include "std.envConfigMap" (dict "name" .name "configMap" $s.configMap "key" $s.key "optional" $s.optional) }}
{{- else if hasKey $s "secret" -}}
{{ include "std.envSecret" (dict "name" .name "secret" $s.secret "key" $s.key "optional" $s.optional) }}
{{- else if hasKey $s "field" -}}
{{ include "std.envField" (dict "name" .name "fieldPath" $s.field) }}
{{- else if hasKey $s "resource" -}}
{{ include "std.envResource" (dict "name" .name "resource" $s.resource "container" $s.container "divisor" $s.divisor) }}
{{- else -}}
name: {{ include "std.yamlStr" .name }}
valueFrom:
  {{- toYaml $s | nindent 2 }}
{{- end -}}
{{- end -}}

{{/* The env list: a map NAME: SOURCE or a list of pieces. */}}
{{- define "std.envList" -}}
{{- if kindIs "map" . -}}
{{- $first := true -}}
{{- range $name, $source := . }}
{{- if not $first }}{{ "\n" }}{{ end -}}
{{- $first = false -}}
- {{ include "std._envEntry" (dict "name" $name "source" $source) | indent 2 | trim }}
{{- end -}}
{{- else -}}
{{ include "std._seq" . }}
{{- end -}}
{{- end -}}

{{/* An envFrom entry (configMap or secret, prefix, optional). */}}
{{- define "std.envFrom" -}}
{{- with .prefix -}}
prefix: {{ include "std.yamlStr" . }}
{{ end -}}
{{- if .configMap -}}
configMapRef:
  name: {{ include "std.yamlStr" .configMap }}
{{- else -}}
secretRef:
  name: {{ include "std.yamlStr" .secret }}
{{- end }}
{{- if not (kindIs "invalid" .optional) }}
  optional: {{ .optional }}
{{- end }}
{{- end -}}

{{/* The ports of a container: a map name: number or a list of {name,
port, protocol}. */}}
{{- define "std.containerPorts" -}}
{{- if kindIs "map" . -}}
{{- $first := true -}}
{{- range $name, $number := . }}
{{- if not $first }}{{ "\n" }}{{ end -}}
{{- $first = false -}}
- name: {{ include "std.yamlStr" $name }}
  containerPort: {{ $number }}
  protocol: TCP
{{- end -}}
{{- else -}}
{{- range $i, $p := . }}
{{- if $i }}{{ "\n" }}{{ end -}}
- name: {{ include "std.yamlStr" $p.name }}
  containerPort: {{ ternary $p.containerPort $p.port (hasKey $p "containerPort") }}
  protocol: {{ $p.protocol | default "TCP" }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A volume mount (name, path, readOnly, subPath). */}}
{{- define "std.mount" -}}
name: {{ include "std.yamlStr" .name }}
mountPath: {{ include "std.yamlStr" .path }}
{{- with .subPath }}
subPath: {{ include "std.yamlStr" . }}
{{- end }}
{{- if .readOnly }}
readOnly: true
{{- end }}
{{- end -}}

{{/* The volumeMounts list: a map volume: path, or a list of pieces. */}}
{{- define "std.mountList" -}}
{{- if kindIs "map" . -}}
{{- $first := true -}}
{{- range $volume, $path := . }}
{{- if not $first }}{{ "\n" }}{{ end -}}
{{- $first = false -}}
- {{ include "std.mount" (dict "name" $volume "path" $path) | indent 2 | trim }}
{{- end -}}
{{- else -}}
{{ include "std._seq" . }}
{{- end -}}
{{- end -}}

{{/* A container (ctx, name, image, ports, env, envFrom, command, args,
probe, liveness, readiness, startup, resources, securityContext,
volumeMounts, imagePullPolicy, workingDir, lifecycle, extra). */}}
{{- define "std.container" -}}
{{- $resources := dict "requests" (dict "cpu" "100m" "memory" "128Mi") "limits" (dict "memory" "256Mi") -}}
{{- if not (kindIs "invalid" .resources) }}{{ $resources = .resources }}{{ end -}}
{{- $sc := dict "allowPrivilegeEscalation" false "capabilities" (dict "drop" (list "ALL")) -}}
{{- if not (kindIs "invalid" .securityContext) }}{{ $sc = .securityContext }}{{ end -}}
name: {{ include "std.yamlStr" .name }}
image: {{ include "std.yamlStr" (include "std.image" (dict "ctx" .ctx "image" .image)) }}
imagePullPolicy: {{ .imagePullPolicy | default "IfNotPresent" }}
{{- if not (kindIs "invalid" .command) }}
command:
  {{- toYaml .command | nindent 2 }}
{{- end }}
{{- if not (kindIs "invalid" .args) }}
args:
  {{- toYaml .args | nindent 2 }}
{{- end }}
{{- with .workingDir }}
workingDir: {{ include "std.yamlStr" . }}
{{- end }}
{{- with .ports }}
ports:
  {{- include "std.containerPorts" . | nindent 2 }}
{{- end }}
{{- with .envFrom }}
envFrom:
  {{- include "std._seq" . | nindent 2 }}
{{- end }}
{{- with .env }}
env:
  {{- include "std.envList" . | nindent 2 }}
{{- end }}
{{- $liveness := ternary .liveness .probe (not (kindIs "invalid" .liveness)) }}
{{- $readiness := ternary .readiness .probe (not (kindIs "invalid" .readiness)) }}
{{- range $field := list (list "livenessProbe" $liveness) (list "readinessProbe" $readiness) (list "startupProbe" .startup) (list "lifecycle" .lifecycle) (list "resources" $resources) (list "securityContext" $sc) }}
{{- with include "std._field" (dict "key" (index $field 0) "value" (index $field 1)) }}
{{ . }}
{{- end }}
{{- end }}
{{- with .volumeMounts }}
volumeMounts:
  {{- include "std.mountList" . | nindent 2 }}
{{- end }}
{{- with .extra }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Volumes: volumeEmptyDir (name, medium, sizeLimit), volumeHostPath
(name, path, type), volumeNfs (name, server, path, readOnly), volumePvc
(name, claim, readOnly), volumeConfigMap / volumeSecret (ctx, name,
configMap / secret (default std.fullname), items, defaultMode, optional),
volumeDownwardApi (name, fields, resources), volumeProjected (name, sources,
defaultMode). */}}
{{- define "std.volumeEmptyDir" -}}
name: {{ include "std.yamlStr" .name }}
{{- if or .medium .sizeLimit }}
emptyDir:
{{- with .medium }}
  medium: {{ . }}
{{- end }}
{{- with .sizeLimit }}
  sizeLimit: {{ include "std.yamlStr" . }}
{{- end }}
{{- else }}
emptyDir: {}
{{- end }}
{{- end -}}

{{- define "std.volumeHostPath" -}}
name: {{ include "std.yamlStr" .name }}
hostPath:
  path: {{ include "std.yamlStr" .path }}
{{- with .type }}
  type: {{ . }}
{{- end }}
{{- end -}}

{{- define "std.volumeNfs" -}}
name: {{ include "std.yamlStr" .name }}
nfs:
  server: {{ include "std.yamlStr" .server }}
  path: {{ include "std.yamlStr" .path }}
{{- if .readOnly }}
  readOnly: true
{{- end }}
{{- end -}}

{{- define "std.volumePvc" -}}
name: {{ include "std.yamlStr" .name }}
persistentVolumeClaim:
  claimName: {{ include "std.yamlStr" .claim }}
{{- if .readOnly }}
  readOnly: true
{{- end }}
{{- end -}}

{{- define "std._keyItems" -}}
{{- $first := true -}}
{{- range $key, $path := . }}
{{- if not $first }}{{ "\n" }}{{ end -}}
{{- $first = false -}}
- key: {{ include "std.yamlStr" $key }}
  path: {{ include "std.yamlStr" $path }}
{{- end -}}
{{- end -}}

{{- define "std._sourceOptions" -}}
{{- with .items }}
items:
  {{- include "std._keyItems" . | nindent 2 }}
{{- end }}
{{- if not (kindIs "invalid" .defaultMode) }}
defaultMode: {{ .defaultMode }}
{{- end }}
{{- if not (kindIs "invalid" .optional) }}
optional: {{ .optional }}
{{- end }}
{{- end -}}

{{- define "std.volumeConfigMap" -}}
name: {{ include "std.yamlStr" .name }}
configMap:
  name: {{ include "std.yamlStr" (.configMap | default (include "std.fullname" .ctx)) }}
{{- with include "std._sourceOptions" . }}
  {{- . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "std.volumeSecret" -}}
name: {{ include "std.yamlStr" .name }}
secret:
  secretName: {{ include "std.yamlStr" (.secret | default (include "std.fullname" .ctx)) }}
{{- with include "std._sourceOptions" . }}
  {{- . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "std._downwardItems" -}}
{{- $out := list -}}
{{- range $path, $fieldPath := .fields }}
{{- $out = append $out (printf "- path: %s\n  fieldRef:\n    fieldPath: %s" (include "std.yamlStr" $path) $fieldPath) }}
{{- end }}
{{- range $path, $r := .resources }}
{{- $container := "" }}{{ $resource := $r }}
{{- if kindIs "map" $r }}{{ $container = $r.container | default "" }}{{ $resource = $r.resource }}{{ end }}
{{- $out = append $out (printf "- path: %s\n  resourceFieldRef:\n    containerName: %s\n    resource: %s" (include "std.yamlStr" $path) (include "std.yamlStr" $container) $resource) }}
{{- end }}
{{- join "\n" $out }}
{{- end -}}

{{- define "std.volumeDownwardApi" -}}
{{- $fields := dict "labels" "metadata.labels" "annotations" "metadata.annotations" -}}
{{- if not (kindIs "invalid" .fields) }}{{ $fields = .fields }}{{ end -}}
name: {{ include "std.yamlStr" .name }}
downwardAPI:
  items:
    {{- include "std._downwardItems" (dict "fields" $fields "resources" .resources) | nindent 4 }}
{{- end -}}

{{/* Projected sources: projectionConfigMap (configMap, items),
projectionSecret (secret, items), projectionToken (path, audience,
expiration), projectionDownwardApi (fields). */}}
{{- define "std.projectionConfigMap" -}}
configMap:
  name: {{ include "std.yamlStr" .configMap }}
{{- with .items }}
  items:
    {{- include "std._keyItems" . | nindent 4 }}
{{- end }}
{{- end -}}

{{- define "std.projectionSecret" -}}
secret:
  name: {{ include "std.yamlStr" .secret }}
{{- with .items }}
  items:
    {{- include "std._keyItems" . | nindent 4 }}
{{- end }}
{{- end -}}

{{- define "std.projectionToken" -}}
serviceAccountToken:
{{- with .audience }}
  audience: {{ include "std.yamlStr" . }}
{{- end }}
  expirationSeconds: {{ ternary .expiration 3600 (hasKey . "expiration") }}
  path: {{ include "std.yamlStr" (.path | default "token") }}
{{- end -}}

{{- define "std.projectionDownwardApi" -}}
downwardAPI:
  items:
    {{- include "std._downwardItems" (dict "fields" .fields) | nindent 4 }}
{{- end -}}

{{- define "std.volumeProjected" -}}
name: {{ include "std.yamlStr" .name }}
projected:
{{- if not (kindIs "invalid" .defaultMode) }}
  defaultMode: {{ .defaultMode }}
{{- end }}
  sources:
    {{- include "std._seq" .sources | nindent 4 }}
{{- end -}}

{{/* A toleration (key, operator (default Exists), value, effect, seconds). */}}
{{- define "std.toleration" -}}
{{- with .key -}}
key: {{ include "std.yamlStr" . }}
{{ end -}}
operator: {{ .operator | default "Exists" }}
{{- if not (kindIs "invalid" .value) }}
value: {{ include "std.yamlStr" (toString .value) }}
{{- end }}
{{- with .effect }}
effect: {{ . }}
{{- end }}
{{- if not (kindIs "invalid" .seconds) }}
tolerationSeconds: {{ .seconds }}
{{- end }}
{{- end -}}

{{/* podAntiAffinity spreading the pods of one component (ctx, mode "soft"
or "hard", component, topologyKey). */}}
{{- define "std.antiAffinity" -}}
{{- $key := .topologyKey | default "kubernetes.io/hostname" -}}
podAntiAffinity:
{{- if eq (toString .mode) "hard" }}
  requiredDuringSchedulingIgnoredDuringExecution:
    - topologyKey: {{ $key }}
      labelSelector:
        matchLabels:
          {{- include "std.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 10 }}
{{- else }}
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: {{ $key }}
        labelSelector:
          matchLabels:
            {{- include "std.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 12 }}
{{- end }}
{{- end -}}

{{/* A pod spec (ctx, containers, initContainers, volumes, serviceAccount,
automountToken, securityContext, runAsUser, runAsGroup, fsGroup,
nodeSelector, tolerations, affinity, antiAffinity, component,
topologySpread, imagePullSecrets, restartPolicy, priorityClass,
terminationGracePeriod, hostNetwork, dnsPolicy, hostname, subdomain, extra). */}}
{{- define "std.podSpec" -}}
{{- $sc := dict "runAsNonRoot" true "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- if not (kindIs "invalid" .securityContext) }}{{ $sc = .securityContext }}{{ end -}}
{{- $more := dict -}}
{{- range $pair := list (list "runAsUser" .runAsUser) (list "runAsGroup" .runAsGroup) (list "fsGroup" .fsGroup) }}
{{- if not (kindIs "invalid" (index $pair 1)) }}{{ $_ := set $more (index $pair 0) (index $pair 1) }}{{ end }}
{{- end -}}
{{- $lines := list -}}
{{- with .serviceAccount }}{{ $lines = append $lines (printf "serviceAccountName: %s" .) }}{{ end -}}
{{- if not (kindIs "invalid" .automountToken) }}{{ $lines = append $lines (printf "automountServiceAccountToken: %v" .automountToken) }}{{ end -}}
{{- with .hostname }}{{ $lines = append $lines (printf "hostname: %s" .) }}{{ end -}}
{{- with .subdomain }}{{ $lines = append $lines (printf "subdomain: %s" .) }}{{ end -}}
{{- if .hostNetwork }}{{ $lines = append $lines "hostNetwork: true" }}{{ end -}}
{{- with .dnsPolicy }}{{ $lines = append $lines (printf "dnsPolicy: %s" .) }}{{ end -}}
{{- with .restartPolicy }}{{ $lines = append $lines (printf "restartPolicy: %s" .) }}{{ end -}}
{{- with .priorityClass }}{{ $lines = append $lines (printf "priorityClassName: %s" .) }}{{ end -}}
{{- if not (kindIs "invalid" .terminationGracePeriod) }}{{ $lines = append $lines (printf "terminationGracePeriodSeconds: %v" .terminationGracePeriod) }}{{ end -}}
{{- with include "std._field" (dict "key" "securityContext" "value" (ternary (merge $more $sc) (dict) (or (not (empty $sc)) (not (empty $more))))) }}{{ $lines = append $lines . }}{{ end -}}
{{- with .imagePullSecrets }}
{{- $s := list }}
{{- range . }}{{ if kindIs "map" . }}{{ $s = append $s (printf "  - name: %s" .name) }}{{ else }}{{ $s = append $s (printf "  - name: %s" .) }}{{ end }}{{ end }}
{{- $lines = append $lines (printf "imagePullSecrets:\n%s" (join "\n" $s)) }}
{{- end -}}
{{- with include "std._field" (dict "key" "initContainers" "value" .initContainers) }}{{ $lines = append $lines . }}{{ end -}}
{{- $lines = append $lines (printf "containers:\n%s" (include "std._seq" .containers | indent 2)) -}}
{{- range $field := list (list "volumes" .volumes) (list "nodeSelector" .nodeSelector) (list "tolerations" .tolerations) }}
{{- with include "std._field" (dict "key" (index $field 0) "value" (index $field 1)) }}{{ $lines = append $lines . }}{{ end }}
{{- end -}}
{{- if .affinity }}
{{- $lines = append $lines (include "std._field" (dict "key" "affinity" "value" .affinity)) }}
{{- else if .antiAffinity }}
{{- $lines = append $lines (printf "affinity:\n%s" (include "std.antiAffinity" (dict "ctx" .ctx "mode" .antiAffinity "component" .component) | indent 2)) }}
{{- end -}}
{{- with include "std._field" (dict "key" "topologySpreadConstraints" "value" .topologySpread) }}{{ $lines = append $lines . }}{{ end -}}
{{- with .extra }}{{ $lines = append $lines (toYaml . | trim) }}{{ end -}}
{{- join "\n" $lines }}
{{- end -}}
