# Random kustomizations for differential testing against kubectl.
import os, json, random, shutil, sys
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
N = int(sys.argv[3]) if len(sys.argv) > 3 else 100
random.seed(seed)
out = sys.argv[1]
shutil.rmtree(out, ignore_errors=True); os.makedirs(out)

def dep(name, image='nginx:1.0', extra=''):
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
spec:
  replicas: {random.choice([1, 2, '"3"'])}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
      annotations:
        a: "1"
    spec:
      serviceAccountName: sa-{name}
      containers:
      - name: main
        image: {image}
        ports:
        - containerPort: 80
          name: http
        - containerPort: 9090
          protocol: UDP
        env:
        - name: X
          value: x
        - name: CM
          valueFrom:
            configMapKeyRef:
              name: cm-{name}
              key: k
        volumeMounts:
        - name: v
          mountPath: /v
      - name: side
        image: busybox:1.36
        args: ["--svc=$(SVC)", "--x"]
      volumes:
      - name: v
        configMap:
          name: cm-{name}
      - name: s
        secret:
          secretName: sec-{name}
{extra}"""

def svc(name):
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
  annotations:
    note: "{random.choice(['yes', 'on', '1', 'true', 'x'])}"
spec:
  selector:
    app: {name}
  ports:
  - port: 80
    targetPort: http
    name: http
"""

def rbac(name):
    return f"""apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa-{name}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: role-{name}
rules:
- apiGroups: [""]
  resources: [configmaps]
  resourceNames: [cm-{name}]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rb-{name}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: role-{name}
subjects:
- kind: ServiceAccount
  name: sa-{name}
"""

def crd_obj(name):
    return f"""apiVersion: example.com/v1
kind: Widget
metadata:
  name: w-{name}
spec:
  items:
  - name: a
    v: 1
  - name: b
    v: 2
  ref:
    name: cm-{name}
  count: {random.choice([1, '2', 3.5, 'null'])}
"""

def smp_patch(name):
    choices = [
        f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  template:
    spec:
      containers:
      - name: main
        image: nginx:patched
        env:
        - name: Y
          value: y
""",
        f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  template:
    spec:
      containers:
      - name: side
        $patch: delete
""",
        f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 5
  template:
    metadata:
      labels:
        extra: "true"
    spec:
      containers:
      - name: new
        image: new:1
      volumes:
      - name: extra
        emptyDir: {{}}
""",
        f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  template:
    spec:
      containers:
      - name: main
        ports:
        - containerPort: 8080
          name: alt
        - containerPort: 9090
          protocol: TCP
""",
        f"""apiVersion: example.com/v1
kind: Widget
metadata:
  name: w-{name}
spec:
  items:
  - name: c
  extra: value
""",
        f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  ports:
  - port: 443
    name: https
  type: ClusterIP
""",
    ]
    return random.choice(choices)

def json_patch(name):
    return random.choice([
        ("- op: replace\n  path: /spec/replicas\n  value: 4\n", "Deployment", name),
        ("- op: add\n  path: /metadata/labels/added\n  value: v\n", "Deployment", name),
        ("- op: remove\n  path: /spec/template/spec/containers/1\n", "Deployment", name),
        ("[{\"op\": \"add\", \"path\": \"/spec/ports/-\", \"value\": {\"port\": 8443, \"name\": \"alt\"}}]", "Service", name),
        ("- op: replace\n  path: /spec/count\n  value: \"7\"\n", "Widget", "w-" + name),
        ("- op: copy\n  from: /metadata/name\n  path: /metadata/annotations/copied\n", "Service", name),
    ])

n_ok = 0
cases = []
for i in range(N):
    name = f"case{seed}_{i}"
    root = os.path.join(out, name, 'fs')
    apps = random.sample(['web', 'api', 'db'], random.randint(1, 2))
    files = {}
    res = []
    for a in apps:
        files[f'base/{a}.yaml'] = dep(a) + '---\n' + svc(a) + ('---\n' + rbac(a) if random.random() < 0.7 else '') + ('---\n' + crd_obj(a) if random.random() < 0.4 else '')
        res.append(f'{a}.yaml')
    bk = "resources:\n" + "".join(f"- {r}\n" for r in res)
    if random.random() < 0.8:
        bk += "configMapGenerator:\n"
        for a in apps:
            bk += f"- name: cm-{a}\n  literals:\n  - k=v{random.randint(0,9)}\n  - n={random.choice(['1', 'true', 'x y', 'a=b'])}\n"
            if random.random() < 0.3:
                bk += "  options:\n    disableNameSuffixHash: true\n"
    if random.random() < 0.7:
        bk += "secretGenerator:\n"
        for a in apps:
            bk += f"- name: sec-{a}\n  literals:\n  - password=p{random.randint(0,99)}\n"
    if random.random() < 0.3:
        bk += f"namePrefix: b{random.randint(0,9)}-\n"
    if random.random() < 0.3:
        bk += "labels:\n- pairs:\n    base: \"yes\"\n  includeSelectors: " + random.choice(['true', 'false']) + "\n"
    files['base/kustomization.yaml'] = bk
    ok = "resources:\n- ../base\n"
    if random.random() < 0.5: ok += f"namespace: ns{random.randint(0,3)}\n"
    if random.random() < 0.5: ok += f"namePrefix: p{random.randint(0,9)}-\n"
    if random.random() < 0.3: ok += f"nameSuffix: -s{random.randint(0,9)}\n"
    if random.random() < 0.4:
        ok += "commonLabels:\n  env: " + random.choice(['dev', 'prod', '"1"']) + "\n"
    if random.random() < 0.4:
        ok += "labels:\n- pairs:\n    team: t\n  includeTemplates: " + random.choice(['true', 'false']) + "\n"
    if random.random() < 0.4:
        ok += "commonAnnotations:\n  owner: me\n"
    if random.random() < 0.5:
        ok += "images:\n" + random.choice(["- name: nginx\n  newTag: \"2.0\"\n", "- name: busybox\n  newName: reg/busybox\n  digest: sha256:aa\n", "- name: nginx\n  newName: my/nginx\n"])
    if random.random() < 0.3:
        ok += f"replicas:\n- name: {apps[0]}\n  count: {random.randint(0, 9)}\n"
    patches = []
    for a in apps:
        if random.random() < 0.5:
            pf = f"smp-{a}.yaml"
            files[f'overlay/{pf}'] = smp_patch(a)
            patches.append(f"- path: {pf}\n")
        if random.random() < 0.4:
            text, kind, tname = json_patch(a)
            jf = f"json-{a}.yaml"
            files[f'overlay/{jf}'] = text
            patches.append(f"- path: {jf}\n  target:\n    kind: {kind}\n    name: {tname}\n")
    if patches:
        ok += "patches:\n" + "".join(patches)
    if random.random() < 0.3:
        ok += f"configMapGenerator:\n- name: cm-{apps[0]}\n  behavior: {random.choice(['merge', 'replace'])}\n  literals:\n  - over=1\n"
    if random.random() < 0.3:
        ok += f"""replacements:
- source:
    kind: Service
    name: {apps[0]}
    fieldPath: metadata.name
  targets:
  - select:
      kind: Deployment
    fieldPaths:
    - spec.template.metadata.annotations.svc
    options:
      create: true
"""
    if random.random() < 0.3:
        ok += f"vars:\n- name: SVC\n  objref:\n    kind: Service\n    name: {apps[0]}\n    apiVersion: v1\n"
    files['overlay/kustomization.yaml'] = ok
    for p, c in files.items():
        fp = os.path.join(root, p)
        os.makedirs(os.path.dirname(fp), exist_ok=True)
        open(fp, 'w').write(c)
    cases.append({'case': name, 'dir': 'fs/overlay', 'source': f'fuzz seed {seed}'})
json.dump(cases, open(os.path.join(out, 'cases.json'), 'w'), indent=1)
print(len(cases))
