//! A browse's and a tail's rows, written as HTML text (see
//! [`crate::components::Html`]): the summary line of each message and, when
//! open, its details. Masked parts carry a "masked" badge naming what is
//! hidden; a masked message cannot be re-produced (its bytes never came).

use configurator_api::{Data, Message};

use super::registry::schema_label;
use crate::{
    components::{Html, highlight, is_json},
    format,
};

/// The text of a key or value: its decoded JSON when a schema decoded it.
pub(super) fn text_of(data: &Option<Data>) -> String {
    data.as_ref().map(shown).unwrap_or_default()
}

pub(super) fn shown(d: &Data) -> String {
    d.decoded
        .as_ref()
        .map_or_else(|| d.data.clone(), |v| v.to_string())
}

/// The bytes `d` stands for (`data` is base64 when `base64` is set).
pub(super) fn bytes_of(d: &Data) -> Vec<u8> {
    if !d.base64 {
        return d.data.as_bytes().to_vec();
    }
    web_sys::window()
        .and_then(|w| w.atob(&d.data).ok())
        .map(|binary| binary.chars().map(|c| c as u8).collect())
        .unwrap_or_default()
}

/// The parts of `m` that are only previews, with their whole sizes in bytes:
/// `value:1234567 header:trace:20000`.
pub(super) fn previews(m: &Message) -> String {
    let headers = m.headers.iter().map(|h| (format!("header:{}", h.key), &h.value));
    [("key".to_owned(), &m.key), ("value".to_owned(), &m.value)]
        .into_iter()
        .chain(headers)
        .filter_map(|(part, d)| Some(format!("{part}:{}", d.as_ref()?.full_size?)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The rows of the shown messages; `open` ones with their details below.
///
/// `reproduce`: the person may produce, so an open row offers "Re-produce".
pub(super) fn message_rows(messages: &[Message], open: &[usize], reproduce: bool) -> String {
    let mut h = Html::new();
    for (i, m) in messages.iter().enumerate() {
        let expanded = open.contains(&i);
        let index = i.to_string();
        h.raw("<tr class=\"message-row")
            .raw(if expanded { " row-open" } else { "" })
            .raw("\" data-testid=\"message-row\" data-row=\"")
            .raw(&index)
            .raw("\"><td class=\"expand-col\"><button type=\"button\" class=\"icon-button chevron\" aria-expanded=\"")
            .raw(if expanded { "true" } else { "false" })
            .raw("\" aria-label=\"Details of offset ")
            .raw(&m.offset.to_string())
            .raw("\">›</button></td>")
            .cell("num mono", &m.partition.to_string())
            .cell("num mono strong", &format::int(m.offset))
            .raw("<td class=\"mono nowrap\" title=\"")
            .text(&m.timestamp.map(format::iso).unwrap_or_default())
            .raw("\">")
            .text(&m.timestamp.map(format::date_time).unwrap_or_default())
            .raw("</td>")
            .raw("<td class=\"mono cell-key\">");
        masked_badge(&mut h, &m.key, "key");
        h.text(
            &m.key
                .as_ref()
                .map(|k| format::preview(&shown(k), 40))
                .unwrap_or_default(),
        )
        .raw("</td><td class=\"mono cell-value\">");
        masked_badge(&mut h, &m.value, "value");
        preview_pill(&mut h, &m.value);
        if let Some(d) = &m.value {
            schema_badge(&mut h, d);
        }
        match &m.value {
            None => h.pill("neutral", "null"),
            Some(d) if d.decoded.is_some() => h.text(&format::preview(&shown(d), 140)),
            Some(d) if d.base64 => h
                .raw("<span class=\"muted\">binary </span>")
                .text(&format::preview(&d.data, 60)),
            Some(d) => h.text(&format::preview(&d.data, 140)),
        };
        h.raw("</td><td>");
        if !m.headers.is_empty() {
            h.pill("neutral", &m.headers.len().to_string());
        }
        headers_masked_badge(&mut h, m);
        h.raw("</td></tr>");
        if expanded {
            message_detail(&mut h, m, &index, reproduce);
        }
    }
    h.finish()
}

/// "preview · 1.2 MiB" when `data` holds only the start of a larger whole.
fn preview_pill(h: &mut Html, data: &Option<Data>) {
    if let Some(size) = data.as_ref().and_then(|d| d.full_size) {
        h.raw(" ")
            .pill("warn", &format!("preview · {}", format::bytes(size)));
    }
}

/// "Avro · orders-value v3" for data framed for the registry, and "not
/// decoded" when it could not be.
fn schema_badge(h: &mut Html, d: &Data) {
    if let Some(s) = &d.schema {
        h.raw(" <span class=\"pill pill-info\" data-testid=\"schema-badge\" title=\"")
            .text(s.message.as_deref().unwrap_or(""))
            .raw("\">")
            .text(&schema_label(s))
            .raw("</span> ");
    }
    if d.undecoded.is_some() {
        h.pill("warn", "not decoded").raw(" ");
    }
}

/// A key or value framed for the registry: decoded (pretty) or why not, and
/// its raw bytes as hex and base64 behind a toggle (open when not decoded).
/// `false` for data without framing, which the caller shows as before.
fn framed(h: &mut Html, d: &Data, part: &str) -> bool {
    if d.schema.is_none() && d.decoded.is_none() && d.undecoded.is_none() {
        return false;
    }
    if let Some(problem) = &d.undecoded {
        h.raw("<div class=\"notice notice-warning\" data-testid=\"undecoded-reason\"><strong>Not decoded</strong><p>")
            .text(&problem.message)
            .raw("</p></div>");
    }
    if let Some(value) = &d.decoded {
        h.raw("<pre class=\"json\" data-testid=\"decoded-")
            .raw(part)
            .raw("\">")
            .raw(&highlight(&value.to_string()))
            .raw("</pre>");
    }
    let bytes = bytes_of(d);
    const HEX_MAX: usize = 64 * 1024;
    let mut hex = String::with_capacity(bytes.len().min(HEX_MAX) * 3);
    for (i, b) in bytes.iter().take(HEX_MAX).enumerate() {
        if i > 0 {
            hex.push(if i % 16 == 0 { '\n' } else { ' ' });
        }
        hex.push_str(&format!("{b:02x}"));
    }
    if bytes.len() > HEX_MAX {
        hex.push_str("\n…");
    }
    let base64 = if d.base64 {
        d.data.clone()
    } else {
        let binary: String = bytes.iter().map(|b| *b as char).collect();
        web_sys::window()
            .and_then(|w| w.btoa(&binary).ok())
            .unwrap_or_default()
    };
    h.raw("<details class=\"schema-hint\" data-testid=\"raw-bytes\"")
        .raw(if d.decoded.is_none() { " open" } else { "" })
        .raw("><summary>Raw bytes</summary><h4>Hex</h4><pre class=\"code code-small\" data-testid=\"raw-hex\">")
        .text(&hex)
        .raw("</pre><h4>Base64</h4><pre class=\"code code-small\" data-testid=\"raw-base64\">")
        .text(&base64)
        .raw("</pre></details>");
    true
}

/// Whether any part of `m` is masked for the person.
pub(super) fn is_masked(m: &Message) -> bool {
    parts(m).any(|d| !d.masked.is_empty())
}

/// Whether any part of `m` is binary (base64), which the produce dialog,
/// taking text, cannot write back.
pub(super) fn is_binary(m: &Message) -> bool {
    parts(m).any(|d| d.base64 && d.decoded.is_none())
}

fn parts(m: &Message) -> impl Iterator<Item = &Data> {
    m.key
        .iter()
        .chain(m.value.iter())
        .chain(m.headers.iter().filter_map(|h| h.value.as_ref()))
}

/// "masked", titled with what of `d` is hidden from the person (`part`:
/// key, value or header, for a wholly masked one).
fn masked_badge(h: &mut Html, d: &Option<Data>, part: &str) {
    let Some(d) = d.as_ref().filter(|d| !d.masked.is_empty()) else {
        return;
    };
    let what: Vec<String> = d
        .masked
        .iter()
        .map(|p| {
            if p == "*" {
                format!("the whole {part}")
            } else {
                p.clone()
            }
        })
        .collect();
    badge(h, &what.join(", "));
}

fn badge(h: &mut Html, what: &str) {
    h.raw("<span class=\"pill pill-warn\" data-testid=\"masked\" title=\"")
        .text(&format!("Masked for you: {what}"))
        .raw("\">masked</span> ");
}

/// In a row's headers cell: one badge naming the masked headers.
fn headers_masked_badge(h: &mut Html, m: &Message) {
    let what: Vec<String> = m
        .headers
        .iter()
        .filter_map(|header| {
            let d = header.value.as_ref().filter(|d| !d.masked.is_empty())?;
            Some(if d.masked.iter().any(|p| p == "*") {
                format!("header {}", header.key)
            } else {
                format!("header {} ({})", header.key, d.masked.join(", "))
            })
        })
        .collect();
    if !what.is_empty() {
        h.raw(" ");
        badge(h, &what.join(", "));
    }
}

fn message_detail(h: &mut Html, m: &Message, index: &str, reproduce: bool) {
    let (format, body) = match &m.value {
        None => ("null", "<p class=\"muted\">No value: a tombstone.</p>".to_owned()),
        Some(d) if d.schema.is_some() || d.decoded.is_some() || d.undecoded.is_some() => ("", String::new()),
        Some(d) if d.base64 => (
            "base64",
            format!("<pre class=\"code\">{}</pre>", Html::new().text(&d.data).finish()),
        ),
        Some(d) if is_json(&d.data) => (
            "JSON",
            format!("<pre class=\"json\">{}</pre>", highlight(&d.data)),
        ),
        Some(d) => (
            "text",
            format!("<pre class=\"code\">{}</pre>", Html::new().text(&d.data).finish()),
        ),
    };
    let copy = |h: &mut Html, what: &str, label: &str| {
        h.raw("<button type=\"button\" class=\"button button-small\" data-copy=\"")
            .raw(what)
            .raw("\" data-row=\"")
            .raw(index)
            .raw("\">")
            .raw(label)
            .raw("</button>");
    };
    h.raw("<tr class=\"message-detail\"><td colspan=\"7\"><div class=\"detail-grid\" data-testid=\"message-detail\"><section><div class=\"detail-head\"><h3>Value ");
    masked_badge(h, &m.value, "value");
    match &m.value {
        Some(d) if format.is_empty() => schema_badge(h, d),
        _ => {
            h.pill("neutral", format);
        }
    }
    preview_pill(h, &m.value);
    h.raw("</h3><div class=\"toolbar\">");
    if !previews(m).is_empty() {
        copy(h, "whole", "Load whole message");
    }
    if m.value.is_some() {
        copy(h, "save", "Download value");
    }
    copy(h, "value", "Copy value");
    copy(h, "json", "Copy as JSON");
    // A masked message's hidden bytes never reached the browser: writing
    // it back would write the mask.
    if reproduce && !is_masked(m) {
        if is_binary(m) {
            h.raw("<button type=\"button\" class=\"button button-small\" disabled title=\"Binary keys, values and headers cannot be re-produced here: the produce dialog writes text.\">Re-produce</button>");
        } else {
            copy(h, "reproduce", "Re-produce");
        }
    }
    h.raw("</div></div>").raw(&body);
    if let Some(d) = &m.value {
        framed(h, d, "value");
    }
    h.raw("</section><aside><h3>Key ");
    masked_badge(h, &m.key, "key");
    if let Some(k) = &m.key {
        schema_badge(h, k);
    }
    h.raw("</h3>");
    match &m.key {
        Some(k) if framed(h, k, "key") => &mut *h,
        Some(k) => h
            .raw("<pre class=\"code code-small\">")
            .text(&k.data)
            .raw("</pre>"),
        None => h.raw("<p class=\"muted\">No key</p>"),
    };
    preview_pill(h, &m.key);
    h.raw("<h3>Headers</h3>");
    if m.headers.is_empty() {
        h.raw("<p class=\"muted\">No headers</p>");
    } else {
        h.raw("<dl class=\"pairs\">");
        for header in &m.headers {
            h.raw("<dt class=\"mono\">")
                .text(&header.key)
                .raw("</dt><dd class=\"mono\">");
            masked_badge(h, &header.value, "header");
            h.text(header.value.as_ref().map_or("null", |v| &v.data));
            preview_pill(h, &header.value);
            h.raw("</dd>");
        }
        h.raw("</dl>");
    }
    h.raw("<h3>Timestamp</h3><p class=\"mono\">")
        .text(&m.timestamp.map(format::iso).unwrap_or_else(|| "—".into()))
        .raw("</p></aside></div></td></tr>");
}
