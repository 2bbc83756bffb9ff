use leptos::prelude::*;

use crate::api::BASE;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. " <a href=format!("{BASE}/topics")>"Go to the topics"</a> "."</p>
        </section>
    }
}
