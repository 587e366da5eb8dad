"""The NinjaAPI instance mounted at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from qyzmet.api.auth import API_AUTH
from qyzmet.api.handlers import handlers_register
from qyzmet.api.routers import appeals, applications, auth, cases, catalog, documents, intake, queue, tasks


class Utf8JSONRenderer(JSONRenderer):
    """JSON as UTF-8 text: Kazakh and Russian stay readable instead of \\u escapes."""

    json_dumps_params: dict[str, Any] = {"ensure_ascii": False}


api = NinjaAPI(
    title="Qyzmet API",
    version="1",
    description="Kazakhstan's regulated public services, run from their regulations: the catalogue, applications, "
    "cases, tasks, documents and receipts. Errors are `{code, message: {kk, ru, en}}`.",
    auth=API_AUTH,
    urls_namespace="api-v1",
    renderer=Utf8JSONRenderer(),
)
handlers_register(api)
api.add_router("/auth", auth.router)
api.add_router("/services", catalog.router)
api.add_router("/applications", applications.router)
api.add_router("/intake", intake.router)
api.add_router("/cases", cases.router)
api.add_router("/cases", appeals.router)
api.add_router("/tasks", tasks.router)
api.add_router("/tasks", appeals.tasks_router)
api.add_router("/documents", documents.router)
api.add_router("/receipts", documents.receipts_router)
api.add_router("/queue", queue.router)
