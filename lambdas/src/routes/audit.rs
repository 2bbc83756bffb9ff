//! The audit trail, read only through here (`audit:read`): filtered, paged,
//! each record verified; and the same as CSV.

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use configurator_api::{AUDIT_CURSOR_HEADER, AuditList, AuditQuery};

use configurator_api::Permission;

use crate::{
    AppState,
    audit::{
        csv::to_csv,
        now_ms,
        trail::{Filter, export_budget, page_budget, page_limit},
    },
    auth::Principal,
    clusters::OnCluster,
    error::ApiError,
    extract::Query,
    policy::Resource,
};

/// `GET /audit`: newest first; refused calls only with `outcome=refused|all`.
pub async fn get_audit(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditList>, ApiError> {
    let filter = Filter::new(&query)?;
    let limit = page_limit(&query)?;
    caller.require(&state.policy, on.id(), Permission::AuditRead, Resource::Cluster)?;
    Ok(Json(state.audit_trail(&on, filter, page_budget(limit)).await?))
}

/// `GET /audit/export`: the same filters, as CSV. When the export stopped at
/// its budget, `x-audit-cursor` says where the next (older) part starts.
pub async fn export_audit(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    Query(query): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    let filter = Filter::new(&query)?;
    caller.require(&state.policy, on.id(), Permission::AuditRead, Resource::Cluster)?;
    let list = state.audit_trail(&on, filter, export_budget()).await?;
    let disposition = format!("attachment; filename=\"configurator-audit-{}.csv\"", now_ms());
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        to_csv(&list.records),
    )
        .into_response();
    if let Some(cursor) = list.cursor
        && let Ok(value) = HeaderValue::from_str(&cursor)
    {
        response.headers_mut().insert(AUDIT_CURSOR_HEADER, value);
    }
    Ok(response)
}
