//! The cluster switcher in the header. The current cluster's environment
//! label is always in view, coloured by the contract's tone (red for
//! production), so nobody changes prod thinking it is dev; the menu lists
//! every cluster with its label and health, and leads to the same kind of
//! page there ([`switch_target`]).

use configurator_api::Permission;
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use wasm_bindgen::JsCast;

use super::{Html, env_class, href};
use crate::{
    api::BASE,
    cluster::{Health, switch_target, use_cluster, use_clusters},
    format,
    permissions::use_session,
};

#[component]
pub fn ClusterSwitcher() -> impl IntoView {
    let session = use_session();
    let cluster = use_cluster();
    let clusters = use_clusters().0;
    let location = use_location();

    // The menu as HTML text: one anchor per cluster (the router takes the
    // clicks). From the cluster list once it answered (with health), from
    // `/auth/me` until then.
    let menu = move || {
        let here = location
            .pathname
            .with(|p| p.strip_prefix(BASE).unwrap_or(p).to_owned());
        let current = cluster.get();
        let mut h = Html::new();
        let may_audit = |id: &str| session.can(id, Permission::AuditRead);
        let mut item = |id: &str, name: &str, environment: &str, health: Option<&Health>| {
            h.raw("<a class=\"switcher-item\" data-testid=\"switch-cluster\" data-cluster=\"")
                .text(id)
                .raw("\" href=\"")
                .text(&href(&switch_target(&here, id, may_audit(id))))
                .raw(if current.as_deref() == Some(id) {
                    "\" aria-current=\"true\"><span class=\"switcher-name\">"
                } else {
                    "\"><span class=\"switcher-name\">"
                })
                .text(name)
                .raw(" <span class=\"muted small mono\">")
                .text(id)
                .raw("</span></span>")
                .environment(environment);
            match health {
                Some(health) if health.reachable() => {
                    h.pill("ok", &format!("{} ms", format::int(health.elapsed_ms)))
                }
                Some(_) => h.pill("danger", "unreachable"),
                None => h.pill("neutral", "checking"),
            };
            h.raw("</a>");
        };
        let listed = clusters.with(|list| {
            for c in &list?.clusters {
                item(&c.id, &c.name, &c.environment, Some(&c.health));
            }
            Some(())
        });
        if listed.is_none() {
            session.0.with(|me| {
                for c in me.iter().flat_map(|me| &me.clusters) {
                    item(&c.cluster, &c.name, &c.environment, None);
                }
            });
        }
        h.finish()
    };
    // A choice made closes the menu.
    let close = |ev: leptos::ev::MouseEvent| {
        let details = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .filter(|t| t.closest("a").ok().flatten().is_some())
            .and_then(|t| t.closest("details").ok().flatten());
        if let Some(details) = details {
            let _ = details.remove_attribute("open");
        }
    };

    view! {
        <details class="switcher">
            <summary data-testid="cluster-switcher" title="Switch cluster">
                {move || match cluster.access() {
                    Some(c) => {
                        let class = env_class(&c.environment);
                        view! {
                            <span class="switcher-label">"Cluster"</span>
                            <strong data-testid="current-cluster">{c.name}</strong>
                            <span class=class data-testid="environment" title="Environment">{c.environment}</span>
                        }.into_any()
                    }
                    None => view! { <span class="switcher-label">"Choose a cluster"</span> }.into_any(),
                }}
            </summary>
            <div class="switcher-menu" data-testid="cluster-menu" inner_html=menu on:click=close></div>
        </details>
    }
}
