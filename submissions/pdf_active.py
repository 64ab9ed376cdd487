"""Active content in a PDF: what a viewer may run, launch or unpack rather than only show.

Evidence is a scan or a (digitally signed) document: neither needs scripts, commands that run by
themselves, launched programs or attached files, so a file holding any of them is refused. A plain
link (`/URI`) is a reference, not active content. So is an `/OpenAction` that only chooses the page
and zoom the document opens at: a destination (`[3 0 R /Fit]`, as LibreOffice and Acrobat's
"initial view" write it) or a lone `/GoTo` action (as LaTeX's hyperref writes it). Any other
`/OpenAction` (a script, a web address or a print dialog opened by itself, another file, a chain
of actions) is refused, as is any `/AA` (additional actions, run on opening a page or touching a
form field).

Two independent looks, because either alone can be fooled:
- the object tree, walked with pypdf from the trailer, which also sees objects packed in compressed
  object streams;
- the raw bytes, outside stream bodies, with `#xx` escapes in names undone (`/J#61vaScript` is
  `/JavaScript`), which also sees objects pypdf's repair of a damaged file does not reach but
  another viewer might. Stream bodies (compressed images, fonts) are skipped: three random bytes
  spell `/JS` or `/AA` often enough in a large scan to refuse good files.

Pure: no Django, so the bounded checking process (`submissions.pdf_check`) can import it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.errors import LimitReachedError
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)


class Finding(enum.StrEnum):
    """A kind of active content, in the order a refusal lists them."""

    JAVASCRIPT = "javascript"
    AUTOMATIC_ACTION = "automatic_action"  # /OpenAction actions and /AA additional actions
    LAUNCH = "launch"
    EMBEDDED_FILE = "embedded_file"  # /EmbeddedFiles, /EF file specifications, /FileAttachment annotations
    RICH_MEDIA = "rich_media"
    XFA_SCRIPT = "xfa_script"


def in_order(findings: set[Finding] | frozenset[Finding]) -> list[Finding]:
    return [finding for finding in Finding if finding in findings]


# THE RAW BYTES
# -----------------------------------------------------------------------------

# PDF whitespace and delimiters end a name; any other byte (including "#") continues it.
_NAME_END = rb"(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])"


def _name_pattern(name: str) -> bytes:
    """A name as it may be written: each character itself or `#xx` (either case of hex digits)."""
    parts = []
    for char in name:
        code = f"{ord(char):02x}"
        hex_escape = b"#" + b"".join(b"[" + bytes({ord(d.lower()), ord(d.upper())}) + b"]" for d in code)
        parts.append(b"(?:" + re.escape(char.encode()) + b"|" + hex_escape + b")")
    return b"/" + b"".join(parts) + _NAME_END


_RAW_NAMES: dict[str, Finding] = {
    "JavaScript": Finding.JAVASCRIPT,
    "JS": Finding.JAVASCRIPT,
    "AA": Finding.AUTOMATIC_ACTION,
    "Launch": Finding.LAUNCH,
    "EmbeddedFiles": Finding.EMBEDDED_FILE,
    "EmbeddedFile": Finding.EMBEDDED_FILE,
    "FileAttachment": Finding.EMBEDDED_FILE,
    "RichMedia": Finding.RICH_MEDIA,
}
# /OpenAction is not among them: whether it only sets the opening view needs its value read as an
# object, which the tree walk does. The scripts or programs an action would run are found here.
# One alternation, one pass: a group per name, so the match says which name it was.
_RAW_GROUPS = list(_RAW_NAMES.items())
_RAW_ACTIVE = re.compile(b"|".join(b"(" + _name_pattern(name) + b")" for name, _ in _RAW_GROUPS))
# A stream body starts after its dictionary's `>>` and the keyword `stream` with its end of line.
_STREAM_START = re.compile(rb">>[\x00\t\n\x0c\r ]*stream(?:\r\n|\n|\r)")


def _outside_streams(content: bytes) -> Iterator[bytes]:
    """The file's text with each `stream … endstream` body left out. Linear: each search starts
    where the last one ended, so a file of many unterminated "stream" keywords costs one pass."""
    position = 0
    while True:
        start = _STREAM_START.search(content, position)
        if start is None:
            yield content[position:]
            return
        yield content[position : start.start() + 2]  # the dictionary's ">>" is text
        end = content.find(b"endstream", start.end())
        if end < 0:
            return
        position = end + len(b"endstream")


def raw_findings(content: bytes) -> set[Finding]:
    found: set[Finding] = set()
    for text in _outside_streams(content):
        for match in _RAW_ACTIVE.finditer(text):
            # Each alternative is one capturing group (the rest are non-capturing): the one that
            # matched is the name found.
            found.add(_RAW_GROUPS[(match.lastindex or 1) - 1][1])
            if len(found) == len(Finding):
                return found
    return found


# THE OBJECT TREE
# -----------------------------------------------------------------------------

_XFA_SCRIPT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?script[\s>/]", re.IGNORECASE)


class UnreadableObject(Exception):
    """An object of the file the walk could not read (a stream that does not decode, an object stream
    past the parser's limits): what it holds cannot be shown to be free of active content, so the
    file is not accepted (fail closed)."""


def _resolved(value: PdfObject | None) -> PdfObject | None:
    try:
        return value.get_object() if isinstance(value, IndirectObject) else value
    except (MemoryError, LimitReachedError):
        raise
    except Exception as error:
        raise UnreadableObject(str(error)) from error


def _xfa_has_scripts(xfa: PdfObject | None) -> bool:
    """XFA is one stream or an array of (packet name, stream) pairs of XML. A packet that cannot be
    read cannot be shown to be script-free, so it counts as having scripts."""
    packets = [_resolved(item) for item in xfa] if isinstance(xfa, ArrayObject) else [xfa]
    for packet in packets:
        if isinstance(packet, StreamObject):
            try:
                data = packet.get_data()
            except MemoryError:
                raise
            except Exception:  # noqa: BLE001 - a damaged or undecodable stream
                return True
            if _XFA_SCRIPT.search(data):
                return True
    return False


def only_sets_the_view(open_action: PdfObject | None) -> bool:
    """A destination (an array, or a named one), or a `/GoTo` action to one with no further action
    chained after it. Anything else — what could not be read included — is an action."""
    if isinstance(open_action, ArrayObject | NameObject | TextStringObject | ByteStringObject):
        return True
    if not isinstance(open_action, DictionaryObject):
        return False
    chained = _resolved(dict.get(open_action, "/Next"))
    return _resolved(dict.get(open_action, "/S")) == "/GoTo" and (chained is None or isinstance(chained, NullObject))


def _findings_in(dictionary: DictionaryObject) -> set[Finding]:
    found: set[Finding] = set()
    keys = set(dict.keys(dictionary))
    action = _resolved(dict.get(dictionary, "/S"))
    kind = _resolved(dict.get(dictionary, "/Type"))
    subtype = _resolved(dict.get(dictionary, "/Subtype"))
    if "/JS" in keys or "/JavaScript" in keys or action == "/JavaScript":
        found.add(Finding.JAVASCRIPT)
    if "/AA" in keys:
        found.add(Finding.AUTOMATIC_ACTION)
    if "/OpenAction" in keys and not only_sets_the_view(_resolved(dict.get(dictionary, "/OpenAction"))):
        found.add(Finding.AUTOMATIC_ACTION)
    if action == "/Launch":
        found.add(Finding.LAUNCH)
    if "/EmbeddedFiles" in keys or "/EF" in keys or kind == "/EmbeddedFile" or subtype == "/FileAttachment":
        found.add(Finding.EMBEDDED_FILE)
    if subtype == "/RichMedia" or action == "/RichMediaExecute":
        found.add(Finding.RICH_MEDIA)
    if "/XFA" in keys and _xfa_has_scripts(_resolved(dict.get(dictionary, "/XFA"))):
        found.add(Finding.XFA_SCRIPT)
    return found


def tree_findings(reader: PdfReader) -> set[Finding]:
    """Every dictionary reachable from the trailer, each indirect object once, without recursion (a
    deeply nested file cannot exhaust the stack). The bounded process limits how long this may take."""
    found: set[Finding] = set()
    seen: set[tuple[int, int]] = set()
    pending: list[PdfObject | None] = [reader.trailer]
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = _resolved(item)
        if isinstance(item, DictionaryObject):
            found |= _findings_in(item)
            pending.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            pending.extend(item)
    return found
