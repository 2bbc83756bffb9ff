//! Controls used on several pages, written once.

use leptos::prelude::*;

use crate::api::BASE;

/// The address of a page of the console, for plain links in tables (the
/// router handles clicks on any link under the base).
pub fn href(path: &str) -> String {
    format!("{BASE}{path}")
}

/// A search field with its icon and a label for screen readers.
#[component]
pub fn SearchBox(
    label: &'static str,
    placeholder: &'static str,
    test_id: &'static str,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_input: Callback<String>,
) -> impl IntoView {
    view! {
        <label class="search">
            <span class="visually-hidden">{label}</span>
            <svg viewBox="0 0 20 20" aria-hidden="true"><circle cx="8.5" cy="8.5" r="5.5" /><path d="M13 13l4.5 4.5" /></svg>
            <input class="input" type="search" placeholder=placeholder autocomplete="off" spellcheck="false"
                data-testid=test_id prop:value=value on:input=move |ev| on_input.run(event_target_value(&ev)) />
        </label>
    }
}

/// A dialog's buttons: Cancel, and the action, which says it is working
/// while `busy`. Without `on_action` the action submits the dialog's form.
#[component]
pub fn DialogFooter(
    #[prop(into)] on_cancel: Callback<()>,
    label: &'static str,
    busy_label: &'static str,
    #[prop(into)] busy: Signal<bool>,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(optional)] danger: bool,
    #[prop(optional)] cancel_label: Option<&'static str>,
    #[prop(optional, into)] on_action: Option<Callback<()>>,
) -> impl IntoView {
    let kind = if on_action.is_some() { "button" } else { "submit" };
    view! {
        <footer class="dialog-footer">
            <button type="button" class="button" on:click=move |_| on_cancel.run(())>{cancel_label.unwrap_or("Cancel")}</button>
            <button type=kind class=if danger { "button button-danger" } else { "button button-primary" }
                disabled=move || busy.get() || disabled.get()
                on:click=move |_| if let Some(action) = on_action { action.run(()) }>
                {move || if busy.get() { busy_label } else { label }}
            </button>
        </footer>
    }
}
