//! Modal dialogs on the browser's own `<dialog>`: it keeps focus inside,
//! makes the page behind inert, and Escape closes it. Focus starts on the
//! element marked `autofocus` and returns to the opener afterwards.

use std::cell::Cell;

use leptos::{html, prelude::*};

use super::DialogFooter;
use crate::api::ApiError;

thread_local!(static NEXT_ID: Cell<u32> = const { Cell::new(0) });

/// A modal with a title and a close button. Render it while it should be
/// open (e.g. inside `<Show>`); `on_close` is called on Escape and by the
/// close button.
#[component]
pub fn Dialog(
    #[prop(into)] title: String,
    #[prop(into)] on_close: Callback<()>,
    #[prop(optional)] wide: bool,
    children: Children,
) -> impl IntoView {
    let node = NodeRef::<html::Dialog>::new();
    let id = format!("dialog-{}", NEXT_ID.with(|n| n.replace(n.get() + 1)));
    let labelled_by = id.clone();
    Effect::new(move |_| {
        if let Some(dialog) = node.get()
            && !dialog.open()
        {
            let _ = dialog.show_modal();
        }
    });
    on_cleanup(move || {
        if let Some(dialog) = node.get_untracked() {
            dialog.close();
        }
    });
    view! {
        <dialog
            node_ref=node
            class="dialog"
            class:dialog-wide=wide
            aria-labelledby=labelled_by
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                on_close.run(());
            }
        >
            <div class="dialog-inner">
                <header class="dialog-header">
                    <h2 id=id>{title}</h2>
                    <button type="button" class="icon-button" aria-label="Close" on:click=move |_| on_close.run(())>
                        "×"
                    </button>
                </header>
                {children()}
            </div>
        </dialog>
    }
}

/// The error of a dialog's action, shown inside it (the dialog stays open).
#[component]
pub fn DialogError(#[prop(into)] error: Signal<Option<ApiError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            let class = if matches!(e, ApiError::Forbidden { .. }) {
                "notice notice-warning"
            } else {
                "notice notice-error"
            };
            let id = e.request_id().map(str::to_owned);
            view! {
                <div class=class role="alert" data-testid="dialog-error">
                    <p>{e.message()}</p>
                    {id.map(|id| view! { <p class="small">"Request id " <code>{id}</code></p> })}
                </div>
            }
        })
    }
}

/// A dangerous action: says what will happen, optionally asks the person to
/// type a word (the topic's name) first, then runs `on_confirm`.
#[component]
pub fn ConfirmDialog(
    #[prop(into)] title: String,
    confirm_label: &'static str,
    /// When set, the button stays disabled until this is typed.
    #[prop(optional, into)]
    type_to_confirm: Option<String>,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] error: Signal<Option<ApiError>>,
    #[prop(into)] on_confirm: Callback<()>,
    #[prop(into)] on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let (typed, set_typed) = signal(String::new());
    let expected = type_to_confirm.clone();
    let not_ready = Signal::derive(move || expected.as_ref().is_some_and(|word| typed.with(|t| t != word)));
    view! {
        <Dialog title on_close>
            <form class="dialog-body" on:submit=move |ev| {
                ev.prevent_default();
                if !not_ready.get_untracked() {
                    on_confirm.run(());
                }
            }>
                {children()}
                {type_to_confirm.map(|word| view! {
                    <label class="field">
                        <span class="field-label">"Type " <code>{word}</code> " to confirm"</span>
                        <input class="input mono" autofocus autocomplete="off" spellcheck="false"
                            on:input=move |ev| set_typed.set(event_target_value(&ev)) />
                    </label>
                })}
                <DialogError error />
                <DialogFooter on_cancel=on_close label=confirm_label busy_label="Working…" busy disabled=not_ready danger=true />
            </form>
        </Dialog>
    }
}
