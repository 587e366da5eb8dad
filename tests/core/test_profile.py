"""Production is not the demo: plain setup loads no demo, the production profile refuses to start
half-configured, trusts only the roots it is given and sends the security headers."""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

QYZMET = [sys.executable, "-m", "qyzmet"]
pytestmark = pytest.mark.slow


def _env(var: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "QYZMET_PROFILE", "DEBUG", "QYZMET_DEBUG"}}
    return env | {"QYZMET_VAR_DIR": str(var)} | extra


def _production(var: Path, **extra: str) -> dict[str, str]:
    return _env(var, QYZMET_PROFILE="production", SECRET_KEY=secrets.token_urlsafe(50),
                ALLOWED_HOSTS="qyzmet.example.kz", **extra)


def _run(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*QYZMET, *arguments], env=env, capture_output=True, text=True, timeout=300)


def test_plain_setup_loads_the_catalogue_and_no_demo(tmp_path: Path) -> None:
    # when
    done = _run("setup", "--quiet", env=_env(tmp_path))

    # then
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "qyzmet.sqlite3") as db:
        # the 26 seed services and the complaint (appeal) definition (ADR 0012)
        assert db.execute("select count(*) from catalog_service where field <> 'appeals'").fetchone() == (26,)
        assert db.execute("select slug from catalog_service where field = 'appeals'").fetchall() == [
            ("national-complaint",)]
        assert db.execute("select count(*) from identity_user").fetchone() == (0,)
        assert db.execute("select count(*) from identity_organization").fetchone() == (0,)
    assert not (tmp_path / "pki").exists()


def test_production_refuses_to_start_without_secret_key_and_allowed_hosts(tmp_path: Path) -> None:
    done = _run("manage", "check", env=_env(tmp_path, QYZMET_PROFILE="production"))
    assert done.returncode == 2
    assert "SECRET_KEY" in done.stderr and "ALLOWED_HOSTS" in done.stderr
    assert "Traceback" not in done.stderr


def test_production_passes_the_deployment_checks(tmp_path: Path) -> None:
    done = _run("manage", "check", "--deploy", "--fail-level", "WARNING", env=_production(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr


def test_production_refuses_the_demo_and_writes_nothing(tmp_path: Path) -> None:
    done = _run("setup", "--demo", "--quiet", env=_production(tmp_path))
    assert done.returncode == 2
    assert "never loaded" in done.stderr
    assert not (tmp_path / "qyzmet.sqlite3").exists() and not (tmp_path / "pki").exists()


def test_production_serve_refuses_to_start_without_trust_anchors(tmp_path: Path) -> None:
    done = _run("serve", "--port", "1", env=_production(tmp_path))
    assert done.returncode == 2
    assert "QYZMET_TRUSTED_ROOTS" in done.stderr


def test_a_bare_debug_variable_does_not_turn_debug_on(tmp_path: Path) -> None:
    probe = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    env = _env(tmp_path, DEBUG="1", DJANGO_SETTINGS_MODULE="qyzmet.settings")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr


def test_production_trusts_only_the_roots_it_is_given(tmp_path: Path) -> None:
    # given: a file signed with a key of the test CA (made the demo way)
    assert _run("setup", "--demo", "--quiet", env=_env(tmp_path)).returncode == 0
    key, content = tmp_path / "a.p12", tmp_path / "application.json"
    issued = _run("pki", "issue", "--iin", "871008401427", "--name", "Тестова Айгерим Ержанқызы", "--usage", "sign",
                  "--out", str(key), "--password", "Qwerty12", env=_env(tmp_path))
    assert issued.returncode == 0, issued.stderr
    content.write_text('{"applicant":"871008401427"}')
    signed = subprocess.run([*QYZMET, "eds", "sign", "--key", str(key), "--password", "Qwerty12", str(content)],
                            env=_env(tmp_path), capture_output=True, timeout=120)
    signature = tmp_path / "application.json.p7s"
    signature.write_bytes(signed.stdout)

    # when: verified under production, first with no roots given, then with the test root given explicitly
    untrusted = _run("eds", "verify", str(content), str(signature), env=_production(tmp_path))
    given = _run("eds", "verify", str(content), str(signature),
                 env=_production(tmp_path, QYZMET_TRUSTED_ROOTS=str(tmp_path / "pki" / "root.crt")))

    # then
    assert untrusted.returncode == 1 and '"UNKNOWN_ISSUER"' in untrusted.stdout
    assert given.returncode == 0, given.stdout


def test_production_sends_csp_without_inline_scripts_hsts_and_secure_cookies(tmp_path: Path) -> None:
    assert _run("setup", "--quiet", env=_env(tmp_path)).returncode == 0
    probe = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/login/', HTTP_HOST='qyzmet.example.kz', HTTP_X_FORWARDED_PROTO='https')\n"
        "print(r.status_code); print(r.headers['Content-Security-Policy'])\n"
        "print(r.headers['Strict-Transport-Security'])\n"
        "print(r.cookies['csrftoken']['secure'])\n"
        "r = Client().get('/login/', HTTP_HOST='qyzmet.example.kz'); print(r.status_code, r.headers['Location'])\n"
    )
    env = _production(tmp_path, DJANGO_SETTINGS_MODULE="qyzmet.settings")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    status, csp, hsts, secure, redirect = done.stdout.strip().splitlines()
    assert status == "200", done.stderr
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src")).split()
    assert script_src == ["script-src", "'self'"]
    assert "max-age=31536000" in hsts
    assert secure == "True"
    assert redirect == "301 https://qyzmet.example.kz/login/"
