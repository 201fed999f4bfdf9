//! The template parser (Go: text/template/parse/parse.go): builds trees
//! from tokens with the same three-token look-ahead, variable scoping,
//! function-name checks and error texts (`template: NAME:LINE: MSG`).
//!
//! One call parses a text into its top-level tree plus one tree per
//! `{{define}}` / `{{block}}`, applying Go's rule that a name may be
//! defined twice in one text only if one of the bodies is empty.

use std::collections::HashMap;
use std::rc::Rc;

use super::ast::*;
use super::exec::FuncRef;
use super::lexer::{Item, ItemType, Lexer};
use super::source::Source;
use super::number::{new_number, NumberKind};
use crate::engine::gofmt::strconv::{self, unquote};
use crate::engine::value::Value;

/// Go: maxStackDepth, the nesting limit for parentheses and control
/// structures.
const MAX_STACK_DEPTH: usize = 10000;
/// Go: maxPipelineCmds.
const MAX_PIPELINE_CMDS: usize = 100000;
/// Stack headroom kept before recursing, and the size of each new segment.
const RED_ZONE: usize = 64 * 1024;
const STACK_SEGMENT: usize = 2 * 1024 * 1024;

/// A parse failure: the full Go text and its parts.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub parse_name: String,
    pub line: usize,
    pub message: String,
}

type PResult<T> = Result<T, ParseError>;

/// Resolves a function name (Go: the parse-time FuncMaps plus builtins).
pub type FuncResolver<'f> = &'f dyn Fn(&str) -> Option<FuncRef>;

/// The state Go keeps per parse.Tree while parsing (each define gets its own).
struct TreeState<'a> {
    token: [Item<'a>; 3],
    peek_count: usize,
    vars: Vec<&'a str>,
    action_line: usize,
    range_depth: usize,
    stack_depth: usize,
}

impl<'a> TreeState<'a> {
    fn new() -> Self {
        let eof = Item {
            typ: ItemType::Eof,
            pos: 0,
            val: "",
            line: 0,
        };
        TreeState {
            token: [eof; 3],
            peek_count: 0,
            vars: vec!["$"],
            action_line: 0,
            range_depth: 0,
            stack_depth: 0,
        }
    }
}

/// What textOrAction yields: a node, or the `{{end}}` / `{{else}}` that
/// closes the enclosing list.
enum Parsed {
    Node(Node),
    End,
    Else,
}

impl Parsed {
    fn describe(&self) -> String {
        match self {
            Parsed::Node(n) => n.to_string(),
            Parsed::End => "{{end}}".into(),
            Parsed::Else => "{{else}}".into(),
        }
    }
}

pub struct Parser<'a, 'f> {
    parse_name: Rc<str>,
    /// The text the lexer reads, which tokens' positions index.
    src: &'a str,
    /// The text the lexer reads, which the trees share.
    text: Source,
    lex: Lexer<'a>,
    st: TreeState<'a>,
    funcs: FuncResolver<'f>,
    /// The trees defined so far, in definition order.
    trees: Vec<Tree>,
    /// Field and variable names seen so far: one allocation per distinct
    /// name instead of one per use (`.Values` appears thousands of times).
    names: HashMap<&'a str, Rc<str>, foldhash::fast::RandomState>,
    /// Function names seen so far, resolved: one look-up per distinct name.
    funcs_seen: HashMap<&'a str, (Rc<str>, FuncRef), foldhash::fast::RandomState>,
    /// Field and variable chains seen so far, by their text (`.a.b`, `$x.a`).
    chains: HashMap<&'a str, Rc<[Rc<str>]>, foldhash::fast::RandomState>,
    /// String literals seen so far, by their quoted text: both texts.
    strings: HashMap<&'a str, (Rc<str>, Rc<str>), foldhash::fast::RandomState>,
    /// Scratch stacks: a list's nodes, a pipeline's commands and a
    /// command's arguments are gathered here (nested ones above their
    /// parent's), then moved into a Vec of exactly their size. Growing a
    /// Vec per list and shrinking it after cost a third of the parse.
    node_stack: Vec<Node>,
    cmd_stack: Vec<Command>,
    arg_stack: Vec<Operand>,
}

/// Parse `text` as template `name`: the top-level tree and every define.
/// Go: parse.Parse (with a fresh tree set).
pub fn parse(name: &str, text: &str, funcs: FuncResolver<'_>) -> PResult<Vec<Tree>> {
    parse_shared(name, Source::from(text), funcs)
}

/// [`parse`] of a text the trees can share without a copy.
pub fn parse_shared(name: &str, text: Source, funcs: FuncResolver<'_>) -> PResult<Vec<Tree>> {
    let shared = text.clone();
    let text: &str = &text;
    let mut p = Parser {
        parse_name: Rc::from(name),
        src: text,
        text: shared.clone(),
        lex: Lexer::new(text),
        st: TreeState::new(),
        funcs,
        trees: Vec::new(),
        names: HashMap::default(),
        funcs_seen: HashMap::default(),
        chains: HashMap::default(),
        strings: HashMap::default(),
        node_stack: Vec::new(),
        cmd_stack: Vec::new(),
        arg_stack: Vec::new(),
    };
    p.lex.break_ok = (p.funcs)("break").is_none();
    p.lex.continue_ok = (p.funcs)("continue").is_none();
    let root = p.parse_top()?;
    let tree = Tree {
        name: Rc::from(name),
        parse_name: p.parse_name.clone(),
        text: shared,
        root,
    };
    p.add(tree)?;
    Ok(p.trees)
}

/// One file's parse, made on a helper thread for another to use (see
/// [`parse_to_send`]).
pub struct SentParse(PResult<Vec<Tree>>);

// SAFETY: a tree's `Rc`s (names, constants, functions) are not thread-safe
// only while clones of them live on two threads. [`parse_to_send`] builds
// every one of them during its own parse, from a resolver that is a plain
// `fn` (it cannot hand out clones of anything it keeps), and drops the
// parser, with its table of interned names, before returning: the result
// owns the only clones, so moving it moves them all. The text is `Bytes`,
// which is thread-safe.
unsafe impl Send for SentParse {}

impl SentParse {
    pub fn into_result(self) -> PResult<Vec<Tree>> {
        self.0
    }
}

/// [`parse_shared`] on one thread for use on another: parsing a chart's
/// files on every core.
pub fn parse_to_send(name: &str, text: Source, funcs: fn(&str) -> Option<FuncRef>) -> SentParse {
    SentParse(parse_shared(name, text, &funcs))
}

impl<'a, 'f> Parser<'a, 'f> {
    fn intern(&mut self, name: &'a str) -> Rc<str> {
        self.names.entry(name).or_insert_with(|| Rc::from(name)).clone()
    }

    #[inline]
    fn next(&mut self) -> Item<'a> {
        if self.st.peek_count > 0 {
            self.st.peek_count -= 1;
        } else {
            self.st.token[0] = self.lex.next_item();
        }
        self.st.token[self.st.peek_count]
    }

    fn backup(&mut self) {
        self.st.peek_count += 1;
    }

    fn backup2(&mut self, t1: Item<'a>) {
        self.st.token[1] = t1;
        self.st.peek_count = 2;
    }

    fn backup3(&mut self, t2: Item<'a>, t1: Item<'a>) {
        self.st.token[1] = t1;
        self.st.token[2] = t2;
        self.st.peek_count = 3;
    }

    #[inline]
    fn peek(&mut self) -> Item<'a> {
        if self.st.peek_count > 0 {
            return self.st.token[self.st.peek_count - 1];
        }
        self.st.peek_count = 1;
        self.st.token[0] = self.lex.next_item();
        self.st.token[0]
    }

    fn next_non_space(&mut self) -> Item<'a> {
        loop {
            let t = self.next();
            if t.typ != ItemType::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item<'a> {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn errorf<T>(&self, message: String) -> PResult<T> {
        Err(ParseError {
            parse_name: self.parse_name.to_string(),
            line: self.st.token[0].line,
            message,
        })
    }

    fn expect(&mut self, expected: ItemType, context: &str) -> PResult<Item<'a>> {
        let token = self.next_non_space();
        if token.typ != expected {
            return self.unexpected(&token, context);
        }
        Ok(token)
    }

    fn unexpected<T>(&self, token: &Item<'a>, context: &str) -> PResult<T> {
        if token.typ == ItemType::Error {
            let mut extra = String::new();
            if self.st.action_line != 0 && self.st.action_line != token.line {
                extra = format!(
                    " in action started at {}:{}",
                    self.parse_name, self.st.action_line
                );
                if self.lex.error_message().ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format!("{}{extra}", self.lex.error_message()));
        }
        self.errorf(format!("unexpected {token} in {context}"))
    }

    /// Go: Tree.add into the tree set of this parse.
    fn add(&mut self, tree: Tree) -> PResult<()> {
        if let Some(i) = self.trees.iter().position(|t| t.name == tree.name) {
            if is_empty_list(&self.trees[i].root) {
                self.trees[i] = tree;
                return Ok(());
            }
            if !is_empty_list(&tree.root) {
                return self.errorf(format!(
                    "template: multiple definition of template {}",
                    strconv::quote(&tree.name)
                ));
            }
            return Ok(());
        }
        self.trees.push(tree);
        Ok(())
    }

    fn new_tree(&self, name: Rc<str>, root: List) -> Tree {
        Tree {
            name,
            parse_name: self.parse_name.clone(),
            text: self.text.clone(),
            root,
        }
    }

    /// Go: Tree.parse, the top level, which also accepts `{{define}}`.
    fn parse_top(&mut self) -> PResult<List> {
        self.peek();
        let base = self.node_stack.len();
        while self.peek().typ != ItemType::Eof {
            if self.peek().typ == ItemType::LeftDelim {
                let delim = self.next();
                if self.next_non_space().typ == ItemType::Define {
                    let saved = std::mem::replace(&mut self.st, TreeState::new());
                    let r = self.parse_definition();
                    self.st = saved;
                    r?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Parsed::Node(n) => self.node_stack.push(n),
                other => return self.errorf(format!("unexpected {}", other.describe())),
            }
        }
        Ok(List { nodes: self.node_stack.drain(base..).collect() })
    }

    /// Go: parseDefinition; `{{define` has been read.
    fn parse_definition(&mut self) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let name_tok = self.next_non_space();
        if name_tok.typ != ItemType::String && name_tok.typ != ItemType::RawString {
            return self.unexpected(&name_tok, CONTEXT);
        }
        let Ok(name) = unquote(name_tok.val) else {
            return self.errorf("invalid syntax".into());
        };
        self.expect(ItemType::RightDelim, CONTEXT)?;
        let (root, end) = self.item_list()?;
        if !matches!(end, Parsed::End) {
            return self.errorf(format!("unexpected {} in {}", end.describe(), CONTEXT));
        }
        let tree = self.new_tree(Rc::from(name), root);
        self.add(tree)
    }

    /// Go: itemList, up to `{{end}}` or `{{else}}`.
    fn item_list(&mut self) -> PResult<(List, Parsed)> {
        self.peek_non_space();
        let base = self.node_stack.len();
        while self.peek_non_space().typ != ItemType::Eof {
            match self.text_or_action()? {
                Parsed::Node(n) => self.node_stack.push(n),
                end => return Ok((List { nodes: self.node_stack.drain(base..).collect() }, end)),
            }
        }
        self.errorf("unexpected EOF".into())
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Text => Ok(Parsed::Node(Node::Text(TextNode::new(token.pos, &self.text, token.val)))),
            ItemType::LeftDelim => {
                self.st.action_line = token.line;
                let r = self.action();
                self.st.action_line = 0;
                r
            }
            _ => self.unexpected(&token, "input"),
        }
    }

    fn action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Block => return self.block_control(),
            ItemType::Break => return self.break_control(token.pos, true),
            ItemType::Continue => return self.break_control(token.pos, false),
            ItemType::Else => return self.else_control(),
            ItemType::End => {
                self.expect(ItemType::RightDelim, "end")?;
                return Ok(Parsed::End);
            }
            ItemType::If => return self.branch_control("if"),
            ItemType::Range => return self.branch_control("range"),
            ItemType::Template => return self.template_control(),
            ItemType::With => return self.branch_control("with"),
            _ => {}
        }
        self.backup();
        let token = self.peek();
        let pipe = self.pipeline("command", ItemType::RightDelim)?;
        Ok(Parsed::Node(Node::Action(ActionNode {
            pos: token.pos,
            pipe,
        })))
    }

    fn break_control(&mut self, pos: Pos, is_break: bool) -> PResult<Parsed> {
        let what = if is_break {
            "{{break}}"
        } else {
            "{{continue}}"
        };
        let token = self.next_non_space();
        if token.typ != ItemType::RightDelim {
            return self.unexpected(&token, what);
        }
        if self.st.range_depth == 0 {
            return self.errorf(format!("{what} outside {{{{range}}}}"));
        }
        Ok(Parsed::Node(if is_break {
            Node::Break(pos)
        } else {
            Node::Continue(pos)
        }))
    }

    /// Go: pipeline: declarations? command ('|' command)*.
    fn pipeline(&mut self, context: &str, end: ItemType) -> PResult<Pipe> {
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.pipeline_inner(context, end)
        })
    }

    fn pipeline_inner(&mut self, context: &str, end: ItemType) -> PResult<Pipe> {
        let token = self.peek_non_space();
        let mut pipe = Pipe {
            pos: token.pos,
            is_assign: false,
            decl: Box::default(),
            cmds: Seq::default(),
        };
        let mut decl = Vec::new();
        let base = self.cmd_stack.len();
        'decls: loop {
            let v = self.peek_non_space();
            if v.typ == ItemType::Variable {
                self.next();
                // In "$x foo" we need to read "foo" to know $x is an argument,
                // so keep the token after the variable to push it back.
                let token_after_variable = self.peek();
                let next = self.peek_non_space();
                if next.typ == ItemType::Assign || next.typ == ItemType::Declare {
                    pipe.is_assign = next.typ == ItemType::Assign;
                    self.next_non_space();
                    let var = self.new_variable(v.pos, v.val);
                    decl.push(var);
                    self.st.vars.push(v.val);
                } else if next.typ == ItemType::Char && next.val == "," {
                    self.next_non_space();
                    let var = self.new_variable(v.pos, v.val);
                    decl.push(var);
                    self.st.vars.push(v.val);
                    if context == "range" && decl.len() < 2 {
                        match self.peek_non_space().typ {
                            ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => {
                                continue 'decls;
                            }
                            _ => return self.errorf("range can only initialize variables".into()),
                        }
                    }
                    return self.errorf(format!("too many declarations in {context}"));
                } else if token_after_variable.typ == ItemType::Space {
                    self.backup3(v, token_after_variable);
                } else {
                    self.backup2(v);
                }
            }
            break;
        }
        loop {
            let token = self.next_non_space();
            match token.typ {
                t if t == end => {
                    pipe.cmds = Seq::take_from(&mut self.cmd_stack, base);
                    // Trees live for the whole render: no spare capacity.
                    pipe.decl = decl.into_boxed_slice();
                    self.check_pipeline(&pipe, context)?;
                    return Ok(pipe);
                }
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Complex
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    self.cmd_stack.push(cmd);
                    if self.cmd_stack.len() - base > MAX_PIPELINE_CMDS {
                        return self.errorf("pipeline too long".into());
                    }
                }
                _ => return self.unexpected(&token, context),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return self.errorf(format!("missing value for {context}"));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if matches!(
                c.args[0],
                Operand::Bool(..)
                    | Operand::Dot(_)
                    | Operand::Nil(_)
                    | Operand::Number(_)
                    | Operand::String(_)
            ) {
                return self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                ));
            }
        }
        Ok(())
    }

    /// Go: parseControl for if, range and with.
    fn branch_control(&mut self, context: &'static str) -> PResult<Parsed> {
        let vars_len = self.st.vars.len();
        let r = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.branch_control_inner(context)
        });
        self.st.vars.truncate(vars_len);
        r
    }

    fn branch_control_inner(&mut self, context: &'static str) -> PResult<Parsed> {
        if self.st.stack_depth >= MAX_STACK_DEPTH {
            return self.errorf("max control structure depth exceeded".into());
        }
        self.st.stack_depth += 1;
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        if context == "range" {
            self.st.range_depth += 1;
        }
        let (list, next) = self.item_list()?;
        if context == "range" {
            self.st.range_depth -= 1;
        }
        let mut else_list = None;
        match next {
            Parsed::End => {}
            Parsed::Else => {
                // "{{else if}}" / "{{else with}}" nest the next control in the
                // else list; its {{end}} ends both.
                if context == "if" && self.peek().typ == ItemType::If {
                    self.next();
                    let nested = self.branch_control("if")?;
                    else_list = Some(List {
                        nodes: vec![into_node(nested)],
                    });
                } else if context == "with" && self.peek().typ == ItemType::With {
                    self.next();
                    let nested = self.branch_control("with")?;
                    else_list = Some(List {
                        nodes: vec![into_node(nested)],
                    });
                } else {
                    let (l, next) = self.item_list()?;
                    if !matches!(next, Parsed::End) {
                        return self.errorf(format!("expected end; found {}", next.describe()));
                    }
                    else_list = Some(l);
                }
            }
            Parsed::Node(_) => unreachable!("item_list returns only end or else"),
        }
        self.st.stack_depth -= 1;
        let branch = BranchNode {
            pos: pipe.pos,
            pipe,
            list,
            else_list,
        };
        Ok(Parsed::Node(match context {
            "if" => Node::If(Box::new(branch)),
            "range" => Node::Range(Box::new(branch)),
            _ => Node::With(Box::new(branch)),
        }))
    }

    fn else_control(&mut self) -> PResult<Parsed> {
        let peek = self.peek_non_space();
        if peek.typ == ItemType::If || peek.typ == ItemType::With {
            return Ok(Parsed::Else);
        }
        self.expect(ItemType::RightDelim, "else")?;
        Ok(Parsed::Else)
    }

    /// Go: blockControl: `{{block "name" pipeline}} body {{end}}`.
    fn block_control(&mut self) -> PResult<Parsed> {
        const CONTEXT: &str = "block clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, ItemType::RightDelim)?;
        let depth = self.st.stack_depth;
        let mut fresh = TreeState::new();
        fresh.stack_depth = depth + 1;
        if depth >= MAX_STACK_DEPTH {
            return self.errorf("max control structure depth exceeded".into());
        }
        let saved = std::mem::replace(&mut self.st, fresh);
        let body = self.item_list();
        let body = match body {
            Ok(b) => b,
            Err(e) => {
                self.st = saved;
                return Err(e);
            }
        };
        let (root, end) = body;
        let block_state = std::mem::replace(&mut self.st, saved);
        if !matches!(end, Parsed::End) {
            return self.errorf(format!("unexpected {} in {}", end.describe(), CONTEXT));
        }
        // The block's own add() reports with the block tree's tokens.
        let outer = std::mem::replace(&mut self.st, block_state);
        let tree = self.new_tree(Rc::from(name.as_str()), root);
        let added = self.add(tree);
        self.st = outer;
        added?;
        Ok(Parsed::Node(Node::Template(Box::new(TemplateNode {
            pos: token.pos,
            name: Rc::from(name),
            pipe: Some(pipe),
        }))))
    }

    fn template_control(&mut self) -> PResult<Parsed> {
        const CONTEXT: &str = "template clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, CONTEXT)?;
        let mut pipe = None;
        if self.next_non_space().typ != ItemType::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(CONTEXT, ItemType::RightDelim)?);
        }
        Ok(Parsed::Node(Node::Template(Box::new(TemplateNode {
            pos: token.pos,
            name: Rc::from(name),
            pipe,
        }))))
    }

    fn parse_template_name(&self, token: &Item<'a>, context: &str) -> PResult<String> {
        match token.typ {
            ItemType::String | ItemType::RawString => match unquote(token.val) {
                Ok(s) => Ok(s),
                Err(()) => self.errorf("invalid syntax".into()),
            },
            _ => self.unexpected(token, context),
        }
    }

    /// Go: command: operand (space operand)*.
    fn command(&mut self) -> PResult<Command> {
        let mut cmd = Command {
            pos: self.peek_non_space().pos,
            args: Seq::default(),
        };
        let base = self.arg_stack.len();
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                self.arg_stack.push(op);
            }
            let token = self.next();
            match token.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return self.unexpected(&token, "operand"),
            }
            break;
        }
        cmd.args = Seq::take_from(&mut self.arg_stack, base);
        if cmd.args.is_empty() {
            return self.errorf("empty command".into());
        }
        Ok(cmd)
    }

    /// Go: operand: term .Field*.
    fn operand(&mut self) -> PResult<Option<Operand>> {
        // A field or variable term has absorbed the fields after it.
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().typ != ItemType::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields: Vec<Rc<str>> = vec![];
        while self.peek().typ == ItemType::Field {
            let f = self.next();
            fields.push(self.intern(&f.val[1..]));
        }
        // Literals cannot have fields.
        Ok(Some(match node {
            Operand::Bool(..)
            | Operand::String(_)
            | Operand::Number(_)
            | Operand::Nil(_)
            | Operand::Dot(_) => {
                return self.errorf(format!(
                    "unexpected . after term {}",
                    strconv::quote(&node.to_string())
                ));
            }
            other => Operand::Chain(ChainNode {
                pos: chain_pos,
                node: Box::new(other),
                field: fields.into_boxed_slice(),
            }),
        }))
    }

    /// A field or variable term with the fields that follow it, which it
    /// absorbs; the chain is at the position of its second field.
    fn field_or_variable(&mut self, token: Item<'a>) -> PResult<Operand> {
        if token.typ == ItemType::Variable {
            let first = token.val.split('.').next().unwrap_or_default();
            if !self.st.vars.iter().any(|n| *n == first) {
                return self.errorf(format!("undefined variable {}", strconv::quote(first)));
            }
        }
        let mut pos = token.pos;
        let mut end = token.pos + token.val.len();
        if self.peek().typ == ItemType::Field {
            pos = self.peek().pos;
            while self.peek().typ == ItemType::Field {
                let f = self.next();
                end = f.pos + f.val.len();
            }
        }
        // The fields' tokens are adjacent: the chain's text is one slice.
        let ident = self.chain(&self.src[token.pos..end]);
        Ok(if token.typ == ItemType::Variable {
            Operand::Variable(VariableNode { pos, ident })
        } else {
            Operand::Field(FieldNode { pos, ident })
        })
    }

    /// The names of chain `text` (`$x.a.b`: `$x`, `a`, `b`; `.a.b`: `a`, `b`).
    fn chain(&mut self, text: &'a str) -> Rc<[Rc<str>]> {
        if let Some(names) = self.chains.get(text) {
            return names.clone();
        }
        let dotted = text.strip_prefix('.').unwrap_or(text);
        let names: Rc<[Rc<str>]> = dotted.split('.').map(|n| self.intern(n)).collect();
        self.chains.insert(text, names.clone());
        names
    }

    /// A function name, resolved once per distinct name.
    fn function(&mut self, name: &'a str) -> PResult<(Rc<str>, FuncRef)> {
        if let Some(seen) = self.funcs_seen.get(name) {
            return Ok(seen.clone());
        }
        let Some(func) = (self.funcs)(name) else {
            return self.errorf(format!("function {} not defined", strconv::quote(name)));
        };
        let seen = (self.intern(name), func);
        self.funcs_seen.insert(name, seen.clone());
        Ok(seen)
    }

    /// Go: term: a literal, function, `.`, `.Field`, `$`, or `( pipeline )`.
    fn term(&mut self) -> PResult<Option<Operand>> {
        let token = self.next_non_space();
        let node = match token.typ {
            ItemType::Identifier => {
                let (name, func) = self.function(token.val)?;
                Operand::Identifier(IdentifierNode {
                    pos: token.pos,
                    name,
                    func,
                })
            }
            ItemType::Dot => Operand::Dot(token.pos),
            ItemType::Nil => Operand::Nil(token.pos),
            ItemType::Variable | ItemType::Field => self.field_or_variable(token)?,
            ItemType::Bool => Operand::Bool(token.pos, token.val == "true"),
            ItemType::CharConstant | ItemType::Complex | ItemType::Number => {
                let kind = match token.typ {
                    ItemType::CharConstant => NumberKind::Char,
                    ItemType::Complex => NumberKind::Complex,
                    _ => NumberKind::Number,
                };
                let number = match new_number(token.val, kind) {
                    Ok(n) => n,
                    Err(e) => return self.errorf(e),
                };
                let ideal = ideal_constant(token.val, &number);
                Operand::Number(Box::new(NumberNode {
                    pos: token.pos,
                    text: self.intern(token.val),
                    ideal,
                }))
            }
            ItemType::LeftParen => {
                if self.st.stack_depth >= MAX_STACK_DEPTH {
                    return self.errorf("max expression depth exceeded".into());
                }
                self.st.stack_depth += 1;
                let p = self.pipeline("parenthesized pipeline", ItemType::RightParen);
                self.st.stack_depth -= 1;
                Operand::Pipe(Box::new(p?))
            }
            ItemType::String | ItemType::RawString => {
                let (quoted, value) = match self.strings.get(token.val) {
                    Some(seen) => seen.clone(),
                    None => {
                        let value: Rc<str> = match plain_quoted(token.val) {
                            Some(body) => Rc::from(body),
                            None => match unquote(token.val) {
                                Ok(s) => Rc::from(s),
                                Err(()) => return self.errorf("invalid syntax".into()),
                            },
                        };
                        let seen = (Rc::<str>::from(token.val), value);
                        self.strings.insert(token.val, seen.clone());
                        seen
                    }
                };
                Operand::String(StringNode {
                    pos: token.pos,
                    quoted,
                    value,
                })
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some(node))
    }

    /// Go: newVariable: `$x.a.b` split at its dots.
    fn new_variable(&mut self, pos: Pos, text: &'a str) -> VariableNode {
        VariableNode {
            pos,
            ident: self.chain(text),
        }
    }
}

/// The text of a quoted literal that needs no unquoting (no escapes, and
/// for a raw string no carriage returns): what `unquote` would return.
fn plain_quoted(quoted: &str) -> Option<&str> {
    let b = quoted.as_bytes();
    if b.len() < 2 || b[0] != b[b.len() - 1] {
        return None;
    }
    let body = &quoted[1..quoted.len() - 1];
    let plain = match b[0] {
        b'"' => !body.bytes().any(|c| matches!(c, b'\\' | b'"' | b'\n')),
        b'`' => !body.bytes().any(|c| matches!(c, b'`' | b'\r')),
        _ => false,
    };
    plain.then_some(body)
}

fn into_node(p: Parsed) -> Node {
    match p {
        Parsed::Node(n) => n,
        _ => unreachable!("control parsing returns a node"),
    }
}

/// Go: state.idealConstant: the value of a literal whose type is unknown.
fn ideal_constant(text: &str, n: &super::number::Number) -> Result<Value, String> {
    let is_hex_int = text.len() > 2
        && text.starts_with('0')
        && matches!(text.as_bytes()[1], b'x' | b'X')
        && !text.contains(['p', 'P']);
    let is_rune = text.starts_with('\'');
    if n.is_complex {
        return Err(format!("complex constant {text} is not supported"));
    }
    if n.is_float && !is_hex_int && !is_rune && text.contains(['.', 'e', 'E', 'p', 'P']) {
        return Ok(Value::Float(n.float64));
    }
    if n.is_int {
        return Ok(Value::Int(n.int64));
    }
    if n.is_uint {
        return Err(format!("{text} overflows int"));
    }
    Ok(Value::Missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::gotmpl::builtins::Builtin;

    fn funcs(name: &str) -> Option<FuncRef> {
        match name {
            "printf" => Some(FuncRef::Builtin(Builtin::Printf)),
            "contains" => Some(FuncRef::Builtin(Builtin::Print)),
            _ => None,
        }
    }

    fn parse_root(name: &str, input: &str) -> PResult<String> {
        let trees = parse(name, input, &funcs)?;
        let t = trees.iter().find(|t| &*t.name == name).expect("root tree");
        Ok(QuotedText(&t.root).to_string())
    }

    fn err_text(e: &ParseError) -> String {
        format!("template: {}:{}: {}", e.parse_name, e.line, e.message)
    }

    // Go: parseTests in text/template/parse/parse_test.go.
    #[test]
    fn parse_tests_from_go() {
        let ok: &[(&str, &str)] = &[
            ("", ""),
            ("{{/*\n\n\n*/}}", ""),
            (" \t\n", "\" \\t\\n\""),
            ("some text", "\"some text\""),
            ("{{.X}}", "{{.X}}"),
            ("{{printf}}", "{{printf}}"),
            ("{{$}}", "{{$}}"),
            ("{{with $x := 3}}{{$x 23}}{{end}}", "{{with $x := 3}}{{$x 23}}{{end}}"),
            ("{{$.I}}", "{{$.I}}"),
            ("{{printf `%d` 23}}", "{{printf `%d` 23}}"),
            ("{{.X|.Y}}", "{{.X | .Y}}"),
            ("{{$x := .X|.Y}}", "{{$x := .X | .Y}}"),
            ("{{.X (.Y .Z) (.A | .B .C) (.E)}}", "{{.X (.Y .Z) (.A | .B .C) (.E)}}"),
            ("{{(.Y .Z).Field}}", "{{(.Y .Z).Field}}"),
            ("{{if .X}}hello{{end}}", "{{if .X}}\"hello\"{{end}}"),
            ("{{if .X}}true{{else}}false{{end}}", "{{if .X}}\"true\"{{else}}\"false\"{{end}}"),
            ("{{if .X}}true{{else if .Y}}false{{end}}", "{{if .X}}\"true\"{{else}}{{if .Y}}\"false\"{{end}}{{end}}"),
            (
                "+{{if .X}}X{{else if .Y}}Y{{else if .Z}}Z{{end}}+",
                "\"+\"{{if .X}}\"X\"{{else}}{{if .Y}}\"Y\"{{else}}{{if .Z}}\"Z\"{{end}}{{end}}{{end}}\"+\"",
            ),
            ("{{range .X}}hello{{end}}", "{{range .X}}\"hello\"{{end}}"),
            ("{{range .X.Y.Z}}hello{{end}}", "{{range .X.Y.Z}}\"hello\"{{end}}"),
            (
                "{{range .X}}hello{{range .Y}}goodbye{{end}}{{end}}",
                "{{range .X}}\"hello\"{{range .Y}}\"goodbye\"{{end}}{{end}}",
            ),
            ("{{range .X}}true{{else}}false{{end}}", "{{range .X}}\"true\"{{else}}\"false\"{{end}}"),
            ("{{range .X|.M}}true{{else}}false{{end}}", "{{range .X | .M}}\"true\"{{else}}\"false\"{{end}}"),
            ("{{range .SI}}{{.}}{{end}}", "{{range .SI}}{{.}}{{end}}"),
            ("{{range $x := .SI}}{{.}}{{end}}", "{{range $x := .SI}}{{.}}{{end}}"),
            ("{{range $x, $y := .SI}}{{.}}{{end}}", "{{range $x, $y := .SI}}{{.}}{{end}}"),
            ("{{range .SI}}{{.}}{{break}}{{end}}", "{{range .SI}}{{.}}{{break}}{{end}}"),
            ("{{range .SI}}{{.}}{{continue}}{{end}}", "{{range .SI}}{{.}}{{continue}}{{end}}"),
            ("{{range .SI 1 -3.2i true false 'a' nil}}{{end}}", "{{range .SI 1 -3.2i true false 'a' nil}}{{end}}"),
            ("{{template `x`}}", "{{template \"x\"}}"),
            ("{{template `x` .Y}}", "{{template \"x\" .Y}}"),
            ("{{with .X}}hello{{end}}", "{{with .X}}\"hello\"{{end}}"),
            ("{{with .X}}hello{{else}}goodbye{{end}}", "{{with .X}}\"hello\"{{else}}\"goodbye\"{{end}}"),
            (
                "{{with .X}}hello{{else with .Y}}goodbye{{end}}",
                "{{with .X}}\"hello\"{{else}}{{with .Y}}\"goodbye\"{{end}}{{end}}",
            ),
            (
                "{{with .X}}X{{else with .Y}}Y{{else with .Z}}Z{{end}}",
                "{{with .X}}\"X\"{{else}}{{with .Y}}\"Y\"{{else}}{{with .Z}}\"Z\"{{end}}{{end}}{{end}}",
            ),
            ("x \r\n\t{{- 3}}", "\"x\"{{3}}"),
            ("{{3 -}}\n\n\ty", "{{3}}\"y\""),
            ("x \r\n\t{{- 3 -}}\n\n\ty", "\"x\"{{3}}\"y\""),
            ("x\n{{-  3   -}}\ny", "\"x\"{{3}}\"y\""),
            ("x \r\n\t{{- /* hi */}}", "\"x\""),
            ("{{/* hi */ -}}\n\n\ty", "\"y\""),
            ("x \r\n\t{{- /* */ -}}\n\n\ty", "\"x\"\"y\""),
            ("{{block \"foo\" .}}hello{{end}}", "{{template \"foo\" .}}"),
            ("{{ $x \n := \n 1 \n }}", "{{$x := 1}}"),
            ("{{\n\"x\"\n|\nprintf\n}}", "{{\"x\" | printf}}"),
            ("{{/*\nhello\n*/}}", ""),
            ("{{-\n/*\nhello\n*/\n-}}", ""),
            ("{{range .SI}}{{.}}{{ continue }}{{end}}", "{{range .SI}}{{.}}{{continue}}{{end}}"),
            ("{{range .SI}}{{.}}{{ break }}{{end}}", "{{range .SI}}{{.}}{{break}}{{end}}"),
            ("{{$x := 0}}{{$x}}", "{{$x := 0}}{{$x}}"),
            ("{{$x:=.}}{{$x +2}}", "{{$x := .}}{{$x +2}}"),
            ("{{range $x := 0}}{{$x}}{{end}}", "{{range $x := 0}}{{$x}}{{end}}"),
            ("{{range $x = 0}}{{$x}}{{end}}", "{{range $x = 0}}{{$x}}{{end}}"),
            ("{{ (( 1 )) }}", "{{((1))}}"),
            ("{{ ((( 1 ))) | printf }}", "{{(((1))) | printf}}"),
        ];
        for (input, want) in ok {
            match parse_root("test", input) {
                Ok(got) => assert_eq!(&got, want, "input {input:?}"),
                Err(e) => panic!("{input:?}: unexpected error {}", err_text(&e)),
            }
        }
        let bad: &[&str] = &[
            "{{}}",
            "{{\n}}",
            "hello{{range",
            "{{end}}",
            "{{else}}",
            "{{if .X}}hello{{end}}{{else}}",
            "{{if .X}}1{{else}}2{{else}}3{{end}}",
            "hello{{range .x}}",
            "hello{{range .x}}{{else}}",
            "hello{{undefined}}",
            "{{$x}}",
            "{{with $x := 4}}{{end}}{{$x}}",
            "{{template $v}}",
            "{{with $x.Y := 4}}{{end}}",
            "{{template .X}}",
            "{{printf 3, 4}}",
            "{{with $v, $u := 3}}{{end}}",
            "{{range $u, $v, $w := 3}}{{end}}",
            "{{printf (printf .).}}",
            "{{printf 3`x`}}",
            "{{printf `x`.}}",
            "{{if .X}}a{{else if .Y}}b{{end}}{{end}}",
            "{{range .}}{{end}} {{break}}",
            "{{range .}}{{end}} {{continue}}",
            "{{range .}}{{else}}{{break}}{{end}}",
            "{{range .}}{{else}}{{continue}}{{end}}",
            "{{$x += 1}}{{$x}}",
            "{{$x ! 2}}{{$x}}",
            "{{$x % 3}}{{$x}}",
            "{{range $x := $y := 3}}{{end}}",
            "{{$x:=.}}{{$x!2}}",
            "{{$x:=.}}{{$x+2}}",
            "{{1.E}}",
            "{{0.1.E}}",
            "{{true.E}}",
            "{{'a'.any}}",
            "{{\"hello\".guys}}",
            "{{..E}}",
            "{{nil.E}}",
            "{{12|.}}",
            "{{.|12|printf}}",
            "{{.|printf|\"error\"}}",
            "{{12|printf|'e'}}",
            "{{.|true}}",
            "{{'c'|nil}}",
            "{{printf \"%d\" ( ) }}",
            "{{block \"foo\"}}hello{{end}}",
        ];
        for input in bad {
            assert!(
                parse_root("test", input).is_err(),
                "expected error for {input:?}"
            );
        }
    }

    // Go: errorTests in parse_test.go (the error text must contain the result).
    #[test]
    fn error_tests_from_go() {
        let cases: &[(&str, &str, &str)] = &[
            ("unclosed1", "line1\n{{", "unclosed1:2: unclosed action"),
            (
                "unclosed2",
                "line1\n{{define `x`}}line2\n{{",
                "unclosed2:3: unclosed action",
            ),
            (
                "unclosed3",
                "line1\n{{\"x\"\n\"y\"\n",
                "unclosed3:4: unclosed action started at unclosed3:2",
            ),
            (
                "unclosed4",
                "{{\n\n\n\n\n",
                "unclosed4:6: unclosed action started at unclosed4:1",
            ),
            (
                "var1",
                "line1\n{{\nx\n}}",
                "var1:3: function \"x\" not defined",
            ),
            ("function", "{{foo}}", "function \"foo\" not defined"),
            ("comment1", "{{/*}}", "comment1:1: unclosed comment"),
            (
                "comment2",
                "{{/*\nhello\n}}",
                "comment2:1: unclosed comment",
            ),
            ("lparen", "{{.X (1 2 3}}", "unclosed left paren"),
            ("rparen", "{{.X 1 2 3 ) }}", "unexpected right paren"),
            ("rparen2", "{{(.X 1 2 3", "unclosed action"),
            ("space", "{{`x`3}}", "in operand"),
            ("idchar", "{{a#}}", "'#'"),
            ("charconst", "{{'a}}", "unterminated character constant"),
            ("stringconst", "{{\"a}}", "unterminated quoted string"),
            ("rawstringconst", "{{`a}}", "unterminated raw quoted string"),
            ("number", "{{0xi}}", "number syntax"),
            (
                "multidefine",
                "{{define `a`}}a{{end}}{{define `a`}}b{{end}}",
                "multiple definition of template",
            ),
            ("eof", "{{range .X}}", "unexpected EOF"),
            (
                "variable",
                "{{$x := 23}}{{with $x.y := 3}}{{$x 23}}{{end}}",
                "unexpected \":=\"",
            ),
            ("multidecl", "{{$a,$b,$c := 23}}", "too many declarations"),
            ("undefvar", "{{$a}}", "undefined variable"),
            ("wrongdot", "{{true.any}}", "unexpected . after term"),
            (
                "wrongpipeline",
                "{{12|false}}",
                "non executable command in pipeline",
            ),
            (
                "emptypipeline",
                "{{ ( ) }}",
                "missing value for parenthesized pipeline",
            ),
            (
                "multilinerawstring",
                "{{ $v := `\n` }} {{",
                "multilinerawstring:2: unclosed action",
            ),
            ("rangeundefvar", "{{range $k}}{{end}}", "undefined variable"),
            (
                "rangeundefvars",
                "{{range $k, $v}}{{end}}",
                "undefined variable",
            ),
            (
                "rangemissingvalue1",
                "{{range $k,}}{{end}}",
                "missing value for range",
            ),
            (
                "rangemissingvalue2",
                "{{range $k, $v := }}{{end}}",
                "missing value for range",
            ),
            (
                "rangenotvariable1",
                "{{range $k, .}}{{end}}",
                "range can only initialize variables",
            ),
            (
                "rangenotvariable2",
                "{{range $k, 123 := .}}{{end}}",
                "range can only initialize variables",
            ),
        ];
        for (name, input, want) in cases {
            let e = parse_root(name, input).expect_err(name);
            let text = err_text(&e);
            assert!(
                text.contains(want),
                "{name}: error {text:?} does not contain {want:?}"
            );
        }
    }

    #[test]
    fn exact_error_texts() {
        let e = parse_root("chart/templates/x.yaml", "a\nb\n{{ foo }}").unwrap_err();
        assert_eq!(
            err_text(&e),
            "template: chart/templates/x.yaml:3: function \"foo\" not defined"
        );
        let e = parse_root("t", "{{ .a }").unwrap_err();
        assert_eq!(err_text(&e), "template: t:1: unexpected \"}\" in operand");
        let e = parse_root("t", "{{ if .a }}x").unwrap_err();
        assert_eq!(err_text(&e), "template: t:1: unexpected EOF");
        let e = parse_root("t", "{{end}}").unwrap_err();
        assert_eq!(err_text(&e), "template: t:1: unexpected {{end}}");
        let e = parse_root("t", "{{if .X}}1{{else}}2{{else}}3{{end}}").unwrap_err();
        assert_eq!(err_text(&e), "template: t:1: expected end; found {{else}}");
        let e = parse_root("t", "{{range .}}{{end}} {{break}}").unwrap_err();
        assert_eq!(err_text(&e), "template: t:1: {{break}} outside {{range}}");
        let e = parse_root("t", "{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}").unwrap_err();
        assert_eq!(
            err_text(&e),
            "template: t:1: template: multiple definition of template \"a\""
        );
        let e = parse_root("t", "{{ 99999999999999999999 }}").unwrap_err();
        assert_eq!(
            err_text(&e),
            "template: t:1: integer overflow: \"99999999999999999999\""
        );
        let e = parse_root("t", "{{ \"\\q\" }}").unwrap_err();
        assert_eq!(err_text(&e), "template: t:1: invalid syntax");
        let e = parse_root("t", "{{ .a | 3 }}").unwrap_err();
        assert_eq!(
            err_text(&e),
            "template: t:1: non executable command in pipeline stage 2"
        );
    }

    #[test]
    fn defines_and_blocks_make_trees() {
        let trees = parse("outer", "a{{block \"inner\" .}}bar{{.}}baz{{end}}b", &funcs).unwrap();
        let outer = trees.iter().find(|t| &*t.name == "outer").unwrap();
        assert_eq!(outer.root.to_string(), "a{{template \"inner\" .}}b");
        let inner = trees.iter().find(|t| &*t.name == "inner").unwrap();
        assert_eq!(inner.root.to_string(), "bar{{.}}baz");
        // An empty redefinition in the same text keeps the first body.
        let trees = parse("t", "{{define `a`}}x{{end}}{{define `a`}} {{end}}", &funcs).unwrap();
        let a = trees.iter().find(|t| &*t.name == "a").unwrap();
        assert_eq!(a.root.to_string(), "x");
    }

    // Go: isEmptyTests.
    #[test]
    fn empty_trees() {
        let cases = [
            ("", true),
            ("hello", false),
            (" \t\n \t\n", true),
            ("{{/* comment */}}", true),
            ("{{define \"x\"}}something{{end}}", true),
            (
                "{{define `x`}}something{{end}}\n\n{{define `y`}}something{{end}}\n\n",
                true,
            ),
            (
                "{{define `x`}}something{{end}}\nx\n{{define `y`}}something{{end}}\ny\n",
                false,
            ),
            ("{{define `x`}}something{{end}}{{if 3}}foo{{end}}", false),
        ];
        for (input, empty) in cases {
            let trees = parse("root", input, &funcs).unwrap();
            let root = trees.iter().find(|t| &*t.name == "root").unwrap();
            assert_eq!(is_empty_list(&root.root), empty, "{input:?}");
        }
    }

    #[test]
    fn field_chain_position_is_the_chained_field() {
        // Go puts a merged field chain at the position of its second field,
        // which is where Helm's error columns point.
        let trees = parse("t", "{{- .Values.nonexistant.key }}", &funcs).unwrap();
        let Node::Action(a) = &trees[0].root.nodes[0] else {
            panic!()
        };
        assert_eq!(a.pipe.cmds[0].args[0].pos(), 11);
    }
}
