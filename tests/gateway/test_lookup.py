"""Logged registry look-ups through the gateway to the simulator over real HTTP on 127.0.0.1.

Found, not found, powers of attorney, a slow registry, a registry down then back (nothing lost,
nothing done twice), forged, unsigned and tampered answers, the async channel, and the
message log that answers "who looked up IIN X, when, for which case".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qyzmet.gateway import continuations
from qyzmet.gateway.clients import RetryPolicy
from qyzmet.gateway.models import GatewayMessage, LookupSubject, PendingRequest
from qyzmet.gateway.registries import ENIS, GBD_FL, GBD_UL
from qyzmet.gateway.selectors import lookups_of_subject
from qyzmet.gateway.services import gateway_http_shared, gateway_retry_pending, messages_link_case, registry_lookup
from qyzmet.gateway.simulator import dataset_default
from qyzmet.identity.demo import CITIZENS
from qyzmet.identity.identifiers import InvalidIdentifier
from qyzmet.identity.models import PersonalDataAccess, User

PURPOSE = "test: checking the applicant"
AYGUL, ERLAN, DINARA, BAUYRZHAN, GULNAR = (c.iin for c in CITIZENS)


def _now() -> datetime:
    return datetime.now(UTC)


def _officer() -> User:
    return User.objects.create_user("760212350620", surname="Омарова", given_name="Сәуле")


@pytest.mark.django_db
def test_a_person_found_in_gbd_fl_is_logged_with_who_why_and_the_personal_data_record(make_client):
    # given
    officer = _officer()

    # when
    result = registry_lookup(registry=GBD_FL, identifier=AYGUL, actor=officer, purpose=PURPOSE, now=_now(),
                             reference="INTAKE-1", client=make_client())

    # then
    assert result.status == "found"
    assert result.records[0]["surname"] == {"kk": "Нұрланова", "ru": "Нурланова"}
    message = GatewayMessage.objects.get()
    assert (message.registry, message.subject_iin, message.actor, message.outcome) == (GBD_FL, AYGUL, officer, "found")
    assert message.answer["responseInfo"]["correlationId"] == message.message_id
    access = PersonalDataAccess.objects.get()
    assert (access.subject_iin, access.actor, access.purpose, access.source, access.reference) == (
        AYGUL, officer, PURPOSE, "gbd_fl", "INTAKE-1")


@pytest.mark.django_db
def test_a_person_not_in_gbd_fl_is_answered_not_found(make_client):
    absent = dataset_default().absent_iin()

    result = registry_lookup(registry=GBD_FL, identifier=absent, actor=None, purpose=PURPOSE, now=_now(),
                             client=make_client())

    assert result.status == "not_found"
    assert result.records == []
    assert PersonalDataAccess.objects.filter(subject_iin=absent).count() == 1


@pytest.mark.django_db
def test_an_iin_with_a_wrong_check_digit_is_refused_before_anything_is_sent(make_client, registry):
    wrong = AYGUL[:-1] + str((int(AYGUL[-1]) + 1) % 10)

    with pytest.raises(InvalidIdentifier) as raised:
        registry_lookup(registry=GBD_FL, identifier=wrong, actor=None, purpose=PURPOSE, now=_now(),
                        client=make_client())

    assert raised.value.code == "check_digit"
    assert not GatewayMessage.objects.exists()
    assert registry.simulator.stats()["requests"] == 0


@pytest.mark.django_db
def test_a_notarised_power_of_attorney_names_both_parties_in_the_log(make_client):
    # when
    result = registry_lookup(registry=ENIS, identifier=ERLAN, actor=None, purpose=PURPOSE, now=_now(),
                             client=make_client())

    # then
    assert [(r["number"], r["notarised"]) for r in result.records] == [("ENIS-2024-000001", True)]
    roles = set(LookupSubject.objects.values_list("iin", "role"))
    assert roles == {(ERLAN, "subject"), (ERLAN, "representative"), (AYGUL, "principal")}
    assert [row.roles for row in lookups_of_subject(AYGUL)] == [("principal",)]
    assert set(PersonalDataAccess.objects.values_list("subject_iin", flat=True)) == {AYGUL, ERLAN}


@pytest.mark.django_db
def test_a_power_of_attorney_that_is_not_notarised_is_returned_as_such(make_client):
    result = registry_lookup(registry=ENIS, identifier=BAUYRZHAN, actor=None, purpose=PURPOSE, now=_now(),
                             extra={"number": "ENIS-2024-000002"}, client=make_client())

    assert [(r["principal"]["iin"], r["notarised"]) for r in result.records] == [(DINARA, False)]


@pytest.mark.django_db
def test_a_legal_entity_lookup_records_its_head(make_client):
    dataset = dataset_default()
    bin_ = next(b for b, e in dataset.entities.items() if e.head_iin)

    result = registry_lookup(registry=GBD_UL, identifier=bin_, actor=None, purpose=PURPOSE, now=_now(),
                             client=make_client())

    assert result.is_found
    assert GatewayMessage.objects.get().subject_bin == bin_
    assert LookupSubject.objects.get().role == "head"


@pytest.mark.django_db
def test_the_async_channel_delivers_a_verified_answer(make_client):
    result = registry_lookup(registry=GBD_FL, identifier=AYGUL, actor=None, purpose=PURPOSE, now=_now(),
                             channel="async", client=make_client())

    assert result.is_found
    assert (result.message.channel, result.message.delivery_status) == ("async", "DELIVERED")


@pytest.mark.slow
@pytest.mark.django_db
def test_a_slow_registry_within_the_timeout_still_answers(make_client, registry):
    registry.simulator.fault_set("slow", 0.3)

    result = registry_lookup(registry=GBD_FL, identifier=AYGUL, actor=None, purpose=PURPOSE, now=_now(),
                             client=make_client(RetryPolicy(attempts=2, timeout=2.0, backoff=0.01)))

    assert result.is_found
    assert result.message.attempts == 1


@pytest.mark.slow
@pytest.mark.django_db
def test_a_registry_slower_than_the_timeout_is_kept_and_acted_on_once(make_client, registry):
    # given: answers come after the client gave up, every time
    registry.simulator.fault_set("slow", 0.6)
    client = make_client(RetryPolicy(attempts=2, timeout=0.25, backoff=0.01))
    now = _now()

    # when
    first = registry_lookup(registry=GBD_FL, identifier=AYGUL, actor=None, purpose=PURPOSE, now=now,
                            keep_pending=True, client=client)
    registry.simulator.fault_set("none")
    report = gateway_retry_pending(now=now + timedelta(minutes=1), client=client)

    # then
    assert first.status == "unavailable" and first.is_waiting
    assert report.answered == 1
    message = GatewayMessage.objects.get()
    assert message.outcome == "found"
    assert registry.simulator.stats()["processed"] == {message.message_id: 1}
    assert PersonalDataAccess.objects.count() == 1


@pytest.mark.slow
@pytest.mark.django_db
def test_a_registry_down_then_back_loses_nothing_and_does_nothing_twice(make_client, registry):
    # given
    registry.simulator.fault_set("down")
    client = make_client()
    resumed: list[str] = []
    continuations.continuation_register("test_resume", lambda key, *, now, client: resumed.append(key))
    now = _now()

    # when: the registry is down, the request is kept and the person sees it is waiting
    first = registry_lookup(registry=GBD_FL, identifier=DINARA, actor=None, purpose=PURPOSE, now=now,
                            keep_pending=True, continuation="test_resume", continuation_key="intake-7",
                            client=client)
    waiting = [row.status for row in lookups_of_subject(DINARA)]
    too_early = gateway_retry_pending(now=now + timedelta(seconds=1), client=client)
    registry.simulator.fault_set("none")
    back = gateway_retry_pending(now=now + timedelta(minutes=1), client=client)
    again = gateway_retry_pending(now=now + timedelta(minutes=10), client=client)

    # then
    assert first.status == "unavailable"
    assert waiting == ["waiting"]
    assert too_early.answered == 0
    assert (back.answered, again.answered) == (1, 0)
    assert resumed == ["intake-7"]
    pending = PendingRequest.objects.get()
    assert (pending.status, pending.attempts) == ("answered", 1)
    assert [row.status for row in lookups_of_subject(DINARA)] == ["found"]
    message = GatewayMessage.objects.get()
    assert registry.simulator.stats()["processed"] == {message.message_id: 1}


@pytest.mark.django_db
def test_a_pending_request_is_given_up_after_the_maximum_and_its_continuation_told(make_client, registry, settings):
    # given
    settings.QYZMET_GATEWAY_PENDING_MAX_ATTEMPTS = 1
    registry.simulator.fault_set("fail")
    resumed: list[str] = []
    continuations.continuation_register("test_given_up", lambda key, *, now, client: resumed.append(key))
    client = make_client(RetryPolicy(attempts=1, timeout=1.0, backoff=0.01))
    now = _now()
    registry_lookup(registry=GBD_FL, identifier=AYGUL, actor=None, purpose=PURPOSE, now=now, keep_pending=True,
                    continuation="test_given_up", continuation_key="k", client=client)

    # when
    report = gateway_retry_pending(now=now + timedelta(minutes=1), client=client)

    # then
    assert report.failed == 1
    assert PendingRequest.objects.get().status == "failed"
    assert resumed == ["k"]
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize("fault", ["forged", "unsigned", "tampered"])
@pytest.mark.django_db
def test_a_forged_unsigned_or_tampered_answer_is_rejected(make_client, registry, fault):
    registry.simulator.fault_set(fault)

    result = registry_lookup(registry=GBD_FL, identifier=AYGUL, actor=None, purpose=PURPOSE, now=_now(),
                             client=make_client())

    assert result.status == "rejected"
    assert result.records == []
    assert GatewayMessage.objects.get().answer is None
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.django_db
def test_an_answered_message_id_is_not_sent_again(make_client, registry):
    client = make_client()
    first = registry_lookup(registry=GBD_FL, identifier=AYGUL, actor=None, purpose=PURPOSE, now=_now(),
                            client=client)

    second = registry_lookup(registry=GBD_FL, identifier=AYGUL, actor=None, purpose=PURPOSE, now=_now(),
                             message_id=first.message.message_id, client=client)

    assert second.message.pk == first.message.pk and second.is_found
    assert registry.simulator.stats()["requests"] == 1


@pytest.mark.django_db
def test_the_log_answers_who_looked_up_an_iin_when_and_for_which_case(make_client):
    # given
    officer = _officer()
    now = _now()
    registry_lookup(registry=GBD_FL, identifier=GULNAR, actor=officer, purpose=PURPOSE, now=now,
                    reference="WKO-SC-2026-SC000009", client=make_client())
    registry_lookup(registry=GBD_FL, identifier=AYGUL, actor=None, purpose=PURPOSE, now=now, client=make_client())

    # when
    messages_link_case(reference="WKO-SC-2026-SC000009", case_number="WKO-BURLI-2026-000042")
    rows = lookups_of_subject(GULNAR)

    # then
    assert len(rows) == 1
    row = rows[0]
    assert (row.actor_iin, row.actor_name, row.registry, row.purpose, row.case_number, row.status) == (
        officer.iin, "Омарова Сәуле", GBD_FL, PURPOSE, "WKO-BURLI-2026-000042", "found")
    assert row.at == now
    assert row.registry_name["kk"] == "ЖТ МДҚ"


@pytest.mark.django_db
def test_try_now_resends_a_waiting_request_before_it_is_due(make_client, registry):
    registry.simulator.fault_set("fail")
    client = make_client(RetryPolicy(attempts=1, timeout=1.0, backoff=0.01))
    now = _now()
    registry_lookup(registry=GBD_FL, identifier=AYGUL, actor=None, purpose=PURPOSE, now=now, keep_pending=True,
                    client=client)
    registry.simulator.fault_set("none")

    not_due = gateway_retry_pending(now=now, client=client)
    try_now = gateway_retry_pending(now=now, client=client, all_waiting=True)

    assert (not_due.answered, try_now.answered) == (0, 1)
    assert GatewayMessage.objects.get().outcome == "found"


@pytest.mark.django_db
def test_look_ups_without_a_client_share_one_open_connection_pool_per_process(registry, recorded_certificates):
    # given: the process's client for the registry address in settings
    shared = gateway_http_shared()

    # when: two look-ups with the default client
    first = registry_lookup(registry=GBD_FL, identifier=AYGUL, actor=None, purpose=PURPOSE, now=_now())
    second = registry_lookup(registry=GBD_FL, identifier=ERLAN, actor=None, purpose=PURPOSE, now=_now())

    # then: both answered through the same client, which stays open for the next
    assert (first.status, second.status) == ("found", "found")
    assert gateway_http_shared() is shared
    assert not shared.is_closed
    assert str(shared.base_url).rstrip("/") == registry.url.rstrip("/")


@pytest.mark.django_db
def test_the_newest_look_ups_only_when_a_limit_is_given(make_client, django_assert_num_queries):
    # given: three look-ups of the principal, a minute apart; the power of attorney names her as principal
    client = make_client()
    for minutes in (0, 1, 2):
        registry_lookup(registry=ENIS, identifier=ERLAN, actor=None, purpose=PURPOSE,
                        now=_now() + timedelta(minutes=minutes), client=client)
    every = lookups_of_subject(AYGUL)

    # when: one query, the person's data itself (requests and answers) not read
    with django_assert_num_queries(1):
        newest = lookups_of_subject(AYGUL, limit=2)
        shown = [(row.actor_name, row.organization_name, row.status, row.message_id) for row in newest]

    # then: the two newest messages, newest first, each with her role in it
    assert len(every) == 3
    assert [row.at for row in newest] == sorted((row.at for row in every), reverse=True)[:2]
    assert [row.roles for row in newest] == [("principal",), ("principal",)]
    assert [status for _, _, status, _ in shown] == ["found", "found"]
