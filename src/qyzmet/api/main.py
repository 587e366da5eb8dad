"""The NinjaAPI instance mounted at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any, Final

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from qyzmet.api.auth import API_AUTH
from qyzmet.api.handlers import handlers_register
from qyzmet.api.routers import appeals, applications, auth, cases, catalog, documents, intake, queue, tasks


class Utf8JSONRenderer(JSONRenderer):
    """JSON as UTF-8 text: Kazakh and Russian stay readable instead of \\u escapes."""

    json_dumps_params: dict[str, Any] = {"ensure_ascii": False}


NOT_A_NUMBER: Final = "{constant} is not a JSON number"


def _constant_refused(constant: str) -> Any:
    raise ValueError(NOT_A_NUMBER.format(constant=constant))


class StrictJSONParser(Parser):
    """Request bodies as standard JSON (RFC 8259) only, whose text can be signed as canonical UTF-8.

    Python's json reads NaN and Infinity, and "\\ud800" as a lone surrogate that no UTF-8 text can
    hold (signatures.canonical would fail on it later). Refused here, ninja answers 400 `bad_request`.
    """

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body, parse_constant=_constant_refused)
        json.dumps(data, ensure_ascii=False).encode("utf-8")  # UnicodeEncodeError (a ValueError) on a surrogate
        return data


ERROR_SCHEMA: Final = {"$ref": "#/components/schemas/ErrorOut"}
HTTP_METHODS: Final = frozenset({"get", "put", "post", "delete", "patch", "head", "options"})


def error_responses_declare(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare the errors every operation can answer, whatever its own `response=` says.

    400 `invalid_input` wherever there are parameters or a body to get wrong (ninja's validation,
    before the view runs), 401 `unauthenticated` wherever the operation needs a log-in. Both bodies
    are ErrorOut, as api/handlers.py writes them. Changes `schema` in place and returns it.
    """
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            statuses = []
            if operation.get("parameters") or operation.get("requestBody"):
                statuses.append(HTTPStatus.BAD_REQUEST)
            if operation.get("security"):
                statuses.append(HTTPStatus.UNAUTHORIZED)
            for status in statuses:
                if int(status) in responses or str(int(status)) in responses:  # ninja keys them by int
                    continue
                responses[int(status)] = {
                    "description": status.phrase,
                    "content": {"application/json": {"schema": ERROR_SCHEMA}},
                }
    return schema


class QyzmetAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error_responses_declare(schema)
        return schema


api = QyzmetAPI(
    title="Qyzmet API",
    version="1",
    description="Kazakhstan's regulated public services, run from their regulations: the catalogue, applications, "
    "cases, tasks, documents and receipts. Errors are `{code, message: {kk, ru, en}}`.",
    auth=API_AUTH,
    urls_namespace="api-v1",
    renderer=Utf8JSONRenderer(),
    parser=StrictJSONParser(),
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
