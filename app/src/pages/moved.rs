//! The addresses of the single-cluster console (`/topics…`, `/groups…`,
//! `/consumer-groups…`, `/audit`) lead to the same page of the default
//! cluster, with the same query, so old bookmarks and links in tickets keep
//! working. The history entry is replaced: Back does not bounce here again.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::NotFound;
use crate::{
    api::BASE,
    cluster::{page_path, use_clusters},
    permissions::use_session,
    query,
};

/// The page `path` (relative to the base) moved to on `cluster`, if it is an
/// old single-cluster address.
fn moved(path: &str, cluster: &str) -> Option<String> {
    let (first, rest) = match path.trim_start_matches('/').split_once('/') {
        Some((first, rest)) => (first, format!("/{rest}")),
        None => (path.trim_start_matches('/'), String::new()),
    };
    let page = match first {
        "topics" => "/topics",
        "groups" | "consumer-groups" => "/groups",
        "audit" if rest.is_empty() => "/audit",
        _ => return None,
    };
    Some(page_path(cluster, &format!("{page}{rest}")))
}

/// The router's fallback: an old address is sent on, anything else is not found.
#[component]
pub fn MovedOrNotFound() -> impl IntoView {
    let location = use_location();
    let path = location.pathname.get_untracked();
    let path = path.strip_prefix(BASE).unwrap_or(&path).to_owned();
    if moved(&path, "-").is_none() {
        return view! { <NotFound /> }.into_any();
    }
    let search = location.search.get_untracked();
    let clusters = use_clusters().0;
    let session = use_session();
    // The API's default; if the list could not be had, the first cluster
    // the person may see.
    let default = Memo::new(move |_| {
        clusters
            .with(|l| l.and_then(|l| l.default_cluster.clone()))
            .or_else(|| {
                clusters.error.with(Option::is_some).then(|| {
                    session
                        .0
                        .with(|me| me.as_ref()?.clusters.first().map(|c| c.cluster.clone()))
                })?
            })
    });
    let go = query::go();
    Effect::new(move |_| {
        if let Some(to) = default.get().and_then(|d| moved(&path, &d)) {
            let query = if search.is_empty() {
                String::new()
            } else {
                format!("?{search}")
            };
            go(&format!("{to}{query}"), true);
        }
    });
    view! {
        <section class="page">
            <p class="muted" data-testid="moving">"This page has moved under its cluster; finding the default cluster…"</p>
        </section>
    }
    .into_any()
}
