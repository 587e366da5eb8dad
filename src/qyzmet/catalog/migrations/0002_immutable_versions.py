"""Stored versions become immutable and are identified by their content hash (ADR 0019).

The content hash leaves the version number out (the number is the catalogue's sequence), so the
hashes stored so far are recomputed once, then no row of catalog_serviceversion may change again:
a model-level guard (ServiceVersion.save) and, on PostgreSQL, a trigger refusing any UPDATE.
"""

import hashlib
import json

from typing import Any

from django.db import migrations, models

TRIGGER = """
CREATE OR REPLACE FUNCTION catalog_serviceversion_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'catalog_serviceversion % is immutable: load the new text as the next version', OLD.id;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS catalog_serviceversion_immutable ON catalog_serviceversion;
CREATE TRIGGER catalog_serviceversion_immutable BEFORE UPDATE ON catalog_serviceversion
    FOR EACH ROW EXECUTE FUNCTION catalog_serviceversion_immutable();
"""
TRIGGER_DROP = """
DROP TRIGGER IF EXISTS catalog_serviceversion_immutable ON catalog_serviceversion;
DROP FUNCTION IF EXISTS catalog_serviceversion_immutable();
"""


def _sha256(definition: dict[str, Any]) -> str:
    content = {key: value for key, value in definition.items() if key != "version"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def hashes_without_number(apps: Any, schema_editor: Any) -> None:
    ServiceVersion = apps.get_model("catalog", "ServiceVersion")
    for version in ServiceVersion.objects.all():
        definition = {**version.definition, "version": version.version}
        ServiceVersion.objects.filter(pk=version.pk).update(definition=definition, sha256=_sha256(definition))


def trigger_create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER, params=None)


def trigger_drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_DROP, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(hashes_without_number, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="serviceversion",
            constraint=models.UniqueConstraint(
                fields=("service", "sha256"), name="catalog_service_version_sha256_unique"
            ),
        ),
        migrations.RunPython(trigger_create, trigger_drop),
    ]
