from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_caseevent_kind_at_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('status', 'open')), fields=['organization', 'role', 'due_at', 'id'], name='cases_task_open_queue'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(fields=['case'], include=('status', 'due_at', 'completed_at'), name='cases_task_case_timing'),
        ),
    ]
