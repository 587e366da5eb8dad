from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0007_case_definition_sha256'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='caseevent',
            index=models.Index(fields=['kind', 'at'], name='cases_event_kind_at'),
        ),
    ]
