//! Execution tests for the template engine, with expectations taken from
//! Go's text/template tests (exec_test.go) and Helm's engine tests.
