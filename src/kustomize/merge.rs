//! Strategic merge patch as kustomize applies it: a port of kyaml's
//! merge2/walk packages (MergeOptions ListIncreaseDirection=Prepend, no
//! inferred list keys). Lists are merged by key only where the Kubernetes
//! schema gives a `merge` patch strategy (containers by name, ports by
//! containerPort+protocol, ...); other lists are replaced. `$patch:
//! delete|replace|merge` directives are honoured on maps and lists; a null
//! in the patch deletes the field.
//!
//! kyaml walks nodes by pointer and mutates the destination in place; here
//! [`Outcome::Dest`] means "the destination node, merged in place", which
//! keeps the cases where kyaml's result aliases the destination (and where
//! it does not) apart.

use super::error::KustomizeError;
use super::node::{Node, Scalar, Tag};
use super::openapi::SchemaRef;

/// What a walk step produced (kyaml returns a node pointer).
#[derive(Debug)]
enum Outcome {
    /// The destination node, updated in place.
    Dest,
    /// A different node (usually the patch's).
    New(Node),
    /// A null that must be kept (MakePersistentNullNode).
    KeepNull(String),
    /// Nothing: the field or element is removed.
    Clear,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Directive {
    Merge,
    Replace,
    Delete,
}

/// merge2.Merge(patch, dest) with ListIncreaseDirection=Prepend. `None`
/// means the patch deleted the whole object.
pub fn merge(dest: &mut Node, patch: &Node) -> Result<Option<()>, KustomizeError> {
    let mut origin = patch.clone();
    let schema = schema_of(&[Some(&*dest), Some(&origin)]);
    match walk(Some(dest), Some(&mut origin), schema, &mut Vec::new())? {
        Outcome::Dest => Ok(Some(())),
        Outcome::New(n) => {
            *dest = n;
            Ok(Some(()))
        }
        Outcome::KeepNull(v) => {
            *dest = Node::Scalar(Scalar::new(v, Tag::Null));
            Ok(Some(()))
        }
        Outcome::Clear => Ok(None),
    }
}

fn is_missing_or_null(n: Option<&Node>) -> bool {
    n.map(|n| n.is_null()).unwrap_or(true)
}

/// Walker.GetSchema without a schema from the parent: the type of the
/// first source that has both `apiVersion` and `kind`.
fn schema_of(sources: &[Option<&Node>]) -> Option<SchemaRef> {
    for s in sources.iter().flatten() {
        if s.is_null() {
            continue;
        }
        let kind = s.get("kind").filter(|k| !k.is_nil_or_empty()).map(|k| k.get_value().to_string()).unwrap_or_default();
        let av = s.get("apiVersion").filter(|k| !k.is_nil_or_empty()).map(|k| k.get_value().to_string()).unwrap_or_default();
        if kind.is_empty() || av.is_empty() {
            continue;
        }
        if let Some(sc) = SchemaRef::for_type(&av, &kind) {
            return Some(sc);
        }
    }
    None
}

fn kind_of(n: &Node) -> u8 {
    match n {
        Node::Map(_) => 1,
        Node::Seq(_) => 2,
        Node::Scalar(_) => 3,
    }
}

/// ErrorIfAnyInvalidAndNonNull.
fn check_kinds(expected: &Node, sources: &[Option<&Node>]) -> Result<(), KustomizeError> {
    for s in sources.iter().flatten() {
        if s.is_null() {
            continue;
        }
        if kind_of(s) != kind_of(expected) {
            return Err(KustomizeError::msg(format!(
                "wrong node kind: expected {} but got {}",
                expected.kind_name(),
                s.kind_name()
            )));
        }
    }
    Ok(())
}

/// Walker.Walk.
fn walk(
    dest: Option<&mut Node>,
    origin: Option<&mut Node>,
    schema: Option<SchemaRef>,
    path: &mut Vec<String>,
) -> Result<Outcome, KustomizeError> {
    let schema = match schema {
        Some(s) => Some(s),
        None => schema_of(&[dest.as_deref(), origin.as_deref()]),
    };
    let first = [dest.as_deref(), origin.as_deref()].into_iter().flatten().find(|n| !n.is_null()).cloned();
    match first {
        None => walk_map(dest, origin, schema, path),
        Some(f) => {
            check_kinds(&f, &[dest.as_deref(), origin.as_deref()])?;
            match f {
                Node::Map(_) => walk_map(dest, origin, schema, path),
                Node::Seq(_) => {
                    let assoc = schema.as_ref().map(|s| s.has_merge_strategy()).unwrap_or(false);
                    if assoc {
                        walk_assoc_seq(dest, origin, schema, path)
                    } else {
                        // VisitList, non-associative: the patch's list wins.
                        Ok(match origin {
                            Some(o) => Outcome::New(o.clone()),
                            None => Outcome::Dest,
                        })
                    }
                }
                Node::Scalar(_) => Ok(match origin {
                    Some(o) => Outcome::New(o.clone()),
                    None => Outcome::Dest,
                }),
            }
        }
    }
}

/// determineSmpDirective on a mapping: read and remove `$patch`.
fn map_directive(patch: &mut Node) -> Result<Directive, KustomizeError> {
    let Some(v) = patch.get("$patch") else { return Ok(Directive::Merge) };
    let v = v.value().to_string();
    let d = match v.as_str() {
        "delete" => Directive::Delete,
        "replace" => Directive::Replace,
        "merge" => Directive::Merge,
        _ => return Err(KustomizeError::msg(format!("unknown patch strategy '{v}'"))),
    };
    patch.remove("$patch");
    Ok(d)
}

/// determineSmpDirective on a list: an element that is only `{$patch: x}`.
fn seq_directive(patch: &mut Node) -> Result<Directive, KustomizeError> {
    let Node::Seq(items) = &*patch else { return Ok(Directive::Merge) };
    let Some(elem) = items.iter().find(|e| matches!(e, Node::Map(_)) && e.get("$patch").is_some()) else {
        return Ok(Directive::Merge);
    };
    if elem.as_map().map(|m| m.len()).unwrap_or(0) > 1 {
        return Ok(Directive::Merge);
    }
    let v = elem.get("$patch").map(|x| x.value().to_string()).unwrap_or_default();
    let d = match v.as_str() {
        "delete" => Directive::Delete,
        "replace" => Directive::Replace,
        "merge" => Directive::Merge,
        _ => return Err(KustomizeError::msg(format!("unknown patch strategy '{v}'"))),
    };
    element_set(patch, None, &["$patch".to_string()], &[v])?;
    Ok(d)
}

/// Merger.VisitMap, then the walk over all field names (walkMap).
fn walk_map(
    dest: Option<&mut Node>,
    mut origin: Option<&mut Node>,
    schema: Option<SchemaRef>,
    path: &mut Vec<String>,
) -> Result<Outcome, KustomizeError> {
    let dest_missing = is_missing_or_null(dest.as_deref());
    // The node the fields are merged into: the destination (in place) or a new one.
    let mut fresh: Option<Node> = None;
    let in_place: Option<&mut Node>;
    if dest_missing {
        let d = match origin.as_deref_mut() {
            Some(o) if matches!(o, Node::Map(_)) => map_directive(o)?,
            _ => Directive::Merge,
        };
        if d == Directive::Delete {
            return Ok(Outcome::Clear);
        }
        if origin.is_none() {
            if let Some(Node::Scalar(s)) = dest.as_deref() {
                if !s.value.is_empty() {
                    return Ok(Outcome::KeepNull(s.value.clone()));
                }
            }
            return Ok(Outcome::Clear);
        }
        let o = origin.as_deref().expect("origin present");
        if o.is_null() {
            return Ok(Outcome::Clear);
        }
        fresh = Some(o.clone());
        in_place = None;
    } else {
        if origin.as_deref().map(|o| o.is_null()).unwrap_or(false) {
            return Ok(Outcome::Clear);
        }
        let d = match origin.as_deref_mut() {
            Some(o) => map_directive(o)?,
            None => Directive::Merge,
        };
        match d {
            Directive::Delete => return Ok(Outcome::Clear),
            Directive::Replace => {
                fresh = Some(origin.as_deref().expect("origin present").clone());
                in_place = None;
            }
            Directive::Merge => in_place = dest,
        }
    }
    let target: &mut Node = match in_place {
        Some(d) => d,
        None => fresh.as_mut().expect("fresh node"),
    };
    // fieldNames: the sorted union of the fields of both sources.
    let mut names: Vec<String> = target.keys();
    if let Some(o) = origin.as_deref() {
        for k in o.keys() {
            if !names.contains(&k) {
                names.push(k);
            }
        }
    }
    names.sort();
    names.dedup();
    for key in names {
        let field_schema = schema.as_ref().and_then(|s| s.field(&key));
        let mut origin_field: Option<Node> = origin.as_deref().and_then(|o| o.get(&key)).cloned();
        path.push(key.clone());
        let outcome = {
            let dest_field = target.get_mut(&key);
            walk(dest_field, origin_field.as_mut(), field_schema, path)?
        };
        path.pop();
        // A new key takes the patch key's style (FieldSetter AppendKeyStyle).
        let key_quoted = origin
            .as_deref()
            .and_then(|o| o.as_map())
            .and_then(|m| m.iter().find(|(k, _)| k.value == key))
            .map(|(k, _)| k.quoted)
            .unwrap_or(false);
        let put = |target: &mut Node, n: Node| {
            if target.get(&key).is_none() {
                if let Node::Map(m) = target {
                    m.push((Scalar { value: key.clone(), tag: Tag::None, quoted: key_quoted }, n));
                }
            } else {
                target.set_keep_null(&key, n);
            }
        };
        match outcome {
            Outcome::Dest => {}
            Outcome::New(n) => {
                if n.is_null() {
                    target.remove(&key);
                } else {
                    put(target, n);
                }
            }
            Outcome::KeepNull(v) => put(target, Node::Scalar(Scalar::new(v, Tag::Null))),
            Outcome::Clear => {
                target.remove(&key);
            }
        }
    }
    Ok(match fresh {
        Some(n) => Outcome::New(n),
        None => Outcome::Dest,
    })
}

/// ElementValuesList: each element's values for the keys ("" when absent).
fn element_values_list(list: &Node, keys: &[String]) -> Vec<Vec<String>> {
    let Node::Seq(items) = list else { return Vec::new() };
    items
        .iter()
        .map(|e| {
            keys.iter()
                .map(|k| match e.get(k) {
                    Some(v) if !v.is_nil_or_empty() => v.value().to_string(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect()
}

/// validateKeys: keep only the keys some element has a value for.
fn validate_keys(values_list: &[Vec<String>], values: &[String], keys: &[String]) -> (Vec<String>, Vec<String>) {
    let mut valid: Vec<&String> = Vec::new();
    for vals in values_list {
        for (i, v) in vals.iter().enumerate() {
            if !v.is_empty() && !valid.contains(&&keys[i]) {
                valid.push(&keys[i]);
            }
        }
    }
    if valid.is_empty() {
        return (keys.to_vec(), values.to_vec());
    }
    let vk: Vec<String> = keys.iter().filter(|k| valid.contains(k)).cloned().collect();
    let vv: Vec<String> =
        values.iter().enumerate().filter(|(i, v)| !v.is_empty() || valid.contains(&&keys[*i])).map(|(_, v)| v.clone()).collect();
    (vk, vv)
}

/// mergeValues / match: key tuples equal up to empty parts are one element.
fn merge_values(mut values_list: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let n = values_list.len();
    for i in 0..n {
        for j in 0..n {
            if let Some(m) = match_values(&values_list[i], &values_list[j]) {
                values_list[i] = m.clone();
                values_list[j] = m;
            }
        }
    }
    values_list
}

fn match_values(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() != b.len() {
        return None;
    }
    let mut common = false;
    let mut res = Vec::new();
    for i in 0..a.len() {
        if a[i] == b[i] {
            common = true;
            res.push(a[i].clone());
            continue;
        }
        if !a[i].is_empty() && !b[i].is_empty() {
            return None;
        }
        res.push(if !a[i].is_empty() { a[i].clone() } else { b[i].clone() });
    }
    if common {
        Some(res)
    } else {
        None
    }
}

/// FieldMatcher{Name, StringValue} on one element, as ElementSetter uses it.
fn field_matches(elem: &Node, key: &str, value: &str) -> Result<bool, KustomizeError> {
    if elem.is_null() {
        return Ok(false);
    }
    if key.is_empty() {
        if !matches!(elem, Node::Scalar(_)) {
            return Err(KustomizeError::msg(format!("wrong node kind: expected ScalarNode but got {}", elem.kind_name())));
        }
        return Ok(elem.get_value() == value);
    }
    let Node::Map(entries) = elem else {
        return Err(KustomizeError::msg(format!("wrong node kind: expected MappingNode but got {}", elem.kind_name())));
    };
    Ok(entries.iter().any(|(k, v)| k.value == key && (value.is_empty() || v.value() == value)))
}

/// ElementSetter: replace (or with `element` None, delete) the elements
/// matching the key values, append when none matched. Null and empty-map
/// elements are dropped on the way, as kyaml does.
fn element_set(list: &mut Node, element: Option<Node>, keys: &[String], values: &[String]) -> Result<(), KustomizeError> {
    let keys: Vec<String> = if keys.is_empty() { vec![String::new()] } else { keys.to_vec() };
    let Node::Seq(items) = list else {
        if list.is_null() {
            return Ok(());
        }
        return Err(KustomizeError::msg(format!("wrong node kind: expected SequenceNode but got {}", list.kind_name())));
    };
    let mapping_setter = !keys[0].is_empty() && !values.is_empty() && !values[0].is_empty();
    let mut out = Vec::with_capacity(items.len() + 1);
    let mut matched = false;
    for elem in items.drain(..) {
        if elem.is_null() || matches!(&elem, Node::Map(m) if m.is_empty()) {
            continue;
        }
        if !matches!(elem, Node::Map(_)) && mapping_setter {
            out.push(elem);
            continue;
        }
        // kyaml keeps the last match result for keys without a value.
        let mut found = true;
        let mut ok = false;
        for (j, k) in keys.iter().enumerate() {
            if j < values.len() {
                ok = field_matches(&elem, k, &values[j])?;
            }
            if !ok {
                found = false;
                break;
            }
        }
        if !found {
            if !values.is_empty() {
                out.push(elem);
            }
            continue;
        }
        matched = true;
        if let Some(e) = &element {
            out.push(e.clone());
        }
    }
    if let Some(e) = element {
        if !e.is_null() && !matched {
            out.push(e);
        }
    }
    *items = out;
    Ok(())
}

/// ElementList: the first mapping element whose keys have the given values
/// (or, with the key "", the scalar with that value).
fn element_index(list: &Node, keys: &[String], values: &[String]) -> Option<usize> {
    let Node::Seq(items) = list else { return None };
    let (keys, values) = validate_keys(&[values.to_vec()], values, keys);
    if keys.is_empty() || keys[0].is_empty() {
        let v = values.first().cloned().unwrap_or_default();
        return items.iter().position(|e| matches!(e, Node::Scalar(_)) && e.value() == v);
    }
    items.iter().position(|e| {
        let Node::Map(_) = e else { return false };
        keys.iter().enumerate().all(|(i, k)| {
            let want = values.get(i).cloned().unwrap_or_default();
            e.get(k).map(|v| v.value() == want).unwrap_or(false)
        })
    })
}

/// appendListNode(dst, src, keys).
fn append_list(dst: &mut Node, src: &Node, keys: &[String]) -> Result<(), KustomizeError> {
    let Node::Seq(src_items) = src else { return Ok(()) };
    for elem in src_items {
        if keys.first().map(|k| k.is_empty()).unwrap_or(true) {
            let v = elem.value().to_string();
            element_set(dst, Some(elem.clone()), &[String::new()], &[v])?;
            continue;
        }
        let mut vals = Vec::new();
        for k in keys {
            if !matches!(elem, Node::Map(_)) && !elem.is_null() {
                return Err(KustomizeError::msg(format!("wrong node kind: expected MappingNode but got {}", elem.kind_name())));
            }
            match elem.get(k) {
                None => {
                    // kyaml appends the element and carries on with the next key.
                    if let Node::Seq(d) = dst {
                        d.push(elem.clone());
                    }
                }
                Some(v) => vals.push(v.value().to_string()),
            }
        }
        if keys.len() > 1 {
            element_set(dst, None, keys, &vals)?;
        }
        element_set(dst, Some(elem.clone()), keys, &vals)?;
    }
    Ok(())
}

/// walkAssociativeSequence and setAssociativeSequenceElements.
fn walk_assoc_seq(
    dest: Option<&mut Node>,
    mut origin: Option<&mut Node>,
    schema: Option<SchemaRef>,
    path: &mut Vec<String>,
) -> Result<Outcome, KustomizeError> {
    // VisitList (associative).
    let mut fresh: Option<Node> = None;
    let mut dest_ref: Option<&mut Node> = None;
    if is_missing_or_null(dest.as_deref()) {
        match origin.as_deref() {
            Some(o) => fresh = Some(o.clone()),
            None => return Ok(Outcome::Clear),
        }
    } else {
        if origin.as_deref().map(|o| o.is_null()).unwrap_or(false) {
            return Ok(Outcome::Clear);
        }
        let d = match origin.as_deref_mut() {
            Some(o) => seq_directive(o)?,
            None => Directive::Merge,
        };
        match d {
            Directive::Delete => return Ok(Outcome::Clear),
            Directive::Replace => fresh = Some(origin.as_deref().expect("origin").clone()),
            Directive::Merge => dest_ref = dest,
        }
    }
    let dest_node: &mut Node = match dest_ref {
        Some(d) => d,
        None => fresh.as_mut().expect("fresh"),
    };
    let keys: Vec<String> = schema.as_ref().map(|s| s.keys.clone()).unwrap_or_default();
    // elementValues: origin's elements first (prepend), then dest's.
    let mut values: Vec<Vec<String>> = Vec::new();
    if !keys.is_empty() {
        let mut lists: Vec<Vec<Vec<String>>> = Vec::new();
        if let Some(o) = origin.as_deref() {
            lists.push(element_values_list(o, &keys));
        }
        lists.push(element_values_list(dest_node, &keys));
        for l in lists {
            for v in l {
                if v.is_empty() || values.contains(&v) {
                    continue;
                }
                values.push(v);
            }
        }
    }
    let (values, keys) = if !values.is_empty() || !keys.is_empty() {
        (values, keys)
    } else {
        // elementPrimitiveValues.
        let mut prim: Vec<Vec<String>> = Vec::new();
        for src in [origin.as_deref(), Some(&*dest_node)].into_iter().flatten() {
            if let Node::Seq(items) = src {
                for it in items {
                    let v = vec![it.value().to_string()];
                    if !prim.contains(&v) {
                        prim.push(v);
                    }
                }
            }
        }
        (prim, vec![String::new()])
    };
    set_assoc_elements(values, keys, dest_node, origin, schema, path)?;
    if dest_node.is_null() {
        return Ok(Outcome::Clear);
    }
    Ok(match fresh {
        Some(n) => Outcome::New(n),
        None => Outcome::Dest,
    })
}

fn set_assoc_elements(
    values_list: Vec<Vec<String>>,
    keys: Vec<String>,
    dest: &mut Node,
    mut origin: Option<&mut Node>,
    schema: Option<SchemaRef>,
    path: &mut Vec<String>,
) -> Result<(), KustomizeError> {
    let mut to_add = Node::Seq(Vec::new());
    let elem_schema = schema.as_ref().and_then(|s| s.elements());
    let values_list = if keys.len() > 1 { merge_values(values_list) } else { values_list };
    let mut valid_keys: Vec<String> = Vec::new();
    for values in values_list.iter() {
        if values.is_empty() {
            continue;
        }
        let (vk, vv) = validate_keys(&values_list, values, &keys);
        valid_keys = vk.clone();
        let di = element_index(dest, &vk, &vv);
        let oi = origin.as_deref().and_then(|o| element_index(o, &vk, &vv));
        let mut origin_elem: Option<Node> = match (origin.as_deref(), oi) {
            (Some(Node::Seq(items)), Some(i)) => Some(items[i].clone()),
            _ => None,
        };
        let outcome = {
            let dest_elem: Option<&mut Node> = match (&mut *dest, di) {
                (Node::Seq(items), Some(i)) => Some(&mut items[i]),
                _ => None,
            };
            walk(dest_elem, origin_elem.as_mut(), elem_schema.clone(), path)?
        };
        // The merged element, and whether it is the destination's own node.
        let (mut val, is_dest): (Option<Node>, bool) = match outcome {
            Outcome::Dest => match (&*dest, di) {
                (Node::Seq(items), Some(i)) => (Some(items[i].clone()), true),
                _ => (None, false),
            },
            Outcome::New(n) => (Some(n), false),
            Outcome::KeepNull(v) => (Some(Node::Scalar(Scalar::new(v, Tag::Null))), false),
            Outcome::Clear => (None, false),
        };
        // Write back the patch side's element (kyaml elides directives in place).
        if let (Some(Node::Seq(items)), Some(i), Some(e)) = (origin.as_deref_mut(), oi, origin_elem) {
            items[i] = e;
        }
        let removed = match &val {
            None => true,
            Some(v) => v.is_empty_map(),
        };
        if removed {
            if !vk.is_empty() {
                element_set(dest, None, &vk, &vv)?;
            }
            continue;
        }
        if let Some(v) = val.as_mut() {
            for (i, key) in vk.iter().enumerate() {
                let has = if key.is_empty() { false } else { v.get(key).is_some() };
                if !has && !vv[i].is_empty() {
                    if key.is_empty() {
                        v.set_scalar(Node::plain(vv[i].clone()));
                    } else if matches!(v, Node::Map(_)) {
                        v.set(key, Node::plain(vv[i].clone()));
                    }
                }
            }
        }
        let v = val.expect("present");
        if is_dest {
            // The destination element itself was updated (same node in kyaml).
            if let (Node::Seq(items), Some(i)) = (&mut *dest, di) {
                items[i] = v.clone();
            }
        }
        element_set(&mut to_add, Some(v), &vk, &vv)?;
    }
    if !values_list.is_empty() {
        // Prepend: the patch's items first, then the destination's.
        append_list(&mut to_add, dest, &valid_keys)?;
        *dest = to_add;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kustomize::parse::parse_documents;

    fn doc(s: &str) -> Node {
        parse_documents(s).unwrap().remove(0)
    }

    fn merged(dest: &str, patch: &str) -> serde_json::Value {
        let mut d = doc(dest);
        merge(&mut d, &doc(patch)).unwrap();
        d.to_json().unwrap()
    }

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: a:1\n        env:\n        - name: X\n          value: x\n      - name: b\n        image: b:1\n";

    #[test]
    fn merges_containers_by_name_and_prepends_new_ones() {
        let out = merged(
            DEPLOY,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: b\n        image: b:2\n      - name: c\n        image: c:1\n",
        );
        let names: Vec<&str> = out["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        // kyaml prepends patch items, then appends the rest of the destination.
        assert_eq!(names, vec!["b", "c", "a"]);
        assert_eq!(out["spec"]["template"]["spec"]["containers"][0]["image"], "b:2");
    }

    #[test]
    fn delete_directive_and_null_remove() {
        let out = merged(
            DEPLOY,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        $patch: delete\n      - name: b\n        image: null\n",
        );
        let cs = out["spec"]["template"]["spec"]["containers"].as_array().unwrap();
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0]["name"], "b");
        assert!(cs[0].get("image").is_none());
    }

    #[test]
    fn lists_without_strategy_are_replaced() {
        let out = merged("apiVersion: v1\nkind: Foo\nmetadata: {name: x}\nspec:\n  l: [1, 2]\n", "apiVersion: v1\nkind: Foo\nmetadata: {name: x}\nspec:\n  l: [3]\n");
        assert_eq!(out["spec"]["l"], serde_json::json!([3]));
    }

    #[test]
    fn replace_directive_on_map() {
        let out = merged(
            "apiVersion: v1\nkind: Foo\nmetadata: {name: x}\nspec:\n  a: 1\n  b: 2\n",
            "apiVersion: v1\nkind: Foo\nmetadata: {name: x}\nspec:\n  $patch: replace\n  c: 3\n",
        );
        assert_eq!(out["spec"], serde_json::json!({"c": 3}));
    }
}
