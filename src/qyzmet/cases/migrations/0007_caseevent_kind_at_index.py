from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_case_filed_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='caseevent',
            index=models.Index(fields=['kind', 'at'], name='cases_event_kind_at'),
        ),
    ]
