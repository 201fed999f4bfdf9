//! Target selectors (kustomize api/types Selector, SelectorRegex) and
//! Kubernetes label selectors (apimachinery labels.Parse) used by patches,
//! replacements and `Select`.

use std::collections::BTreeMap;

use regex::Regex;

use super::error::KustomizeError;
use super::node::Node;
use super::resource::{Gvk, ResId};

/// A patch or replacement target: group/version/kind/name/namespace
/// (each an anchored regular expression) plus label and annotation selectors.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selector {
    pub id: ResId,
    pub annotation_selector: String,
    pub label_selector: String,
}

impl Selector {
    /// Reads a selector mapping (`group`, `version`, `kind`, `name`,
    /// `namespace`, `labelSelector`, `annotationSelector`).
    pub fn from_node(n: &Node) -> Selector {
        let s = |k: &str| n.get(k).map(|v| v.get_value().to_string()).unwrap_or_default();
        Selector {
            id: ResId::new(Gvk::new(s("group"), s("version"), s("kind")), s("name"), s("namespace")),
            annotation_selector: s("annotationSelector"),
            label_selector: s("labelSelector"),
        }
    }

    /// From JSON data (kustomization fields read through sigs.k8s.io/yaml).
    pub fn from_json(v: &serde_json::Value) -> Selector {
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        Selector {
            id: ResId::new(Gvk::new(s("group"), s("version"), s("kind")), s("name"), s("namespace")),
            annotation_selector: s("annotationSelector"),
            label_selector: s("labelSelector"),
        }
    }

    pub fn compile(&self) -> Result<SelectorRegex, KustomizeError> {
        let re = |p: &str| -> Result<Option<Regex>, KustomizeError> {
            if p.is_empty() {
                return Ok(None);
            }
            Regex::new(&format!("^(?:{p})$"))
                .map(Some)
                .map_err(|e| KustomizeError::msg(format!("error parsing regexp: {e}")))
        };
        Ok(SelectorRegex {
            group: re(&self.id.gvk.group)?,
            version: re(&self.id.gvk.version)?,
            kind: re(&self.id.gvk.kind)?,
            name: re(&self.id.name)?,
            namespace: re(&self.id.namespace)?,
        })
    }
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:a={}:l={}", self.id, self.annotation_selector, self.label_selector)
    }
}

/// Compiled selector regular expressions; an empty field matches anything.
pub struct SelectorRegex {
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
}

impl SelectorRegex {
    pub fn match_gvk(&self, gvk: &Gvk) -> bool {
        let m = |r: &Option<Regex>, s: &str| r.as_ref().map(|r| r.is_match(s)).unwrap_or(true);
        m(&self.group, &gvk.group) && m(&self.version, &gvk.version) && m(&self.kind, &gvk.kind)
    }

    pub fn match_name(&self, n: &str) -> bool {
        self.name.as_ref().map(|r| r.is_match(n)).unwrap_or(true)
    }

    pub fn match_namespace(&self, ns: &str) -> bool {
        self.namespace.as_ref().map(|r| r.is_match(ns)).unwrap_or(true)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Op {
    Exists,
    NotExists,
    In(Vec<String>),
    NotIn(Vec<String>),
    Gt(i64),
    Lt(i64),
}

/// A parsed label selector (`a=b,c!=d,e in (x,y),!f`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LabelSelector {
    reqs: Vec<(String, Op)>,
}

impl LabelSelector {
    /// labels.Parse; the empty selector matches everything.
    pub fn parse(s: &str) -> Result<LabelSelector, KustomizeError> {
        let mut reqs = Vec::new();
        let err = |m: &str| KustomizeError::msg(format!("unable to parse requirement: {m}"));
        for part in split_top_level(s) {
            let p = part.trim();
            if p.is_empty() {
                if s.trim().is_empty() {
                    continue;
                }
                return Err(err("found '', expected: identifier"));
            }
            if let Some(k) = p.strip_prefix('!') {
                reqs.push((k.trim().to_string(), Op::NotExists));
                continue;
            }
            if let Some((k, v)) = p.split_once("!=") {
                reqs.push((k.trim().to_string(), Op::NotIn(vec![v.trim().to_string()])));
                continue;
            }
            if let Some((k, v)) = p.split_once("==") {
                reqs.push((k.trim().to_string(), Op::In(vec![v.trim().to_string()])));
                continue;
            }
            if let Some((k, v)) = p.split_once('=') {
                reqs.push((k.trim().to_string(), Op::In(vec![v.trim().to_string()])));
                continue;
            }
            if let Some((k, v)) = p.split_once('>') {
                let n = v.trim().parse().map_err(|_| err(&format!("for 'Gt', 'Lt' operators, the value must be an integer: {v}")))?;
                reqs.push((k.trim().to_string(), Op::Gt(n)));
                continue;
            }
            if let Some((k, v)) = p.split_once('<') {
                let n = v.trim().parse().map_err(|_| err(&format!("for 'Gt', 'Lt' operators, the value must be an integer: {v}")))?;
                reqs.push((k.trim().to_string(), Op::Lt(n)));
                continue;
            }
            let words: Vec<&str> = p.splitn(2, char::is_whitespace).collect();
            if words.len() == 2 {
                let rest = words[1].trim();
                let (op, set) = if let Some(r) = rest.strip_prefix("notin") {
                    ("notin", r)
                } else if let Some(r) = rest.strip_prefix("in") {
                    ("in", r)
                } else {
                    return Err(err(&format!("found '{rest}', expected: in, notin, =, ==, !=, gt, lt")));
                };
                let set = set.trim();
                let inner = set
                    .strip_prefix('(')
                    .and_then(|x| x.strip_suffix(')'))
                    .ok_or_else(|| err(&format!("found '{set}', expected: '('")))?;
                let vals: Vec<String> = inner.split(',').map(|v| v.trim().to_string()).collect();
                let key = words[0].to_string();
                reqs.push((key, if op == "in" { Op::In(vals) } else { Op::NotIn(vals) }));
                continue;
            }
            reqs.push((p.to_string(), Op::Exists));
        }
        Ok(LabelSelector { reqs })
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.reqs.iter().all(|(k, op)| match op {
            Op::Exists => labels.contains_key(k),
            Op::NotExists => !labels.contains_key(k),
            Op::In(vals) => labels.get(k).map(|v| vals.contains(v)).unwrap_or(false),
            Op::NotIn(vals) => labels.get(k).map(|v| !vals.contains(v)).unwrap_or(true),
            Op::Gt(n) => labels.get(k).and_then(|v| v.parse::<i64>().ok()).map(|v| v > *n).unwrap_or(false),
            Op::Lt(n) => labels.get(k).and_then(|v| v.parse::<i64>().ok()).map(|v| v < *n).unwrap_or(false),
        })
    }
}

/// Splits at commas outside parentheses.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn label_selectors_match_like_kubernetes() {
        let l = labels(&[("app", "web"), ("tier", "front")]);
        assert!(LabelSelector::parse("").unwrap().matches(&l));
        assert!(LabelSelector::parse("app=web").unwrap().matches(&l));
        assert!(LabelSelector::parse("app=web,tier!=back").unwrap().matches(&l));
        assert!(!LabelSelector::parse("app in (db, cache)").unwrap().matches(&l));
        assert!(LabelSelector::parse("tier notin (back)").unwrap().matches(&l));
        assert!(LabelSelector::parse("!missing,app").unwrap().matches(&l));
    }

    #[test]
    fn selector_regexes_are_anchored() {
        let mut s = Selector::default();
        s.id.name = "web.*".into();
        let r = s.compile().unwrap();
        assert!(r.match_name("web-1"));
        assert!(!r.match_name("my-web"));
    }
}
