//! The shell: header with the cluster switcher and the signed-in person, the
//! navigation of the current cluster, the pages and the toasts.
//!
//! Paths given to the router (`A`, routes, navigation) are relative to the
//! base: `/clusters/local-a/topics` means
//! `/dev/configurator/clusters/local-a/topics`. Every page about one
//! cluster's data is under `/clusters/:cluster` (see [`crate::cluster`]).

use configurator_api::{EnvironmentTone, LogoutResponse, Permission, RegistryKind, SessionInfo};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{
    components::{FlatRoutes, Route, Router},
    hooks::use_params_map,
    path,
};

use crate::{
    api::{self, BASE},
    cluster::{Clusters, Current, use_cluster},
    components::{ClusterSwitcher, NavLink, When, href, toast::Toasts},
    pages::{ClusterNotFound, ClustersPage, GroupsPage, MovedOrNotFound, NotFound, OverviewPage, TopicsPage},
    permissions::{Session, use_session},
    split::{audit_page, group_page, later, schema_page, schemas_page, topic_page},
};

#[component]
pub fn App() -> impl IntoView {
    // Who is signed in. A 401 here sends the browser to the login at once.
    let session = Session(RwSignal::new(None));
    provide_context(session);
    spawn_local(async move {
        if let Ok(me) = api::get::<SessionInfo>("/auth/me").await {
            session.0.set(Some(me));
        }
    });

    view! {
        <Router base=BASE>
            <Shell />
        </Router>
    }
}

/// Everything inside the router, which the current cluster is read from.
#[component]
fn Shell() -> impl IntoView {
    let session = use_session();
    let cluster = Current::from_location(session);
    provide_context(cluster);
    provide_context(Clusters::load());
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <Header />
        <div class="shell">
            <Sidebar />
            <main id="main" class="content" tabindex="-1">
                    // Flat routes: smaller than nested ones; the topic's tabs are
                    // a parameter of one route, so the topic stays loaded while
                    // the person switches between them.
                    <FlatRoutes fallback=|| view! { <MovedOrNotFound /> }>
                        <Route path=path!("/") view=ClustersPage />
                        <Route path=path!("/clusters/:cluster/:section?/:name?/:tab?") view=ClusterSection />
                    </FlatRoutes>
            </main>
        </div>
        <Toasts />
    }
}

/// Every page of a cluster, as one route: `/clusters/:cluster` (overview),
/// `…/topics`, `…/topics/:name/:tab?` (a topic and its tab), `…/groups`,
/// `…/groups/:name`, `…/audit`, `…/schemas`, `…/schemas/:name`. The parts are parameters, as a topic's tabs
/// are, since each route costs kilobytes of matching code in the download.
/// Only a change of page kind draws a new page: a new topic name or tab is
/// followed by the page itself.
#[component]
fn ClusterSection() -> impl IntoView {
    let session = use_session();
    let cluster = use_cluster();
    // An address naming a cluster this person cannot see gets a page saying
    // so instead of a page of failed calls. (Only once `/auth/me` listed the
    // clusters: an empty list means the BFF could not ask the API.)
    let unknown = Memo::new(move |_| {
        let id = cluster.get()?;
        session.0.with(|me| {
            let me = me.as_ref()?;
            (!me.clusters.is_empty() && me.access(&id).is_none()).then_some(id)
        })
    });
    let params = use_params_map();
    let page = Memo::new(move |_| {
        params.with(|p| {
            let section = p.get("section");
            let (named, tab) = (p.get("name").is_some(), p.get("tab").is_some());
            match (section.as_deref(), named, tab) {
                (None, ..) => "overview",
                (Some("topics"), false, _) => "topics",
                (Some("topics"), true, _) => "topic",
                (Some("groups"), false, _) => "groups",
                (Some("groups"), true, false) => "group",
                (Some("audit"), false, _) => "audit",
                (Some("schemas"), false, _) => "schemas",
                (Some("schemas"), true, false) => "schema",
                _ => "",
            }
        })
    });
    move || match (unknown.get(), page.get()) {
        (Some(cluster), _) => view! { <ClusterNotFound cluster /> }.into_any(),
        (None, "overview") => view! { <OverviewPage /> }.into_any(),
        (None, "topics") => view! { <TopicsPage /> }.into_any(),
        (None, "topic") => later(topic_page()),
        (None, "groups") => view! { <GroupsPage /> }.into_any(),
        (None, "group") => later(group_page()),
        (None, "audit") => later(audit_page()),
        (None, "schemas") => later(schemas_page()),
        (None, "schema") => later(schema_page()),
        _ => view! { <NotFound /> }.into_any(),
    }
}

#[component]
fn Header() -> impl IntoView {
    let session = use_session();
    let cluster = use_cluster();
    let (logging_out, set_logging_out) = signal(false);
    let log_out = move |_| {
        set_logging_out.set(true);
        spawn_local(async move {
            match api::post::<(), LogoutResponse>("/auth/logout", &()).await {
                Ok(answer) => api::leave_to(&answer.logout_url),
                // Already signed out (401) redirects by itself; otherwise let them retry.
                Err(_) => set_logging_out.set(false),
            }
        });
    };
    // A production cluster marks the whole bar, not only its label.
    let production = move || {
        cluster
            .access()
            .is_some_and(|c| EnvironmentTone::of(&c.environment) == EnvironmentTone::Production)
    };

    view! {
        <header class="topbar" class:topbar-production=production>
            <a href=href("/") class="brand">
                <img src=format!("{BASE}/favicon.svg") alt="" width="26" height="26" />
                <span>"Configurator"</span>
            </a>
            <ClusterSwitcher />
            <div class="topbar-spacer"></div>
            <div class="user">
                {move || match session.0.get() {
                    Some(person) => {
                        let groups = person.groups.join(", ");
                        let initials: String = person.name.split_whitespace().filter_map(|w| w.chars().next()).take(2).collect();
                        view! {
                            <span class="avatar" aria-hidden="true">{initials}</span>
                            <span class="user-text">
                                <span class="user-name" data-testid="user-name">{person.name}</span>
                                <span class="user-groups" data-testid="user-groups">{groups}</span>
                            </span>
                            <button class="button button-quiet" on:click=log_out disabled=move || logging_out.get()>
                                {move || if logging_out.get() { "Logging out…" } else { "Log out" }}
                            </button>
                        }
                            .into_any()
                    }
                    None => view! { <span class="bar bar-inline" aria-label="Loading"></span> }.into_any(),
                }}
            </div>
        </header>
    }
}

#[component]
fn Sidebar() -> impl IntoView {
    let cluster = use_cluster();
    let link = move |rest: &'static str| Signal::derive(move || href(&cluster.page(rest)));
    view! {
        <nav class="sidebar" aria-label="Main">
            <NavLink href=href("/") exact=true>
                <svg viewBox="0 0 20 20" aria-hidden="true"><path d="M3 4h14v4H3zM3 12h14v4H3zM6 6h.01M6 14h.01" /></svg>
                "All clusters"
            </NavLink>
            <When when=move || cluster.get().is_some()>
                <p class="sidebar-heading" data-testid="sidebar-cluster">{move || cluster.name()}</p>
                <NavLink href=link("") exact=true>
                    <svg viewBox="0 0 20 20" aria-hidden="true"><path d="M3 3h6v6H3zM11 3h6v6h-6zM3 11h6v6H3zM11 11h6v6h-6z" /></svg>
                    "Overview"
                </NavLink>
                <NavLink href=link("/topics")>
                    <svg viewBox="0 0 20 20" aria-hidden="true"><path d="M3 5h14M3 10h14M3 15h14" /></svg>
                    "Topics"
                </NavLink>
                <NavLink href=link("/groups")>
                    <svg viewBox="0 0 20 20" aria-hidden="true"><path d="M7 8a3 3 0 1 0 0-.01M14 9a2.5 2.5 0 1 0 0-.01M2 17c0-3 2.5-5 5-5s5 2 5 5M12 13c2.5-1 6 0 6 4" /></svg>
                    "Consumer groups"
                </NavLink>
                // Only where a registry holds the schemas: a cluster with the
                // built-in store has them on each topic's Schema tab.
                <When when=move || {
                    cluster.can(Permission::SchemasRead)
                        && cluster.access().is_some_and(|a| a.schemas != RegistryKind::Builtin)
                }>
                    <NavLink href=link("/schemas")>
                        <svg viewBox="0 0 20 20" aria-hidden="true"><path d="M4 3h12v14H4zM7 7h6M7 10h6M7 13h3" /></svg>
                        "Schemas"
                    </NavLink>
                </When>
                <When when=move || cluster.can(Permission::AuditRead)>
                    <NavLink href=link("/audit")>
                        <svg viewBox="0 0 20 20" aria-hidden="true"><path d="M5 2h7l4 4v12H5zM12 2v4h4M8 10h6M8 13h6" /></svg>
                        "Audit log"
                    </NavLink>
                </When>
            </When>
        </nav>
    }
}
