//! `capstan create NAME`: scaffold a new chart that renders as it is
//! (Helm: pkg/cmd/create.go, pkg/chart/v2/util/create.go Create/CreateFrom).
//!
//! The built-in scaffolds are the example charts, embedded in the binary:
//! `--engine go` writes charts-examples/webapp, `--engine jinja`
//! charts-examples/webapp-jinja, with the example's chart name replaced by
//! NAME. `-p/--starter` copies a starter chart instead, as Helm does
//! (`<CHARTNAME>` in templates and values.yaml replaced, a fresh
//! Chart.yaml). `--starter std` (unless Helm's starters directory holds a
//! starter of that name) writes a chart built on capstan's std library
//! chart (templates-std/helm/): the library is vendored in `charts/std/`
//! and listed under `dependencies:`, so the chart renders offline.
//!
//! Like Helm, NAME may be a path whose last element is the chart name, the
//! parent directory must exist (except with a starter), and existing files
//! are overwritten with a warning. Unlike Helm, the names `.` and `..` are
//! refused and nothing is ever written through a symbolic link, so files
//! land only inside the chart directory.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::{anyhow, bail, Context};
use clap::{Args, ValueEnum};

use crate::engine::render::ENGINE_ANNOTATION;

/// The template engine a new chart uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Engine {
    /// Go templates, as every Helm chart
    #[default]
    Go,
    /// capstan's Jinja engine (Chart.yaml annotation capstan.io/engine: jinja)
    Jinja,
}

#[derive(Debug, Clone, Args)]
pub struct CreateArgs {
    /// The chart directory to create; its last path element is the chart name
    pub name: PathBuf,
    /// The template engine of the new chart
    #[arg(long, value_enum, default_value_t = Engine::Go)]
    pub engine: Engine,
    /// The name or absolute path to a Helm starter scaffold ("std": the
    /// built-in chart on capstan's std library chart)
    #[arg(short = 'p', long)]
    pub starter: Option<String>,
}

/// Helm: create.go chartName and maxChartNameLength.
const MAX_CHART_NAME_LENGTH: usize = 250;

/// The placeholder Helm starters use for the chart name.
const STARTER_PLACEHOLDER: &str = "<CHARTNAME>";

/// One scaffold: its files (path, content) and the name to replace.
struct Scaffold {
    files: &'static [(&'static str, &'static str)],
    example_name: &'static str,
}

macro_rules! example_files {
    ($chart:literal, $helpers:literal) => {
        &[
            (
                "Chart.yaml",
                include_str!(concat!("../../charts-examples/", $chart, "/Chart.yaml")),
            ),
            (
                "values.yaml",
                include_str!(concat!("../../charts-examples/", $chart, "/values.yaml")),
            ),
            (
                "values.schema.json",
                include_str!(concat!(
                    "../../charts-examples/",
                    $chart,
                    "/values.schema.json"
                )),
            ),
            (
                ".helmignore",
                include_str!(concat!("../../charts-examples/", $chart, "/.helmignore")),
            ),
            (
                concat!("templates/", $helpers),
                include_str!(concat!(
                    "../../charts-examples/",
                    $chart,
                    "/templates/",
                    $helpers
                )),
            ),
            (
                "templates/deployment.yaml",
                include_str!(concat!(
                    "../../charts-examples/",
                    $chart,
                    "/templates/deployment.yaml"
                )),
            ),
            (
                "templates/service.yaml",
                include_str!(concat!(
                    "../../charts-examples/",
                    $chart,
                    "/templates/service.yaml"
                )),
            ),
            (
                "templates/configmap.yaml",
                include_str!(concat!(
                    "../../charts-examples/",
                    $chart,
                    "/templates/configmap.yaml"
                )),
            ),
            (
                "templates/serviceaccount.yaml",
                include_str!(concat!(
                    "../../charts-examples/",
                    $chart,
                    "/templates/serviceaccount.yaml"
                )),
            ),
            (
                "templates/ingress.yaml",
                include_str!(concat!(
                    "../../charts-examples/",
                    $chart,
                    "/templates/ingress.yaml"
                )),
            ),
            (
                "templates/NOTES.txt",
                include_str!(concat!(
                    "../../charts-examples/",
                    $chart,
                    "/templates/NOTES.txt"
                )),
            ),
        ]
    };
}

const GO_SCAFFOLD: Scaffold = Scaffold {
    files: example_files!("webapp", "_helpers.tpl"),
    example_name: "webapp",
};

const JINJA_SCAFFOLD: Scaffold = Scaffold {
    files: example_files!("webapp-jinja", "_helpers.j2"),
    example_name: "webapp-jinja",
};

/// The name of the built-in starter that uses the std library chart.
pub const STD_STARTER: &str = "std";

/// The std library chart (templates-std/helm/std), vendored into charts
/// made with `--starter std` as `charts/std/`.
pub const STD_LIBRARY_CHART: &[(&str, &str)] = &[
    (
        "Chart.yaml",
        include_str!("../../templates-std/helm/std/Chart.yaml"),
    ),
    (
        "values.yaml",
        include_str!("../../templates-std/helm/std/values.yaml"),
    ),
    (
        "templates/_meta.tpl",
        include_str!("../../templates-std/helm/std/templates/_meta.tpl"),
    ),
    (
        "templates/_pod.tpl",
        include_str!("../../templates-std/helm/std/templates/_pod.tpl"),
    ),
    (
        "templates/_workloads.tpl",
        include_str!("../../templates-std/helm/std/templates/_workloads.tpl"),
    ),
    (
        "templates/_network.tpl",
        include_str!("../../templates-std/helm/std/templates/_network.tpl"),
    ),
    (
        "templates/_config.tpl",
        include_str!("../../templates-std/helm/std/templates/_config.tpl"),
    ),
    (
        "templates/_storage.tpl",
        include_str!("../../templates-std/helm/std/templates/_storage.tpl"),
    ),
    (
        "templates/_rbac.tpl",
        include_str!("../../templates-std/helm/std/templates/_rbac.tpl"),
    ),
    (
        "templates/_cluster.tpl",
        include_str!("../../templates-std/helm/std/templates/_cluster.tpl"),
    ),
    (
        "templates/_scaling.tpl",
        include_str!("../../templates-std/helm/std/templates/_scaling.tpl"),
    ),
];

/// The `--starter std` chart (templates-std/helm/starter), whose name
/// `std-starter` is replaced by the new chart's.
const STD_STARTER_SCAFFOLD: Scaffold = Scaffold {
    files: &[
        (
            "Chart.yaml",
            include_str!("../../templates-std/helm/starter/Chart.yaml"),
        ),
        (
            "values.yaml",
            include_str!("../../templates-std/helm/starter/values.yaml"),
        ),
        (
            ".helmignore",
            include_str!("../../templates-std/helm/starter/.helmignore"),
        ),
        (
            "templates/deployment.yaml",
            include_str!("../../templates-std/helm/starter/templates/deployment.yaml"),
        ),
        (
            "templates/service.yaml",
            include_str!("../../templates-std/helm/starter/templates/service.yaml"),
        ),
        (
            "templates/serviceaccount.yaml",
            include_str!("../../templates-std/helm/starter/templates/serviceaccount.yaml"),
        ),
        (
            "templates/ingress.yaml",
            include_str!("../../templates-std/helm/starter/templates/ingress.yaml"),
        ),
        (
            "templates/hpa.yaml",
            include_str!("../../templates-std/helm/starter/templates/hpa.yaml"),
        ),
        (
            "templates/pdb.yaml",
            include_str!("../../templates-std/helm/starter/templates/pdb.yaml"),
        ),
        (
            "templates/NOTES.txt",
            include_str!("../../templates-std/helm/starter/templates/NOTES.txt"),
        ),
    ],
    example_name: "std-starter",
};

pub fn run(args: CreateArgs) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "Creating {}", args.name.display())?;
    create(&args, &starters_dir(), &mut out)?;
    Ok(())
}

/// Scaffold the chart `args` asks for; warnings go to `out`. Returns the
/// chart directory.
pub fn create(
    args: &CreateArgs,
    starters_dir: &Path,
    out: &mut dyn Write,
) -> anyhow::Result<PathBuf> {
    let chart_name = chart_name(&args.name)?;
    let parent = match args.name.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let parent =
        std::path::absolute(&parent).with_context(|| format!("resolving {}", parent.display()))?;
    let dir = parent.join(&chart_name);
    let builtin_std =
        args.starter.as_deref() == Some(STD_STARTER) && !starters_dir.join(STD_STARTER).exists();
    if builtin_std {
        if args.engine == Engine::Jinja {
            bail!("--starter std makes a Go-template chart on the std library chart; for a Jinja chart use --engine jinja without --starter");
        }
        prepare_dir(&dir, true)?;
        let mut files = scaffold_files(&STD_STARTER_SCAFFOLD, &chart_name);
        files.extend(
            STD_LIBRARY_CHART
                .iter()
                .map(|(path, text)| (format!("charts/std/{path}"), text.as_bytes().to_vec())),
        );
        write_files(&dir, &files, out, true)?;
    } else if let Some(starter) = &args.starter {
        let src = if Path::new(starter).is_absolute() {
            PathBuf::from(starter)
        } else {
            starters_dir.join(starter)
        };
        let files = starter_files(&src, &chart_name, args.engine)?;
        prepare_dir(&dir, true)?;
        write_files(&dir, &files, out, false)?;
    } else {
        match std::fs::metadata(&parent) {
            Err(e) => bail!("stat {}: {}", parent.display(), io_reason(&e)),
            Ok(m) if !m.is_dir() => bail!("no such directory {}", parent.display()),
            Ok(_) => {}
        }
        prepare_dir(&dir, false)?;
        let scaffold = match args.engine {
            Engine::Go => &GO_SCAFFOLD,
            Engine::Jinja => &JINJA_SCAFFOLD,
        };
        let files = scaffold_files(scaffold, &chart_name);
        write_files(&dir, &files, out, true)?;
    }
    // Helm adds charts/ explicitly: it holds no file out of the box.
    create_dir_inside(&dir, "charts")?;
    Ok(dir)
}

/// A scaffold's files with its example name replaced by the chart's.
fn scaffold_files(scaffold: &Scaffold, chart_name: &str) -> Vec<(String, Vec<u8>)> {
    scaffold
        .files
        .iter()
        .map(|(path, text)| {
            (
                path.to_string(),
                text.replace(scaffold.example_name, chart_name).into_bytes(),
            )
        })
        .collect()
}

/// The chart name: the last element of the path, checked as Helm does
/// (Helm: create.go validateChartName), and never `.` or `..`.
fn chart_name(path: &Path) -> anyhow::Result<String> {
    let last = match path.components().next_back() {
        Some(Component::Normal(name)) => name.to_string_lossy().into_owned(),
        _ => bail!(
            "cannot create a chart at {:?}: the path must end in the chart's name",
            path.display().to_string()
        ),
    };
    if last.is_empty() || last.len() > MAX_CHART_NAME_LENGTH {
        bail!("chart name must be between 1 and {MAX_CHART_NAME_LENGTH} characters");
    }
    let valid = last
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !valid {
        bail!("chart name must match the regular expression \"^[a-zA-Z0-9._-]+$\"");
    }
    if last.bytes().all(|b| b == b'.') {
        bail!("chart name must not consist of dots only");
    }
    Ok(last)
}

/// Where Helm keeps starters: $HELM_DATA_HOME/starters, else
/// $XDG_DATA_HOME/helm/starters, else ~/.local/share/helm/starters
/// (Helm: pkg/helmpath lazypath.dataPath, lazypath_unix.go).
pub fn starters_dir() -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(base) = env("HELM_DATA_HOME") {
        return base.join("starters");
    }
    let base = env("XDG_DATA_HOME").unwrap_or_else(|| {
        env("HOME")
            .unwrap_or_else(|| PathBuf::from("/"))
            .join(".local")
            .join("share")
    });
    base.join("helm").join("starters")
}

/// The files a starter chart gives a new chart (Helm: CreateFrom): its
/// templates and values.yaml with `<CHARTNAME>` replaced, every other file
/// as it is, and a new Chart.yaml. The starter's engine annotation is kept,
/// or set by `--engine jinja`.
fn starter_files(
    src: &Path,
    chart_name: &str,
    engine: Engine,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let load_err = |e: String| anyhow!("could not load {}: {e}", src.display());
    let meta = std::fs::metadata(src).map_err(|e| load_err(io_reason(&e)))?;
    if !meta.is_dir() {
        return Err(load_err("a starter must be a chart directory".into()));
    }
    let chart_yaml = std::fs::read_to_string(src.join("Chart.yaml"))
        .map_err(|_| load_err("Chart.yaml file is missing".into()))?;
    let starter_meta =
        crate::codec::yaml_read::from_str(&chart_yaml).map_err(|e| load_err(e.to_string()))?;
    let starter_engine = starter_meta
        .get("annotations")
        .and_then(|a| a.get(ENGINE_ANNOTATION))
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let engine_annotation = match engine {
        Engine::Jinja => Some("jinja".to_string()),
        Engine::Go => starter_engine,
    };

    let mut files = vec![(
        "Chart.yaml".to_string(),
        new_chart_yaml(chart_name, engine_annotation.as_deref()).into_bytes(),
    )];
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(src.join(&rel))
            .with_context(|| format!("reading {}", src.join(&rel).display()))?
            .collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let rel_path = rel.join(entry.file_name());
            let kind = entry.file_type()?;
            let name = rel_path.to_string_lossy().replace('\\', "/");
            if kind.is_dir() {
                stack.push(rel_path);
                continue;
            }
            // Chart.yaml is replaced; Helm does not save Chart.lock.
            if name == "Chart.yaml" || name == "Chart.lock" {
                continue;
            }
            let data = std::fs::read(entry.path())
                .with_context(|| format!("reading {}", entry.path().display()))?;
            let data = if name == "values.yaml" || name.starts_with("templates/") {
                String::from_utf8_lossy(&data)
                    .replace(STARTER_PLACEHOLDER, chart_name)
                    .into_bytes()
            } else {
                data
            };
            files.push((name, data));
        }
    }
    Ok(files)
}

/// Chart.yaml as Helm's create writes it for a starter (the metadata of
/// pkg/cmd/create.go, marshalled with sorted keys).
fn new_chart_yaml(chart_name: &str, engine: Option<&str>) -> String {
    let mut m = serde_json::Map::new();
    if let Some(engine) = engine {
        let mut annotations = serde_json::Map::new();
        annotations.insert(ENGINE_ANNOTATION.into(), engine.into());
        m.insert("annotations".into(), annotations.into());
    }
    m.insert("apiVersion".into(), "v2".into());
    m.insert("appVersion".into(), "0.1.0".into());
    m.insert("description".into(), "A Helm chart for Kubernetes".into());
    m.insert("name".into(), chart_name.into());
    m.insert("type".into(), "application".into());
    m.insert("version".into(), "0.1.0".into());
    crate::codec::yaml_write::to_yaml(&serde_json::Value::Object(m))
}

/// The chart directory must be a directory (or not exist yet), and not a
/// symbolic link.
fn prepare_dir(dir: &Path, create_parents: bool) -> anyhow::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => {
            bail!(
                "{} is a symbolic link; refusing to write through it",
                dir.display()
            )
        }
        Ok(m) if !m.is_dir() => bail!(
            "file {} already exists and is not a directory",
            dir.display()
        ),
        Ok(_) => Ok(()),
        Err(_) if create_parents => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
        }
        Err(_) => std::fs::create_dir(dir).with_context(|| format!("creating {}", dir.display())),
    }
}

/// Create `rel` (a relative path of plain names) under `root`, refusing to
/// pass through symbolic links.
fn create_dir_inside(root: &Path, rel: &str) -> anyhow::Result<PathBuf> {
    let mut here = root.to_path_buf();
    for part in Path::new(rel).components() {
        let Component::Normal(part) = part else {
            bail!("refusing to write {rel:?}: not a plain relative path");
        };
        here.push(part);
        match std::fs::symlink_metadata(&here) {
            Ok(m) if m.file_type().is_symlink() => {
                bail!(
                    "{} is a symbolic link; refusing to write through it",
                    here.display()
                )
            }
            Ok(m) if !m.is_dir() => bail!("{} exists and is not a directory", here.display()),
            Ok(_) => {}
            Err(_) => std::fs::create_dir(&here)
                .with_context(|| format!("creating {}", here.display()))?,
        }
    }
    Ok(here)
}

/// Write files under `dir`. `warn` prints Helm's overwrite warning
/// (Create does; CreateFrom overwrites silently).
fn write_files(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    out: &mut dyn Write,
    warn: bool,
) -> anyhow::Result<()> {
    for (rel, data) in files {
        let (parent, file) = match rel.rsplit_once('/') {
            Some((p, f)) => (create_dir_inside(dir, p)?, f),
            None => (dir.to_path_buf(), rel.as_str()),
        };
        if file.is_empty() || file == "." || file == ".." {
            bail!("refusing to write {rel:?}: not a file name");
        }
        let path = parent.join(file);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                bail!(
                    "{} is a symbolic link; refusing to write through it",
                    path.display()
                )
            }
            Ok(_) if warn => writeln!(
                out,
                "WARNING: File {:?} already exists. Overwriting.",
                path.display().to_string()
            )?,
            _ => {}
        }
        std::fs::write(&path, data).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// An I/O error as Go prints it (`no such file or directory`).
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(name: &Path, engine: Engine, starter: Option<&str>) -> CreateArgs {
        CreateArgs {
            name: name.to_path_buf(),
            engine,
            starter: starter.map(str::to_string),
        }
    }

    fn read(p: &Path) -> String {
        std::fs::read_to_string(p).unwrap()
    }

    #[test]
    fn go_scaffold_is_the_webapp_example_renamed() {
        let tmp = tempfile::tempdir().unwrap();
        let mut out = vec![];
        let dir = create(
            &args(&tmp.path().join("shop"), Engine::Go, None),
            tmp.path(),
            &mut out,
        )
        .unwrap();
        assert_eq!(dir, tmp.path().join("shop"));
        assert!(out.is_empty());
        assert!(read(&dir.join("Chart.yaml")).contains("\nname: shop\n"));
        assert!(read(&dir.join("templates/_helpers.tpl")).contains("define \"shop.fullname\""));
        assert!(
            read(&dir.join("templates/deployment.yaml")).contains("include \"shop.fullname\" .")
        );
        assert!(dir.join("charts").is_dir());
        for (path, _) in GO_SCAFFOLD.files {
            assert!(
                !read(&dir.join(path)).contains("webapp"),
                "{path} still names the example"
            );
        }
    }

    #[test]
    fn jinja_scaffold_is_the_webapp_jinja_example_renamed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = create(
            &args(&tmp.path().join("shop"), Engine::Jinja, None),
            tmp.path(),
            &mut vec![],
        )
        .unwrap();
        let chart_yaml = read(&dir.join("Chart.yaml"));
        assert!(chart_yaml.contains("\nname: shop\n"));
        assert!(chart_yaml.contains("capstan.io/engine: jinja"));
        assert!(dir.join("templates/_helpers.j2").is_file());
        for (path, _) in JINJA_SCAFFOLD.files {
            assert!(
                !read(&dir.join(path)).contains("webapp"),
                "{path} still names the example"
            );
        }
    }

    #[test]
    fn existing_files_are_overwritten_with_helms_warning() {
        let tmp = tempfile::tempdir().unwrap();
        let name = tmp.path().join("shop");
        create(&args(&name, Engine::Go, None), tmp.path(), &mut vec![]).unwrap();
        std::fs::write(name.join("values.yaml"), "changed").unwrap();
        std::fs::write(name.join("extra.txt"), "kept").unwrap();
        let mut out = vec![];
        create(&args(&name, Engine::Go, None), tmp.path(), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains(&format!(
            "WARNING: File \"{}\" already exists. Overwriting.\n",
            name.join("values.yaml").display()
        )));
        assert_eq!(out.lines().count(), GO_SCAFFOLD.files.len());
        assert_ne!(read(&name.join("values.yaml")), "changed");
        assert_eq!(read(&name.join("extra.txt")), "kept");
    }

    #[test]
    fn names_are_validated_like_helm() {
        let tmp = tempfile::tempdir().unwrap();
        let err = |p: &Path| {
            create(&args(p, Engine::Go, None), tmp.path(), &mut vec![])
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err(&tmp.path().join("bad name")),
            "chart name must match the regular expression \"^[a-zA-Z0-9._-]+$\""
        );
        assert_eq!(
            err(&tmp.path().join("x".repeat(251))),
            "chart name must be between 1 and 250 characters"
        );
        assert!(err(Path::new("..")).contains("the path must end in the chart's name"));
        assert!(err(Path::new(".")).contains("the path must end in the chart's name"));
        assert_eq!(
            err(&tmp.path().join("...")),
            "chart name must not consist of dots only"
        );
        // Helm: the parent directory must exist.
        let missing = tmp.path().join("no/such");
        assert_eq!(
            err(&missing.join("c")),
            format!("stat {}: no such file or directory", missing.display())
        );
        std::fs::write(tmp.path().join("file"), "").unwrap();
        assert_eq!(
            err(&tmp.path().join("file")),
            format!(
                "file {} already exists and is not a directory",
                tmp.path().join("file").display()
            )
        );
    }

    #[cfg(unix)]
    #[test]
    fn never_writes_through_symbolic_links() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        let chart = tmp.path().join("shop");
        std::fs::create_dir(&chart).unwrap();
        std::os::unix::fs::symlink(&outside, chart.join("templates")).unwrap();
        let e = create(&args(&chart, Engine::Go, None), tmp.path(), &mut vec![]).unwrap_err();
        assert!(e.to_string().contains("is a symbolic link"), "{e}");
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
        // The chart directory itself may not be a link either.
        let link = tmp.path().join("linked");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        let e = create(&args(&link, Engine::Go, None), tmp.path(), &mut vec![]).unwrap_err();
        assert!(e.to_string().contains("is a symbolic link"), "{e}");
    }

    #[test]
    fn starters_replace_the_placeholder_and_get_a_new_chart_yaml() {
        let tmp = tempfile::tempdir().unwrap();
        let starters = tmp.path().join("starters");
        let starter = starters.join("mystarter");
        std::fs::create_dir_all(starter.join("templates")).unwrap();
        std::fs::write(starter.join("Chart.yaml"), "apiVersion: v2\nname: mystarter\nversion: 9.9.9\nannotations:\n  capstan.io/engine: jinja\n").unwrap();
        std::fs::write(starter.join("values.yaml"), "name: <CHARTNAME>\n").unwrap();
        std::fs::write(starter.join("templates/a.yaml"), "x: <CHARTNAME>\n").unwrap();
        std::fs::write(starter.join("README.md"), "<CHARTNAME> stays\n").unwrap();
        let dir = create(
            &args(&tmp.path().join("out/shop"), Engine::Go, Some("mystarter")),
            &starters,
            &mut vec![],
        )
        .unwrap();
        assert_eq!(read(&dir.join("values.yaml")), "name: shop\n");
        assert_eq!(read(&dir.join("templates/a.yaml")), "x: shop\n");
        assert_eq!(read(&dir.join("README.md")), "<CHARTNAME> stays\n");
        assert_eq!(
            read(&dir.join("Chart.yaml")),
            "annotations:\n  capstan.io/engine: jinja\napiVersion: v2\nappVersion: 0.1.0\ndescription: A Helm chart for Kubernetes\nname: shop\ntype: application\nversion: 0.1.0\n"
        );
        // An absolute starter path is used as is.
        let dir = create(
            &args(
                &tmp.path().join("abs"),
                Engine::Go,
                Some(starter.to_str().unwrap()),
            ),
            Path::new("/nonexistent"),
            &mut vec![],
        )
        .unwrap();
        assert!(dir.join("templates/a.yaml").is_file());
    }

    #[test]
    fn a_missing_starter_is_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let e = create(
            &args(&tmp.path().join("shop"), Engine::Go, Some("nope")),
            tmp.path(),
            &mut vec![],
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "could not load {}: no such file or directory",
                tmp.path().join("nope").display()
            )
        );
    }

    /// Every file under `dir` (relative paths, sorted).
    fn files_under(dir: &Path) -> Vec<String> {
        let mut out = vec![];
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.push(
                        p.strip_prefix(dir)
                            .unwrap()
                            .to_string_lossy()
                            .replace('\\', "/"),
                    );
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn the_std_library_chart_and_starter_are_embedded_whole() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates-std/helm");
        let mut embedded: Vec<String> = STD_LIBRARY_CHART
            .iter()
            .map(|(p, _)| p.to_string())
            .collect();
        embedded.sort();
        assert_eq!(embedded, files_under(&root.join("std")));
        let mut embedded: Vec<String> = STD_STARTER_SCAFFOLD
            .files
            .iter()
            .map(|(p, _)| p.to_string())
            .collect();
        embedded.sort();
        assert_eq!(embedded, files_under(&root.join("starter")));
    }

    #[test]
    fn std_starter_vendors_the_library_chart() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = create(
            &args(&tmp.path().join("shop"), Engine::Go, Some("std")),
            tmp.path(),
            &mut vec![],
        )
        .unwrap();
        let chart_yaml = read(&dir.join("Chart.yaml"));
        assert!(chart_yaml.contains("\nname: shop\n"), "{chart_yaml}");
        assert!(chart_yaml.contains("dependencies:\n"), "{chart_yaml}");
        assert!(read(&dir.join("charts/std/Chart.yaml")).contains("type: library"));
        assert!(read(&dir.join("templates/deployment.yaml")).contains("include \"std.deployment\""));
        for (path, _) in STD_STARTER_SCAFFOLD.files {
            assert!(
                !read(&dir.join(path)).contains("std-starter"),
                "{path} still names the starter"
            );
        }
        // A starter named std in Helm's starters directory wins.
        let starters = tmp.path().join("starters");
        std::fs::create_dir_all(starters.join("std/templates")).unwrap();
        std::fs::write(
            starters.join("std/Chart.yaml"),
            "apiVersion: v2\nname: std\nversion: 1.0.0\n",
        )
        .unwrap();
        std::fs::write(starters.join("std/templates/a.yaml"), "x: <CHARTNAME>\n").unwrap();
        let dir = create(
            &args(&tmp.path().join("own"), Engine::Go, Some("std")),
            &starters,
            &mut vec![],
        )
        .unwrap();
        assert_eq!(read(&dir.join("templates/a.yaml")), "x: own\n");
        assert!(!dir.join("charts/std").exists());
    }
}
