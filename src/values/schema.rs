//! JSON Schema validation of coalesced values against `values.schema.json`
//! of a chart and of every subchart it renders, as Helm 4 does
//! (pkg/chart/common/util/jsonschema.go ValidateAgainstSchema), with the
//! `jsonschema` crate (drafts 4, 6, 7, 2019-09 and 2020-12, chosen by
//! `$schema`; 2020-12 when absent, like Helm's validator).
//!
//! Messages follow the Go library Helm uses (santhosh-tekuri/jsonschema v6,
//! output.go and kind/kind.go): each violation is `- at '<json pointer>':
//! <message>`, nested like that library nests them (a property with several
//! violations becomes `validation failed` with indented causes; `allOf`,
//! `anyOf`, `oneOf` list their subschemas' causes). Where the Go order is
//! Go's random map order (several failing properties) the order here is by
//! property name.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::ValidationError;
use serde_json::Value;

use crate::chart::Chart;

/// Values that do not meet the schemas; the text is Helm's whole message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("values don't meet the specifications of the schema(s) in the following chart(s):\n{report}")]
pub struct SchemaError {
    /// One block per failing chart: `name:\n- at '...': ...\n`.
    pub report: String,
}

/// Helm's `ValidateAgainstSchema`: validate `values` (the coalesced values
/// of `chart`) against its schema, then each subchart's values (the
/// subchart's key in `values`) against the subchart's schema, recursively.
pub fn validate(chart: &Chart, values: &Value) -> Result<(), SchemaError> {
    let report = validate_chart(chart, values);
    if report.is_empty() {
        Ok(())
    } else {
        Err(SchemaError { report })
    }
}

fn validate_chart(chart: &Chart, values: &Value) -> String {
    let mut sb = String::new();
    if let Some(schema) = &chart.schema {
        if let Err(e) = validate_single(values, schema) {
            sb.push_str(&format!("{}:\n", chart.name()));
            sb.push_str(&e);
        }
    }
    for sub in &chart.dependencies {
        match values.get(sub.name()) {
            None | Some(Value::Null) => continue,
            Some(v @ Value::Object(_)) => sb.push_str(&validate_chart(sub, v)),
            Some(other) => sb.push_str(&format!(
                "{}:\ninvalid type for values: expected object (map), got {}\n",
                sub.name(),
                crate::chart::gostr::type_name(other)
            )),
        }
    }
    sb
}

/// Helm's `ValidateAgainstSingleSchema`: the report for one schema (each
/// violation on a line, ending with a newline), or a schema error text.
pub fn validate_single(values: &Value, schema_json: &[u8]) -> Result<(), String> {
    let (schema, validator) = compiled(schema_json).as_ref().map_err(Clone::clone)?;
    let errors: Vec<Flat> = validator.iter_errors(values).map(|e| Flat::from(&e)).collect();
    if errors.is_empty() {
        return Ok(());
    }
    let items = render_scope(&errors, &[], "", &schema);
    let mut out = String::new();
    for item in &items {
        item.display(&mut out, 1);
    }
    // Helm drops the library's first line and ends with a newline.
    Err(out.trim_start_matches('\n').to_string() + "\n")
}

/// Start compiling the large schemas of `chart` and its subcharts on
/// another thread, so that the compile overlaps loading and parsing; the
/// validation that needs a schema waits for it. loki's 570 KB schema takes
/// 8 ms to compile, which was most of its values step. Small schemas, or
/// a single core, are left to [`validate`].
pub fn compile_ahead(chart: &Chart) {
    const LARGE: usize = 16 * 1024;
    // Schemas from this size on are compiled on huge pages.
    const HUGE_PAGES_FROM: usize = 256 * 1024;
    fn large<'c>(chart: &'c Chart, out: &mut Vec<&'c [u8]>) {
        out.extend(chart.schema.as_deref().filter(|s| s.len() >= LARGE));
        for sub in &chart.dependencies {
            large(sub, out);
        }
    }
    let mut schemas = Vec::new();
    large(chart, &mut schemas);
    if schemas.is_empty() || crate::limits::cores() < 2 {
        return;
    }
    let schemas: Vec<Vec<u8>> = schemas.into_iter().map(<[u8]>::to_vec).collect();
    let total: usize = schemas.iter().map(Vec::len).sum();
    // Detached: if the render ends first, nothing waits for it.
    let _ = std::thread::Builder::new().name("schema-compile".into()).spawn(move || {
        // Compiling takes over ten times the schema's size in memory:
        // loki's 570 KB schema took about 1,900 page faults (7 MB) on
        // small pages, about 400 on huge ones.
        if total >= HUGE_PAGES_FROM {
            crate::huge_pages::for_this_threads_arena();
        }
        for schema in &schemas {
            compiled(schema);
        }
    });
}

/// A schema parsed and compiled, or why it cannot be.
type Compiled = Result<(Value, jsonschema::Validator), String>;

/// The compiled form of a schema, compiled once per process: lint validates
/// each values set of a chart against the same schemas, and compiling
/// loki's took a seventh of its render. Entries live as long as the
/// process.
fn compiled(schema_json: &[u8]) -> &'static Compiled {
    type Cache = Mutex<HashMap<Vec<u8>, &'static OnceLock<Compiled>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let slot: &'static OnceLock<Compiled> = {
        let mut cache = CACHE.get_or_init(Cache::default).lock().unwrap_or_else(|p| p.into_inner());
        match cache.get(schema_json) {
            Some(slot) => slot,
            None => cache.entry(schema_json.to_vec()).or_insert_with(|| Box::leak(Box::default())),
        }
    };
    // Compiled outside the cache's lock; a second caller of the same
    // schema waits for the first.
    slot.get_or_init(|| {
        let schema: Value = serde_json::from_slice(schema_json).map_err(|e| e.to_string())?;
        let validator = jsonschema::validator_for(&schema).map_err(|e| compile_error(&e.to_string()))?;
        Ok((schema, validator))
    })
}

/// A schema that does not compile. Helm 4 fetches `$ref`s to http(s)
/// URLs; capstan renders offline and says so, naming the URL as Helm's
/// loader error does (`failing loading "URL"`).
fn compile_error(message: &str) -> String {
    let remote = message
        .split_once("Resource '")
        .and_then(|(_, rest)| rest.split_once('\''))
        .map(|(url, _)| url)
        .filter(|url| url.starts_with("http://") || url.starts_with("https://"));
    match remote {
        Some(url) => format!(
            "failing loading {url:?}: capstan does not fetch remote schema references; \
             make the reference local or pass --skip-schema-validation"
        ),
        None => format!("jsonschema: invalid schema: {message}"),
    }
}

/// One error from the validator, flattened to what the report needs.
#[derive(Debug, Clone)]
struct Flat {
    /// Evaluation path segments (`properties`, `age`, `minimum`).
    path: Vec<String>,
    instance_path: String,
    /// The schema location of the keyword (no `$ref` hops), a pointer into
    /// the root schema for local references.
    schema_path: String,
    /// The failing value, kept for array-form `dependencies`.
    instance: Value,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Leaf(String),
    Required(String),
    AdditionalProperties(Vec<String>),
    UnevaluatedProperties(Vec<String>),
    /// anyOf / oneOf (none matched): the errors of each subschema.
    Branches { keyword: &'static str, message: String, context: Vec<Vec<Flat>> },
}

fn segments(p: &str) -> Vec<String> {
    if p.is_empty() {
        return Vec::new();
    }
    p.trim_start_matches('/').split('/').map(|s| s.replace("~1", "/").replace("~0", "~")).collect()
}

impl From<&ValidationError<'_>> for Flat {
    fn from(e: &ValidationError<'_>) -> Flat {
        let path = segments(e.evaluation_path().as_str());
        let instance_path = e.instance_path().as_str().to_string();
        let instance = e.instance().clone().into_owned();
        let kind = kind_of(e.kind(), &instance);
        let schema_path = e.schema_path().as_str().to_string();
        Flat { path, instance_path, schema_path, instance, kind }
    }
}

/// The v6 library's `quote`: Go's `%q` with `'` as the quote character.
fn quote(s: &str) -> String {
    let q = crate::engine::gofmt::strconv::quote(s);
    let inner = &q[1..q.len() - 1];
    format!("'{}'", inner.replace("\\\"", "\"").replace('\'', "\\'"))
}

fn join_quoted(items: &[String]) -> String {
    items.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", ")
}

/// The v6 library's `display` of a primitive value.
fn display(v: &Value) -> String {
    match v {
        Value::String(s) => quote(s),
        Value::Array(_) | Value::Object(_) => "value".into(),
        other => crate::chart::gostr::sprint(other),
    }
}

/// A number as golang.org/x/text's English printer writes `%v` of a
/// float64: Go's shortest form, digits grouped by thousands.
fn number(v: &Value) -> String {
    let f = match v {
        Value::Number(n) => n.as_f64().unwrap_or(0.0),
        _ => return crate::chart::gostr::sprint(v),
    };
    let s = crate::engine::gofmt::format_float_g(f);
    if s.contains('e') || s.contains("Inf") || s.contains("NaN") {
        return s;
    }
    let (sign, rest) = s.strip_prefix('-').map(|r| ("-", r)).unwrap_or(("", &s));
    let (int, frac) = rest.split_once('.').map(|(i, f)| (i, Some(f))).unwrap_or((rest, None));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// An integer as x/text's English printer writes `%d`: grouped by thousands.
fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// v6's type names: numbers are always "number".
fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn kind_of(k: &ValidationErrorKind, instance: &Value) -> Kind {
    use ValidationErrorKind as K;
    let leaf = |s: String| Kind::Leaf(s);
    match k {
        K::Type { kind } => {
            let mut want: Vec<String> = match kind {
                TypeKind::Single(t) => vec![t.to_string()],
                TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect(),
            };
            let order = ["null", "boolean", "number", "integer", "string", "array", "object"];
            want.sort_by_key(|t| order.iter().position(|o| o == t).unwrap_or(9));
            leaf(format!("got {}, want {}", type_of(instance), want.join(" or ")))
        }
        K::Required { property } => Kind::Required(property.as_str().unwrap_or_default().to_string()),
        K::AdditionalProperties { unexpected } => Kind::AdditionalProperties(unexpected.clone()),
        K::UnevaluatedProperties { unexpected } => Kind::UnevaluatedProperties(unexpected.clone()),
        K::Minimum { limit } => leaf(format!("minimum: got {}, want {}", number(instance), number(limit))),
        K::Maximum { limit } => leaf(format!("maximum: got {}, want {}", number(instance), number(limit))),
        K::ExclusiveMinimum { limit } => {
            leaf(format!("exclusiveMinimum: got {}, want {}", number(instance), number(limit)))
        }
        K::ExclusiveMaximum { limit } => {
            leaf(format!("exclusiveMaximum: got {}, want {}", number(instance), number(limit)))
        }
        K::MultipleOf { multiple_of } => leaf(format!(
            "multipleOf: got {}, want {}",
            number(instance),
            number(&serde_json::Number::from_f64(*multiple_of).map(Value::Number).unwrap_or(Value::Null))
        )),
        K::MinLength { limit } => leaf(format!(
            "minLength: got {}, want {}",
            count(instance.as_str().map(|s| s.chars().count()).unwrap_or(0)),
            count(*limit as usize)
        )),
        K::MaxLength { limit } => leaf(format!(
            "maxLength: got {}, want {}",
            count(instance.as_str().map(|s| s.chars().count()).unwrap_or(0)),
            count(*limit as usize)
        )),
        K::MinItems { limit } => leaf(format!(
            "minItems: got {}, want {}",
            count(instance.as_array().map(Vec::len).unwrap_or(0)),
            count(*limit as usize)
        )),
        K::MaxItems { limit } => leaf(format!(
            "maxItems: got {}, want {}",
            count(instance.as_array().map(Vec::len).unwrap_or(0)),
            count(*limit as usize)
        )),
        K::MinProperties { limit } => leaf(format!(
            "minProperties: got {}, want {}",
            count(instance.as_object().map(|o| o.len()).unwrap_or(0)),
            count(*limit as usize)
        )),
        K::MaxProperties { limit } => leaf(format!(
            "maxProperties: got {}, want {}",
            count(instance.as_object().map(|o| o.len()).unwrap_or(0)),
            count(*limit as usize)
        )),
        K::AdditionalItems { limit } => leaf(format!(
            "last {} additionalItem(s) not allowed",
            count(instance.as_array().map(Vec::len).unwrap_or(0).saturating_sub(*limit))
        )),
        K::UniqueItems => {
            let arr = instance.as_array().cloned().unwrap_or_default();
            let mut pair = (0, 0);
            'outer: for i in 0..arr.len() {
                for j in i + 1..arr.len() {
                    if json_equal(&arr[i], &arr[j]) {
                        pair = (i, j);
                        break 'outer;
                    }
                }
            }
            leaf(format!("items at {} and {} are equal", pair.0, pair.1))
        }
        K::Enum { options } => {
            let opts = options.as_array().cloned().unwrap_or_default();
            if opts.iter().any(|o| o.is_array() || o.is_object()) {
                leaf("'enum' failed".into())
            } else if opts.len() == 1 {
                leaf(format!("value must be {}", display(&opts[0])))
            } else {
                leaf(format!("value must be one of {}", opts.iter().map(display).collect::<Vec<_>>().join(", ")))
            }
        }
        K::Constant { expected_value } => match &**expected_value {
            Value::Array(_) | Value::Object(_) => leaf("'const' failed".into()),
            v => leaf(format!("value must be {}", display(v))),
        },
        K::Pattern { pattern } => {
            leaf(format!("{} does not match pattern {}", quote(instance.as_str().unwrap_or_default()), quote(pattern)))
        }
        K::Format { format } => match format_reason(format, instance.as_str().unwrap_or_default()) {
            Some(reason) => leaf(format!("{} is not valid {format}: {reason}", display(instance))),
            None => leaf(format!("{} is not valid {format}", display(instance))),
        },
        K::FalseSchema => leaf("false schema".into()),
        K::Not { .. } => leaf("'not' failed".into()),
        K::Contains => leaf("no items match contains schema".into()),
        K::ContentEncoding { content_encoding } => leaf(format!("value is not {} encoded", quote(content_encoding))),
        K::ContentMediaType { content_media_type } => {
            leaf(format!("value if not of mediatype {}", quote(content_media_type)))
        }
        K::PropertyNames { error } => {
            let name = error.instance().as_str().unwrap_or_default().to_string();
            leaf(format!("invalid propertyName {}", quote(&name)))
        }
        K::AnyOf { context } => Kind::Branches {
            keyword: "anyOf",
            message: "'anyOf' failed".into(),
            context: context.iter().map(|c| c.iter().map(Flat::from).collect()).collect(),
        },
        K::OneOfNotValid { context } => Kind::Branches {
            keyword: "oneOf",
            message: "'oneOf' failed, none matched".into(),
            context: context.iter().map(|c| c.iter().map(Flat::from).collect()).collect(),
        },
        K::OneOfMultipleValid { context } => {
            let valid: Vec<usize> = context.iter().enumerate().filter(|(_, c)| c.is_empty()).map(|(i, _)| i).collect();
            let (a, b) = (valid.first().copied().unwrap_or(0), valid.get(1).copied().unwrap_or(1));
            leaf(format!("'oneOf' failed, subschemas {a}, {b} matched"))
        }
        other => leaf(other_message(other)),
    }
}

/// Why a string is not of a format, in the words of the v6 library
/// (format.go) for the formats ported here.
fn format_reason(format: &str, s: &str) -> Option<String> {
    let go_q = |c: char| crate::engine::gofmt::strconv::quote(&c.to_string()).replace('"', "'");
    match format {
        "ipv4" => {
            let groups: Vec<&str> = s.split('.').collect();
            if groups.len() != 4 {
                return Some("expected four decimals".into());
            }
            for g in groups {
                if g.len() > 1 && g.starts_with('0') {
                    return Some("leading zeros".into());
                }
                match g.parse::<i64>() {
                    Err(_) => return Some(format!("strconv.Atoi: parsing {}: invalid syntax", crate::engine::gofmt::strconv::quote(g))),
                    Ok(n) if !(0..=255).contains(&n) => return Some("decimal must be between 0 and 255".into()),
                    Ok(_) => {}
                }
            }
            None
        }
        "hostname" => hostname_reason(s),
        "email" => {
            if s.len() > 254 {
                return Some("more than 255 characters long".into());
            }
            let Some(at) = s.rfind('@') else { return Some("missing @".into()) };
            let (local, domain) = (&s[..at], &s[at + 1..]);
            if local.len() > 64 {
                return Some("local part more than 64 characters long".into());
            }
            if !(local.len() > 1 && local.starts_with('"')) {
                if local.starts_with('.') {
                    return Some("starts with dot".into());
                }
                if local.ends_with('.') {
                    return Some("ends with dot".into());
                }
                if local.contains("..") {
                    return Some("consecutive dots".into());
                }
                if let Some(c) = local.chars().find(|c| !c.is_ascii_alphanumeric() && !".!#$%&'*+-/=?^_`{|}~".contains(*c)) {
                    return Some(format!("invalid character {}", go_q(c)));
                }
            }
            if domain.starts_with('[') && domain.ends_with(']') {
                return None;
            }
            hostname_reason(domain).map(|r| format!("invalid domain: {r}"))
        }
        "uuid" => {
            let groups: Vec<&str> = s.split('-').collect();
            let want = [8, 4, 4, 4, 12];
            if groups.len() != want.len() {
                return Some("must have 5 elements".into());
            }
            for (i, g) in groups.iter().enumerate() {
                if g.len() != want[i] {
                    return Some(format!("element {} must be {} characters long", i + 1, want[i]));
                }
                if let Some(c) = g.chars().find(|c| !c.is_ascii_hexdigit()) {
                    return Some(format!("non-hex character {}", go_q(c)));
                }
            }
            None
        }
        _ => None,
    }
}

fn hostname_reason(s: &str) -> Option<String> {
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.len() > 253 {
        return Some("more than 253 characters long".into());
    }
    for label in s.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Some("label must be 1 to 63 characters long".into());
        }
        if label.starts_with('-') {
            return Some("label starts with hyphen".into());
        }
        if label.ends_with('-') {
            return Some("label ends with hyphen".into());
        }
        if let Some(c) = label.chars().find(|c| !c.is_ascii_alphanumeric() && *c != '-') {
            return Some(format!("invalid character {}", crate::engine::gofmt::strconv::quote(&c.to_string()).replace('"', "'")));
        }
    }
    None
}

fn other_message(k: &ValidationErrorKind) -> String {
    match k {
        ValidationErrorKind::Custom { message, .. } => message.clone(),
        ValidationErrorKind::Referencing(e) => e.to_string(),
        _ => format!("{} failed", k.keyword()),
    }
}

/// Go's `equals` for uniqueItems: numbers compare by value.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// One line of the report and its nested causes.
#[derive(Debug, Clone)]
struct Item {
    instance_path: String,
    message: String,
    causes: Vec<Item>,
}

impl Item {
    fn display(&self, out: &mut String, indent: usize) {
        out.push('\n');
        for _ in 0..indent.saturating_sub(1) {
            out.push_str("  ");
        }
        out.push_str("- ");
        out.push_str(&format!("at {}: {}", quote(&self.instance_path), self.message));
        for c in &self.causes {
            c.display(out, indent + 1);
        }
    }
}

/// Keyword order of the v6 validator, which reports in this order.
fn keyword_rank(kw: &str) -> u32 {
    match kw {
        "type" => 0,
        "const" => 1,
        "enum" => 2,
        "format" => 3,
        "$ref" => 4,
        "minProperties" => 10,
        "maxProperties" => 11,
        "required" => 12,
        "dependencies" => 13,
        "properties" | "patternProperties" | "additionalProperties" => 14,
        "propertyNames" => 16,
        "dependentSchemas" => 17,
        "dependentRequired" => 18,
        "minItems" => 20,
        "maxItems" => 21,
        "uniqueItems" => 22,
        "items" | "prefixItems" | "additionalItems" => 23,
        "contains" | "minContains" | "maxContains" => 24,
        "minLength" => 30,
        "maxLength" => 31,
        "pattern" => 32,
        "contentEncoding" => 33,
        "contentMediaType" => 34,
        "contentSchema" => 35,
        "minimum" => 40,
        "maximum" => 41,
        "exclusiveMinimum" => 42,
        "exclusiveMaximum" => 43,
        "multipleOf" => 44,
        "$dynamicRef" | "$recursiveRef" => 50,
        "not" => 60,
        "allOf" => 61,
        "anyOf" => 62,
        "oneOf" => 63,
        "if" | "then" | "else" => 64,
        "unevaluatedProperties" => 70,
        "unevaluatedItems" => 71,
        _ => 80,
    }
}

/// How many evaluation-path segments name the subschema an error comes
/// from (`properties/<name>` is 2, `$ref` is 1), and whether that
/// subschema applies to a child of the instance.
fn subschema_of(rest: &[String]) -> (usize, bool) {
    let kw = rest[0].as_str();
    match kw {
        "properties" | "patternProperties" | "prefixItems" => (2, true),
        "items" if rest.len() > 2 && rest[1].parse::<usize>().is_ok() => (2, true),
        "items" | "additionalProperties" | "additionalItems" | "unevaluatedItems" | "contains" => (1, true),
        "allOf" | "dependencies" | "dependentSchemas" => (2, false),
        _ => (1, false),
    }
}

/// A subschema result as v6 returns it from validateVal / validateSelf:
/// one error stays itself, several become `validation failed`.
fn collapse(instance_path: &str, mut items: Vec<Item>) -> Option<Item> {
    match items.len() {
        0 => None,
        1 => items.pop(),
        _ => Some(Item { instance_path: instance_path.to_string(), message: "validation failed".into(), causes: items }),
    }
}

/// Render the errors of one schema scope (errors whose evaluation path
/// starts with `prefix`) at `instance_path`, in v6's order.
fn render_scope(errors: &[Flat], prefix: &[String], instance_path: &str, schema: &Value) -> Vec<Item> {
    // (rank, sort key) -> item, built per keyword group.
    let mut out: Vec<((u32, String), Item)> = Vec::new();
    let mut groups: BTreeMap<(u32, String, String), Vec<Flat>> = BTreeMap::new();
    let mut required: Vec<String> = Vec::new();
    let mut early: Option<(u32, Item)> = None;
    // Array-form `dependencies` / `dependentRequired`, reported per keyword.
    let mut dependents: BTreeMap<String, &Flat> = BTreeMap::new();

    for e in errors {
        let rest = &e.path[prefix.len().min(e.path.len())..];
        let Some(kw) = rest.first() else { continue };
        let rank = keyword_rank(kw);
        match &e.kind {
            Kind::Required(_) if rest.len() == 1 && matches!(kw.as_str(), "dependencies" | "dependentRequired") => {
                dependents.entry(kw.clone()).or_insert(e);
            }
            Kind::Required(p) if rest.len() == 1 => required.push(p.clone()),
            Kind::Leaf(msg) if rest.len() == 1 => {
                let item = Item { instance_path: e.instance_path.clone(), message: msg.clone(), causes: vec![] };
                // v6 stops at the first failing type/const/enum/format.
                if rank <= 3 {
                    if early.as_ref().is_none_or(|(r, _)| rank < *r) {
                        early = Some((rank, item));
                    }
                    continue;
                }
                out.push(((rank, String::new()), item));
            }
            Kind::AdditionalProperties(props) if rest.len() == 1 => {
                let mut props = props.clone();
                props.sort();
                out.push((
                    (15, String::new()),
                    Item {
                        instance_path: e.instance_path.clone(),
                        message: format!("additional properties {} not allowed", join_quoted(&props)),
                        causes: vec![],
                    },
                ));
            }
            Kind::UnevaluatedProperties(props) if rest.len() == 1 => {
                let mut props = props.clone();
                props.sort();
                for p in props {
                    let path = format!("{}/{}", e.instance_path, p.replace('~', "~0").replace('/', "~1"));
                    out.push(((70, p), Item { instance_path: path, message: "false schema".into(), causes: vec![] }));
                }
            }
            Kind::Branches { keyword, message, context } if rest.len() == 1 => {
                let mut causes = Vec::new();
                for (i, branch) in context.iter().enumerate() {
                    let mut p = prefix.to_vec();
                    p.push(keyword.to_string());
                    p.push(i.to_string());
                    let items = render_scope(branch, &p, &e.instance_path, schema);
                    causes.extend(collapse(&e.instance_path, items));
                }
                out.push((
                    (rank, String::new()),
                    Item { instance_path: e.instance_path.clone(), message: message.clone(), causes },
                ));
            }
            _ => {
                // An error from a subschema: group by the subschema and the
                // instance it applies to.
                let (width, descends) = subschema_of(rest);
                let key = rest[..width.min(rest.len())].join("/");
                let child = if descends { child_location(&e.instance_path, instance_path) } else { instance_path.to_string() };
                groups.entry((rank, key, child)).or_default().push(e.clone());
            }
        }
    }

    if let Some((_, item)) = early {
        return vec![item];
    }
    if !required.is_empty() {
        let message = if required.len() == 1 {
            format!("missing property {}", quote(&required[0]))
        } else {
            format!("missing properties {}", join_quoted(&required))
        };
        out.push(((12, String::new()), Item { instance_path: instance_path.to_string(), message, causes: vec![] }));
    }

    for (kw, e) in dependents {
        let rank = keyword_rank(&kw);
        for item in dependent_items(e, schema) {
            out.push(((rank, String::new()), item));
        }
    }

    // allOf collects its failing subschemas under one item.
    let mut all_of: Vec<Item> = Vec::new();
    for ((rank, sub_path, sub_instance), errs) in groups {
        let mut p = prefix.to_vec();
        p.extend(sub_path.split('/').map(str::to_string));
        let items = render_scope(&errs, &p, &sub_instance, schema);
        let Some(item) = collapse(&sub_instance, items) else { continue };
        if sub_path.starts_with("allOf/") {
            all_of.push(item);
        } else {
            out.push(((rank, format!("{sub_path}\u{0}{sub_instance}")), item));
        }
    }
    if !all_of.is_empty() {
        out.push((
            (61, String::new()),
            Item { instance_path: instance_path.to_string(), message: "'allOf' failed".into(), causes: all_of },
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.into_iter().map(|(_, i)| i).collect()
}

/// v6's Dependency / DependentRequired errors: one per present property
/// whose required companions are missing, found from the keyword's value.
fn dependent_items(e: &Flat, schema: &Value) -> Vec<Item> {
    let Some(Value::Object(deps)) = schema.pointer(&e.schema_path) else { return Vec::new() };
    let Value::Object(obj) = &e.instance else { return Vec::new() };
    let mut items = Vec::new();
    for (prop, req) in deps {
        let (Some(req), true) = (req.as_array(), obj.contains_key(prop)) else { continue };
        let missing: Vec<String> =
            req.iter().filter_map(Value::as_str).filter(|r| !obj.contains_key(*r)).map(str::to_string).collect();
        if !missing.is_empty() {
            items.push(Item {
                instance_path: e.instance_path.clone(),
                message: format!("properties {} required, if {} exists", join_quoted(&missing), quote(prop)),
                causes: vec![],
            });
        }
    }
    items
}

/// The location one pointer segment below `scope` on the way to `at`.
fn child_location(at: &str, scope: &str) -> String {
    let rest = at.strip_prefix(scope).unwrap_or("");
    match rest.strip_prefix('/') {
        Some(r) => format!("{scope}/{}", r.split('/').next().unwrap_or("")),
        None => scope.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(schema: Value, values: Value) -> String {
        match validate_single(&values, schema.to_string().as_bytes()) {
            Ok(()) => String::new(),
            Err(e) => e,
        }
    }

    #[test]
    fn helm_corpus_messages() {
        // helmtest-chart-with-schema-negative (golden .err).
        let schema = json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "properties": {
                "age": {"description": "Age", "minimum": 0, "type": "integer"},
                "employmentInfo": {"type": "object", "properties": {"salary": {"minimum": 0, "type": "number"}}, "required": ["salary"]},
                "firstname": {"type": "string"}
            },
            "required": ["firstname", "lastname", "addresses", "employmentInfo"],
            "type": "object"
        });
        let values = json!({"firstname": "John", "lastname": "Doe", "age": -5.0, "addresses": []});
        assert_eq!(report(schema, values), "- at '': missing property 'employmentInfo'\n- at '/age': minimum: got -5, want 0\n");
    }

    #[test]
    fn remote_references_are_not_fetched_and_the_error_says_so() {
        let url = "https://example.invalid/defs.json";
        let schema = json!({"properties": {"a": {"$ref": format!("{url}#/definitions/x")}}});
        let err = report(schema, json!({"a": 1}));
        assert!(err.contains(&format!("failing loading \"{url}\"")), "{err}");
        assert!(err.contains("--skip-schema-validation"), "{err}");
    }

    #[test]
    fn messages_per_keyword() {
        let s = json!({"type": "object", "properties": {
            "n": {"type": "integer"},
            "e": {"enum": ["a", "b"]},
            "p": {"type": "string", "pattern": "^x"},
            "big": {"maximum": 1000},
            "l": {"type": "string", "minLength": 3, "maxLength": 1}
        }, "required": ["a", "b"], "additionalProperties": false});
        let v = json!({"n": "str", "e": "c", "p": "y", "big": 12345.5, "l": "ab", "zz": 1});
        assert_eq!(
            report(s, v),
            "- at '': missing properties 'a', 'b'\n\
             - at '/big': maximum: got 12,345.5, want 1,000\n\
             - at '/e': value must be one of 'a', 'b'\n\
             - at '/l': validation failed\n  - at '/l': minLength: got 2, want 3\n  - at '/l': maxLength: got 2, want 1\n\
             - at '/n': got string, want integer\n\
             - at '/p': 'y' does not match pattern '^x'\n\
             - at '': additional properties 'zz' not allowed\n"
        );
    }

    #[test]
    fn dependencies_name_the_property() {
        let s = json!({"$schema": "http://json-schema.org/draft-07/schema#",
            "dependencies": {"a": ["b", "c"], "x": {"required": ["y"]}}});
        assert_eq!(
            report(s, json!({"a": 1, "x": 2})),
            "- at '': properties 'b', 'c' required, if 'a' exists\n- at '': missing property 'y'\n"
        );
    }

    #[test]
    fn nested_objects_and_combinators() {
        let s = json!({"properties": {"a": {"properties": {"b": {"type": "boolean"}}}},
            "anyOf": [{"required": ["x"]}, {"required": ["y"]}]});
        let v = json!({"a": {"b": 1}});
        assert_eq!(
            report(s, v),
            "- at '/a/b': got number, want boolean\n- at '': 'anyOf' failed\n  - at '': missing property 'x'\n  - at '': missing property 'y'\n"
        );
    }

    #[test]
    fn validates_subcharts_with_their_values() {
        let mut sub = Chart::default();
        sub.metadata.name = "subchart-with-schema".into();
        sub.schema = Some(br#"{"type": "object", "required": ["age"]}"#.to_vec());
        let mut top = Chart::default();
        top.metadata.name = "chart-without-schema".into();
        top.schema = Some(br#"{"type": "object", "required": ["firstname", "lastname"]}"#.to_vec());
        top.dependencies = vec![sub];
        let values = json!({"firstname": "x", "subchart-with-schema": {"name": "n"}});
        let e = validate(&top, &values).unwrap_err();
        // helmtest-chart-with-schema-and-subchart golden .err
        assert_eq!(
            format!("Error: {e}\n"),
            "Error: values don't meet the specifications of the schema(s) in the following chart(s):\n\
             chart-without-schema:\n- at '': missing property 'lastname'\n\
             subchart-with-schema:\n- at '': missing property 'age'\n\n"
        );
        let bad = json!({"firstname": "x", "lastname": "y", "subchart-with-schema": "oops"});
        assert_eq!(
            validate(&top, &bad).unwrap_err().report,
            "subchart-with-schema:\ninvalid type for values: expected object (map), got string\n"
        );
        assert!(validate(&top, &json!({"firstname": "x", "lastname": "y"})).is_ok());
    }

    #[test]
    fn one_of_names_the_matching_subschemas() {
        let s = json!({"oneOf": [{"type": "string"}, {"type": "number"}, {"minimum": 0}]});
        assert_eq!(report(s, json!(5)), "- at '': 'oneOf' failed, subschemas 1, 2 matched\n");
        let s = json!({"oneOf": [{"type": "string"}, {"type": "boolean"}]});
        assert_eq!(
            report(s, json!(5)),
            "- at '': 'oneOf' failed, none matched\n  - at '': got number, want string\n  - at '': got number, want boolean\n"
        );
    }

    #[test]
    fn format_messages_give_the_reason() {
        let s = json!({"$schema": "http://json-schema.org/draft-04/schema#",
            "properties": {"ip": {"format": "ipv4"}, "mail": {"format": "email"}}});
        // Helm 4.1.4: `'999.1.1.1' is not valid ipv4: decimal must be between 0 and 255`.
        assert_eq!(
            report(s, json!({"ip": "999.1.1.1", "mail": "notanemail"})),
            "- at '/ip': '999.1.1.1' is not valid ipv4: decimal must be between 0 and 255\n\
             - at '/mail': 'notanemail' is not valid email: missing @\n"
        );
    }

    #[test]
    fn numbers_print_like_x_text() {
        assert_eq!(number(&json!(-5.0)), "-5");
        assert_eq!(number(&json!(123456)), "123,456");
        assert_eq!(number(&json!(65535.0)), "65,535");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(number(&json!(0.5)), "0.5");
    }
}
