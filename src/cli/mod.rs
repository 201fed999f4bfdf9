//! The command line: argument parsing with Helm's command and flag names,
//! dispatch to the commands, and mapping of failures to exit codes
//! (1 for failures, 2 for usage errors).

use clap::{Args, Parser, Subcommand};

pub mod completion;
pub mod create;
pub mod dependency;
pub mod diff;
pub mod docs;
pub mod flags;
pub mod get;
pub mod history;
pub mod install;
pub mod kustomize;
pub mod lint;
pub mod list;
pub mod output;
pub mod package;
pub mod pull;
pub mod push;
pub mod recover;
pub mod registry;
pub mod repo;
pub mod rollback;
pub mod search;
pub mod show;
pub mod status;
pub mod template;
pub mod test;
pub mod uninstall;
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

impl Cli {
    /// The process's command line, parsed; exits as clap does on usage
    /// errors (2) and for `--help` / `--version` (0).
    ///
    /// When the first argument names a command, clap is given the root's
    /// flags and that one command only: clap copies every global flag into
    /// every command before it parses, and building all ~30 commands was
    /// a third of a small render's start-up.
    pub fn parse_args() -> Cli {
        use clap::{CommandFactory, FromArgMatches};
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        let wanted = args.get(1).and_then(|a| a.to_str()).filter(|a| !a.starts_with('-')).and_then(|first| {
            // The commands alone (their flags deferred), without the root's
            // global flags: those come with `Root`.
            let commands = <Command as clap::Subcommand>::augment_subcommands(clap::Command::new("capstan"));
            let wanted = commands.find_subcommand(first).cloned();
            crate::one_shot::drop_or_leave(commands);
            wanted
        });
        let mut cmd = match wanted {
            Some(wanted) => Root::command().subcommand(wanted),
            None => Cli::command(),
        };
        let parsed = cmd
            .try_get_matches_from_mut(args)
            .and_then(|matches| Cli::from_arg_matches(&matches));
        crate::one_shot::drop_or_leave(cmd);
        parsed.unwrap_or_else(|e| e.exit())
    }
}

/// The root command without its commands: [`Cli`]'s settings and global
/// flags (a test checks the two agree).
#[derive(Debug, Parser)]
#[command(name = "capstan", version, about, long_about = None, disable_help_subcommand = true)]
#[command(subcommand_required = true, arg_required_else_help = true)]
struct Root {
    #[command(flatten)]
    global: GlobalArgs,
}

/// Flags every command accepts, as Helm's global flags.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Namespace scope for this request (default: the kubeconfig context's, else "default")
    #[arg(short = 'n', long, global = true, env = "HELM_NAMESPACE", default_value = "", hide_default_value = true)]
    pub namespace: String,
    /// Enable verbose output
    #[arg(long, global = true)]
    pub debug: bool,
    /// Where releases go: local (the embedded store) or kube (a cluster).
    /// Default: kube when a kubeconfig is found, else local
    #[arg(long, global = true, env = "CAPSTAN_TARGET", value_name = "local|kube")]
    pub target: Option<String>,
    /// Where a cluster keeps release records: secret or configmap (also HELM_DRIVER)
    #[arg(long, global = true, env = "CAPSTAN_STORAGE", value_name = "secret|configmap")]
    pub storage: Option<String>,
    /// The file of chart repository names and URLs (also CAPSTAN_REPOSITORY_CONFIG)
    #[arg(long = "repository-config", global = true, value_name = "PATH")]
    pub repository_config: Option<std::path::PathBuf>,
    /// The directory of cached repository indexes (also CAPSTAN_REPOSITORY_CACHE)
    #[arg(long = "repository-cache", global = true, value_name = "PATH")]
    pub repository_cache: Option<std::path::PathBuf>,
    /// The directory of downloaded charts (also CAPSTAN_CONTENT_CACHE)
    #[arg(long = "content-cache", global = true, value_name = "PATH")]
    pub content_cache: Option<std::path::PathBuf>,
    /// The file of registry credentials (also CAPSTAN_REGISTRY_CONFIG)
    #[arg(long = "registry-config", global = true, value_name = "PATH")]
    pub registry_config: Option<std::path::PathBuf>,
    /// Colour the output: never, auto (on a terminal) or always (default: never with NO_COLOR set,
    /// else HELM_COLOR, else auto)
    #[arg(long, visible_alias = "colour", global = true, value_name = "never|auto|always")]
    pub color: Option<String>,
    #[command(flatten)]
    pub kube: KubeArgs,
}

/// Helm's cluster connection flags (Go: pkg/cli/environment.go).
#[derive(Debug, Clone, Default, Args)]
pub struct KubeArgs {
    /// Path to the kubeconfig file
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<std::path::PathBuf>,
    /// Name of the kubeconfig context to use
    #[arg(long = "kube-context", global = true, env = "HELM_KUBECONTEXT", value_name = "NAME")]
    pub kube_context: Option<String>,
    /// The address and the port for the Kubernetes API server
    #[arg(long = "kube-apiserver", global = true, env = "HELM_KUBEAPISERVER", value_name = "URL")]
    pub kube_apiserver: Option<String>,
    /// Bearer token used for authentication
    #[arg(long = "kube-token", global = true, env = "HELM_KUBETOKEN", value_name = "TOKEN")]
    pub kube_token: Option<String>,
    /// Username to impersonate for the operation
    #[arg(long = "kube-as-user", global = true, env = "HELM_KUBEASUSER", value_name = "USER")]
    pub kube_as_user: Option<String>,
    /// Group to impersonate for the operation, this flag can be repeated to specify multiple groups
    #[arg(long = "kube-as-group", global = true, env = "HELM_KUBEASGROUPS", value_delimiter = ',', value_name = "GROUP")]
    pub kube_as_groups: Vec<String>,
    /// The certificate authority file for the Kubernetes API server connection
    #[arg(long = "kube-ca-file", global = true, env = "HELM_KUBECAFILE", value_name = "PATH")]
    pub kube_ca_file: Option<std::path::PathBuf>,
    /// If true, the Kubernetes API server's certificate will not be checked for validity
    #[arg(long = "kube-insecure-skip-tls-verify", global = true, env = "HELM_KUBEINSECURE_SKIP_TLS_VERIFY")]
    pub kube_insecure_skip_tls_verify: bool,
    /// Server name to use for Kubernetes API server certificate validation
    #[arg(long = "kube-tls-server-name", global = true, env = "HELM_KUBETLS_SERVER_NAME", value_name = "NAME")]
    pub kube_tls_server_name: Option<String>,
    /// Queries per second used when communicating with the Kubernetes API, not including bursting (0: no limit)
    #[arg(long, global = true, env = "HELM_QPS", default_value_t = 0.0)]
    pub qps: f32,
    /// Client-side default throttling limit
    #[arg(long = "burst-limit", global = true, env = "HELM_BURST_LIMIT", default_value_t = 100)]
    pub burst_limit: u32,
}

impl KubeArgs {
    pub fn connect_options(&self) -> crate::cluster::kube::ConnectOptions {
        crate::cluster::kube::ConnectOptions {
            kubeconfig: self.kubeconfig.clone(),
            context: self.kube_context.clone(),
            apiserver: self.kube_apiserver.clone(),
            token: self.kube_token.clone(),
            as_user: self.kube_as_user.clone(),
            as_groups: self.kube_as_groups.clone(),
            ca_file: self.kube_ca_file.clone(),
            insecure_skip_tls_verify: self.kube_insecure_skip_tls_verify,
            tls_server_name: self.kube_tls_server_name.clone(),
            qps: self.qps,
            burst: self.burst_limit,
        }
    }

    /// A cluster was named on the command line.
    pub fn names_a_cluster(&self) -> bool {
        self.kubeconfig.is_some() || self.kube_apiserver.is_some()
    }
}

#[derive(Debug, Subcommand)]
// A command's flags are built only when that command is used or its help
// shown (see `Cli::parse_args`); commands with commands of their own (repo,
// show, get, ...) defer those too. Deferred flags are added after the
// command's help text, so the flag groups commands flatten in carry plain
// comments: a doc comment there would replace the command's help text.
#[command(defer = true)]
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
    /// Package a chart directory into a chart archive
    Package(package::PackageArgs),
    /// Add, list, remove, update, and index chart repositories
    #[command(subcommand)]
    Repo(repo::RepoCommand),
    /// Search for a keyword in charts
    #[command(subcommand)]
    Search(search::SearchCommand),
    /// Download a chart from a repository and (optionally) unpack it in local directory
    #[command(alias = "fetch")]
    Pull(pull::PullArgs),
    /// Push a chart to a remote registry
    Push(push::PushArgs),
    /// Login to or logout from a registry
    #[command(subcommand)]
    Registry(registry::RegistryCommand),
    /// Manage a chart's dependencies
    #[command(subcommand, alias = "dep", alias = "dependencies")]
    Dependency(dependency::DependencyCommand),
    /// Install a chart as a new release
    Install(install::InstallArgs),
    /// Upgrade a release to a new chart or new values
    Upgrade(install::UpgradeArgs),
    /// Roll back a release to a previous revision
    Rollback(rollback::RollbackArgs),
    /// Uninstall releases
    #[command(visible_aliases = ["del", "delete", "un"])]
    Uninstall(uninstall::UninstallArgs),
    /// Fetch release history
    #[command(visible_alias = "hist")]
    History(history::HistoryArgs),
    /// List releases
    #[command(visible_alias = "ls")]
    List(list::ListArgs),
    /// Display the status of the named release
    Status(status::StatusArgs),
    /// Run tests for a release
    Test(test::TestArgs),
    /// Download extended information of a named release
    #[command(subcommand)]
    Get(get::GetCommand),
    /// Show what an upgrade or rollback would change, object by object
    #[command(subcommand)]
    Diff(diff::DiffCommand),
    /// Settle a release left pending by an interrupted operation
    Recover(recover::RecoverArgs),
    /// Write (or check) the generated references in docs/reference/
    #[command(hide = true)]
    Docs(docs::DocsArgs),
}

// Values flags shared by every command that renders a chart
// (Helm: pkg/cmd/flags.go addValueOptionsFlags).
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

// `--overlay` (and Helm's `--post-renderer`, refused) for the commands
// that render a chart for a release.
#[derive(Debug, Clone, Default, Args)]
pub struct OverlayArgs {
    /// Post-render the templates with the kustomization in this directory
    /// (it sees them as the resource file `chart.yaml`)
    #[arg(long, value_name = "DIR")]
    pub overlay: Option<std::path::PathBuf>,
    /// Helm's external post-renderer program (not supported: use --overlay)
    #[arg(long = "post-renderer", hide = true)]
    pub post_renderer: Option<String>,
}

impl OverlayArgs {
    /// The overlay directory, or the error for a post-renderer program.
    pub fn dir(&self) -> anyhow::Result<Option<std::path::PathBuf>> {
        if self.post_renderer.is_some() {
            anyhow::bail!("--post-renderer programs are not supported; use --overlay DIR with a kustomization");
        }
        Ok(self.overlay.clone())
    }
}

/// An error and its causes on one line, like anyhow's `{:#}`, except that a
/// cause whose text the message already carries (thiserror messages that
/// embed their source) is not repeated.
fn error_text(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        let c = cause.to_string();
        if !text.contains(&c) {
            text.push_str(": ");
            text.push_str(&c);
        }
    }
    text
}

/// Hand `value` to the OS instead of running its destructors, for the
/// large structures a command is done with just before the process exits
/// (as compilers skip freeing their trees at exit): freeing a release's
/// caches and objects one by one cost an install 10-20 ms. Only for state
/// with nothing left to flush (stores and targets commit as they go).
pub(crate) fn exit_soon<T>(value: T) {
    crate::one_shot::drop_or_leave(value);
}

/// [`exit_soon`] for an action's configuration and what it returned. A
/// cluster target is dropped as usual: its client reports its request
/// count then (`--debug`).
pub(crate) fn exit_soon_with<T>(cfg: crate::action::Configuration, rest: T) {
    exit_soon(rest);
    cfg.store.settle();
    if cfg.target.name() == "local" {
        exit_soon(cfg);
    }
}

/// Run a parsed command line; returns the process exit code.
pub fn run(mut cli: Cli) -> i32 {
    if let Err(err) = output::set_color_mode(cli.global.color.as_deref()) {
        eprintln!("Error: {}", error_text(&err));
        return 1;
    }
    crate::repo::paths::set_overrides(crate::repo::paths::Overrides {
        repository_config: cli.global.repository_config.clone(),
        repository_cache: cli.global.repository_cache.clone(),
        content_cache: cli.global.content_cache.clone(),
        registry_config: cli.global.registry_config.clone(),
    });
    if cli.global.namespace.is_empty() {
        cli.global.namespace = flags::default_namespace(&cli.global);
    }
    let g = &cli.global;
    let result = match cli.command {
        Command::Kustomize(args) => kustomize::run(args).map(|()| 0),
        Command::Lint(args) => lint::run(g, args).map(|()| 0),
        Command::Package(args) => package::run(g, args).map(|()| 0),
        Command::Repo(cmd) => repo::run(cmd).map(|()| 0),
        Command::Search(cmd) => search::run(cmd).map(|()| 0),
        Command::Pull(args) => pull::run(args).map(|()| 0),
        Command::Push(args) => push::run(args).map(|()| 0),
        Command::Registry(cmd) => registry::run(cmd).map(|()| 0),
        Command::Dependency(cmd) => dependency::run(g, cmd).map(|()| 0),
        Command::Template(args) => template::run(g, args).map(|()| 0),
        Command::Show(cmd) => show::run(cmd).map(|()| 0),
        Command::Create(args) => create::run(args).map(|()| 0),
        Command::Version(args) => version::run(args).map(|()| 0),
        Command::Completion(args) => completion::run(args).map(|()| 0),
        Command::Install(args) => install::run_install(g, args).map(|()| 0),
        Command::Upgrade(args) => install::run_upgrade(g, args).map(|()| 0),
        Command::Rollback(args) => rollback::run(g, args).map(|()| 0),
        Command::Uninstall(args) => uninstall::run(g, args).map(|()| 0),
        Command::History(args) => history::run(g, args).map(|()| 0),
        Command::List(args) => list::run(g, args).map(|()| 0),
        Command::Status(args) => status::run(g, args).map(|()| 0),
        Command::Test(args) => test::run(g, args).map(|()| 0),
        Command::Get(cmd) => get::run(g, cmd).map(|()| 0),
        Command::Diff(cmd) => diff::run(g, cmd),
        Command::Recover(args) => recover::run(g, args).map(|()| 0),
        Command::Docs(args) => docs::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("Error: {}", error_text(&err));
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// `Root` stands in for `Cli` when a command is named: same name,
    /// version, help text, settings and global flags.
    #[test]
    fn root_matches_cli() {
        let (root, cli) = (Root::command(), Cli::command());
        assert_eq!(root.get_name(), cli.get_name());
        assert_eq!(root.get_version(), cli.get_version());
        assert_eq!(root.get_about().map(|s| s.to_string()), cli.get_about().map(|s| s.to_string()));
        assert_eq!(root.get_long_about().map(|s| s.to_string()), cli.get_long_about().map(|s| s.to_string()));
        assert_eq!(root.is_disable_help_subcommand_set(), cli.is_disable_help_subcommand_set());
        assert_eq!(root.is_subcommand_required_set(), cli.is_subcommand_required_set());
        assert_eq!(root.is_arg_required_else_help_set(), cli.is_arg_required_else_help_set());
        let flags = |c: &clap::Command| c.get_arguments().map(|a| format!("{a:?}")).collect::<Vec<_>>();
        assert_eq!(flags(&root), flags(&cli));
        assert!(cli.get_subcommands().count() > 20 && root.get_subcommands().count() == 0);
    }
}
