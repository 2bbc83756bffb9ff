use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::set_title;

#[component]
pub fn NotFound() -> impl IntoView {
    set_title("Not found");
    view! {
        <section class="page">
            <div class="empty-state">
                <h1>"Page not found"</h1>
                <p class="muted">"There is no page at this address."</p>
                <A href="/" attr:class="button">"Go to the overview"</A>
            </div>
        </section>
    }
}
