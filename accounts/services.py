"""Writing organisations: the reference list of provinces, ministries and the authority."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .models import Organisation, Region


@transaction.atomic
def load_organisations(*, data: dict[str, Any]) -> int:
    """Create or update regions and organisations from the reference file's form; return how many.

    Idempotent: running it twice leaves the same rows. Predecessor links are replaced by the
    file's, so a corrected merger is corrected everywhere.
    """
    regions = {}
    for position, item in enumerate(data.get("regions", []), start=1):
        regions[item["code"]], _ = Region.objects.update_or_create(
            code=item["code"], defaults={"name": item["name"], "order": position}
        )
    organisations = {}
    for item in data["organisations"]:
        organisations[item["code"]], _ = Organisation.objects.update_or_create(
            code=item["code"],
            defaults={
                "level": item["level"],
                "name": item["name"],
                "short_name": item.get("short_name") or item["name"],
                "name_en": item.get("name_en") or "",
                "variants": item.get("variants") or [],
                "region": regions.get(item.get("region") or ""),
                "group": item["group"],
                "valid_from": item.get("valid_from"),
                "valid_to": item.get("valid_to"),
            },
        )
    for item in data["organisations"]:
        predecessor_codes = [*item.get("predecessors", []), *item.get("absorbed", [])]
        organisations[item["code"]].predecessors.set([organisations[code] for code in predecessor_codes])
    return len(organisations)
