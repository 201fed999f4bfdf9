//! Field paths as kyaml reads them: `a.b[name=x].c`, `spec.ports[0]`,
//! `*` wildcards. [`lookup`] is kyaml's PathGetter (one node, read only);
//! [`path_match`] is PathMatcher (every matching node, optionally creating
//! the path), returning addresses that [`get_mut_at`] resolves.

use regex::Regex;

use super::error::KustomizeError;
use super::node::{Node, Scalar};

/// kyaml utils.SmarterPathSplitter: split at the delimiter, keeping
/// `[k=v]` parts whole; a bracketed part without `=` becomes a plain field.
pub fn smarter_split(path: &str, delim: char) -> Vec<String> {
    let split = path_split(path, delim);
    let mut out = Vec::new();
    let mut i = 0;
    while i < split.len() {
        let elem = &split[i];
        if elem.starts_with('[') && !elem.ends_with(']') {
            let mut bracketed = vec![elem.clone()];
            while i < split.len() - 1 {
                i += 1;
                bracketed.push(split[i].clone());
                if split[i].ends_with(']') {
                    break;
                }
            }
            let s = bracketed.join(&delim.to_string());
            if s.contains('=') {
                out.push(s);
            } else {
                out.push(s.trim_matches(|c| c == '[' || c == ']').to_string());
            }
        } else {
            out.push(elem.clone());
        }
        i += 1;
    }
    out
}

/// kyaml utils.PathSplitter with a delimiter (a backslash escapes it).
pub fn path_split(path: &str, delim: char) -> Vec<String> {
    let mut ps: Vec<&str> = path.split(delim).collect();
    if ps.len() > 1 && ps[0].is_empty() {
        ps.remove(0);
    }
    let mut res: Vec<String> = vec![ps[0].to_string()];
    for p in &ps[1..] {
        let last = res.last_mut().expect("non-empty");
        if last.ends_with('\\') {
            last.pop();
            last.push(delim);
            last.push_str(p);
        } else {
            res.push(p.to_string());
        }
    }
    res
}

/// RNode.GetFieldValue's convertSliceIndex: `ports[0]` → `ports`, `0`.
pub fn convert_slice_index(fields: Vec<String>) -> Vec<String> {
    let re = Regex::new(r"^(.*)\[(\d+)\]$").expect("valid regex");
    let mut out = Vec::new();
    for s in fields {
        if !s.ends_with(']') {
            out.push(s);
            continue;
        }
        match re.captures(&s) {
            Some(c) => {
                if !c[1].is_empty() {
                    out.push(c[1].to_string());
                }
                out.push(c[2].to_string());
            }
            None => out.push(s),
        }
    }
    out
}

fn is_list_index(p: &str) -> bool {
    p.starts_with('[') && p.ends_with(']')
}

/// SplitIndexNameValue: `[name=value]` → (name, value).
fn split_index_name_value(p: &str) -> Result<(String, String), KustomizeError> {
    let inner = p.trim_end_matches(']').trim_start_matches('[');
    match inner.split_once('=') {
        Some((k, v)) => Ok((k.to_string(), v.to_string())),
        None => Err(KustomizeError::msg("list path element must contain fieldName=fieldValue for element to match")),
    }
}

/// PathGetter (no create): the node at the path, if any.
pub fn lookup<'a>(node: &'a Node, parts: &[String]) -> Result<Option<&'a Node>, KustomizeError> {
    let mut cur = node;
    for raw in parts {
        let part = raw.trim();
        if part.is_empty() {
            continue;
        }
        if cur.is_null() {
            return Ok(None);
        }
        let next = if let Ok(idx) = part.parse::<i64>() {
            if idx < 0 {
                return Err(KustomizeError::msg(format!("array index {idx} cannot be negative")));
            }
            let Node::Seq(items) = cur else {
                return Err(KustomizeError::msg(format!("wrong node kind: expected SequenceNode but got {}", cur.kind_name())));
            };
            items.get(idx as usize)
        } else if part == "-" {
            let Node::Seq(items) = cur else {
                return Err(KustomizeError::msg(format!("wrong node kind: expected SequenceNode but got {}", cur.kind_name())));
            };
            items.last()
        } else if part == "*" {
            return Err(KustomizeError::msg("wildcard is not supported in PathGetter"));
        } else if is_list_index(part) {
            let (k, v) = split_index_name_value(part)?;
            let Node::Seq(items) = cur else {
                return Err(KustomizeError::msg(format!("wrong node kind: expected SequenceNode but got {}", cur.kind_name())));
            };
            if k.is_empty() {
                items.iter().find(|e| e.value() == v)
            } else {
                items.iter().find(|e| matches!(e, Node::Map(_)) && e.get(&k).map(|x| x.value() == v).unwrap_or(false))
            }
        } else {
            let Node::Map(_) = cur else {
                return Err(KustomizeError::msg(format!("wrong node kind: expected MappingNode but got {}", cur.kind_name())));
            };
            cur.get(part)
        };
        match next {
            Some(n) => cur = n,
            None => return Ok(None),
        }
    }
    Ok(Some(cur))
}

/// One step of an address into a node tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// The node at an address.
pub fn get_mut_at<'a>(node: &'a mut Node, addr: &[Step]) -> Option<&'a mut Node> {
    let mut cur = node;
    for s in addr {
        cur = match s {
            Step::Key(k) => cur.get_mut(k)?,
            Step::Index(i) => cur.as_seq_mut()?.get_mut(*i)?,
        };
    }
    Some(cur)
}

/// What to create for missing path parts (PathMatcher.Create).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Create {
    No,
    Scalar,
    Map,
    Seq,
}

fn new_node_for(next: Option<&str>, default: Create) -> Node {
    // getPathPartKind.
    let kind = match next {
        Some(n) if is_list_index(n) || n.parse::<u64>().is_ok() => Create::Seq,
        Some(_) => Create::Map,
        None => default,
    };
    match kind {
        Create::Seq => Node::Seq(Vec::new()),
        Create::Map => Node::Map(Vec::new()),
        _ => Node::plain(""),
    }
}

/// PathMatcher.filter: addresses of every node the path reaches.
pub fn path_match(node: &mut Node, parts: &[String], create: Create) -> Result<Vec<Vec<Step>>, KustomizeError> {
    let mut out = Vec::new();
    matcher(node, parts, create, &mut Vec::new(), &mut out)?;
    Ok(out)
}

fn matcher(
    node: &mut Node,
    parts: &[String],
    create: Create,
    addr: &mut Vec<Step>,
    out: &mut Vec<Vec<Step>>,
) -> Result<(), KustomizeError> {
    let Some(first) = parts.first() else {
        out.push(addr.clone());
        return Ok(());
    };
    let rest = &parts[1..];
    if first.parse::<u64>().is_ok() {
        // doIndexSeq.
        let idx: usize = first.parse().map_err(|_| KustomizeError::msg("bad index"))?;
        let Node::Seq(items) = node else {
            return Err(KustomizeError::msg(format!("wrong node kind: expected SequenceNode but got {}", node.kind_name())));
        };
        if items.len() == idx && create != Create::No {
            items.push(new_node_for(rest.first().map(String::as_str), create));
        }
        if items.len() < idx + 1 {
            return Err(KustomizeError::msg(format!("index {idx} specified but only {} elements found", items.len())));
        }
        addr.push(Step::Index(idx));
        let r = matcher(&mut items[idx], rest, create, addr, out);
        addr.pop();
        return r;
    }
    if is_list_index(first) {
        // doSeq: elements whose field matches the (unanchored) regexp.
        let (field, pattern) = split_index_name_value(first)?;
        let re = Regex::new(&pattern).map_err(|e| KustomizeError::msg(format!("error parsing regexp: {e}")))?;
        let Node::Seq(items) = node else {
            if node.is_null() {
                return Ok(());
            }
            return Err(KustomizeError::msg(format!("wrong node kind: expected SequenceNode but got {}", node.kind_name())));
        };
        let before = out.len();
        for (i, item) in items.iter_mut().enumerate() {
            let text = if field.is_empty() {
                Some(item.value().trim().to_string())
            } else {
                item.get(&field).map(|v| v.value().trim().to_string())
            };
            let Some(text) = text else { continue };
            if !re.is_match(&text) {
                continue;
            }
            addr.push(Step::Index(i));
            if field.is_empty() {
                out.push(addr.clone());
            } else {
                matcher(item, rest, create, addr, out)?;
            }
            addr.pop();
        }
        if out.len() > before || create == Create::No {
            return Ok(());
        }
        let value = Node::plain(pattern.clone());
        let elem = if field.is_empty() { value } else { Node::Map(vec![(Scalar::plain(field.clone()), value)]) };
        items.push(elem);
        return matcher(node, parts, create, addr, out);
    }
    if first == "*" {
        let Node::Seq(items) = node else {
            if node.is_null() {
                return Ok(());
            }
            return Err(KustomizeError::msg(format!("wrong node kind: expected SequenceNode but got {}", node.kind_name())));
        };
        for (i, item) in items.iter_mut().enumerate() {
            addr.push(Step::Index(i));
            matcher(item, rest, create, addr, out)?;
            addr.pop();
        }
        return Ok(());
    }
    // doField.
    if node.is_null() {
        return Ok(());
    }
    let Node::Map(_) = node else {
        return Err(KustomizeError::msg(format!("wrong node kind: expected MappingNode but got {}", node.kind_name())));
    };
    if node.get(first).is_none() {
        if create == Create::No {
            return Ok(());
        }
        let n = new_node_for(rest.first().map(String::as_str), create);
        node.as_map_mut().expect("map").push((Scalar::plain(first.clone()), n));
    }
    addr.push(Step::Key(first.clone()));
    let child = node.get_mut(first).expect("present");
    let r = matcher(child, rest, create, addr, out);
    addr.pop();
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kustomize::parse::parse_documents;

    #[test]
    fn splits_bracketed_parts() {
        assert_eq!(smarter_split("metadata.annotations.[cert-manager.io/inject-ca-from]", '.'), vec![
            "metadata",
            "annotations",
            "cert-manager.io/inject-ca-from"
        ]);
        assert_eq!(smarter_split("spec.containers.[name=a.b].image", '.'), vec!["spec", "containers", "[name=a.b]", "image"]);
        assert_eq!(smarter_split(".spec.dnsNames.0", '.'), vec!["spec", "dnsNames", "0"]);
    }

    #[test]
    fn matches_and_creates() {
        let mut n = parse_documents("spec:\n  dnsNames:\n  - a\n").unwrap().remove(0);
        let parts = smarter_split("spec.dnsNames.1", '.');
        let addrs = path_match(&mut n, &parts, Create::Scalar).unwrap();
        assert_eq!(addrs.len(), 1);
        assert_eq!(n.get("spec").unwrap().get("dnsNames").unwrap().as_seq().unwrap().len(), 2);
        assert!(path_match(&mut n, &smarter_split("spec.dnsNames.5", '.'), Create::No).is_err());
    }
}
