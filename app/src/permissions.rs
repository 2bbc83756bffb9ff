//! Who may do what: the signed-in person (from `/auth/me`) and the words the
//! console uses for each permission. Actions a person may not take are not
//! shown; pages say what is missing with [`crate::components::ReadOnlyNote`].
//! The API checks every call regardless.

use configurator_api::SessionInfo;
use leptos::prelude::*;

/// The signed-in person; `None` until `/auth/me` answered.
#[derive(Clone, Copy)]
pub struct Session(pub RwSignal<Option<SessionInfo>>);

pub fn use_session() -> Session {
    expect_context::<Session>()
}

impl Session {
    /// Whether the person holds `permission` (reactive).
    pub fn can(self, permission: &str) -> bool {
        self.0.with(|me| {
            me.as_ref()
                .is_some_and(|me| me.permissions.iter().any(|p| p == permission))
        })
    }
}

/// Every permission, with what it lets a person do (completing "You do not
/// have permission to …"); the Audit page's action filter lists them.
pub const PERMISSIONS: [(&str, &str); 14] = [
    ("cluster:read", "view the cluster"),
    ("topics:read", "view topics"),
    ("topics:create", "create topics"),
    ("topics:alter", "change topic configs and partitions"),
    ("topics:delete", "delete topics"),
    ("topics:purge", "purge messages from topics"),
    ("messages:read", "read messages"),
    ("messages:produce", "produce messages"),
    ("schemas:read", "view schemas"),
    ("schemas:write", "change schemas"),
    ("groups:read", "view consumer groups"),
    ("groups:reset", "reset consumer group offsets"),
    ("groups:delete", "delete consumer groups"),
    ("audit:read", "read the audit log"),
];

/// What a permission lets a person do, completing "You do not have permission to …".
pub fn describe(permission: &str) -> &'static str {
    PERMISSIONS
        .iter()
        .find(|(p, _)| *p == permission)
        .map_or("do this", |(_, what)| what)
}

pub fn denied(permission: &str) -> String {
    format!(
        "You do not have permission to {} (missing {permission}).",
        describe(permission)
    )
}
