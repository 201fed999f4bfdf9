//! Go's text/template, our own: lexer → parser → tree → executor, with the
//! same semantics and error texts as Go (as used by Helm).
