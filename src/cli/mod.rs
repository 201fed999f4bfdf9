//! The command line: argument parsing with Helm's command and flag names,
//! dispatch to the commands, and mapping of failures to exit codes
//! (1 for failures, 2 for usage errors).

use clap::{Args, Parser, Subcommand};

pub mod completion;
pub mod create;
pub mod kustomize;
pub mod lint;
pub mod show;
pub mod template;
pub mod version;

/// A Helm-compatible package manager and Kubernetes manifest renderer.
#[derive(Debug, Parser)]
#[command(name = "capstan", version, about, long_about = None, disable_help_subcommand = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts, as Helm's global flags.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Namespace scope for this request
    #[arg(short = 'n', long, global = true, env = "HELM_NAMESPACE", default_value = "default")]
    pub namespace: String,
    /// Enable verbose output
    #[arg(long, global = true)]
    pub debug: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Locally render templates
    Template(template::TemplateArgs),
    /// Show information of a chart
    #[command(subcommand)]
    Show(show::ShowCommand),
    /// Create a new chart with the given name
    Create(create::CreateArgs),
    /// Build a kustomization directory, like `kubectl kustomize`
    #[command(alias = "build")]
    Kustomize(kustomize::KustomizeArgs),
    /// Print the version information
    Version(version::VersionArgs),
    /// Generate autocompletion scripts for the specified shell
    Completion(completion::CompletionArgs),
    /// Examine charts, kustomizations and manifests for possible issues
    Lint(lint::LintArgs),
}

/// Values flags shared by every command that renders a chart
/// (Helm: pkg/cmd/flags.go addValueOptionsFlags).
#[derive(Debug, Clone, Default, Args)]
pub struct ValuesArgs {
    /// Specify values in a YAML file (can specify multiple; `-` reads stdin)
    #[arg(short = 'f', long = "values", value_delimiter = ',')]
    pub values: Vec<String>,
    /// Set values on the command line (key1=val1,key2=val2)
    #[arg(long = "set")]
    pub set: Vec<String>,
    /// Set STRING values on the command line
    #[arg(long = "set-string")]
    pub set_string: Vec<String>,
    /// Set values from files (key1=path1,key2=path2)
    #[arg(long = "set-file")]
    pub set_file: Vec<String>,
    /// Set JSON values on the command line (key1=jsonval1 or a JSON object)
    #[arg(long = "set-json")]
    pub set_json: Vec<String>,
    /// Set a literal STRING value on the command line
    #[arg(long = "set-literal")]
    pub set_literal: Vec<String>,
}

impl From<ValuesArgs> for crate::values::UserValues {
    /// Each `--set` kind keeps its own order; Helm applies the kinds in a
    /// fixed order anyway (see `UserValues::merge`).
    fn from(a: ValuesArgs) -> Self {
        use crate::values::SetKind;
        let mut u = crate::values::UserValues::new();
        u.files = a.values;
        let kinds = [
            (SetKind::Set, a.set),
            (SetKind::String, a.set_string),
            (SetKind::File, a.set_file),
            (SetKind::Json, a.set_json),
            (SetKind::Literal, a.set_literal),
        ];
        for (kind, entries) in kinds {
            u.sets.extend(entries.into_iter().map(|e| (kind, e)));
        }
        u
    }
}

/// Run a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Template(args) => template::run(&cli.global, args),
        Command::Show(cmd) => show::run(cmd),
        Command::Create(args) => create::run(args),
        Command::Kustomize(args) => kustomize::run(args),
        Command::Version(args) => version::run(args),
        Command::Completion(args) => completion::run(args),
        Command::Lint(args) => lint::run(&cli.global, args),
    };
    match result {
        Ok(()) => 0,
        Err(err) => {
            eprintln!("Error: {err:#}");
            1
        }
    }
}
