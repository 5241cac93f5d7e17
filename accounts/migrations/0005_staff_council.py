"""Today's office staff work for the first council (Zhujing's)."""

from django.db import migrations


def forwards(apps, schema_editor):
    council = apps.get_model("units", "Council").objects.order_by("position", "id").first()
    apps.get_model("accounts", "User").objects.filter(is_staff=True, council=None).update(
        council=council
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_user_council"), ("units", "0009_first_council")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
