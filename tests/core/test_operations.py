"""What the people who run Qyzmet read: /health/, /metrics/, JSON logs with request ids, 503 without a database."""

from __future__ import annotations

import io
import json
import logging
import re
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from django.db import OperationalError
from django.test import Client
from django_tasks_db.models import DBTaskResult

from qyzmet.cases.models import Task
from qyzmet.catalog.definitions import catalog_default
from qyzmet.core import context
from qyzmet.core.logs import ContextFilter, JsonFormatter
from qyzmet.demo.driver import case_open
from qyzmet.gateway.clients.base import GatewayClient, RetryPolicy
from qyzmet.gateway.messages import RegistryUnavailable
from qyzmet.gateway.registries import registry_spec
from qyzmet.notifications.models import Notification
from qyzmet.notifications.services import notify
from tests.cases.conftest import START, _pki_settings, pki_directory, platform

__all__ = ["_pki_settings", "pki_directory", "platform"]

SERVICE = "wko-2015-patronat-payment"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _Answers404(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def gateway_up(settings: Any) -> Iterator[str]:
    """Something answering HTTP (404 on every path, as a gateway without a probe address) on a free port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers404)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.QYZMET_REGISTRY_URL = f"http://127.0.0.1:{server.server_address[1]}"
    yield settings.QYZMET_REGISTRY_URL
    server.shutdown()
    server.server_close()


def _client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


# --- /health/ -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_health_is_ok_with_the_database_the_gateway_and_the_queue(gateway_up: str) -> None:
    response = _client().get("/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["gateway"]["status"] == "ok"
    assert body["checks"]["queue"] == {"status": "ok", "latency_ms": body["checks"]["queue"]["latency_ms"], "depth": 0}
    assert "no-cache" in response["Cache-Control"]
    assert _client().head("/health/").status_code == 200  # load balancers often probe with HEAD


@pytest.mark.django_db
def test_health_is_503_when_the_registry_gateway_does_not_answer(settings: Any) -> None:
    settings.QYZMET_REGISTRY_URL = f"http://127.0.0.1:{_free_port()}"  # nothing listens there

    response = _client().get("/health/")

    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["gateway"]["status"] == "fail"
    assert body["checks"]["database"]["status"] == "ok"
    # Only ok/fail and the latency: no error text, no addresses.
    assert set(body["checks"]["gateway"]) == {"status", "latency_ms"}
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_health_counts_the_tasks_waiting_in_the_queue(gateway_up: str, platform: None,
                                                      django_capture_on_commit_callbacks: Any) -> None:
    from qyzmet.identity.models import User

    citizen = User.objects.filter(mobile__gt="").first()
    assert citizen is not None
    with django_capture_on_commit_callbacks(execute=True):
        for key in ("a", "b"):
            notify(kind="refused_at_intake", key=key, case=None, recipient=citizen, recipient_iin=citizen.iin,
                   params={"number": key, "service": {"ru": "Тест"}, "grounds": {"ru": "—"}}, now=START)

    body = _client().get("/health/").json()

    assert body["checks"]["queue"]["depth"] == DBTaskResult.objects.filter(status="READY").count() == 2


# --- /metrics/ ----------------------------------------------------------------------------------------


def _metric(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        metric, _, value = line.rpartition(" ")
        found = dict(re.findall(r'(\w+)="([^"]*)"', metric))
        if metric.split("{")[0] == name and all(found.get(k) == v for k, v in labels.items()):
            return float(value)
    raise AssertionError(f"{name} {labels} not in the metrics")


@pytest.mark.django_db
def test_metrics_are_refused_to_other_addresses_and_open_with_the_token(settings: Any) -> None:
    settings.QYZMET_METRICS_ALLOWED_IPS = ["127.0.0.1", "10.1.0.0/16"]
    settings.QYZMET_METRICS_TOKEN = "s3cret-scraper-token"
    client = _client()

    assert client.get("/metrics/", REMOTE_ADDR="192.0.2.7").status_code == 403
    wrong = client.get("/metrics/", REMOTE_ADDR="192.0.2.7", headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 403
    assert client.get("/metrics/", REMOTE_ADDR="192.0.2.7",
                      headers={"Authorization": "Bearer s3cret-scraper-token"}).status_code == 200
    assert client.get("/metrics/", REMOTE_ADDR="10.1.44.3").status_code == 200
    assert client.get("/metrics/", REMOTE_ADDR="127.0.0.1").status_code == 200


@pytest.mark.django_db
def test_metrics_show_applications_per_channel_tasks_and_latency_by_route(
        platform: None, django_capture_on_commit_callbacks: Any) -> None:
    # given: two office filings of one service; the first has its deadline passed a day later
    client = _client()
    before = client.get("/metrics/", REMOTE_ADDR="127.0.0.1").content.decode()
    office_before = _metric(before, "qyzmet_applications_filed_total", channel="provider_office") if (
        'channel="provider_office"' in before) else 0.0
    definition = catalog_default().latest(SERVICE)
    with django_capture_on_commit_callbacks(execute=True):  # counted when the filing commits
        first = case_open(definition, "provider_office", now=START - timedelta(days=30))
        case_open(definition, "provider_office", now=START)
    client.get(f"/api/v1/cases/{first.pk}")  # unauthenticated: 401, but timed under its route

    # when
    text = client.get("/metrics/", REMOTE_ADDR="127.0.0.1").content.decode()

    # then: counted by hand: two filings; two open tasks (one per case), the older one past its deadline
    assert _metric(text, "qyzmet_applications_filed_total", channel="provider_office") == office_before + 2
    open_tasks = Task.objects.filter(status="open")
    assert open_tasks.count() == 2
    assert _metric(text, "qyzmet_tasks_open") == 2
    from django.utils import timezone

    assert _metric(text, "qyzmet_tasks_overdue") == open_tasks.filter(due_at__lt=timezone.now()).count() >= 1
    # Each filing told its applicant "accepted": one delivery task per message waits for the worker.
    assert Notification.objects.filter(kind="accepted").count() == 2
    assert _metric(text, "qyzmet_task_queue_depth") == 2
    assert _metric(text, "qyzmet_http_request_duration_seconds_count", route="/api/v1/cases/<case_id>",
                   method="GET", status="401") >= 1
    assert f"/api/v1/cases/{first.pk}" not in text  # the route, never the raw path with its id


@pytest.mark.django_db
def test_gateway_lookups_are_counted_by_outcome(platform: None, settings: Any) -> None:
    from qyzmet.gateway.services import registry_lookup

    settings.QYZMET_REGISTRY_URL = f"http://127.0.0.1:{_free_port()}"
    settings.QYZMET_GATEWAY_ATTEMPTS, settings.QYZMET_GATEWAY_BACKOFF = 1, 0.0
    from qyzmet.gateway.services import platform_credentials

    platform_credentials(now=START)
    text = _client().get("/metrics/", REMOTE_ADDR="127.0.0.1").content.decode()
    before = _metric(text, "qyzmet_gateway_lookups_total", registry="gbd_fl", outcome="unavailable") if (
        'outcome="unavailable"' in text) else 0.0

    result = registry_lookup(registry="gbd_fl", identifier="880314412019", actor=None, purpose="a test",
                             now=START)

    assert result.status == "unavailable"
    text = _client().get("/metrics/", REMOTE_ADDR="127.0.0.1").content.decode()
    assert _metric(text, "qyzmet_gateway_lookups_total", registry="gbd_fl", outcome="unavailable") == before + 1


# --- request ids and JSON logs --------------------------------------------------------------------------


def _json_capture() -> tuple[logging.Handler, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    return handler, stream


@pytest.mark.django_db
def test_a_request_id_given_by_the_client_is_answered_and_logged_as_json() -> None:
    handler, stream = _json_capture()
    logger = logging.getLogger("qyzmet.request")
    logger.addHandler(handler)
    try:
        response = _client().get("/api/v1/services", headers={"X-Request-ID": "lb-7f3a-0001"})
    finally:
        logger.removeHandler(handler)

    assert response["X-Request-ID"] == "lb-7f3a-0001"
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    entry = next(e for e in entries if e.get("route") == "/api/v1/services")
    assert entry["request_id"] == "lb-7f3a-0001"
    assert entry["status"] == 200 and entry["method"] == "GET" and entry["level"] == "INFO"


@pytest.mark.django_db
def test_a_request_without_an_id_or_with_a_bad_one_gets_a_new_one() -> None:
    given = _client().get("/api/v1/services", headers={"X-Request-ID": "bad id\twith spaces"})
    none = _client().get("/api/v1/services")

    assert re.fullmatch(r"[0-9a-f]{32}", given["X-Request-ID"])
    assert re.fullmatch(r"[0-9a-f]{32}", none["X-Request-ID"])
    assert given["X-Request-ID"] != none["X-Request-ID"]


def test_the_gateway_sends_the_request_id_to_the_registry() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("X-Request-ID", ""))
        return httpx.Response(503)

    client = GatewayClient(httpx.Client(transport=httpx.MockTransport(answer), base_url="http://gw"),
                           verifier=None,  # type: ignore[arg-type]  # never reached: the answer is a 503
                           policy=RetryPolicy(attempts=1), sleep=lambda _: None)
    with context.work_context(request_id="case-trail-42"), pytest.raises(RegistryUnavailable):
        client.sync_send(registry_spec("gbd_fl"), {"messageInfo": {"messageId": "m1"}}, now=START)

    assert seen == ["case-trail-42"]


@pytest.mark.django_db
def test_a_notification_enqueued_in_a_request_carries_its_id_to_the_worker(
        platform: None, django_capture_on_commit_callbacks: Any) -> None:
    from qyzmet.identity.models import User

    citizen = User.objects.filter(mobile__gt="").first()
    assert citizen is not None
    with context.work_context(request_id="req-from-web-1"), django_capture_on_commit_callbacks(execute=True):
        notify(kind="refused_at_intake", key="k", case=None, recipient=citizen, recipient_iin=citizen.iin,
               params={"number": "k", "service": {"ru": "Тест"}, "grounds": {"ru": "—"}}, now=START)

    queued = DBTaskResult.objects.get(queue_name="notifications")
    assert queued.args_kwargs["kwargs"] == {"request_id": "req-from-web-1"}


def test_json_log_lines_carry_the_case_number_and_extras() -> None:
    handler, stream = _json_capture()
    logger = logging.getLogger("qyzmet.tests.ops")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with context.work_context(request_id="r-1"):
            context.case_number_bind("C-2026-000042")
            logger.info("filed %s", "ok", extra={"channel": "portal"})
        with context.work_context(request_id="r-2"):
            logger.info("the next piece of work")
    finally:
        logger.removeHandler(handler)

    inside, outside = (json.loads(line) for line in stream.getvalue().splitlines())
    assert inside["message"] == "filed ok" and inside["channel"] == "portal"
    assert (inside["request_id"], inside["case_number"]) == ("r-1", "C-2026-000042")
    assert (outside["request_id"], outside["case_number"]) == ("r-2", "")


# --- the database down ----------------------------------------------------------------------------------


def _database_down(*args: Any, **kwargs: Any) -> Any:
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


@pytest.mark.django_db
def test_an_api_call_while_the_database_is_down_answers_503_with_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", _database_down)

    response = _client().get("/api/v1/tasks", headers={"Authorization": "Bearer qz_anything"})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.json()
    assert body["code"] == "service_unavailable"
    assert set(body["message"]) == {"kk", "ru", "en"}
    assert "5432" not in response.content.decode()


@pytest.mark.django_db
def test_a_page_while_the_database_is_down_answers_503_in_three_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", _database_down)

    response = _client().get("/ru/")

    assert response.status_code == 503 and response["Retry-After"] == "30"
    page = response.content.decode()
    assert page.index("Сервис временно недоступен") < page.index("Қызмет уақытша қолжетімсіз")
    assert "Service temporarily unavailable" in page
