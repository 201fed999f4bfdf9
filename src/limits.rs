//! Resource limits against hostile charts, in one place: their defaults,
//! the environment variables that raise (or lower) them, and their parsing.
//!
//! The limits themselves are enforced where the work happens: chart
//! archives in [`crate::chart`], YAML aliases in [`crate::codec::yaml_read`],
//! template recursion and steps in the gotmpl executor, and the memory
//! budget of functions in [`crate::engine::budget`]. docs/limits.md lists
//! them for users.

use std::sync::OnceLock;

/// Every configurable limit. Sizes are in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Decompressed size of all files of a chart archive (Helm: 100 MiB).
    pub max_chart_size: u64,
    /// Decompressed size of one chart file, in an archive or a directory
    /// (Helm: 5 MiB).
    pub max_file_size: u64,
    /// Bytes of text produced by alias expansion in one YAML document
    /// (billion laughs made of long strings instead of many nodes).
    pub max_yaml_alias_bytes: u64,
    /// Bytes that template functions and template output may build in one
    /// render, counted as they are built (freed ones included).
    pub max_render_bytes: u64,
    /// Size of one string or list built by a template function.
    pub max_value_bytes: u64,
    /// Evaluation steps (actions, commands, loop iterations) in one render.
    pub max_render_steps: u64,
    /// Output of one template execution (an `include` or `tpl` included).
    pub max_template_output: u64,
    /// Nested `include` of one template name (Helm: 1000).
    pub max_include_depth: u64,
    /// Nested `tpl` calls (Helm has no limit and crashes).
    pub max_tpl_depth: u64,
    /// Decompressed size of one stored release record (Helm's records are
    /// gzipped JSON; a Secret holds at most 1 MiB of it).
    pub max_release_size: u64,
    /// Cost units (about 0.1 s of CPU each) of expensive crypto functions
    /// in one render: genPrivateKey (DSA 100, RSA 12, EC 1), genCA,
    /// genSelfSignedCert, genSignedCert and derivePassword (2), bcrypt,
    /// htpasswd and the *WithKey certificate functions (1).
    pub max_crypto_cost: u64,
}

const MIB: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_chart_size: 100 * MIB,
            max_file_size: 5 * MIB,
            max_yaml_alias_bytes: 64 * MIB,
            max_render_bytes: 1024 * MIB,
            max_value_bytes: 256 * MIB,
            max_render_steps: 200_000_000,
            max_template_output: 256 * MIB,
            max_include_depth: 1000,
            max_tpl_depth: 1000,
            max_crypto_cost: 100,
            max_release_size: 256 * MIB,
        }
    }
}

/// One limit's environment variable, for docs and error messages.
pub struct Setting {
    pub env: &'static str,
    pub is_size: bool,
    field: fn(&mut Limits) -> &mut u64,
}

/// Every limit with its environment variable.
pub const SETTINGS: &[Setting] = &[
    Setting {
        env: "CAPSTAN_MAX_CHART_SIZE",
        is_size: true,
        field: |l| &mut l.max_chart_size,
    },
    Setting {
        env: "CAPSTAN_MAX_FILE_SIZE",
        is_size: true,
        field: |l| &mut l.max_file_size,
    },
    Setting {
        env: "CAPSTAN_MAX_YAML_ALIAS_SIZE",
        is_size: true,
        field: |l| &mut l.max_yaml_alias_bytes,
    },
    Setting {
        env: "CAPSTAN_MAX_RENDER_MEMORY",
        is_size: true,
        field: |l| &mut l.max_render_bytes,
    },
    Setting {
        env: "CAPSTAN_MAX_VALUE_SIZE",
        is_size: true,
        field: |l| &mut l.max_value_bytes,
    },
    Setting {
        env: "CAPSTAN_MAX_RENDER_STEPS",
        is_size: false,
        field: |l| &mut l.max_render_steps,
    },
    Setting {
        env: "CAPSTAN_MAX_TEMPLATE_OUTPUT",
        is_size: true,
        field: |l| &mut l.max_template_output,
    },
    Setting {
        env: "CAPSTAN_MAX_INCLUDE_DEPTH",
        is_size: false,
        field: |l| &mut l.max_include_depth,
    },
    Setting {
        env: "CAPSTAN_MAX_TPL_DEPTH",
        is_size: false,
        field: |l| &mut l.max_tpl_depth,
    },
    Setting {
        env: "CAPSTAN_MAX_CRYPTO_COST",
        is_size: false,
        field: |l| &mut l.max_crypto_cost,
    },
    Setting {
        env: "CAPSTAN_MAX_RELEASE_SIZE",
        is_size: true,
        field: |l| &mut l.max_release_size,
    },
];

/// A limit variable that does not hold a valid number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {env}={value:?}: {why}")]
pub struct LimitError {
    pub env: &'static str,
    pub value: String,
    pub why: String,
}

impl Limits {
    /// The defaults, changed by whichever `CAPSTAN_MAX_*` variables
    /// `var` returns.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Limits, LimitError> {
        let mut limits = Limits::default();
        for s in SETTINGS {
            let Some(text) = var(s.env) else { continue };
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let n = parse_amount(text, s.is_size).map_err(|why| LimitError {
                env: s.env,
                value: text.to_string(),
                why,
            })?;
            *(s.field)(&mut limits) = n;
        }
        Ok(limits)
    }

    /// The defaults changed by the process environment.
    pub fn from_env() -> Result<Limits, LimitError> {
        Limits::from_vars(|k| std::env::var(k).ok())
    }
}

/// A count, or for sizes also a count with a binary (`Ki`, `Mi`, `Gi`,
/// `Ti`) or decimal (`k`, `M`, `G`, `T`) suffix.
fn parse_amount(text: &str, is_size: bool) -> Result<u64, String> {
    let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, ""),
    };
    let n: u64 = digits.parse().map_err(|_| "expected a whole number".to_string())?;
    let scale: u64 = match (unit, is_size) {
        ("", _) => 1,
        ("Ki", true) => 1 << 10,
        ("Mi", true) => 1 << 20,
        ("Gi", true) => 1 << 30,
        ("Ti", true) => 1 << 40,
        ("k", true) => 1_000,
        ("M", true) => 1_000_000,
        ("G", true) => 1_000_000_000,
        ("T", true) => 1_000_000_000_000,
        (_, true) => return Err("expected bytes, optionally with a suffix Ki, Mi, Gi, Ti, k, M, G or T".into()),
        (_, false) => return Err("expected a whole number".into()),
    };
    n.checked_mul(scale).ok_or_else(|| "too large".to_string())
}

static CURRENT: OnceLock<Limits> = OnceLock::new();

/// Read the limits from the environment once, for the whole process (the
/// binary calls this first so that a bad variable is reported up front).
pub fn init() -> Result<&'static Limits, LimitError> {
    if let Some(l) = CURRENT.get() {
        return Ok(l);
    }
    let l = Limits::from_env()?;
    Ok(CURRENT.get_or_init(|| l))
}

/// The process's limits: from the environment when valid (see [`init`]),
/// the defaults otherwise.
pub fn current() -> &'static Limits {
    CURRENT.get_or_init(|| Limits::from_env().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_override_defaults_with_size_suffixes() {
        let vars = |k: &str| match k {
            "CAPSTAN_MAX_CHART_SIZE" => Some("2Gi".to_string()),
            "CAPSTAN_MAX_FILE_SIZE" => Some("1500".to_string()),
            "CAPSTAN_MAX_RENDER_STEPS" => Some(" 5000 ".to_string()),
            "CAPSTAN_MAX_TPL_DEPTH" => Some(String::new()),
            _ => None,
        };
        let l = Limits::from_vars(vars).unwrap();
        assert_eq!(l.max_chart_size, 2 << 30);
        assert_eq!(l.max_file_size, 1500);
        assert_eq!(l.max_render_steps, 5000);
        assert_eq!(l.max_tpl_depth, Limits::default().max_tpl_depth);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = Limits::from_vars(|k| (k == "CAPSTAN_MAX_RENDER_STEPS").then(|| "5Mi".to_string())).unwrap_err();
        assert_eq!(e.env, "CAPSTAN_MAX_RENDER_STEPS");
        assert!(
            e.to_string().starts_with("invalid CAPSTAN_MAX_RENDER_STEPS=\"5Mi\""),
            "{e}"
        );
        let e = Limits::from_vars(|k| (k == "CAPSTAN_MAX_FILE_SIZE").then(|| "-1".to_string())).unwrap_err();
        assert!(e.to_string().contains("whole number"), "{e}");
        let e = Limits::from_vars(|k| (k == "CAPSTAN_MAX_FILE_SIZE").then(|| "99999999999Ti".to_string())).unwrap_err();
        assert!(e.to_string().contains("too large"), "{e}");
    }
}

/// How many threads can run at once: std's `available_parallelism` (which
/// reads the cgroup's CPU quota files on every call), asked once.
pub fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
