"""`qyzmet gateway query / log` against the simulator over real HTTP, and their exit codes."""

from __future__ import annotations

import json
import socket

import pytest

from qyzmet.cli import main
from qyzmet.gateway.models import GatewayMessage
from qyzmet.gateway.simulator import dataset_default
from qyzmet.identity.demo import CITIZENS

AYGUL, ERLAN = CITIZENS[0].iin, CITIZENS[1].iin


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.django_db
def test_query_gbdfl_prints_the_verified_answer_and_exits_0(registry, recorded_certificates, capsys):
    code = main(["gateway", "query", "gbdfl", "--iin", AYGUL, "--registry-url", registry.url, "--json"])

    printed = json.loads(capsys.readouterr().out)
    assert code == 0
    assert printed["status"] == "found"
    assert printed["records"][0]["iin"] == AYGUL


@pytest.mark.django_db
def test_query_enis_and_gbdul_print_a_line_per_record(registry, recorded_certificates, capsys):
    bin_ = dataset_default().sample("entity", 1)[0]

    enis = main(["gateway", "query", "enis", "--iin", ERLAN, "--registry-url", registry.url])
    gbdul = main(["gateway", "query", "gbdul", "--bin", bin_, "--registry-url", registry.url])

    out = capsys.readouterr().out
    assert (enis, gbdul) == (0, 0)
    assert "ENIS-2024-000001" in out and "notarised" in out
    assert bin_ in out


@pytest.mark.django_db
def test_query_of_a_person_with_no_record_exits_3_with_the_message_in_three_languages(
        registry, recorded_certificates, capsys):
    code = main(["gateway", "query", "gbdfl", "--iin", dataset_default().absent_iin(), "--registry-url",
                 registry.url])

    err = capsys.readouterr().err.splitlines()
    assert code == 3
    assert err == [
        "kk: Мәліметтерді алу мүмкін емес: ЖТ МДҚ жүйесінде деректер жоқ.",
        "ru: Получение данных невозможно в связи с отсутствием данных в ГБД ФЛ.",
        "en: The data cannot be obtained: State database of individuals (ГБД ФЛ) holds no such record.",
    ]


@pytest.mark.django_db
def test_query_with_a_wrong_check_digit_exits_2_and_sends_nothing(registry, capsys):
    wrong = AYGUL[:-1] + str((int(AYGUL[-1]) + 1) % 10)

    code = main(["gateway", "query", "gbdfl", "--iin", wrong, "--registry-url", registry.url])

    assert code == 2
    assert "ru: Неверный контрольный разряд ИИН" in capsys.readouterr().err
    assert not GatewayMessage.objects.exists()
    assert registry.simulator.stats()["requests"] == 0


@pytest.mark.django_db
def test_query_of_a_registry_that_stays_unavailable_exits_4(recorded_certificates, capsys):
    url = f"http://127.0.0.1:{_free_port()}"  # nothing listens there

    code = main(["gateway", "query", "gbdfl", "--iin", AYGUL, "--registry-url", url, "--attempts", "2",
                 "--timeout", "0.5"])

    assert code == 4
    assert "en: State database of individuals (ГБД ФЛ) does not answer (2 attempts)." in capsys.readouterr().err
    assert GatewayMessage.objects.get().status == "unavailable"


@pytest.mark.django_db
def test_log_lists_every_lookup_of_the_person(registry, recorded_certificates, capsys):
    main(["gateway", "query", "gbdfl", "--iin", AYGUL, "--registry-url", registry.url, "--purpose", "demo",
          "--reference", "APP-1"])
    capsys.readouterr()

    code = main(["gateway", "log", "--iin", AYGUL, "--json"])

    rows = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(r["registry"], r["status"], r["purpose"], r["reference"]) for r in rows] == [
        ("gbd_fl", "found", "demo", "APP-1")]
