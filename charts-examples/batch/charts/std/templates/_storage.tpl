{{/*
std library: StorageClass, PersistentVolume, PersistentVolumeClaim and
claim templates (the twin of templates-std/storage.j2). storageClass: nil
or "" leaves storageClassName out, "-" writes "", else the class name.
*/}}

{{- define "std._storageClassName" -}}
{{- if eq (toString .) "-" -}}
storageClassName: ""
{{- else if . -}}
storageClassName: {{ . }}
{{- end -}}
{{- end -}}

{{- define "std._claimSpec" -}}
accessModes:
  {{- toYaml (.accessModes | default (list "ReadWriteOnce")) | nindent 2 }}
{{- with include "std._storageClassName" .storageClass }}
{{ . }}
{{- end }}
{{- with .volumeMode }}
volumeMode: {{ . }}
{{- end }}
{{- with .volumeName }}
volumeName: {{ . }}
{{- end }}
{{- with .selector }}
selector:
  matchLabels:
    {{- toYaml . | nindent 4 }}
{{- end }}
resources:
  requests:
    storage: {{ include "std.yamlStr" .size }}
{{- end -}}

{{/* A StorageClass (ctx, provisioner, parameters, reclaimPolicy (Delete),
bindingMode (WaitForFirstConsumer), allowExpansion (true), default,
mountOptions, and name, component, extraLabels, annotations). */}}
{{- define "std.storageClass" -}}
{{- $annotations := .annotations -}}
{{- if .default }}{{ $annotations = merge (dict "storageclass.kubernetes.io/is-default-class" "true") (.annotations | default dict) }}{{ end -}}
apiVersion: storage.k8s.io/v1
kind: StorageClass
{{ include "std.metadata" (merge (dict "annotations" $annotations) .) }}
provisioner: {{ .provisioner }}
{{- with .parameters }}
parameters:
{{- range $key, $value := . }}
  {{ include "std.yamlStr" $key }}: {{ include "std.yamlStr" (toString $value) }}
{{- end }}
{{- end }}
reclaimPolicy: {{ .reclaimPolicy | default "Delete" }}
volumeBindingMode: {{ .bindingMode | default "WaitForFirstConsumer" }}
allowVolumeExpansion: {{ ternary .allowExpansion true (hasKey . "allowExpansion") }}
{{- with .mountOptions }}
mountOptions:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* A PersistentVolume (ctx, size, hostPath | nfs {server, path} |
localPath + nodeAffinityHostnames | csi, accessModes, reclaimPolicy
(Retain), storageClass, volumeMode, mountOptions, claimRef, and name,
component, extraLabels, annotations). */}}
{{- define "std.persistentVolume" -}}
apiVersion: v1
kind: PersistentVolume
{{ include "std.metadata" . }}
spec:
  capacity:
    storage: {{ include "std.yamlStr" .size }}
  accessModes:
    {{- toYaml (.accessModes | default (list "ReadWriteOnce")) | nindent 4 }}
  persistentVolumeReclaimPolicy: {{ .reclaimPolicy | default "Retain" }}
{{- with include "std._storageClassName" .storageClass }}
  {{ . }}
{{- end }}
{{- with .volumeMode }}
  volumeMode: {{ . }}
{{- end }}
{{- with .mountOptions }}
  mountOptions:
    {{- toYaml . | nindent 4 }}
{{- end }}
{{- with .claimRef }}
  claimRef:
    {{- toYaml . | nindent 4 }}
{{- end }}
{{- if .hostPath }}
  hostPath:
    path: {{ include "std.yamlStr" .hostPath }}
    type: DirectoryOrCreate
{{- else if .nfs }}
  nfs:
    server: {{ include "std.yamlStr" .nfs.server }}
    path: {{ include "std.yamlStr" .nfs.path }}
{{- else if .localPath }}
  local:
    path: {{ include "std.yamlStr" .localPath }}
{{- else if .csi }}
  csi:
    {{- toYaml .csi | nindent 4 }}
{{- else }}
{{- fail "std.persistentVolume: give one source: hostPath, nfs, localPath or csi" }}
{{- end }}
{{- with .nodeAffinityHostnames }}
  nodeAffinity:
    required:
      nodeSelectorTerms:
        - matchExpressions:
            - key: kubernetes.io/hostname
              operator: In
              values:
                {{- toYaml . | nindent 16 }}
{{- end }}
{{- end -}}

{{/* A PersistentVolumeClaim (ctx, size, accessModes, storageClass,
volumeName, selector, volumeMode, keep, and name, component, extraLabels,
annotations). */}}
{{- define "std.persistentVolumeClaim" -}}
{{- $annotations := .annotations -}}
{{- if .keep }}{{ $annotations = merge (dict "helm.sh/resource-policy" "keep") (.annotations | default dict) }}{{ end -}}
apiVersion: v1
kind: PersistentVolumeClaim
{{ include "std.metadata" (merge (dict "annotations" $annotations) .) }}
spec:
  {{- include "std._claimSpec" . | nindent 2 }}
{{- end -}}

{{/* A volumeClaimTemplates entry (name, size, accessModes, storageClass,
volumeMode). */}}
{{- define "std.claimTemplate" -}}
metadata:
  name: {{ include "std.yamlStr" .name }}
spec:
  {{- include "std._claimSpec" (dict "size" .size "accessModes" .accessModes "storageClass" .storageClass "volumeMode" .volumeMode) | nindent 2 }}
{{- end -}}
