//! The parts of the console a person does not need on the first screen
//! (the clusters list, a cluster's overview, the topics and groups lists),
//! each in a wasm chunk of its own in release builds: a topic, a group, the
//! audit log, the schema registry, the create-topic dialog. The first call
//! fetches the chunk (`__wasm_split-*.js` loads it beside the main wasm),
//! later calls find it loaded.
//!
//! `lazy!` makes each an `async fn` returning the view: a `#[lazy]` split point
//! where the build splits the wasm (`cfg(wasm_split)`, see `build.rs`), a
//! plain `async fn` elsewhere (debug builds). [`later`] shows one once it is
//! there (nothing before: the chunk comes in well under the time a page's
//! own data takes).

use leptos::prelude::*;

use crate::pages::{AuditPage, CreateTopicDialog, GroupDetailPage, SchemaPage, SchemasPage, TopicPage};

macro_rules! lazy {
    ($(#[$attr:meta])* fn $name:ident($($arg:ident: $ty:ty),*) $body:block) => {
        $(#[$attr])*
        #[cfg(wasm_split)]
        #[leptos::lazy]
        pub fn $name($($arg: $ty),*) -> AnyView $body

        $(#[$attr])*
        #[cfg(not(wasm_split))]
        pub async fn $name($($arg: $ty),*) -> AnyView $body
    };
}

/// The view `view` gives once its chunk is loaded.
pub fn later(view: impl Future<Output = AnyView> + Send + 'static) -> AnyView {
    Suspend::new(view).into_any()
}

lazy! {
    /// A topic and its tabs: messages, produce, configs, partitions, schema.
    fn topic_page() { view! { <TopicPage /> }.into_any() }
}
lazy! {
    /// A consumer group, with its reset-offsets dialog.
    fn group_page() { view! { <GroupDetailPage /> }.into_any() }
}
lazy! {
    fn audit_page() { view! { <AuditPage /> }.into_any() }
}
lazy! {
    fn schemas_page() { view! { <SchemasPage /> }.into_any() }
}
lazy! {
    fn schema_page() { view! { <SchemaPage /> }.into_any() }
}
lazy! {
    fn create_topic_dialog(on_close: Callback<()>) { view! { <CreateTopicDialog on_close /> }.into_any() }
}
