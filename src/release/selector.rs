//! Kubernetes label selectors (`list -l`): `k=v`, `k==v`, `k!=v`,
//! `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, `k>1`, `k<1`, comma-separated,
//! all required. Matching follows k8s.io/apimachinery/pkg/labels
//! (Requirement.Matches): `!=` and `notin` also match a missing label.

use std::collections::BTreeMap;

use super::error::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    Equals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Requirement {
    key: String,
    op: Op,
    values: Vec<String>,
}

/// A parsed selector; the empty selector matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    Comma,
    Eq,
    DoubleEq,
    NotEq,
    Bang,
    Open,
    Close,
    Gt,
    Lt,
}

fn lex(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            ',' | '(' | ')' | '<' | '>' => {
                chars.next();
                tokens.push(match c {
                    ',' => Token::Comma,
                    '(' => Token::Open,
                    ')' => Token::Close,
                    '<' => Token::Lt,
                    _ => Token::Gt,
                });
            }
            '=' => {
                chars.next();
                if chars.peek() == Some(&'=') {
                    chars.next();
                    tokens.push(Token::DoubleEq);
                } else {
                    tokens.push(Token::Eq);
                }
            }
            '!' => {
                chars.next();
                if chars.peek() == Some(&'=') {
                    chars.next();
                    tokens.push(Token::NotEq);
                } else {
                    tokens.push(Token::Bang);
                }
            }
            _ => {
                let mut ident = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || ",()<>=!".contains(c) {
                        break;
                    }
                    ident.push(c);
                    chars.next();
                }
                tokens.push(Token::Ident(ident));
            }
        }
    }
    tokens
}

impl LabelSelector {
    /// Go: labels.Parse.
    pub fn parse(text: &str) -> Result<LabelSelector, StoreError> {
        let err =
            |msg: String| StoreError::InvalidFilter(format!("unable to parse requirement: {msg} in selector {text:?}"));
        let tokens = lex(text);
        let mut pos = 0;
        let mut requirements = Vec::new();
        if tokens.is_empty() {
            return Ok(LabelSelector::default());
        }
        loop {
            let req = match tokens.get(pos) {
                Some(Token::Bang) => {
                    pos += 1;
                    match tokens.get(pos) {
                        Some(Token::Ident(k)) => {
                            pos += 1;
                            Requirement { key: k.clone(), op: Op::DoesNotExist, values: vec![] }
                        }
                        _ => return Err(err("expected a label key after '!'".into())),
                    }
                }
                Some(Token::Ident(k)) => {
                    pos += 1;
                    let key = k.clone();
                    match tokens.get(pos) {
                        None | Some(Token::Comma) => Requirement { key, op: Op::Exists, values: vec![] },
                        Some(Token::Eq) | Some(Token::DoubleEq) | Some(Token::NotEq) => {
                            let op = if tokens[pos] == Token::NotEq { Op::NotEquals } else { Op::Equals };
                            pos += 1;
                            // `k=` selects the empty value.
                            let value = match tokens.get(pos) {
                                Some(Token::Ident(v)) => {
                                    pos += 1;
                                    v.clone()
                                }
                                None | Some(Token::Comma) => String::new(),
                                Some(t) => return Err(err(format!("unexpected {t:?} after operator"))),
                            };
                            Requirement { key, op, values: vec![value] }
                        }
                        Some(Token::Gt) | Some(Token::Lt) => {
                            let op = if tokens[pos] == Token::Gt { Op::GreaterThan } else { Op::LessThan };
                            pos += 1;
                            match tokens.get(pos) {
                                Some(Token::Ident(v)) if v.parse::<i64>().is_ok() => {
                                    pos += 1;
                                    Requirement { key, op, values: vec![v.clone()] }
                                }
                                _ => return Err(err("for 'Gt', 'Lt' operators, the value must be an integer".into())),
                            }
                        }
                        Some(Token::Ident(word)) if word == "in" || word == "notin" => {
                            let op = if word == "in" { Op::In } else { Op::NotIn };
                            pos += 1;
                            if tokens.get(pos) != Some(&Token::Open) {
                                return Err(err("found no '(' after in/notin".into()));
                            }
                            pos += 1;
                            let mut values = Vec::new();
                            loop {
                                match tokens.get(pos) {
                                    Some(Token::Ident(v)) => {
                                        values.push(v.clone());
                                        pos += 1;
                                    }
                                    Some(Token::Comma) | Some(Token::Close) => values.push(String::new()),
                                    _ => return Err(err("expected a value list closed by ')'".into())),
                                }
                                match tokens.get(pos) {
                                    Some(Token::Comma) => pos += 1,
                                    Some(Token::Close) => {
                                        pos += 1;
                                        break;
                                    }
                                    _ => return Err(err("expected ',' or ')' in value list".into())),
                                }
                            }
                            Requirement { key, op, values }
                        }
                        Some(t) => return Err(err(format!("unexpected {t:?} after key {key:?}"))),
                    }
                }
                Some(t) => return Err(err(format!("unexpected {t:?}"))),
                None => return Err(err("expected a requirement".into())),
            };
            if req.key.is_empty() {
                return Err(err("empty label key".into()));
            }
            requirements.push(req);
            match tokens.get(pos) {
                None => break,
                Some(Token::Comma) => pos += 1,
                Some(t) => return Err(err(format!("unexpected {t:?}, expected ','"))),
            }
        }
        Ok(LabelSelector { requirements })
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// Go: internalSelector.Matches (every requirement holds).
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| {
            let value = labels.get(&r.key);
            match r.op {
                Op::Equals | Op::In => value.is_some_and(|v| r.values.contains(v)),
                Op::NotEquals | Op::NotIn => value.is_none_or(|v| !r.values.contains(v)),
                Op::Exists => value.is_some(),
                Op::DoesNotExist => value.is_none(),
                Op::GreaterThan | Op::LessThan => {
                    let (Some(have), Ok(want)) =
                        (value.and_then(|v| v.parse::<i64>().ok()), r.values[0].parse::<i64>())
                    else {
                        return false;
                    };
                    if r.op == Op::GreaterThan {
                        have > want
                    } else {
                        have < want
                    }
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    // Expectations from k8s.io/apimachinery/pkg/labels selector_test.go semantics.
    #[test]
    fn matches_like_kubernetes() {
        let l = labels(&[("team", "a"), ("tier", "web"), ("n", "5")]);
        let yes = [
            "",
            "team=a",
            "team==a",
            "team=a,tier=web",
            "team in (a,b)",
            "env notin (prod)",
            "team",
            "!env",
            "env!=x",
            "n>4",
            "n<6",
            " team = a , tier in ( web ) ",
        ];
        let no = ["team=b", "team!=a", "team notin (a)", "env", "!team", "env in (x)", "n>5", "tier<1"];
        for s in yes {
            assert!(LabelSelector::parse(s).unwrap().matches(&l), "{s} should match");
        }
        for s in no {
            assert!(!LabelSelector::parse(s).unwrap().matches(&l), "{s} should not match");
        }
        assert!(LabelSelector::parse("team=").unwrap().matches(&labels(&[("team", "")])));
    }

    #[test]
    fn rejects_malformed() {
        for s in ["=a", "team in a", "team in (a", "n>x", "a b", "!", "a,,b"] {
            assert!(LabelSelector::parse(s).is_err(), "{s} should be rejected");
        }
    }
}
