//! Avro values ↔ JSON, guided by the schema.
//!
//! Display (Avro → JSON): records as objects, a union as the bare value of
//! its branch, enums as their symbol, maps as objects, bytes/fixed as base64,
//! logical types as their underlying value except decimal (the number as a
//! string, so no digit is lost) and uuid (its string). This is not the Avro
//! JSON encoding (which tags unions), because the console shows values to
//! people; produce accepts both forms.
//!
//! Produce (JSON → Avro): the JSON is checked against the schema and every
//! problem is reported with its JSON pointer, up to [`MAX_DETAILS`].

use std::collections::HashMap;
use std::str::FromStr;

use apache_avro::schema::{DecimalSchema, InnerDecimalSchema, Schema, UnionSchema, UuidSchema};
use apache_avro::types::Value as Avro;
use apache_avro::{BigDecimal, Decimal, Duration};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use configurator_api::ErrorDetail;
use serde_json::{Map, Number, Value as Json};

use super::{MAX_DETAILS, Pointer, describe};

/// Named types (records, enums, fixed) by full name, to follow `Schema::Ref`.
pub(crate) type Names = HashMap<String, Schema>;

/// Avro's deepest nesting we follow: a recursive schema fed crafted JSON
/// (or a corrupt value) cannot overflow the stack.
const MAX_DEPTH: usize = 64;

fn resolve<'s>(schema: &'s Schema, names: &'s Names) -> Option<&'s Schema> {
    let mut schema = schema;
    // A Ref names a record/enum/fixed, never another Ref; the loop bound
    // just guards against a malformed names table.
    for _ in 0..4 {
        match schema {
            Schema::Ref { name } => schema = names.get(&name.fullname(None))?,
            other => return Some(other),
        }
    }
    None
}

// ---------------------------------------------------------------- display

/// Avro value (as decoded with `schema`) → JSON for display. `None` only
/// when the value does not fit the schema, which the decoder never produces.
pub(crate) fn to_json(value: &Avro, schema: &Schema, names: &Names) -> Option<Json> {
    to_json_at(value, schema, names, 0)
}

fn to_json_at(value: &Avro, schema: &Schema, names: &Names, depth: usize) -> Option<Json> {
    if depth > MAX_DEPTH {
        return None;
    }
    let schema = resolve(schema, names)?;
    let depth = depth + 1;
    Some(match (value, schema) {
        (Avro::Null, _) => Json::Null,
        (Avro::Boolean(b), _) => Json::Bool(*b),
        (Avro::Int(n) | Avro::Date(n) | Avro::TimeMillis(n), _) => Json::from(*n),
        (
            Avro::Long(n)
            | Avro::TimeMicros(n)
            | Avro::TimestampMillis(n)
            | Avro::TimestampMicros(n)
            | Avro::TimestampNanos(n)
            | Avro::LocalTimestampMillis(n)
            | Avro::LocalTimestampMicros(n)
            | Avro::LocalTimestampNanos(n),
            _,
        ) => Json::from(*n),
        (Avro::Float(f), _) => float_to_json(f64::from(*f)),
        (Avro::Double(f), _) => float_to_json(*f),
        (Avro::Bytes(b) | Avro::Fixed(_, b), _) => Json::String(BASE64.encode(b)),
        (Avro::String(s), _) => Json::String(s.clone()),
        (Avro::Enum(_, symbol), _) => Json::String(symbol.clone()),
        (Avro::Uuid(u), _) => Json::String(u.hyphenated().to_string()),
        (Avro::Duration(d), _) => Json::String(BASE64.encode(<[u8; 12]>::from(*d))),
        (Avro::BigDecimal(d), _) => Json::String(d.to_string()),
        (Avro::Decimal(d), Schema::Decimal(DecimalSchema { scale, .. })) => {
            let bytes = <Vec<u8>>::try_from(d).ok()?;
            Json::String(decimal_string(&bytes, *scale))
        }
        (Avro::Union(i, inner), Schema::Union(union)) => {
            to_json_at(inner, union.variants().get(*i as usize)?, names, depth)?
        }
        (Avro::Array(items), Schema::Array(array)) => Json::Array(
            items
                .iter()
                .map(|v| to_json_at(v, &array.items, names, depth))
                .collect::<Option<_>>()?,
        ),
        (Avro::Map(entries), Schema::Map(map)) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| Some((k.clone(), to_json_at(v, &map.types, names, depth)?)))
                .collect::<Option<Map<_, _>>>()?,
        ),
        (Avro::Record(fields), Schema::Record(record)) => {
            let mut object = Map::new();
            for ((name, v), field) in fields.iter().zip(&record.fields) {
                object.insert(name.clone(), to_json_at(v, &field.schema, names, depth)?);
            }
            Json::Object(object)
        }
        _ => return None,
    })
}

/// JSON has no NaN or infinity; those are shown as the strings Java and
/// JavaScript print for them (and produce accepts them back).
fn float_to_json(f: f64) -> Json {
    match Number::from_f64(f) {
        Some(n) => Json::Number(n),
        None if f.is_nan() => Json::String("NaN".into()),
        None if f > 0.0 => Json::String("Infinity".into()),
        None => Json::String("-Infinity".into()),
    }
}

/// The decimal number an Avro decimal's bytes (big-endian two's complement
/// unscaled value, per the Avro spec's "Decimal" logical type) stand for.
pub(crate) fn decimal_string(bytes: &[u8], scale: usize) -> String {
    let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
    let mut magnitude: Vec<u8> = bytes.to_vec();
    if negative {
        // Two's complement negation: invert, add one.
        for b in magnitude.iter_mut() {
            *b = !*b;
        }
        for b in magnitude.iter_mut().rev() {
            let (sum, carry) = b.overflowing_add(1);
            *b = sum;
            if !carry {
                break;
            }
        }
    }
    // Long division by 10 on the big-endian magnitude, one digit at a time.
    let mut digits = Vec::new();
    while magnitude.iter().any(|&b| b != 0) {
        let mut remainder = 0u32;
        for b in magnitude.iter_mut() {
            let acc = (remainder << 8) | u32::from(*b);
            *b = (acc / 10) as u8;
            remainder = acc % 10;
        }
        digits.push(b'0' + remainder as u8);
    }
    while digits.len() <= scale {
        digits.push(b'0');
    }
    digits.reverse();
    let mut text = String::with_capacity(digits.len() + 2);
    if negative {
        text.push('-');
    }
    let split = digits.len() - scale;
    text.extend(digits[..split].iter().map(|&d| d as char));
    if scale > 0 {
        text.push('.');
        text.extend(digits[split..].iter().map(|&d| d as char));
    }
    text
}

// ---------------------------------------------------------------- produce

/// Walks a JSON value against a schema, collecting problems.
pub(crate) struct FromJson<'n> {
    names: &'n Names,
    pub(crate) problems: Vec<ErrorDetail>,
    path: Pointer,
}

/// Whether the JSON is a value given by a user (unions bare or tagged,
/// bytes as base64) or a field default from the schema, which the Avro spec
/// writes differently (a union default is for its first branch; bytes and
/// fixed defaults are strings whose code points 0–255 are the bytes).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    User,
    Default,
}

impl<'n> FromJson<'n> {
    pub(crate) fn new(names: &'n Names) -> Self {
        Self {
            names,
            problems: Vec::new(),
            path: Pointer::default(),
        }
    }

    /// The Avro value, or `None` with `problems` saying why.
    pub(crate) fn convert(&mut self, json: &Json, schema: &Schema) -> Option<Avro> {
        self.value(json, schema, Source::User, 0)
    }

    fn problem(&mut self, message: impl Into<String>) {
        if self.problems.len() < MAX_DETAILS {
            self.problems.push(ErrorDetail {
                path: self.path.as_str().to_owned(),
                message: message.into(),
            });
        }
    }

    fn expected(&mut self, what: &str, json: &Json) -> Option<Avro> {
        self.problem(format!("expected {what}, found {}", describe(json)));
        None
    }

    fn full(&self) -> bool {
        self.problems.len() >= MAX_DETAILS
    }

    fn value(&mut self, json: &Json, schema: &Schema, source: Source, depth: usize) -> Option<Avro> {
        if depth > MAX_DEPTH {
            self.problem(format!("is nested more than {MAX_DEPTH} levels deep"));
            return None;
        }
        let Some(schema) = resolve(schema, self.names) else {
            self.problem("refers to a named type the schema does not define");
            return None;
        };
        let depth = depth + 1;
        match schema {
            Schema::Null => match json {
                Json::Null => Some(Avro::Null),
                _ => self.expected("null", json),
            },
            Schema::Boolean => match json {
                Json::Bool(b) => Some(Avro::Boolean(*b)),
                _ => self.expected("true or false", json),
            },
            Schema::Int => self.int(json, "an int (32-bit integer)").map(Avro::Int),
            Schema::Date => self
                .int(json, "a date (days since 1970-01-01, an int)")
                .map(Avro::Date),
            Schema::TimeMillis => self.int(json, "a time-millis (an int)").map(Avro::TimeMillis),
            Schema::Long => self.long(json, "a long (64-bit integer)").map(Avro::Long),
            Schema::TimeMicros => self.long(json, "a time-micros (a long)").map(Avro::TimeMicros),
            Schema::TimestampMillis => self
                .long(json, "a timestamp-millis (a long)")
                .map(Avro::TimestampMillis),
            Schema::TimestampMicros => self
                .long(json, "a timestamp-micros (a long)")
                .map(Avro::TimestampMicros),
            Schema::TimestampNanos => self
                .long(json, "a timestamp-nanos (a long)")
                .map(Avro::TimestampNanos),
            Schema::LocalTimestampMillis => self
                .long(json, "a local-timestamp-millis (a long)")
                .map(Avro::LocalTimestampMillis),
            Schema::LocalTimestampMicros => self
                .long(json, "a local-timestamp-micros (a long)")
                .map(Avro::LocalTimestampMicros),
            Schema::LocalTimestampNanos => self
                .long(json, "a local-timestamp-nanos (a long)")
                .map(Avro::LocalTimestampNanos),
            Schema::Float => self.float(json).map(|f| Avro::Float(f as f32)),
            Schema::Double => self.float(json).map(Avro::Double),
            Schema::String => match json {
                Json::String(s) => Some(Avro::String(s.clone())),
                _ => self.expected("a string", json),
            },
            Schema::Bytes => self.bytes(json, None, source).map(Avro::Bytes),
            Schema::Fixed(fixed) => self
                .bytes(json, Some(fixed.size), source)
                .map(|b| Avro::Fixed(fixed.size, b)),
            Schema::Duration(_) => self.bytes(json, Some(12), source).map(|b| {
                let mut raw = [0u8; 12];
                raw.copy_from_slice(&b);
                Avro::Duration(Duration::from(raw))
            }),
            Schema::Uuid(inner) => match json {
                Json::String(s) => match uuid::Uuid::parse_str(s) {
                    Ok(u) => Some(Avro::Uuid(u)),
                    Err(_) => self.expected("a UUID such as \"1b4e28ba-2fa1-11d2-883f-0016d3cca427\"", json),
                },
                // A uuid over bytes/fixed may also be given as its 16 bytes.
                _ if !matches!(inner, UuidSchema::String) => self
                    .bytes(json, Some(16), source)
                    .and_then(|b| uuid::Uuid::from_slice(&b).ok())
                    .map(Avro::Uuid),
                _ => self.expected("a UUID string", json),
            },
            Schema::Decimal(decimal) => self.decimal(json, decimal),
            Schema::BigDecimal => match json_number_text(json) {
                Some(text) => match BigDecimal::from_str(&text) {
                    Ok(d) => Some(Avro::BigDecimal(d)),
                    Err(_) => self.expected("a decimal number", json),
                },
                None => self.expected("a decimal number (as a string or number)", json),
            },
            Schema::Enum(e) => match json {
                Json::String(s) => match e.symbols.iter().position(|sym| sym == s) {
                    Some(i) => Some(Avro::Enum(i as u32, s.clone())),
                    None => self.expected(&format!("one of {}", e.symbols.join(", ")), json),
                },
                _ => self.expected(&format!("one of {}", e.symbols.join(", ")), json),
            },
            Schema::Array(array) => match json {
                Json::Array(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    let mut ok = true;
                    for (i, item) in items.iter().enumerate() {
                        if self.full() {
                            return None;
                        }
                        let mark = self.path.push_index(i);
                        match self.value(item, &array.items, source, depth) {
                            Some(v) => out.push(v),
                            None => ok = false,
                        }
                        self.path.truncate(mark);
                    }
                    ok.then_some(Avro::Array(out))
                }
                _ => self.expected("an array", json),
            },
            Schema::Map(map) => match json {
                Json::Object(entries) => {
                    let mut out = HashMap::with_capacity(entries.len());
                    let mut ok = true;
                    for (k, v) in entries {
                        if self.full() {
                            return None;
                        }
                        let mark = self.path.push(k);
                        match self.value(v, &map.types, source, depth) {
                            Some(v) => {
                                out.insert(k.clone(), v);
                            }
                            None => ok = false,
                        }
                        self.path.truncate(mark);
                    }
                    ok.then_some(Avro::Map(out))
                }
                _ => self.expected("an object (an Avro map)", json),
            },
            Schema::Record(record) => {
                let Json::Object(object) = json else {
                    return self.expected(
                        &format!("an object (record {})", record.name.fullname(None)),
                        json,
                    );
                };
                let mut out = Vec::with_capacity(record.fields.len());
                let mut ok = true;
                for field in &record.fields {
                    if self.full() {
                        return None;
                    }
                    let mark = self.path.push(&field.name);
                    let converted = match (object.get(&field.name), &field.default) {
                        (Some(v), _) => self.value(v, &field.schema, source, depth),
                        // The Avro spec: a reader fills a missing field from its default.
                        (None, Some(default)) => self.value(default, &field.schema, Source::Default, depth),
                        (None, None) => {
                            self.problem(format!(
                                "is required: record {} has no default for field {}",
                                record.name.fullname(None),
                                field.name
                            ));
                            None
                        }
                    };
                    self.path.truncate(mark);
                    match converted {
                        Some(v) => out.push((field.name.clone(), v)),
                        None => ok = false,
                    }
                }
                for key in object.keys() {
                    if !record.lookup.contains_key(key) {
                        let mark = self.path.push(key);
                        self.problem(format!("is not a field of record {}", record.name.fullname(None)));
                        self.path.truncate(mark);
                        ok = false;
                    }
                }
                ok.then_some(Avro::Record(out))
            }
            Schema::Union(union) => self.union(json, union, source, depth),
            Schema::Ref { .. } => {
                self.problem("refers to a named type the schema does not define");
                None
            }
        }
    }

    fn int(&mut self, json: &Json, what: &str) -> Option<i32> {
        match json.as_i64().and_then(|n| i32::try_from(n).ok()) {
            Some(n) => Some(n),
            None => self.expected(what, json).and(None),
        }
    }

    fn long(&mut self, json: &Json, what: &str) -> Option<i64> {
        match json.as_i64() {
            Some(n) => Some(n),
            None => self.expected(what, json).and(None),
        }
    }

    fn float(&mut self, json: &Json) -> Option<f64> {
        match json {
            Json::Number(n) => n.as_f64(),
            Json::String(s) if s == "NaN" => Some(f64::NAN),
            Json::String(s) if s == "Infinity" => Some(f64::INFINITY),
            Json::String(s) if s == "-Infinity" => Some(f64::NEG_INFINITY),
            _ => self.expected("a number", json).and(None),
        }
    }

    fn bytes(&mut self, json: &Json, size: Option<usize>, source: Source) -> Option<Vec<u8>> {
        let Json::String(s) = json else {
            return self.expected("base64-encoded bytes (a string)", json).and(None);
        };
        let bytes = match source {
            Source::User => match BASE64.decode(s) {
                Ok(b) => b,
                Err(e) => {
                    self.problem(format!("is not valid base64: {e}"));
                    return None;
                }
            },
            // Avro spec, "Schema Declaration/Complex Types/Records": bytes
            // and fixed defaults are strings mapping code points 0-255 to bytes.
            Source::Default => match s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect() {
                Some(b) => b,
                None => {
                    self.problem("has a default that is not a byte string (code points 0–255)");
                    return None;
                }
            },
        };
        match size {
            Some(size) if bytes.len() != size => {
                self.problem(format!("must be exactly {size} bytes, found {}", bytes.len()));
                None
            }
            _ => Some(bytes),
        }
    }

    fn decimal(&mut self, json: &Json, decimal: &DecimalSchema) -> Option<Avro> {
        let Some(text) = json_number_text(json) else {
            return self.expected("a decimal number (a string such as \"12.34\", or a number)", json);
        };
        let size = match &decimal.inner {
            InnerDecimalSchema::Fixed(fixed) => Some(fixed.size),
            InnerDecimalSchema::Bytes => None,
        };
        match decimal_bytes(&text, decimal.precision, decimal.scale, size) {
            Ok(bytes) => Some(Avro::Decimal(Decimal::from(bytes))),
            Err(why) => {
                self.problem(why);
                None
            }
        }
    }

    /// A union takes its Avro JSON form `{"<branch type>": value}` or the
    /// bare value, which goes to the first branch it fits (the Avro spec
    /// leaves bare values to the implementation; first-fit is what
    /// avro-python's and the Java JSON decoders' "lenient" modes do).
    fn union(&mut self, json: &Json, union: &UnionSchema, source: Source, depth: usize) -> Option<Avro> {
        let variants = union.variants();
        if source == Source::Default {
            // Avro spec: a union field's default is for the union's first branch.
            let first = variants.first()?;
            return self
                .value(json, first, source, depth)
                .map(|v| Avro::Union(0, Box::new(v)));
        }
        if let Json::Object(object) = json
            && object.len() == 1
            && let Some((key, inner)) = object.iter().next()
            && let Some(i) = variants
                .iter()
                .position(|v| self.branch_names(v).iter().any(|n| n == key))
            && let Some(v) = self.trial(inner, &variants[i], depth)
        {
            return Some(Avro::Union(i as u32, Box::new(v)));
        }
        for (i, variant) in variants.iter().enumerate() {
            if let Some(v) = self.trial(json, variant, depth) {
                return Some(Avro::Union(i as u32, Box::new(v)));
            }
        }
        // Nothing fits. With one non-null branch its problems say more than
        // a list of branch names would.
        let non_null: Vec<usize> = (0..variants.len())
            .filter(|&i| !matches!(variants[i], Schema::Null))
            .collect();
        if let [only] = non_null[..]
            && !json.is_null()
        {
            return self.value(json, &variants[only], source, depth);
        }
        let names: Vec<String> = variants
            .iter()
            .map(|v| self.branch_names(v).swap_remove(0))
            .collect();
        self.expected(
            &format!("a value of one of the union's types ({})", names.join(", ")),
            json,
        )
    }

    /// Converts without recording problems, for trying union branches.
    fn trial(&mut self, json: &Json, schema: &Schema, depth: usize) -> Option<Avro> {
        let saved = std::mem::take(&mut self.problems);
        let result = self.value(json, schema, Source::User, depth);
        let failed = !self.problems.is_empty();
        self.problems = saved;
        if failed { None } else { result }
    }

    /// The names a union branch goes by in Avro's JSON encoding: the full
    /// name of a named type (its short name accepted too), otherwise the
    /// type's name ("string", "map", …).
    fn branch_names(&self, schema: &Schema) -> Vec<String> {
        let schema = resolve(schema, self.names).unwrap_or(schema);
        let named = match schema {
            Schema::Record(r) => Some(&r.name),
            Schema::Enum(e) => Some(&e.name),
            Schema::Fixed(f) => Some(&f.name),
            Schema::Decimal(DecimalSchema {
                inner: InnerDecimalSchema::Fixed(f),
                ..
            }) => Some(&f.name),
            Schema::Uuid(UuidSchema::Fixed(f)) | Schema::Duration(f) => Some(&f.name),
            _ => None,
        };
        if let Some(name) = named {
            return vec![name.fullname(None), name.name().to_owned()];
        }
        let primitive = match schema {
            Schema::Null => "null",
            Schema::Boolean => "boolean",
            Schema::Int | Schema::Date | Schema::TimeMillis => "int",
            Schema::Long
            | Schema::TimeMicros
            | Schema::TimestampMillis
            | Schema::TimestampMicros
            | Schema::TimestampNanos
            | Schema::LocalTimestampMillis
            | Schema::LocalTimestampMicros
            | Schema::LocalTimestampNanos => "long",
            Schema::Float => "float",
            Schema::Double => "double",
            Schema::Bytes | Schema::Decimal(_) | Schema::BigDecimal | Schema::Uuid(UuidSchema::Bytes) => {
                "bytes"
            }
            Schema::String | Schema::Uuid(UuidSchema::String) => "string",
            Schema::Array(_) => "array",
            Schema::Map(_) => "map",
            _ => "union",
        };
        vec![primitive.to_owned()]
    }
}

/// A decimal given as a JSON string, or as a JSON number (its text, so
/// "0.1" stays 0.1 rather than its nearest double).
fn json_number_text(json: &Json) -> Option<String> {
    match json {
        Json::String(s) => Some(s.trim().to_owned()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// "12.34" at scale 2 → the big-endian two's complement bytes of 1234, the
/// fewest that hold it (or exactly `size` for a fixed), checking the
/// schema's precision and scale.
pub(crate) fn decimal_bytes(
    text: &str,
    precision: usize,
    scale: usize,
    size: Option<usize>,
) -> Result<Vec<u8>, String> {
    let not_decimal = || format!("expected a decimal number such as \"12.34\", found {text:?}");
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if (whole.is_empty() && fraction.is_empty())
        || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
    {
        return Err(not_decimal());
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > scale {
        return Err(format!(
            "has more than {scale} digits after the decimal point (the schema's scale)"
        ));
    }
    let mut digits: String = whole.trim_start_matches('0').to_owned();
    digits.push_str(fraction);
    digits.extend(std::iter::repeat_n('0', scale - fraction.len()));
    let digits = digits.trim_start_matches('0');
    if digits.len() > precision {
        return Err(format!(
            "has more than {precision} digits (the schema's precision)"
        ));
    }
    // Decimal digits → big-endian magnitude: multiply by 10 and add, bytewise.
    let mut magnitude: Vec<u8> = vec![0];
    for d in digits.bytes() {
        let mut carry = u32::from(d - b'0');
        for b in magnitude.iter_mut().rev() {
            let acc = u32::from(*b) * 10 + carry;
            *b = (acc & 0xff) as u8;
            carry = acc >> 8;
        }
        while carry > 0 {
            magnitude.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    // One leading zero byte keeps the sign bit clear before negating.
    if magnitude[0] & 0x80 != 0 {
        magnitude.insert(0, 0);
    }
    if negative && digits.bytes().any(|d| d != b'0') {
        for b in magnitude.iter_mut() {
            *b = !*b;
        }
        for b in magnitude.iter_mut().rev() {
            let (sum, carry) = b.overflowing_add(1);
            *b = sum;
            if !carry {
                break;
            }
        }
        // Drop redundant sign bytes (0xff followed by a byte with the top bit set).
        while magnitude.len() > 1 && magnitude[0] == 0xff && magnitude[1] & 0x80 != 0 {
            magnitude.remove(0);
        }
    } else {
        while magnitude.len() > 1 && magnitude[0] == 0 && magnitude[1] & 0x80 == 0 {
            magnitude.remove(0);
        }
    }
    match size {
        Some(size) if magnitude.len() > size => {
            Err(format!("does not fit the schema's {size}-byte fixed decimal"))
        }
        Some(size) => {
            let fill = if magnitude[0] & 0x80 != 0 { 0xff } else { 0 };
            let mut out = vec![fill; size - magnitude.len()];
            out.extend_from_slice(&magnitude);
            Ok(out)
        }
        None => Ok(magnitude),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_bytes_and_back() {
        for (text, scale, bytes, back) in [
            ("12.34", 2, vec![0x04, 0xd2], "12.34"),
            ("-12.34", 2, vec![0xfb, 0x2e], "-12.34"),
            ("0", 2, vec![0x00], "0.00"),
            ("-0.01", 2, vec![0xff], "-0.01"),
            ("1.28", 2, vec![0x00, 0x80], "1.28"),
            ("-1.28", 2, vec![0x80], "-1.28"),
            ("-1.29", 2, vec![0xff, 0x7f], "-1.29"),
            ("7", 0, vec![0x07], "7"),
            (
                "99999999999999999999999999999999999999",
                0,
                vec![
                    0x4b, 0x3b, 0x4c, 0xa8, 0x5a, 0x86, 0xc4, 0x7a, 0x09, 0x8a, 0x22, 0x3f, 0xff, 0xff, 0xff,
                    0xff,
                ],
                "99999999999999999999999999999999999999",
            ),
        ] {
            assert_eq!(decimal_bytes(text, 38, scale, None).unwrap(), bytes, "{text}");
            assert_eq!(decimal_string(&bytes, scale), back, "{text}");
        }
        assert_eq!(decimal_bytes("-1", 10, 0, Some(4)).unwrap(), vec![0xff; 4]);
        assert_eq!(decimal_bytes("1", 10, 0, Some(3)).unwrap(), vec![0, 0, 1]);
        assert!(
            decimal_bytes("1.234", 10, 2, None)
                .unwrap_err()
                .contains("more than 2 digits after")
        );
        assert!(
            decimal_bytes("123456", 5, 0, None)
                .unwrap_err()
                .contains("precision")
        );
        assert!(
            decimal_bytes("1e3", 5, 0, None)
                .unwrap_err()
                .contains("expected a decimal")
        );
        assert!(decimal_bytes("", 5, 0, None).is_err());
        assert!(decimal_bytes("-", 5, 0, None).is_err());
        assert!(
            decimal_bytes("70000", 9, 0, Some(2))
                .unwrap_err()
                .contains("2-byte")
        );
        assert_eq!(decimal_string(&[], 2), "0.00");
    }
}
