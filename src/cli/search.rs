//! `capstan search repo [KEYWORD]`: search the cached indexes of the
//! configured repositories (Helm: pkg/cmd/search_repo.go).

use anyhow::bail;
use clap::{Args, Subcommand, ValueEnum};

use crate::repo::index::IndexFile;
use crate::repo::output::Format;
use crate::repo::repofile::RepoFile;
use crate::repo::search::{self, SearchOptions};
use crate::repo::Paths;

/// `-o/--output`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
    Yaml,
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Format {
        match f {
            OutputFormat::Table => Format::Table,
            OutputFormat::Json => Format::Json,
            OutputFormat::Yaml => Format::Yaml,
        }
    }
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum SearchCommand {
    /// Search repositories for a keyword in charts
    Repo(SearchRepoArgs),
}

#[derive(Debug, Args)]
pub struct SearchRepoArgs {
    /// Keywords (joined with spaces)
    pub keyword: Vec<String>,
    /// Use regular expressions for searching repositories you have added
    #[arg(short = 'r', long)]
    pub regexp: bool,
    /// Show the long listing, with each version of each chart on its own line
    #[arg(short = 'l', long)]
    pub versions: bool,
    /// Use development versions (alpha, beta, and release candidate releases), too. Equivalent to version '>0.0.0-0'
    #[arg(long)]
    pub devel: bool,
    /// Search using semantic versioning constraints on repositories you have added
    #[arg(long)]
    pub version: Option<String>,
    /// Maximum column width for output table
    #[arg(long = "max-col-width", default_value_t = 50)]
    pub max_col_width: usize,
    /// Search fails if no results are found
    #[arg(long = "fail-on-no-result")]
    pub fail_on_no_result: bool,
    /// Prints the output in the specified format
    #[arg(short = 'o', long = "output", value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

pub fn run(cmd: SearchCommand) -> anyhow::Result<()> {
    let SearchCommand::Repo(a) = cmd;
    let paths = Paths::from_env()?;
    let rf = RepoFile::load(&paths.repository_config).ok().filter(|f| !f.repositories.is_empty());
    let Some(rf) = rf else { bail!("no repositories configured") };
    let mut indexes = Vec::new();
    for e in &rf.repositories {
        match IndexFile::load_file(&paths.cache_index_file(&e.name)) {
            Ok((idx, _)) => indexes.push((e.name.clone(), idx)),
            Err(err) => eprintln!("level=WARN msg=\"repo is corrupt or missing\" repo={} error=\"{err}\"", e.name),
        }
    }
    let opts = SearchOptions {
        keyword: (!a.keyword.is_empty()).then(|| a.keyword.join(" ")),
        regexp: a.regexp,
        versions: a.versions,
        devel: a.devel,
        version: a.version.clone().unwrap_or_default(),
    };
    let results = search::search_repos(&indexes, &opts)?;
    print!("{}", search::render(&results, a.output.into(), a.max_col_width, a.fail_on_no_result)?);
    Ok(())
}
