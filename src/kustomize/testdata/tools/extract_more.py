# Extract plugin tests (plugin/builtin/*) and table-driven filter tests into kustomization dirs.
import re, os, sys, json, glob, shutil
kroot = sys.argv[1]; out = sys.argv[2]
shutil.rmtree(out, ignore_errors=True); os.makedirs(out)
cases = []
def emit(name, files, target='fs', source=''):
    d = os.path.join(out, name)
    for p, c in files.items():
        fp = os.path.join(d, 'fs', p.lstrip('/'))
        os.makedirs(os.path.dirname(fp), exist_ok=True)
        open(fp, 'w').write(c)
    cases.append({'case': name, 'dir': target, 'source': source})
BT = r'`([^`]*)`'
# 1. builtin plugin tests
for f in sorted(glob.glob(os.path.join(kroot, 'plugin/builtin/*/*_test.go'))):
    if 'helmchart' in f or 'valueadd' in f or 'iampolicy' in f: continue
    text = open(f).read()
    for m in re.finditer(r'^func (Test\w+)\(t \*testing\.T\) \{\n(.*?)^\}', text, re.M | re.S):
        name, body = m.group(1), m.group(2)
        files = {}
        n = 0
        for t in re.finditer(r'th\.WriteF\(\s*("(?:[^"\\]|\\.)*")\s*,\s*' + BT + r'\s*\)|th\.(LoadAndRunTransformer|RunTransformerAndCheckResult|RunTransformerAndCheckError|ErrorFromLoadAndRunTransformer)\(\s*' + BT + r'\s*,\s*' + BT + r'|th\.(LoadAndRunGenerator|ErrorFromLoadAndRunGenerator)\(\s*' + BT, body, re.S):
            if t.group(1):
                files[json.loads(t.group(1))] = t.group(2)
                continue
            n += 1
            cname = f"{name}_{n}" if n > 1 else name
            fs = dict(files)
            if t.group(3):
                fs['transformer-config.yaml'] = t.group(4)
                fs['input-resources.yaml'] = t.group(5)
                k = "resources:\n- input-resources.yaml\ntransformers:\n- transformer-config.yaml\n"
                if not t.group(5).strip():
                    k = "transformers:\n- transformer-config.yaml\n"
            else:
                fs['generator-config.yaml'] = t.group(7)
                k = "generators:\n- generator-config.yaml\n"
            fs['kustomization.yaml'] = k
            emit(cname, fs, source=os.path.relpath(f, kroot))
# 2. table-driven filter tests
def table(path, fields, build):
    text = open(os.path.join(kroot, path)).read()
    for m in re.finditer(r'^\t\t"([^"]+)": \{\n(.*?)^\t\t\},', text, re.M | re.S):
        name, body = m.group(1), m.group(2)
        vals = {}
        for fld in fields:
            mm = re.search(r'^\t\t\t' + fld + r':\s+(?:yaml\.MustParse\()?`([^`]*)`', body, re.M)
            if mm: vals[fld] = mm.group(1)
        if not all(f in vals for f in fields): continue
        cname = os.path.basename(os.path.dirname(path)) + '_' + re.sub(r'[^A-Za-z0-9]+', '_', name).strip('_')
        emit(cname, build(vals), source=path)
table('api/filters/replacement/replacement_test.go', ['input', 'replacements'],
      lambda v: {'input.yaml': v['input'], 'kustomization.yaml': 'resources:\n- input.yaml\n' + v['replacements'] + '\n'})
table('api/filters/patchstrategicmerge/patchstrategicmerge_test.go', ['input', 'patch'],
      lambda v: {'input.yaml': v['input'], 'patch.yaml': v['patch'], 'kustomization.yaml': 'resources:\n- input.yaml\npatches:\n- path: patch.yaml\n'})
json.dump(cases, open(os.path.join(out, 'cases.json'), 'w'), indent=1)
print(len(cases))
