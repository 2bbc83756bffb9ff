//! The shell: router, header with the signed-in person, and the pages.
//!
//! Paths given to the router's components (`A`, `Redirect`, routes) are
//! relative to the base: `/topics` means `/dev/configurator/topics`.

use configurator_api::{LogoutResponse, SessionInfo};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{
    components::{A, Redirect, Route, Router, Routes},
    path,
};

use crate::{
    api::{self, BASE},
    pages::{NotFound, TopicsPage},
};

#[component]
pub fn App() -> impl IntoView {
    // Who is signed in. A 401 here sends the browser to the login at once.
    let me = LocalResource::new(|| api::get::<SessionInfo>("/auth/me"));
    provide_context(me);

    view! {
        <Router base=BASE>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Header me=me />
            <main id="main" class="content">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=|| view! { <Redirect path="/topics" /> } />
                    <Route path=path!("/topics") view=TopicsPage />
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn Header(me: LocalResource<Result<SessionInfo, api::ApiError>>) -> impl IntoView {
    let (logging_out, set_logging_out) = signal(false);
    let log_out = move |_| {
        set_logging_out.set(true);
        spawn_local(async move {
            match api::post::<LogoutResponse>("/auth/logout").await {
                Ok(answer) => api::leave_to(&answer.logout_url),
                // Already signed out (401) redirects by itself; otherwise let them retry.
                Err(_) => set_logging_out.set(false),
            }
        });
    };

    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">
                <img src=format!("{BASE}/favicon.svg") alt="" width="24" height="24" />
                <span>"Configurator"</span>
            </A>
            <nav class="mainnav" aria-label="Main">
                <A href="/topics">"Topics"</A>
            </nav>
            <div class="user">
                {move || match me.get() {
                    Some(Ok(person)) => {
                        let groups = person.groups.join(", ");
                        view! {
                            <span class="user-name" data-testid="user-name">{person.name}</span>
                            <span class="user-groups muted small">{groups}</span>
                            <button class="button button-quiet" on:click=log_out disabled=move || logging_out.get()>
                                {move || if logging_out.get() { "Logging out…" } else { "Log out" }}
                            </button>
                        }
                            .into_any()
                    }
                    Some(Err(_)) => view! { <span class="muted small">"Not signed in"</span> }.into_any(),
                    None => view! { <span class="bar bar-inline" aria-label="Loading"></span> }.into_any(),
                }}
            </div>
        </header>
    }
}
