//! JSON shown to people: pretty-printed and coloured, keeping the text's own
//! key order and number spelling (it is re-indented, never re-serialised).

use leptos::prelude::*;

/// Whether `text` is one JSON value.
pub fn is_json(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok()
}

/// `text` pretty-printed when it is JSON, `None` otherwise.
pub fn pretty_json(text: &str) -> Option<String> {
    is_json(text).then(|| render(text, false))
}

/// A JSON text (already checked with [`is_json`]), pretty-printed with keys,
/// strings, numbers and literals coloured.
#[component]
pub fn JsonView(#[prop(into)] text: String) -> impl IntoView {
    view! { <pre class="json" inner_html=highlight(&text)></pre> }
}

/// The markup of [`JsonView`], for views written as HTML text.
pub fn highlight(text: &str) -> String {
    render(text, true)
}

enum Token<'a> {
    Punct(char),
    Str(&'a str),
    Scalar(&'a str),
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\n' | b'\r' | b'\t' => i += 1,
            b @ (b'{' | b'}' | b'[' | b']' | b',' | b':') => {
                out.push(Token::Punct(b as char));
                i += 1;
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                out.push(Token::Str(&text[start..i]));
            }
            _ => {
                let start = i;
                while i < bytes.len() && !b" \n\r\t{}[],:\"".contains(&bytes[i]) {
                    i += 1;
                }
                out.push(Token::Scalar(&text[start..i]));
            }
        }
    }
    out
}

fn render(text: &str, html: bool) -> String {
    let tokens = tokens(text);
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Punct(c @ ('{' | '[')) => {
                out.push(*c);
                let empty = matches!(tokens.get(i + 1), Some(Token::Punct('}' | ']')));
                if !empty {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            Token::Punct(c @ ('}' | ']')) => {
                let empty = i > 0 && matches!(tokens[i - 1], Token::Punct('{' | '['));
                if !empty {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                out.push(*c);
            }
            Token::Punct(',') => {
                out.push(',');
                newline(&mut out, depth);
            }
            Token::Punct(c) => {
                out.push(*c);
                out.push(' ');
            }
            Token::Str(s) => {
                let key = matches!(tokens.get(i + 1), Some(Token::Punct(':')));
                span(&mut out, html, if key { "j-key" } else { "j-str" }, s);
            }
            Token::Scalar(s) => {
                let number = s.starts_with(|c: char| c == '-' || c.is_ascii_digit());
                span(&mut out, html, if number { "j-num" } else { "j-lit" }, s);
            }
        }
    }
    out
}

fn span(out: &mut String, html: bool, class: &str, text: &str) {
    if !html {
        out.push_str(text);
        return;
    }
    out.push_str("<span class=\"");
    out.push_str(class);
    out.push_str("\">");
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out.push_str("</span>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_numbers() {
        assert_eq!(
            pretty_json(r#"{"b":1.50,"a":[],"c":{"d":[true,null,"x"]}}"#).unwrap(),
            "{\n  \"b\": 1.50,\n  \"a\": [],\n  \"c\": {\n    \"d\": [\n      true,\n      null,\n      \"x\"\n    ]\n  }\n}"
        );
        assert_eq!(pretty_json("not json"), None);
    }

    #[test]
    fn escapes_html() {
        assert!(render(r#"{"<b>":"&"}"#, true).contains("&lt;b&gt;"));
    }
}
