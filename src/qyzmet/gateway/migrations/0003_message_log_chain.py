"""The chained, append-only gateway message log (MessageLogEntry), with every existing message logged.

On PostgreSQL a trigger refuses UPDATE and DELETE on the log, and DELETE on the messages.
"""

from typing import Any

from django.db import migrations, models

from qyzmet.audit.chain import GATEWAY_MESSAGES, GENESIS, chain_digest
from qyzmet.audit.triggers import append_only_sql, drop_sql, on_postgresql
from qyzmet.gateway.log import message_outcome_content, message_request_content

LOG = "gateway_messagelogentry"
MESSAGES = "gateway_gatewaymessage"


def log_existing(apps: Any, schema_editor: Any) -> None:
    Message = apps.get_model("gateway", "GatewayMessage")
    Entry = apps.get_model("gateway", "MessageLogEntry")
    LogHead = apps.get_model("audit", "LogHead")
    previous, position = GENESIS, 0
    for message in Message.objects.order_by("pk").iterator():
        entries = [("request", message_request_content(message), message.created_at)]
        if message.status != "sent":
            entries.append(("outcome", message_outcome_content(message), message.answered_at or message.created_at))
        if message.case_number:
            entries.append(("case_link", {"case_number": message.case_number}, message.created_at))
        for kind, content, at in entries:
            position += 1
            payload = {"message": message.message_id, "kind": kind, "content": content, "at": at}
            digest = chain_digest(payload, previous)
            Entry.objects.create(message_id=message.message_id, kind=kind, content=content, at=at,
                                 chain_position=position, previous_hash=previous, hash=digest)
            previous = digest
    LogHead.objects.update_or_create(name=GATEWAY_MESSAGES, defaults={"rows": position, "head_hash": previous})


class Migration(migrations.Migration):

    dependencies = [
        ('gateway', '0002_longer_case_number'),
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='MessageLogEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('message_id', models.CharField(db_index=True, max_length=64)),
                ('kind', models.CharField(choices=[('request', 'request written'), ('outcome', 'outcome recorded'), ('case_link', 'linked to a case')], max_length=16)),
                ('content', models.JSONField()),
                ('at', models.DateTimeField()),
                ('chain_position', models.PositiveBigIntegerField(unique=True)),
                ('previous_hash', models.CharField(max_length=64)),
                ('hash', models.CharField(max_length=64)),
            ],
            options={
                'ordering': ['chain_position'],
            },
        ),
        migrations.RunPython(log_existing, migrations.RunPython.noop),
        migrations.RunPython(on_postgresql(append_only_sql(LOG)), on_postgresql(drop_sql(LOG))),
        migrations.RunPython(on_postgresql(append_only_sql(MESSAGES, operations="DELETE")),
                             on_postgresql(drop_sql(MESSAGES))),
    ]
