//! Configurator's console: a client-side-rendered Leptos app.
//!
//! Data flow: pages ask [`load`] (reads) and [`api`] (changes) for data;
//! [`api`] talks only to the BFF on the same origin (cookie session, `X-CSRF`
//! header) and handles 401 (to the login and back), 403 and outages in one
//! place. The SPA never sees a token. What a person may do comes from
//! `/auth/me` ([`permissions`]), per cluster; the cluster a page is about
//! is in its address ([`cluster`]), the rest of its state in the query
//! string ([`query`]).

mod address;
mod api;
mod app;
mod cluster;
mod components;
mod decode;
mod format;
mod load;
mod pages;
mod permissions;
mod query;
mod split;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
