"""`errcheck.annotate`: Word comments anchored exactly on the findings, safe fixes as tracked
changes that accept to `Report.fix` and reject to the original, the rest of the package
untouched; the .html and .txt variants; ``errcheck annotate``."""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile

import pytest

docx = pytest.importorskip("docx", reason="python-docx is not installed")
etree = pytest.importorskip("lxml.etree")

from docx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls  # noqa: E402
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from errcheck.annotate import annotate_docx, annotate_html, annotate_text  # noqa: E402
from errcheck.annotate.ooxml import paragraphs_of  # noqa: E402
from errcheck.cli import main  # noqa: E402
from errcheck.docx_safety import DocxLimits, DocxRejected  # noqa: E402
from errcheck.model import Report  # noqa: E402

from docx_bombs import bomb_docx, plain_docx  # noqa: E402

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DATE = dt.datetime(2026, 1, 2, 3, 4, 5)


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


#: members that annotating may change; every other member must come back byte for byte
MAY_CHANGE = {"[Content_Types].xml", "word/_rels/document.xml.rels", "word/comments.xml"}


# -- building test documents ----------------------------------------------------------------------

def _save(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _runs(paragraph, pieces):
    """Add runs ``(text, format)`` where format is a subset of "biu"."""
    for text, fmt in pieces:
        run = paragraph.add_run(text)
        run.bold = "b" in fmt or None
        run.italic = "i" in fmt or None
        run.underline = "u" in fmt or None


FOOTNOTES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {nsdecls("w")}>'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
    '</w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> 参见</w:t>'
    '</w:r><w:r><w:rPr><w:i/></w:rPr><w:t>京津翼</w:t></w:r><w:r><w:t>协同发展规划。</w:t></w:r></w:p></w:footnote>'
    '</w:footnotes>'
)


def _add_footnotes_part(data: bytes) -> bytes:
    """The package with word/footnotes.xml (its relationship and content type) added, and
    docProps/core.xml stored instead of deflated (to see compression kept)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                blob = blob.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
            elif info.filename == "word/_rels/document.xml.rels":
                blob = blob.replace(b"</Relationships>", b'<Relationship Id="rIdFn1" Type="http://schemas.openxml'
                                    b'formats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                                    b"</Relationships>")
            compress = zipfile.ZIP_STORED if info.filename == "docProps/core.xml" else zipfile.ZIP_DEFLATED
            zf.writestr(info.filename, blob, compress_type=compress)
        zf.writestr("word/footnotes.xml", FOOTNOTES.encode(), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def rich_docx() -> bytes:
    """A document exercising what a 公文 draft holds: a finding over three differently
    formatted runs, a hyperlink, a content control, a simple and a complex field, a tab
    and a line break, a footnote reference, an existing comment, a table, a header, a
    footer and a footnote."""
    d = docx.Document()
    d.add_paragraph("关于推进协同发展的通知", style="Title")
    _runs(d.add_paragraph(), [("他一整天都没", ""), ("精打", "b"), ("彩", "i"), ("的。", "u")])
    p = d.add_paragraph()
    _runs(p, [("请", "")])
    rid = p.part.relate_to("https://example.org/", RT.HYPERLINK, is_external=True)
    p._p.append(parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{rid}"><w:r><w:rPr><w:u w:val="single"/></w:rPr>'
                          '<w:t>推进京津翼协同发展</w:t></w:r></w:hyperlink>'))
    _runs(p, [("。", "")])
    p = d.add_paragraph()
    p._p.append(parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtPr><w:alias w:val="正文"/></w:sdtPr><w:sdtContent>'
                          '<w:r><w:t>学习党的</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>二十精神</w:t></w:r>'
                          '</w:sdtContent></w:sdt>'))
    p = d.add_paragraph()
    _runs(p, [("字段：", "")])
    p._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" DOCPROPERTY Title "><w:r><w:t>京津翼</w:t></w:r>'
                          '</w:fldSimple>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> TITLE 京津翼 </w:instrText></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t>，没精打彩</w:t></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))
    p = d.add_paragraph()  # an old-style hyperlink: a field whose result is ordinary text
    for xml in ('<w:fldChar w:fldCharType="begin"/>', '<w:instrText> HYPERLINK "https://example.org/" </w:instrText>',
                '<w:fldChar w:fldCharType="separate"/>', '<w:t>见京津翼规划</w:t>', '<w:fldChar w:fldCharType="end"/>'):
        p._p.append(parse_xml(f'<w:r {nsdecls("w")}>{xml}</w:r>'))
    p = d.add_paragraph()
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t>目录</w:t><w:tab/><w:t>中华人名共和国</w:t><w:br/>'
                          '<w:t>京津翼</w:t></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                          '<w:footnoteReference w:id="1"/></w:r>'))
    _runs(p, [("协同。", "")])
    p = d.add_paragraph()
    _runs(p, [("已有批注：", "")])
    old = p.add_run("这句话没有问题")
    d.add_comment(old, text="原有的批注", author="王编辑", initials="WB")
    _runs(p, [("，但学习党的二十精神", "i")])
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "事项"
    table.cell(0, 1).text = "推进京津翼协同"
    _runs(table.cell(1, 1).paragraphs[0], [("中华人", "b"), ("名共和国", "")])
    d.sections[0].header.paragraphs[0].text = "中华人名共和国某某局"
    d.sections[0].footer.paragraphs[0].text = "没精打彩的页脚"
    return _add_footnotes_part(_save(d))


# -- reading the output ---------------------------------------------------------------------------

def _parts(data: bytes) -> dict[str, bytes]:
    zf = zipfile.ZipFile(io.BytesIO(data))
    return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def _comments(parts) -> dict[str, str]:
    root = etree.fromstring(parts["word/comments.xml"])
    return {c.get(w("id")): "\n".join("".join(t.text or "" for t in p.iter(w("t"))) for p in c.iter(w("p")))
            for c in root.iter(w("comment"))}


def anchors(root) -> dict[str, dict[str, str]]:
    """Per comment id, the text inside its range: ``now`` (w:t, tabs, breaks) and
    ``deleted`` (w:delText), read independently of the module under test."""
    open_ids: list[str] = []
    out: dict[str, dict[str, str]] = {}
    for el in root.iter():
        if el.tag == w("commentRangeStart"):
            open_ids.append(el.get(w("id")))
            out[el.get(w("id"))] = {"now": "", "deleted": ""}
        elif el.tag == w("commentRangeEnd"):
            open_ids.remove(el.get(w("id")))
        elif el.tag in (w("t"), w("delText"), w("tab"), w("br")):
            text = {w("tab"): "\t", w("br"): "\n"}.get(el.tag, el.text or "")
            for cid in open_ids:
                out[cid]["deleted" if el.tag == w("delText") else "now"] += text
    return out


def strip_comments(root, ids) -> None:
    """Remove the comment markup of the comments ``ids``."""
    for el in list(root.iter(w("commentRangeStart"), w("commentRangeEnd"))):
        if el.get(w("id")) in ids:
            el.getparent().remove(el)
    for ref in list(root.iter(w("commentReference"))):
        if ref.get(w("id")) in ids:
            run = ref.getparent()
            run.getparent().remove(run)


def _unwrap(el) -> None:
    parent = el.getparent()
    i = parent.index(el)
    for child in reversed(list(el)):
        parent.insert(i, child)
    parent.remove(el)


def accept_all(root) -> None:
    for d in list(root.iter(w("del"))):
        d.getparent().remove(d)
    for i in list(root.iter(w("ins"))):
        _unwrap(i)


def reject_all(root) -> None:
    for i in list(root.iter(w("ins"))):
        i.getparent().remove(i)
    for d in list(root.iter(w("del"))):
        _unwrap(d)
    for t in root.iter(w("delText")):
        t.tag = w("t")


def char_formats(root) -> list[list[tuple[str, bytes]]]:
    """Per paragraph, each character of its runs with the run's properties."""
    out = []
    for p in root.iter(w("p")):
        chars = []
        for r in p.iter(w("r")):
            if next(r.iterancestors(w("p"))) is not p:  # a text box's paragraph
                continue
            rpr = r.find(w("rPr"))
            fmt = etree.tostring(rpr, method="c14n") if rpr is not None else b""
            for child in r:
                text = {w("tab"): "\t", w("br"): "\n"}.get(child.tag, child.text if child.tag == w("t") else "")
                chars += [(c, fmt) for c in text or ""]
        out.append(chars)
    return out


def skeleton(root) -> bytes:
    """The part without its runs: everything that is not text must be unchanged."""
    root = copy.deepcopy(root)
    for r in list(root.iter(w("r"))):
        r.getparent().remove(r)
    return etree.tostring(root, method="c14n")


def body_text(root) -> str:
    return "\n".join(p.text for p in paragraphs_of(root))


@pytest.fixture(scope="module")
def rich():
    return rich_docx()


@pytest.fixture(scope="module")
def annotated(rich, checker):
    return annotate_docx(rich, checker, date=DATE)


@pytest.fixture(scope="module")
def tracked(rich, checker):
    return annotate_docx(rich, checker, track_changes=True, date=DATE)


# -- comments ------------------------------------------------------------------------------------

def test_text_model_reads_what_word_shows(rich):
    parts = _parts(rich)
    paras = paragraphs_of(etree.fromstring(parts["word/document.xml"]))
    texts = [p.text for p in paras]
    assert "他一整天都没精打彩的。" in texts
    assert "请推进京津翼协同发展。" in texts  # the hyperlink's text is in its paragraph
    assert "学习党的二十精神" in texts  # a content control
    assert "字段：京津翼，没精打彩" in texts  # field results; not the instruction
    assert "见京津翼规划" in texts
    assert "目录\t中华人名共和国\n京津翼\ufffc协同。" in texts  # tab, break, note reference
    assert "中华人名共和国" in texts  # a table cell over two runs
    # python-docx agrees on plain paragraphs
    document = docx.Document(io.BytesIO(rich))
    assert [p.text for p in document.paragraphs][:2] == texts[:2]


def test_every_finding_gets_a_comment_anchored_on_its_text(annotated):
    out, summary = annotated
    parts = _parts(out)
    comments = _comments(parts)
    seen = 0
    for name in ("word/document.xml",):
        spans = anchors(etree.fromstring(parts[name]))
        notes = [a for a in summary.annotations if a.part == name and not a.in_field]
        assert notes, name
        for a in notes:
            cid = str(a.comment_id)
            assert spans[cid] == {"now": a.finding.text, "deleted": ""}, (name, a.finding)
            assert comments[cid].startswith(f"{a.finding.code} [{a.finding.severity.label}] {a.finding.message}")
            for s in a.finding.suggestions:
                assert s in comments[cid]
            seen += 1
    # the findings this document was built with, each one found
    texts = sorted(a.finding.text for a in summary.annotations if a.comment_id is not None)
    assert texts.count("京津翼") == 4 and texts.count("没精打彩") == 1
    assert texts.count("中华人名共和国") == 2 and texts.count("党的二十精神") == 2
    assert seen == summary.commented == len(texts)


def test_header_footer_and_note_findings_go_to_one_summary_comment(annotated):
    out, summary = annotated
    parts = _parts(out)
    assert sorted((a.place, a.finding.text) for a in summary.uncommented) == [
        ("正文中的域（自动生成的内容）", "京津翼"), ("正文中的域（自动生成的内容）", "没精打彩"),
        ("脚注", "京津翼"), ("页眉", "中华人名共和国"), ("页脚", "没精打彩")]
    text = _comments(parts)[str(summary.summary_comment_id)]
    for a in summary.uncommented:
        assert f"{a.place}：「{a.finding.text}」" in text and a.finding.code in text
    # no comment markup in headers, footers (Word does not allow it) or notes (LibreOffice
    # does not open such a file), and without tracked changes those parts are untouched
    for name, blob in parts.items():
        if name.startswith(("word/header", "word/footer", "word/footnotes")):
            assert b"comment" not in blob
            assert blob == _parts(rich_docx())[name]


def test_existing_comment_survives_and_ids_are_unique(rich, annotated):
    out, _ = annotated
    parts = _parts(out)
    comments = _comments(parts)
    assert "原有的批注" in comments.values()
    root = etree.fromstring(parts["word/comments.xml"])
    authors = {c.get(w("author")) for c in root.iter(w("comment"))}
    assert authors == {"王编辑", "errcheck"}
    ids = [c.get(w("id")) for c in root.iter(w("comment"))]
    assert len(ids) == len(set(ids))
    old = [k for k, v in comments.items() if v == "原有的批注"][0]
    assert anchors(etree.fromstring(parts["word/document.xml"]))[old]["now"] == "这句话没有问题"


def test_other_members_are_byte_identical_in_order_and_compression(rich, annotated):
    out, summary = annotated
    before, after = zipfile.ZipFile(io.BytesIO(rich)), zipfile.ZipFile(io.BytesIO(out))
    names = [i.filename for i in before.infolist()]
    assert [i.filename for i in after.infolist()] == names  # comments.xml existed already
    changed = MAY_CHANGE | {"word/document.xml"}
    for info in before.infolist():
        assert after.getinfo(info.filename).compress_type == info.compress_type
        if info.filename not in changed:
            assert after.read(info.filename) == before.read(info.filename), info.filename
    assert after.getinfo("docProps/core.xml").compress_type == zipfile.ZIP_STORED


def test_new_comments_part_gets_its_relationship_and_content_type(checker):
    data = plain_docx("推进京津翼协同发展。", "没有问题的段落。")
    out, summary = annotate_docx(data, checker)
    before, after = zipfile.ZipFile(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(out))
    assert after.namelist() == before.namelist() + ["word/comments.xml"]
    assert b'PartName="/word/comments.xml"' in after.read("[Content_Types].xml")
    rels = etree.fromstring(after.read("word/_rels/document.xml.rels"))
    ids = [r.get("Id") for r in rels]
    assert len(ids) == len(set(ids))
    assert [r.get("Target") for r in rels if r.get("Type").endswith("/comments")] == ["comments.xml"]
    for name in before.namelist():
        if name not in MAY_CHANGE | {"word/document.xml"}:
            assert after.read(name) == before.read(name)
    reopened = docx.Document(io.BytesIO(out))  # python-docx reads it, comment included
    assert [c.text.splitlines()[0] for c in reopened.comments] == [
        f"{f.code} [{f.severity.label}] {f.message}" for f in summary.findings]


def test_a_clean_document_comes_back_unchanged(checker):
    data = plain_docx("今天天气很好。", "我们开会讨论工作。")
    out, summary = annotate_docx(data, checker)
    assert summary.annotations == []
    assert _parts(out) == _parts(data)


def test_removing_the_comments_gives_back_the_text_and_formatting(rich, annotated):
    out, summary = annotated
    for name in ("word/document.xml", "word/footnotes.xml"):
        original = etree.fromstring(_parts(rich)[name])
        result = etree.fromstring(_parts(out)[name])
        strip_comments(result, {str(a.comment_id) for a in summary.annotations}
                       | {str(summary.summary_comment_id)})
        assert char_formats(result) == char_formats(original)
        assert skeleton(result) == skeleton(original)
        assert body_text(result) == body_text(original)


# -- tracked changes ------------------------------------------------------------------------------

def test_tracked_changes_accept_to_fix_and_reject_to_original(rich, tracked):
    out, summary = tracked
    assert summary.fixed > 0
    parts, original_parts = _parts(out), _parts(rich)
    for part in summary.parts:
        root = etree.fromstring(parts[part.part])
        accepted, rejected = copy.deepcopy(root), copy.deepcopy(root)
        accept_all(accepted)
        reject_all(rejected)
        original = etree.fromstring(original_parts[part.part])
        notes = [a for a in summary.annotations if a.part == part.part]
        # every safe fix is made, except in field results (Word recomputes those)
        unfixed = [a for a in notes if a.finding.safe and not a.fixed]
        assert sorted((a.paragraph, a.finding.text) for a in unfixed) == (
            [(4, "京津翼"), (4, "没精打彩"), (5, "京津翼")] if part.kind == "document" else [])
        made = Report(tuple(a.finding for a in notes if a.fixed), part.report.length)
        assert body_text(accepted) == made.fix(part.text), part.part
        if not unfixed:
            assert body_text(accepted) == part.report.fix(part.text)
        ids = {str(a.comment_id) for a in summary.annotations} | {str(summary.summary_comment_id)}
        strip_comments(rejected, ids)
        assert body_text(rejected) == part.text
        assert char_formats(rejected) == char_formats(original)
        assert skeleton(rejected) == skeleton(original)


def test_tracked_changes_are_made_where_allowed_only(tracked):
    out, summary = tracked
    parts = _parts(out)
    # fields are never changed; a fix in a header is a tracked change (comments are not allowed there)
    field_ones = [a for a in summary.annotations if a.part == "word/document.xml"
                  and a.finding.text in ("京津翼", "没精打彩") and a.paragraph == 4]
    assert len(field_ones) == 2 and not any(a.fixed for a in field_ones)
    header = [a for a in summary.annotations if a.kind == "header"]
    assert header and all(a.fixed for a in header) and all(a.comment_id is None for a in header)
    assert b"<w:ins " in parts["word/header1.xml"]
    spans = anchors(etree.fromstring(parts["word/document.xml"]))
    for a in summary.annotations:
        if a.part == "word/document.xml" and a.fixed:
            assert spans[str(a.comment_id)] == {"now": a.finding.suggestions[0], "deleted": a.finding.text}
    # the inserted run carries the formatting of the first deleted character
    root = etree.fromstring(parts["word/document.xml"])
    def fmt(run):
        rpr = run.find(w("rPr"))
        return b"" if rpr is None else etree.tostring(rpr, method="c14n")

    for ins in root.iter(w("ins")):
        deleted = ins.getprevious()
        assert deleted.tag == w("del") and fmt(ins[0]) == fmt(deleted[0])
    [ins] = [i for i in root.iter(w("ins")) if i[0].find(w("t")).text == "无精打采"]
    assert [r.find(w("delText")).text for r in ins.getprevious()] == ["没", "精打", "彩"]  # three formats
    assert len({fmt(r) for r in ins.getprevious()}) == 3
    for el in root.iter(w("ins"), w("del")):
        assert el.get(w("author")) == "errcheck" and el.get(w("date")) == "2026-01-02T03:04:05Z"
    # every annotation id in the package is unique
    assert b"<w:ins " in parts["word/footnotes.xml"] and b"commentRangeStart" not in parts["word/footnotes.xml"]
    ids = [el.get(w("id")) for name in ("word/document.xml", "word/footnotes.xml", "word/header1.xml")
           for el in etree.fromstring(parts[name]).iter(w("ins"), w("del"), w("commentRangeStart"))]
    assert len(ids) == len(set(ids))


def test_text_boxes_and_existing_revisions(checker):
    """A text box is read once (its VML fallback copy is skipped) and gets no comment of
    its own; text already deleted by a tracked change is not text; text already inserted
    by one gets a comment but no second tracked change."""
    ns = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:v="urn:schemas-microsoft-com:vml" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"')
    box = '<w:txbxContent><w:p><w:r><w:t>推进京津翼协同</w:t></w:r></w:p></w:txbxContent>'
    d = docx.Document()
    d.add_paragraph("第一段。")
    p = d.add_paragraph("文本框：")
    p._p.append(parse_xml(f'<w:r {ns}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>{box}</w:drawing>'
                          f'</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict>'
                          '</mc:Fallback></mc:AlternateContent></w:r>'))
    p = d.add_paragraph("修订：")
    p._p.append(parse_xml(f'<w:del {ns} w:id="90" w:author="甲" w:date="2025-01-01T00:00:00Z"><w:r><w:delText>京津翼'
                          '</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:ins {ns} w:id="91" w:author="乙" w:date="2025-01-01T00:00:00Z"><w:r><w:t>没精打彩</w:t>'
                          '</w:r></w:ins>'))
    data = _save(d)
    out, summary = annotate_docx(data, checker, track_changes=True)
    assert [(a.place, a.finding.text, a.comment_id is not None, a.fixed) for a in summary.annotations] == [
        ("正文中的文本框", "京津翼", False, True), ("正文", "没精打彩", True, False)]
    assert summary.parts[0].text == "第一段。\n文本框：\ufffc\n推进京津翼协同\n修订：没精打彩"
    root = etree.fromstring(_parts(out)["word/document.xml"])
    # the fix is made in the text box's DrawingML copy only; the old revisions are untouched
    assert [e.get(w("author")) for e in root.iter(w("del"))] == ["errcheck", "甲"]
    assert [e.get(w("author")) for e in root.iter(w("ins"))] == ["errcheck", "乙"]
    fallback = root.find(".//{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback")
    assert "".join(t.text for t in fallback.iter(w("t"))) == "推进京津翼协同"
    text = _comments(_parts(out))[str(summary.summary_comment_id)]
    assert "正文中的文本框：「京津翼」" in text
    ids = [e.get(w("id")) for e in root.iter(w("ins"), w("del"), w("commentRangeStart"))]
    assert len(ids) == len(set(ids)) and min(int(i) for i in ids if i not in ("90", "91")) > 91


# -- property: any run layout ---------------------------------------------------------------------

PIECES = ["他一整天都没精打彩的。", "推进京津翼协同发展，", "学习党的二十精神。", "天气很好，", "我们开会讨论。",
          "中华人名共和国", "截止目前已整改。"]


@st.composite
def layouts(draw):
    text = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=5)))
    cuts = sorted(set(draw(st.lists(st.integers(1, len(text) - 1), max_size=12)))) if len(text) > 1 else []
    bounds = [0] + cuts + [len(text)]
    fmts = draw(st.lists(st.sampled_from(["", "b", "i", "bi", "u"]), min_size=len(bounds) - 1,
                         max_size=len(bounds) - 1))
    return text, [(text[a:b], f) for a, b, f in zip(bounds, bounds[1:], fmts)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layouts(), st.booleans())
def test_comments_anchor_exactly_whatever_the_runs(checker, layout, track):
    text, pieces = layout
    d = docx.Document()
    _runs(d.add_paragraph(), pieces)
    data = _save(d)
    out, summary = annotate_docx(data, checker, track_changes=track)
    report = checker.check(text)
    assert [a.finding for a in summary.annotations] == list(report.findings)
    root = etree.fromstring(_parts(out)["word/document.xml"])
    original = etree.fromstring(_parts(data)["word/document.xml"])
    spans = anchors(root)
    for a in summary.annotations:
        f = a.finding
        if a.fixed:
            assert spans[str(a.comment_id)] == {"now": f.suggestions[0], "deleted": f.text}
        else:
            assert spans[str(a.comment_id)] == {"now": f.text, "deleted": ""}
    assert track or summary.fixed == 0
    ids = {str(a.comment_id) for a in summary.annotations}
    accepted, rejected = copy.deepcopy(root), copy.deepcopy(root)
    accept_all(accepted)
    reject_all(rejected)
    assert body_text(accepted) == (report.fix(text) if track else text)
    strip_comments(rejected, ids)
    assert char_formats(rejected) == char_formats(original)
    assert skeleton(rejected) == skeleton(original)


# -- bad input ------------------------------------------------------------------------------------

def test_unreadable_and_oversized_files_are_rejected(checker):
    with pytest.raises(DocxRejected) as exc:
        annotate_docx(b"not a zip", checker)
    assert not exc.value.too_large
    with pytest.raises(DocxRejected) as exc:
        annotate_docx(bomb_docx(200 * 1024 * 1024), checker)
    assert exc.value.too_large
    with pytest.raises(DocxRejected, match="exceeds 10 characters"):
        annotate_docx(plain_docx("推进京津翼协同发展的工作"), checker, limits=DocxLimits(max_chars=10))
    broken = _parts(plain_docx("京津翼"))
    broken["word/document.xml"] = b"<w:document"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, blob in broken.items():
            zf.writestr(name, blob)
    with pytest.raises(DocxRejected, match="word/document.xml") as exc:
        annotate_docx(buf.getvalue(), checker)
    assert not exc.value.too_large


# -- .html and .txt ------------------------------------------------------------------------------

def test_html_marks_findings_and_keeps_the_rest(checker):
    source = ("<html><head><title>t</title></head><body><p>他一整天都<b>没精</b>打彩的。</p>"
              "<p>推进京津&#32764;协同&amp;发展</p></body></html>")
    out, report, marked = annotate_html(source, checker, track_changes=True)
    assert [f.text for f in report.findings] == ["没精打彩", "京津翼"]
    assert marked == 1  # 没精打彩 crosses </b>: reported, not wrapped
    assert ('<mark class="errcheck serious" data-code="FP0001"' in out
            and '<del class="errcheck">京津&#32764;</del><ins class="errcheck">京津冀</ins></mark>' in out)
    unmarked = out.replace('<del class="errcheck">京津&#32764;</del><ins class="errcheck">京津冀</ins>', "京津&#32764;")
    start = unmarked.index("<mark")
    unmarked = unmarked[:start] + unmarked[unmarked.index(">", start) + 1:]
    assert unmarked.replace("</mark>", "").replace(__import__("errcheck.annotate").annotate.STYLE, "") == source


def test_text_copy_with_report(checker):
    text = "他一整天都没精打彩的。\n推进京津翼协同发展。"
    out, report = annotate_text(text, checker, track_changes=True, name="a.txt")
    body, _, listing = out.partition("\n---- errcheck: ")
    assert body == report.fix(text) == "他一整天都无精打采的。\n推进京津冀协同发展。"
    assert "a.txt:2:3: FP0001 [serious] 「京津翼」 → 京津冀" in listing
    out, _ = annotate_text(text, report)
    assert out.startswith(text + "\n---- errcheck: 2 findings")


# -- the command ----------------------------------------------------------------------------------

def test_cli_annotate_docx(tmp_path, rich, capsys):
    src = tmp_path / "稿件.docx"
    src.write_bytes(rich)
    assert main(["annotate", str(src), "--fix"]) == 1  # serious findings
    out = tmp_path / "稿件.checked.docx"
    err = capsys.readouterr().err
    assert "tracked changes" in err and "word/header1.xml:1: PT0299" in err and "listed in the summary comment" in err
    assert b"<w:ins " in _parts(out.read_bytes())["word/document.xml"]
    assert main(["annotate", str(src), "-o", str(tmp_path / "x.docx"), "--min-severity", "serious",
                 "--fail-on", "serious", "--category", "typo"]) == 0
    clean = tmp_path / "clean.txt"
    clean.write_text("今天天气很好。", encoding="utf-8")
    assert main(["annotate", str(clean)]) == 0
    assert (tmp_path / "clean.checked.txt").read_text(encoding="utf-8").startswith("今天天气很好。\n---- errcheck: 0")


def test_cli_annotate_errors(tmp_path, capsys):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    assert main(["annotate", str(bad)]) == 2
    assert "not a readable .docx file" in capsys.readouterr().err
    assert not (tmp_path / "bad.checked.docx").exists()
    assert main(["annotate", str(tmp_path / "missing.docx")]) == 2
    gbk = tmp_path / "a.txt"
    gbk.write_bytes("京津翼".encode("gbk"))
    assert main(["annotate", str(gbk)]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert main(["annotate", str(gbk), "-o", str(gbk)]) == 2
