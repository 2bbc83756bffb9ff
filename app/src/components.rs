//! Small building blocks shared by the pages.

use leptos::prelude::*;

use crate::api::ApiError;

/// A failed request, explained, with the request id to quote to support.
#[component]
pub fn ErrorPanel(error: ApiError) -> impl IntoView {
    let class = match error {
        ApiError::Forbidden(_) => "notice notice-warning",
        ApiError::SignInRequired => "notice",
        _ => "notice notice-error",
    };
    let request_id = error.request_id().map(str::to_owned);
    view! {
        <div class=class role="alert">
            <p>{error.message()}</p>
            {request_id.map(|id| view! { <p class="muted small">"Request id: " <code>{id}</code></p> })}
        </div>
    }
}

/// Placeholder rows while a table loads.
#[component]
pub fn TableSkeleton(columns: usize, rows: usize) -> impl IntoView {
    view! {
        <tbody class="skeleton" aria-hidden="true">
            {(0..rows)
                .map(|_| view! { <tr>{(0..columns).map(|_| view! { <td><span class="bar"></span></td> }).collect_view()}</tr> })
                .collect_view()}
        </tbody>
    }
}
