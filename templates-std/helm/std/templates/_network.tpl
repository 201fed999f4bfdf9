{{/*
std library: Service, headless and ExternalName Services, Ingress,
HTTPRoute, NetworkPolicy (the twin of templates-std/network.j2).
*/}}

{{- define "std._servicePorts" -}}
{{- $nodePorts := .nodePorts -}}
{{- if kindIs "map" .ports -}}
{{- $first := true -}}
{{- range $name, $number := .ports }}
{{- if not $first }}{{ "\n" }}{{ end -}}
{{- $first = false -}}
- name: {{ include "std.yamlStr" $name }}
  port: {{ $number }}
  targetPort: {{ include "std.yamlStr" $name }}
  protocol: TCP
{{- end -}}
{{- else -}}
{{- range $i, $port := .ports }}
{{- if $i }}{{ "\n" }}{{ end -}}
- name: {{ include "std.yamlStr" $port.name }}
  port: {{ $port.port }}
  targetPort: {{ include "std.yamlStr" (ternary $port.targetPort $port.name (hasKey $port "targetPort")) }}
  protocol: {{ $port.protocol | default "TCP" }}
{{- if and $nodePorts $port.nodePort }}
  nodePort: {{ $port.nodePort }}
{{- end }}
{{- with $port.appProtocol }}
  appProtocol: {{ . }}
{{- end }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A Service (ctx, ports (a list of {name, port, targetPort, protocol,
nodePort, appProtocol} or a map name: port), type (ClusterIP), headless,
publishNotReady, externalTrafficPolicy, loadBalancerClass,
loadBalancerSourceRanges, sessionAffinity, selector, and name, component,
extraLabels, annotations). */}}
{{- define "std.service" -}}
{{- $type := .type | default "ClusterIP" -}}
{{- $exposed := and (has $type (list "NodePort" "LoadBalancer")) (not .headless) -}}
apiVersion: v1
kind: Service
{{ include "std.metadata" . }}
spec:
  type: {{ ternary "ClusterIP" $type (not (not .headless)) }}
{{- if .headless }}
  clusterIP: None
{{- end }}
{{- if .publishNotReady }}
  publishNotReadyAddresses: true
{{- end }}
{{- if and .externalTrafficPolicy (has $type (list "NodePort" "LoadBalancer")) }}
  externalTrafficPolicy: {{ .externalTrafficPolicy }}
{{- end }}
{{- if and (eq $type "LoadBalancer") .loadBalancerClass }}
  loadBalancerClass: {{ .loadBalancerClass }}
{{- end }}
{{- if and (eq $type "LoadBalancer") .loadBalancerSourceRanges }}
  loadBalancerSourceRanges:
    {{- toYaml .loadBalancerSourceRanges | nindent 4 }}
{{- end }}
{{- with .sessionAffinity }}
  sessionAffinity: {{ . }}
{{- end }}
  ports:
    {{- include "std._servicePorts" (dict "ports" .ports "nodePorts" $exposed) | nindent 4 }}
  selector:
{{- if .selector }}
    {{- toYaml .selector | nindent 4 }}
{{- else }}
    {{- include "std.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
{{- end }}
{{- end -}}

{{/* The headless Service of a StatefulSet (name default std.childName
"headless", publishNotReady default true; the std.service parameters). */}}
{{- define "std.headlessService" -}}
{{- $p := merge (dict "headless" true "type" "ClusterIP") . -}}
{{- if not .name }}{{ $_ := set $p "name" (include "std.childName" (dict "ctx" .ctx "suffix" "headless")) }}{{ end -}}
{{- if not (hasKey . "publishNotReady") }}{{ $_ := set $p "publishNotReady" true }}{{ end -}}
{{ include "std.service" $p }}
{{- end -}}

{{/* A Service of type ExternalName (ctx, externalName, ports, and name,
component, extraLabels, annotations). */}}
{{- define "std.externalNameService" -}}
apiVersion: v1
kind: Service
{{ include "std.metadata" . }}
spec:
  type: ExternalName
  externalName: {{ include "std.yamlStr" .externalName }}
{{- with .ports }}
  ports:
    {{- include "std._servicePorts" (dict "ports" . "nodePorts" false) | nindent 4 }}
{{- end }}
{{- end -}}

{{/* An Ingress (ctx, hosts (names or {host, paths}), serviceName,
servicePort ("http"), pathType (Prefix), className, tls, tlsSecret, and
name, component, extraLabels, annotations). */}}
{{- define "std.ingress" -}}
{{- $p := . -}}
{{- $service := .serviceName | default (include "std.fullname" .ctx) -}}
{{- $defaultPort := ternary .servicePort "http" (hasKey . "servicePort") -}}
{{- $pathType := .pathType | default "Prefix" -}}
apiVersion: networking.k8s.io/v1
kind: Ingress
{{ include "std.metadata" . }}
spec:
{{- with .className }}
  ingressClassName: {{ . }}
{{- end }}
{{- if .tlsSecret }}
  tls:
    - secretName: {{ include "std.yamlStr" .tlsSecret }}
      hosts:
{{- range .hosts }}
        - {{ include "std.yamlStr" (ternary (get (ternary . dict (kindIs "map" .)) "host") . (kindIs "map" .)) }}
{{- end }}
{{- else if .tls }}
  tls:
    {{- toYaml .tls | nindent 4 }}
{{- end }}
  rules:
{{- range $h := .hosts }}
{{- $host := $h }}{{ $paths := list "/" }}
{{- if kindIs "map" $h }}{{ $host = $h.host }}{{ if $h.paths }}{{ $paths = $h.paths }}{{ end }}{{ end }}
    - host: {{ include "std.yamlStr" $host }}
      http:
        paths:
{{- range $path := $paths }}
{{- $m := ternary $path (dict "path" $path) (kindIs "map" $path) }}
{{- $port := ternary $m.port $defaultPort (hasKey $m "port") }}
          - path: {{ include "std.yamlStr" $m.path }}
            pathType: {{ $m.pathType | default $pathType }}
            backend:
              service:
                name: {{ include "std.yamlStr" ($m.service | default $service) }}
                port:
{{- if kindIs "string" $port }}
                  name: {{ include "std.yamlStr" $port }}
{{- else }}
                  number: {{ $port }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* A Gateway API HTTPRoute (ctx, parentRefs, hostnames, serviceName,
servicePort (80), path ("/"), rules, and name, component, extraLabels,
annotations); annotated capstan.io/lint-disable: k8s-unknown-kind. */}}
{{- define "std.httpRoute" -}}
{{- $annotations := merge (dict) (.annotations | default dict) (dict "capstan.io/lint-disable" "k8s-unknown-kind") -}}
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
{{ include "std.metadata" (merge (dict "annotations" $annotations) .) }}
spec:
  parentRefs:
{{- range .parentRefs }}
{{- if kindIs "map" . }}
    - {{ toYaml . | indent 6 | trim }}
{{- else }}
    - name: {{ include "std.yamlStr" . }}
{{- end }}
{{- end }}
{{- with .hostnames }}
  hostnames:
    {{- toYaml . | nindent 4 }}
{{- end }}
  rules:
{{- if .rules }}
    {{- toYaml .rules | nindent 4 }}
{{- else }}
    - matches:
        - path:
            type: PathPrefix
            value: {{ include "std.yamlStr" (.path | default "/") }}
      backendRefs:
        - name: {{ include "std.yamlStr" (.serviceName | default (include "std.fullname" .ctx)) }}
          port: {{ ternary .servicePort 80 (hasKey . "servicePort") }}
{{- end }}
{{- end -}}

{{/* A NetworkPolicy (ctx, ingress, egress, ports, policyTypes, podSelector,
and name, component, extraLabels, annotations); see the Jinja macro. */}}
{{- define "std.networkPolicy" -}}
{{- $types := .policyTypes -}}
{{- if not $types }}{{ $types = ternary (list "Ingress" "Egress") (list "Ingress") (not (kindIs "invalid" .egress)) }}{{ end -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
{{ include "std.metadata" . }}
spec:
  podSelector:
    matchLabels:
{{- if .podSelector }}
      {{- toYaml .podSelector | nindent 6 }}
{{- else }}
      {{- include "std.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 6 }}
{{- end }}
  policyTypes:
    {{- toYaml $types | nindent 4 }}
{{- if has "Ingress" $types }}
{{- if kindIs "invalid" .ingress }}
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- with .ports }}
      ports:
{{- range . }}
        - port: {{ include "std.yamlStr" . }}
          protocol: TCP
{{- end }}
{{- end }}
{{- else if .ingress }}
  ingress:
    {{- toYaml .ingress | nindent 4 }}
{{- end }}
{{- end }}
{{- with .egress }}
  egress:
    {{- toYaml . | nindent 4 }}
{{- end }}
{{- end -}}
