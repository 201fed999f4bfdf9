//! `list`: the latest revision of each release, filtered by status, name
//! regex and labels, sorted and paged as Helm does.
//! Go: pkg/action/list.go (Run, SetStateMask, sort), pkg/cmd/list.go.

use crate::release::{ListFilter, Release, Status};

use super::common::{ActionError, Configuration};

/// Helm's default `--max`.
pub const DEFAULT_LIST_MAX: usize = 256;

/// Go: action.List's fields.
#[derive(Debug, Clone, Default)]
pub struct ListRequest {
    /// `None` for every namespace (`-A`).
    pub namespace: Option<String>,
    pub all: bool,
    pub deployed: bool,
    pub failed: bool,
    pub pending: bool,
    pub superseded: bool,
    pub uninstalled: bool,
    pub uninstalling: bool,
    pub filter: Option<String>,
    pub selector: Option<String>,
    /// 0: no limit.
    pub max: usize,
    pub offset: usize,
    pub by_date: bool,
    pub reverse: bool,
}

impl ListRequest {
    /// Go: SetStateMask. No status flag (or `--all`) lists every status
    /// but `unknown`.
    pub fn statuses(&self) -> Vec<Status> {
        let all = vec![
            Status::Deployed,
            Status::Uninstalled,
            Status::Uninstalling,
            Status::PendingInstall,
            Status::PendingUpgrade,
            Status::PendingRollback,
            Status::Superseded,
            Status::Failed,
        ];
        if self.all {
            return all;
        }
        let mut out = Vec::new();
        let mut add = |on: bool, s: &[Status]| {
            if on {
                out.extend_from_slice(s)
            }
        };
        add(self.deployed, &[Status::Deployed]);
        add(self.uninstalled, &[Status::Uninstalled]);
        add(self.uninstalling, &[Status::Uninstalling]);
        add(self.pending, &[Status::PendingInstall, Status::PendingRollback, Status::PendingUpgrade]);
        add(self.failed, &[Status::Failed]);
        add(self.superseded, &[Status::Superseded]);
        if out.is_empty() {
            all
        } else {
            out
        }
    }
}

pub fn list(cfg: &Configuration, req: &ListRequest) -> Result<Vec<Release>, ActionError> {
    let statuses = req.statuses();
    let mut filter = ListFilter {
        namespace: req.namespace.clone(),
        // Superseded revisions never are the latest: asking only for them
        // lists every revision (Go: `l.StateMask != ListSuperseded`).
        latest_only: statuses != [Status::Superseded],
        statuses,
        ..ListFilter::default()
    };
    if let Some(f) = req.filter.as_deref().filter(|f| !f.is_empty()) {
        filter = filter.with_name_regex(f)?;
    }
    if let Some(s) = req.selector.as_deref().filter(|s| !s.is_empty()) {
        filter = filter.with_selector(s)?;
    }
    let mut rels = cfg.store.list(&filter)?;
    sort(&mut rels, req);
    if req.offset >= rels.len() {
        return Ok(Vec::new());
    }
    let end = if req.max > 0 { (req.offset + req.max).min(rels.len()) } else { rels.len() };
    Ok(rels[req.offset..end].to_vec())
}

/// Go: List.sort: by name; `-r` by name descending; `-d` by date
/// ascending (oldest first, as Helm's SortByDate does) and `-d -r`
/// newest first.
fn sort(rels: &mut [Release], req: &ListRequest) {
    if req.by_date {
        rels.sort_by(|a, b| {
            (a.info.last_deployed.unix_seconds(), &a.name).cmp(&(b.info.last_deployed.unix_seconds(), &b.name))
        });
        if req.reverse {
            rels.reverse();
        }
    } else {
        rels.sort_by(|a, b| a.name.cmp(&b.name));
        if req.reverse {
            rels.reverse();
        }
    }
}
