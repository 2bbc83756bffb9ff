//! Masking by role: the fields the policy hides from a person, applied to
//! each record before anything of it leaves the Lambda — lists, the single
//! message, tails, exports (which are browses) and filters alike.
//!
//! A mask names a part of a record (`key`, `value`, `headers.NAME`) and,
//! inside a JSON key or value, a path (`value.card.number`, `*` matching any
//! one field or array element). A masked part's raw bytes are never sent: a
//! JSON part is sent re-serialised with the masked fields replaced by
//! [`MASKED`], any other part (binary, plain text, a registry-framed value
//! that did not decode) is masked whole, since where the field sits in it
//! cannot be told.

use configurator_api::MASKED;
use serde_json::Value;

/// One part of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Key,
    Value,
    /// A header, by name (compared case-insensitively, as HTTP-style
    /// header names usually are meant).
    Header(String),
}

/// One field to mask: a part and, for a key or value, a path into its JSON
/// (empty: the whole part).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaskPath {
    part: Part,
    path: Vec<String>,
}

impl MaskPath {
    /// `key`, `value`, `value.card.number`, `value.items.*.iban`,
    /// `headers.authorization`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut segments = text.split('.');
        let part = match segments.next() {
            Some("key") => Part::Key,
            Some("value") => Part::Value,
            Some("headers") => {
                let name = segments
                    .next()
                    .filter(|n| !n.is_empty())
                    .ok_or_else(|| format!("{text:?}: name the header, as in headers.authorization"))?;
                // A header name may itself contain dots.
                let rest: Vec<&str> = segments.collect();
                let name = std::iter::once(name).chain(rest).collect::<Vec<_>>().join(".");
                return Ok(Self {
                    part: Part::Header(name.to_ascii_lowercase()),
                    path: Vec::new(),
                });
            }
            _ => {
                return Err(format!(
                    "{text:?}: a masked field starts with key, value or headers"
                ));
            }
        };
        let path: Vec<String> = segments.map(str::to_owned).collect();
        if path.iter().any(String::is_empty) {
            return Err(format!("{text:?} has an empty segment"));
        }
        Ok(Self { part, path })
    }

    /// As written in the policy, e.g. `value.card.number`.
    pub fn display(&self) -> String {
        let root = match &self.part {
            Part::Key => "key".to_owned(),
            Part::Value => "value".to_owned(),
            Part::Header(name) => return format!("headers.{name}"),
        };
        std::iter::once(root)
            .chain(self.path.iter().cloned())
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// The masks that apply to one person on one topic. Empty: nothing masked.
#[derive(Debug, Clone, Default)]
pub struct Masks {
    paths: Vec<MaskPath>,
}

/// What masking did to one part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Masked {
    /// Nothing of it is masked: send it as it is.
    Clear,
    /// The whole part reads [`MASKED`].
    Whole,
    /// Its JSON, with these paths (relative to the part) replaced.
    Fields(Value, Vec<String>),
}

impl Masks {
    pub fn new(paths: Vec<MaskPath>) -> Self {
        Self { paths }
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// Whether the header `name` is masked.
    pub fn hides_header(&self, name: &str) -> bool {
        self.paths
            .iter()
            .any(|m| matches!(&m.part, Part::Header(h) if h.eq_ignore_ascii_case(name)))
    }

    /// Masks a key or value whose JSON is `json` (`None`: it is not JSON).
    pub fn apply(&self, part: &Part, json: Option<&Value>) -> Masked {
        let paths: Vec<&MaskPath> = self.paths.iter().filter(|m| &m.part == part).collect();
        if paths.is_empty() {
            return Masked::Clear;
        }
        if paths.iter().any(|m| m.path.is_empty()) {
            return Masked::Whole;
        }
        let Some(json) = json else { return Masked::Whole };
        let mut masked = json.clone();
        let mut hit = Vec::new();
        for m in paths {
            mask_at(&mut masked, &m.path, &mut Vec::new(), &mut hit);
        }
        if hit.is_empty() {
            Masked::Clear
        } else {
            Masked::Fields(masked, hit)
        }
    }

    /// The first mask a filter reading `reference` (a path rooted at `key`,
    /// `value` or `headers`, see [`super::filter::Filter::references`]) would
    /// see through: the reference lies on, under or above a masked field.
    pub fn covering(&self, reference: &[String]) -> Option<String> {
        let (root, rest) = reference.split_first()?;
        self.paths
            .iter()
            .find(|m| match (&m.part, root.as_str()) {
                (Part::Key, "key") | (Part::Value, "value") => prefix_either(&m.path, rest),
                (Part::Header(name), "headers") => rest.first().is_none_or(|h| h.eq_ignore_ascii_case(name)),
                _ => false,
            })
            .map(MaskPath::display)
    }
}

/// Whether one path is a prefix of the other (`*` matching any segment).
fn prefix_either(mask: &[String], reference: &[String]) -> bool {
    mask.iter().zip(reference).all(|(m, r)| m == "*" || m == r)
}

/// Replaces what `path` names in `value` with [`MASKED`], recording each
/// replaced path (dotted, array indexes as numbers) in `hit`.
fn mask_at(value: &mut Value, path: &[String], at: &mut Vec<String>, hit: &mut Vec<String>) {
    let Some((first, rest)) = path.split_first() else {
        *value = Value::String(MASKED.to_owned());
        hit.push(at.join("."));
        return;
    };
    let mut step = |name: String, child: &mut Value, hit: &mut Vec<String>| {
        at.push(name);
        mask_at(child, rest, at, hit);
        at.pop();
    };
    match value {
        Value::Object(fields) if first == "*" => {
            for (name, child) in fields.iter_mut() {
                step(name.clone(), child, hit);
            }
        }
        Value::Object(fields) => {
            if let Some(child) = fields.get_mut(first) {
                step(first.clone(), child, hit);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                if first == "*" || first.parse() == Ok(i) {
                    step(i.to_string(), child, hit);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn masks(paths: &[&str]) -> Masks {
        Masks::new(paths.iter().map(|p| MaskPath::parse(p).unwrap()).collect())
    }

    #[test]
    fn fields_are_replaced_wherever_the_path_leads() {
        let value =
            json!({"card": {"number": "4111", "brand": "visa"}, "items": [{"iban": "DE1"}, {"iban": "DE2"}]});
        let Masked::Fields(masked, hit) =
            masks(&["value.card.number", "value.items.*.iban"]).apply(&Part::Value, Some(&value))
        else {
            panic!("fields are masked");
        };
        assert_eq!(
            masked,
            json!({"card": {"number": MASKED, "brand": "visa"}, "items": [{"iban": MASKED}, {"iban": MASKED}]})
        );
        assert_eq!(hit, ["card.number", "items.0.iban", "items.1.iban"]);
        assert_eq!(
            masks(&["value.card.number"]).apply(&Part::Key, Some(&value)),
            Masked::Clear
        );
        assert_eq!(
            masks(&["value.missing.field"]).apply(&Part::Value, Some(&value)),
            Masked::Clear
        );
    }

    #[test]
    fn what_is_not_json_is_masked_whole() {
        let m = masks(&["value.card.number"]);
        assert_eq!(m.apply(&Part::Value, None), Masked::Whole);
        assert_eq!(
            masks(&["key"]).apply(&Part::Key, Some(&json!("k"))),
            Masked::Whole
        );
    }

    #[test]
    fn headers_are_masked_by_name_whatever_the_case() {
        let m = masks(&["headers.Authorization", "headers.x.trace.id"]);
        assert!(m.hides_header("authorization") && m.hides_header("X.Trace.Id"));
        assert!(!m.hides_header("trace"));
    }

    #[test]
    fn a_filter_may_not_read_on_above_or_under_a_masked_field() {
        let m = masks(&["value.card.number", "headers.authorization"]);
        let path = |p: &str| p.split('.').map(str::to_owned).collect::<Vec<_>>();
        for covered in [
            "value",
            "value.card",
            "value.card.number",
            "value.card.number.x",
            "headers",
            "headers.AUTHORIZATION",
        ] {
            assert!(m.covering(&path(covered)).is_some(), "{covered}");
        }
        for clear in [
            "value.card.brand",
            "value.amount",
            "key",
            "headers.trace",
            "partition",
        ] {
            assert_eq!(m.covering(&path(clear)), None, "{clear}");
        }
        assert_eq!(m.covering(&path("value.card")).unwrap(), "value.card.number");
    }

    #[test]
    fn bad_paths_are_refused_with_the_reason() {
        assert!(MaskPath::parse("payload.x").unwrap_err().contains("starts with"));
        assert!(
            MaskPath::parse("headers")
                .unwrap_err()
                .contains("name the header")
        );
        assert!(MaskPath::parse("value..x").unwrap_err().contains("empty segment"));
        assert_eq!(
            MaskPath::parse("headers.X-Key").unwrap().display(),
            "headers.x-key"
        );
    }
}
