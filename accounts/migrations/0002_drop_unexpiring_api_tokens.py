# The API's tokens moved from DRF's authtoken (one token per account, never expiring, stored in clear)
# to django-rest-knox (digests with an expiry). The old table is dropped with every token in it: those
# tokens must not outlive the change, and units' systems log in again for a new one.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop),
    ]
