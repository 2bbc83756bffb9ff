//! Configurator's console: a client-side-rendered Leptos app.
//!
//! Data flow: pages ask [`api`] for data; [`api`] talks only to the BFF on the
//! same origin (cookie session, `X-CSRF` header) and turns a 401 into a trip
//! to the login page and back. The SPA never sees a token.

mod api;
mod app;
mod components;
mod pages;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
