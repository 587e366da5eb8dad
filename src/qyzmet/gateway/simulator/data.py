"""Deterministic synthetic data of the simulated registries: persons, legal entities, powers of attorney.

The same seed gives the same data on every machine. Persons have valid IINs, names in kk and
ru, birth date, sex, a registered address (oblast, district, rural okrug, locality) and family
links (children, parents, wards, guardians). The demo citizens and staff of `identity.demo`
are among the persons and the demo organizations among the legal entities, so the demo can
look them up. Every number may coincide with a real one by chance: never use them outside a
demo. No Django, except `dataset_default()`, which reads the demo definitions.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Final, Literal, Protocol

from qyzmet.identity.identifiers import check_digit

SEED: Final = 20250320
GENERATED_ADULTS: Final = 120
GENERATED_POWERS: Final = 30
REFERENCE_DAY: Final = date(2025, 1, 1)  # validity periods are laid out around this day

KK_TO_RU: Final = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")

MALE: Final = ("Ерлан", "Нұрлан", "Асқар", "Бауыржан", "Ержан", "Дәурен", "Серік", "Марат",
               "Қайрат", "Талғат", "Арман", "Жандос", "Бекзат", "Нұржан", "Ғалым", "Мұрат")
FEMALE: Final = ("Айгүл", "Гүлнар", "Динара", "Жанар", "Сәуле", "Ақмарал", "Мәдина", "Әйгерім",
                 "Дана", "Салтанат", "Гүлжан", "Жұлдыз", "Назерке", "Ботагөз", "Ләззат", "Айжан")
SURNAMES: Final = ("Ахметов", "Жақсылықов", "Нұрланов", "Серікбаев", "Омаров", "Сейітов", "Тоқтаров",
                   "Қасымов", "Әбенов", "Бекмұханов", "Есенов", "Байжанов", "Исаев", "Мұқанов")
STREETS: Final = ("Абай", "Достық", "Тәуелсіздік", "Наурыз", "Бейбітшілік", "Жамбыл", "Құрманғазы")
SCOPES: Final = (("public_services",), ("public_services", "social_benefits"), ("property",), ("all",))


@dataclass(frozen=True)
class District:
    code: str
    kk: str
    ru: str
    locality: tuple[str, str]
    okrugs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Region:
    code: str
    kk: str
    ru: str
    districts: tuple[District, ...]


GEOGRAPHY: Final[tuple[Region, ...]] = (
    Region("wko", "Батыс Қазақстан облысы", "Западно-Казахстанская область", (
        District("wko-uralsk", "Орал қаласы", "город Уральск", ("Орал", "Уральск")),
        District("wko-terekti", "Теректі ауданы", "Теректинский район", ("Федоровка", "Федоровка"),
                 (("Федоров ауылдық округі", "Федоровский сельский округ"),)),
        District("wko-burli", "Бөрлі ауданы", "Бурлинский район", ("Бөрлі", "Бурлин"),
                 (("Бөрлі ауылдық округі", "Бурлинский сельский округ"),)),
    )),
    Region("jambyl", "Жамбыл облысы", "Жамбылская область", (
        District("jambyl-taraz", "Тараз қаласы", "город Тараз", ("Тараз", "Тараз")),
        District("jambyl-baizak", "Байзақ ауданы", "Байзакский район", ("Сарыкемер", "Сарыкемер"),
                 (("Сарыкемер ауылдық округі", "Сарыкемерский сельский округ"),)),
        District("jambyl-jambyl", "Жамбыл ауданы", "Жамбылский район", ("Аса", "Аса"),
                 (("Аса ауылдық округі", "Асинский сельский округ"),)),
    )),
    Region("karaganda", "Қарағанды облысы", "Карагандинская область", (
        District("karaganda-city", "Қарағанды қаласы", "город Караганда", ("Қарағанды", "Караганда")),
        District("karaganda-bukhar-zhyrau", "Бұқар жырау ауданы", "Бухар-Жырауский район", ("Доскей", "Доскей"),
                 (("Доскей ауылдық округі", "Доскейский сельский округ"),)),
    )),
    Region("pavlodar", "Павлодар облысы", "Павлодарская область", (
        District("pavlodar-city", "Павлодар қаласы", "город Павлодар", ("Павлодар", "Павлодар"),
                 (("Кенжекөл ауылдық округі", "Кенжекольский сельский округ"),)),
        District("pavlodar-ekibastuz", "Екібастұз қаласы", "город Экибастуз", ("Екібастұз", "Экибастуз")),
        District("pavlodar-district", "Павлодар ауданы", "Павлодарский район", ("Черноярка", "Черноярка"),
                 (("Черноярка ауылдық округі", "Черноярский сельский округ"),)),
    )),
)
REGIONS: Final = {region.code: region for region in GEOGRAPHY}


class KnownPerson(Protocol):
    """A person the data must include (identity.demo.DemoPerson fits)."""

    @property
    def iin(self) -> str: ...
    @property
    def surname(self) -> str: ...
    @property
    def given_name(self) -> str: ...
    @property
    def patronymic(self) -> str: ...
    @property
    def roles(self) -> tuple[tuple[str, str], ...]: ...


@dataclass(frozen=True)
class KnownEntity:
    """A legal entity the data must include (a demo organization)."""

    bin: str
    code: str
    name_kk: str
    name_ru: str
    head_iin: str = ""


@dataclass
class PersonRecord:
    iin: str
    surname: str
    name: str
    patronymic: str
    sex: Literal["M", "F"]
    birth_date: date
    region: Region
    district: District
    street: str
    building: int
    flat: int
    children: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    wards: list[str] = field(default_factory=list)
    guardians: list[str] = field(default_factory=list)

    def full_name(self, language: str = "ru") -> str:
        text = " ".join(p for p in (self.surname, self.name, self.patronymic) if p)
        return text.translate(KK_TO_RU) if language == "ru" else text


@dataclass(frozen=True)
class EntityRecord:
    bin: str
    name_kk: str
    name_ru: str
    registered_on: date
    head_iin: str
    region: Region


@dataclass(frozen=True)
class PowerRecord:
    number: str
    principal_iin: str
    representative_iin: str
    scope: tuple[str, ...]
    issued_on: date
    valid_until: date
    notarised: bool
    notary: str


def _bilingual(text: str) -> dict[str, str]:
    return {"kk": text, "ru": text.translate(KK_TO_RU)}


class Dataset:
    """The registries' contents with the answers each registry gives."""

    def __init__(self, persons: Iterable[PersonRecord], entities: Iterable[EntityRecord],
                 powers: Iterable[PowerRecord]) -> None:
        self.persons = {p.iin: p for p in persons}
        self.entities = {e.bin: e for e in entities}
        self.powers = list(powers)

    def person_payload(self, iin: str) -> dict[str, Any] | None:
        person = self.persons.get(iin)
        if person is None:
            return None
        district, okrug = person.district, person.district.okrugs[0] if person.district.okrugs else None
        return {
            "iin": person.iin, "surname": _bilingual(person.surname), "name": _bilingual(person.name),
            "patronymic": _bilingual(person.patronymic), "birthDate": person.birth_date.isoformat(), "deathDate": None,
            "gender": {"code": "FEMALE", "nameRu": "Женский", "nameKz": "Әйел"} if person.sex == "F"
            else {"code": "MALE", "nameRu": "Мужской", "nameKz": "Ер"},
            "citizenship": {"code": "398", "nameRu": "КАЗАХСТАН", "nameKz": "ҚАЗАҚСТАН"},
            "lifeStatus": {"code": "0", "nameRu": "Нормальный"},
            "regAddress": {
                "country": {"code": "398", "nameRu": "КАЗАХСТАН"},
                "region": {"code": person.region.code, "nameKz": person.region.kk, "nameRu": person.region.ru},
                "district": {"code": district.code, "nameKz": district.kk, "nameRu": district.ru},
                "ruralOkrug": {"nameKz": okrug[0], "nameRu": okrug[1]} if okrug else None,
                "locality": {"nameKz": district.locality[0], "nameRu": district.locality[1]},
                "street": person.street, "building": str(person.building), "flat": str(person.flat),
            },
            "documents": [self._identity_document(person)],
            "family": {
                relation: [{"iin": iin, "fullName": self.persons[iin].full_name("ru")} for iin in iins]
                for relation, iins in (("children", person.children), ("parents", person.parents),
                                       ("wards", person.wards), ("guardians", person.guardians))
            },
        }

    @staticmethod
    def _identity_document(person: PersonRecord) -> dict[str, Any]:
        if person.birth_date.year + 16 > REFERENCE_DAY.year:  # a child has a birth certificate
            return {"type": {"code": "001", "nameRu": "СВИДЕТЕЛЬСТВО О РОЖДЕНИИ"}, "number": f"I-{person.iin[-7:]}",
                    "beginDate": person.birth_date.isoformat(), "endDate": None,
                    "status": {"code": "00", "nameRu": "ДОКУМЕНТ ДЕЙСТВИТЕЛЕН"}}
        begin = REFERENCE_DAY - timedelta(days=int(person.iin[-4:]) % 3000)
        return {"type": {"code": "002", "nameRu": "УДОСТОВЕРЕНИЕ РК"}, "number": f"0{person.iin[3:11]}",
                "beginDate": begin.isoformat(), "endDate": begin.replace(year=begin.year + 10).isoformat(),
                "issueOrganization": {"nameRu": "МВД РК"}, "status": {"code": "00", "nameRu": "ДОКУМЕНТ ДЕЙСТВИТЕЛЕН"}}

    def entity_payload(self, bin: str) -> dict[str, Any] | None:
        entity = self.entities.get(bin)
        if entity is None:
            return None
        head = self.persons.get(entity.head_iin)
        return {
            "bin": entity.bin, "name": {"kk": entity.name_kk, "ru": entity.name_ru},
            "registrationDate": entity.registered_on.isoformat(), "status": {"code": "ACTIVE", "nameRu": "Действующее"},
            "head": {"iin": entity.head_iin, "fullName": head.full_name("ru") if head else ""},
            "address": {"region": {"code": entity.region.code, "nameKz": entity.region.kk, "nameRu": entity.region.ru}},
        }

    def powers_payload(self, iin: str, number: str = "") -> list[dict[str, Any]]:
        found = [p for p in self.powers if iin in (p.principal_iin, p.representative_iin)
                 and (not number or p.number == number)]
        return [self._power_payload(p) for p in found]

    def _power_payload(self, power: PowerRecord) -> dict[str, Any]:
        def party(iin: str) -> dict[str, str]:
            person = self.persons.get(iin)
            return {"iin": iin, "fullName": person.full_name("ru") if person else ""}

        return {
            "number": power.number, "principal": party(power.principal_iin),
            "representative": party(power.representative_iin), "scope": list(power.scope),
            "issueDate": power.issued_on.isoformat(), "validUntil": power.valid_until.isoformat(),
            "notarised": power.notarised, "notary": power.notary,
        }

    def sample(self, kind: str, count: int) -> list[str]:
        """Identifiers that exist: person IINs, entity BINs, or the IINs of representatives holding a power."""
        if kind == "person":
            return list(self.persons)[:count]
        if kind == "entity":
            return list(self.entities)[:count]
        if kind == "poa":
            return list(dict.fromkeys(p.representative_iin for p in self.powers))[:count]
        raise ValueError(f"unknown kind {kind!r}: use person, entity or poa")

    def absent_iin(self, serial: int = 0) -> str:
        """A valid IIN that is not in the data (for "not found" demos and tests)."""
        builder = _IinBuilder(set(self.persons))
        return builder.make(date(1990, 1, 1) + timedelta(days=serial), "M", 9000 + serial)


class _IinBuilder:
    """Valid, unique IINs: birth date, century-and-sex digit, a serial, the check digit."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken

    def make(self, birth: date, sex: str, serial: int) -> str:
        century = {18: 1, 19: 3, 20: 5}[birth.year // 100] + (1 if sex == "F" else 0)
        while True:
            prefix = f"{birth:%y%m%d}{century}{serial % 10000:04d}"
            digit = check_digit(prefix)
            candidate = f"{prefix}{digit}"
            if digit is not None and candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
            serial += 1


class _Builder:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.persons: dict[str, PersonRecord] = {}
        self.iins = _IinBuilder(set())

    def place(self, region_code: str | None = None) -> tuple[Region, District]:
        region = REGIONS[region_code] if region_code in REGIONS else self.random.choice(GEOGRAPHY)
        return region, self.random.choice(region.districts)

    def add(self, *, iin: str, surname: str, name: str, patronymic: str, sex: Literal["M", "F"], birth: date,
            region_code: str | None) -> PersonRecord:
        region, district = self.place(region_code)
        record = PersonRecord(iin=iin, surname=surname, name=name, patronymic=patronymic, sex=sex, birth_date=birth,
                              region=region, district=district, street=self.random.choice(STREETS),
                              building=self.random.randint(1, 120), flat=self.random.randint(0, 90))
        self.iins.taken.add(iin)
        self.persons[iin] = record
        return record

    def generated(self, *, born_from: int, born_to: int, region_code: str | None = None,
                  surname_of: PersonRecord | None = None) -> PersonRecord:
        sex: Literal["M", "F"] = self.random.choice(("M", "F"))
        birth = date(born_from, 1, 1) + timedelta(days=self.random.randint(0, (born_to - born_from) * 365))
        base = surname_of.surname.removesuffix("а") if surname_of else self.random.choice(SURNAMES)
        father = surname_of.name if surname_of and surname_of.sex == "M" else self.random.choice(MALE)
        return self.add(
            iin=self.iins.make(birth, sex, self.random.randint(0, 9999)), surname=base + ("а" if sex == "F" else ""),
            name=self.random.choice(FEMALE if sex == "F" else MALE),
            patronymic=father + ("қызы" if sex == "F" else "ұлы"), sex=sex, birth=birth, region_code=region_code,
        )

    def child_of(self, parent: PersonRecord) -> PersonRecord:
        child = self.generated(born_from=2009, born_to=2021, region_code=parent.region.code, surname_of=parent)
        child.district = parent.district
        child.street, child.building, child.flat = parent.street, parent.building, parent.flat
        parent.children.append(child.iin)
        child.parents.append(parent.iin)
        return child

    def ward_of(self, guardian: PersonRecord) -> PersonRecord:
        ward = self.generated(born_from=2010, born_to=2020, region_code=guardian.region.code)
        guardian.wards.append(ward.iin)
        ward.guardians.append(guardian.iin)
        return ward


def _known_sex(iin: str) -> Literal["M", "F"]:
    return "F" if iin[6] in "246" else "M"


def _known_birth(iin: str) -> date:
    century = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}.get(iin[6], 1900)
    try:
        return date(century + int(iin[:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return date(1980, 1, 1)


def dataset_build(*, citizens: Sequence[KnownPerson] = (), staff: Sequence[KnownPerson] = (),
                  entities: Sequence[KnownEntity] = (), later: Sequence[KnownPerson] = (),
                  seed: int = SEED) -> Dataset:
    """The synthetic data: known people and entities first, then generated ones, all from `seed`.

    `later` are known people added after the generated ones, so adding one leaves every generated
    person (whose IINs tests and the README quote) as it was.
    """
    builder = _Builder(seed)
    known_citizens = [_add_known(builder, person, region_code="wko") for person in citizens]
    for person in staff:
        _add_known(builder, person, region_code=person.roles[0][1].split("-")[0] if person.roles else None)
    adults = [builder.generated(born_from=1960, born_to=1998) for _ in range(GENERATED_ADULTS)]
    for index, citizen in enumerate(known_citizens):
        for _ in range(1 + index % 2):
            builder.child_of(citizen)
    if known_citizens:
        builder.ward_of(known_citizens[-1])
    for index, adult in enumerate(adults):
        if index % 3 == 0:
            for _ in range(1 + index % 3 + builder.random.randint(0, 1)):
                builder.child_of(adult)
        elif index % 17 == 0:
            builder.ward_of(adult)
    powers = _known_powers([c.iin for c in known_citizens]) + _generated_powers(builder, adults)
    entity_records = [_entity(builder, known) for known in entities] + _generated_entities(builder, adults)
    for person in later:
        _add_known(builder, person, region_code=person.roles[0][1].split("-")[0] if person.roles else None)
    return Dataset(builder.persons.values(), entity_records, powers)


def _add_known(builder: _Builder, person: KnownPerson, *, region_code: str | None) -> PersonRecord:
    if person.iin in builder.persons:
        return builder.persons[person.iin]
    return builder.add(iin=person.iin, surname=person.surname, name=person.given_name, patronymic=person.patronymic,
                       sex=_known_sex(person.iin), birth=_known_birth(person.iin), region_code=region_code)


def _known_powers(citizens: list[str]) -> list[PowerRecord]:
    """Demo powers: notarised and in force, not notarised, notarised but expired (between demo citizens)."""
    if len(citizens) < 5:
        return []
    notary = "Нотариус Ахметова А. С."
    return [
        PowerRecord("ENIS-2024-000001", citizens[0], citizens[1], ("public_services",), date(2024, 9, 2),
                    date(2027, 9, 1), True, notary),
        PowerRecord("ENIS-2024-000002", citizens[2], citizens[3], ("public_services",), date(2024, 10, 7),
                    date(2026, 10, 6), False, ""),
        PowerRecord("ENIS-2021-000003", citizens[3], citizens[4], ("public_services",), date(2021, 5, 4),
                    date(2022, 5, 3), True, notary),
    ]


def _generated_powers(builder: _Builder, adults: list[PersonRecord]) -> list[PowerRecord]:
    powers = []
    for serial in range(GENERATED_POWERS):
        principal, representative = builder.random.sample(adults, 2)
        issued = REFERENCE_DAY - timedelta(days=builder.random.randint(30, 1500))
        valid_until = issued + timedelta(days=365 * builder.random.randint(1, 3))
        notarised = serial % 4 != 3
        initial = builder.random.choice("АБДЕЖМНС")
        notary = f"Нотариус {builder.random.choice(SURNAMES)}а {initial}." if notarised else ""
        powers.append(PowerRecord(f"ENIS-{issued.year}-{100 + serial:06d}", principal.iin, representative.iin,
                                  builder.random.choice(SCOPES), issued, valid_until, notarised, notary))
    return powers


def _entity(builder: _Builder, known: KnownEntity) -> EntityRecord:
    region = REGIONS.get(known.code.split("-")[0], GEOGRAPHY[0])
    registered = date(1995, 1, 1) + timedelta(days=builder.random.randint(0, 9000))
    return EntityRecord(known.bin, known.name_kk, known.name_ru, registered, known.head_iin, region)


def _generated_entities(builder: _Builder, adults: list[PersonRecord]) -> list[EntityRecord]:
    entities = []
    for serial in range(20):
        registered = date(1998, 1, 1) + timedelta(days=builder.random.randint(0, 9000))
        while True:
            prefix = f"{registered:%y%m}40{(serial * 7919 + 311) % 100000:05d}"
            digit = check_digit(prefix)
            if digit is not None:
                break
            registered += timedelta(days=31)
        head = adults[(serial * 7) % len(adults)]
        word = builder.random.choice(STREETS)
        entities.append(EntityRecord(f"{prefix}{digit}", f"«{word}» ЖШС", f"ТОО «{word.translate(KK_TO_RU)}»",
                                     registered, head.iin, head.region))
    return entities


def dataset_default() -> Dataset:
    """The simulator's data: the demo citizens, staff and organizations of identity.demo, plus generated ones.

    Needs Django's app registry (it reads identity.demo).
    """
    from qyzmet.identity.demo import CITIZENS, ORGANIZATIONS, bin_for, demo_second_administrators, demo_staff

    staff = demo_staff()
    heads = {person.roles[0][1]: person.iin for person in staff if person.roles and person.roles[0][0] == "head"}
    entities = [
        KnownEntity(bin_for(spec.code, branch=spec.kind == "state_corporation_branch"), spec.code,
                    spec.name_kk, spec.name_ru, heads.get(spec.code, ""))
        for spec in ORGANIZATIONS
    ]
    return dataset_build(citizens=CITIZENS, staff=staff, entities=entities, later=demo_second_administrators())
