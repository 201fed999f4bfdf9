#!/usr/bin/env python3
"""Generate src/lint/k8s/schemas-index.jsonl and schemas-bodies.jsonl: the
Kubernetes API types capstan lint validates objects against, in a compact form
embedded in the binary.

Sources (both fetched with the registries' ordinary clients):
  * PyPI  kubernetes-validate==1.37.0 (Apache-2.0): JSON schemas generated from
    the Kubernetes OpenAPI spec of every release v1.25 .. v1.37
    (`kubernetes-json-schema/vX.Y.0-local-strict/_definitions.json`,
    "strict" = objects reject unknown fields).
  * npm   kubernetes-models@5.1.0 (MIT): TypeScript models generated from the
    Kubernetes OpenAPI spec. Only used for the `+enum` string values that the
    JSON schemas above drop (e.g. `"imagePullPolicy"?: "Always" | "IfNotPresent" | "Never"`).

Usage: python3 src/lint/k8s/gen_schemas.py [WORKDIR]
"""
import glob
import json
import os
import re
import subprocess
import sys
import zipfile

KV_VERSION = "1.37.0"
KM_VERSION = "5.1.0"
HERE = os.path.dirname(os.path.abspath(__file__))
INDEX = os.path.join(HERE, "schemas-index.jsonl")
BODIES = os.path.join(HERE, "schemas-bodies.jsonl")

INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"


def fetch(work):
    os.makedirs(work, exist_ok=True)
    whl = os.path.join(work, f"kubernetes_validate-{KV_VERSION}-py3-none-any.whl")
    if not os.path.exists(whl):
        subprocess.check_call([sys.executable, "-m", "pip", "download", "--no-deps", "-d", work,
                               f"kubernetes-validate=={KV_VERSION}"])
    tgz = os.path.join(work, f"kubernetes-models-{KM_VERSION}.tgz")
    if not os.path.exists(tgz):
        subprocess.check_call(["npm", "pack", f"kubernetes-models@{KM_VERSION}"], cwd=work)
    km = os.path.join(work, "km")
    if not os.path.isdir(km):
        os.makedirs(km)
        subprocess.check_call(["tar", "xzf", tgz, "-C", km])
    return whl, os.path.join(km, "package")


def camel_name(defname):
    """io.k8s.api.apps.v1.Deployment -> IoK8sApiAppsV1Deployment (kubernetes-models' naming)."""
    out = []
    for seg in re.split(r"[.\-]", defname):
        out.append(seg[:1].upper() + seg[1:])
    return "".join(out)


ENUM_LINE = re.compile(r'^    "([A-Za-z0-9_]+)"\??: (Array<)?((?:"[^"]*"(?: \| )?)+)>?;$')
ALIAS_LINE = re.compile(r"export type \{ I\w+ as I(\w+),")


def read_enums(km_root):
    """{camel type name: {property: [values]}} from the models' .d.ts files."""
    enums = {}
    for path in glob.glob(os.path.join(km_root, "**", "*.d.ts"), recursive=True):
        text = open(path, encoding="utf-8").read()
        alias = ALIAS_LINE.search(text)
        if not alias:
            continue
        # Only the interface body (the class repeats the same lines).
        body = text.split("export declare class", 1)[0]
        props = {}
        for line in body.splitlines():
            m = ENUM_LINE.match(line)
            if not m:
                continue
            values = re.findall(r'"([^"]*)"', m.group(3))
            props[m.group(1)] = values
        if props:
            enums[alias.group(1)] = props
    return enums


def compact(node, enums_for=None, prop=None):
    """One JSON-schema node in capstan's compact form (see src/lint/k8s/schema.rs)."""
    if not isinstance(node, dict):
        return {"t": "any"}
    ref = node.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name == INT_OR_STRING:
            return {"t": "ios"}
        if name == QUANTITY:
            return {"t": "q"}
        return {"r": name}
    t = node.get("type")
    types = [x for x in (t if isinstance(t, list) else [t]) if x and x != "null"]
    out = {}
    if "oneOf" in node or "anyOf" in node or not types:
        out["t"] = "any"
    else:
        out["t"] = {"string": "s", "integer": "i", "number": "n", "boolean": "b",
                    "object": "o", "array": "a"}[types[0]]
    if "format" in node and node["format"] in ("int32", "int64", "byte", "date-time"):
        out["f"] = node["format"]
    if "enum" in node and prop not in ("apiVersion", "kind"):
        out["e"] = node["enum"]
    if out["t"] == "o":
        props = node.get("properties")
        if props:
            own_enums = enums_for or {}
            p = {}
            for k, v in sorted(props.items()):
                c = compact(v, None, k)
                vals = own_enums.get(k)
                if vals:
                    target = c["it"] if c.get("t") == "a" and "it" in c else c
                    if target.get("t") == "s" and "e" not in target:
                        target["e"] = vals
                p[k] = c
            out["p"] = p
        if node.get("required"):
            out["req"] = sorted(node["required"])
        ap = node.get("additionalProperties")
        if ap is False:
            out["ap"] = False
        elif isinstance(ap, dict):
            out["ap"] = compact(ap)
    if out["t"] == "a" and isinstance(node.get("items"), dict):
        out["it"] = compact(node["items"])
    return out


def main():
    work = sys.argv[1] if len(sys.argv) > 1 else "/tmp/capstan-k8s-schemas"
    whl, km_root = fetch(work)
    enums = read_enums(km_root)
    z = zipfile.ZipFile(whl)
    prefix = "kubernetes_validate/kubernetes-json-schema/"
    versions = sorted({n[len(prefix):].split("/")[0] for n in z.namelist()
                       if n.startswith(prefix) and n.endswith("-local-strict/_definitions.json")},
                      key=lambda v: tuple(int(x) for x in v[1:].split("-")[0].split(".")))
    bodies = {}   # canonical JSON -> index
    defs_list = []
    out_versions = {}
    for v in versions:
        doc = json.loads(z.read(f"{prefix}{v}/_definitions.json"))
        defs = doc["$defs"]
        gvks = {}
        table = {}
        for name, node in sorted(defs.items()):
            if name in (INT_OR_STRING, QUANTITY):
                continue
            c = compact(node, enums.get(camel_name(name)))
            key = json.dumps(c, sort_keys=True, separators=(",", ":"))
            if key not in bodies:
                bodies[key] = len(defs_list)
                defs_list.append(c)
            table[name] = bodies[key]
            for g in node.get("x-kubernetes-group-version-kind") or []:
                api = g["version"] if not g["group"] else f'{g["group"]}/{g["version"]}'
                gvks[f'{api}/{g["kind"]}'] = name
        minor = v[1:].split("-")[0].rsplit(".", 1)[0]  # "1.35"
        out_versions[minor] = {"gvk": gvks, "defs": table}
    data = {
        "source": {
            "schemas": f"PyPI kubernetes-validate=={KV_VERSION} (Apache-2.0), *-local-strict/_definitions.json",
            "enums": f"npm kubernetes-models@{KM_VERSION} (MIT), string-literal unions in *.d.ts",
            "generator": "src/lint/k8s/gen_schemas.py",
        },
        "versions": out_versions,
        "bodies": defs_list,
    }
    write(data)
    print(f"{len(versions)} versions, {len(defs_list)} unique definitions -> {INDEX}, {BODIES}")
    n_enum = sum(len(p) for p in enums.values())
    print(f"{n_enum} enum properties from kubernetes-models")


def compact_json(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def write(data):
    """Write the catalogue in the layout `schema.rs` reads without parsing
    what it does not use: the index's first line names every release, type
    and kind; each following line holds one release's tables (body index per
    definition, definition index per kind, -1 where the release lacks it);
    the bodies file holds one definition body per line."""
    versions = sorted(data["versions"], key=lambda m: tuple(int(x) for x in m.split(".")))
    definitions = sorted({n for v in data["versions"].values() for n in v["defs"]})
    kinds = sorted({k for v in data["versions"].values() for k in v["gvk"]})
    position = {n: i for i, n in enumerate(definitions)}
    lines = [compact_json({"source": data["source"], "versions": versions,
                           "definitions": definitions, "kinds": kinds})]
    for m in versions:
        v = data["versions"][m]
        lines.append(compact_json({
            "defs": [v["defs"].get(n, -1) for n in definitions],
            "kinds": [position[v["gvk"][k]] if k in v["gvk"] else -1 for k in kinds],
        }))
    with open(INDEX, "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(BODIES, "w") as f:
        f.write("".join(compact_json(b) + "\n" for b in data["bodies"]))


if __name__ == "__main__":
    main()
