# Random patches and replacements of many shapes on a fixed base.
import os, json, random, shutil, sys
out, seed, N = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(seed)
shutil.rmtree(out, ignore_errors=True); os.makedirs(out)
BASE = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
    tier: front
  annotations:
    owner: team-a
spec:
  replicas: 2
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      tolerations:
      - key: a
        operator: Exists
      containers:
      - name: main
        image: nginx:1.25
        args: [--a, --b]
        env:
        - name: A
          value: "1"
        - name: B
          value: two
        ports:
        - containerPort: 80
        - containerPort: 53
          protocol: UDP
        resources:
          limits:
            cpu: 100m
        volumeMounts:
        - name: cfg
          mountPath: /etc/cfg
      - name: sidecar
        image: envoy:1
      volumes:
      - name: cfg
        configMap:
          name: cfg
      - name: tmp
        emptyDir: {}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    app: web
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: 8080
  - name: dns
    port: 53
    protocol: UDP
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  labels:
    app: web
data:
  k: v
  host: web.example.com
---
apiVersion: example.com/v1
kind: Thing
metadata:
  name: thing
  labels:
    kind: custom
spec:
  list:
  - name: x
    value: 1
  - name: y
    value: 2
  nested:
    a: 1
    b: [1, 2, 3]
"""
SMP = [
 "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: main\n        env:\n        - name: A\n          $patch: delete\n        - name: C\n          value: c\n",
 "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - $patch: replace\n      - name: only\n        image: only:1\n",
 "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  strategy:\n    $patch: replace\n    type: Recreate\n",
 "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    tier: null\nspec:\n  template:\n    spec:\n      tolerations:\n      - key: b\n        operator: Equal\n",
 "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: main\n        args: [--c]\n        ports:\n        - containerPort: 53\n          protocol: TCP\n        resources:\n          limits:\n            memory: 1Gi\n          requests: null\n",
 "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      volumes:\n      - name: tmp\n        $patch: delete\n      - name: cfg\n        configMap:\n          name: cfg\n          defaultMode: 0644\n",
 "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: thing\nspec:\n  list:\n  - name: z\n  nested:\n    b: null\n    c: true\n",
 "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - name: http\n    port: 80\n    targetPort: 9090\n  - name: extra\n    port: 8443\n",
 "$patch: delete\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n",
 "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  k: null\n  added: \"yes\"\n",
]
JSONP = [
 ("- op: move\n  from: /spec/replicas\n  path: /metadata/annotations/replicas\n", "kind: Deployment"),
 ("- op: add\n  path: /spec/template/spec/containers/0/args/-1\n  value: --inserted\n", "kind: Deployment"),
 ("- op: test\n  path: /data/k\n  value: v\n- op: replace\n  path: /data/k\n  value: tested\n", "kind: ConfigMap"),
 ("- op: remove\n  path: /spec/list/-1\n", "kind: Thing"),
 ("- op: replace\n  path: /spec/newfield\n  value: {a: [1, 2]}\n", "labelSelector: kind=custom"),
 ("- op: add\n  path: /metadata/labels/selected\n  value: \"true\"\n", "labelSelector: app=web"),
 ("- op: add\n  path: /metadata/annotations/x\n  value: \"y\"\n", "annotationSelector: owner=team-a"),
 ("- op: copy\n  from: /spec/ports/0\n  path: /spec/ports/-\n", "kind: Service\n    name: w.*"),
]
REPL = [
 "- source:\n    kind: ConfigMap\n    name: cfg\n    fieldPath: data.host\n    options:\n      delimiter: '.'\n      index: 1\n  targets:\n  - select:\n      kind: Service\n    fieldPaths:\n    - metadata.annotations.domain\n    options:\n      create: true\n",
 "- source:\n    kind: Deployment\n    name: web\n    fieldPath: spec.template.spec.containers.[name=main].image\n  targets:\n  - select:\n      kind: Deployment\n    fieldPaths:\n    - spec.template.spec.containers.[name=sidecar].image\n",
 "- source:\n    kind: Service\n    fieldPath: spec.ports.0.port\n  targets:\n  - select:\n      kind: Deployment\n    fieldPaths:\n    - spec.template.spec.containers.0.ports.0.containerPort\n  - select:\n      labelSelector: app=web\n    reject:\n    - kind: Service\n    fieldPaths:\n    - metadata.annotations.port\n    options:\n      create: true\n",
 "- sourceValue: fixed\n  targets:\n  - select:\n      kind: Thing\n    fieldPaths:\n    - spec.list.*.value\n",
 "- source:\n    kind: ConfigMap\n    name: cfg\n    fieldPath: metadata.labels\n  targets:\n  - select:\n      kind: Thing\n    fieldPaths:\n    - spec.nested\n",
]
cases = []
for i in range(N):
    name = f"case{seed}_{i}"
    root = os.path.join(out, name, 'fs')
    files = {'base.yaml': BASE}
    k = "resources:\n- base.yaml\n"
    if random.random() < 0.3: k += "namePrefix: pre-\n"
    if random.random() < 0.3: k += "namespace: fz\n"
    ps = []
    for j, p in enumerate(random.sample(SMP, random.randint(0, 3))):
        files[f'smp{j}.yaml'] = p
        ps.append(f"- path: smp{j}.yaml\n")
    for j, (p, t) in enumerate(random.sample(JSONP, random.randint(0, 3))):
        files[f'json{j}.yaml'] = p
        ps.append(f"- path: json{j}.yaml\n  target:\n    {t}\n")
    if ps:
        k += "patches:\n" + "".join(ps)
    rs = random.sample(REPL, random.randint(0, 2))
    if rs:
        k += "replacements:\n" + "".join(rs)
    if random.random() < 0.4:
        k += "images:\n" + random.choice(["- name: nginx\n  tagSuffix: -alpine\n", "- name: envoy\n  newTag: \"2\"\n  digest: sha256:bb\n", "- name: nginx\n  digest: sha256:cc\n"])
    files['kustomization.yaml'] = k
    for p, c in files.items():
        fp = os.path.join(root, p)
        os.makedirs(os.path.dirname(fp), exist_ok=True)
        open(fp, 'w').write(c)
    cases.append({'case': name, 'dir': 'fs', 'source': f'fuzz3 seed {seed}'})
json.dump(cases, open(os.path.join(out, 'cases.json'), 'w'), indent=1)
print(len(cases))
