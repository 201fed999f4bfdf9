//! `capstan diff upgrade|rollback|revision`: per-object unified diffs of
//! what an upgrade or rollback would change (helm-diff's job, built in).
//! Exit code 2 with `--detailed-exitcode` when there are changes.

use clap::{Args, Subcommand};

use super::flags::{self, configuration};
use super::output::{color_enabled, json_line, paint, DIFF_ADD, DIFF_DEL, DIFF_HEAD, DIFF_HUNK};
use super::{GlobalArgs, OverlayArgs, ValuesArgs};
use crate::action::diff::{self, ObjectDiff, DEFAULT_CONTEXT};
use crate::action::template::RenderSettings;
use crate::action::upgrade::UpgradeRequest;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum DiffCommand {
    /// Show what `upgrade NAME CHART` would change
    Upgrade(DiffUpgradeArgs),
    /// Show what `rollback NAME REVISION` would change
    Rollback(DiffRollbackArgs),
    /// Show what changed from revision A to revision B
    Revision(DiffRevisionArgs),
}

/// `diff` prints a unified diff, or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DiffFormat {
    #[default]
    Diff,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct DiffOutputArgs {
    /// Output format: diff or json
    #[arg(short = 'o', long = "output", value_enum, default_value_t = DiffFormat::Diff)]
    pub output: DiffFormat,
    /// Exit with code 2 when there are changes (0 when none)
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Lines of context around each change
    #[arg(short = 'C', long, default_value_t = DEFAULT_CONTEXT)]
    pub context: usize,
}

#[derive(Debug, Args)]
pub struct DiffUpgradeArgs {
    /// The release name
    pub name: String,
    /// The chart (a directory or .tgz)
    pub chart: String,
    #[command(flatten)]
    pub values: ValuesArgs,
    #[command(flatten)]
    pub out: DiffOutputArgs,
    /// Reuse the last release's values and merge in the new ones
    #[arg(long)]
    pub reuse_values: bool,
    /// Reset the values to the chart's defaults
    #[arg(long)]
    pub reset_values: bool,
    /// Reset to the chart's defaults, then apply the last release's values and the new ones
    #[arg(long)]
    pub reset_then_reuse_values: bool,
    /// Diff against nothing when the release does not exist
    #[arg(long)]
    pub allow_unreleased: bool,
    /// Disable JSON schema validation
    #[arg(long)]
    pub skip_schema_validation: bool,
    #[command(flatten)]
    pub overlay: OverlayArgs,
}

#[derive(Debug, Args)]
pub struct DiffRollbackArgs {
    /// The release name
    pub name: String,
    /// The revision a rollback would go back to
    pub revision: u32,
    #[command(flatten)]
    pub out: DiffOutputArgs,
}

#[derive(Debug, Args)]
pub struct DiffRevisionArgs {
    /// The release name
    pub name: String,
    /// The older revision
    pub a: u32,
    /// The newer revision
    pub b: u32,
    #[command(flatten)]
    pub out: DiffOutputArgs,
}

/// Returns the exit code.
pub fn run(global: &GlobalArgs, cmd: DiffCommand) -> anyhow::Result<i32> {
    let cfg = configuration(global)?;
    let ns = &global.namespace;
    let (diffs, out) = match cmd {
        DiffCommand::Upgrade(a) => {
            let req = UpgradeRequest {
                values: flags::merge_values(&a.values)?,
                reuse_values: a.reuse_values,
                reset_values: a.reset_values,
                reset_then_reuse_values: a.reset_then_reuse_values,
                render: RenderSettings {
                    skip_schema_validation: a.skip_schema_validation,
                    overlay: a.overlay.dir()?,
                    ..RenderSettings::default()
                },
                ..UpgradeRequest::new(&a.name, ns, &a.chart)
            };
            (diff::diff_upgrade(&cfg, &req, a.allow_unreleased, a.out.context)?, a.out)
        }
        DiffCommand::Rollback(a) => (diff::diff_rollback(&cfg, ns, &a.name, a.revision, a.out.context)?, a.out),
        DiffCommand::Revision(a) => (diff::diff_revisions(&cfg, ns, &a.name, a.a, a.b, a.out.context)?, a.out),
    };
    let text = match out.output {
        DiffFormat::Json => json_line(&diffs)?,
        DiffFormat::Diff => render(&diffs, color_enabled()),
    };
    print!("{text}");
    Ok(if out.detailed_exitcode && !diffs.is_empty() { 2 } else { 0 })
}

/// helm-diff's layout: a header per object, then its hunks.
pub fn render(diffs: &[ObjectDiff], color: bool) -> String {
    let mut out = String::new();
    for d in diffs {
        let ns = if d.namespace.is_empty() { "(cluster)" } else { d.namespace.as_str() };
        let head = format!("{ns}, {}, {} ({}) {}:", d.name, d.kind, d.api_version, d.change.phrase());
        out.push_str(&paint(&head, DIFF_HEAD, color));
        out.push('\n');
        for line in d.diff.lines() {
            let code = match line.as_bytes().first() {
                Some(b'+') => Some(DIFF_ADD),
                Some(b'-') => Some(DIFF_DEL),
                Some(b'@') => Some(DIFF_HUNK),
                _ => None,
            };
            match code {
                Some(c) => out.push_str(&paint(line, c, color)),
                None => out.push_str(line),
            }
            out.push('\n');
        }
        out.push('\n');
    }
    out
}
