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

/// nameReferenceTransformer.Transform.
pub fn fix(m: &mut ResMap, backrefs: &[NameBackReferences]) -> Result<(), KustomizeError> {
    let org_ids: Vec<ResId> = m.list.iter().map(|r| r.org_id()).collect();
    // determineFilters: per resource, in backref/referrer order.
    let mut filters: Vec<Vec<Filter>> = (0..m.list.len()).map(|_| Vec::new()).collect();
    for br in backrefs {
        for spec in &br.referrers {
            for (i, id) in org_ids.iter().enumerate() {
                if id.gvk.is_selected(&spec.gvk) {
                    filters[i].push(Filter { field: spec.clone(), target: br.gvk.clone() });
                }
            }
        }
    }
    for (i, flist) in filters.into_iter().enumerate() {
        if flist.is_empty() {
            continue;
        }
        let candidates = subset_referable_by(m, i)?;
        for f in flist {
            let mut node = m.list[i].node.clone();
            let mut refs: Vec<usize> = Vec::new();
            {
                let referrer = &m.list[i];
                let mut fs = f.field.clone();
                fs.gvk = referrer.gvk();
                let ctx = Ctx { m, referrer, referrer_idx: i, field: &f.field, target: &f.target, candidates: &candidates };
                apply_fieldspec(&mut node, &fs, CreateKind::None, Tag::None, &mut |n: &mut Node| ctx.set(n, &mut refs))
                    .map_err(|e| {
                        e.wrap(format!(
                            "updating name reference in '{}' field of '{}'",
                            f.field.path,
                            referrer.cur_id()
                        ))
                    })?;
            }
            let referrer_id = m.list[i].cur_id();
            m.list[i].node = node;
            for r in refs {
                m.list[r].append_ref_by(&referrer_id);
            }
        }
    }
    Ok(())
}

/// SubsetThatCouldBeReferencedByResource: cluster-scoped resources, the
/// referrer's namespace, and for RoleBindings their subjects' namespaces.
fn subset_referable_by(m: &ResMap, i: usize) -> Result<Vec<usize>, KustomizeError> {
    let referrer = &m.list[i];
    let rid = referrer.cur_id();
    if rid.is_cluster_scoped() {
        return Ok((0..m.list.len()).collect());
    }
    let mut rb_namespaces: Vec<String> = Vec::new();
    if referrer.kind() == "RoleBinding" {
        if let Some(Node::Seq(subjects)) = referrer.node.get("subjects") {
            for s in subjects {
                if let (Some(ns), Some(kind)) = (s.get("namespace"), s.get("kind")) {
                    if kind.value() == "ServiceAccount" {
                        rb_namespaces.push(ns.value().to_string());
                    }
                }
            }
        }
    }
    Ok((0..m.list.len())
        .filter(|&j| {
            let id = m.list[j].cur_id();
            id.is_cluster_scoped() || id.is_ns_equals(&rid) || rb_namespaces.contains(&m.list[j].namespace())
        })
        .collect())
}

struct Ctx<'a> {
    m: &'a ResMap,
    referrer: &'a Resource,
    #[allow(dead_code)]
    referrer_idx: usize,
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
        let new = self.m.list[r].name();
        if new == old {
            return Ok(());
        }
        node.set_scalar(Node::plain(new));
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
                    self.candidates.iter().copied().filter(|&j| self.m.list[j].org_id().effective_namespace() == ns).collect();
                if !by_org.is_empty() {
                    by_org
                } else {
                    self.candidates.iter().copied().filter(|&j| self.m.list[j].cur_id().effective_namespace() == ns).collect()
                }
            }
        };
        let Some(r) = self.select_referral(&old, &candidates, true)? else { return Ok(()) };
        refs.push(r);
        let referral = &self.m.list[r];
        let (new_name, new_ns) = (referral.name(), referral.namespace());
        if new_name == old && new_ns.is_empty() {
            return Ok(());
        }
        node.set("name", Node::plain(new_name));
        if new_ns.is_empty() {
            return Ok(());
        }
        node.set("namespace", Node::plain(new_ns));
        Ok(())
    }

    /// selectReferral: candidates whose previous names include the old
    /// name, of the target kind, narrowed by roleRef kind, namespace and
    /// prefixes/suffixes.
    fn select_referral(&self, old: &str, candidates: &[usize], check_ns: bool) -> Result<Option<usize>, KustomizeError> {
        let list = &self.m.list;
        let mut c: Vec<usize> = candidates.iter().copied().filter(|&j| list[j].prev_ids().iter().any(|id| id.name == old)).collect();
        c.retain(|&j| list[j].prev_ids().iter().any(|id| id.gvk.is_selected(self.target)));
        if self.field.path.ends_with("roleRef/name") {
            if let Some(gvk) = role_ref_gvk(self.referrer) {
                c.retain(|&j| list[j].prev_ids().iter().any(|id| id.gvk.is_selected(&gvk)));
            }
        }
        let rid = self.referrer.cur_id();
        if !rid.is_cluster_scoped() {
            c.retain(|&j| {
                let id = list[j].cur_id();
                id.is_cluster_scoped() || list[j].kind() == "ServiceAccount" || rid.is_ns_equals(&id)
            });
        }
        if c.len() == 1 {
            return Ok(Some(c[0]));
        }
        c.retain(|&j| list[j].prefixes_suffixes_equals(self.referrer, true));
        if c.len() > 1 {
            c.retain(|&j| list[j].prefixes_suffixes_equals(self.referrer, false));
        }
        match c.len() {
            0 => Ok(None),
            1 => Ok(Some(c[0])),
            _ => {
                let first = &list[c[0]];
                let identical = c.iter().all(|&j| {
                    list[j].name() == first.name() && (!check_ns || list[j].namespace() == first.namespace())
                });
                if identical {
                    return Ok(Some(c[0]));
                }
                let ids: Vec<String> = c.iter().map(|&j| list[j].cur_id().to_string()).collect();
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
