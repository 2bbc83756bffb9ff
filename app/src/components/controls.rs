//! Controls used on several pages, written once.

use leptos::prelude::*;

use crate::api::BASE;

/// The address of a page of the console, for plain links in tables (the
/// router handles clicks on any link under the base).
pub fn href(path: &str) -> String {
    format!("{BASE}{path}")
}

/// `children` while `when` holds, else `fallback` (nothing by default);
/// redrawn only when the answer changes. Leptos' `<Show>` does the same but is
/// generic over its children: each use added its own copy to the download.
#[component]
pub fn When(
    #[prop(into)] when: Signal<bool>,
    children: ChildrenFn,
    #[prop(optional, into)] fallback: ViewFn,
) -> impl IntoView {
    let shown = Memo::new(move |_| when.get());
    move || if shown.get() { children() } else { fallback.run() }
}

/// A link in the navigation (sidebar, tabs), marked `aria-current="page"`
/// while its page is open: on exactly its address with `exact`, else on it
/// and anything below it. One plain anchor (the router handles the click),
/// smaller in the download than the router's generic `<A>`.
#[component]
pub fn NavLink(
    #[prop(into)] href: Signal<String>,
    #[prop(optional)] exact: bool,
    children: Children,
) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let current = move || {
        let (path, target) = (location.pathname.get(), href.get());
        let target = target.trim_end_matches('/');
        let path = path.trim_end_matches('/');
        let open =
            path == target || (!exact && path.starts_with(target) && path[target.len()..].starts_with('/'));
        open.then_some("page")
    };
    view! { <a href=href aria-current=current>{children()}</a> }
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
