//! Toasts: a short "done" after a confirmed change, and a dismissible error
//! with the request id when the server fails or cannot be reached. One stack
//! for the whole app, reachable from anywhere (the API client reports outages
//! itself).

use std::{cell::Cell, time::Duration};

use leptos::prelude::*;

use crate::api::ApiError;

#[derive(Clone, PartialEq)]
struct Toast {
    id: u32,
    error: bool,
    text: String,
    request_id: Option<String>,
}

thread_local! {
    static STACK: Cell<Option<RwSignal<Vec<Toast>>>> = const { Cell::new(None) };
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

const SUCCESS_SHOWN_FOR: Duration = Duration::from_secs(5);

pub fn success(text: impl Into<String>) {
    let id = push(false, text.into(), None);
    set_timeout(move || dismiss(id), SUCCESS_SHOWN_FOR);
}

pub fn error(error: &ApiError) {
    push(true, error.message(), error.request_id().map(str::to_owned));
}

fn push(error: bool, text: String, request_id: Option<String>) -> u32 {
    let id = NEXT_ID.with(|n| n.replace(n.get() + 1));
    if let Some(stack) = STACK.with(Cell::get) {
        stack.update(|s| {
            // The same outage reported by several calls at once shows once.
            if !s.iter().any(|t| t.error == error && t.text == text) {
                s.push(Toast {
                    id,
                    error,
                    text,
                    request_id,
                });
            }
        });
    }
    id
}

fn dismiss(id: u32) {
    if let Some(stack) = STACK.with(Cell::get) {
        stack.update(|s| s.retain(|t| t.id != id));
    }
}

/// Where toasts appear; rendered once by the shell.
#[component]
pub fn Toasts() -> impl IntoView {
    let stack = RwSignal::new(Vec::<Toast>::new());
    STACK.with(|s| s.set(Some(stack)));
    view! {
        <div class="toasts" role="status" aria-live="polite">
            {move || stack.get().into_iter().map(|toast| view! {
                <div class=if toast.error { "toast toast-error" } else { "toast toast-success" } data-testid="toast">
                    <span class="toast-icon" aria-hidden="true">{if toast.error { "!" } else { "✓" }}</span>
                    <div class="toast-body">
                        <p>{toast.text}</p>
                        {toast.request_id.map(|id| view! { <p class="small">"Request id " <code>{id}</code></p> })}
                    </div>
                    <button class="icon-button" aria-label="Dismiss" on:click=move |_| dismiss(toast.id)>"×"</button>
                </div>
            }).collect_view()}
        </div>
    }
}
