# Extract simple kustomize krusty tests (api/krusty/*_test.go) into directories.
import re, os, sys, json, glob, shutil
src = sys.argv[1]; out = sys.argv[2]
shutil.rmtree(out, ignore_errors=True); os.makedirs(out)
KHDR = "\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
CHDR = "\napiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
tok_re = re.compile(r'th\.(WriteK|WriteC|WriteF)\(\s*("(?:[^"\\]|\\.)*")\s*,\s*`([^`]*)`\s*\)|th\.(Run|RunWithErr)\(\s*("(?:[^"\\]|\\.)*")\s*,\s*(th\.MakeDefaultOptions\(\)|opts)\s*\)', re.S)
cases = []
helpers = {}
alltext = ''.join(open(f).read() for f in sorted(glob.glob(os.path.join(src, '*_test.go'))))
for hm in re.finditer(r'^func (\w+)\(th \*?kusttest_test\.Harness\) \{\n(.*?)^\}', alltext, re.M | re.S):
    hb = hm.group(2)
    calls = re.findall(r'th\.(\w+)\(', hb)
    if all(c in ('WriteK', 'WriteC', 'WriteF') for c in calls) and not re.search(r'\w+\(th\)', hb):
        helpers[hm.group(1)] = hb
def expand(body):
    return re.sub(r'^\s*(\w+)\(th\)\s*$', lambda m: helpers.get(m.group(1), m.group(0)), body, flags=re.M)
for f in sorted(glob.glob(os.path.join(src, '*_test.go'))):
    text = open(f).read()
    for m in re.finditer(r'^func (Test\w+)\(t \*testing\.T\) \{\n(.*?)^\}', text, re.M | re.S):
        name, raw_body = m.group(1), m.group(2)
        body = expand(raw_body)
        if 'MakeHarness(t)' not in body and 'MakeEnhancedHarness(t)' not in body:
            continue
        if any(x in raw_body for x in ('PrepExecPlugin', 'BuildGoPlugin', 'PrepGoPlugin', 'PrepFnPlugin', 'ResetLoaderRoot', 'MakeOptionsPluginsEnabled', 'Chart')):
            continue
        # Only literal th calls we understand.
        calls = re.findall(r'th\.(\w+)\(', body)
        if any(c not in ('WriteK', 'WriteC', 'WriteF', 'Run', 'RunWithErr', 'AssertActualEqualsExpected', 'MakeDefaultOptions', 'AssertActualEqualsExpectedNoIdAnnotations', 'GetPluginConfig', 'PrepBuiltin', 'Reset') for c in calls):
            continue
        if re.search(r'\bopts\.\w+\s*=', raw_body) or re.search(r'\(th\)', body) or re.search(r'^\s*for ', raw_body, re.M):
            continue
        files = {}
        n = 0
        for t in tok_re.finditer(body):
            if t.group(1):
                kind, path, content = t.group(1), json.loads(t.group(2)), t.group(3)
                if kind == 'WriteK':
                    files[os.path.join(path, 'kustomization.yaml')] = KHDR + content
                elif kind == 'WriteC':
                    files[os.path.join(path, 'kustomization.yaml')] = CHDR + content
                else:
                    files[path] = content
            else:
                target = json.loads(t.group(5))
                n += 1
                cname = f"{name}_{n}" if n > 1 else name
                d = os.path.join(out, cname)
                for p, c in files.items():
                    fp = os.path.join(d, 'fs', p.lstrip('/'))
                    os.makedirs(os.path.dirname(fp), exist_ok=True)
                    open(fp, 'w').write(c)
                os.makedirs(os.path.join(d, 'fs'), exist_ok=True)
                cases.append({'case': cname, 'dir': os.path.join('fs', target.lstrip('/')) or 'fs', 'source': os.path.basename(f), 'expect_error': t.group(4) == 'RunWithErr'})
json.dump(cases, open(os.path.join(out, 'cases.json'), 'w'), indent=1)
print(len(cases))
