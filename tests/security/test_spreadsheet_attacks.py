"""A hostile workbook: XML entity expansion ("billion laughs") and external entities inside the sheet of an
otherwise valid template are refused with a message, and nothing is imported."""

from __future__ import annotations

import io
import zipfile

import pytest

from accounts.models import User
from submissions.models import Event, Submission
from tests.submissions.test_excel import FILLED, client_for, download, fill, upload

pytestmark = pytest.mark.django_db

LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "hahahahahahahahahaha">'
    # b is ten a's, c ten b's, … i is 10⁸ a's: expanded, a few gigabytes.
    + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + n]), (b"&" + bytes([97 + n]) + b";") * 10) for n in range(8))
    + b"]>"
)
EXTERNAL = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


def with_doctype(content: bytes, doctype: bytes, entity: bytes) -> bytes:
    """The same workbook, its sheet preceded by a DOCTYPE and one cell holding the entity."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                body = body.replace(b"<t>", b"<t>" + entity, 1) if b"<t>" in body else body
                data = doctype + body
            archive.writestr(item, data)
    return buffer.getvalue()


@pytest.mark.parametrize(("doctype", "entity"), [(LAUGHS, b"&i;"), (EXTERNAL, b"&secret;")], ids=["laughs", "external"])
def test_entities_in_a_workbook_are_refused_and_nothing_is_imported(
    danang_submission: Submission, danang_reporter: User, doctype: bytes, entity: bytes
) -> None:
    client = client_for(danang_reporter)
    hostile = with_doctype(fill(download(client, danang_submission), FILLED), doctype, entity)

    response = upload(client, danang_submission, hostile, dry_run=False)

    assert response.status_code == 400
    assert response.context["problems"] == ["Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng."]
    assert not Event.objects.filter(submission=danang_submission).exists()
    assert danang_submission.answers.get(node__key="1.1.2").value is None
