"""Demo organizations, staff and citizens for `make run`; `load_demo()` is idempotent.

One oblast per seed regulation (West Kazakhstan, Jambyl, Karaganda, Pavlodar), each with
the provider kinds its seed names, rural okrug akim offices, a State Corporation branch,
a member of staff for every role of every provider, and a few citizens (all but one with
a mobile number). Every demo account's password is DEMO_PASSWORD.

All numbers are synthetic but valid: IINs and BINs are derived from the organization code
and role with their check digit computed, so they are the same on every machine. A
synthetic number may still coincide with a real person's or body's; never use these
outside a demo.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from qyzmet.identity.identifiers import check_digit
from qyzmet.identity.models import Organization, OrganizationKind, Role, StaffRole, User
from qyzmet.identity.services import organization_create, staff_role_grant

DEMO_PASSWORD: Final = "demo-password-2025"

K = OrganizationKind
R = Role

PROVIDER_ROLES: Final = (R.OFFICE_CLERK, R.HEAD, R.EXECUTOR)
# A rural okrug akim's office is itself the provider of some services (free school transport, the
# preschool queue), run by its clerk, head (the akim's deputy) and executor as the regulation names them.
RURAL_ROLES: Final = (R.AKIM_OFFICE_SPECIALIST, R.AKIM, R.EXECUTOR, R.OFFICE_CLERK, R.HEAD)
OBLAST_ROLES: Final = (R.QUALITY_MONITOR, R.ADMINISTRATOR)
SC_ROLES: Final = (R.SC_OPERATOR, R.HEAD)

SC_NAME_KK: Final = "«Азаматтарға арналған үкімет» мемлекеттік корпорациясы» КЕАҚ {region} бойынша филиалы"
SC_NAME_RU: Final = (
    "Филиал некоммерческого акционерного общества «Государственная корпорация «Правительство для граждан» по {region}"
)
SC_NAME_EN: Final = "State Corporation “Government for Citizens”, {region} branch"


@dataclass(frozen=True)
class OrganizationSpec:
    code: str
    parent: str | None
    kind: str
    name_kk: str
    name_ru: str
    name_en: str
    roles: tuple[str, ...]


def _sc(oblast: str, kk: str, ru: str, en: str) -> OrganizationSpec:
    return OrganizationSpec(
        f"{oblast}-sc", oblast, K.STATE_CORPORATION_BRANCH, SC_NAME_KK.format(region=kk),
        SC_NAME_RU.format(region=ru), SC_NAME_EN.format(region=en), SC_ROLES,
    )


def _rural(code: str, parent: str, kk: str, ru: str, en: str) -> OrganizationSpec:
    return OrganizationSpec(
        code, parent, K.RURAL_AKIM_OFFICE, f"{kk} ауылдық округі әкімінің аппараты",
        f"Аппарат акима {ru} сельского округа", f"Office of the akim of {en} rural okrug", RURAL_ROLES,
    )


ORGANIZATIONS: Final[tuple[OrganizationSpec, ...]] = (
    # Seeds 000 and 002: the providers are the LEBs (akimats) of WKO districts and of Uralsk.
    OrganizationSpec("wko", None, K.OBLAST, "Батыс Қазақстан облысының әкімдігі",
                     "Акимат Западно-Казахстанской области", "Akimat of West Kazakhstan Oblast", OBLAST_ROLES),
    OrganizationSpec("wko-uralsk", "wko", K.CITY_AKIMAT, "Орал қаласының әкімдігі", "Акимат города Уральска",
                     "Akimat of Uralsk", (*PROVIDER_ROLES, R.AKIMAT)),
    OrganizationSpec("wko-terekti", "wko", K.DISTRICT_AKIMAT, "Теректі ауданының әкімдігі",
                     "Акимат Теректинского района", "Akimat of Terekti District", (*PROVIDER_ROLES, R.AKIMAT)),
    _rural("wko-terekti-fedorov", "wko-terekti", "Федоров", "Федоровского", "Fedorov"),
    OrganizationSpec("wko-burli", "wko", K.DISTRICT_AKIMAT, "Бөрлі ауданының әкімдігі",
                     "Акимат Бурлинского района", "Akimat of Burli District", (*PROVIDER_ROLES, R.AKIMAT)),
    _rural("wko-burli-burlin", "wko-burli", "Бөрлі", "Бурлинского", "Burlin"),
    _sc("wko", "Батыс Қазақстан облысы", "Западно-Казахстанской области", "West Kazakhstan Oblast"),
    # Seed 001: the providers are the education departments of Jambyl districts and of Taraz.
    OrganizationSpec("jambyl", None, K.OBLAST, "Жамбыл облысының әкімдігі", "Акимат Жамбылской области",
                     "Akimat of Jambyl Oblast", OBLAST_ROLES),
    OrganizationSpec("jambyl-taraz", "jambyl", K.CITY_AKIMAT, "Тараз қаласының әкімдігі", "Акимат города Тараз",
                     "Akimat of Taraz", (R.AKIMAT,)),
    OrganizationSpec("jambyl-taraz-education", "jambyl-taraz", K.EDUCATION_DEPARTMENT, "Тараз қаласының білім бөлімі",
                     "Отдел образования города Тараз", "Education Department of Taraz", PROVIDER_ROLES),
    OrganizationSpec("jambyl-baizak", "jambyl", K.DISTRICT_AKIMAT, "Байзақ ауданының әкімдігі",
                     "Акимат Байзакского района", "Akimat of Baizak District", (R.AKIMAT,)),
    OrganizationSpec("jambyl-baizak-education", "jambyl-baizak", K.EDUCATION_DEPARTMENT,
                     "Байзақ ауданының білім бөлімі", "Отдел образования Байзакского района",
                     "Education Department of Baizak District", PROVIDER_ROLES),
    _rural("jambyl-baizak-sarykemer", "jambyl-baizak", "Сарыкемер", "Сарыкемерского", "Sarykemer"),
    OrganizationSpec("jambyl-jambyl", "jambyl", K.DISTRICT_AKIMAT, "Жамбыл ауданының әкімдігі",
                     "Акимат Жамбылского района", "Akimat of Jambyl District", (R.AKIMAT,)),
    OrganizationSpec("jambyl-jambyl-education", "jambyl-jambyl", K.EDUCATION_DEPARTMENT,
                     "Жамбыл ауданының білім бөлімі", "Отдел образования Жамбылского района",
                     "Education Department of Jambyl District", PROVIDER_ROLES),
    _rural("jambyl-jambyl-asa", "jambyl-jambyl", "Аса", "Асинского", "Asa"),
    _sc("jambyl", "Жамбыл облысы", "Жамбылской области", "Jambyl Oblast"),
    # Seed 003: LEBs of districts and cities, i.e. their employment and social programmes departments.
    OrganizationSpec("karaganda", None, K.OBLAST, "Қарағанды облысының әкімдігі", "Акимат Карагандинской области",
                     "Akimat of Karaganda Oblast", OBLAST_ROLES),
    OrganizationSpec("karaganda-city", "karaganda", K.CITY_AKIMAT, "Қарағанды қаласының әкімдігі",
                     "Акимат города Караганды", "Akimat of Karaganda", (R.AKIMAT,)),
    OrganizationSpec("karaganda-city-employment", "karaganda-city", K.EMPLOYMENT_SOCIAL_DEPARTMENT,
                     "Қарағанды қаласының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі",
                     "Отдел занятости и социальных программ города Караганды",
                     "Employment and Social Programmes Department of Karaganda", PROVIDER_ROLES),
    OrganizationSpec("karaganda-bukhar-zhyrau", "karaganda", K.DISTRICT_AKIMAT, "Бұқар жырау ауданының әкімдігі",
                     "Акимат Бухар-Жырауского района", "Akimat of Bukhar-Zhyrau District", (R.AKIMAT,)),
    OrganizationSpec("karaganda-bukhar-zhyrau-employment", "karaganda-bukhar-zhyrau", K.EMPLOYMENT_SOCIAL_DEPARTMENT,
                     "Бұқар жырау ауданының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі",
                     "Отдел занятости и социальных программ Бухар-Жырауского района",
                     "Employment and Social Programmes Department of Bukhar-Zhyrau District", PROVIDER_ROLES),
    _rural("karaganda-bukhar-zhyrau-doskey", "karaganda-bukhar-zhyrau", "Доскей", "Доскейского", "Doskey"),
    _sc("karaganda", "Қарағанды облысы", "Карагандинской области", "Karaganda Oblast"),
    # Seed 004: LEBs of Pavlodar districts and cities, and akims of rural okrugs.
    OrganizationSpec("pavlodar", None, K.OBLAST, "Павлодар облысының әкімдігі", "Акимат Павлодарской области",
                     "Akimat of Pavlodar Oblast", OBLAST_ROLES),
    OrganizationSpec("pavlodar-city", "pavlodar", K.CITY_AKIMAT, "Павлодар қаласының әкімдігі",
                     "Акимат города Павлодара", "Akimat of Pavlodar", (*PROVIDER_ROLES, R.AKIMAT)),
    _rural("pavlodar-city-kenzhekol", "pavlodar-city", "Кенжекөл", "Кенжекольского", "Kenzhekol"),
    OrganizationSpec("pavlodar-ekibastuz", "pavlodar", K.CITY_AKIMAT, "Екібастұз қаласының әкімдігі",
                     "Акимат города Экибастуза", "Akimat of Ekibastuz", (*PROVIDER_ROLES, R.AKIMAT)),
    OrganizationSpec("pavlodar-district", "pavlodar", K.DISTRICT_AKIMAT, "Павлодар ауданының әкімдігі",
                     "Акимат Павлодарского района", "Akimat of Pavlodar District", (*PROVIDER_ROLES, R.AKIMAT)),
    _rural("pavlodar-district-chernoyarka", "pavlodar-district", "Черноярка", "Черноярского", "Chernoyarka"),
    _sc("pavlodar", "Павлодар облысы", "Павлодарской области", "Pavlodar Oblast"),
)

MALE_NAMES: Final = (
    "Ерлан", "Нұрлан", "Асқар", "Бауыржан", "Ержан", "Дәурен", "Серік", "Марат",
    "Қайрат", "Талғат", "Арман", "Жандос", "Бекзат", "Нұржан", "Ғалым", "Мұрат",
)
FEMALE_NAMES: Final = (
    "Айгүл", "Гүлнар", "Динара", "Жанар", "Сәуле", "Ақмарал", "Мәдина", "Әйгерім",
    "Дана", "Салтанат", "Гүлжан", "Жұлдыз", "Назерке", "Ботагөз", "Ләззат", "Айжан",
)
SURNAMES: Final = (  # male forms; the female form adds "а"
    "Ахметов", "Жақсылықов", "Нұрланов", "Серікбаев", "Омаров", "Сейітов", "Тоқтаров", "Қасымов",
    "Әбенов", "Бекмұханов", "Есенов", "Байжанов", "Исаев", "Мұқанов", "Жұмабаев", "Сұлтанов",
)


@dataclass(frozen=True)
class DemoPerson:
    iin: str
    surname: str
    given_name: str
    patronymic: str
    mobile: str
    roles: tuple[tuple[str, str], ...]  # (role, organization code)
    is_administrator: bool = False


def iin_for(birth_date: date, sex: str, serial: int) -> str:
    """A valid IIN for the birth date, sex and serial; the serial moves up past prefixes with no check digit."""
    century = {18: 1, 19: 3, 20: 5}[birth_date.year // 100] + (1 if sex == "F" else 0)
    while True:
        prefix = f"{birth_date:%y%m%d}{century}{serial % 10000:04d}"
        digit = check_digit(prefix)
        if digit is not None:
            return f"{prefix}{digit}"
        serial += 1


def bin_for(code: str, *, branch: bool) -> str:
    """A valid BIN derived from the organization code: registered 1995–2019, resident legal entity."""
    seed = _number(f"bin:{code}")
    year, month, serial = 95 + seed % 25, 1 + (seed // 25) % 12, (seed // 300) % 100000
    while True:
        prefix = f"{year % 100:02d}{month:02d}4{1 if branch else 0}{serial:05d}"
        digit = check_digit(prefix)
        if digit is not None:
            return f"{prefix}{digit}"
        serial = (serial + 1) % 100000


def _number(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


def _staff_person(code: str, role: str, number: int = 1) -> DemoPerson:
    seed = _number(f"staff:{code}:{role}" + (f":{number}" if number > 1 else ""))
    sex = "F" if seed % 2 else "M"
    given = (FEMALE_NAMES if sex == "F" else MALE_NAMES)[(seed >> 1) % 16]
    father = MALE_NAMES[(seed >> 5) % 16]
    surname = SURNAMES[(seed >> 9) % 16] + ("а" if sex == "F" else "")
    birth = date(1965, 1, 1) + timedelta(days=(seed >> 13) % 11700)
    return DemoPerson(
        iin=iin_for(birth, sex, (seed >> 27) % 10000), surname=surname, given_name=given,
        patronymic=father + ("қызы" if sex == "F" else "ұлы"), mobile=f"+7705{(seed >> 41) % 10_000_000:07d}",
        roles=((role, code),), is_administrator=role == R.ADMINISTRATOR,
    )


CITIZENS: Final[tuple[DemoPerson, ...]] = (
    DemoPerson(iin_for(date(1988, 3, 14), "F", 1201), "Нұрланова", "Айгүл", "Серікқызы", "+77015550101", ()),
    DemoPerson(iin_for(date(1979, 11, 2), "M", 3302), "Жақсылықов", "Ерлан", "Маратұлы", "+77025550102", ()),
    DemoPerson(iin_for(date(1992, 6, 25), "F", 4403), "Омарова", "Динара", "Асқарқызы", "+77075550103", ()),
    DemoPerson(iin_for(date(1985, 9, 9), "M", 5504), "Серікбаев", "Бауыржан", "Қайратұлы", "+77475550104", ()),
    # No mobile number: one-time passwords are refused, only the EDS is left to this applicant.
    DemoPerson(iin_for(date(1969, 12, 30), "F", 6605), "Есенова", "Гүлнар", "Талғатқызы", "", ()),
)


def demo_staff() -> list[DemoPerson]:
    """One person per (organization, role) of ORGANIZATIONS, in spec order."""
    return [_staff_person(spec.code, role) for spec in ORGANIZATIONS for role in spec.roles]


def demo_second_administrators() -> list[DemoPerson]:
    """A second administrator per oblast, so that a regulation drafted by one is published by another (four eyes)."""
    return [_staff_person(spec.code, R.ADMINISTRATOR, 2) for spec in ORGANIZATIONS if R.ADMINISTRATOR in spec.roles]


def demo_people() -> list[DemoPerson]:
    """Every demo account: staff first, then citizens."""
    return [*demo_staff(), *demo_second_administrators(), *CITIZENS]


def _organizations_load() -> tuple[int, dict[str, Organization]]:
    existing = {o.code: o for o in Organization.objects.filter(code__in=[s.code for s in ORGANIZATIONS])}
    created = 0
    for spec in ORGANIZATIONS:
        if spec.code in existing:
            continue
        existing[spec.code] = organization_create(
            code=spec.code, bin=bin_for(spec.code, branch=spec.kind == K.STATE_CORPORATION_BRANCH),
            name_kk=spec.name_kk, name_ru=spec.name_ru, name_en=spec.name_en, kind=spec.kind,
            parent=existing[spec.parent] if spec.parent else None,
        )
        created += 1
    return created, existing


def _people_load(organizations: dict[str, Organization]) -> tuple[int, int]:
    now = timezone.now()
    people = demo_people()
    users = {u.iin: u for u in User.objects.filter(iin__in=[p.iin for p in people])}
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: argon2 per account would slow setup down
    created_users = created_roles = 0
    for person in people:
        if person.iin not in users:
            users[person.iin] = User.objects.create(
                iin=person.iin, surname=person.surname, given_name=person.given_name,
                patronymic=person.patronymic, mobile=person.mobile, password=password_hash, created_at=now,
                # staff for the regulation pages, no Django permission (superusers: the platform's operators)
                is_staff=person.is_administrator, is_superuser=False,
            )
            created_users += 1
        for role, code in person.roles:
            held = StaffRole.objects.filter(user=users[person.iin], organization=organizations[code], role=role)
            if not held.exists():
                staff_role_grant(user=users[person.iin], organization=organizations[code], role=role, now=now)
                created_roles += 1
    return created_users, created_roles


@transaction.atomic
def load_demo() -> str:
    """Create the demo organizations, staff and citizens that are missing; returns what it did.

    Side effects: creates Organization, User and StaffRole rows; existing rows are left as they are.
    """
    created_organizations, organizations = _organizations_load()
    created_users, created_roles = _people_load(organizations)
    if not (created_organizations or created_users or created_roles):
        return f"already loaded ({len(organizations)} organizations, {len(demo_people())} people)"
    return (
        f"{created_organizations} organizations, {created_users} people, {created_roles} roles created; "
        f"password for every demo account: {DEMO_PASSWORD}"
    )
