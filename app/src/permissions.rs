//! Who may do what: the signed-in person (from `/auth/me`), per cluster.
//! Permissions are the contract's [`Permission`] enum, so a button's check
//! cannot be misspelt; the words for each come from [`Permission::describe`].
//! Actions a person may not take are not shown; pages say what is missing
//! with [`crate::components::ReadOnlyNote`]. The API checks every call
//! regardless.

use configurator_api::{Permission, SessionInfo};
use leptos::prelude::*;

/// The signed-in person; `None` until `/auth/me` answered.
#[derive(Clone, Copy)]
pub struct Session(pub RwSignal<Option<SessionInfo>>);

pub fn use_session() -> Session {
    expect_context::<Session>()
}

impl Session {
    /// Whether the person holds `permission` on `cluster` (reactive).
    pub fn can(self, cluster: &str, permission: Permission) -> bool {
        self.0
            .with(|me| me.as_ref().is_some_and(|me| me.can(cluster, permission)))
    }

    /// `/auth/me` has answered (reactive).
    pub fn ready(self) -> bool {
        self.0.with(Option::is_some)
    }
}

/// "You do not have permission to … on `cluster` (missing …)."
pub fn denied(permission: Permission, cluster: Option<&str>) -> String {
    let on = cluster.map(|c| format!(" on {c}")).unwrap_or_default();
    format!(
        "You do not have permission to {}{on} (missing {permission}).",
        permission.describe()
    )
}
