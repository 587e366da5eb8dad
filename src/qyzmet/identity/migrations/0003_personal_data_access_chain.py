"""Chain the personal-data access log (qyzmet.audit.chain) and make it append-only on PostgreSQL."""

from typing import Any

from django.db import migrations, models

from qyzmet.audit.chain import GENESIS, PD_ACCESS, chain_digest
from qyzmet.audit.triggers import append_only_sql, drop_sql, on_postgresql

TABLE = "identity_personaldataaccess"


def chain_existing(apps: Any, schema_editor: Any) -> None:
    Access = apps.get_model("identity", "PersonalDataAccess")
    LogHead = apps.get_model("audit", "LogHead")
    previous, position = GENESIS, 0
    for row in Access.objects.order_by("pk").iterator():
        position += 1
        payload = {"subject": row.subject_iin, "actor": row.actor_id, "purpose": row.purpose, "source": row.source,
                   "reference": row.reference, "at": row.at}
        row.chain_position, row.previous_hash = position, previous
        row.hash = previous = chain_digest(payload, previous)
        row.save(update_fields=["chain_position", "previous_hash", "hash"])
    LogHead.objects.update_or_create(name=PD_ACCESS, defaults={"rows": position, "head_hash": previous})


class Migration(migrations.Migration):

    dependencies = [
        ('identity', '0002_login_throttling'),
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='personaldataaccess',
            name='chain_position',
            field=models.PositiveBigIntegerField(null=True, unique=True),
        ),
        migrations.AddField(
            model_name='personaldataaccess',
            name='hash',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='personaldataaccess',
            name='previous_hash',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(on_postgresql(append_only_sql(TABLE)), on_postgresql(drop_sql(TABLE))),
    ]
