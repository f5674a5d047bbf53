""".docx zip bombs are refused before they inflate (issue 15): `errcheck.docx_safety`.

The bombs are built in memory by streaming (`docx_bombs`); memory is measured with
tracemalloc (every bytes object zlib produces is counted)."""

import io
import tracemalloc
import zipfile

import pytest

pytest.importorskip("docx")

from docx_bombs import EMPTY_PARAGRAPH, TEXT_PARAGRAPH, bomb_docx, plain_docx  # noqa: E402

from errcheck.docx_safety import DocxLimits, DocxRejected, docx_lines, docx_paragraphs  # noqa: E402

MiB = 1 << 20


def rejected(data, limits=DocxLimits()):
    tracemalloc.start()
    try:
        with pytest.raises(DocxRejected) as info:
            docx_paragraphs(data, limits)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return info.value, peak


def test_a_normal_document_reads_as_before():
    data = plain_docx("第一段：京津翼协同发展。", "", "第二段：名族团结。")
    assert docx_paragraphs(data) == ["第一段：京津翼协同发展。", "", "第二段：名族团结。"]
    assert docx_lines(data) == ["第一段：京津翼协同发展。", "", "第二段：名族团结。"]


def test_a_bomb_of_empty_paragraphs_is_refused_without_inflating():
    data = bomb_docx(160 * MiB)  # ~280 KB upload, 160 MiB of <w:p/> (millions of paragraphs)
    assert len(data) < 2 * MiB
    exc, peak = rejected(data)
    assert exc.too_large and "word/document.xml" in str(exc) and "inflates to 160.0 MiB" in str(exc)
    assert peak < 4 * MiB


def test_a_high_ratio_member_is_refused():
    exc, peak = rejected(bomb_docx(4 * MiB, TEXT_PARAGRAPH))  # a 1.23M-character document from 50 KB
    assert exc.too_large and "inflates" in str(exc) and "times" in str(exc)
    assert peak < 4 * MiB


def test_a_lying_header_cannot_inflate_more_than_it_declares():
    """The central directory says 5,000 bytes; the data inflates to 500 MiB."""
    exc, peak = rejected(bomb_docx(500 * MiB, lie_size=5000))
    assert not exc.too_large and "not a readable .docx file" in str(exc)
    assert peak < 4 * MiB


def test_too_many_paragraphs_below_the_ratio_floor_are_refused():
    exc, _ = rejected(bomb_docx(MiB // 2, EMPTY_PARAGRAPH))  # ~0.5 MiB: ~90k paragraphs
    assert exc.too_large and ("paragraphs" in str(exc) or "XML elements" in str(exc))


def test_limits_on_members_total_size_and_characters():
    data = plain_docx(*(["京津翼协同发展"] * 50))
    assert len(docx_paragraphs(data)) == 50
    exc, _ = rejected(data, DocxLimits(max_chars=100))
    assert "exceeds 100 characters" in str(exc)
    exc, _ = rejected(data, DocxLimits(max_paragraphs=10))
    assert "more than 10 paragraphs" in str(exc)
    exc, _ = rejected(data, DocxLimits(max_total_bytes=10_000))
    assert "inflates to more than" in str(exc)
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(1001):
            zf.writestr(f"m{i}", b"")
    exc, _ = rejected(many.getvalue())
    assert "1,001 zip members" in str(exc)


def test_not_a_zip_and_other_compressions_are_unreadable():
    exc, _ = rejected(b"not a zip")
    assert not exc.too_large and str(exc) == "not a readable .docx file: BadZipFile: File is not a zip file"
    odd = io.BytesIO()
    with zipfile.ZipFile(odd, "w", zipfile.ZIP_BZIP2) as zf:
        zf.writestr("word/document.xml", b"<x/>")
    exc, _ = rejected(odd.getvalue())
    assert not exc.too_large and "unsupported compression" in str(exc)


def test_every_table_cell_is_read_once():
    """A merged cell is read once, and no cell is lost: the cells seen are remembered by
    element, not by an id() that a freed proxy passes on to the next cell."""
    import docx

    document = docx.Document()
    for k in range(3):
        table = document.add_table(rows=2, cols=3)
        for r in range(2):
            for c in range(3):
                table.cell(r, c).text = f"{k}-{r}-{c}"
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 2)).text = "合并"
    buf = io.BytesIO()
    document.save(buf)
    assert docx_paragraphs(buf.getvalue()) == [f"{k}-{r}-{c}" for k in range(3) for r in range(2)
                                               for c in range(3)] + ["合并"]
