//! `history NAME`: a release's revisions, oldest first, at most `max` of
//! the newest. Go: pkg/action/history.go, pkg/cmd/history.go getHistory.

use crate::release::Release;

use super::common::{validate_release_name, ActionError, Configuration};

/// Helm's default `--max`.
pub const DEFAULT_HISTORY_LIST_MAX: usize = 256;

pub fn history(cfg: &Configuration, namespace: &str, name: &str, max: usize) -> Result<Vec<Release>, ActionError> {
    validate_release_name(name).map_err(|_| ActionError::msg(format!("release name is invalid: {name}")))?;
    let mut all = cfg.store.history(namespace, name)?;
    if all.len() > max {
        all.drain(..all.len() - max);
    }
    Ok(all)
}
