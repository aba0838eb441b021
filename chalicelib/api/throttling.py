"""The per-tenant rate at the HTTP edge: a verified caller's tenant pays for each request.

Checked on every routed request, before its handler, because API Gateway caches the
authorizer's answer for 5 minutes: a limiter in the authorizer would see one call in many.
Only requests the authorizer verified carry a tenant; the others are left to the stage's
limits and the WAF's per-IP rule.
"""

from __future__ import annotations

from chalicelib.api.errors import ApiError
from chalicelib.api.request import ApiRequest
from chalicelib.service.throttle import TenantThrottle


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429,
        "too_many_requests",
        f"your organisation is sending too many requests; retry in {retry_after} s",
        headers={"Retry-After": str(retry_after)},
    )


def admit(throttle: TenantThrottle | None, request: ApiRequest) -> None:
    """Raises a 429 when the caller's tenant has used up its rate (no throttle: no limit)."""
    context = request.auth_context
    tenant_id = context.get("tenant_id")
    if throttle is None or not tenant_id or context.get("auth_error"):
        return
    admission = throttle.admit(str(tenant_id))
    if not admission.admitted:
        raise too_many_requests(admission.retry_after)
