# Usage: diffdirs.py ROOT OUTDIR : finds kustomization dirs under ROOT, runs kubectl, writes list.json
import os, sys, subprocess, json, hashlib
root, out = os.path.abspath(sys.argv[1]), sys.argv[2]
os.makedirs(out, exist_ok=True)
K = os.path.expanduser('~/.cache/capstan-peers/bin/kubectl')
items = []
for d, dirs, files in os.walk(root):
    dirs[:] = [x for x in dirs if x not in ('.git', 'node_modules', 'vendor')]
    if any(f in files for f in ('kustomization.yaml', 'kustomization.yml', 'Kustomization')):
        h = hashlib.md5(d.encode()).hexdigest()[:10]
        p = subprocess.run(['env','-i','PATH=/usr/bin:/bin','HOME=/tmp/kzhome',K,'kustomize', d], capture_output=True, text=True, timeout=60)
        exp = os.path.abspath(os.path.join(out, h + '.yaml'))
        open(exp, 'w').write(p.stdout)
        open(os.path.join(out, h + '.err'), 'w').write(p.stderr)
        items.append({'dir': d, 'expected': exp, 'rc': p.returncode})
json.dump(items, open(os.path.join(out, 'list.json'), 'w'), indent=1)
print(len(items), sum(1 for i in items if i['rc'] == 0), 'ok')
