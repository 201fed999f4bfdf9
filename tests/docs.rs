//! The documentation cannot rot: the generated references under
//! docs/reference/ are current (`capstan docs --check`), and every
//! ```console block of README.md and docs/*.md runs and prints what it
//! shows.
//!
//! A console block is a transcript:
//! - `$ COMMAND` starts a command; following lines starting with `> ` continue
//!   it (as the shell's second prompt shows them: here-documents, long
//!   commands). The command runs in `bash`, its stderr merged into stdout.
//! - The lines up to the next `$ ` line are its expected output, compared
//!   line by line, trailing white space and trailing empty lines ignored.
//!   A line `...` matches any number of lines (none included); `<any>`
//!   within a line matches any text on that line (dates, temporary paths).
//!   Tabs in the output are expanded to 8-column stops, as a terminal shows
//!   them.
//! - A last expected line `[exit status: N]` says the command exits with N;
//!   otherwise it must succeed.
//! - `cargo run --release -- ARGS` runs the binary under test, as
//!   `capstan ARGS` (cargo's own build lines are not part of the output).
//!
//! Each file runs in a fresh temporary directory holding a copy of
//! `charts-examples/` (so paths read as from the repository root), with the
//! binary first on PATH as `capstan`, and HOME and CAPSTAN_HOME fresh empty
//! directories (no kubeconfig, so the local target). The blocks of a file
//! run in order and share that directory and state. Commands that need a
//! network or a cluster are shown in ```sh blocks, which are not run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn generated_references_are_current() {
    let out = Command::new(env!("CARGO_BIN_EXE_capstan"))
        .args(["docs", "--check"])
        .current_dir(repo_root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn docs_check_names_a_stale_reference() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_capstan"))
            .args(["docs", "--out"])
            .arg(dir.path())
            .args(args)
            .current_dir(repo_root())
            .output()
            .unwrap()
    };
    assert!(run(&[]).status.success());
    assert!(run(&["--check"]).status.success());
    std::fs::write(dir.path().join("lint-rules.md"), "old\n").unwrap();
    let out = run(&["--check"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("lint-rules.md is stale: run `capstan docs` to update"),
        "{stderr}"
    );
    assert!(!stderr.contains("functions.md"), "{stderr}");
}

#[test]
fn docs_command_is_hidden_from_help() {
    let out = Command::new(env!("CARGO_BIN_EXE_capstan"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("template"), "{help}");
    assert!(!help.contains("docs"), "{help}");
}

/// One command of a console block and what it should print.
#[derive(Debug, Clone, PartialEq)]
struct Example {
    /// 1-based line of the `$ ` line in its file.
    line: usize,
    command: String,
    expected: Vec<String>,
    status: i32,
}

/// The commands of every ```console block of a Markdown text, in order.
fn console_examples(markdown: &str) -> Vec<Example> {
    let mut examples = vec![];
    let mut lines = markdown.lines().enumerate();
    while let Some((_, line)) = lines.next() {
        let trimmed = line.trim_start();
        let Some(info) = trimmed.strip_prefix("```") else {
            continue;
        };
        let indent = line.len() - trimmed.len();
        let mut body = vec![];
        for (n, inner) in lines.by_ref() {
            if inner.trim_start().starts_with("```") {
                break;
            }
            body.push((n + 1, inner.get(indent..).unwrap_or(inner.trim_start())));
        }
        if info.trim() != "console" {
            continue;
        }
        let mut current: Option<Example> = None;
        for (n, text) in body {
            if let Some(cmd) = text.strip_prefix("$ ") {
                examples.extend(current.take());
                current = Some(Example {
                    line: n,
                    command: cmd.to_string(),
                    expected: vec![],
                    status: 0,
                });
            } else if let Some(ex) = current.as_mut() {
                match text.strip_prefix("> ") {
                    Some(more) if ex.expected.is_empty() => {
                        ex.command.push('\n');
                        ex.command.push_str(more);
                    }
                    _ => ex.expected.push(text.to_string()),
                }
            }
        }
        examples.extend(current);
    }
    for ex in &mut examples {
        while ex.expected.last().is_some_and(|l| l.trim().is_empty()) {
            ex.expected.pop();
        }
        if let Some(code) = ex
            .expected
            .last()
            .and_then(|l| l.trim().strip_prefix("[exit status: "))
            .and_then(|rest| rest.strip_suffix(']'))
            .and_then(|n| n.parse().ok())
        {
            ex.status = code;
            ex.expected.pop();
        }
    }
    examples
}

/// Tabs at a terminal's stops (every 8 columns), as a reader sees the
/// tables Helm-style commands print.
fn expand_tabs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut column = 0;
    for c in text.chars() {
        match c {
            '\t' => {
                let next = (column / 8 + 1) * 8;
                out.extend(std::iter::repeat_n(' ', next - column));
                column = next;
            }
            '\n' => {
                out.push(c);
                column = 0;
            }
            _ => {
                out.push(c);
                column += 1;
            }
        }
    }
    out
}

/// One expected line against one actual line: `<any>` matches any text.
fn line_matches(expected: &str, actual: &str) -> bool {
    let (expected, actual) = (expected.trim_end(), actual.trim_end());
    let parts: Vec<&str> = expected.split("<any>").collect();
    if parts.len() == 1 {
        return expected == actual;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !actual.starts_with(first)
        || actual.len() < first.len() + last.len()
        || !actual.ends_with(last)
    {
        return false;
    }
    let mut rest = &actual[first.len()..actual.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// Expected lines against actual lines: `...` matches any number of lines.
fn output_matches(expected: &[String], actual: &[&str]) -> bool {
    // can[i][j]: expected[i..] matches actual[j..].
    let (n, m) = (expected.len(), actual.len());
    let mut can = vec![vec![false; m + 1]; n + 1];
    can[n][m] = true;
    for i in (0..n).rev() {
        for j in (0..=m).rev() {
            can[i][j] = if expected[i].trim() == "..." {
                can[i + 1][j] || (j < m && can[i][j + 1])
            } else {
                j < m && line_matches(&expected[i], actual[j]) && can[i + 1][j + 1]
            };
        }
    }
    can[0][0]
}

/// A fresh place to run one file's examples, as a newcomer's checkout.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join(".bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_capstan"), bin.join("capstan")).unwrap();
        for d in [".home", ".capstan"] {
            std::fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        copy_dir(
            &repo_root().join("charts-examples"),
            &dir.path().join("charts-examples"),
        );
        Sandbox { dir }
    }

    /// Run one command; its status and its output (stderr merged).
    fn run(&self, command: &str) -> (i32, String) {
        let root = self.dir.path();
        let command = command.replace("cargo run --release -- ", "capstan ");
        let path = format!(
            "{}:{}",
            root.join(".bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!("exec 2>&1\n{command}"))
            .current_dir(root)
            .env("PATH", path)
            .env("HOME", root.join(".home"))
            .env("CAPSTAN_HOME", root.join(".capstan"))
            .env("NO_COLOR", "1")
            .env("TZ", "UTC")
            .env_remove("KUBECONFIG")
            .env_remove("CAPSTAN_TARGET")
            .env_remove("HELM_NAMESPACE")
            .env_remove("XDG_DATA_HOME")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_CACHE_HOME")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// README.md and docs/*.md (the generated references hold no examples).
fn documentation_files() -> Vec<PathBuf> {
    let mut files = vec![repo_root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(repo_root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

#[test]
fn console_examples_in_the_docs_print_what_they_show() {
    let mut failures = vec![];
    let mut ran = 0;
    for file in documentation_files() {
        let examples = console_examples(&std::fs::read_to_string(&file).unwrap());
        if examples.is_empty() {
            continue;
        }
        let name = file
            .strip_prefix(repo_root())
            .unwrap()
            .display()
            .to_string();
        let sandbox = Sandbox::new();
        for ex in examples {
            ran += 1;
            let (status, output) = sandbox.run(&ex.command);
            let output = expand_tabs(&output);
            let mut actual: Vec<&str> = output.lines().collect();
            while actual.last().is_some_and(|l| l.trim().is_empty()) {
                actual.pop();
            }
            if status != ex.status || !output_matches(&ex.expected, &actual) {
                failures.push(format!(
                    "{name}:{}: $ {}\n--- expected (exit status {}):\n{}\n--- actual (exit status {status}):\n{}",
                    ex.line,
                    ex.command,
                    ex.status,
                    ex.expected.join("\n"),
                    actual.join("\n")
                ));
            }
        }
    }
    eprintln!("ran {ran} documented commands");
    assert!(
        failures.is_empty(),
        "{} documented command(s) differ:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(ran >= 40, "only {ran} documented commands found");
}

#[test]
fn the_main_docs_have_console_examples() {
    for name in [
        "README.md",
        "docs/getting-started.md",
        "docs/values.md",
        "docs/releases.md",
        "docs/lint.md",
        "docs/kustomize.md",
    ] {
        let text = std::fs::read_to_string(repo_root().join(name)).unwrap();
        assert!(
            !console_examples(&text).is_empty(),
            "{name} has no console examples"
        );
    }
}

#[test]
fn console_blocks_are_parsed_as_transcripts() {
    let md = "text\n```console\n$ capstan version\ncapstan v0.1.0\n\n$ cat > a.yaml <<'EOF'\n> x: 1\n> EOF\n$ false\n[exit status: 1]\n```\n```sh\n$ not run\n```\n  ```console\n  $ echo hi\n  hi\n  ```\n";
    let ex = console_examples(md);
    assert_eq!(ex.len(), 4, "{ex:?}");
    assert_eq!((ex[0].line, ex[0].command.as_str()), (3, "capstan version"));
    assert_eq!(ex[0].expected, ["capstan v0.1.0"]);
    assert_eq!(ex[1].command, "cat > a.yaml <<'EOF'\nx: 1\nEOF");
    assert!(ex[1].expected.is_empty());
    assert_eq!((ex[2].command.as_str(), ex[2].status), ("false", 1));
    assert!(ex[2].expected.is_empty());
    assert_eq!(
        (ex[3].command.as_str(), ex[3].expected.clone()),
        ("echo hi", vec!["hi".to_string()])
    );
}

#[test]
fn expected_output_matches_with_ellipsis_and_any() {
    let exp = |s: &str| s.lines().map(String::from).collect::<Vec<_>>();
    assert!(output_matches(&exp("a\n...\nd"), &["a", "b", "c", "d"]));
    assert!(output_matches(&exp("a\n...\nb"), &["a", "b"]));
    assert!(output_matches(&exp("...\nc"), &["a", "b", "c"]));
    assert!(!output_matches(&exp("a\n...\nd"), &["a", "b", "c"]));
    assert!(!output_matches(&exp("a\nb"), &["a", "b", "c"]));
    assert!(output_matches(&exp("a  "), &["a"]));
    assert!(line_matches(
        "LAST DEPLOYED: <any>",
        "LAST DEPLOYED: Thu Nov 27 15:17:12 2026"
    ));
    assert!(line_matches(
        "state in <any>/state.db)",
        "state in /tmp/x/state.db)"
    ));
    assert!(line_matches(
        "<any> deployed <any>",
        "1 Thu deployed webapp"
    ));
    assert!(!line_matches("<any> deployed <any>", "1 Thu failed webapp"));
    assert!(!line_matches("ab<any>ba", "aba"));
    assert_eq!(
        expand_tabs("NAME\tNAMESPACE\nab\tc"),
        "NAME    NAMESPACE\nab      c"
    );
}
