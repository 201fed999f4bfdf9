//! Legacy `vars:` (kustomize api/internal/accumulator refvartransformer.go
//! and api/filters/refvar): each var takes a value from a field of the
//! resource it names, and `$(VAR)` in the varReference fields is replaced.

use std::collections::BTreeMap;

use super::error::KustomizeError;
use super::fieldspec::{apply_fieldspec, CreateKind, FieldSpec};
use super::kustomization::Var;
use super::node::{format_float_g, Node, Scalar, Tag};
use super::paths::{convert_slice_index, lookup, smarter_split};
use super::resmap::ResMap;

/// A var's value, as RNode.GetFieldValue types it.
#[derive(Debug, Clone, PartialEq)]
pub enum VarValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A map or list: not substitutable.
    Other,
}

impl VarValue {
    /// fmt `%v`.
    fn text(&self) -> String {
        match self {
            VarValue::Str(s) => s.clone(),
            VarValue::Int(i) => i.to_string(),
            VarValue::Float(f) => format_float_g(*f).replace(".inf", "+Inf").replace("-.inf", "-Inf"),
            VarValue::Bool(b) => b.to_string(),
            VarValue::Other => String::new(),
        }
    }
}

/// RNode.GetFieldValue.
fn field_value(node: &Node, path: &str) -> Result<VarValue, KustomizeError> {
    let fields = convert_slice_index(smarter_split(path, '.'));
    let Some(n) = lookup(node, &fields)? else {
        return Err(KustomizeError::msg(format!("no field named '{path}'")));
    };
    Ok(match n {
        Node::Map(_) | Node::Seq(_) => VarValue::Other,
        Node::Scalar(s) => match s.tag {
            Tag::Str => VarValue::Str(s.value.clone()),
            Tag::Int => match s.value.parse::<i64>() {
                Ok(i) => VarValue::Int(i),
                Err(_) => return Err(KustomizeError::msg(format!("strconv.Atoi: parsing {:?}: invalid syntax", s.value))),
            },
            Tag::Float => match s.value.parse::<f64>() {
                Ok(f) => VarValue::Float(f),
                Err(_) => return Err(KustomizeError::msg(format!("strconv.ParseFloat: parsing {:?}: invalid syntax", s.value))),
            },
            Tag::Bool => match s.value.as_str() {
                "1" | "t" | "T" | "true" | "TRUE" | "True" => VarValue::Bool(true),
                "0" | "f" | "F" | "false" | "FALSE" | "False" => VarValue::Bool(false),
                _ => return Err(KustomizeError::msg(format!("strconv.ParseBool: parsing {:?}: invalid syntax", s.value))),
            },
            _ => VarValue::Str(s.value.clone()),
        },
    })
}

/// makeVarReplacementMap: each var's value from the resource that refers to it.
fn var_values(m: &ResMap, vars: &BTreeMap<String, Var>) -> Result<BTreeMap<String, VarValue>, KustomizeError> {
    let mut out = BTreeMap::new();
    for v in vars.values() {
        let mut found = None;
        'res: for r in &m.list {
            for name in &r.ref_var_names {
                if *name == v.name {
                    let val = field_value(&r.node, &v.field_path).map_err(|_| {
                        KustomizeError::msg(format!(
                            "field specified in var '{}' not found in corresponding resource",
                            v.describe()
                        ))
                    })?;
                    found = Some(val);
                    break 'res;
                }
            }
        }
        match found {
            Some(val) => {
                out.insert(v.name.clone(), val);
            }
            None => {
                return Err(KustomizeError::msg(format!(
                    "var '{}' cannot be mapped to a field in the set of known resources",
                    v.describe()
                )))
            }
        }
    }
    Ok(out)
}

/// The result of expanding `$(VAR)` references in a string.
enum Expanded {
    Whole(VarValue),
    Text(String),
}

/// refvar.DoReplacements: `$(NAME)` expands, `$$` escapes a `$`.
fn do_replacements(input: &str, values: &BTreeMap<String, VarValue>, counts: &mut BTreeMap<String, usize>) -> Expanded {
    let mut map = |key: &str| -> Result<VarValue, String> {
        match values.get(key) {
            Some(VarValue::Other) | None => Err(format!("$({key})")),
            Some(v) => {
                *counts.entry(key.to_string()).or_insert(0) += 1;
                Ok(v.clone())
            }
        }
    };
    let b = input.as_bytes();
    let mut buf = String::new();
    let mut checkpoint = 0;
    let mut cursor = 0;
    while cursor < b.len() {
        if b[cursor] == b'$' && cursor + 1 < b.len() {
            buf.push_str(&input[checkpoint..cursor]);
            let rest = &input[cursor + 1..];
            let (read, is_var, advance) = try_read_variable_name(rest);
            if is_var {
                let mapped = map(&read);
                if input == format!("$({read})") {
                    return match mapped {
                        Ok(v) => Expanded::Whole(v),
                        Err(s) => Expanded::Text(s),
                    };
                }
                match mapped {
                    Ok(v) => buf.push_str(&v.text()),
                    Err(s) => buf.push_str(&s),
                }
            } else {
                buf.push_str(&read);
            }
            cursor += advance;
            checkpoint = cursor + 1;
        }
        cursor += 1;
    }
    buf.push_str(&input[checkpoint.min(input.len())..]);
    Expanded::Text(buf)
}

fn try_read_variable_name(input: &str) -> (String, bool, usize) {
    let b = input.as_bytes();
    match b[0] {
        b'$' => ("$".to_string(), false, 1),
        b'(' => {
            for i in 1..b.len() {
                if b[i] == b')' {
                    return (input[1..i].to_string(), true, i + 1);
                }
            }
            ("$(".to_string(), false, 1)
        }
        _ => {
            let c = input.chars().next().expect("non-empty");
            (format!("${}", &input[..c.len_utf8()]), false, c.len_utf8())
        }
    }
}

/// updateNodeValue: the node takes the value and its type; style is reset.
fn update(node: &mut Node, e: Expanded) {
    let (value, tag) = match e {
        Expanded::Text(s) => (s, Tag::Str),
        Expanded::Whole(VarValue::Str(s)) => (s, Tag::Str),
        Expanded::Whole(VarValue::Int(i)) => (i.to_string(), Tag::Int),
        Expanded::Whole(VarValue::Bool(b)) => (b.to_string(), Tag::Bool),
        Expanded::Whole(VarValue::Float(f)) => (go_format_f(f), Tag::Float),
        Expanded::Whole(VarValue::Other) => return,
    };
    *node = Node::Scalar(Scalar::new(value, tag));
}

/// strconv.FormatFloat(f, 'f', -1, 64).
fn go_format_f(f: f64) -> String {
    // Rust's Display is the shortest decimal without an exponent, as Go's 'f', -1.
    format!("{f}")
}

/// IsYNodeString: a scalar tagged `!!str` or untagged.
fn is_string(n: &Node) -> bool {
    matches!(n, Node::Scalar(s) if s.tag == Tag::Str || s.tag == Tag::None)
}

/// ResAccumulator.ResolveVars; returns the names of vars never used.
pub fn resolve(m: &mut ResMap, vars: &BTreeMap<String, Var>, specs: &[FieldSpec]) -> Result<Vec<String>, KustomizeError> {
    let values = var_values(m, vars)?;
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for r in m.list.iter_mut() {
        for fs in specs {
            apply_fieldspec(&mut r.node, fs, CreateKind::None, Tag::None, &mut |n: &mut Node| {
                if n.is_null() {
                    return Ok(());
                }
                match n {
                    Node::Scalar(_) => {
                        if is_string(n) {
                            let e = do_replacements(n.value(), &values, &mut counts);
                            update(n, e);
                        }
                        Ok(())
                    }
                    Node::Map(entries) => {
                        for (k, v) in entries.iter_mut() {
                            if !(k.tag == Tag::Str || k.tag == Tag::None || k.effective_tag() == Tag::Str) {
                                return Err(KustomizeError::msg(format!("invalid map key: value='{}', tag='{:?}'", k.value, k.tag)));
                            }
                            if !is_string(v) {
                                continue;
                            }
                            let e = do_replacements(v.value(), &values, &mut counts);
                            update(v, e);
                        }
                        Ok(())
                    }
                    Node::Seq(items) => {
                        for it in items.iter_mut() {
                            if !is_string(it) {
                                return Err(KustomizeError::msg("invalid value type expect a string"));
                            }
                            let e = do_replacements(it.value(), &values, &mut counts);
                            update(it, e);
                        }
                        Ok(())
                    }
                }
            })?;
        }
    }
    Ok(values.keys().filter(|k| !counts.contains_key(*k)).cloned().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals() -> BTreeMap<String, VarValue> {
        let mut m = BTreeMap::new();
        m.insert("A".to_string(), VarValue::Str("x".into()));
        m.insert("N".to_string(), VarValue::Int(8));
        m
    }

    fn text(s: &str) -> String {
        match do_replacements(s, &vals(), &mut BTreeMap::new()) {
            Expanded::Text(t) => t,
            Expanded::Whole(v) => format!("whole:{}", v.text()),
        }
    }

    #[test]
    fn expands_like_kustomize_refvar() {
        // api/filters/refvar/expand_test.go cases.
        assert_eq!(text("$(A)-b"), "x-b");
        assert_eq!(text("$(N)"), "whole:8");
        assert_eq!(text("port-$(N)"), "port-8");
        assert_eq!(text("$$(A)"), "$(A)");
        assert_eq!(text("$(B)"), "$(B)");
        assert_eq!(text("$(A"), "$(A");
        assert_eq!(text("a$"), "a$");
    }
}
