"""Result documents get a printed number (case number + "-D" + the document's place in its definition)."""

from typing import Any

from django.db import migrations, models


def numbers_fill(apps: Any, schema_editor: Any) -> None:
    ResultDocument = apps.get_model("cases", "ResultDocument")
    for document in ResultDocument.objects.select_related("case__service_version").iterator():
        ids = [entry["id"] for entry in document.case.service_version.definition.get("documents", [])]
        place = ids.index(document.document_id) + 1 if document.document_id in ids else 100 + document.pk
        document.number = f"{document.case.number}-D{place}"
        document.save(update_fields=["number"])


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_case_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="resultdocument",
            name="number",
            field=models.CharField(max_length=96, null=True),
        ),
        migrations.RunPython(numbers_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="resultdocument",
            name="number",
            field=models.CharField(
                help_text="the document number printed on it and checked at /verify/<number>/",
                max_length=96,
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="resultdocument",
            name="content_type",
            field=models.CharField(default="application/pdf", max_length=64),
        ),
    ]
