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
SIGNING_TIME_IN_FUTURE: Final = "SIGNING_TIME_IN_FUTURE"
CERT_EXPIRED: Final = "CERT_EXPIRED"
CERT_NOT_YET_VALID: Final = "CERT_NOT_YET_VALID"
REVOKED_CRL: Final = "REVOKED_CRL"
REVOKED_OCSP: Final = "REVOKED_OCSP"
REVOCATION_UNKNOWN: Final = "REVOCATION_UNKNOWN"
KEY_USAGE_AUTH_KEY: Final = "KEY_USAGE_AUTH_KEY"
KEY_USAGE_SIGN_KEY: Final = "KEY_USAGE_SIGN_KEY"
KEY_USAGE_INVALID: Final = "KEY_USAGE_INVALID"
IIN_MISMATCH: Final = "IIN_MISMATCH"
BIN_MISMATCH: Final = "BIN_MISMATCH"

LANGUAGES: Final = ("kk", "ru", "en")

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
    SIGNING_TIME_IN_FUTURE: {
        "kk": "Қолтаңбада көрсетілген қол қою уақыты әлі келмеген.",
        "ru": "Время подписания, указанное в подписи, ещё не наступило.",
        "en": "The signing time stated in the signature lies in the future.",
    },
    CERT_EXPIRED: {
        "kk": "Қол қойылған сәтте тіркеу куәлігінің қолданылу мерзімі өтіп кеткен.",
        "ru": "На момент подписания срок действия регистрационного свидетельства истёк.",
        "en": "The certificate had expired when the document was signed.",
    },
    CERT_NOT_YET_VALID: {
        "kk": "Қол қойылған сәтте тіркеу куәлігі әлі күшіне енбеген.",
        "ru": "На момент подписания регистрационное свидетельство ещё не вступило в силу.",
        "en": "The certificate was not yet valid when the document was signed.",
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
        "kk": "Тіркеу куәлігіндегі БСН ұйымның БСН-іне сәйкес келмейді.",
        "ru": "БИН в регистрационном свидетельстве не совпадает с БИН организации.",
        "en": "The BIN in the certificate does not match the organization's BIN.",
    },
}


def message(code: str, language: str) -> str:
    """The message for a verdict code in `language` ("kk", "ru" or "en"; anything else gives Russian)."""
    texts = MESSAGES[code]
    return texts.get(language, texts["ru"])
