"""The JSON API under /api/v1/: one NinjaAPI, one error shape, routers from each app."""

from __future__ import annotations

from ninja import NinjaAPI

from qingqian.accounts.api import router as accounts_router
from qingqian.accounts.api_auth import STAFF_AUTH
from qingqian.complaints.api import router as complaints_router
from qingqian.core.api import install_error_handlers
from qingqian.dashboards.api import router as dashboards_router
from qingqian.disclosure.api import public_router as public_router
from qingqian.disclosure.api import router as disclosure_router
from qingqian.ledger.api import router as ledger_router
from qingqian.notifications.api import router as notifications_router
from qingqian.registry.api import router as registry_router
from qingqian.registry.api_rules import router as rules_router

api = NinjaAPI(
    title="清欠 API",
    version="1",
    description=(
        "清理拖欠中小企业账款平台接口。错误统一为 {code, message, fields}。"
        "创建类 POST 支持 Idempotency-Key 请求头：同键同内容重放原响应，同键不同内容返回 422，处理中返回 409。"
    ),
    auth=STAFF_AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("/accounts", accounts_router)
api.add_router("/registry", registry_router)
api.add_router("/rules", rules_router)
api.add_router("/complaints", complaints_router)
api.add_router("/ledger", ledger_router)
api.add_router("/notifications", notifications_router)
api.add_router("/public", public_router)
api.add_router("/disclosure", disclosure_router)
api.add_router("/dashboards", dashboards_router)
