//! The memory, step and crypto budget of one render, shared by both
//! template engines and the function library.
//!
//! Helm has no such budget: a template that calls `repeat` or `until` with
//! a huge count, or builds a string by doubling it, exhausts memory there.
//! Here a render runs inside a [`Scope`]; template functions check what
//! they are about to build against the budget first ([`before_call`]) and
//! charge what they built ([`after_call`]); engines charge their output and
//! steps. Exceeding the budget is an ordinary template error that names the
//! function, the template and the variable that raises the limit.
//!
//! The budget is per thread: rendering is single-threaded, and a function
//! (a plain `fn(&[Value])`) can reach it without threading a context
//! through every call. Outside a scope only the size of one value is
//! limited, so unit tests and library callers need no setup.

use std::cell::Cell;

use super::value::Value;
use crate::limits::Limits;

/// Bytes charged per list element or map entry beyond its contents (what
/// a `Value` and its bookkeeping take).
const ELEMENT_BYTES: u64 = 32;

struct State {
    active: Cell<bool>,
    bytes_left: Cell<u64>,
    steps_left: Cell<u64>,
    crypto_left: Cell<u64>,
}

thread_local! {
    static STATE: State = const {
        State {
            active: Cell::new(false),
            bytes_left: Cell::new(0),
            steps_left: Cell::new(0),
            crypto_left: Cell::new(0),
        }
    };
}

/// While alive, this thread's template work draws on one render's budget.
/// Scopes do not nest: an inner scope (a `tpl` engine call, a subchart)
/// keeps drawing on the outer one.
pub struct Scope {
    owner: bool,
}

impl Scope {
    /// Start a render's budget from `limits` (unless one is running).
    pub fn begin(limits: &Limits) -> Scope {
        STATE.with(|s| {
            if s.active.get() {
                return Scope { owner: false };
            }
            s.active.set(true);
            s.bytes_left.set(limits.max_render_bytes);
            s.steps_left.set(limits.max_render_steps);
            s.crypto_left.set(limits.max_crypto_cost);
            Scope { owner: true }
        })
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        if self.owner {
            STATE.with(|s| s.active.set(false));
        }
    }
}

fn limits() -> &'static Limits {
    crate::limits::current()
}

fn mib(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{} MiB", n >> 20)
    } else {
        format!("{n} bytes")
    }
}

/// Refuse to build a value of `bytes` bytes when it is larger than one
/// value may be or than what is left of the render's budget; otherwise
/// count it against the budget.
pub fn reserve(bytes: u64) -> Result<(), String> {
    let l = limits();
    if bytes > l.max_value_bytes {
        return Err(format!(
            "the result would take at least {}, more than the limit of {} for one value (CAPSTAN_MAX_VALUE_SIZE)",
            mib(bytes),
            mib(l.max_value_bytes)
        ));
    }
    charge(bytes)
}

/// Count `bytes` already built against the render's budget.
pub fn charge(bytes: u64) -> Result<(), String> {
    STATE.with(|s| {
        if !s.active.get() {
            return Ok(());
        }
        let left = s.bytes_left.get();
        if bytes > left {
            s.bytes_left.set(0);
            return Err(memory_exceeded());
        }
        s.bytes_left.set(left - bytes);
        Ok(())
    })
}

/// The message for a render that built more than its budget allows.
pub fn memory_exceeded() -> String {
    format!(
        "the render has built more than {} of strings, lists and output (CAPSTAN_MAX_RENDER_MEMORY)",
        mib(limits().max_render_bytes)
    )
}

/// The bytes a render may still build (`u64::MAX` outside a render).
pub fn bytes_left() -> u64 {
    STATE.with(|s| if s.active.get() { s.bytes_left.get() } else { u64::MAX })
}

/// The steps a render may still take (`u64::MAX` outside a render).
pub fn steps_left() -> u64 {
    STATE.with(|s| if s.active.get() { s.steps_left.get() } else { u64::MAX })
}

/// Count `n` steps taken against the render's budget.
pub fn take_steps(n: u64) {
    STATE.with(|s| {
        if s.active.get() {
            s.steps_left.set(s.steps_left.get().saturating_sub(n));
        }
    })
}

/// The message for a render that ran out of steps.
pub fn steps_exceeded(max: u64) -> String {
    format!("template execution exceeded the limit of {max} steps (CAPSTAN_MAX_RENDER_STEPS); is there a runaway loop?")
}

/// Count one expensive crypto operation of `cost` units.
fn crypto(name: &str, cost: u64) -> Result<(), String> {
    STATE.with(|s| {
        if !s.active.get() {
            return Ok(());
        }
        let left = s.crypto_left.get();
        if cost > left {
            return Err(format!(
                "{name}: the render used more than its budget of {} key generations and password hashes (CAPSTAN_MAX_CRYPTO_COST)",
                limits().max_crypto_cost
            ));
        }
        s.crypto_left.set(left - cost);
        Ok(())
    })
}

/// About how many bytes `v` takes, or prints as (YAML with its
/// indentation, JSON, `%v`): strings by length, every element or entry
/// [`ELEMENT_BYTES`] plus two per level of nesting. Stops counting past
/// `cap` (and so ends on shared or cyclic structures).
pub fn estimate(v: &Value, cap: u64) -> u64 {
    let mut total: u64 = 0;
    let mut stack: Vec<(Value, u64)> = vec![(v.clone(), 0)];
    while let Some((v, depth)) = stack.pop() {
        total = total.saturating_add(ELEMENT_BYTES + 2 * depth);
        match &v {
            Value::String(s) => total = total.saturating_add(s.len() as u64),
            Value::Bytes(b) => total = total.saturating_add(4 * b.len() as u64),
            Value::List(l) => stack.extend(l.iter().map(|e| (e.clone(), depth + 1))),
            Value::Map(m) => {
                for (k, e) in m.borrow().iter() {
                    total = total.saturating_add(k.len() as u64);
                    stack.push((e.clone(), depth + 1));
                }
            }
            _ => {}
        }
        if total > cap {
            return total;
        }
    }
    total
}

/// The sum of [`estimate`] over several values.
fn estimate_all(args: &[Value], cap: u64) -> u64 {
    let mut total = 0u64;
    for a in args {
        total = total.saturating_add(estimate(a, cap.saturating_sub(total)));
        if total > cap {
            break;
        }
    }
    total
}

/// What a single value may grow to before it counts as too big to check
/// further: the smaller of one value's limit and the render's budget.
fn cap() -> u64 {
    limits().max_value_bytes.min(bytes_left()).saturating_add(1)
}

fn int_arg(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n) | Value::Int64(n)) => *n,
        _ => 0,
    }
}

fn str_len(args: &[Value], i: usize) -> u64 {
    match args.get(i) {
        Some(Value::String(s)) => s.len() as u64,
        _ => 0,
    }
}

fn str_arg(args: &[Value], i: usize) -> &str {
    match args.get(i) {
        Some(Value::String(s)) => s,
        _ => "",
    }
}

/// Check what a library function is about to build (its arguments already
/// have their Go types); called before it runs. Functions whose result is
/// at most about the size of their arguments need no check here: their
/// result is charged by [`after_call`].
pub fn before_call(name: &str, args: &[Value]) -> Result<(), String> {
    let count = |i: usize| int_arg(args, i).max(0) as u64;
    let bytes: u64 = match name {
        "repeat" => count(0).saturating_mul(str_len(args, 1)),
        "indent" | "nindent" => {
            let lines = str_arg(args, 1).bytes().filter(|&b| b == b'\n').count() as u64 + 1;
            count(0).saturating_mul(lines).saturating_add(str_len(args, 1))
        }
        "replace" => {
            let (old, new, s) = (str_arg(args, 0), str_arg(args, 1), str_arg(args, 2));
            if new.len() <= old.len() {
                0
            } else {
                let hits = if old.is_empty() {
                    s.chars().count() as u64 + 1
                } else {
                    s.matches(old).count() as u64
                };
                hits.saturating_mul((new.len() - old.len()) as u64)
                    .saturating_add(s.len() as u64)
            }
        }
        "regexReplaceAll" | "mustRegexReplaceAll" | "regexReplaceAllLiteral" | "mustRegexReplaceAllLiteral" => {
            // Every position may match (an empty pattern).
            (str_len(args, 1) + 1)
                .saturating_mul(str_len(args, 2))
                .saturating_add(str_len(args, 1))
        }
        "randAlphaNum" | "randAlpha" | "randAscii" | "randNumeric" => count(0).saturating_mul(4),
        "randBytes" => count(0).saturating_mul(2),
        "until" => int_arg(args, 0).unsigned_abs().saturating_mul(ELEMENT_BYTES),
        "untilStep" => {
            let (start, stop, step) = (int_arg(args, 0), int_arg(args, 1), int_arg(args, 2));
            let span = (stop as i128 - start as i128).unsigned_abs();
            let n = if step == 0 {
                0
            } else {
                span / step.unsigned_abs() as u128
            };
            (n.min(u64::MAX as u128) as u64).saturating_mul(ELEMENT_BYTES)
        }
        "seq" => {
            // At most one number per step from the first to the last bound.
            let nums: Vec<i64> = (0..args.len()).map(|i| int_arg(args, i)).collect();
            let span = match nums.as_slice() {
                [end] => end.unsigned_abs(),
                [a, b] | [a, _, b] => (*b as i128 - *a as i128).unsigned_abs().min(u64::MAX as u128) as u64,
                _ => 0,
            };
            span.saturating_mul(ELEMENT_BYTES)
        }
        "split" | "splitList" | "splitn" => {
            let (sep, s) = if name == "splitn" {
                (str_arg(args, 0), str_arg(args, 2))
            } else {
                (str_arg(args, 0), str_arg(args, 1))
            };
            let pieces = if sep.is_empty() {
                s.len() as u64
            } else {
                s.matches(sep).count() as u64
            } + 1;
            pieces.saturating_mul(ELEMENT_BYTES + 16).saturating_add(s.len() as u64)
        }
        "regexSplit" | "mustRegexSplit" | "regexFindAll" | "mustRegexFindAll" => {
            (str_len(args, 1) + 1).saturating_mul(ELEMENT_BYTES + 16)
        }
        "join" => {
            let sep = str_len(args, 0);
            match args.get(1) {
                Some(Value::List(l)) => estimate_all(l, cap()).saturating_add(sep.saturating_mul(l.len() as u64)),
                Some(v) => estimate(v, cap()),
                None => 0,
            }
        }
        "cat" | "quote" | "squote" | "toStrings" | "sortAlpha" | "concat" => estimate_all(args, cap()),
        "toYaml" | "mustToYaml" | "toYamlPretty" | "toJson" | "mustToJson" | "toPrettyJson" | "mustToPrettyJson"
        | "toRawJson" | "mustToRawJson" | "toToml" | "toString" | "deepCopy" | "mustDeepCopy" | "b64enc" | "b32enc"
        | "sha256sum" | "sha1sum" | "adler32sum" => estimate_all(args, cap()),
        // Costs in units of about 0.1 s of CPU (a bcrypt hash).
        "genPrivateKey" => {
            let cost = match str_arg(args, 0) {
                "rsa" => 12,
                "dsa" => 100,
                _ => 1,
            };
            return crypto(name, cost);
        }
        "genCA" | "genSelfSignedCert" | "genSignedCert" | "derivePassword" => return crypto(name, 2),
        "bcrypt" | "htpasswd" | "genCAWithKey" | "genSelfSignedCertWithKey" | "genSignedCertWithKey" => {
            return crypto(name, 1)
        }
        _ => return Ok(()),
    };
    reserve(bytes)
}

/// Charge a function's result: strings by length, lists and maps by their
/// number of elements (their elements were charged when they were built).
pub fn after_call(v: &Value) -> Result<(), String> {
    let bytes = match v {
        Value::String(s) => s.len() as u64,
        Value::Bytes(b) => b.len() as u64,
        Value::List(l) => l.len() as u64 * ELEMENT_BYTES,
        Value::Map(m) => m.borrow().len() as u64 * ELEMENT_BYTES,
        _ => return Ok(()),
    };
    if bytes < 4096 {
        // Small results are never what exhausts memory; skip the
        // bookkeeping on the hot path.
        return Ok(());
    }
    charge(bytes)
}

/// Check the arguments of Go's `print`, `printf` and `println` (what they
/// print is about what [`estimate`] counts; Go caps widths at 10^6).
pub fn before_print(args: &[Value]) -> Result<(), String> {
    let mut bytes = estimate_all(args, cap());
    if let Some(Value::String(format)) = args.first() {
        // Each verb may pad to a width of up to 10^6 (Go: fmt tooLarge).
        let verbs = format.matches('%').count() as u64;
        if format.bytes().any(|b| b.is_ascii_digit()) {
            bytes = bytes.saturating_add(verbs.saturating_mul(1_000_000).min(cap()));
        }
    }
    if bytes < 4096 {
        return Ok(());
    }
    reserve(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::value::Map;

    fn tight() -> Limits {
        Limits {
            max_render_bytes: 10_000,
            max_render_steps: 100,
            max_crypto_cost: 12,
            ..Limits::default()
        }
    }

    #[test]
    fn huge_repeat_and_until_are_refused_before_building() {
        let e = before_call("repeat", &[Value::Int(1 << 40), Value::str("ab")]).unwrap_err();
        assert!(e.contains("CAPSTAN_MAX_VALUE_SIZE"), "{e}");
        let e = before_call("until", &[Value::Int(i64::MIN)]).unwrap_err();
        assert!(e.contains("for one value"), "{e}");
        let e = before_call(
            "untilStep",
            &[Value::Int(i64::MIN), Value::Int(i64::MAX), Value::Int(1)],
        )
        .unwrap_err();
        assert!(e.contains("for one value"), "{e}");
        assert!(before_call("repeat", &[Value::Int(3), Value::str("ab")]).is_ok());
        assert!(before_call("until", &[Value::Int(5)]).is_ok());
    }

    #[test]
    fn a_render_budget_counts_what_was_built() {
        let _scope = Scope::begin(&tight());
        assert!(charge(6_000).is_ok());
        let e = charge(6_000).unwrap_err();
        assert!(e.contains("CAPSTAN_MAX_RENDER_MEMORY"), "{e}");
        let e = before_call("repeat", &[Value::Int(100), Value::str("abcdefghij")]).unwrap_err();
        assert!(e.contains("CAPSTAN_MAX_RENDER_MEMORY"), "{e}");
        take_steps(60);
        assert_eq!(steps_left(), 40);
    }

    #[test]
    fn crypto_costs_are_counted() {
        let _scope = Scope::begin(&tight());
        assert!(before_call("genPrivateKey", &[Value::str("rsa")]).is_ok());
        let e = before_call("genPrivateKey", &[Value::str("ecdsa")]).unwrap_err();
        assert!(e.contains("CAPSTAN_MAX_CRYPTO_COST"), "{e}");
    }

    #[test]
    fn scopes_do_not_nest_and_end_on_drop() {
        {
            let _outer = Scope::begin(&tight());
            {
                let _inner = Scope::begin(&Limits::default());
                assert_eq!(bytes_left(), 10_000);
            }
            assert_eq!(bytes_left(), 10_000);
        }
        assert_eq!(bytes_left(), u64::MAX);
    }

    #[test]
    fn estimates_stop_on_shared_and_cyclic_values() {
        // A list holding itself 2^40 times over, through sharing.
        let mut v = Value::list(vec![Value::str("x")]);
        for _ in 0..40 {
            v = Value::list(vec![v.clone(), v]);
        }
        assert!(estimate(&v, 1 << 20) > 1 << 20);
        let m = Value::map(Map::new());
        if let Value::Map(inner) = &m {
            inner.borrow_mut().insert("self".into(), m.clone());
        }
        assert!(estimate(&m, 1 << 20) > 1 << 20);
        if let Value::Map(inner) = &m {
            inner.borrow_mut().clear();
        }
    }
}
