//! The shell: header with the environment and the signed-in person, the
//! navigation, the pages and the toasts.
//!
//! Paths given to the router (`A`, routes, navigation) are relative to the
//! base: `/topics` means `/dev/configurator/topics`.

use configurator_api::{LogoutResponse, SessionInfo};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{
    components::{FlatRoutes, Route, Router},
    path,
};

use crate::{
    api::{self, BASE},
    components::{NavLink, When, href, toast::Toasts},
    pages::{AuditPage, GroupDetailPage, GroupsPage, NotFound, OverviewPage, TopicPage, TopicsPage},
    permissions::{Session, use_session},
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
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Header />
            <div class="shell">
                <Sidebar />
                <main id="main" class="content" tabindex="-1">
                    // Flat routes: smaller than nested ones; the topic's tabs are
                    // a parameter of one route, so the topic stays loaded while
                    // the person switches between them.
                    <FlatRoutes fallback=|| view! { <NotFound /> }>
                        <Route path=path!("/") view=OverviewPage />
                        <Route path=path!("/topics") view=TopicsPage />
                        <Route path=path!("/topics/:topic/:tab?") view=TopicPage />
                        <Route path=path!("/groups") view=GroupsPage />
                        <Route path=path!("/groups/:group") view=GroupDetailPage />
                        <Route path=path!("/audit") view=AuditPage />
                    </FlatRoutes>
                </main>
            </div>
            <Toasts />
        </Router>
    }
}

#[component]
fn Header() -> impl IntoView {
    let session = use_session();
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

    view! {
        <header class="topbar">
            <a href=href("/") class="brand">
                <img src=format!("{BASE}/favicon.svg") alt="" width="26" height="26" />
                <span>"Configurator"</span>
            </a>
            {move || session.0.with(|me| me.as_ref().map(|me| me.environment.clone())).filter(|e| !e.is_empty()).map(|env| {
                let kind = match env.to_ascii_lowercase().as_str() {
                    "prod" | "production" | "prd" => "danger",
                    "staging" | "stage" | "preprod" | "uat" => "warn",
                    _ => "info",
                };
                view! {
                    <span class=format!("env env-{kind}") data-testid="environment" title="Environment">{env}</span>
                }
            })}
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
    let session = use_session();
    view! {
        <nav class="sidebar" aria-label="Main">
            <NavLink href=href("/") exact=true>
                <svg viewBox="0 0 20 20" aria-hidden="true"><path d="M3 3h6v6H3zM11 3h6v6h-6zM3 11h6v6H3zM11 11h6v6h-6z" /></svg>
                "Overview"
            </NavLink>
            <NavLink href=href("/topics")>
                <svg viewBox="0 0 20 20" aria-hidden="true"><path d="M3 5h14M3 10h14M3 15h14" /></svg>
                "Topics"
            </NavLink>
            <NavLink href=href("/groups")>
                <svg viewBox="0 0 20 20" aria-hidden="true"><path d="M7 8a3 3 0 1 0 0-.01M14 9a2.5 2.5 0 1 0 0-.01M2 17c0-3 2.5-5 5-5s5 2 5 5M12 13c2.5-1 6 0 6 4" /></svg>
                "Consumer groups"
            </NavLink>
            <When when=move || session.can("audit:read")>
                <NavLink href=href("/audit")>
                    <svg viewBox="0 0 20 20" aria-hidden="true"><path d="M5 2h7l4 4v12H5zM12 2v4h4M8 10h6M8 13h6" /></svg>
                    "Audit log"
                </NavLink>
            </When>
        </nav>
    }
}
