//! Go's text/template, our own: lexer → parser → tree → executor, with the
//! same semantics and error texts as Go 1.25 (as used by Helm 4), plus
//! Helm's engine functions that need the template set (`include`, `tpl`).
//!
//! [`Templates`] is Go's set of associated templates: every parsed file and
//! every `{{define}}`/`{{block}}`. Execution reads values as Go's reflect
//! sees them: [`Value::Missing`] is the invalid value (`<no value>`),
//! [`Value::Nil`] a nil interface.
//!
//! Library functions ([`crate::engine::funcs`] and [`CustomFunc`]s) get
//! their arguments the way Go's executor hands them over, so that they can
//! report Go's argument errors:
//! - `Value::Missing`: Go's invalid value, e.g. the piped value in
//!   `.Values.absent | f`, or a variable holding nothing;
//! - `Value::Nil`: a nil interface, e.g. `f .Values.absent` (Helm's
//!   missingkey=zero reads an absent key as a nil interface), a YAML null,
//!   or the literal `nil`.
//!
//! A function whose Go parameter is `interface{}` treats both as nil. One
//! whose Go parameter is a string returns `FuncError::Arg("invalid value;
//! expected string")` for `Missing` and `FuncError::Arg("wrong type for
//! value; expected string; got interface {}")` for `Nil` (`got float64` for
//! a number, ...), and `FuncError::Arg("wrong number of args for NAME: want
//! N got M")` for a bad count: the executor then reports the error at the
//! node Go reports it at. Any other failure is `FuncError::Call(msg)`,
//! printed as `error calling NAME: msg`.

mod ast;
mod builtins;
mod exec;
mod lexer;
mod number;
mod parser;
pub mod source;

#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use crate::engine::funcs::{self, FuncResult};
use crate::engine::value::Value;
use exec::FuncRef;
pub use parser::SentParse;
use source::Source;
use crate::engine::gofmt::strconv;

/// A function the embedding engine adds to the set (Go: Template.Funcs),
/// e.g. Helm's `lookup` or a custom function. Checked before the shared
/// library and Go's builtins, as Go checks the FuncMap before builtins.
pub type CustomFunc = Rc<dyn Fn(&[Value]) -> FuncResult>;

/// Go's `missingkey` option: what a missing map key yields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MissingKey {
    /// Go's default (`missingkey=default`/`invalid`): the invalid value.
    Invalid,
    /// `missingkey=zero`: the zero value of the element type; for
    /// `map[string]interface{}` a nil interface. Helm's default.
    Zero,
    /// `missingkey=error`: execution stops (Helm's `--strict`).
    Error,
}

/// Limits against hostile templates. Exceeding one is an execution error.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Helm's limit on nested `include` of one template name (1000).
    pub include_depth: usize,
    /// Nested `tpl` calls (Helm has none: a self-including tpl value
    /// exhausts the stack there).
    pub tpl_depth: usize,
    /// Go's maxExecDepth for nested `{{template}}` calls (100000).
    pub template_depth: usize,
    /// Evaluation steps (actions, commands) in one `execute`, nested
    /// include/tpl included.
    pub max_steps: u64,
    /// Bytes of output of one template execution.
    pub max_output: usize,
}

impl Default for Limits {
    /// From [`crate::limits::current`] (Helm's include depth of 1000 unless
    /// changed); Go's template depth.
    fn default() -> Self {
        let l = crate::limits::current();
        let size = |n: u64| n.min(usize::MAX as u64) as usize;
        Limits {
            include_depth: size(l.max_include_depth),
            tpl_depth: size(l.max_tpl_depth),
            template_depth: 100_000,
            max_steps: l.max_render_steps,
            max_output: size(l.max_template_output),
        }
    }
}

/// Go's template set: every parsed template and every `{{define}}`.
#[derive(Clone)]
pub struct Templates {
    trees: HashMap<Rc<str>, Rc<ast::Tree>>,
    /// Boxed once more so that a resolved name ([`FuncRef`]) stays small.
    custom: Rc<HashMap<String, Rc<CustomFunc>>>,
    missing_key: MissingKey,
    limits: Limits,
    /// The name of the set's root template (Helm: "gotpl"): named in
    /// "no template ... associated with template" errors and given to
    /// the template `tpl` parses.
    root_name: Rc<str>,
    /// Parsed `tpl` texts, by text.
    tpl_cache: Rc<RefCell<HashMap<String, TplParse>>>,
}

/// The templates one file parsed into (its own and its defines), to add to
/// other sets: see [`Templates::parse_to_keep`]. Functions were resolved
/// against the set that parsed it.
#[derive(Clone)]
pub struct Parsed(Rc<[Rc<ast::Tree>]>);

/// The trees a `tpl` text parses into, or its parse error.
type TplParse = Result<Rc<[Rc<ast::Tree>]>, Error>;

impl Default for Templates {
    fn default() -> Self {
        Templates {
            trees: HashMap::new(),
            custom: Rc::new(HashMap::new()),
            missing_key: MissingKey::Zero,
            limits: Limits::default(),
            root_name: Rc::from("gotpl"),
            tpl_cache: Rc::default(),
        }
    }
}

impl Templates {
    /// An empty set with Helm's options: missingkey=zero, root "gotpl".
    pub fn new() -> Self {
        Self::default()
    }

    /// Set Go's missingkey option (Helm: `Zero`, or `Error` when strict).
    pub fn set_missing_key(&mut self, missing_key: MissingKey) {
        self.missing_key = missing_key;
    }

    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Name the root template (Helm: "gotpl").
    pub fn set_root_name(&mut self, name: &str) {
        self.root_name = Rc::from(name);
    }

    /// Add or replace a function (Go: Funcs). Call before `parse`: names are
    /// resolved when a template is parsed.
    pub fn add_func(&mut self, name: &str, f: CustomFunc) {
        Rc::make_mut(&mut self.custom).insert(name.to_string(), Rc::new(f));
        // Cached tpl parses resolved names against the old function table.
        self.tpl_cache = Rc::default();
    }

    /// Go: t.New(name).Parse(text). Adds `name` and every define in it. A
    /// later definition replaces an earlier one, except that an empty body
    /// (only spaces and comments) never replaces an existing template.
    pub fn parse(&mut self, name: &str, text: &str) -> Result<(), Error> {
        self.parse_shared(name, Source::from(text))
    }

    /// [`Templates::parse`] of a text the trees share without a copy.
    pub fn parse_shared(&mut self, name: &str, text: Source) -> Result<(), Error> {
        self.parse_to_keep(name, text).map(drop)
    }

    /// [`Templates::parse_shared`], also returning the parse so that other
    /// sets (with the same functions) can take it with
    /// [`Templates::add_parsed`] instead of parsing the text again.
    pub fn parse_to_keep(&mut self, name: &str, text: Source) -> Result<Parsed, Error> {
        let trees = parser::parse_shared(name, text, &|n| self.resolve(n)).map_err(Error::from_parse)?;
        let parsed = Parsed(trees.into_iter().map(Rc::new).collect());
        self.add_parsed(&parsed);
        Ok(parsed)
    }

    /// [`Templates::parse_shared`] of each file in turn, with the files
    /// parsed on every core (parsing is most of a large chart's render).
    /// The set is the same as after parsing them one by one; on failure,
    /// the error is the first file's in order that fails, with its index.
    pub fn parse_files(&mut self, files: &[(String, Source)]) -> Result<(), (usize, Error)> {
        self.parse_files_while(files, || ()).1
    }

    /// [`Templates::parse_files`], running `meanwhile` on this thread while
    /// other cores parse (then this one joins them): a render computes its
    /// values as its templates parse.
    pub fn parse_files_while<R>(
        &mut self,
        files: &[(String, Source)],
        meanwhile: impl FnOnce() -> R,
    ) -> (R, Result<(), (usize, Error)>) {
        /// Below this much text a helper thread costs more than it saves.
        const PARALLEL_FROM: usize = 64 * 1024;
        // Custom functions are the set's own `Rc`s: files that may refer to
        // them are parsed on this thread.
        if !self.custom.is_empty() {
            let result = meanwhile();
            for (i, (name, text)) in files.iter().enumerate() {
                if let Err(e) = self.parse_shared(name, text.clone()) {
                    return (result, Err((i, e)));
                }
            }
            return (result, Ok(()));
        }
        let total = files.iter().map(|(_, text)| text.len()).sum();
        let (result, parses) = crate::parallel::map_while(
            files,
            crate::parallel::threads_for(total, PARALLEL_FROM),
            meanwhile,
            |(name, text)| parser::parse_to_send(name, text.clone(), resolve_without_custom),
        );
        for (i, parse) in parses.into_iter().enumerate() {
            match parse.into_result() {
                Ok(trees) => self.add_parsed(&Parsed(trees.into_iter().map(Rc::new).collect())),
                Err(e) => return (result, Err((i, Error::from_parse(e)))),
            }
        }
        (result, Ok(()))
    }

    /// [`Templates::parse_files`], taking file i's parse from `made(i)`
    /// when one was made ahead (by [`parse_file_to_send`], for a set
    /// without custom functions); the first failing file is reported.
    pub fn parse_files_made_ahead(
        &mut self,
        files: &[(String, Source)],
        mut made: impl FnMut(usize) -> Option<SentParse>,
    ) -> Result<(), (usize, Error)> {
        for (i, (name, text)) in files.iter().enumerate() {
            let ahead = if self.custom.is_empty() { made(i) } else { None };
            let trees = match ahead {
                Some(parse) => parse.into_result(),
                None => parser::parse_shared(name, text.clone(), &|n| self.resolve(n)),
            };
            match trees {
                Ok(trees) => self.add_parsed(&Parsed(trees.into_iter().map(Rc::new).collect())),
                Err(e) => return Err((i, Error::from_parse(e))),
            }
        }
        Ok(())
    }

    /// Add a file's templates as its parse added them to another set.
    pub fn add_parsed(&mut self, parsed: &Parsed) {
        for tree in parsed.0.iter() {
            self.associate(tree.clone());
        }
    }

    /// Go: Template.associate.
    fn associate(&mut self, tree: Rc<ast::Tree>) {
        if self.trees.contains_key(&tree.name) && ast::is_empty_list(&tree.root) {
            return;
        }
        self.trees.insert(tree.name.clone(), tree);
    }

    pub fn has(&self, name: &str) -> bool {
        self.trees.contains_key(name)
    }

    /// The names of every template in the set (unordered).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.trees.keys().map(|k| &**k)
    }

    /// Go: t.ExecuteTemplate(w, name, dot). Output as a String.
    pub fn execute(&self, name: &str, dot: &Value) -> Result<String, Error> {
        exec::execute(self, name, dot)
    }

    /// Resolve a function name: custom functions, then include/tpl, then
    /// the shared library, then Go's builtins.
    fn resolve(&self, name: &str) -> Option<FuncRef> {
        if let Some(f) = self.custom.get(name) {
            return Some(FuncRef::Custom(f.clone()));
        }
        resolve_without_custom(name)
    }

    /// Parse a `tpl` text as the root template, once per text.
    fn parse_tpl(&self, text: &str) -> TplParse {
        if let Some(hit) = self.tpl_cache.borrow().get(text) {
            return hit.clone();
        }
        let parsed = parser::parse(&self.root_name, text, &|n| self.resolve(n))
            .map(|trees| trees.into_iter().map(Rc::new).collect::<Vec<_>>().into())
            .map_err(Error::from_parse);
        let mut cache = self.tpl_cache.borrow_mut();
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(text.to_string(), parsed.clone());
        parsed
    }
}

/// One file's parse for a set without custom functions, made on any
/// thread (see [`Templates::parse_files_made_ahead`]).
pub fn parse_file_to_send((name, text): &(String, Source)) -> SentParse {
    parser::parse_to_send(name, text.clone(), resolve_without_custom)
}

/// Resolve a function name a set without custom functions knows:
/// include/tpl, then the shared library, then Go's builtins.
fn resolve_without_custom(name: &str) -> Option<FuncRef> {
    match name {
        "include" => return Some(FuncRef::Include),
        "tpl" => return Some(FuncRef::Tpl),
        _ => {}
    }
    if let Some(f) = funcs::lookup(name) {
        return Some(FuncRef::Library(f));
    }
    builtins::Builtin::from_name(name).map(FuncRef::Builtin)
}

/// Which stage failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Go: a parse error, `template: NAME:LINE: MSG`.
    Parse,
    /// Go: an ExecError, `template: NAME:LINE:COL: executing "T" at <NODE>: MSG`.
    Exec,
    /// Go: ExecuteTemplate of an unknown name,
    /// `template: no template "X" associated with template "ROOT"`.
    NoTemplate,
}

/// A template error. `Display` is Go's exact text; the accessors give its parts.
#[derive(Clone, Debug)]
pub struct Error(Box<ErrorParts>);

#[derive(Clone, Debug)]
struct ErrorParts {
    kind: ErrorKind,
    /// Exec: the executing template's name (`executing "NAME"`);
    /// Parse: the parsed template's name; NoTemplate: the missing name.
    template: String,
    /// Exec and Parse: the file (parse name) the location is in;
    /// NoTemplate: the root template's name.
    file: String,
    line: usize,
    col: Option<usize>,
    /// Exec: the failing node's text (None when execution had no node).
    node: Option<String>,
    /// This level's message, without any nested error.
    message: String,
    /// The function whose call failed (`error calling NAME: ...`).
    call: Option<String>,
    /// The error of a nested template run by include/tpl.
    cause: Option<Box<Error>>,
}

impl Error {
    fn from_parse(e: parser::ParseError) -> Error {
        Error(Box::new(ErrorParts {
            kind: ErrorKind::Parse,
            template: e.parse_name.clone(),
            file: e.parse_name,
            line: e.line,
            col: None,
            node: None,
            message: e.message,
            call: None,
            cause: None,
        }))
    }

    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The template name Go names after `executing`.
    pub fn template(&self) -> &str {
        &self.0.template
    }

    /// The file (parse name) of the location.
    pub fn file(&self) -> &str {
        &self.0.file
    }

    pub fn line(&self) -> usize {
        self.0.line
    }

    /// The 0-based byte column (exec errors only).
    pub fn col(&self) -> Option<usize> {
        self.0.col
    }

    /// Go's location text: `FILE:LINE:COL` (exec) or `FILE:LINE` (parse).
    pub fn location(&self) -> String {
        match self.0.col {
            Some(c) => format!("{}:{}:{}", self.0.file, self.0.line, c),
            None => format!("{}:{}", self.0.file, self.0.line),
        }
    }

    /// The failing node's text, as Go prints it between `<` and `>`.
    pub fn node(&self) -> Option<&str> {
        self.0.node.as_deref()
    }

    /// This level's message (for a failed call: the text after
    /// `error calling NAME: `, before any nested template error).
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The function whose call failed at this level.
    pub fn function(&self) -> Option<&str> {
        self.0.call.as_deref()
    }

    /// The nested template error (include/tpl).
    pub fn cause(&self) -> Option<&Error> {
        self.0.cause.as_deref()
    }

    /// The deepest error in the chain of nested template errors.
    pub fn innermost(&self) -> &Error {
        let mut e = self;
        while let Some(c) = &e.0.cause {
            e = c;
        }
        e
    }

    /// The deepest error's failed function and its message, e.g.
    /// `("fail", "HELM_ERR_START...")` for Helm's `fail`/`required`.
    pub fn failed_call(&self) -> Option<(&str, &str)> {
        let e = self.innermost();
        e.0.call.as_deref().map(|f| (f, e.0.message.as_str()))
    }

    /// Everything after the location prefix at this level, nested errors
    /// included (Go: the formatted message).
    pub fn full_message(&self) -> String {
        let mut s = String::new();
        if let Some(f) = &self.0.call {
            s.push_str("error calling ");
            s.push_str(f);
            s.push_str(": ");
        }
        s.push_str(&self.0.message);
        if let Some(c) = &self.0.cause {
            s.push_str(&c.to_string());
        }
        s
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.kind {
            ErrorKind::Parse => write!(
                f,
                "template: {}:{}: {}",
                self.0.file, self.0.line, self.0.message
            ),
            ErrorKind::NoTemplate => write!(
                f,
                "template: no template {} associated with template {}",
                strconv::quote(&self.0.template),
                strconv::quote(&self.0.file)
            ),
            ErrorKind::Exec => match &self.0.node {
                Some(node) => write!(
                    f,
                    "template: {}: executing {} at <{}>: {}",
                    self.location(),
                    strconv::quote(&self.0.template),
                    node,
                    self.full_message()
                ),
                None => write!(f, "template: {}: {}", self.0.template, self.full_message()),
            },
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .cause
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
