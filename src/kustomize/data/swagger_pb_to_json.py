# Regenerate k8s_schema.txt: python3 swagger_pb_to_json.py <kyaml>/openapi/kubernetesapi/v1_21_2/swagger.pb /tmp/swagger.json
# Decode kyaml's embedded gnostic OpenAPI v2 protobuf (swagger.pb) into a compact
# schema table for capstan's strategic-merge-patch walker.
import sys, json
data = open(sys.argv[1],'rb').read()

def varint(b, i):
    r = 0; s = 0
    while True:
        c = b[i]; i += 1
        r |= (c & 0x7f) << s; s += 7
        if c < 0x80: return r, i

def fields(b):
    i = 0; n = len(b)
    while i < n:
        key, i = varint(b, i)
        fn, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(b, i)
        elif wt == 1:
            v = b[i:i+8]; i += 8
        elif wt == 2:
            l, i = varint(b, i); v = b[i:i+l]; i += l
        elif wt == 5:
            v = b[i:i+4]; i += 4
        else:
            raise Exception("wt %d" % wt)
        yield fn, wt, v

def get(b, num):
    return [v for fn, wt, v in fields(b) if fn == num]

def named(b):  # NamedX: name=1, value=2
    name = get(b, 1); val = get(b, 2)
    return name[0].decode(), (val[0] if val else b'')

def any_yaml(b):  # Any: value=1, yaml=2
    y = get(b, 2)
    return y[0].decode() if y else None

def schema(b):
    s = {}
    r = get(b, 1)
    if r: s['ref'] = r[0].decode()
    t = get(b, 22)
    if t: s['type'] = [x.decode() for x in get(t[0], 1)]
    it = get(b, 23)
    if it:
        sch = get(it[0], 1)
        if sch: s['items'] = schema(sch[0])
    ap = get(b, 21)
    if ap:
        sc = get(ap[0], 1)
        if sc: s['additionalProperties'] = schema(sc[0])
    pr = get(b, 25)
    if pr:
        props = {}
        for ns in get(pr[0], 1):
            k, v = named(ns); props[k] = schema(v)
        s['properties'] = props
    ext = {}
    for na in get(b, 31):
        k, v = named(na); ext[k] = any_yaml(v)
    if ext: s['ext'] = ext
    return s

doc = data
defs = {}
for d in get(doc, 9):
    for ns in get(d, 1):
        k, v = named(ns); defs[k] = schema(v)
# paths for namespaceability
paths = {}
for p in get(doc, 8):
    for npi in get(p, 2):
        k, v = named(npi)
        g = get(v, 2)  # get operation
        if not g: continue
        ext = {}
        for na in get(g[0], 13):
            kk, vv = named(na); ext[kk] = any_yaml(vv)
        if 'x-kubernetes-group-version-kind' in ext:
            paths[k] = ext['x-kubernetes-group-version-kind']
json.dump({'definitions': defs, 'paths': paths}, open(sys.argv[2], 'w'), indent=1, sort_keys=True)
print(len(defs), len(paths))
