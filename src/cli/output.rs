//! Printing releases as Helm prints them: `-o table|json|yaml`, the
//! uitable layout, the status block (`NAME: ... NOTES:`), Go time formats,
//! and colour on a terminal.
//!
//! Go: pkg/cli/output/output.go (EncodeJSON = json.Encoder, EncodeYAML =
//! sigs.k8s.io/yaml, EncodeTable = uitable + "\n"), pkg/cmd/status.go
//! statusPrinter, internal/cli/output/color.go, github.com/gosuri/uitable.

use std::io::IsTerminal;

use serde::Serialize;
use serde_json::Value;

use crate::engine::funcs::dates::{GoTime as GoClock, Location};
use crate::release::{GoTime, HookEvent, Release, Status};

/// `-o/--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
    Yaml,
}

/// Go's `json.NewEncoder(out).Encode(v)`: compact, HTML-safe, newline.
pub fn json_line<T: Serialize + ?Sized>(v: &T) -> anyhow::Result<String> {
    let bytes =
        crate::release::gojson::to_go_json(v).map_err(|e| anyhow::anyhow!("unable to write JSON output: {e}"))?;
    let mut s = String::from_utf8(bytes)?;
    s.push('\n');
    Ok(s)
}

/// sigs.k8s.io/yaml.Marshal(v): through JSON, keys sorted.
pub fn yaml_of<T: Serialize + ?Sized>(v: &T) -> anyhow::Result<String> {
    let bytes =
        crate::release::gojson::to_go_json(v).map_err(|e| anyhow::anyhow!("unable to write YAML output: {e}"))?;
    let value: Value = serde_json::from_slice(&bytes)?;
    crate::codec::yaml_write::try_to_yaml(&value).map_err(|e| anyhow::anyhow!("unable to write YAML output: {e}"))
}

/// Helm's colour modes: `--color` (or `--colour`), else `NO_COLOR`, else
/// `HELM_COLOR` (Go: pkg/cli/environment.go envColorMode, pkg/cmd/root.go
/// configureColorOutput).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    Never,
    /// Colour on a terminal with `NO_COLOR` unset (fatih/color).
    Auto,
    Always,
}

impl ColorMode {
    fn parse(text: &str) -> Option<ColorMode> {
        match text {
            "never" => Some(ColorMode::Never),
            "auto" => Some(ColorMode::Auto),
            "always" => Some(ColorMode::Always),
            _ => None,
        }
    }

    /// Without the flag: never when `NO_COLOR` is set and not empty, else
    /// `HELM_COLOR` in any case when it names a mode, else auto.
    fn from_env() -> ColorMode {
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return ColorMode::Never;
        }
        std::env::var("HELM_COLOR").ok().and_then(|v| ColorMode::parse(&v.to_lowercase())).unwrap_or(ColorMode::Auto)
    }
}

static COLOR_MODE: std::sync::OnceLock<ColorMode> = std::sync::OnceLock::new();

/// Set this process's colour mode from the `--color` flag's value (None:
/// from the environment). A value that is not a mode is an error, as in
/// Helm, whose flag value is taken as written.
pub fn set_color_mode(flag: Option<&str>) -> anyhow::Result<()> {
    let mode = match flag {
        Some(text) => ColorMode::parse(text).ok_or_else(|| {
            anyhow::anyhow!(
                "invalid color mode {}: must be one of: never, auto, always",
                crate::engine::gofmt::strconv::quote(text)
            )
        })?,
        None => ColorMode::from_env(),
    };
    let _ = COLOR_MODE.set(mode);
    Ok(())
}

/// Whether to colour this process's output.
pub fn color_enabled() -> bool {
    match COLOR_MODE.get().copied().unwrap_or_else(ColorMode::from_env) {
        ColorMode::Never => false,
        ColorMode::Always => true,
        ColorMode::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
        }
    }
}

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

pub fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("{code}{text}{RESET}")
    } else {
        text.to_string()
    }
}

/// Go: ColorizeStatus.
pub fn color_status(status: &Status, color: bool) -> String {
    let code = match status {
        Status::Deployed => GREEN,
        Status::Failed | Status::Unknown => RED,
        Status::PendingInstall | Status::PendingUpgrade | Status::PendingRollback | Status::Uninstalling => YELLOW,
        _ => return status.to_string(),
    };
    paint(status.as_str(), code, color)
}

pub fn color_header(text: &str, color: bool) -> String {
    paint(text, BOLD, color)
}

pub fn color_namespace(text: &str, color: bool) -> String {
    paint(text, CYAN, color)
}

pub const DIFF_ADD: &str = GREEN;
pub const DIFF_DEL: &str = RED;
pub const DIFF_HEAD: &str = YELLOW;
pub const DIFF_HUNK: &str = CYAN;

/// gosuri/uitable: every cell padded to its column's width (the last one
/// too), cells joined by a tab, rows by a newline.
#[derive(Debug, Default)]
pub struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new() -> Table {
        Table::default()
    }

    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) -> &mut Table {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }

    /// What Helm's EncodeTable writes: the table and a newline.
    pub fn render(&self) -> String {
        let width = |s: &str| visible_width(s);
        let mut widths: Vec<usize> = Vec::new();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                let w = cell.split('\n').map(width).max().unwrap_or(0);
                if i >= widths.len() {
                    widths.push(0);
                }
                widths[i] = widths[i].max(w);
            }
        }
        let mut lines = Vec::new();
        for row in &self.rows {
            let height = row.iter().map(|c| c.split('\n').count()).max().unwrap_or(1);
            for line in 0..height {
                let cells: Vec<String> = row
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let part = c.split('\n').nth(line).unwrap_or("");
                        let pad = widths[i].saturating_sub(width(part));
                        format!("{part}{}", " ".repeat(pad))
                    })
                    .collect();
                lines.push(cells.join("\t"));
            }
        }
        let mut out = lines.join("\n");
        out.push('\n');
        out
    }
}

/// Display width without ANSI colour codes.
fn visible_width(s: &str) -> usize {
    let mut n = 0;
    let mut in_escape = false;
    for c in s.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}

/// A record time as Go's time.Time after JSON decoding: `Z` is UTC, an
/// offset that is the local zone's is Local, any other a nameless zone.
fn clock(t: &GoTime) -> GoClock {
    let dt = t.datetime();
    let offset = dt.offset().local_minus_utc();
    let unix = dt.timestamp();
    let loc = if offset == 0 {
        Location::Utc
    } else if Location::Local.lookup(unix).1 == offset {
        Location::Local
    } else {
        Location::Fixed(String::new(), offset)
    };
    GoClock { unix, nsec: dt.timestamp_subsec_nanos(), loc, mono: None }
}

/// `t.Format(time.ANSIC)`.
pub fn ansic(t: &GoTime) -> String {
    clock(t).format("Mon Jan _2 15:04:05 2006")
}

/// `t.Format(layout)` with a Go layout.
pub fn go_format(t: &GoTime, layout: &str) -> String {
    clock(t).format(layout)
}

/// `t.String()` (a decoded time has no monotonic reading).
pub fn go_string(t: &GoTime) -> String {
    clock(t).go_string()
}

/// Go: chart `NAME-VERSION`, "MISSING" without metadata.
pub fn chart_name(rel: &Release) -> String {
    rel.chart_name_version()
}

/// Go: formatAppVersion.
pub fn app_version(rel: &Release) -> String {
    match &rel.chart.metadata {
        Some(md) => md.app_version.clone(),
        None => "MISSING".into(),
    }
}

/// How the status block is printed (Go: statusPrinter's flags).
#[derive(Debug, Clone, Copy, Default)]
pub struct StatusOptions {
    pub debug: bool,
    pub show_metadata: bool,
    pub hide_notes: bool,
    pub color: bool,
}

/// Go: statusPrinter.WriteTable.
pub fn status_text(rel: &Release, opts: StatusOptions) -> anyhow::Result<String> {
    let mut out = String::new();
    out.push_str(&format!("NAME: {}\n", rel.name));
    if !rel.info.last_deployed.is_zero() {
        out.push_str(&format!("LAST DEPLOYED: {}\n", ansic(&rel.info.last_deployed)));
    }
    out.push_str(&format!("NAMESPACE: {}\n", color_namespace(&rel.namespace, opts.color)));
    out.push_str(&format!("STATUS: {}\n", color_status(&rel.info.status, opts.color)));
    out.push_str(&format!("REVISION: {}\n", rel.version));
    if opts.show_metadata {
        let md = rel.chart.metadata.clone().unwrap_or_default();
        out.push_str(&format!("CHART: {}\nVERSION: {}\nAPP_VERSION: {}\n", md.name, md.version, md.app_version));
    }
    out.push_str(&format!("DESCRIPTION: {}\n", rel.info.description));

    if !rel.info.resources.is_empty() {
        let mut buf = String::new();
        for (key, objects) in &rel.info.resources {
            buf.push_str(&format!("==> {key}\n"));
            buf.push_str(&resource_table(objects));
            buf.push('\n');
        }
        out.push_str(&format!("RESOURCES:\n{buf}\n"));
    }

    let tests: Vec<_> = rel.hooks.iter().filter(|h| h.events.contains(&HookEvent::Test)).collect();
    if tests.is_empty() {
        out.push_str("TEST SUITE: None\n");
    } else {
        for h in tests {
            if h.last_run.started_at.is_zero() {
                continue;
            }
            out.push_str(&format!(
                "TEST SUITE:     {}\nLast Started:   {}\nLast Completed: {}\nPhase:          {}\n",
                h.name,
                ansic(&h.last_run.started_at),
                ansic(&h.last_run.completed_at),
                h.last_run.phase
            ));
        }
    }

    if opts.debug {
        out.push_str("USER-SUPPLIED VALUES:\n");
        let config = if rel.config.is_empty() { Value::Null } else { Value::Object(rel.config.clone()) };
        out.push_str(&yaml_of(&config)?);
        out.push('\n');
        let computed = crate::action::get::computed_values(rel)?;
        out.push_str("COMPUTED VALUES:\n");
        out.push_str(&yaml_of(&computed)?);
        out.push('\n');
    }

    if rel.info.description.eq_ignore_ascii_case("Dry run complete") || opts.debug {
        out.push_str("HOOKS:\n");
        for h in &rel.hooks {
            out.push_str(&format!("---\n# Source: {}\n{}\n", h.path, h.manifest));
        }
        out.push_str(&format!("MANIFEST:\n{}\n", rel.manifest));
    }

    if !opts.hide_notes && !rel.info.notes.is_empty() {
        out.push_str(&format!("NOTES:\n{}\n", rel.info.notes.trim()));
    }
    Ok(out)
}

/// kubectl's generic table for objects: NAME and AGE columns (the local
/// target has no controllers to report readiness), as tabwriter aligns
/// them (3 spaces of padding).
fn resource_table(objects: &Value) -> String {
    let mut rows = vec![("NAME".to_string(), "AGE".to_string())];
    for obj in objects.as_array().into_iter().flatten() {
        let name = obj.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default().to_string();
        let age = obj
            .pointer("/metadata/creationTimestamp")
            .and_then(Value::as_str)
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| human_duration((chrono::Utc::now() - t.with_timezone(&chrono::Utc)).num_seconds()))
            .unwrap_or_else(|| "<unknown>".into());
        rows.push((name, age));
    }
    let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    rows.iter().map(|(n, a)| format!("{n:<width$}   {a}\n")).collect()
}

/// k8s.io/apimachinery/pkg/util/duration.HumanDuration.
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 { format!("{minutes}m") } else { format!("{minutes}m{s}s") };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 { format!("{hours}h") } else { format!("{hours}h{m}m") };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 { format!("{}d", hours / 24) } else { format!("{}d{h}h", hours / 24) };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let d = (hours / 24) % 365;
        return if d == 0 { format!("{}y", hours / 24 / 365) } else { format!("{}y{d}d", hours / 24 / 365) };
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uitable_pads_every_cell_and_joins_with_tabs() {
        let mut t = Table::new();
        t.row(["NAME", "REVISION"]).row(["a-long-name", "1"]);
        assert_eq!(t.render(), "NAME       \tREVISION\na-long-name\t1       \n");
    }

    #[test]
    fn go_time_formats() {
        let t = GoTime::parse_rfc3339("2026-11-27T13:33:18.791054942Z").unwrap();
        assert_eq!(ansic(&t), "Fri Nov 27 13:33:18 2026");
        assert_eq!(go_string(&t), "2026-11-27 13:33:18.791054942 +0000 UTC");
        assert_eq!(go_format(&t, "2006-01-02"), "2026-11-27");
        let d = GoTime::parse_rfc3339("2026-11-02T03:04:05Z").unwrap();
        assert_eq!(ansic(&d), "Mon Nov  2 03:04:05 2026", "ANSIC pads the day with a space");
    }

    #[test]
    fn human_durations() {
        assert_eq!(human_duration(5), "5s");
        assert_eq!(human_duration(150), "2m30s");
        assert_eq!(human_duration(600), "10m");
        assert_eq!(human_duration(3 * 3600 + 60), "3h1m");
        assert_eq!(human_duration(30 * 3600), "30h");
        assert_eq!(human_duration(3 * 86400 + 3600), "3d1h");
    }
}
