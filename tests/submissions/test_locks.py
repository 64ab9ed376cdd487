"""The locks of data entry take their own rows only: on PostgreSQL a plain FOR UPDATE over a query
that joins the campaign, the unit or the leaf locks those rows too, and every unit's saves in a
campaign then wait for each other. The statements are compiled for PostgreSQL here, without a server."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper
from django.db.models import QuerySet

from submissions.services.locks import locked_answers, locked_submissions


def postgresql_sql(queryset: QuerySet[Any]) -> str:
    """The statement PostgreSQL would be sent, inside a transaction."""
    postgresql = DatabaseWrapper({**connection.settings_dict, "ENGINE": "django.db.backends.postgresql"}, "postgresql")
    postgresql.get_autocommit = lambda: False  # type: ignore[method-assign]
    sql, _params = queryset.query.get_compiler(connection=postgresql).as_sql()
    return str(sql)


def test_locking_a_submission_takes_only_the_submissions_row() -> None:
    sql = postgresql_sql(locked_submissions().filter(pk=1))

    assert '"submissions_campaign"' in sql
    assert '"accounts_organisation"' in sql
    assert sql.endswith('FOR UPDATE OF "submissions_submission"')


def test_locking_an_answers_submission_through_the_answer_takes_only_the_submissions_row() -> None:
    sql = postgresql_sql(locked_submissions().filter(answers=1))

    assert '"submissions_answer"' in sql
    assert sql.endswith('FOR UPDATE OF "submissions_submission"')


@pytest.mark.parametrize("ordered", [False, True], ids=["by key", "in the answers' own order"])
def test_locking_answers_takes_only_the_answers_rows(ordered: bool) -> None:
    answers = locked_answers().filter(submission=1)
    sql = postgresql_sql(answers if ordered else answers.order_by())

    assert '"indicators_node"' in sql
    assert sql.endswith('FOR UPDATE OF "submissions_answer"')
