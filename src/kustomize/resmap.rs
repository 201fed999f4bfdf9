//! An ordered set of resources (kustomize api/resmap resWrangler), with the
//! id lookups, selectors and generator merge behaviors kustomize uses.

use super::error::KustomizeError;
use super::resource::{Gvk, ResId, Resource};
use super::selector::{LabelSelector, Selector};

/// Resources in the order they were added.
#[derive(Debug, Clone, Default)]
pub struct ResMap {
    pub list: Vec<Resource>,
}

impl ResMap {
    pub fn new() -> ResMap {
        ResMap { list: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// resWrangler.Append: refuses a second resource with the same current id.
    pub fn append(&mut self, res: Resource) -> Result<(), KustomizeError> {
        let id = res.cur_id();
        if self.list.iter().any(|r| r.cur_id_equals(&id)) {
            return Err(KustomizeError::msg(format!("may not add resource with an already registered id: {id}")));
        }
        self.list.push(res);
        Ok(())
    }

    pub fn append_all(&mut self, other: ResMap) -> Result<(), KustomizeError> {
        for r in other.list {
            self.append(r)?;
        }
        Ok(())
    }

    /// resWrangler.DropEmpties.
    pub fn drop_empties(&mut self) {
        self.list.retain(|r| !r.is_nil_or_empty());
    }

    /// Indexes of resources whose current id matches.
    pub fn indexes_by_current_id(&self, m: impl Fn(&ResId) -> bool) -> Vec<usize> {
        self.list.iter().enumerate().filter(|(_, r)| m(&r.cur_id())).map(|(i, _)| i).collect()
    }

    /// resWrangler.GetMatchingResourcesByAnyId (indexes).
    pub fn indexes_by_any_id(&self, m: impl Fn(&ResId) -> bool) -> Vec<usize> {
        let mut out = Vec::new();
        for (i, r) in self.list.iter().enumerate() {
            if r.node.is_nil_or_empty() {
                continue;
            }
            let mut ids = r.prev_ids();
            ids.push(r.cur_id());
            if ids.iter().any(&m) {
                out.push(i);
            }
        }
        out
    }

    /// resWrangler.GetById: exactly one resource with this id among current
    /// and previous ids.
    pub fn index_by_id(&self, id: &ResId) -> Result<usize, KustomizeError> {
        let found = self.indexes_by_any_id(|x| id.equals(x));
        match found.len() {
            1 => Ok(found[0]),
            0 => Err(KustomizeError::msg(format!(
                "no matches for Id {id}; failed to find unique target for patch {id}"
            ))),
            _ => Err(KustomizeError::msg(format!(
                "multiple matches for Id {id}; failed to find unique target for patch {id}"
            ))),
        }
    }

    /// resWrangler.Select: resources matching a patch/replacement target.
    pub fn select(&self, s: &Selector) -> Result<Vec<usize>, KustomizeError> {
        let sr = s.compile()?;
        let label_sel = LabelSelector::parse(&s.label_selector)?;
        let anno_sel = LabelSelector::parse(&s.annotation_selector)?;
        let mut out = Vec::new();
        for (i, r) in self.list.iter().enumerate() {
            let cur = r.cur_id();
            let org = r.org_id();
            if !sr.match_namespace(&org.effective_namespace()) && !sr.match_namespace(&cur.effective_namespace()) {
                continue;
            }
            if !sr.match_name(&org.name) && !sr.match_name(&cur.name) {
                continue;
            }
            if !sr.match_gvk(&r.gvk()) {
                continue;
            }
            if !label_sel.matches(&r.labels()) {
                continue;
            }
            if !anno_sel.matches(&r.annotations()) {
                continue;
            }
            out.push(i);
        }
        Ok(out)
    }

    /// resWrangler.AbsorbAll: generated resources are appended, or replace
    /// or merge into an existing one per their behavior.
    pub fn absorb_all(&mut self, other: ResMap) -> Result<(), KustomizeError> {
        for r in other.list {
            self.append_replace_or_merge(r)?;
        }
        Ok(())
    }

    fn append_replace_or_merge(&mut self, mut res: Resource) -> Result<(), KustomizeError> {
        let id = res.cur_id();
        let matches = self.indexes_by_any_id(|x| id.equals(x));
        let behavior = res.behavior();
        match matches.len() {
            0 => match behavior.as_str() {
                "merge" | "replace" => Err(KustomizeError::msg(format!(
                    "id {} does not exist; cannot merge or replace",
                    go_id_repr(&id)
                ))),
                _ => self.append(res),
            },
            1 => {
                let index = matches[0];
                let old = self.list[index].clone();
                match behavior.as_str() {
                    "replace" => res.copy_merge_metadata_fields_from(&old),
                    "merge" => {
                        let orig = old.annotations().get(super::resource::ORIGIN).cloned();
                        res.copy_merge_metadata_fields_from(&old);
                        let mut data = old.data_map("data");
                        data.extend(res.data_map("data"));
                        res.set_data_map("data", &data);
                        let mut bin = old.data_map("binaryData");
                        bin.extend(res.data_map("binaryData"));
                        res.set_data_map("binaryData", &bin);
                        if let Some(o) = orig {
                            let mut a = res.annotations();
                            a.insert(super::resource::ORIGIN.to_string(), o);
                            res.set_annotations(&a);
                        }
                    }
                    _ => {
                        return Err(KustomizeError::msg(format!(
                            "id {} exists; behavior must be merge or replace",
                            go_id_repr(&id)
                        )))
                    }
                }
                // Replace: by current id, which must still be unique.
                let new_id = res.cur_id();
                let same: Vec<usize> = self.indexes_by_current_id(|x| new_id.equals(x));
                if same.len() > 1 {
                    return Err(KustomizeError::msg(format!("in Replace: id matched {} resources", same.len())));
                }
                match same.first() {
                    Some(&i) if i == index => {
                        self.list[i] = res;
                        Ok(())
                    }
                    Some(_) => Err(KustomizeError::msg("unexpected target index in replacement")),
                    None => Err(KustomizeError::msg(format!("cannot find resource with id {new_id} to replace"))),
                }
            }
            _ => Err(KustomizeError::msg(format!(
                "found multiple objects that could accept merge of {}",
                go_id_repr(&id)
            ))),
        }
    }

    /// Resources grouped by the effective namespace of an id.
    pub fn indexes_in_namespace(&self, ns: &str, original: bool) -> Vec<usize> {
        self.list
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                let id = if original { r.org_id() } else { r.cur_id() };
                id.effective_namespace() == ns
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Ids of all resources, current.
    pub fn all_ids(&self) -> Vec<ResId> {
        self.list.iter().map(|r| r.cur_id()).collect()
    }
}

/// Go's `%#v` of a ResId, as kustomize prints it in generator errors.
pub fn go_id_repr(id: &ResId) -> String {
    format!(
        "resid.ResId{{Gvk:resid.Gvk{{Group:{:?}, Version:{:?}, Kind:{:?}, isClusterScoped:{}}}, Name:{:?}, Namespace:{:?}}}",
        id.gvk.group,
        id.gvk.version,
        id.gvk.kind,
        Gvk::is_cluster_scoped(&id.gvk),
        id.name,
        id.namespace
    )
}
