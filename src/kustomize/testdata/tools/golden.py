import json, subprocess, os, sys
root = sys.argv[1]
K = os.path.expanduser('~/.cache/capstan-peers/bin/kubectl')
cases = json.load(open(os.path.join(root, 'cases.json')))
ok = err = 0
for c in cases:
    d = os.path.join(root, c['case'], c['dir'])
    p = subprocess.run(['env','-i','PATH=/usr/bin:/bin','HOME=/tmp/kzhome',K,'kustomize', d], capture_output=True, text=True)
    open(os.path.join(root, c['case'], 'expected.yaml'),'w').write(p.stdout)
    open(os.path.join(root, c['case'], 'expected.err'),'w').write(p.stderr.replace(os.path.abspath(root), '<root>'))
    c['rc'] = p.returncode
    if p.returncode == 0: ok += 1
    else: err += 1
json.dump(cases, open(os.path.join(root, 'cases.json'),'w'), indent=1)
print(ok, err)
