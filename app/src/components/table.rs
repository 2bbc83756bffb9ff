//! Table parts: sortable headers, loading rows, paging.

use leptos::prelude::*;

use crate::format;

/// A column header that sorts by `key`; clicking the sorted column flips the order.
#[component]
pub fn SortHeader(
    #[prop(into)] label: String,
    key: &'static str,
    #[prop(into)] sort: Signal<String>,
    #[prop(into)] descending: Signal<bool>,
    #[prop(into)] on_sort: Callback<&'static str>,
    #[prop(optional)] numeric: bool,
) -> impl IntoView {
    let active = move || sort.with(|s| s == key);
    let aria_sort = move || match (active(), descending.get()) {
        (false, _) => "none",
        (true, false) => "ascending",
        (true, true) => "descending",
    };
    view! {
        <th scope="col" class:num=numeric aria-sort=aria_sort>
            <button type="button" class="sort" class:sort-active=active on:click=move |_| on_sort.run(key)>
                {label}
                <span class="sort-arrow" aria-hidden="true">
                    {move || match (active(), descending.get()) {
                        (false, _) => "↕",
                        (true, false) => "↑",
                        (true, true) => "↓",
                    }}
                </span>
            </button>
        </th>
    }
}

/// Placeholder rows while a table loads for the first time.
#[component]
pub fn TableSkeleton(columns: usize, #[prop(default = 6)] rows: usize) -> impl IntoView {
    view! {
        <tbody class="skeleton" aria-hidden="true">
            {(0..rows)
                .map(|_| view! { <tr>{(0..columns).map(|_| view! { <td><span class="bar"></span></td> }).collect_view()}</tr> })
                .collect_view()}
        </tbody>
    }
}

/// "Showing 51–100 of 10,000", previous/next and the page size.
#[component]
pub fn Pager(
    #[prop(into)] total: Signal<u32>,
    #[prop(into)] page: Signal<u32>,
    #[prop(into)] per_page: Signal<u32>,
    #[prop(into)] on_page: Callback<u32>,
    #[prop(into)] on_per_page: Callback<u32>,
) -> impl IntoView {
    let pages = move || total.get().div_ceil(per_page.get().max(1)).max(1);
    let range = move || {
        let (total, page, per_page) = (total.get(), page.get(), per_page.get());
        if total == 0 {
            return "No results".to_owned();
        }
        let first = (page - 1) * per_page + 1;
        let last = (page * per_page).min(total);
        format!(
            "Showing {}–{} of {}",
            format::int(first),
            format::int(last),
            format::int(total)
        )
    };
    view! {
        <nav class="pager" aria-label="Pages">
            <span class="muted" data-testid="pager-range">{range}</span>
            <label class="pager-size">
                "Per page"
                <select class="select select-small" on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse() { on_per_page.run(n) }
                }>
                    {[25u32, 50, 100, 200].into_iter().map(|n| view! {
                        <option value=n.to_string() selected=move || per_page.get() == n>{n}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="button" class="button button-small" disabled=move || page.get() <= 1
                on:click=move |_| on_page.run(page.get_untracked() - 1)>"← Previous"</button>
            <span class="pager-page">{move || format!("Page {} of {}", format::int(page.get()), format::int(pages()))}</span>
            <button type="button" class="button button-small" disabled=move || { page.get() >= pages() }
                on:click=move |_| on_page.run(page.get_untracked() + 1)>"Next →"</button>
        </nav>
    }
}
