//! `search repo`: Helm's client-side search over the cached indexes
//! (pkg/cmd/search/search.go and pkg/cmd/search_repo.go): each chart is a
//! line `name \v repo/name \v description \v keywords`, a match's score is
//! the field it starts in, lower is better, 25 and above is no match.

use std::collections::BTreeMap;

use super::error::{RepoError, Result};
use super::helmjson::{self, GoObject};
use super::index::{ChartVersion, IndexFile};
use super::output::{self, Format, Table};
use crate::chart::version::{Constraints, Version};

/// Helm's searchMaxScore.
pub const MAX_SCORE: usize = 25;

const SEP: char = '\u{b}';
const VER_SEP: &str = "$$";

/// One hit.
#[derive(Debug, Clone)]
pub struct SearchResult {
    /// `repo/chart`.
    pub name: String,
    pub score: usize,
    pub chart: ChartVersion,
}

/// The searchable lines of every chart (Helm's `search.Index`).
#[derive(Debug, Default)]
pub struct SearchIndex {
    lines: BTreeMap<String, String>,
    charts: BTreeMap<String, ChartVersion>,
}

impl SearchIndex {
    /// Add a repository's charts: the newest version of each, or with
    /// `all` every version.
    /// The index's versions must be sorted newest first ([`IndexFile::load`]
    /// and [`IndexFile::sort_entries`] do that).
    pub fn add_repo(&mut self, repo: &str, index: &IndexFile, all: bool) {
        for (name, versions) in &index.entries {
            let Some(first) = versions.first() else { continue };
            let fname = format!("{repo}/{name}");
            if !all {
                self.lines.insert(fname.clone(), line(repo, first));
                self.charts.insert(fname, first.clone());
                continue;
            }
            for v in versions {
                let key = format!("{fname}{VER_SEP}{}", v.metadata.version);
                self.lines.insert(key.clone(), line(repo, v));
                self.charts.insert(key, v.clone());
            }
        }
    }

    /// Every chart, score 0.
    pub fn all(&self) -> Vec<SearchResult> {
        self.charts.iter().map(|(k, c)| SearchResult { name: strip_version(k), score: 0, chart: c.clone() }).collect()
    }

    /// Literal (case-insensitive) or regular-expression search.
    pub fn search(&self, term: &str, threshold: usize, regexp: bool) -> Result<Vec<SearchResult>> {
        let mut out = Vec::new();
        if regexp {
            let re = regex::Regex::new(term).map_err(|e| RepoError::msg(format!("error parsing regexp: {e}")))?;
            for (k, v) in &self.lines {
                let Some(m) = re.find(v) else { continue };
                let score = calc_score(m.start(), v);
                if score < threshold {
                    out.push(SearchResult { name: strip_version(k), score, chart: self.charts[k].clone() });
                }
            }
        } else {
            let term = term.to_lowercase();
            for (k, v) in &self.lines {
                let lv = v.to_lowercase();
                let Some(pos) = lv.find(&term) else { continue };
                let score = calc_score(pos, &lv);
                if score < threshold {
                    out.push(SearchResult { name: strip_version(k), score, chart: self.charts[k].clone() });
                }
            }
        }
        Ok(out)
    }
}

fn line(repo: &str, cv: &ChartVersion) -> String {
    let md = &cv.metadata;
    format!("{}{SEP}{repo}/{}{SEP}{}{SEP}{}", md.name, md.name, md.description, md.keywords.join(" "))
}

fn strip_version(key: &str) -> String {
    key.split(VER_SEP).next().unwrap_or(key).to_string()
}

/// Which `\v`-separated field the match at byte `index` starts in.
fn calc_score(index: usize, line: &str) -> usize {
    let splits: Vec<usize> = line.char_indices().filter(|(_, c)| *c == SEP).map(|(i, _)| i).collect();
    splits.iter().position(|&pos| index <= pos).unwrap_or(splits.len())
}

/// Helm's SortScore: by score, then name, then newest version first.
pub fn sort_score(results: &mut [SearchResult]) {
    results.sort_by(|a, b| {
        a.score.cmp(&b.score).then_with(|| {
            if a.name == b.name {
                match (Version::parse(&a.chart.metadata.version), Version::parse(&b.chart.metadata.version)) {
                    (Ok(x), Ok(y)) => y.compare(&x),
                    _ => std::cmp::Ordering::Equal,
                }
            } else {
                a.name.cmp(&b.name)
            }
        })
    });
}

/// Keep results matching `version` (one per chart unless `all_versions`):
/// Helm's applyConstraint.
pub fn apply_constraint(results: Vec<SearchResult>, version: &str, all_versions: bool) -> Result<Vec<SearchResult>> {
    if version.is_empty() {
        return Ok(results);
    }
    let c = Constraints::parse(version)
        .map_err(|e| RepoError::msg(format!("an invalid version/constraint format: {e}")))?;
    let mut found = std::collections::HashSet::new();
    let mut out = Vec::new();
    for r in results {
        if !all_versions && found.contains(&r.name) {
            continue;
        }
        let Ok(v) = Version::parse(&r.chart.metadata.version) else { continue };
        if c.check(&v) {
            found.insert(r.name.clone());
            out.push(r);
        }
    }
    Ok(out)
}

/// How `search repo` was asked to search.
#[derive(Debug, Clone, Default)]
pub struct SearchOptions {
    pub keyword: Option<String>,
    pub regexp: bool,
    pub versions: bool,
    pub devel: bool,
    pub version: String,
}

/// Search the given repositories' indexes (name, index).
pub fn search_repos(indexes: &[(String, IndexFile)], opts: &SearchOptions) -> Result<Vec<SearchResult>> {
    let version = if !opts.version.is_empty() {
        opts.version.clone()
    } else if opts.devel {
        ">0.0.0-0".to_string()
    } else {
        ">0.0.0".to_string()
    };
    let mut idx = SearchIndex::default();
    for (name, index) in indexes {
        idx.add_repo(name, index, opts.versions || !version.is_empty());
    }
    let mut res = match &opts.keyword {
        None => idx.all(),
        Some(q) => idx.search(q, MAX_SCORE, opts.regexp)?,
    };
    sort_score(&mut res);
    apply_constraint(res, &version, opts.versions)
}

/// What `search repo` prints.
pub fn render(
    results: &[SearchResult],
    format: Format,
    max_col_width: usize,
    fail_on_no_result: bool,
) -> Result<String> {
    if results.is_empty() && fail_on_no_result {
        return Err(RepoError::msg("no results found"));
    }
    match format {
        Format::Table => {
            if results.is_empty() {
                return Ok("No results found\n".into());
            }
            let mut t = Table::new(max_col_width);
            t.add_row(["NAME", "CHART VERSION", "APP VERSION", "DESCRIPTION"]);
            for r in results {
                let md = &r.chart.metadata;
                t.add_row([r.name.as_str(), &md.version, &md.app_version, &md.description]);
            }
            Ok(format!("{}\n", t.render()))
        }
        Format::Json | Format::Yaml => {
            let items: Vec<String> = results
                .iter()
                .map(|r| {
                    let md = &r.chart.metadata;
                    GoObject::new()
                        .string("name", &r.name)
                        .string("version", &md.version)
                        .string("app_version", &md.app_version)
                        .string("description", &md.description)
                        .finish()
                })
                .collect();
            let json = helmjson::raw_list(items.iter().map(String::as_str));
            Ok(if format == Format::Json { output::encode_json(&json) } else { output::encode_yaml(&json) })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> IndexFile {
        let text = r#"apiVersion: v1
entries:
  nginx:
  - name: nginx
    version: 0.2.0
    description: A web server
    keywords: [http, proxy]
    urls: [nginx-0.2.0.tgz]
  - name: nginx
    version: 0.1.0
    description: A web server
    urls: [nginx-0.1.0.tgz]
  - name: nginx
    version: 0.3.0-beta.1
    description: A web server
    urls: [nginx-0.3.0-beta.1.tgz]
  mariadb:
  - name: mariadb
    version: 1.0.0
    appVersion: "10.1"
    description: Fast reliable database, a drop-in replacement for MySQL
    keywords: [sql, nginx-friendly]
    urls: [mariadb-1.0.0.tgz]
"#;
        IndexFile::load(text.as_bytes(), "t").unwrap().0
    }

    #[test]
    fn scores_rank_name_before_keywords() {
        let repos = vec![("testing".to_string(), index())];
        let res = search_repos(&repos, &SearchOptions { keyword: Some("nginx".into()), ..Default::default() }).unwrap();
        let names: Vec<(&str, usize, &str)> =
            res.iter().map(|r| (r.name.as_str(), r.score, r.chart.metadata.version.as_str())).collect();
        // Helm's score: 0 name field, 3 keywords field.
        assert_eq!(names, [("testing/nginx", 0, "0.2.0"), ("testing/mariadb", 3, "1.0.0")]);
        let res =
            search_repos(&repos, &SearchOptions { keyword: Some("nginx".into()), devel: true, ..Default::default() })
                .unwrap();
        assert_eq!(res[0].chart.metadata.version, "0.3.0-beta.1");
        let res = search_repos(
            &repos,
            &SearchOptions { keyword: Some("nginx".into()), versions: true, ..Default::default() },
        )
        .unwrap();
        let v: Vec<&str> = res.iter().map(|r| r.chart.metadata.version.as_str()).collect();
        assert_eq!(v, ["0.2.0", "0.1.0", "1.0.0"]);
        let res = search_repos(
            &repos,
            &SearchOptions {
                keyword: Some("ng.nx".into()),
                regexp: true,
                version: "<0.2".into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(res.len(), 1);
        assert_eq!(res[0].chart.metadata.version, "0.1.0");
        assert!(search_repos(&repos, &SearchOptions { keyword: Some("[".into()), regexp: true, ..Default::default() })
            .is_err());
        let all = search_repos(&repos, &SearchOptions::default()).unwrap();
        assert_eq!(all.len(), 2);
    }

    #[test]
    fn renders_helms_formats() {
        let repos = vec![("testing".to_string(), index())];
        let res = search_repos(&repos, &SearchOptions { keyword: Some("maria".into()), ..Default::default() }).unwrap();
        assert_eq!(
            render(&res, Format::Table, 50, false).unwrap(),
            "NAME           \tCHART VERSION\tAPP VERSION\tDESCRIPTION                                       \ntesting/mariadb\t1.0.0        \t10.1       \tFast reliable database, a drop-in replacement f...\n"
        );
        assert_eq!(
            render(&res, Format::Json, 50, false).unwrap(),
            "[{\"name\":\"testing/mariadb\",\"version\":\"1.0.0\",\"app_version\":\"10.1\",\"description\":\"Fast reliable database, a drop-in replacement for MySQL\"}]\n"
        );
        assert_eq!(
            render(&res, Format::Yaml, 50, false).unwrap(),
            "- app_version: \"10.1\"\n  description: Fast reliable database, a drop-in replacement for MySQL\n  name: testing/mariadb\n  version: 1.0.0\n"
        );
        assert_eq!(render(&[], Format::Table, 50, false).unwrap(), "No results found\n");
        assert_eq!(render(&[], Format::Json, 50, false).unwrap(), "[]\n");
        assert_eq!(render(&[], Format::Yaml, 50, true).unwrap_err().to_string(), "no results found");
    }
}
