//! A labelled form field with its hint and its error (live or the server's).

use leptos::prelude::*;

/// Wraps one input; give the input `id` and `aria-describedby=describe(id)`.
#[component]
pub fn Field(
    #[prop(into)] label: String,
    id: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Signal<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label class="field-label" for=id>{label}</label>
            {children()}
            <p class="field-error" id=format!("{id}-error") data-testid=format!("{id}-error")>{move || error.get()}</p>
            <p class="field-hint" id=format!("{id}-hint")>{move || hint.get()}</p>
        </div>
    }
}

/// The `aria-describedby` of the input inside a [`Field`].
pub fn describe(id: &str) -> String {
    format!("{id}-error {id}-hint")
}
