//! docs/reference/cli.md: every command and flag, read from the clap
//! definitions (`Command` introspection), hidden ones left out.

use std::fmt::Write;

use clap::{Arg, ArgAction, Command, CommandFactory};

use super::functions::anchor;
use super::{cell, generated_note};
use crate::cli::Cli;

pub fn render() -> String {
    let mut root = Cli::command();
    // Sets every subcommand's full name and propagates the global flags.
    root.build();
    let mut out = String::new();
    out.push_str("# Command line reference\n\n");
    out.push_str(&generated_note("the clap definitions in src/cli"));
    let _ = write!(
        out,
        "
Every command and flag of `capstan {}`. Flags keep Helm's names; `-h` /
`--help` prints a command's help. Exit codes: 0 success, 1 failure, 2 usage
error.

## Global options

These apply to every command.

",
        root.get_version().unwrap_or_default()
    );
    arg_table(&mut out, root.get_arguments().filter(|a| a.is_global_set()));
    out.push_str("\n## Commands\n\n| Command | Description |\n|---|---|\n");
    let mut all = vec![];
    collect(&root, &mut all);
    for cmd in &all {
        let name = cmd.get_bin_name().unwrap_or_default();
        let _ = writeln!(
            out,
            "| [`{name}`](#{}) | {} |",
            anchor(name),
            cell(&about(cmd))
        );
    }
    for cmd in &all {
        command_section(&mut out, cmd);
    }
    out
}

/// The visible subcommands of `cmd`, depth first.
fn collect<'a>(cmd: &'a Command, into: &mut Vec<&'a Command>) {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        into.push(sub);
        collect(sub, into);
    }
}

fn about(cmd: &Command) -> String {
    cmd.get_about().map(|s| s.to_string()).unwrap_or_default()
}

fn command_section(out: &mut String, cmd: &Command) {
    let name = cmd.get_bin_name().unwrap_or_default();
    let _ = write!(out, "\n## {name}\n\n");
    let text = cmd
        .get_long_about()
        .or(cmd.get_about())
        .map(|s| s.to_string())
        .unwrap_or_default();
    if !text.is_empty() {
        let _ = write!(out, "{}\n\n", text.trim_end());
    }
    let usage = cmd.clone().render_usage().to_string();
    let usage = usage.trim_start_matches("Usage:").trim();
    let _ = write!(out, "```text\n{usage}\n```\n\n");
    let aliases: Vec<String> = cmd.get_all_aliases().map(|a| format!("`{a}`")).collect();
    if !aliases.is_empty() {
        let _ = write!(out, "Aliases: {}.\n\n", aliases.join(", "));
    }
    let subs: Vec<&Command> = cmd.get_subcommands().filter(|s| !s.is_hide_set()).collect();
    if !subs.is_empty() {
        out.push_str("| Subcommand | Description |\n|---|---|\n");
        for sub in subs {
            let sub_name = sub.get_bin_name().unwrap_or_default();
            let _ = writeln!(
                out,
                "| [`{}`](#{}) | {} |",
                sub.get_name(),
                anchor(sub_name),
                cell(&about(sub))
            );
        }
        out.push('\n');
    }
    let own: Vec<&Arg> = cmd.get_arguments().filter(|a| !a.is_global_set()).collect();
    if own.iter().any(|a| shown(a)) {
        arg_table(out, own.into_iter());
    }
}

/// Auto-generated `--help`/`--version` and hidden arguments are left out.
fn shown(arg: &Arg) -> bool {
    !arg.is_hide_set()
        && !matches!(
            arg.get_action(),
            ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version
        )
}

fn arg_table<'a>(out: &mut String, args: impl Iterator<Item = &'a Arg>) {
    out.push_str("| Argument | Description |\n|---|---|\n");
    for arg in args.filter(|a| shown(a)) {
        let _ = writeln!(
            out,
            "| `{}` | {} |",
            cell(&arg_syntax(arg)),
            cell(&arg_description(arg))
        );
    }
}

/// `-f, --values <VALUES>`, `--dry-run[=<MODE>]`, `<CHART>`, `[NAME]...`.
fn arg_syntax(arg: &Arg) -> String {
    let value_names: Vec<String> = match arg.get_value_names() {
        Some(names) => names.iter().map(|n| n.to_string()).collect(),
        None => vec![arg.get_id().as_str().to_uppercase()],
    };
    let range = arg.get_num_args().unwrap_or_default();
    let multiple = range.max_values() > 1 || matches!(arg.get_action(), ArgAction::Append);
    if arg.is_positional() {
        // As clap's usage line: required values `<X>`, optional ones `[X]`.
        let required = if arg.is_required_set() {
            range.min_values().max(1)
        } else {
            0
        };
        let parts: Vec<String> = value_names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                if i < required {
                    format!("<{n}>")
                } else {
                    format!("[{n}]")
                }
            })
            .collect();
        let mut s = parts.join(" ");
        if multiple && range.max_values() > value_names.len() {
            s.push_str("...");
        }
        return s;
    }
    let mut s = String::new();
    if let Some(short) = arg.get_short() {
        s.push('-');
        s.push(short);
        if arg.get_long().is_some() {
            s.push_str(", ");
        }
    }
    if let Some(long) = arg.get_long() {
        s.push_str("--");
        s.push_str(long);
    }
    if arg.get_action().takes_values() && range.max_values() > 0 {
        let value = format!("<{}>", value_names.join(" "));
        if range.min_values() == 0 {
            let _ = write!(s, "[={value}]");
        } else {
            let _ = write!(s, " {value}");
        }
    }
    s
}

/// The help text, then the accepted values, default and environment variable.
fn arg_description(arg: &Arg) -> String {
    let help = arg
        .get_long_help()
        .or(arg.get_help())
        .map(|s| s.to_string())
        .unwrap_or_default();
    let mut text = help.split_whitespace().collect::<Vec<_>>().join(" ");
    if !text.is_empty() && !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    let possible: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|p| !p.is_hide_set())
        .map(|p| format!("`{}`", p.get_name()))
        .collect();
    // A bool flag's implicit `true`/`false` says nothing.
    if !possible.is_empty() && arg.get_action().takes_values() {
        let _ = write!(text, " Values: {}.", possible.join(", "));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .filter(|d| !d.is_empty())
        .map(|d| format!("`{}`", d.to_string_lossy()))
        .collect();
    if !defaults.is_empty() && arg.get_action().takes_values() {
        let _ = write!(text, " Default: {}.", defaults.join(", "));
    }
    if let Some(env) = arg.get_env() {
        let _ = write!(text, " Environment: `{}`.", env.to_string_lossy());
    }
    text.trim().to_string()
}
