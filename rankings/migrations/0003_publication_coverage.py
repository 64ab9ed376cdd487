from django.db import migrations, models
from django.db.models import Q

# Groups that are never ranked: their units do not count towards a year's coverage.
UNRANKED_GROUPS = ("not_assessed", "authority")


def measure_coverage(apps, schema_editor):
    """Give every existing publication its coverage: an imported table against the units of its level and
    year, a campaign's publication as whole (it covers all its campaign's units)."""
    Publication = apps.get_model("rankings", "Publication")
    Organisation = apps.get_model("accounts", "Organisation")
    for publication in Publication.objects.select_related("campaign"):
        campaign = publication.campaign
        units = set(publication.results.filter(index="dti").values_list("organisation_id", flat=True))
        expected = units
        if publication.source == "imported":
            expected = set(
                Organisation.objects.filter(level=campaign.level)
                .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=campaign.year))
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=campaign.year))
                .exclude(group__in=UNRANKED_GROUPS)
                .values_list("pk", flat=True)
            )
        Publication.objects.filter(pk=publication.pk).update(
            covered_units=len(units & expected), expected_units=len(expected)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("rankings", "0002_report_export"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="covered_units",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="số đơn vị trong bảng"),
        ),
        migrations.AddField(
            model_name="publication",
            name="expected_units",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="số đơn vị của năm và cấp"),
        ),
        migrations.RunPython(measure_coverage, migrations.RunPython.noop),
    ]
