# Random multi-level kustomizations stressing name references, namespaces and components.
import os, json, random, shutil, sys
out, seed, N = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(seed)
shutil.rmtree(out, ignore_errors=True); os.makedirs(out)

def resources(a):
    docs = []
    docs.append(f"""apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {a}
spec:
  serviceName: {a}
  replicas: 1
  selector:
    matchLabels:
      app: {a}
  template:
    metadata:
      labels:
        app: {a}
    spec:
      serviceAccountName: {a}-sa
      priorityClassName: high
      initContainers:
      - name: init
        image: busybox:1
        envFrom:
        - configMapRef:
            name: {a}-env
      containers:
      - name: c
        image: app/{a}:v1
        env:
        - name: PASS
          valueFrom:
            secretKeyRef:
              name: {a}-secret
              key: password
      volumes:
      - name: data
        persistentVolumeClaim:
          claimName: {a}-pvc
      - name: proj
        projected:
          sources:
          - configMap:
              name: {a}-env
  volumeClaimTemplates:
  - metadata:
      name: vct
    spec:
      storageClassName: fast
      accessModes: [ReadWriteOnce]
""")
    docs.append(f"""apiVersion: v1
kind: Service
metadata:
  name: {a}
spec:
  selector:
    app: {a}
  ports:
  - port: 80
""")
    docs.append(f"""apiVersion: v1
kind: ServiceAccount
metadata:
  name: {a}-sa
""")
    docs.append(f"""apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {a}-pvc
spec:
  storageClassName: fast
  resources:
    requests:
      storage: 1Gi
""")
    if random.random() < 0.6:
        docs.append(f"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {a}-ing
  annotations:
    nginx.ingress.kubernetes.io/auth-secret: {a}-secret
spec:
  ingressClassName: nginx
  tls:
  - hosts: [{a}.example.com]
    secretName: {a}-secret
  rules:
  - host: {a}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: {a}
            port:
              number: 80
""")
    if random.random() < 0.6:
        docs.append(f"""apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {a}-crb
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {a}-cr
subjects:
- kind: ServiceAccount
  name: {a}-sa
  namespace: default
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {a}-cr
rules:
- apiGroups: [""]
  resources: [secrets]
  resourceNames: [{a}-secret]
  verbs: [get]
""")
    if random.random() < 0.5:
        docs.append(f"""apiVersion: batch/v1
kind: CronJob
metadata:
  name: {a}-cron
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: {a}-sa
          containers:
          - name: job
            image: app/{a}:v1
            args: ["$(HOST)"]
            envFrom:
            - secretRef:
                name: {a}-secret
          restartPolicy: Never
""")
    if random.random() < 0.4:
        docs.append(f"""apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: {a}-hpa
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: StatefulSet
    name: {a}
  maxReplicas: 3
""")
    return "---\n".join(docs)

cases = []
for i in range(N):
    name = f"case{seed}_{i}"
    root = os.path.join(out, name, 'fs')
    files = {}
    apps = random.sample(['alpha', 'beta', 'gamma'], random.randint(1, 2))
    # base
    bk = "resources:\n" + "".join(f"- {a}.yaml\n" for a in apps)
    for a in apps:
        files[f'base/{a}.yaml'] = resources(a)
    bk += "configMapGenerator:\n" + "".join(f"- name: {a}-env\n  literals:\n  - A={random.randint(0,9)}\n" for a in apps)
    bk += "secretGenerator:\n" + "".join(f"- name: {a}-secret\n  literals:\n  - password=x{random.randint(0,9)}\n" for a in apps)
    if random.random() < 0.5:
        bk += "generatorOptions:\n  labels:\n    gen: \"yes\"\n" + ("  disableNameSuffixHash: true\n" if random.random() < 0.3 else "")
    if random.random() < 0.3:
        bk += f"namespace: base-ns\n"
    files['base/kustomization.yaml'] = bk
    # component
    comps = []
    if random.random() < 0.4:
        files['comp/kustomization.yaml'] = f"""apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
configMapGenerator:
- name: {apps[0]}-env
  behavior: merge
  literals:
  - FROM_COMPONENT=1
patches:
- patch: |-
    - op: add
      path: /metadata/annotations
      value:
        component: "true"
  target:
    kind: Service
"""
        comps.append('../comp')
    # mid
    mk = "resources:\n- ../base\n"
    if comps:
        mk += "components:\n" + "".join(f"- {c}\n" for c in comps)
    if random.random() < 0.7: mk += f"namePrefix: mid{random.randint(0,3)}-\n"
    if random.random() < 0.5: mk += f"namespace: mid-ns{random.randint(0,2)}\n"
    if random.random() < 0.4: mk += f"nameSuffix: -m\n"
    if random.random() < 0.4:
        mk += f"""patches:
- patch: |-
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: {apps[0]}
    spec:
      template:
        spec:
          containers:
          - name: c
            envFrom:
            - secretRef:
                name: {apps[0]}-secret
"""
    files['mid/kustomization.yaml'] = mk
    # top
    tk = "resources:\n- ../mid\n"
    if random.random() < 0.6: tk += f"namePrefix: top-\n"
    if random.random() < 0.5: tk += f"namespace: prod\n"
    if random.random() < 0.4:
        tk += "labels:\n- pairs:\n    tier: top\n  includeSelectors: true\n"
    if random.random() < 0.4:
        tk += f"configMapGenerator:\n- name: {apps[-1]}-env\n  behavior: replace\n  literals:\n  - B=2\n"
    if random.random() < 0.4:
        tk += f"vars:\n- name: HOST\n  objref:\n    kind: Service\n    name: {apps[0]}\n    apiVersion: v1\n  fieldref:\n    fieldpath: metadata.name\n"
    if random.random() < 0.3:
        tk += f"""replacements:
- source:
    kind: Ingress
    fieldPath: spec.rules.0.host
    options:
      delimiter: "."
      index: 0
  targets:
  - select:
      kind: Service
    fieldPaths:
    - metadata.labels.host
    options:
      create: true
"""
    if random.random() < 0.3:
        tk += "sortOptions:\n  order: fifo\n"
    files['top/kustomization.yaml'] = tk
    for p, c in files.items():
        fp = os.path.join(root, p)
        os.makedirs(os.path.dirname(fp), exist_ok=True)
        open(fp, 'w').write(c)
    cases.append({'case': name, 'dir': 'fs/top', 'source': f'fuzz2 seed {seed}'})
json.dump(cases, open(os.path.join(out, 'cases.json'), 'w'), indent=1)
print(len(cases))
