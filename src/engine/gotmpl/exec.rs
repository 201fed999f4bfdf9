//! The executor (Go: text/template/exec.go): walks a tree with a dot and a
//! variable stack, evaluates pipelines, fields, functions and methods with
//! Go's reflect rules, and prints values with Go's `%v`. Also Helm's
//! `include` and `tpl`, which run other templates of the set.
//!
//! Values carry one bit Go's reflect keeps and our `Value` does not: whether
//! the value sits in an `interface{}` (a map or list element). It decides
//! Go's error texts (`can't evaluate field x in type interface {}`).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use super::ast::*;
use super::builtins::{self, Builtin, Param};
use super::{Error, ErrorKind, ErrorParts, MissingKey, Templates};
use crate::engine::funcs::{Func, FuncError};
use crate::engine::budget;
use crate::engine::gofmt;
use crate::engine::value::Value;
use crate::engine::gofmt::strconv;

/// A resolved function name.
#[derive(Clone)]
pub enum FuncRef {
    Builtin(Builtin),
    Library(Func),
    Custom(Rc<super::CustomFunc>),
    Include,
    Tpl,
}

/// A value plus whether Go would see it through an `interface{}`.
#[derive(Clone, Debug)]
struct Rv {
    v: Value,
    iface: bool,
}

impl Rv {
    fn plain(v: Value) -> Rv {
        Rv { v, iface: false }
    }

    fn boxed(v: Value) -> Rv {
        Rv { v, iface: true }
    }

    fn missing() -> Rv {
        Rv::plain(Value::Missing)
    }

    /// The Go type reflect reports for this value.
    fn go_type(&self) -> String {
        if self.iface {
            "interface {}".into()
        } else {
            self.v.type_name()
        }
    }
}

/// Why a walk stopped early.
enum Flow {
    Break,
    Continue,
    Error(Box<Error>),
}

type R<T> = Result<T, Flow>;

/// State shared by one top-level execution and the include/tpl calls in it.
struct Shared<'s> {
    set: &'s Templates,
    steps: Cell<u64>,
    include_counts: RefCell<HashMap<String, usize>>,
    tpl_depth: Cell<usize>,
    /// Steps and output bytes this execution may take: the set's limits,
    /// or less when the render's budget has less left.
    max_steps: u64,
    max_output: usize,
}

/// Where template names are looked up: the set, plus the trees each
/// enclosing `tpl` parsed (Go: the clone `tpl` makes of the set).
struct Scope<'a> {
    local: Vec<Rc<Tree>>,
    parent: Option<&'a Scope<'a>>,
}

impl<'a> Scope<'a> {
    fn lookup(&'a self, set: &'a Templates, name: &str) -> Option<&'a Tree> {
        if let Some(t) = self.local.iter().find(|t| &*t.name == name) {
            return Some(t);
        }
        match self.parent {
            Some(p) => p.lookup(set, name),
            None => set.trees.get(name).map(|t| &**t),
        }
    }
}

struct Var<'a> {
    name: &'a str,
    value: Rv,
}

struct Exec<'a> {
    shared: &'a Shared<'a>,
    scope: &'a Scope<'a>,
    tmpl: &'a Tree,
    node: NodeRef<'a>,
    vars: Vec<Var<'a>>,
    depth: usize,
    out: String,
}

/// Go: ExecuteTemplate.
pub fn execute(set: &Templates, name: &str, dot: &Value) -> Result<String, Error> {
    let shared = Shared {
        set,
        steps: Cell::new(0),
        include_counts: RefCell::new(HashMap::new()),
        tpl_depth: Cell::new(0),
        max_steps: set.limits.max_steps.min(budget::steps_left()),
        max_output: set.limits.max_output.min(budget::bytes_left().min(usize::MAX as u64) as usize),
    };
    let scope = Scope {
        local: vec![],
        parent: None,
    };
    let result = execute_named(&shared, &scope, name, dot.clone()).map_err(|e| *e);
    budget::take_steps(shared.steps.get());
    if let Ok(out) = &result {
        // Within max_output, so within what the budget had left.
        let _ = budget::charge(out.len() as u64);
    }
    result
}

fn no_template(set: &Templates, name: &str) -> Box<Error> {
    Box::new(Error(Box::new(ErrorParts {
        kind: ErrorKind::NoTemplate,
        template: name.to_string(),
        file: set.root_name.to_string(),
        line: 0,
        col: None,
        node: None,
        message: String::new(),
        call: None,
        cause: None,
    })))
}

fn execute_named<'a>(
    shared: &'a Shared<'a>,
    scope: &'a Scope<'a>,
    name: &str,
    dot: Value,
) -> Result<String, Box<Error>> {
    let Some(tree) = scope.lookup(shared.set, name) else {
        return Err(no_template(shared.set, name));
    };
    run_tree(shared, scope, tree, dot)
}

/// Go: Template.execute: `$` and dot are the data (a nil interface is the
/// invalid value).
fn run_tree<'a>(
    shared: &'a Shared<'a>,
    scope: &'a Scope<'a>,
    tree: &'a Tree,
    dot: Value,
) -> Result<String, Box<Error>> {
    let dot = Rv::plain(if let Value::Nil = dot {
        Value::Missing
    } else {
        dot
    });
    let mut ex = Exec {
        shared,
        scope,
        tmpl: tree,
        node: NodeRef::None,
        vars: vec![Var {
            name: "$",
            value: dot.clone(),
        }],
        depth: 0,
        out: String::new(),
    };
    match ex.walk_list(&dot, &tree.root) {
        Ok(()) | Err(Flow::Break) | Err(Flow::Continue) => Ok(ex.out),
        Err(Flow::Error(e)) => Err(e),
    }
}

/// Stack headroom kept before recursing, and the size of each new segment.
const RED_ZONE: usize = 64 * 1024;
const STACK_SEGMENT: usize = 2 * 1024 * 1024;

impl<'a> Exec<'a> {
    fn at(&mut self, node: NodeRef<'a>) {
        self.node = node;
    }

    fn make_error(
        &self,
        message: String,
        call: Option<String>,
        cause: Option<Box<Error>>,
    ) -> Box<Error> {
        let (line, col, node) = if self.node.is_none() {
            (0, None, None)
        } else {
            let (line, col) = self.tmpl.location(self.node.pos());
            (line, Some(col), Some(self.node.to_string()))
        };
        Box::new(Error(Box::new(ErrorParts {
            kind: ErrorKind::Exec,
            template: self.tmpl.name.to_string(),
            file: self.tmpl.parse_name.to_string(),
            line,
            col,
            node,
            message,
            call,
            cause,
        })))
    }

    /// Go: state.errorf at the current node.
    fn errorf(&self, message: impl Into<String>) -> Flow {
        Flow::Error(self.make_error(message.into(), None, None))
    }

    /// Go: `error calling NAME: MSG` (MSG may end in a nested error).
    fn call_error(&self, name: &str, message: String, cause: Option<Box<Error>>) -> Flow {
        Flow::Error(self.make_error(message, Some(name.to_string()), cause))
    }

    fn step(&self) -> R<()> {
        let n = self.shared.steps.get() + 1;
        self.shared.steps.set(n);
        let max = self.shared.max_steps;
        if n > max {
            let limit = self.shared.set.limits.max_steps;
            let shown = if max < limit { crate::limits::current().max_render_steps } else { limit };
            return Err(self.errorf(budget::steps_exceeded(shown)));
        }
        Ok(())
    }

    fn write(&mut self, s: &str) -> R<()> {
        self.out.push_str(s);
        let max = self.shared.max_output;
        if self.out.len() > max {
            let limit = self.shared.set.limits.max_output;
            return Err(self.errorf(if max < limit {
                budget::memory_exceeded()
            } else {
                format!("template output exceeded the limit of {limit} bytes (CAPSTAN_MAX_TEMPLATE_OUTPUT)")
            }));
        }
        Ok(())
    }

    // ---- variables ----

    fn push(&mut self, name: &'a str, value: Rv) {
        self.vars.push(Var { name, value });
    }

    fn set_var(&mut self, name: &str, value: Rv) -> R<()> {
        for v in self.vars.iter_mut().rev() {
            if v.name == name {
                v.value = value;
                return Ok(());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn set_top_var(&mut self, n: usize, value: Rv) {
        let len = self.vars.len();
        self.vars[len - n].value = value;
    }

    fn var_value(&self, name: &str) -> R<Rv> {
        for v in self.vars.iter().rev() {
            if v.name == name {
                return Ok(v.value.clone());
            }
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    // ---- walking ----

    fn walk_list(&mut self, dot: &Rv, list: &'a List) -> R<()> {
        for node in &list.nodes {
            self.walk(dot, node)?;
        }
        Ok(())
    }

    fn walk(&mut self, dot: &Rv, node: &'a Node) -> R<()> {
        self.at(NodeRef::Node(node));
        self.step()?;
        match node {
            Node::Text(t) => self.write(t.text()),
            Node::Action(a) => {
                // Variables declared here persist until the enclosing end.
                let val = self.eval_pipeline(dot, &a.pipe)?;
                if a.pipe.decl.is_empty() {
                    self.print_value(node, &val)?;
                }
                Ok(())
            }
            Node::Break(_) => Err(Flow::Break),
            Node::Continue(_) => Err(Flow::Continue),
            Node::If(b) => self.walk_if_or_with(false, dot, b),
            Node::With(b) => self.walk_if_or_with(true, dot, b),
            Node::Range(b) => self.walk_range(dot, node, b),
            Node::Template(t) => self.walk_template(dot, node, t),
        }
    }

    fn walk_if_or_with(&mut self, is_with: bool, dot: &Rv, b: &'a BranchNode) -> R<()> {
        let mark = self.vars.len();
        let r = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.walk_if_or_with_inner(is_with, dot, b)
        });
        self.vars.truncate(mark);
        r
    }

    fn walk_if_or_with_inner(&mut self, is_with: bool, dot: &Rv, b: &'a BranchNode) -> R<()> {
        let val = self.eval_pipeline(dot, &b.pipe)?;
        if val.v.is_true() {
            if is_with {
                self.walk_list(&val, &b.list)
            } else {
                self.walk_list(dot, &b.list)
            }
        } else if let Some(e) = &b.else_list {
            self.walk_list(dot, e)
        } else {
            Ok(())
        }
    }

    fn walk_range(&mut self, dot: &Rv, node: &'a Node, r: &'a BranchNode) -> R<()> {
        self.at(NodeRef::Node(node));
        let mark = self.vars.len();
        let res = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.walk_range_inner(dot, r));
        self.vars.truncate(mark);
        match res {
            Err(Flow::Break) => Ok(()),
            other => other,
        }
    }

    fn walk_range_inner(&mut self, dot: &Rv, r: &'a BranchNode) -> R<()> {
        let val = self.eval_pipeline(dot, &r.pipe)?;
        // Mark the stack before any variables in the body are pushed.
        let mark = self.vars.len();
        let ran = match &*val.v.as_collection() {
            Value::Int(n) | Value::Int64(n) => {
                if r.pipe.decl.len() > 1 {
                    return Err(self.errorf(format!(
                        "can't use {} to iterate over more than one variable",
                        gofmt::sprint_value(&val.v)
                    )));
                }
                let is64 = matches!(val.v, Value::Int64(_));
                for i in 0..(*n).max(0) {
                    let elem = if is64 { Value::Int64(i) } else { Value::Int(i) };
                    self.one_iteration(r, mark, Rv::missing(), Rv::plain(elem))?;
                }
                *n > 0
            }
            Value::List(l) => {
                let l = l.clone();
                for (i, e) in l.iter().enumerate() {
                    self.one_iteration(
                        r,
                        mark,
                        Rv::plain(Value::Int(i as i64)),
                        Rv::boxed(e.clone()),
                    )?;
                }
                !l.is_empty()
            }
            Value::Bytes(b) => {
                let b = b.clone();
                for (i, e) in b.iter().enumerate() {
                    self.one_iteration(
                        r,
                        mark,
                        Rv::plain(Value::Int(i as i64)),
                        Rv::plain(Value::Int(*e as i64)),
                    )?;
                }
                !b.is_empty()
            }
            Value::Map(m) => {
                // Go sorts a snapshot of the keys and values first.
                let entries: Vec<(String, Value)> = m
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                for (k, v) in &entries {
                    self.one_iteration(r, mark, Rv::plain(Value::str(k)), Rv::boxed(v.clone()))?;
                }
                !entries.is_empty()
            }
            // An invalid value acts like an empty map.
            Value::Missing | Value::Nil => false,
            other => {
                return Err(self.errorf(format!(
                    "range can't iterate over {}",
                    gofmt::sprint_value(other)
                )));
            }
        };
        if !ran {
            if let Some(e) = &r.else_list {
                return self.walk_list(dot, e);
            }
        }
        Ok(())
    }

    fn one_iteration(&mut self, r: &'a BranchNode, mark: usize, index: Rv, elem: Rv) -> R<()> {
        // An empty body still takes a step: nested loops must end.
        self.step()?;
        let decl = &r.pipe.decl;
        if !decl.is_empty() {
            if r.pipe.is_assign {
                // With two variables, index comes first; with one, the element.
                if decl.len() > 1 {
                    self.set_var(&decl[0].ident[0], index.clone())?;
                } else {
                    self.set_var(&decl[0].ident[0], elem.clone())?;
                }
            } else {
                self.set_top_var(1, elem.clone());
            }
        }
        if decl.len() > 1 {
            if r.pipe.is_assign {
                self.set_var(&decl[1].ident[0], elem.clone())?;
            } else {
                self.set_top_var(2, index);
            }
        }
        let res = self.walk_list(&elem, &r.list);
        self.vars.truncate(mark);
        match res {
            Err(Flow::Continue) => Ok(()),
            other => other,
        }
    }

    fn walk_template(&mut self, dot: &Rv, node: &'a Node, t: &'a TemplateNode) -> R<()> {
        self.at(NodeRef::Node(node));
        let Some(tmpl) = self.scope.lookup(self.shared.set, &t.name) else {
            return Err(self.errorf(format!(
                "template {} not defined",
                strconv::quote(&t.name)
            )));
        };
        let max = self.shared.set.limits.template_depth;
        if self.depth >= max {
            return Err(self.errorf(format!("exceeded maximum template depth ({max})")));
        }
        // Variables declared by the pipeline persist.
        let new_dot = match &t.pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Rv::missing(),
        };
        // No dynamic scoping: the template sees only `$`.
        let saved_vars = std::mem::replace(
            &mut self.vars,
            vec![Var {
                name: "$",
                value: new_dot.clone(),
            }],
        );
        let saved_tmpl = std::mem::replace(&mut self.tmpl, tmpl);
        let saved_node = self.node;
        self.depth += 1;
        let res = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.walk_list(&new_dot, &tmpl.root)
        });
        self.depth -= 1;
        self.tmpl = saved_tmpl;
        self.vars = saved_vars;
        self.node = saved_node;
        res
    }

    /// Go: printValue: `<no value>` for the invalid value, else `%v`.
    fn print_value(&mut self, node: &'a Node, v: &Rv) -> R<()> {
        self.at(NodeRef::Node(node));
        match &v.v {
            Value::String(s) => self.write(s),
            Value::Int(i) | Value::Int64(i) => {
                let s = i.to_string();
                self.write(&s)
            }
            other => {
                let s = gofmt::sprint_value(other);
                self.write(&s)
            }
        }
    }

    // ---- evaluation ----

    fn eval_pipeline(&mut self, dot: &Rv, pipe: &'a Pipe) -> R<Rv> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.eval_pipeline_inner(dot, pipe)
        })
    }

    fn eval_pipeline_inner(&mut self, dot: &Rv, pipe: &'a Pipe) -> R<Rv> {
        self.at(NodeRef::Pipe(pipe));
        let mut value: Option<Rv> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(dot, cmd, value.take())?;
            // An interface{} value is replaced by what it holds; a nil
            // interface becomes the invalid value.
            value = Some(Rv::plain(match v.v {
                Value::Nil => Value::Missing,
                other => other,
            }));
        }
        let value = value.unwrap_or_else(Rv::missing);
        for var in &pipe.decl {
            if pipe.is_assign {
                self.set_var(&var.ident[0], value.clone())?;
            } else {
                self.push(&var.ident[0], value.clone());
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &'a [Operand], fin: &Option<Rv>) -> R<()> {
        if args.len() > 1 || fin.is_some() {
            return Err(self.errorf(format!("can't give argument to non-function {}", args[0])));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Rv, cmd: &'a Command, fin: Option<Rv>) -> R<Rv> {
        self.step()?;
        let first = &cmd.args[0];
        match first {
            Operand::Field(f) => return self.eval_field_node(dot, f, first, &cmd.args, fin),
            Operand::Chain(c) => return self.eval_chain_node(dot, c, first, &cmd.args, fin),
            Operand::Identifier(id) => {
                return self.eval_function(dot, id, first, NodeRef::Command(cmd), &cmd.args, fin)
            }
            Operand::Pipe(p) => {
                // Parenthesized pipeline: arguments are all inside it.
                self.not_a_function(&cmd.args, &fin)?;
                return self.eval_pipeline(dot, p);
            }
            Operand::Variable(v) => return self.eval_variable_node(dot, v, first, &cmd.args, fin),
            _ => {}
        }
        self.at(NodeRef::Operand(first));
        self.not_a_function(&cmd.args, &fin)?;
        match first {
            Operand::Bool(_, b) => Ok(Rv::plain(Value::Bool(*b))),
            Operand::Dot(_) => Ok(dot.clone()),
            Operand::Nil(_) => Err(self.errorf("nil is not a command")),
            Operand::Number(n) => self.ideal_constant(first, n),
            Operand::String(s) => Ok(Rv::plain(Value::String(s.value.clone()))),
            _ => Err(self.errorf(format!(
                "can't evaluate command {}",
                strconv::quote(&first.to_string())
            ))),
        }
    }

    fn ideal_constant(&mut self, node: &'a Operand, n: &'a NumberNode) -> R<Rv> {
        self.at(NodeRef::Operand(node));
        match &n.ideal {
            Ok(v) => Ok(Rv::plain(v.clone())),
            Err(msg) => Err(self.errorf(msg.clone())),
        }
    }

    fn eval_field_node(
        &mut self,
        dot: &Rv,
        field: &'a FieldNode,
        node: &'a Operand,
        args: &'a [Operand],
        fin: Option<Rv>,
    ) -> R<Rv> {
        self.at(NodeRef::Operand(node));
        self.eval_field_chain(dot, dot.clone(), node, &field.ident, args, fin)
    }

    fn eval_chain_node(
        &mut self,
        dot: &Rv,
        chain: &'a ChainNode,
        node: &'a Operand,
        args: &'a [Operand],
        fin: Option<Rv>,
    ) -> R<Rv> {
        self.at(NodeRef::Operand(node));
        if let Operand::Nil(_) = &*chain.node {
            return Err(self.errorf(format!("indirection through explicit nil in {node}")));
        }
        // (pipe).Field1.Field2: evaluate the pipeline, then the fields.
        let receiver = self.eval_arg_untyped(dot, &chain.node)?;
        self.eval_field_chain(dot, receiver, node, &chain.field, args, fin)
    }

    fn eval_variable_node(
        &mut self,
        dot: &Rv,
        var: &'a VariableNode,
        node: &'a Operand,
        args: &'a [Operand],
        fin: Option<Rv>,
    ) -> R<Rv> {
        self.at(NodeRef::Operand(node));
        let value = self.var_value(&var.ident[0])?;
        if var.ident.len() == 1 {
            self.not_a_function(args, &fin)?;
            return Ok(value);
        }
        self.eval_field_chain(dot, value, node, &var.ident[1..], args, fin)
    }

    fn eval_field_chain(
        &mut self,
        dot: &Rv,
        receiver: Rv,
        node: &'a Operand,
        ident: &'a [Rc<str>],
        args: &'a [Operand],
        fin: Option<Rv>,
    ) -> R<Rv> {
        let n = ident.len();
        let mut receiver = receiver;
        for name in &ident[..n - 1] {
            receiver = self.eval_field(dot, name, node, &[], None, receiver)?;
        }
        self.eval_field(dot, &ident[n - 1], node, args, fin, receiver)
    }

    fn eval_function(
        &mut self,
        dot: &Rv,
        id: &'a IdentifierNode,
        node: &'a Operand,
        cmd: NodeRef<'a>,
        args: &'a [Operand],
        fin: Option<Rv>,
    ) -> R<Rv> {
        self.at(NodeRef::Operand(node));
        self.eval_call(dot, &id.func, cmd, &id.name, args, fin)
    }

    /// Go: evalField: `.Name` on a map, an object, or nothing.
    fn eval_field(
        &mut self,
        dot: &Rv,
        name: &str,
        node: &'a Operand,
        args: &'a [Operand],
        fin: Option<Rv>,
        receiver: Rv,
    ) -> R<Rv> {
        match &receiver.v {
            Value::Missing => {
                if self.shared.set.missing_key == MissingKey::Error {
                    return Err(self.errorf(format!(
                        "nil data; no entry for key {}",
                        strconv::quote(name)
                    )));
                }
                return Ok(Rv::missing());
            }
            Value::Nil => {
                // A method call on a nil interface can't work.
                return Err(self.errorf(format!(
                    "nil pointer evaluating {}.{name}",
                    receiver.go_type()
                )));
            }
            _ => {}
        }
        let has_args = args.len() > 1 || fin.is_some();
        match &receiver.v {
            Value::Object(o) => {
                if o.has_method(name) {
                    return self.eval_method(dot, o.clone(), name, node, args, fin);
                }
                if let Some(v) = o.field(name) {
                    if has_args {
                        return Err(self.errorf(format!(
                            "{name} has arguments but cannot be invoked as function"
                        )));
                    }
                    return Ok(Rv::plain(v));
                }
            }
            Value::Map(m) => {
                if has_args {
                    return Err(self.errorf(format!("{name} is not a method but has arguments")));
                }
                let found = m.borrow().get(name).cloned();
                return match found {
                    Some(v) => Ok(Rv::boxed(v)),
                    None => match self.shared.set.missing_key {
                        MissingKey::Invalid => Ok(Rv::missing()),
                        MissingKey::Zero => Ok(Rv::boxed(Value::Nil)),
                        MissingKey::Error => Err(self.errorf(format!(
                            "map has no entry for key {}",
                            strconv::quote(name)
                        ))),
                    },
                };
            }
            _ => {}
        }
        Err(self.errorf(format!(
            "can't evaluate field {name} in type {}",
            receiver.go_type()
        )))
    }

    /// A method call on an object: `.Files.Get "x"`.
    fn eval_method(
        &mut self,
        dot: &Rv,
        obj: Rc<dyn crate::engine::value::Object>,
        name: &str,
        node: &'a Operand,
        args: &'a [Operand],
        fin: Option<Rv>,
    ) -> R<Rv> {
        let explicit = if args.is_empty() { args } else { &args[1..] };
        let mut argv = Vec::with_capacity(explicit.len() + 1);
        for a in explicit {
            argv.push(self.eval_arg(dot, Param::Reflect, a)?);
        }
        if let Some(f) = fin {
            argv.push(f.v);
        }
        match obj.call_method(name, &argv) {
            Some(Ok(v)) => Ok(Rv::plain(v)),
            Some(Err(msg)) => {
                self.at(NodeRef::Operand(node));
                Err(self.call_error(name, msg, None))
            }
            None => Err(self.errorf(format!(
                "can't evaluate field {name} in type {}",
                obj.type_name()
            ))),
        }
    }

    /// Go: evalCall for a function. `args` includes the function word
    /// itself (or is empty when the function is an argument, Go's nil).
    fn eval_call(
        &mut self,
        dot: &Rv,
        func: &'a FuncRef,
        node: NodeRef<'a>,
        name: &str,
        args: &'a [Operand],
        fin: Option<Rv>,
    ) -> R<Rv> {
        let args = if args.is_empty() { args } else { &args[1..] };
        match func {
            FuncRef::Builtin(b) => self.call_builtin(dot, *b, node, name, args, fin),
            FuncRef::Library(f) => {
                let f = *f;
                self.call_library(dot, &|a: &[Value]| f(a), node, name, args, fin)
            }
            FuncRef::Custom(f) => {
                let f = f.clone();
                self.call_library(dot, &**f, node, name, args, fin)
            }
            FuncRef::Include => self.call_include(dot, node, args, fin),
            FuncRef::Tpl => self.call_tpl(dot, node, args, fin),
        }
    }

    /// Go's arity check for a signature: fixed parameters plus variadic.
    fn check_arity(
        &self,
        name: &str,
        fixed: usize,
        variadic: bool,
        nargs: usize,
        has_final: bool,
    ) -> R<()> {
        let num_in = nargs + has_final as usize;
        if variadic {
            if num_in < fixed {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want at least {fixed} got {nargs}"
                )));
            }
        } else if num_in != fixed {
            return Err(self.errorf(format!(
                "wrong number of args for {name}: want {fixed} got {num_in}"
            )));
        }
        Ok(())
    }

    /// The parameter type of argument `i` of a signature.
    fn param_at(sig: &builtins::Signature, i: usize) -> Param {
        sig.fixed
            .get(i)
            .copied()
            .or(sig.variadic)
            .unwrap_or(Param::Any)
    }

    fn call_builtin(
        &mut self,
        dot: &Rv,
        b: Builtin,
        node: NodeRef<'a>,
        name: &str,
        args: &'a [Operand],
        fin: Option<Rv>,
    ) -> R<Rv> {
        let sig = b.signature();
        self.check_arity(
            name,
            sig.fixed.len(),
            sig.variadic.is_some(),
            args.len(),
            fin.is_some(),
        )?;
        // and/or short-circuit and return the deciding value.
        if b == Builtin::And || b == Builtin::Or {
            let want = b == Builtin::Or;
            let mut v = Rv::missing();
            for a in args {
                let x = self.eval_arg(dot, Param::Reflect, a)?;
                v = Rv::plain(x);
                if builtins::truth(&v.v) == want {
                    return Ok(v);
                }
            }
            if let Some(f) = fin {
                v = f;
            }
            return Ok(v);
        }
        let num_in = args.len() + fin.is_some() as usize;
        let mut argv = Vec::with_capacity(num_in);
        for (i, a) in args.iter().enumerate() {
            argv.push(self.eval_arg(dot, Self::param_at(&sig, i), a)?);
        }
        if let Some(f) = fin {
            let p = Self::param_at(&sig, num_in - 1);
            argv.push(self.validate_type(f, p)?);
        }
        if b == Builtin::Call {
            let callee = match args.first() {
                Some(a) => a.to_string(),
                None => match &argv[0] {
                    Value::String(s) => s.to_string(),
                    other => format!("<{} Value>", other.type_name()),
                },
            };
            let msg = match &argv[0] {
                Value::Missing | Value::Nil => "call of nil".to_string(),
                other => format!("non-function {callee} of type {}", other.type_name()),
            };
            self.at(node);
            return Err(self.call_error(name, msg, None));
        }
        if matches!(b, Builtin::Print | Builtin::Printf | Builtin::Println) {
            if let Err(msg) = budget::before_print(&argv) {
                self.at(node);
                return Err(self.call_error(name, msg, None));
            }
        }
        match b.apply(&argv) {
            Ok(v) => Ok(Rv::plain(v)),
            Err(msg) => {
                self.at(node);
                Err(self.call_error(name, msg, None))
            }
        }
    }

    /// A library (or custom) function: arguments pass as Go's reflect sees
    /// them (an invalid value stays `Missing`, a nil interface is `Nil`).
    fn call_library(
        &mut self,
        dot: &Rv,
        f: &dyn Fn(&[Value]) -> crate::engine::funcs::FuncResult,
        node: NodeRef<'a>,
        name: &str,
        args: &'a [Operand],
        fin: Option<Rv>,
    ) -> R<Rv> {
        let entry = self.node;
        let mut argv = Vec::with_capacity(args.len() + 1);
        let mut after: Vec<NodeRef<'a>> = Vec::with_capacity(args.len());
        for a in args {
            argv.push(self.eval_arg_library(dot, a)?);
            after.push(self.node);
        }
        let has_final = fin.is_some();
        if let Some(f) = fin {
            argv.push(f.v);
        }
        match f(&argv) {
            Ok(v) => Ok(Rv::boxed(v)),
            Err(FuncError::Call(msg)) => {
                self.at(node);
                Err(self.call_error(name, msg, None))
            }
            Err(FuncError::Arg(msg)) => {
                self.node = arg_error_node(&msg, &argv, args, &after, has_final, entry);
                Err(self.errorf(msg))
            }
        }
    }

    // ---- arguments ----

    /// Go: evalArg with a nil type (chain receivers): the value as is.
    fn eval_arg_untyped(&mut self, dot: &Rv, n: &'a Operand) -> R<Rv> {
        self.at(NodeRef::Operand(n));
        match n {
            Operand::Dot(_) => Ok(dot.clone()),
            Operand::Field(f) => self.eval_field_node(dot, f, n, std::slice::from_ref(n), None),
            Operand::Variable(v) => self.eval_variable_node(dot, v, n, &[], None),
            Operand::Pipe(p) => self.eval_pipeline(dot, p),
            Operand::Identifier(id) => {
                self.eval_function(dot, id, n, NodeRef::Operand(n), &[], None)
            }
            Operand::Chain(c) => self.eval_chain_node(dot, c, n, &[], None),
            Operand::Bool(_, b) => Ok(Rv::plain(Value::Bool(*b))),
            Operand::Number(num) => self.ideal_constant(n, num),
            Operand::String(s) => Ok(Rv::plain(Value::String(s.value.clone()))),
            Operand::Nil(_) => Ok(Rv::missing()),
        }
    }

    /// Go: evalArg for a parameter of the given type.
    fn eval_arg(&mut self, dot: &Rv, typ: Param, n: &'a Operand) -> R<Value> {
        self.at(NodeRef::Operand(n));
        match n {
            Operand::Nil(_) => {
                return match typ {
                    Param::Reflect => Ok(Value::Missing),
                    Param::Any => Ok(Value::Nil),
                    Param::Str => Err(self.errorf("cannot assign nil to string")),
                }
            }
            Operand::Dot(_)
            | Operand::Field(_)
            | Operand::Variable(_)
            | Operand::Pipe(_)
            | Operand::Identifier(_)
            | Operand::Chain(_) => {
                let v = self.eval_arg_untyped(dot, n)?;
                return self.validate_type(v, typ);
            }
            _ => {}
        }
        match typ {
            Param::Str => match n {
                Operand::String(s) => Ok(Value::String(s.value.clone())),
                _ => Err(self.errorf(format!("expected string; found {n}"))),
            },
            Param::Reflect | Param::Any => Ok(self.eval_arg_untyped(dot, n)?.v),
        }
    }

    /// Go: evalArg for a library function's parameter: the evaluated value,
    /// `nil` as a nil interface.
    fn eval_arg_library(&mut self, dot: &Rv, n: &'a Operand) -> R<Value> {
        self.at(NodeRef::Operand(n));
        match n {
            Operand::Nil(_) => Ok(Value::Nil),
            _ => Ok(self.eval_arg_untyped(dot, n)?.v),
        }
    }

    /// Go: validateType for the parameter kinds builtins use.
    fn validate_type(&self, value: Rv, typ: Param) -> R<Value> {
        match typ {
            Param::Reflect => Ok(value.v),
            Param::Any => Ok(match value.v {
                Value::Missing => Value::Nil,
                v => v,
            }),
            Param::Str => match value.v {
                Value::String(_) => Ok(value.v),
                Value::Missing => Err(self.errorf("invalid value; expected string")),
                Value::Nil => {
                    Err(self.errorf("wrong type for value; expected string; got interface {}"))
                }
                other => Err(self.errorf(format!(
                    "wrong type for value; expected string; got {}",
                    other.type_name()
                ))),
            },
        }
    }

    /// Evaluate the arguments of a two-parameter engine function
    /// `f(string, any)` (include, tpl).
    fn string_and_data_args(
        &mut self,
        dot: &Rv,
        name: &str,
        args: &'a [Operand],
        fin: Option<Rv>,
    ) -> R<(String, Value)> {
        self.check_arity(name, 2, false, args.len(), fin.is_some())?;
        let first = match args.first() {
            Some(a) => self.eval_arg(dot, Param::Str, a)?,
            None => unreachable!("arity checked: two arguments"),
        };
        let second = match args.get(1) {
            Some(a) => self.eval_arg(dot, Param::Any, a)?,
            None => self.validate_type(fin.unwrap_or_else(Rv::missing), Param::Any)?,
        };
        let text = first.as_str().unwrap_or_default().to_string();
        Ok((text, second))
    }

    // ---- Helm's include and tpl ----

    /// Helm: include NAME DATA renders a template of the set to a string.
    fn call_include(
        &mut self,
        dot: &Rv,
        node: NodeRef<'a>,
        args: &'a [Operand],
        fin: Option<Rv>,
    ) -> R<Rv> {
        let (name, data) = self.string_and_data_args(dot, "include", args, fin)?;
        let limit = self.shared.set.limits.include_depth;
        {
            let mut counts = self.shared.include_counts.borrow_mut();
            let count = counts.entry(name.clone()).or_insert(0);
            if *count > limit {
                drop(counts);
                self.at(node);
                return Err(self.call_error(
                    "include",
                    format!("rendering template has a nested reference name: {name}: unable to execute template"),
                    None,
                ));
            }
            *count += 1;
        }
        let result = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            execute_named(self.shared, self.scope, &name, data)
        });
        if let Some(c) = self.shared.include_counts.borrow_mut().get_mut(&name) {
            *c -= 1;
        }
        match result {
            Ok(s) => Ok(Rv::plain(Value::string(s))),
            Err(e) => {
                self.at(node);
                Err(self.call_error("include", String::new(), Some(e)))
            }
        }
    }

    /// Helm: tpl TEXT DATA parses TEXT into a copy of the set (as the root
    /// template) and executes it with DATA; `<no value>` is removed.
    fn call_tpl(
        &mut self,
        dot: &Rv,
        node: NodeRef<'a>,
        args: &'a [Operand],
        fin: Option<Rv>,
    ) -> R<Rv> {
        let (text, data) = self.string_and_data_args(dot, "tpl", args, fin)?;
        let quoted = strconv::quote(&text);
        let trees = match self.shared.set.parse_tpl(&text) {
            Ok(t) => t,
            Err(e) => {
                self.at(node);
                return Err(self.call_error(
                    "tpl",
                    format!("cannot parse template {quoted}: "),
                    Some(Box::new(e)),
                ));
            }
        };
        let depth = self.shared.tpl_depth.get();
        if depth >= self.shared.set.limits.tpl_depth {
            self.at(node);
            return Err(self.call_error(
                "tpl",
                format!(
                    "nested tpl calls exceed the limit of {}",
                    self.shared.set.limits.tpl_depth
                ),
                None,
            ));
        }
        // Go: Clone + New(root).Parse(text): the new trees join the copy,
        // except that an empty body never replaces an existing template.
        let root_name = &*self.shared.set.root_name;
        let mut local = Vec::with_capacity(trees.len());
        let mut top = None;
        for t in trees.iter() {
            if &*t.name == root_name {
                top = Some(t.clone());
            }
            if is_empty_list(&t.root) && self.scope.lookup(self.shared.set, &t.name).is_some() {
                continue;
            }
            local.push(t.clone());
        }
        let Some(top) = top else {
            unreachable!("a parse always yields its top-level tree");
        };
        let scope = Scope {
            local,
            parent: Some(self.scope),
        };
        self.shared.tpl_depth.set(depth + 1);
        let result = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            run_tree(self.shared, &scope, &top, data)
        });
        self.shared.tpl_depth.set(depth);
        match result {
            Ok(s) => Ok(Rv::plain(Value::string(crate::engine::render::without_no_value(s)))),
            Err(e) => {
                self.at(node);
                Err(self.call_error(
                    "tpl",
                    format!("error during tpl function execution for {quoted}: "),
                    Some(e),
                ))
            }
        }
    }
}

/// Where Go would have been when a library function's argument failed its
/// type check: at the argument (as evaluated), or, for the pipeline's final
/// value, after the last explicit argument.
fn arg_error_node<'a>(
    msg: &str,
    argv: &[Value],
    args: &'a [Operand],
    after: &[NodeRef<'a>],
    has_final: bool,
    entry: NodeRef<'a>,
) -> NodeRef<'a> {
    let at_index = |i: usize| -> NodeRef<'a> {
        if i < after.len() {
            after[i]
        } else {
            after.last().copied().unwrap_or(entry)
        }
    };
    if msg.starts_with("wrong number of args") {
        return entry;
    }
    let go_type = |v: &Value| -> String {
        match v {
            Value::Nil => "interface {}".into(),
            other => other.type_name(),
        }
    };
    let found = if msg.starts_with("invalid value;") {
        argv.iter().position(|v| matches!(v, Value::Missing))
    } else if let Some(rest) = msg.strip_prefix("wrong type for value; expected ") {
        rest.split_once("; got ")
            .and_then(|(_, got)| argv.iter().position(|v| go_type(v) == got))
    } else if let Some(text) = msg.split_once("; found ").map(|(_, t)| t) {
        args.iter().position(|a| a.to_string() == text)
    } else if msg.starts_with("cannot assign nil") {
        args.iter().position(|a| matches!(a, Operand::Nil(_)))
    } else {
        None
    };
    match found {
        Some(i) => at_index(i),
        None if has_final || !after.is_empty() => at_index(usize::MAX),
        None => entry,
    }
}
