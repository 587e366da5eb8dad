# The waiting list's fields named by what the definition's `waiting_list` says they hold (ADR 0024):
# `age_group` → `group` (the value of the field the list is split by), `child_iin` → `person_iin`.
# Renames keep every row; the ordering index is rebuilt on the renamed column. And `Case.intake_checks`: the
# branch each automatic check takes by what the intake found, so a failed check runs its failure branch.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0009_task_queue_and_timing_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="queueentry", name="cases_queue_order"),
        migrations.RenameField(model_name="queueentry", old_name="age_group", new_name="group"),
        migrations.RenameField(model_name="queueentry", old_name="child_iin", new_name="person_iin"),
        migrations.AlterField(
            model_name="queueentry",
            name="group",
            field=models.CharField(
                blank=True, help_text="the value of the application field the waiting list is split by", max_length=16
            ),
        ),
        migrations.AlterField(
            model_name="queueentry",
            name="person_iin",
            field=models.CharField(help_text="whose place it is (the waiting list's person field)", max_length=12),
        ),
        migrations.AlterModelOptions(
            name="queueentry",
            options={"ordering": ["locality", "group", "registered_at", "pk"]},
        ),
        migrations.AddIndex(
            model_name="queueentry",
            index=models.Index(fields=["locality", "group", "status", "registered_at"], name="cases_queue_order"),
        ),
        migrations.AddField(
            model_name="case",
            name="intake_checks",
            field=models.JSONField(
                blank=True, default=dict,
                help_text="the branch each automatic check took by the intake's findings (step id → branch); "
                          "a check not named takes its success branch",
            ),
        ),
    ]
