//! The parse tree (Go: text/template/parse/node.go): nodes, their byte
//! positions, and their `String()` text, which execution errors quote as
//! the failing node (`executing "x" at <.Values.a.b>: ...`).

use std::fmt::{self, Display, Write};
use std::rc::Rc;

use super::exec::FuncRef;
use super::source::Source;
use crate::engine::value::Value;
use crate::engine::gofmt::strconv;

/// Byte offset of a node in the text its template was parsed from.
pub type Pos = usize;

/// One parsed template (Go: parse.Tree).
pub struct Tree {
    /// The template name (a file name or a `define` name).
    pub name: Rc<str>,
    /// The name of the top-level template being parsed, for error locations.
    pub parse_name: Rc<str>,
    /// The whole text that was parsed (shared by the defines within it).
    pub text: Source,
    pub root: List,
}

impl Tree {
    /// Go: Tree.ErrorContext: `NAME:LINE:COL` (COL is the 0-based byte
    /// offset in the line) and the node's text.
    pub fn location(&self, pos: Pos) -> (usize, usize) {
        let pos = pos.min(self.text.len());
        let before = &self.text.as_bytes()[..pos];
        let line = 1 + before.iter().filter(|b| **b == b'\n').count();
        let col = match before.iter().rposition(|b| *b == b'\n') {
            Some(nl) => pos - (nl + 1),
            None => pos,
        };
        (line, col)
    }
}

/// Go: IsEmptyTree: only whitespace text (and comments) at the top level.
pub fn is_empty_list(list: &List) -> bool {
    list.nodes.iter().all(|n| match n {
        Node::Text(t) => t.text().trim_matches(go_space).is_empty(),
        _ => false,
    })
}

/// Go's unicode.IsSpace, which bytes.TrimSpace uses.
fn go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c > '\u{ff}' && c.is_whitespace())
}

/// A sequence of nodes.
pub struct List {
    pub nodes: Vec<Node>,
}

/// Stack headroom kept before recursing, and the size of each new segment:
/// trees nest as deep as Go allows (10000), so dropping and printing them
/// must not rely on the thread's stack.
const RED_ZONE: usize = 64 * 1024;
const STACK_SEGMENT: usize = 2 * 1024 * 1024;

impl Drop for List {
    fn drop(&mut self) {
        let nodes = std::mem::take(&mut self.nodes);
        if !nodes.is_empty() {
            stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, move || drop(nodes));
        }
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        let cmds = std::mem::take(&mut self.cmds);
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, move || drop(cmds));
    }
}

/// A node that may appear in a list.
pub enum Node {
    Text(TextNode),
    Action(ActionNode),
    // Boxed: the rarer, larger nodes would make every text node as big.
    If(Box<BranchNode>),
    Range(Box<BranchNode>),
    With(Box<BranchNode>),
    Template(Box<TemplateNode>),
    Break(Pos),
    Continue(Pos),
}

pub struct TextNode {
    pub pos: Pos,
    /// A slice of the template's text (so a text node costs no copy).
    text: Source,
}

impl TextNode {
    /// A node for `text`: a slice of `source` when it lies within it,
    /// otherwise a copy.
    pub fn new(pos: Pos, source: &Source, text: &str) -> TextNode {
        let text = source.slice_of(text).unwrap_or_else(|| Source::from(text));
        TextNode { pos, text }
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

pub struct ActionNode {
    pub pos: Pos,
    pub pipe: Pipe,
}

/// The common shape of if, range and with.
pub struct BranchNode {
    pub pos: Pos,
    pub pipe: Pipe,
    pub list: List,
    pub else_list: Option<List>,
}

pub struct TemplateNode {
    pub pos: Pos,
    pub name: Rc<str>,
    pub pipe: Option<Pipe>,
}

/// A pipeline with optional variable declarations (Go: PipeNode).
pub struct Pipe {
    pub pos: Pos,
    pub is_assign: bool,
    pub decl: Box<[VariableNode]>,
    pub cmds: Seq<Command>,
}

/// One command of a pipeline: an operand and its arguments.
pub struct Command {
    pub pos: Pos,
    pub args: Seq<Operand>,
}

/// A slice whose single element, the common case (one command in a
/// pipeline, one word in a command), needs no allocation of its own.
pub enum Seq<T> {
    One(T),
    Many(Box<[T]>),
}

impl<T> Seq<T> {
    /// The elements of `stack` from `base` on, moved out.
    pub fn take_from(stack: &mut Vec<T>, base: usize) -> Seq<T> {
        if stack.len() == base + 1 {
            if let Some(one) = stack.pop() {
                return Seq::One(one);
            }
        }
        Seq::Many(stack.drain(base..).collect())
    }
}

impl<T> Default for Seq<T> {
    fn default() -> Self {
        Seq::Many(Box::default())
    }
}

impl<T> std::ops::Deref for Seq<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            Seq::One(one) => std::slice::from_ref(one),
            Seq::Many(many) => many,
        }
    }
}

impl<'s, T> IntoIterator for &'s Seq<T> {
    type Item = &'s T;
    type IntoIter = std::slice::Iter<'s, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Arguments and command words (Go: the operand node types).
pub enum Operand {
    Field(FieldNode),
    Chain(ChainNode),
    Identifier(IdentifierNode),
    Variable(VariableNode),
    Dot(Pos),
    Nil(Pos),
    Bool(Pos, bool),
    // Boxed: the largest operand, and a rare one.
    Number(Box<NumberNode>),
    String(StringNode),
    Pipe(Box<Pipe>),
}

/// `.a.b`: the field names (shared by the nodes of equal chains).
pub struct FieldNode {
    pub pos: Pos,
    pub ident: Rc<[Rc<str>]>,
}

pub struct ChainNode {
    pub pos: Pos,
    pub node: Box<Operand>,
    pub field: Box<[Rc<str>]>,
}

pub struct IdentifierNode {
    pub pos: Pos,
    pub name: Rc<str>,
    pub func: FuncRef,
}

/// `$x.a.b`: the variable name (with `$`) then the fields (shared by the
/// nodes of equal chains).
pub struct VariableNode {
    pub pos: Pos,
    pub ident: Rc<[Rc<str>]>,
}

pub struct NumberNode {
    pub pos: Pos,
    pub text: Rc<str>,
    /// The value this literal has when its type is not known (Go:
    /// idealConstant), or the execution error it raises.
    pub ideal: Result<Value, String>,
}

pub struct StringNode {
    pub pos: Pos,
    /// The literal as written, with quotes.
    pub quoted: Rc<str>,
    /// The unquoted text (a string value's text).
    pub value: Rc<str>,
}

/// A node that execution can be "at" when it fails (Go: state.node).
#[derive(Clone, Copy)]
pub enum NodeRef<'a> {
    None,
    Node(&'a Node),
    Pipe(&'a Pipe),
    Command(&'a Command),
    Operand(&'a Operand),
}

impl NodeRef<'_> {
    pub fn pos(&self) -> Pos {
        match self {
            NodeRef::None => 0,
            NodeRef::Node(n) => n.pos(),
            NodeRef::Pipe(p) => p.pos,
            NodeRef::Command(c) => c.pos,
            NodeRef::Operand(o) => o.pos(),
        }
    }

    pub fn is_none(&self) -> bool {
        matches!(self, NodeRef::None)
    }
}

impl fmt::Display for NodeRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeRef::None => Ok(()),
            NodeRef::Node(n) => n.fmt(f),
            NodeRef::Pipe(p) => p.fmt(f),
            NodeRef::Command(c) => c.fmt(f),
            NodeRef::Operand(o) => o.fmt(f),
        }
    }
}

impl Node {
    pub fn pos(&self) -> Pos {
        match self {
            Node::Text(t) => t.pos,
            Node::Action(a) => a.pos,
            Node::If(b) | Node::Range(b) | Node::With(b) => b.pos,
            Node::Template(t) => t.pos,
            Node::Break(p) | Node::Continue(p) => *p,
        }
    }
}

impl Operand {
    pub fn pos(&self) -> Pos {
        match self {
            Operand::Field(f) => f.pos,
            Operand::Chain(c) => c.pos,
            Operand::Identifier(i) => i.pos,
            Operand::Variable(v) => v.pos,
            Operand::Dot(p) | Operand::Nil(p) | Operand::Bool(p, _) => *p,
            Operand::Number(n) => n.pos,
            Operand::String(s) => s.pos,
            Operand::Pipe(p) => p.pos,
        }
    }
}

impl fmt::Display for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_list(f, self, false)
    }
}

/// A list printed with its text nodes quoted, as Go's parse tests print
/// trees (`textFormat = "%q"`).
#[cfg(test)]
pub struct QuotedText<'a>(pub &'a List);

#[cfg(test)]
impl fmt::Display for QuotedText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_list(f, self.0, true)
    }
}

fn fmt_list(f: &mut fmt::Formatter<'_>, list: &List, quote: bool) -> fmt::Result {
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
        for n in &list.nodes {
            fmt_node(f, n, quote)?;
        }
        Ok(())
    })
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_node(f, self, false)
    }
}

fn fmt_node(f: &mut fmt::Formatter<'_>, node: &Node, quote: bool) -> fmt::Result {
    match node {
        Node::Text(t) if quote => f.write_str(&strconv::quote(t.text())),
        Node::Text(t) => f.write_str(t.text()),
        Node::Action(a) => write!(f, "{{{{{}}}}}", a.pipe),
        Node::If(b) => write_branch(f, "if", b, quote),
        Node::Range(b) => write_branch(f, "range", b, quote),
        Node::With(b) => write_branch(f, "with", b, quote),
        Node::Template(t) => {
            write!(f, "{{{{template {}", strconv::quote(&t.name))?;
            if let Some(p) = &t.pipe {
                write!(f, " {p}")?;
            }
            f.write_str("}}")
        }
        Node::Break(_) => f.write_str("{{break}}"),
        Node::Continue(_) => f.write_str("{{continue}}"),
    }
}

fn write_branch(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    b: &BranchNode,
    quote: bool,
) -> fmt::Result {
    write!(f, "{{{{{name} {}}}}}", b.pipe)?;
    fmt_list(f, &b.list, quote)?;
    if let Some(e) = &b.else_list {
        f.write_str("{{else}}")?;
        fmt_list(f, e, quote)?;
    }
    f.write_str("{{end}}")
}

impl fmt::Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.fmt_pipe(f))
    }
}

impl Pipe {
    fn fmt_pipe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                v.fmt(f)?;
            }
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            c.fmt(f)?;
        }
        Ok(())
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            if let Operand::Pipe(p) = arg {
                write!(f, "({p})")?;
            } else {
                arg.fmt(f)?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Field(x) => {
                for id in x.ident.iter() {
                    write!(f, ".{id}")?;
                }
                Ok(())
            }
            Operand::Chain(c) => {
                if let Operand::Pipe(p) = &*c.node {
                    write!(f, "({p})")?;
                } else {
                    c.node.fmt(f)?;
                }
                for id in &c.field {
                    write!(f, ".{id}")?;
                }
                Ok(())
            }
            Operand::Identifier(i) => f.write_str(&i.name),
            Operand::Variable(v) => v.fmt(f),
            Operand::Dot(_) => f.write_str("."),
            Operand::Nil(_) => f.write_str("nil"),
            Operand::Bool(_, b) => f.write_str(if *b { "true" } else { "false" }),
            Operand::Number(n) => f.write_str(&n.text),
            Operand::String(s) => f.write_str(&s.quoted),
            Operand::Pipe(p) => p.fmt(f),
        }
    }
}

impl fmt::Display for VariableNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, id) in self.ident.iter().enumerate() {
            if i > 0 {
                f.write_char('.')?;
            }
            f.write_str(id)?;
        }
        Ok(())
    }
}
