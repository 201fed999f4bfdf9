{{/* The pod spec of a batch container running `command` (ctx, command, name). */}}
{{- define "batch.podSpec" -}}
{{- $ctx := .ctx -}}
{{- $container := include "std.container" (dict
      "ctx" $ctx
      "name" .name
      "image" $ctx.Values.image
      "imagePullPolicy" $ctx.Values.image.pullPolicy
      "command" .command
      "env" (dict "NODE_NAME" (dict "field" "spec.nodeName"))
      "resources" $ctx.Values.resources) }}
{{- include "std.podSpec" (dict
      "ctx" $ctx
      "containers" (list $container)
      "runAsUser" 65534
      "automountToken" false
      "restartPolicy" .restartPolicy
      "priorityClass" (include "std.fullname" $ctx)) }}
{{- end -}}
