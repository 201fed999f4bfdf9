//! Go's `path` package functions (base, dir, clean, ext, isAbs). Sprig's
//! `os*` forms use `path/filepath`, which on Unix is the same. `path.Clean`
//! and `path.Base` are chart::archive's clean_path and path_base, which chart
//! loading uses too.

use super::{arg_str, FuncResult};
use crate::chart::archive::{clean_path, path_base};
use crate::engine::value::Value;

/// Go's `path.Dir`.
pub fn go_dir(path: &str) -> String {
    let dir = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    };
    clean_path(dir)
}

/// Go's `path.Ext`.
pub fn go_ext(path: &str) -> String {
    for (i, c) in path.bytes().enumerate().rev() {
        match c {
            b'/' => break,
            b'.' => return path[i..].to_string(),
            _ => {}
        }
    }
    String::new()
}

pub fn base(a: &[Value]) -> FuncResult {
    Ok(Value::str(path_base(arg_str(a, 0))))
}

pub fn dir(a: &[Value]) -> FuncResult {
    Ok(Value::string(go_dir(arg_str(a, 0))))
}

pub fn clean(a: &[Value]) -> FuncResult {
    Ok(Value::string(clean_path(arg_str(a, 0))))
}

pub fn ext(a: &[Value]) -> FuncResult {
    Ok(Value::string(go_ext(arg_str(a, 0))))
}

pub fn is_abs(a: &[Value]) -> FuncResult {
    Ok(Value::Bool(arg_str(a, 0).starts_with('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_go() {
        // Go path_test.go cases and Sprig docs/paths.md.
        assert_eq!(path_base("foo/bar/baz"), "baz");
        assert_eq!(path_base("/"), "/");
        assert_eq!(path_base(""), ".");
        assert_eq!(path_base("a/b/"), "b");
        assert_eq!(go_dir("foo/bar/baz"), "foo/bar");
        assert_eq!(go_dir("baz"), ".");
        assert_eq!(go_dir("/a"), "/");
        assert_eq!(go_ext("foo.bar/baz.txt"), ".txt");
        assert_eq!(go_ext("foo.bar/baz"), "");
    }
}
