//! Read-only tables are written as HTML text and set in one go: one DOM
//! update per answer, and a small download (a Leptos view per row type costs
//! kilobytes of wasm; a few `push_str` calls cost bytes). Everything that comes
//! from the server goes through [`Html::text`], which escapes it. Links are
//! plain anchors under the base, which the router takes over; buttons carry
//! `data-*` attributes read by one click handler on the table body.

use configurator_api::EnvironmentTone;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::href;

/// The classes of an environment label: `env env-production`, … The same
/// label gets the same colour everywhere, decided by the contract.
pub fn env_class(label: &str) -> String {
    format!("env env-{}", EnvironmentTone::of(label).css())
}

/// A padlock, for protected topics.
pub const LOCK: &str = "<svg class=\"lock\" viewBox=\"0 0 20 20\" aria-hidden=\"true\"><path d=\"M6.5 9V6.5a3.5 3.5 0 0 1 7 0V9M4.5 9h11v8.5h-11z\"/></svg>";

#[derive(Default)]
pub struct Html(String);

impl Html {
    pub fn new() -> Self {
        Self::default()
    }

    /// Trusted markup, written by the console itself.
    pub fn raw(&mut self, html: &str) -> &mut Self {
        self.0.push_str(html);
        self
    }

    /// Text from anywhere, escaped.
    pub fn text(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            match c {
                '&' => self.0.push_str("&amp;"),
                '<' => self.0.push_str("&lt;"),
                '>' => self.0.push_str("&gt;"),
                '"' => self.0.push_str("&quot;"),
                '\'' => self.0.push_str("&#39;"),
                _ => self.0.push(c),
            }
        }
        self
    }

    /// `<tr data-testid="…">`
    pub fn row(&mut self, test_id: &str) -> &mut Self {
        self.raw("<tr data-testid=\"").raw(test_id).raw("\">")
    }

    pub fn end_row(&mut self) -> &mut Self {
        self.raw("</tr>")
    }

    /// A cell with escaped text.
    pub fn cell(&mut self, class: &str, text: &str) -> &mut Self {
        self.raw("<td class=\"")
            .raw(class)
            .raw("\">")
            .text(text)
            .raw("</td>")
    }

    /// A link to a page of the console (`path` relative to the base).
    pub fn link(&mut self, path: &str, class: &str, text: &str) -> &mut Self {
        self.raw("<a href=\"")
            .text(&href(path))
            .raw("\" class=\"")
            .raw(class)
            .raw("\">")
            .text(text)
            .raw("</a>")
    }

    /// A status pill (`ok`, `warn`, `danger`, `info`, `neutral`).
    pub fn pill(&mut self, kind: &str, text: &str) -> &mut Self {
        self.raw("<span class=\"pill pill-")
            .raw(kind)
            .raw("\">")
            .text(text)
            .raw("</span>")
    }

    /// An environment label, coloured by its [`EnvironmentTone`] (red for production).
    pub fn environment(&mut self, label: &str) -> &mut Self {
        self.raw("<span class=\"")
            .raw(&env_class(label))
            .raw("\">")
            .text(label)
            .raw("</span>")
    }

    /// "healthy", or how many partitions are under-replicated.
    pub fn health(&mut self, under: u32) -> &mut Self {
        if under == 0 {
            self.pill("ok", "healthy")
        } else {
            self.pill("danger", &format!("{under} under-replicated"))
        }
    }

    /// A row spanning the table, saying there is nothing to show.
    pub fn empty(&mut self, columns: u32, text: &str) -> &mut Self {
        self.raw("<tr><td class=\"empty\" colspan=\"")
            .raw(&columns.to_string())
            .raw("\">")
            .text(text)
            .raw("</td></tr>")
    }

    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.0)
    }
}

/// A `<tbody>` (or other container) filled from HTML text.
#[component]
pub fn RawBody(#[prop(into)] html: Signal<String>) -> impl IntoView {
    view! { <tbody inner_html=move || html.get()></tbody> }
}

/// The value of `attribute` on the element clicked, or on its nearest
/// ancestor that has it (for buttons inside [`RawBody`] tables).
pub fn clicked(ev: &leptos::ev::MouseEvent, attribute: &str) -> Option<String> {
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    target
        .closest(&format!("[{attribute}]"))
        .ok()??
        .get_attribute(attribute)
}
