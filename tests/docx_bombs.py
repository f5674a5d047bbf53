"""Build .docx zip bombs in memory (shared by the library, service and scanner tests).

The inflated XML is streamed through zlib chunk by chunk and never exists as a whole,
neither in memory nor on disk."""

from __future__ import annotations

import io
import struct
import zipfile

HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
TAIL = b"</w:body></w:document>"
EMPTY_PARAGRAPH = b"<w:p/>"
TEXT_PARAGRAPH = "<w:p><w:r><w:t>京津翼协同发展</w:t></w:r></w:p>".encode()


def plain_docx(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def bomb_docx(inflated_bytes: int, unit: bytes = EMPTY_PARAGRAPH, lie_size: int | None = None) -> bytes:
    """A real .docx whose word/document.xml holds ``unit`` repeated to ``inflated_bytes``.
    ``lie_size``: patch the central directory to declare that many bytes instead."""
    base = zipfile.ZipFile(io.BytesIO(plain_docx("x")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for info in base.infolist():
            if info.filename == "word/document.xml":
                continue
            zf.writestr(info.filename, base.read(info.filename))
        block = unit * max(1, min(1 << 20, inflated_bytes) // len(unit))
        with zf.open("word/document.xml", "w") as fh:
            fh.write(HEAD)
            full, rest = divmod(inflated_bytes // len(unit), len(block) // len(unit))
            for _ in range(full):
                fh.write(block)
            fh.write(unit * rest)
            fh.write(TAIL)
    data = bytearray(out.getvalue())
    if lie_size is not None:
        name = b"word/document.xml"
        at = data.find(b"PK\x01\x02")
        while at != -1:
            name_len = struct.unpack_from("<H", data, at + 28)[0]
            if bytes(data[at + 46: at + 46 + name_len]) == name:
                struct.pack_into("<I", data, at + 24, lie_size)  # uncompressed size
                break
            at = data.find(b"PK\x01\x02", at + 4)
        else:
            raise AssertionError("member not found")
    return bytes(data)
