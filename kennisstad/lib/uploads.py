"""Checking that an uploaded document is what its name says, before any parser sees it.

The parsers (pdfplumber, python-docx) are large and trust their input more than we should;
these checks are cheap and reject files that only carry the right extension.
"""

import zipfile

from django.utils.translation import gettext as _

# A .docx is a zip archive; bound what unpacking it may cost (a "zip bomb" is a few kB packed).
DOCX_MAX_MEMBERS = 2000
DOCX_MAX_UNPACKED_BYTES = 200 * 1024 * 1024


def _head(upload, size: int) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def pdf_problem(upload) -> str | None:
    # The PDF specification allows the header within the first 1024 bytes (some producers add junk).
    if b"%PDF-" not in _head(upload, 1024):
        return _("Het bestand heet .pdf maar is geen PDF-document")
    return None


def docx_problem(upload) -> str | None:
    not_docx = _("Het bestand heet .docx maar is geen Word-document")
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError):
        return not_docx
    finally:
        upload.seek(0)
    if "word/document.xml" not in {member.filename for member in members}:
        return not_docx
    if len(members) > DOCX_MAX_MEMBERS or sum(m.file_size for m in members) > DOCX_MAX_UNPACKED_BYTES:
        return _("Het Word-document is uitgepakt te groot om te verwerken")
    return None
