//! Message filters: a CEL expression a browse evaluates on each record it
//! reads, keeping the records it is true for.
//!
//! A filter sees a record's `key`, `value` (as JSON, see [`FilterInput`]),
//! `headers`, `partition`, `offset` and `timestamp`, and nothing else: it is
//! compiled once per request and refused before any broker call when it is
//! not valid CEL, longer than [`FILTER_MAX_BYTES`], nested deeper than
//! [`FILTER_MAX_DEPTH`] or names any other variable. Those two bounds keep one
//! evaluation small: the work is then proportional to the parts of the
//! record the expression reads (times the list sizes of nested `exists`,
//! `all`, `map` or `filter`).
//!
//! Records differ: a field one has is missing from the next, a tombstone has
//! no value. An evaluation that fails (`no such key`, a comparison of a
//! string with a number) or that gives something other than a bool is an
//! [`EvalError`], which the browse counts as a record that does not match
//! rather than failing the whole scan.
//!
//! `matches` compiles its pattern on every call (as `cel` 0.15 does), some
//! 10 µs a record; a constant pattern is checked once, when the filter is.
//!
//! [`Filter::references`] lists the fields the expression reads, so that a
//! filter on a masked field can be refused: a filter would otherwise reveal
//! what the mask hides, one guess at a time.

use std::{
    collections::HashMap,
    sync::{Arc, LazyLock},
};

use cel::{
    Context, Env, Value,
    common::{
        ast::{CallExpr, EntryExpr, Expr, IdedExpr, LiteralValue, SourceInfo, operators},
        types::{CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt},
        value::Val,
    },
    parser::{ParseErrors, Parser},
};

use crate::error::ApiError;

/// Longest filter accepted, in bytes.
pub const FILTER_MAX_BYTES: usize = 2048;

/// Deepest nesting of a filter's syntax tree (an operator, a call, a field
/// selection each go one level down; `a && b && c` is balanced by the parser).
pub const FILTER_MAX_DEPTH: usize = 32;

/// Stack of the thread that parses a filter.
const PARSE_STACK_BYTES: usize = 16 << 20;

/// The variables a filter may use, in the order error messages list them.
const VARIABLES: [&str; 6] = ["key", "value", "headers", "partition", "offset", "timestamp"];

/// The variables whose fields [`Filter::references`] follows.
const ROOTS: [&str; 3] = ["key", "value", "headers"];

/// Type names CEL resolves as identifiers (`type(value.id) == string`).
const TYPES: [&str; 10] = [
    "bool",
    "bytes",
    "double",
    "int",
    "list",
    "map",
    "null_type",
    "string",
    "type",
    "uint",
];

/// The standard library and macros, built once.
static ENV: LazyLock<Arc<Env>> = LazyLock::new(|| Arc::new(Env::stdlib()));

/// What a filter sees of one record. `key` and `value` are JSON: the decoded
/// value when the record was decoded with a registry schema, the parsed JSON
/// when the bytes are JSON text, a JSON string for other UTF-8 text, `null`
/// for a missing key, a tombstone or binary data.
pub struct FilterInput<'a> {
    pub key: &'a serde_json::Value,
    pub value: &'a serde_json::Value,
    /// In record order; of duplicate names the filter sees the last.
    pub headers: &'a [(String, Option<String>)],
    pub partition: i32,
    pub offset: i64,
    /// Unix milliseconds; CEL sees an int, or null.
    pub timestamp: Option<i64>,
}

/// A compiled filter: compiled once per request, evaluated per record.
#[derive(Debug)]
pub struct Filter {
    source: String,
    expression: IdedExpr,
    /// Which of [`VARIABLES`] the expression uses: only those are converted.
    uses: [bool; VARIABLES.len()],
    references: Vec<Vec<String>>,
}

/// Why a record could not be matched (the filter failed on it, or did not
/// give a bool): the record counts as not matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError(pub String);

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EvalError {}

impl Filter {
    /// Parses and checks `source`; every refusal is `invalid_filter` with a
    /// message that names the position.
    pub fn compile(source: &str) -> Result<Self, ApiError> {
        if source.len() > FILTER_MAX_BYTES {
            return Err(invalid(format!(
                "The filter is {} bytes long; it may be at most {FILTER_MAX_BYTES} bytes.",
                source.len()
            )));
        }
        if source.trim().is_empty() {
            return Err(invalid(
                "The filter is empty: write an expression, e.g. value.status == \"paid\".",
            ));
        }
        // The generated parser recurses deeply: a few hundred KB for
        // FILTER_MAX_DEPTH levels in a release build, megabytes in a debug one,
        // more than a worker thread may have left.
        let (expression, info) = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("filter-parse".into())
                .stack_size(PARSE_STACK_BYTES)
                .spawn_scoped(scope, || {
                    Parser::new()
                        .max_recursion_depth(FILTER_MAX_DEPTH as u16)
                        .parse_with_source_info(source)
                        .map_err(|errors| syntax_error(&errors))
                })
                .map_err(ApiError::internal)?
                .join()
                .map_err(|_| ApiError::internal(format!("the CEL parser panicked on {source:?}")))?
        })?;
        let mut check = Check {
            info: &info,
            bound: Vec::new(),
            uses: [false; VARIABLES.len()],
            references: Vec::new(),
        };
        check.walk(&expression, 1, true)?;
        Ok(Self {
            source: source.to_owned(),
            uses: check.uses,
            references: check.references,
            expression,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the record matches; see the module documentation for what an
    /// error means.
    pub fn matches(&self, record: &FilterInput<'_>) -> Result<bool, EvalError> {
        let mut context = Context::with_env(Arc::clone(&ENV));
        for (name, _) in VARIABLES.iter().zip(self.uses).filter(|(_, used)| *used) {
            let value: Box<dyn Val + '_> = match *name {
                "key" => json(record.key),
                "value" => json(record.value),
                "headers" => headers(record.headers),
                "partition" => Box::new(CelInt::from(i64::from(record.partition))),
                "offset" => Box::new(CelInt::from(record.offset)),
                _ => match record.timestamp {
                    Some(ms) => Box::new(CelInt::from(ms)),
                    None => Box::new(CelNull),
                },
            };
            context.add_variable_as_val(*name, value);
        }
        match context.resolve(&self.expression) {
            Ok(Value::Bool(matched)) => Ok(matched),
            Ok(other) => Err(EvalError(format!(
                "The filter gave {} {}, not true or false.",
                article(&other.type_of().to_string()),
                other.type_of()
            ))),
            Err(error) => Err(EvalError(error.to_string())),
        }
    }

    /// The field paths the expression reads, rooted at `key`, `value` or
    /// `headers`, each once: `value.card.number` and `value["card"]["number"]`
    /// are `["value", "card", "number"]`. A path stops before an index that is
    /// not a constant string (`value.items[0].id` is `["value", "items"]`), and
    /// at the list a comprehension iterates over.
    pub fn references(&self) -> &[Vec<String>] {
        &self.references
    }
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::invalid("filter", "invalid_filter", message)
}

/// The first parse error, as a sentence with its line and column.
fn syntax_error(errors: &ParseErrors) -> ApiError {
    let Some(error) = errors.errors.first() else {
        return invalid("The filter could not be parsed.");
    };
    let what = error.msg.strip_prefix("Syntax error: ").unwrap_or(&error.msg);
    let what = what.trim_end_matches('.');
    let (line, column) = error.pos;
    if line < 1 || column < 1 {
        invalid(format!("The filter could not be parsed: {what}."))
    } else if what.contains("Recursion limit") {
        // The parser's own bound, met before the tree is built.
        too_deep(&format!("line {line}, column {column}"))
    } else {
        invalid(format!(
            "The filter has a syntax error at line {line}, column {column}: {what}."
        ))
    }
}

fn too_deep(at: &str) -> ApiError {
    invalid(format!(
        "The filter is nested too deeply at {at}: it may nest at most {FILTER_MAX_DEPTH} levels."
    ))
}

/// "line L, column C" of a byte offset (columns count characters, from 1).
fn position(source: &str, offset: usize) -> String {
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {column}")
}

/// The compile-time walk: depth, variables, constant regexes and references.
struct Check<'a> {
    info: &'a SourceInfo,
    /// Comprehension variables in scope, innermost last.
    bound: Vec<&'a str>,
    uses: [bool; VARIABLES.len()],
    references: Vec<Vec<String>>,
}

impl<'a> Check<'a> {
    fn at(&self, node: &IdedExpr) -> String {
        let source = &self.info.source;
        match self.info.offset_for(node.id) {
            Some((start, _)) => position(source, start as usize),
            None => "an unknown position".to_owned(),
        }
    }

    /// Checks `node` and what it contains; `record`: whether a field path it
    /// spells is a reference (not when it is part of a longer one).
    fn walk(&mut self, node: &'a IdedExpr, depth: usize, record: bool) -> Result<(), ApiError> {
        if depth > FILTER_MAX_DEPTH {
            return Err(too_deep(&self.at(node)));
        }
        let path = if record { self.path(node) } else { None };
        let record = match path {
            Some(path) if !self.references.contains(&path) => {
                self.references.push(path);
                false
            }
            Some(_) => false,
            None => record,
        };
        match &node.expr {
            Expr::Ident(name) => self.ident(node, name),
            Expr::Select(select) => self.walk(&select.operand, depth + 1, record),
            Expr::Call(call) => {
                self.regex(call)?;
                if let Some(target) = &call.target {
                    self.walk(target, depth + 1, record)?;
                }
                call.args
                    .iter()
                    .try_for_each(|arg| self.walk(arg, depth + 1, record))
            }
            Expr::List(list) => list
                .elements
                .iter()
                .try_for_each(|e| self.walk(e, depth + 1, record)),
            Expr::Map(map) => map.entries.iter().try_for_each(|entry| match &entry.expr {
                EntryExpr::MapEntry(e) => {
                    self.walk(&e.key, depth + 1, record)?;
                    self.walk(&e.value, depth + 1, record)
                }
                EntryExpr::StructField(f) => self.walk(&f.value, depth + 1, record),
            }),
            Expr::Struct(_) => Err(invalid(format!(
                "The filter builds a message at {}; filters can only read the record.",
                self.at(node)
            ))),
            Expr::Comprehension(c) => {
                self.walk(&c.iter_range, depth + 1, record)?;
                let scope = self.bound.len();
                self.bound.push(&c.iter_var);
                self.bound.extend(c.iter_var2.as_deref());
                self.bound.push(&c.accu_var);
                for part in [&c.accu_init, &c.loop_cond, &c.loop_step, &c.result] {
                    self.walk(part, depth + 1, record)?;
                }
                self.bound.truncate(scope);
                Ok(())
            }
            Expr::Literal(_) | Expr::Unspecified => Ok(()),
        }
    }

    fn ident(&mut self, node: &IdedExpr, name: &str) -> Result<(), ApiError> {
        if self.bound.contains(&name) || TYPES.contains(&name) {
            return Ok(());
        }
        match VARIABLES.iter().position(|v| *v == name) {
            Some(i) => {
                self.uses[i] = true;
                Ok(())
            }
            None => Err(invalid(format!(
                "The filter uses {name} at {}, which is not a variable here; \
                 the variables are key, value, headers, partition, offset and timestamp.",
                self.at(node)
            ))),
        }
    }

    /// A constant pattern of `matches` must be a valid regular expression.
    fn regex(&self, call: &CallExpr) -> Result<(), ApiError> {
        let pattern = match (call.func_name.as_str(), &call.target, call.args.as_slice()) {
            ("matches", Some(_), [pattern]) | ("matches", None, [_, pattern]) => pattern,
            _ => return Ok(()),
        };
        let Expr::Literal(LiteralValue::String(text)) = &pattern.expr else {
            return Ok(());
        };
        match regex::Regex::new(text.inner()) {
            Ok(_) => Ok(()),
            Err(error) => {
                // The regex crate's message draws the pattern over several lines.
                let error = error.to_string();
                let why = error
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .trim_start_matches("error: ");
                Err(invalid(format!(
                    "The filter's regular expression at {} is not valid: {why}.",
                    self.at(pattern)
                )))
            }
        }
    }

    /// The field path `node` spells, if it is one rooted at key, value or
    /// headers; one that ends in a dynamic index is the path before it.
    fn path(&self, node: &IdedExpr) -> Option<Vec<String>> {
        match &node.expr {
            Expr::Ident(name) if ROOTS.contains(&name.as_str()) && !self.bound.contains(&name.as_str()) => {
                Some(vec![name.clone()])
            }
            Expr::Select(select) => {
                let mut path = self.whole_path(&select.operand)?;
                path.push(select.field.clone());
                Some(path)
            }
            Expr::Call(call) if call.func_name == operators::INDEX && call.args.len() == 2 => {
                let mut path = self.whole_path(&call.args[0])?;
                match &call.args[1].expr {
                    Expr::Literal(LiteralValue::String(field)) => path.push(field.inner().to_owned()),
                    // Recorded when the walk reaches the indexed operand.
                    _ => return None,
                }
                Some(path)
            }
            _ => None,
        }
    }

    /// Like [`Check::path`], for an operand: only a path that is not cut short
    /// by a dynamic index can be extended.
    fn whole_path(&self, node: &IdedExpr) -> Option<Vec<String>> {
        match &node.expr {
            Expr::Call(call)
                if call.func_name == operators::INDEX
                    && !matches!(
                        call.args.get(1).map(|i| &i.expr),
                        Some(Expr::Literal(LiteralValue::String(_)))
                    ) =>
            {
                None
            }
            _ => self.path(node),
        }
    }
}

/// A JSON value as CEL sees it, borrowing its strings.
fn json(value: &serde_json::Value) -> Box<dyn Val + '_> {
    use serde_json::Value as Json;
    match value {
        Json::Null => Box::new(CelNull),
        Json::Bool(b) => Box::new(CelBool::from(*b)),
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Box::new(CelInt::from(i)),
            (None, Some(u)) => Box::new(CelUInt::from(u)),
            _ => Box::new(CelDouble::from(n.as_f64().unwrap_or(f64::NAN))),
        },
        Json::String(s) => Box::new(CelString::from(s.as_str())),
        Json::Array(items) => Box::new(CelList::from(items.iter().map(json).collect::<Vec<_>>())),
        Json::Object(fields) => Box::new(CelMap::from(
            fields
                .iter()
                .map(|(k, v)| (CelMapKey::from(k.as_str()), json(v)))
                .collect::<HashMap<_, _>>(),
        )),
    }
}

/// Headers as a map of name to string or null; of duplicates the last wins.
fn headers(headers: &[(String, Option<String>)]) -> Box<dyn Val + '_> {
    let map: HashMap<_, _> = headers
        .iter()
        .map(|(name, value)| {
            let value: Box<dyn Val> = match value {
                Some(text) => Box::new(CelString::from(text.as_str())),
                None => Box::new(CelNull),
            };
            (CelMapKey::from(name.as_str()), value)
        })
        .collect();
    Box::new(CelMap::from(map))
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value as Json, json};

    use super::*;

    struct Record {
        key: Json,
        value: Json,
        headers: Vec<(String, Option<String>)>,
        partition: i32,
        offset: i64,
        timestamp: Option<i64>,
    }

    fn record(value: Json) -> Record {
        Record {
            key: json!("order-17"),
            value,
            headers: vec![],
            partition: 0,
            offset: 0,
            timestamp: Some(1_700_000_000_001),
        }
    }

    fn eval(source: &str, record: &Record) -> Result<bool, EvalError> {
        let filter = Filter::compile(source).unwrap_or_else(|e| panic!("{source}: {e}"));
        filter.matches(&FilterInput {
            key: &record.key,
            value: &record.value,
            headers: &record.headers,
            partition: record.partition,
            offset: record.offset,
            timestamp: record.timestamp,
        })
    }

    fn refused(source: &str) -> String {
        let error = Filter::compile(source).expect_err(source);
        assert_eq!(
            (error.code, error.field.as_deref()),
            ("invalid_filter", Some("filter"))
        );
        error.message
    }

    fn references(source: &str) -> Vec<Vec<String>> {
        Filter::compile(source).unwrap().references().to_vec()
    }

    fn path(segments: &[&str]) -> Vec<String> {
        segments.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn fields_of_the_value_are_compared() {
        let filter = r#"value.status == "cancelled" && value.amount > 1000"#;
        assert_eq!(
            eval(filter, &record(json!({"status": "cancelled", "amount": 1500}))),
            Ok(true)
        );
        assert_eq!(
            eval(filter, &record(json!({"status": "cancelled", "amount": 999}))),
            Ok(false)
        );
        assert_eq!(
            eval(filter, &record(json!({"status": "paid", "amount": 1500}))),
            Ok(false)
        );
    }

    /// CEL 0.15 compares int, uint and double with each other, so JSON's
    /// `1500` and `1500.5` both compare with an int literal.
    #[test]
    fn numbers_compare_across_int_uint_and_double() {
        assert_eq!(
            eval("value.amount > 1000", &record(json!({"amount": 1500.5}))),
            Ok(true)
        );
        assert_eq!(
            eval("value.amount > 1000.0", &record(json!({"amount": 1500}))),
            Ok(true)
        );
        assert_eq!(
            eval("value.amount == 2", &record(json!({"amount": 2.0}))),
            Ok(true)
        );
        assert_eq!(eval("value.big > 1", &record(json!({"big": u64::MAX}))), Ok(true));
        assert_eq!(eval("value.n < 0", &record(json!({"n": -3}))), Ok(true));
    }

    #[test]
    fn string_functions_work_on_key_and_value() {
        let r = record(json!({"name": "xavier", "sku": "AB-123"}));
        assert_eq!(eval(r#"key.startsWith("order-")"#, &r), Ok(true));
        assert_eq!(eval(r#"value.name.contains("x")"#, &r), Ok(true));
        assert_eq!(eval(r#"value.name.endsWith("z")"#, &r), Ok(false));
        assert_eq!(eval(r#"value.sku.matches("^[A-Z]{2}-[0-9]+$")"#, &r), Ok(true));
        assert_eq!(eval(r#"size(value.name) == 6"#, &r), Ok(true));
    }

    #[test]
    fn headers_are_a_map_where_the_last_duplicate_wins() {
        let mut r = record(json!(null));
        r.headers = vec![
            ("x".into(), Some("z".into())),
            ("x".into(), Some("y".into())),
            ("empty".into(), None),
        ];
        assert_eq!(eval(r#"headers["x"] == "y""#, &r), Ok(true));
        assert_eq!(eval(r#"headers.empty == null"#, &r), Ok(true));
        assert_eq!(eval(r#""trace" in headers"#, &r), Ok(false));
    }

    #[test]
    fn partition_offset_and_timestamp_are_ints() {
        let mut r = record(json!(null));
        r.partition = 1;
        r.offset = 10;
        assert_eq!(eval("partition == 1 && offset >= 10", &r), Ok(true));
        assert_eq!(eval("timestamp > 1700000000000", &r), Ok(true));
        r.timestamp = None;
        assert_eq!(eval("timestamp == null", &r), Ok(true));
    }

    #[test]
    fn has_tests_for_a_field_and_tombstones_are_null() {
        assert_eq!(eval("has(value.card)", &record(json!({"card": {}}))), Ok(true));
        assert_eq!(eval("has(value.card)", &record(json!({"id": 1}))), Ok(false));
        assert_eq!(eval("value == null", &record(json!(null))), Ok(true));
        assert_eq!(eval("value == null", &record(json!({}))), Ok(false));
        assert_eq!(
            eval(
                "value.items.exists(i, i.price > 10)",
                &record(json!({"items": [{"price": 5}, {"price": 20}]}))
            ),
            Ok(true)
        );
    }

    #[test]
    fn failures_and_results_other_than_bools_are_eval_errors() {
        let missing = eval("value.card.number == 1", &record(json!({"id": 1}))).unwrap_err();
        assert!(missing.0.contains("No such key: card"), "{missing}");
        let tombstone = eval("value.status == \"x\"", &record(json!(null))).unwrap_err();
        assert!(!tombstone.0.is_empty());
        let wrong_type = eval("value.name > 1", &record(json!({"name": "a"}))).unwrap_err();
        assert!(wrong_type.0.contains("_>_"), "{wrong_type}");
        let not_bool = eval("value.amount + 1", &record(json!({"amount": 1}))).unwrap_err();
        assert_eq!(not_bool.0, "The filter gave an int, not true or false.");
    }

    #[test]
    fn syntax_errors_name_the_line_and_column() {
        let message = refused("value.status = \"x\"");
        assert!(
            message.starts_with("The filter has a syntax error at line 1, column 14: "),
            "{message}"
        );
        let message = refused("value.status == \"x\" &&\n  value.amount >");
        assert!(
            message.starts_with("The filter has a syntax error at line 2, column "),
            "{message}"
        );
    }

    #[test]
    fn only_the_record_variables_exist() {
        let message = refused("value.id == 1 && amount > 2");
        assert_eq!(
            message,
            "The filter uses amount at line 1, column 18, which is not a variable here; \
             the variables are key, value, headers, partition, offset and timestamp."
        );
        let message = refused("value.id == 1 &&\n  key == \"é\" && amount > 2");
        assert!(message.contains("amount at line 2, column 17"), "{message}");
        // Comprehension variables and type names are not refused.
        Filter::compile("value.items.all(item, item.n > 0) && type(key) == string").unwrap();
        let message = refused("value.items.all(item, item.n > 0) && item.n == 1");
        assert!(message.contains("uses item at line 1, column 38"), "{message}");
    }

    #[test]
    fn empty_long_and_deep_filters_are_refused() {
        assert!(refused("").starts_with("The filter is empty"));
        assert!(refused(" \n\t").starts_with("The filter is empty"));
        let long = format!("value == \"{}\"", "x".repeat(FILTER_MAX_BYTES));
        assert!(refused(&long).contains("at most 2048 bytes"));
        let deep = format!("{}value{}", "(".repeat(20), ")".repeat(20));
        Filter::compile(&deep).unwrap();
        let deep = format!("value == 1 ||\n{}value{}", "(".repeat(40), ")".repeat(40));
        assert!(refused(&deep).starts_with("The filter is nested too deeply at line 2, column "));
        let deep = format!("{}1{} == 0", "-(".repeat(40), ")".repeat(40));
        assert!(refused(&deep).starts_with("The filter is nested too deeply at line 1, column "));
        let chain = format!("value{} == 1", ".a".repeat(40));
        assert!(refused(&chain).contains("nested too deeply"));
        let parens = format!("{}1{} == 1", "[".repeat(200), "]".repeat(200));
        assert!(refused(&parens).contains("nested too deeply"));
        let bad_regex = refused(r#"value.sku.matches("[a-")"#);
        assert!(
            bad_regex
                == "The filter's regular expression at line 1, column 19 is not valid: \
                          unclosed character class.",
            "{bad_regex}"
        );
    }

    /// The test thread's stack (2 MB, a debug build) is enough to evaluate
    /// the deepest filters compile accepts.
    #[test]
    fn the_deepest_accepted_filters_evaluate() {
        let negations = format!("{}1{} == 1", "-(".repeat(28), ")".repeat(28));
        assert_eq!(eval(&negations, &record(json!(null))), Ok(true));
        let mut nested = json!(1);
        for _ in 0..30 {
            nested = json!({ "a": nested });
        }
        let chain = format!("value{} == 1", ".a".repeat(30));
        assert_eq!(eval(&chain, &record(nested)), Ok(true));
    }

    #[test]
    fn references_are_the_paths_read_from_key_value_and_headers() {
        assert_eq!(
            references("value.card.number == \"1\""),
            [path(&["value", "card", "number"])]
        );
        assert_eq!(
            references("value[\"card\"][\"number\"] == \"1\""),
            [path(&["value", "card", "number"])]
        );
        assert_eq!(
            references("headers[\"x-trace\"] == \"y\""),
            [path(&["headers", "x-trace"])]
        );
        assert_eq!(
            references("has(value.card.number)"),
            [path(&["value", "card", "number"])]
        );
        assert_eq!(
            references("value.card[key].number == 1"),
            [path(&["value", "card"]), path(&["key"])]
        );
        assert_eq!(references("value.items[0].id == 1"), [path(&["value", "items"])]);
        assert_eq!(references("value == null"), [path(&["value"])]);
        assert_eq!(
            references(r#"value.status == "cancelled" && value.amount > 1000 && key.startsWith("o")"#),
            [
                path(&["value", "status"]),
                path(&["value", "amount"]),
                path(&["key"])
            ]
        );
        assert_eq!(
            references("partition == 1 && offset >= 10"),
            Vec::<Vec<String>>::new()
        );
        assert_eq!(
            references("value.items.exists(value, value.card == 1)"),
            [path(&["value", "items"])],
            "a comprehension variable shadows the record's"
        );
    }

    #[test]
    fn a_filter_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Filter>();
    }
}
