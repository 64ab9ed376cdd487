"""Campaigns opened or imported before campaigns had focus indices take their framework's, as the ones
opened or imported since do (`submissions.services.focus.seed_focus_indices`); a draft campaign takes
them when it is opened."""

from django.db import migrations
from django.utils import timezone

# As submissions.services.focus.SEED_NOTE when this migration was written.
SEED_NOTE = "Theo Văn bản số 3243/BTTTT-CĐSQG ngày 11/08/2023 của Bộ Thông tin và Truyền thông"


def seed(apps, schema_editor):
    Campaign = apps.get_model("submissions", "Campaign")
    FocusIndex = apps.get_model("submissions", "FocusIndex")
    Node = apps.get_model("indicators", "Node")
    now = timezone.now()
    marks = []
    for campaign in Campaign.objects.exclude(state="draft").filter(focus_indices=None):
        for node in Node.objects.filter(framework_id=campaign.framework_id, kind="component", focus=True):
            marks.append(FocusIndex(campaign=campaign, node=node, note=SEED_NOTE, marked_by=None, marked_at=now))
    FocusIndex.objects.bulk_create(marks)


class Migration(migrations.Migration):
    dependencies = [("submissions", "0007_focus_index")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
