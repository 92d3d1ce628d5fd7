from django.db import migrations


class Migration(migrations.Migration):
    """Invitation.state becomes Invitation.status, the name every other model uses."""

    dependencies = [
        ("contest", "0002_challenge_review_note"),
    ]

    operations = [
        migrations.RenameField(model_name="invitation", old_name="state", new_name="status"),
    ]
