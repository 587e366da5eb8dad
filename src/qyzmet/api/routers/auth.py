"""Log-in and log-out: IIN and password, or an EDS signature of a server-issued challenge."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from qyzmet.api.auth import API_AUTH, bearer_token, request_user
from qyzmet.api.schemas import ChallengeOut, EdsLoginIn, ErrorOut, PasswordLoginIn, TokenOut, UserOut
from qyzmet.api.services import (
    IssuedChallenge,
    IssuedToken,
    challenge_issue,
    token_login_eds,
    token_login_password,
    token_revoke,
)
from qyzmet.identity.addresses import client_address
from qyzmet.identity.models import User

router = Router(tags=["auth"])


def _token_out(issued: IssuedToken) -> dict[str, object]:
    return {"token": issued.token, "expires_at": issued.record.expires_at, "user": issued.record.user}


@router.post("/token", auth=None, response={201: TokenOut, 401: ErrorOut, 400: ErrorOut, 429: ErrorOut})
def token_create_api(request: HttpRequest, payload: PasswordLoginIn) -> Status[dict[str, object]]:
    """Log in with IIN and password; returns a bearer token (lockout after repeated failures)."""
    issued = token_login_password(iin=payload.iin, password=payload.password, now=timezone.now(),
                                  address=client_address(request))
    return Status(201, _token_out(issued))


@router.delete("/token", auth=API_AUTH, response={204: None, 401: ErrorOut})
def token_delete_api(request: HttpRequest) -> Status[None]:
    """Revoke the bearer token this request carries (a session is left as it is)."""
    token = bearer_token(request)
    if token is not None:
        token_revoke(token=token, now=timezone.now())
    return Status(204, None)


@router.get("/challenge", auth=None, response={200: ChallengeOut, 429: ErrorOut})
def challenge_create_api(request: HttpRequest) -> IssuedChallenge:
    """A one-time text to sign with the EDS authentication key, valid for five minutes, with its secret id."""
    return challenge_issue(now=timezone.now(), address=client_address(request))


@router.post("/eds", auth=None, response={201: TokenOut, 401: ErrorOut, 400: ErrorOut})
def token_create_eds_api(request: HttpRequest, payload: EdsLoginIn) -> Status[dict[str, object]]:
    """Log in with a CMS signature of a challenge made with an EDS authentication key."""
    issued = token_login_eds(challenge=payload.challenge, client_secret=payload.challenge_id,
                             signature=payload.signature, now=timezone.now())
    return Status(201, _token_out(issued))


@router.get("/me", auth=API_AUTH, response={200: UserOut, 401: ErrorOut})
def me_api(request: HttpRequest) -> User:
    """Who the request is authenticated as, with their staff roles."""
    return request_user(request)
