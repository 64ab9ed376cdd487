"""On PostgreSQL, the database itself refuses to change or delete a history row (raw SQL included)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION submissions_event_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'submissions_event is append-only: %% refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER submissions_event_append_only
    BEFORE UPDATE OR DELETE ON submissions_event
    FOR EACH ROW EXECUTE FUNCTION submissions_event_is_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS submissions_event_append_only ON submissions_event;
DROP FUNCTION IF EXISTS submissions_event_is_append_only();
"""


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("submissions", "0002_appraisal")]

    operations = [migrations.RunPython(create, drop)]
