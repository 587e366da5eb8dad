"""Verdict codes of signature verification and their messages in Kazakh, Russian and English.

These are the reasons the portal gives when it refuses an application because its ЭЦП
(ЭЦҚ) is not confirmed. Russian and Kazakh use the terms of the law on electronic documents:
регистрационное свидетельство / тіркеу куәлігі, удостоверяющий центр / куәландырушы орталық.
"""

from __future__ import annotations

from typing import Final

MALFORMED_CMS: Final = "MALFORMED_CMS"
TRUNCATED: Final = "TRUNCATED"
MULTIPLE_SIGNERS: Final = "MULTIPLE_SIGNERS"
SIGNER_CERT_MISSING: Final = "SIGNER_CERT_MISSING"
UNSUPPORTED_ALGORITHM: Final = "UNSUPPORTED_ALGORITHM"
CONTENT_MISSING: Final = "CONTENT_MISSING"
CONTENT_TAMPERED: Final = "CONTENT_TAMPERED"
SIGNATURE_INVALID: Final = "SIGNATURE_INVALID"
UNKNOWN_ISSUER: Final = "UNKNOWN_ISSUER"
CHAIN_INVALID: Final = "CHAIN_INVALID"
CERT_INVALID: Final = "CERT_INVALID"
WEAK_ALGORITHM: Final = "WEAK_ALGORITHM"
TIMESTAMP_INVALID: Final = "TIMESTAMP_INVALID"
SIGNING_TIME_UNPROVEN: Final = "SIGNING_TIME_UNPROVEN"
SIGNING_TIME_IN_FUTURE: Final = "SIGNING_TIME_IN_FUTURE"
CERT_EXPIRED: Final = "CERT_EXPIRED"
CERT_NOT_YET_VALID: Final = "CERT_NOT_YET_VALID"
REVOKED_CRL: Final = "REVOKED_CRL"
REVOKED_OCSP: Final = "REVOKED_OCSP"
REVOCATION_UNKNOWN: Final = "REVOCATION_UNKNOWN"
REVOCATION_STALE: Final = "REVOCATION_STALE"
KEY_USAGE_AUTH_KEY: Final = "KEY_USAGE_AUTH_KEY"
KEY_USAGE_SIGN_KEY: Final = "KEY_USAGE_SIGN_KEY"
KEY_USAGE_INVALID: Final = "KEY_USAGE_INVALID"
IIN_MISMATCH: Final = "IIN_MISMATCH"
BIN_MISMATCH: Final = "BIN_MISMATCH"
BIN_PERSONAL_KEY: Final = "BIN_PERSONAL_KEY"


MESSAGES: Final[dict[str, dict[str, str]]] = {
    MALFORMED_CMS: {
        "kk": "Қолтаңба файлы CMS пішімінде емес немесе бүлінген.",
        "ru": "Файл подписи не соответствует формату CMS или повреждён.",
        "en": "The signature file is not a valid CMS signature or is damaged.",
    },
    TRUNCATED: {
        "kk": "Қолтаңба файлы толық емес: ол жүктеу кезінде қиылып қалған.",
        "ru": "Файл подписи неполный: он был обрезан при передаче.",
        "en": "The signature file is incomplete: it was cut off in transfer.",
    },
    MULTIPLE_SIGNERS: {
        "kk": "Қолтаңбада бірнеше қол қоюшы бар, ал бір ғана қолтаңба күтілген.",
        "ru": "Подпись содержит несколько подписантов, а ожидается одна подпись.",
        "en": "The signature has several signers; exactly one is expected.",
    },
    SIGNER_CERT_MISSING: {
        "kk": "Қолтаңбада қол қоюшының тіркеу куәлігі жоқ.",
        "ru": "В подписи нет регистрационного свидетельства подписавшего.",
        "en": "The signature does not contain the signer's certificate.",
    },
    UNSUPPORTED_ALGORITHM: {
        "kk": "Бұл тексеру қызметі қолтаңбаның алгоритмін қолдамайды.",
        "ru": "Алгоритм подписи не поддерживается этой службой проверки.",
        "en": "This verification service does not support the signature's algorithm.",
    },
    CONTENT_MISSING: {
        "kk": "Қолтаңба құжаттан бөлек берілген, ал қол қойылған құжаттың өзі ұсынылмаған.",
        "ru": "Подпись отделена от документа, а сам подписанный документ не передан.",
        "en": "The signature is detached and the signed document was not supplied.",
    },
    CONTENT_TAMPERED: {
        "kk": "Құжат қол қойылғаннан кейін өзгертілген.",
        "ru": "Документ был изменён после подписания.",
        "en": "The document was changed after it was signed.",
    },
    SIGNATURE_INVALID: {
        "kk": "Қолтаңбаның мәні қол қойылған деректерге сәйкес келмейді.",
        "ru": "Значение подписи не соответствует подписанным данным.",
        "en": "The signature value does not match the signed data.",
    },
    UNKNOWN_ISSUER: {
        "kk": "Тіркеу куәлігін сенім білдірілген куәландырушы орталық бермеген.",
        "ru": "Регистрационное свидетельство выдано не доверенным удостоверяющим центром.",
        "en": "The certificate was not issued by a trusted certification authority.",
    },
    CHAIN_INVALID: {
        "kk": "Тізбектегі куәландырушы орталықтың тіркеу куәлігі жарамсыз.",
        "ru": "Регистрационное свидетельство удостоверяющего центра в цепочке недействительно.",
        "en": "A certification authority's certificate in the chain is not valid.",
    },
    CERT_INVALID: {
        "kk": "Қол қоюшының тіркеу куәлігі тіркеу куәліктерінің ережелерін бұзады "
              "(мысалы, белгісіз сыни кеңейтуі бар).",
        "ru": "Регистрационное свидетельство подписавшего нарушает правила регистрационных свидетельств "
              "(например, содержит неизвестное критическое расширение).",
        "en": "The signer's certificate breaks the certificate rules (for example, it has an unknown critical "
              "extension).",
    },
    WEAK_ALGORITHM: {
        "kk": "Қолтаңбада немесе тіркеу куәлігінде әлсіз алгоритм (SHA-1) қолданылған, ол енді қабылданбайды.",
        "ru": "В подписи или регистрационном свидетельстве использован слабый алгоритм (SHA-1), "
              "он больше не принимается.",
        "en": "The signature or a certificate uses a weak algorithm (SHA-1), which is no longer accepted.",
    },
    TIMESTAMP_INVALID: {
        "kk": "Қолтаңбадағы уақыт белгісі жарамсыз немесе оны сенім білдірілген уақыт белгілері қызметі бермеген.",
        "ru": "Метка времени в подписи недействительна или выдана не доверенной службой меток времени.",
        "en": "The signature's timestamp is not valid or was not issued by a trusted timestamp authority.",
    },
    SIGNING_TIME_UNPROVEN: {
        "kk": "Тіркеу куәлігінің қолданылу мерзімі өтіп кеткен. Қолтаңбада ертерек қол қою уақыты көрсетілген, "
              "бірақ оны сенім білдірілген уақыт белгісі растамайды.",
        "ru": "Срок действия регистрационного свидетельства истёк. В подписи указано более раннее время "
              "подписания, но его не подтверждает доверенная метка времени.",
        "en": "The certificate has expired. The signature states an earlier signing time, but no trusted "
              "timestamp confirms it.",
    },
    SIGNING_TIME_IN_FUTURE: {
        "kk": "Қолтаңбада көрсетілген қол қою уақыты әлі келмеген.",
        "ru": "Время подписания, указанное в подписи, ещё не наступило.",
        "en": "The signing time stated in the signature lies in the future.",
    },
    CERT_EXPIRED: {
        "kk": "Тіркеу куәлігінің қолданылу мерзімі өтіп кеткен.",
        "ru": "Срок действия регистрационного свидетельства истёк.",
        "en": "The certificate has expired.",
    },
    CERT_NOT_YET_VALID: {
        "kk": "Тіркеу куәлігі әлі күшіне енбеген.",
        "ru": "Регистрационное свидетельство ещё не вступило в силу.",
        "en": "The certificate is not yet valid.",
    },
    REVOKED_CRL: {
        "kk": "Тіркеу куәлігі кері қайтарып алынған (кері қайтарып алынған тіркеу куәліктерінің тізімі бойынша).",
        "ru": "Регистрационное свидетельство отозвано (по списку отозванных регистрационных свидетельств).",
        "en": "The certificate has been revoked (according to the certificate revocation list).",
    },
    REVOKED_OCSP: {
        "kk": "Тіркеу куәлігі кері қайтарып алынған (OCSP қызметінің жауабы бойынша).",
        "ru": "Регистрационное свидетельство отозвано (по ответу службы OCSP).",
        "en": "The certificate has been revoked (according to the OCSP responder).",
    },
    REVOCATION_UNKNOWN: {
        "kk": "Тіркеу куәлігінің кері қайтарып алынбағанын тексеру мүмкін болмады.",
        "ru": "Не удалось проверить, не отозвано ли регистрационное свидетельство.",
        "en": "Whether the certificate has been revoked could not be checked.",
    },
    REVOCATION_STALE: {
        "kk": "Тіркеу куәлігінің кері қайтарып алынуы туралы мәліметтер ескірген; жаңа жауап алу мүмкін болмады.",
        "ru": "Сведения об отзыве регистрационного свидетельства устарели; получить свежий ответ не удалось.",
        "en": "The revocation information for the certificate is out of date; no fresh answer could be obtained.",
    },
    KEY_USAGE_AUTH_KEY: {
        "kk": "Өтінішке аутентификация кілтімен қол қойылған; қол қою кілтін (RSA немесе GOST) таңдаңыз.",
        "ru": "Заявление подписано ключом аутентификации (AUTH); выберите ключ для подписи (RSA или GOST).",
        "en": "The application was signed with an authentication (login) key; choose a signing key.",
    },
    KEY_USAGE_SIGN_KEY: {
        "kk": "Кіру үшін қол қою кілті пайдаланылған; аутентификация кілтін (AUTH) таңдаңыз.",
        "ru": "Для входа использован ключ подписи; выберите ключ аутентификации (AUTH).",
        "en": "A signing key was used to log in; choose an authentication (AUTH) key.",
    },
    KEY_USAGE_INVALID: {
        "kk": "Тіркеу куәлігі электрондық цифрлық қолтаңба қоюға арналмаған.",
        "ru": "Регистрационное свидетельство не предназначено для электронной цифровой подписи.",
        "en": "The certificate is not meant for electronic digital signatures.",
    },
    IIN_MISMATCH: {
        "kk": "Қол қоюшының ЖСН-і өтініш берушінің ЖСН-іне сәйкес келмейді.",
        "ru": "ИИН подписавшего не совпадает с ИИН заявителя.",
        "en": "The signer's IIN does not match the applicant's IIN.",
    },
    BIN_MISMATCH: {
        "kk": "Басқа ұйымның кілтімен қол қойылған: тіркеу куәлігіндегі БСН ұйымның БСН-іне сәйкес келмейді.",
        "ru": "Подписано ключом другой организации: БИН в регистрационном свидетельстве не совпадает "
              "с БИН организации.",
        "en": "Signed with another organization's key: the BIN in the certificate does not match the "
              "organization's BIN.",
    },
    BIN_PERSONAL_KEY: {
        "kk": "Жеке кілтпен қол қойылған, ұйымның кілтімен емес: тіркеу куәлігінде ұйымның БСН-і жоқ.",
        "ru": "Подписано личным ключом, а не ключом организации: в регистрационном свидетельстве нет БИН "
              "организации.",
        "en": "Signed with a personal key, not the organization's key: the certificate carries no organization BIN.",
    },
}


def message(code: str, language: str) -> str:
    """The message for a verdict code in `language` ("kk", "ru" or "en"; anything else gives Russian)."""
    texts = MESSAGES[code]
    return texts.get(language, texts["ru"])
