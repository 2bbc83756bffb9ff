use leptos::prelude::*;

use crate::components::{href, set_title};

#[component]
pub fn NotFound() -> impl IntoView {
    set_title("Not found");
    view! {
        <section class="page">
            <div class="empty-state">
                <h1>"Page not found"</h1>
                <p class="muted">"There is no page at this address."</p>
                <a href=href("/") class="button">"See all clusters"</a>
            </div>
        </section>
    }
}

/// An address naming a cluster the person cannot see: there is none by that
/// id, or the policy gives them nothing on it (the API answers both alike,
/// 404 `cluster_not_found`, so nobody learns which clusters exist).
#[component]
pub fn ClusterNotFound(cluster: String) -> impl IntoView {
    set_title("Cluster not found");
    view! {
        <section class="page">
            <div class="empty-state" data-testid="cluster-not-found">
                <h1>"Cluster not found"</h1>
                <p class="muted">"There is no cluster " <code>{cluster}</code> " that you may see."</p>
                <a href=href("/") class="button">"See all clusters"</a>
            </div>
        </section>
    }
}
