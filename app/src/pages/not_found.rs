use leptos::prelude::*;

use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. " <A href="/topics">"Go to the topics"</A> "."</p>
        </section>
    }
}
