//! What a page reads from its address, held still while the address is
//! another page's.
//!
//! The cluster section is one route (`/clusters/:cluster/:section?/:name?/:tab?`),
//! so when a person leaves a topic for the Audit page, the route's parameters
//! change under the topic page before it is taken down, and what depends on
//! them runs once more: a load would fetch for an address that is not its
//! page's (`/topics/`), and a tab would be mounted into a page already
//! disposed, a panic that stops the whole console. A page's own values keep
//! their last value instead, so nothing of a leaving page reacts.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The `name` (decoded) and `tab` segments of one `section`'s page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageAddress {
    pub name: String,
    pub tab: Option<String>,
}

/// This `section`'s page address, the last one while the address is
/// another page's.
pub fn own(section: &'static str) -> Memo<PageAddress> {
    let params = use_params_map();
    Memo::new(move |last: Option<&PageAddress>| {
        params.with(|p| match p.get("name") {
            Some(raw) if p.get("section").as_deref() == Some(section) => PageAddress {
                name: js_sys::decode_uri_component(&raw)
                    .map(String::from)
                    .unwrap_or(raw),
                tab: p.get("tab"),
            },
            _ => last.cloned().unwrap_or_default(),
        })
    })
}

/// Whether the address is a `section` page's `tab` (reactive).
pub fn at(section: &'static str, tab: &'static str) -> Memo<bool> {
    let params = use_params_map();
    Memo::new(move |_| {
        params.with(|p| p.get("section").as_deref() == Some(section) && p.get("tab").as_deref() == Some(tab))
    })
}
