"""Each case records the content hash of the regulation version it runs under (ADR 0019)."""

from typing import Any

from django.db import migrations, models


def hashes_record(apps: Any, schema_editor: Any) -> None:
    Case = apps.get_model("cases", "Case")
    ServiceVersion = apps.get_model("catalog", "ServiceVersion")
    for version in ServiceVersion.objects.all():
        Case.objects.filter(service_version=version).update(definition_sha256=version.sha256)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0006_case_filed_index"),
        ("catalog", "0002_immutable_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="definition_sha256",
            field=models.CharField(
                blank=True, help_text="content hash of the regulation version the case runs under", max_length=64
            ),
        ),
        migrations.RunPython(hashes_record, migrations.RunPython.noop),
    ]
