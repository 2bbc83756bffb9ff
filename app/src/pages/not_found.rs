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
                <a href=href("/") class="button">"Go to the overview"</a>
            </div>
        </section>
    }
}
