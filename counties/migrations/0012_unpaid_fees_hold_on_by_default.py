"""Both unpaid-fee holds are on by default (issue 17: "our choice, default: exam authorization
and renewal wait for payment or waiver"; docs/domain.md#fees). The program policy row written
while they shipped off takes the new default too: the operator may turn either off again in
Program policy."""

from django.db import migrations, models


def holds_on(apps, schema_editor):
    apps.get_model("counties", "ProgramPolicy").objects.update(
        unpaid_fees_hold_exam=True, unpaid_fees_hold_renewal=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("counties", "0011_program_policy_unpaid_fees_hold"),
    ]

    operations = [
        migrations.AlterField(
            model_name="programpolicy",
            name="unpaid_fees_hold_exam",
            field=models.BooleanField(
                default=True,
                help_text="A candidate is authorized to sit the exam only once the application "
                "fee is paid or waived (our choice, on by default).",
                verbose_name="the exam waits for the application fee",
            ),
        ),
        migrations.AlterField(
            model_name="programpolicy",
            name="unpaid_fees_hold_renewal",
            field=models.BooleanField(
                default=True,
                help_text="A certification is renewed or reinstated only once the fees owed on "
                "it before (its application's and earlier renewals') are paid or waived (our "
                "choice, on by default).",
                verbose_name="renewal waits for earlier fees",
            ),
        ),
        migrations.RunPython(holds_on, migrations.RunPython.noop),
    ]
