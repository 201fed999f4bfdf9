//! Name references (kustomize api/internal/accumulator
//! namereferencetransformer.go and api/filters/nameref): after prefixes,
//! suffixes, namespaces and hashes changed names, every field that names
//! another resource (per the nameReference configuration) is updated to
//! that resource's new name.

use super::error::KustomizeError;
use super::fieldspec::{apply_fieldspec, CreateKind, FieldSpec, NameBackReferences};
use super::node::{Node, Tag};
use super::resmap::ResMap;
use super::resource::{Gvk, ResId, Resource};

/// One name field to update in a referrer, naming a resource of `target` kind.
struct Filter {
    field: FieldSpec,
    target: Gvk,
}

/// What selection needs to know about each resource; names and ids do not
/// change while references are fixed, so this is read once.
struct Info {
    name: String,
    namespace: String,
    kind: String,
    cur_id: ResId,
    org_id: ResId,
    prev_ids: Vec<ResId>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
}

impl Info {
    fn of(r: &Resource) -> Info {
        Info {
            name: r.name(),
            namespace: r.namespace(),
            kind: r.kind(),
            cur_id: r.cur_id(),
            org_id: r.org_id(),
            prev_ids: r.prev_ids(),
            prefixes: r.name_prefixes(),
            suffixes: r.name_suffixes(),
        }
    }

    /// Resource.PrefixesSuffixesEquals.
    fn prefixes_suffixes_equals(&self, o: &Info, allow_empty: bool) -> bool {
        let same = |a: &[String], b: &[String]| {
            let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
            if short.is_empty() {
                return long.is_empty();
            }
            long[long.len() - short.len()..] == *short
        };
        if allow_empty {
            (self.prefixes.is_empty() || o.prefixes.is_empty() || same(&self.prefixes, &o.prefixes))
                && (self.suffixes.is_empty() || o.suffixes.is_empty() || same(&self.suffixes, &o.suffixes))
        } else {
            same(&self.prefixes, &o.prefixes) && same(&self.suffixes, &o.suffixes)
        }
    }
}

/// nameReferenceTransformer.Transform.
pub fn fix(m: &mut ResMap, backrefs: &[NameBackReferences]) -> Result<(), KustomizeError> {
    let infos: Vec<Info> = m.list.iter().map(Info::of).collect();
    // determineFilters: per resource, in backref/referrer order.
    let mut filters: Vec<Vec<Filter>> = (0..m.list.len()).map(|_| Vec::new()).collect();
    for br in backrefs {
        for spec in &br.referrers {
            for (i, info) in infos.iter().enumerate() {
                if info.org_id.gvk.is_selected(&spec.gvk) {
                    filters[i].push(Filter { field: spec.clone(), target: br.gvk.clone() });
                }
            }
        }
    }
    let mut ref_by: Vec<Vec<ResId>> = (0..m.list.len()).map(|_| Vec::new()).collect();
    for (i, flist) in filters.into_iter().enumerate() {
        if flist.is_empty() {
            continue;
        }
        let candidates = subset_referable_by(m, &infos, i)?;
        let role_ref = role_ref_gvk(&m.list[i]);
        let gvk = m.list[i].gvk();
        let mut node = std::mem::replace(&mut m.list[i].node, Node::null());
        let mut result = Ok(());
        for f in flist {
            let mut refs: Vec<usize> = Vec::new();
            let mut fs = f.field.clone();
            fs.gvk = gvk.clone();
            let ctx = Ctx { infos: &infos, referrer: &infos[i], role_ref: role_ref.as_ref(), field: &f.field, target: &f.target, candidates: &candidates };
            if let Err(e) = apply_fieldspec(&mut node, &fs, CreateKind::None, Tag::None, &mut |n: &mut Node| ctx.set(n, &mut refs)) {
                result = Err(e.wrap(format!("updating name reference in '{}' field of '{}'", f.field.path, infos[i].cur_id)));
                break;
            }
            for r in refs {
                ref_by[r].push(infos[i].cur_id.clone());
            }
        }
        m.list[i].node = node;
        result?;
    }
    for (r, ids) in ref_by.into_iter().enumerate() {
        for id in ids {
            m.list[r].append_ref_by(&id);
        }
    }
    Ok(())
}

/// SubsetThatCouldBeReferencedByResource: cluster-scoped resources, the
/// referrer's namespace, and for RoleBindings their subjects' namespaces.
fn subset_referable_by(m: &ResMap, infos: &[Info], i: usize) -> Result<Vec<usize>, KustomizeError> {
    let rid = &infos[i].cur_id;
    if rid.is_cluster_scoped() {
        return Ok((0..infos.len()).collect());
    }
    // getNamespacesForRoleBinding: ServiceAccount subjects' namespaces,
    // which must be strings when given.
    let mut rb_namespaces: Vec<String> = Vec::new();
    if infos[i].kind == "RoleBinding" {
        if let Some(Node::Seq(subjects)) = m.list[i].node.get("subjects") {
            for s in subjects {
                if let (Some(ns), Some(kind)) = (s.get("namespace"), s.get("kind")) {
                    if kind.value() == "ServiceAccount" {
                        match ns {
                            Node::Scalar(sc) if sc.effective_tag() == Tag::Str => rb_namespaces.push(sc.value.clone()),
                            _ => {
                                return Err(KustomizeError::msg(format!(
                                    "Invalid Input: namespace is blank for resource {:?}\n",
                                    rid.to_string()
                                )))
                            }
                        }
                    }
                }
            }
        }
    }
    let rns = rid.effective_namespace();
    Ok((0..infos.len())
        .filter(|&j| {
            let id = &infos[j].cur_id;
            id.is_cluster_scoped() || id.effective_namespace() == rns || rb_namespaces.contains(&infos[j].namespace)
        })
        .collect())
}

struct Ctx<'a> {
    infos: &'a [Info],
    referrer: &'a Info,
    role_ref: Option<&'a Gvk>,
    field: &'a FieldSpec,
    target: &'a Gvk,
    candidates: &'a [usize],
}

impl Ctx<'_> {
    /// Filter.set: a name, a list of names, or a mapping with `name`
    /// (and maybe `namespace`).
    fn set(&self, node: &mut Node, refs: &mut Vec<usize>) -> Result<(), KustomizeError> {
        if node.is_null() {
            return Ok(());
        }
        match node {
            Node::Scalar(_) => self.set_scalar(node, refs),
            Node::Map(_) => self.set_mapping(node, refs),
            Node::Seq(items) => {
                for item in items.iter_mut() {
                    if item.is_null() {
                        continue;
                    }
                    match item {
                        Node::Scalar(_) => self.set_scalar(item, refs)?,
                        Node::Map(_) => self.set_mapping(item, refs)?,
                        _ => {
                            return Err(KustomizeError::msg(
                                "node is expected to be either a string or a map of string",
                            ))
                        }
                    }
                }
                Ok(())
            }
        }
    }

    fn set_scalar(&self, node: &mut Node, refs: &mut Vec<usize>) -> Result<(), KustomizeError> {
        let old = node.value().to_string();
        let Some(r) = self.select_referral(&old, self.candidates, false)? else { return Ok(()) };
        refs.push(r);
        let new = &self.infos[r].name;
        if *new == old {
            return Ok(());
        }
        node.set_scalar(Node::plain(new.clone()));
        Ok(())
    }

    fn set_mapping(&self, node: &mut Node, refs: &mut Vec<usize>) -> Result<(), KustomizeError> {
        let Some(name_node) = node.get("name") else {
            return Err(KustomizeError::msg("path config error; no 'name' field in node"));
        };
        let old = name_node.value().to_string();
        let candidates: Vec<usize> = match node.get("namespace") {
            None => self.candidates.to_vec(),
            Some(ns) => {
                let ns = ns.value().to_string();
                let by_org: Vec<usize> =
                    self.candidates.iter().copied().filter(|&j| self.infos[j].org_id.effective_namespace() == ns).collect();
                if !by_org.is_empty() {
                    by_org
                } else {
                    self.candidates.iter().copied().filter(|&j| self.infos[j].cur_id.effective_namespace() == ns).collect()
                }
            }
        };
        let Some(r) = self.select_referral(&old, &candidates, true)? else { return Ok(()) };
        refs.push(r);
        let referral = &self.infos[r];
        if referral.name == old && referral.namespace.is_empty() {
            return Ok(());
        }
        node.set("name", Node::plain(referral.name.clone()));
        if referral.namespace.is_empty() {
            return Ok(());
        }
        node.set("namespace", Node::plain(referral.namespace.clone()));
        Ok(())
    }

    /// selectReferral: candidates whose previous names include the old
    /// name, of the target kind, narrowed by roleRef kind, namespace and
    /// prefixes/suffixes.
    fn select_referral(&self, old: &str, candidates: &[usize], check_ns: bool) -> Result<Option<usize>, KustomizeError> {
        let infos = self.infos;
        let mut c: Vec<usize> = candidates.iter().copied().filter(|&j| infos[j].prev_ids.iter().any(|id| id.name == old)).collect();
        c.retain(|&j| infos[j].prev_ids.iter().any(|id| id.gvk.is_selected(self.target)));
        if self.field.path.ends_with("roleRef/name") {
            if let Some(gvk) = self.role_ref {
                c.retain(|&j| infos[j].prev_ids.iter().any(|id| id.gvk.is_selected(gvk)));
            }
        }
        let rid = &self.referrer.cur_id;
        if !rid.is_cluster_scoped() {
            c.retain(|&j| {
                let id = &infos[j].cur_id;
                id.is_cluster_scoped() || infos[j].kind == "ServiceAccount" || rid.is_ns_equals(id)
            });
        }
        if c.len() == 1 {
            return Ok(Some(c[0]));
        }
        c.retain(|&j| infos[j].prefixes_suffixes_equals(self.referrer, true));
        if c.len() > 1 {
            c.retain(|&j| infos[j].prefixes_suffixes_equals(self.referrer, false));
        }
        match c.len() {
            0 => Ok(None),
            1 => Ok(Some(c[0])),
            _ => {
                let first = &infos[c[0]];
                let identical = c.iter().all(|&j| infos[j].name == first.name && (!check_ns || infos[j].namespace == first.namespace));
                if identical {
                    return Ok(Some(c[0]));
                }
                let ids: Vec<String> = c.iter().map(|&j| infos[j].cur_id.to_string()).collect();
                Err(KustomizeError::msg(format!("found multiple possible referrals: {}", ids.join(", "))))
            }
        }
    }
}

/// getRoleRefGvk: the group and kind a (Cluster)RoleBinding's roleRef names.
fn role_ref_gvk(r: &Resource) -> Option<Gvk> {
    let rr = r.node.get("roleRef")?;
    let group = rr.get("apiGroup")?.value().to_string();
    let kind = rr.get("kind")?.value().to_string();
    Some(Gvk::new(group, "", kind))
}
