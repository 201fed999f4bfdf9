# Then: python3 schema_table.py /tmp/swagger.json k8s_schema.txt
# Builds capstan's compact Kubernetes schema table (src/kustomize/k8s_schema.txt)
# from the swagger kyaml embeds (v1.21.2), decoded by pbdump.py.
import json, sys
d = json.load(open(sys.argv[1]))
defs = d['definitions']

def y(s):  # tiny YAML scalar/list reader for extension values
    s = s.strip()
    if s.startswith('- '):
        return [l[2:].strip() for l in s.splitlines()]
    return s

def texpr(s):
    if 'ref' in s:
        return '>' + s['ref'].split('/')[-1]
    t = s.get('type', [])
    if t == ['array'] and 'items' in s:
        return '[]' + texpr(s['items'])
    if 'additionalProperties' in s:
        return '{}' + texpr(s['additionalProperties'])
    return '_'

def interesting(e):
    return e.replace('[]', '').replace('{}', '') != '_'

out = ['# Kubernetes v1.21.2 API schema as kyaml embeds it (kyaml/openapi/kubernetesapi):',
       '# D <definition> [<apiVersion>|<kind> ...]; then per field: <name> <type> [<patch-strategy> <merge-keys>]',
       '# type: >Def (reference), []T (array), {}T (map), _ (primitive).']
for name in sorted(defs):
    s = defs[name]
    gvks = []
    ext = s.get('ext', {})
    if 'x-kubernetes-group-version-kind' in ext:
        raw = ext['x-kubernetes-group-version-kind']
        # list of maps
        cur = {}
        items = []
        for line in raw.splitlines():
            if line.startswith('- '):
                if cur: items.append(cur)
                cur = {}; line = line[2:]
            k, _, v = line.strip().partition(':')
            cur[k.strip()] = v.strip().strip('"')
        if cur: items.append(cur)
        for it in items:
            av = it['version'] if not it.get('group') else it['group'] + '/' + it['version']
            gvks.append(av + '|' + it['kind'])
    lines = []
    for pn, ps in sorted(s.get('properties', {}).items()):
        e = texpr(ps)
        pe = ps.get('ext', {})
        strat = y(pe['x-kubernetes-patch-strategy']) if 'x-kubernetes-patch-strategy' in pe else None
        if not interesting(e) and strat is None:
            continue
        line = pn + ' ' + e
        if strat is not None:
            if 'x-kubernetes-list-map-keys' in pe:
                keys = ','.join(y(pe['x-kubernetes-list-map-keys']))
            elif 'x-kubernetes-patch-merge-key' in pe:
                keys = y(pe['x-kubernetes-patch-merge-key'])
            else:
                keys = '-'
            line += ' ' + strat + ' ' + keys
        lines.append(line)
    if lines or gvks:
        out.append('D ' + ' '.join([name] + gvks))
        out.extend(lines)
# namespaceability from paths
ns = {}
for path, g in sorted(d['paths'].items()):
    it = {}
    for line in g.splitlines():
        k, _, v = line.partition(':'); it[k.strip()] = v.strip().strip('"')
    av = it['version'] if not it.get('group') else it['group'] + '/' + it['version']
    tm = av + '|' + it['kind']
    if 'namespaces/{namespace}' in path:
        ns[tm] = True
    elif tm not in ns:
        ns[tm] = False
out.append('# cluster-scoped kinds (paths without namespaces/{namespace}):')
out.append('C ' + ' '.join(sorted(k for k, v in ns.items() if not v)))
out.append('N ' + ' '.join(sorted(k for k, v in ns.items() if v)))
open(sys.argv[2], 'w').write('\n'.join(out) + '\n')
