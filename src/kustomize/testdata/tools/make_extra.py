import os, json, shutil, sys
out = sys.argv[1]
shutil.rmtree(out, ignore_errors=True); os.makedirs(out)
cases = []
def case(name, files, target='.'):
    for p, c in files.items():
        fp = os.path.join(out, name, 'fs', p)
        os.makedirs(os.path.dirname(fp), exist_ok=True)
        open(fp, 'wb' if isinstance(c, bytes) else 'w').write(c)
    cases.append({'case': name, 'dir': os.path.normpath(os.path.join('fs', target)), 'source': 'capstan'})

DEP = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      serviceAccountName: sa
      imagePullSecrets:
      - name: pull
      containers:
      - name: web
        image: nginx:1.25
        ports:
        - containerPort: 80
        - containerPort: 443
          protocol: TCP
        env:
        - name: A
          value: "1"
        - name: CFG
          valueFrom:
            configMapKeyRef:
              name: cfg
              key: k
        envFrom:
        - secretRef:
            name: sec
        volumeMounts:
        - name: data
          mountPath: /data
      - name: side
        image: busybox
        args: ["--port=$(PORT)", "$(SVC)"]
      volumes:
      - name: data
        persistentVolumeClaim:
          claimName: pvc
      - name: cfgvol
        configMap:
          name: cfg
      - name: proj
        projected:
          sources:
          - secret:
              name: sec
          - configMap:
              name: cfg
"""
SVC = """apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
"""
MISC = """apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: pvc
spec:
  resources:
    requests:
      storage: 1Gi
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rb
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: role
subjects:
- kind: ServiceAccount
  name: sa
- kind: ServiceAccount
  name: default
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: role
rules:
- apiGroups: [""]
  resources: ["secrets"]
  resourceNames: ["sec"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: crb
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cr
subjects:
- kind: ServiceAccount
  name: sa
  namespace: other
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: cr
rules: []
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ing
spec:
  tls:
  - secretName: sec
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: hpa
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cj
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: c
            image: nginx
            envFrom:
            - configMapRef:
                name: cfg
"""
base = {'base/dep.yaml': DEP, 'base/svc.yaml': SVC, 'base/misc.yaml': MISC,
        'base/kustomization.yaml': """resources:
- dep.yaml
- svc.yaml
- misc.yaml
configMapGenerator:
- name: cfg
  literals:
  - k=v
  - num=10
  - flag=true
secretGenerator:
- name: sec
  literals:
  - password=s3cr3t
- name: pull
  type: kubernetes.io/dockerconfigjson
  literals:
  - .dockerconfigjson={"auths":{}}
"""}
def with_base(d):
    r = dict(base); r.update(d); return r

case('everything_overlay', with_base({'overlay/kustomization.yaml': """resources:
- ../base
namespace: prod
namePrefix: p-
nameSuffix: -s
labels:
- pairs:
    team: a
  includeSelectors: true
- pairs:
    tier: web
  includeTemplates: true
commonAnnotations:
  note: "hello"
  num: "5"
images:
- name: nginx
  newTag: 1.27.0
- name: busybox
  newName: registry.example.com/busybox
  digest: sha256:abcdef
replicas:
- name: web
  count: 3
configMapGenerator:
- name: cfg
  behavior: merge
  literals:
  - extra=yes
"""}), 'overlay')

case('vars_and_replacements', with_base({'overlay/kustomization.yaml': """resources:
- ../base
namePrefix: x-
vars:
- name: SVC
  objref:
    kind: Service
    name: web
    apiVersion: v1
- name: PORT
  objref:
    kind: Service
    name: web
    apiVersion: v1
  fieldref:
    fieldpath: spec.ports[0].port
replacements:
- source:
    kind: ConfigMap
    name: cfg
    fieldPath: data.k
  targets:
  - select:
      kind: Deployment
    fieldPaths:
    - spec.template.spec.containers.[name=web].env.[name=A].value
    - metadata.annotations.copied
    options:
      create: true
- source:
    kind: Service
    name: web
    fieldPath: metadata.name
  targets:
  - select:
      kind: Ingress
    fieldPaths:
    - spec.rules.0.host
    options:
      delimiter: "."
      index: 0
      create: true
"""}), 'overlay')

case('patches_variety', with_base({'overlay/kustomization.yaml': """resources:
- ../base
patches:
- patch: |-
    - op: replace
      path: /spec/replicas
      value: 5
    - op: add
      path: /metadata/annotations
      value:
        a: "1"
  target:
    kind: Deployment
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      template:
        spec:
          containers:
          - name: web
            env:
            - name: B
              value: b
            ports:
            - containerPort: 8080
          - name: side
            $patch: delete
- patch: |-
    apiVersion: v1
    kind: Service
    metadata:
      name: not-used
    spec:
      type: NodePort
  target:
    kind: Service
    labelSelector: "!missing"
- patch: |-
    $patch: delete
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: cj
- patch: |-
    [{"op": "add", "path": "/rules/0/verbs/-", "value": "list"}]
  target:
    kind: Role
    name: ro.*
- path: ing.yaml
  target:
    group: networking.k8s.io
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      template:
        spec:
          volumes:
          - name: cfgvol
            $patch: delete
          - name: extra
            emptyDir: {}
""", 'overlay/ing.yaml': """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ing
  annotations:
    x: y
spec:
  ingressClassName: nginx
"""}), 'overlay')

case('legacy_fields', with_base({'overlay/kustomization.yaml': """bases:
- ../base
commonLabels:
  env: dev
imageTags:
- name: nginx
  newTag: legacy
patchesStrategicMerge:
- |-
  apiVersion: v1
  kind: Service
  metadata:
    name: web
  spec:
    ports:
    - port: 80
      targetPort: 9090
- dep.yaml
patchesJson6902:
- target:
    version: v1
    kind: Service
    name: web
  path: svc-patch.yaml
""", 'overlay/dep.yaml': """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        resources:
          limits:
            memory: 128Mi
""", 'overlay/svc-patch.yaml': """- op: add
  path: /spec/ports/-
  value:
    port: 9000
"""}), 'overlay')

case('components', {
  'base/kustomization.yaml': "resources:\n- dep.yaml\n", 'base/dep.yaml': DEP,
  'comp/kustomization.yaml': """apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
configMapGenerator:
- name: cfg
  literals:
  - from=component
patches:
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      replicas: 7
""",
  'overlay/kustomization.yaml': "resources:\n- ../base\ncomponents:\n- ../comp\nnamePrefix: c-\n"}, 'overlay')

case('scalars_and_quoting', {'kustomization.yaml': "resources:\n- cm.yaml\ncommonAnnotations:\n  a: 'on'\n", 'cm.yaml': """apiVersion: v1
kind: ConfigMap
metadata:
  name: q
  annotations:
    int: 5
    bool: true
data:
  yes: yes
  on: "on"
  oct: 0755
  octq: "0755"
  hex: 0x1F
  float: 1.50
  exp: 1e3
  big: 12345678901234567890
  ts: 2001-12-14
  null1: ~
  empty: ""
  tilde: "~"
  long: this is a fairly long string that should exceed the eighty column limit of the emitter for sure yes
  multi: |
    line one
    line two
  folded: >
    folded text
    here
  tab: "a\\tb"
  unicode: "héllo ✓"
  colon: "a: b"
  hash: "a #b"
  dash: "- x"
  star: "*x"
"""})

case('generators_options', {'kustomization.yaml': """generatorOptions:
  disableNameSuffixHash: false
  labels:
    gen: "true"
  annotations:
    ga: x
configMapGenerator:
- name: props
  files:
  - app.properties
  - renamed=other.txt
  envs:
  - vars.env
  options:
    immutable: true
    labels:
      own: label
- name: nohash
  literals:
  - a=b
  options:
    disableNameSuffixHash: true
secretGenerator:
- name: tls
  type: kubernetes.io/tls
  files:
  - tls.crt
  - tls.key
- name: big
  files:
  - big.txt
- name: bin
  files:
  - blob.bin
""", 'app.properties': "a=1\nb=2\n", 'other.txt': "x", 'vars.env': "# c\nK1=v1\nK2=\"quoted\"\n\nK3\n",
  'tls.crt': "CERT\n", 'tls.key': "KEY\n", 'big.txt': "x" * 200 + "\n", 'blob.bin': bytes([0, 1, 2, 255, 254, 10])})

case('namespace_rbac_and_sort', {'kustomization.yaml': """namespace: team
sortOptions:
  order: fifo
resources:
- all.yaml
""", 'all.yaml': MISC + "---\n" + """apiVersion: v1
kind: Namespace
metadata:
  name: ignored
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: foos.example.com
spec:
  group: example.com
  names:
    kind: Foo
    plural: foos
  scope: Namespaced
  versions: []
  conversion:
    strategy: Webhook
    webhook:
      clientConfig:
        service:
          name: hook
          namespace: old
---
apiVersion: example.com/v1
kind: Foo
metadata:
  name: foo
spec:
  list: [1, 2]
"""})

case('legacy_sort_options', {'kustomization.yaml': """resources:
- all.yaml
sortOptions:
  order: legacy
  legacySortOptions:
    orderFirst:
    - Service
    orderLast:
    - ConfigMap
""", 'all.yaml': MISC + "---\n" + SVC + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: z\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n"})

case('list_kind_and_crd_patch', {'kustomization.yaml': """resources:
- list.yaml
patches:
- patch: |-
    apiVersion: example.com/v1
    kind: Foo
    metadata:
      name: foo
    spec:
      items:
      - name: b
      nested:
        keep: false
""", 'list.yaml': """apiVersion: v1
kind: List
items:
- apiVersion: example.com/v1
  kind: Foo
  metadata:
    name: foo
  spec:
    items:
    - name: a
    nested:
      keep: true
      other: 1
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: cm
  data:
    a: b
"""})

case('smp_directives_kept', {'kustomization.yaml': open('/tmp/smpk/kustomization.yaml').read(), 'dep.yaml': open('/tmp/smpk/dep.yaml').read()})
SCHEMA = open('/work/ref/kustomize/api/krusty/testdata/customschema.json').read()
SCHEMA_Y = open('/work/ref/kustomize/api/krusty/testdata/customschema.yaml').read()
CR = """apiVersion: example.com/v1alpha1
kind: MyCRD
metadata:
  name: service
spec:
  template:
    spec:
      containers:
      - name: server
        image: server
        command: example
        ports:
        - name: grpc
          protocol: TCP
          containerPort: 8080
      - name: other
        image: other
"""
CR_PATCH = """patches:
- patch: |-
    apiVersion: example.com/v1alpha1
    kind: MyCRD
    metadata:
      name: service
    spec:
      template:
        spec:
          containers:
          - name: server
            image: nginx
"""
case('openapi_custom_schema_json', {'kustomization.yaml': "resources:\n- cr.yaml\nopenapi:\n  path: schema.json\n" + CR_PATCH, 'cr.yaml': CR, 'schema.json': SCHEMA})
case('openapi_custom_schema_yaml', {'kustomization.yaml': "resources:\n- cr.yaml\nopenapi:\n  path: schema.yaml\n" + CR_PATCH, 'cr.yaml': CR, 'schema.yaml': SCHEMA_Y})
case('openapi_custom_schema_from_base', {'base/kustomization.yaml': "resources:\n- cr.yaml\nopenapi:\n  path: schema.json\n", 'base/cr.yaml': CR, 'base/schema.json': SCHEMA,
  'overlay/kustomization.yaml': "resources:\n- ../base\n" + CR_PATCH}, 'overlay')
case('openapi_without_schema', {'kustomization.yaml': "resources:\n- cr.yaml\n" + CR_PATCH, 'cr.yaml': CR})
case('openapi_bad_version', {'kustomization.yaml': "resources:\n- cr.yaml\nopenapi:\n  version: v1.14.1\n", 'cr.yaml': CR})
case('bad_label_type_error', {'kustomization.yaml': "commonLabels:\n  a: yes\n"})
case('bad_image_tag_type_error', {'kustomization.yaml': "images:\n- name: a\n  newTag: 1.0\n"})
case('empty_kustomization_error', {'kustomization.yaml': "kind: Kustomization\n"})
case('remote_resource_error', {'kustomization.yaml': "resources:\n- https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.0.0\n"})
case('missing_file_error', {'kustomization.yaml': "resources:\n- nope.yaml\n"})
case('outside_root_error', {'k/kustomization.yaml': "resources:\n- ../x.yaml\n", 'x.yaml': SVC}, 'k')
case('conflict_error', {'kustomization.yaml': "resources:\n- a.yaml\n- b.yaml\n", 'a.yaml': SVC, 'b.yaml': SVC})
case('cycle_error', {'a/kustomization.yaml': "resources:\n- ../b\n", 'b/kustomization.yaml': "resources:\n- ../a\n"}, 'a')
json.dump(cases, open(os.path.join(out, 'cases.json'), 'w'), indent=1)
print(len(cases))
