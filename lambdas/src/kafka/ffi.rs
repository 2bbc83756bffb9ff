// TEMPORARY local placeholder until the groups branch lands; never committed.
use std::{collections::BTreeMap, time::Duration};

use super::Admin;
use crate::error::ApiError;

pub fn incremental_alter_topic_configs(
    _admin: &Admin,
    _topic: &str,
    _set: &BTreeMap<String, String>,
    _delete: &[String],
    _timeout: Duration,
) -> Result<(), ApiError> {
    Err(ApiError::not_supported("placeholder"))
}
