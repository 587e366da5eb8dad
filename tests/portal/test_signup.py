"""Sign-up: the IIN and name are checked against ГБД ФЛ through the gateway before an account is opened."""

from __future__ import annotations

from typing import Final

import pytest
from django.test import Client

from qyzmet.gateway.models import GatewayMessage
from qyzmet.gateway.simulator import RegistrySimulator
from qyzmet.identity.models import PersonalDataAccess, SignUpAttempt, User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("platform")]

# A person of the simulated ГБД ФЛ without an account (`qyzmet registries sample`, checked by hand).
NEW_IIN: Final = "820101421663"
NEW_NAME: Final = {"surname": "Омарова", "given_name": "Гүлжан", "patronymic": "Талғатқызы"}
PASSWORD: Final = "Qyzmet-portal-2026!"
EXISTING_IIN: Final = "880314412019"  # a demo citizen


def sign_up(client: Client, **changes: str) -> str:
    data = {"iin": NEW_IIN, **NEW_NAME, "mobile": "8 (701) 555-12-34", "password": PASSWORD, **changes}
    response = client.post("/ru/signup/", data)
    return f"{response.status_code} {response.get('Location', '')} {response.content.decode()}"


def test_login_page_links_to_sign_up_and_eds_login(client: Client) -> None:
    page = client.get("/ru/login/").content.decode()
    assert 'href="/ru/signup/"' in page and 'href="/ru/login/eds/"' in page


def test_sign_up_opens_the_account_logs_in_and_records_the_look_up(client: Client,
                                                                    simulator: RegistrySimulator) -> None:
    # when
    answer = sign_up(client, surname="ОМАРОВА", given_name="Гулжан", patronymic="Талгаткызы")  # the ru spelling

    # then
    assert answer.startswith("302 /ru/cabinet/")
    user = User.objects.get(iin=NEW_IIN)
    assert (user.surname, user.given_name, user.mobile) == ("ОМАРОВА", "Гулжан", "+77015551234")
    assert user.check_password(PASSWORD)
    assert client.get("/cabinet/").status_code == 200
    access = PersonalDataAccess.objects.get(subject_iin=NEW_IIN)
    assert access.source == "gbd_fl" and access.actor is None


def test_a_name_that_does_not_match_the_registry_is_refused(client: Client, simulator: RegistrySimulator) -> None:
    answer = sign_up(client, given_name="Динара")

    assert answer.startswith("422")
    assert "ИИН и фамилия, имя, отчество не совпадают с данными Государственной базы данных физических лиц." in answer
    assert not User.objects.filter(iin=NEW_IIN).exists()


def test_registry_down_gives_a_message_and_no_account(client: Client, simulator: RegistrySimulator) -> None:
    # given
    simulator.fault_set("down")

    # when
    answer = sign_up(client)

    # then
    assert answer.startswith("422")
    assert "Государственная база данных физических лиц сейчас не отвечает" in answer
    assert "Учётная запись не создана" in answer
    assert not User.objects.filter(iin=NEW_IIN).exists()


def test_an_iin_with_a_wrong_check_digit_is_refused_before_any_look_up(client: Client,
                                                                         simulator: RegistrySimulator) -> None:
    answer = sign_up(client, iin="820101421664")

    assert answer.startswith("422") and "ИИН" in answer
    assert not User.objects.filter(iin="820101421664").exists()
    assert GatewayMessage.objects.count() == 0


def test_an_iin_with_an_account_answers_as_an_unknown_name_does(client: Client, simulator: RegistrySimulator) -> None:
    # when: someone types a demo citizen's IIN with another name, and a new IIN with a wrong name
    taken = sign_up(client, iin=EXISTING_IIN)
    unknown = sign_up(client, given_name="Динара")

    # then: the two answers say the same, so the form does not tell who has an account
    mismatch = "ИИН и фамилия, имя, отчество не совпадают с данными Государственной базы данных физических лиц."
    assert taken.startswith("422") and mismatch in taken
    assert unknown.startswith("422") and mismatch in unknown
    assert "уже существует" not in taken and "Зарегистрировать этот ИИН нельзя" not in taken
    assert User.objects.filter(iin=EXISTING_IIN).count() == 1


def test_the_holder_of_an_iin_with_an_account_is_sent_to_log_in(client: Client, simulator: RegistrySimulator) -> None:
    # the demo citizen's name as the simulated ГБД ФЛ has it (src/qyzmet/identity/demo.py)
    answer = sign_up(client, iin=EXISTING_IIN, surname="Нұрланова", given_name="Айгүл", patronymic="Серікқызы")

    assert answer.startswith("422")
    assert "Зарегистрировать этот ИИН нельзя. Войдите в систему или восстановите доступ." in answer
    assert User.objects.filter(iin=EXISTING_IIN).count() == 1
    assert SignUpAttempt.objects.get().outcome == "iin_not_available"


def test_an_address_that_probes_iins_is_throttled_before_the_registry_is_asked(
        client: Client, simulator: RegistrySimulator) -> None:
    # given: ten refused sign-ups from one address within the hour (the limit, SIGN_UP_REFUSAL_LIMIT)
    for _ in range(10):
        assert sign_up(client, given_name="Динара").startswith("422")
    looked_up = GatewayMessage.objects.count()

    # when: the eleventh, this time with the right name
    answer = sign_up(client)

    # then: refused without a look-up, nothing created, the attempt recorded
    assert answer.startswith("422")
    assert "Слишком много отклонённых регистраций с этого адреса. Учётная запись не создана." in answer
    assert GatewayMessage.objects.count() == looked_up
    assert not User.objects.filter(iin=NEW_IIN).exists()
    assert SignUpAttempt.objects.filter(outcome="throttled", address="127.0.0.1").count() == 1


def test_another_address_is_not_throttled_by_someone_elses_refusals(
        client: Client, simulator: RegistrySimulator) -> None:
    for _ in range(10):
        sign_up(client, given_name="Динара")

    answer = sign_up(Client(REMOTE_ADDR="10.1.2.3"))

    assert answer.startswith("302 /ru/cabinet/")


def test_a_weak_password_is_refused_by_the_password_rules(client: Client, simulator: RegistrySimulator) -> None:
    answer = sign_up(client, password="12345")

    assert answer.startswith("422")
    assert not User.objects.filter(iin=NEW_IIN).exists()
    assert GatewayMessage.objects.count() == 0
