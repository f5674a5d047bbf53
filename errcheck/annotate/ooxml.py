"""Annotate a .docx at the OOXML level: a Word comment (批注) on each finding and, on
request, the safe fixes as tracked changes (修订).

The document is read through the zip-bomb guard (`errcheck.docx_safety.verified_members`)
and parsed with lxml, which keeps namespace prefixes, unknown markup and attribute order,
so a part that is written back differs from the original only where markup was added.

Text model. Each paragraph's text is built from the ``w:t`` of its runs, with ``w:tab``
and ``w:ptab`` as a tab, ``w:br``/``w:cr`` as a line break, ``w:noBreakHyphen`` as a
hyphen, and symbols, pictures and note references as U+FFFC (so that words on either
side never run together). Deleted text (``w:del``, ``w:moveFrom``), field instructions,
ruby and math are not text. Each character maps back to (``w:t`` or atom element,
offset), and a finding's boundaries are made run boundaries by splitting the ``w:t`` and
its run (the new run gets a copy of the run's properties). A text box's paragraphs are
paragraphs of their own; the VML fallback copy of a text box is skipped.

Which parts. The main document gets comments. Word does not allow comments in headers
and footers, LibreOffice (7.4) refuses to open a .docx with a comment in a footnote or
endnote (Word allows those) and drops a comment inside a field result (a table of
contents, a document property: text Word computes; hyperlink fields are ordinary text).
Text boxes get none either (LibreOffice keeps them, Word was not verified). So the
findings of headers, footers, notes, field results and text boxes are listed in one summary
comment on the first paragraph of the body (and in the summary this module returns);
their safe fixes are still made as tracked changes where that is allowed (not in fields).

Tracked changes are made only for a ``safe`` finding (one curated correction) whose text
lies in one paragraph, outside fields, existing revisions and note references.
"""

from __future__ import annotations

import bisect
import copy
import datetime as _dt
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from ..docx_safety import DEFAULT_LIMITS, DocxLimits, DocxRejected, verified_members
from ..model import Finding, Report

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
COMMENTS_TYPE = RT + "comments"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
STRICT_W_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"

#: parts checked besides the main document, by relationship type: their kind
STORY_TYPES = {RT + "footnotes": "footnotes", RT + "endnotes": "endnotes", RT + "header": "header",
               RT + "footer": "footer"}


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


P, R, T, RPR, PPR = _w("p"), _w("r"), _w("t"), _w("rPr"), _w("pPr")
ATOMS = {_w("tab"): "\t", _w("ptab"): "\t", _w("br"): "\n", _w("cr"): "\n", _w("noBreakHyphen"): "-",
         _w("sym"): "\ufffc", _w("drawing"): "\ufffc", _w("pict"): "\ufffc", _w("object"): "\ufffc",
         f"{{{MC_NS}}}AlternateContent": "\ufffc", _w("footnoteReference"): "\ufffc",
         _w("endnoteReference"): "\ufffc"}
#: atoms that may be deleted by a tracked change along with the text around them
PLAIN_ATOMS = {_w("tab"), _w("ptab"), _w("br"), _w("cr"), _w("noBreakHyphen")}
#: subtrees of a paragraph that hold no current text (or hold properties only)
SKIP = {PPR, RPR, _w("sdtPr"), _w("sdtEndPr"), _w("del"), _w("moveFrom"), _w("customXmlPr"),
        f"{{{M_NS}}}oMath", f"{{{M_NS}}}oMathPara", P}
#: containers whose text must not be changed by a tracked change
NO_FIX = {_w("ins"), _w("moveTo"), _w("fldSimple")}
TXBX = _w("txbxContent")
FLDCHAR, INSTR, SIMPLE_FIELD = _w("fldChar"), _w("instrText"), _w("fldSimple")
#: run children that are not content: a run holding only these and text may be deleted
RUN_PROPS = {RPR, _w("lastRenderedPageBreak")}

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_blank_text=False)


class Unit:
    """A piece of a paragraph's text: a ``w:t`` (several characters) or an atom (one)."""

    __slots__ = ("elem", "start", "length", "fixable", "commentable")

    def __init__(self, elem, start: int, length: int, fixable: bool, commentable: bool = True) -> None:
        self.elem, self.start, self.length = elem, start, length
        #: may be replaced by a tracked change / may carry a comment anchor
        self.fixable, self.commentable = fixable, commentable

    @property
    def run(self):
        return self.elem.getparent()


class Paragraph:
    def __init__(self, elem) -> None:
        self.elem = elem
        self.units: list[Unit] = []
        self.text = ""
        #: a paragraph of a text box (``w:txbxContent``)
        self.in_textbox = any(a.tag == TXBX for a in elem.iterancestors())

    def unit_at(self, k: int) -> int:
        starts = [u.start for u in self.units]
        return bisect.bisect_right(starts, k) - 1

    def _split_t(self, i: int, offset: int) -> None:
        """Split unit ``i`` (a ``w:t``) so that a new unit starts ``offset`` into it."""
        u = self.units[i]
        t = u.elem
        text = t.text or ""
        tail = etree.Element(t.tag, attrib=dict(t.attrib))
        t.text, tail.text = text[:offset], text[offset:]
        for el in (t, tail):
            el.set(XML_SPACE, "preserve")
        t.addnext(tail)
        self.units.insert(i + 1, Unit(tail, u.start + offset, u.length - offset, u.fixable, u.commentable))
        u.length = offset

    def run_starting_at(self, k: int):
        """Make character ``k`` the first content of its run; return that run."""
        i = self.unit_at(k)
        if k > self.units[i].start:
            self._split_t(i, k - self.units[i].start)
            i += 1
        child = self.units[i].elem
        run = child.getparent()
        children = list(run)
        if all(c.tag == RPR for c in children[: children.index(child)]):
            return run
        new = _empty_run_like(run)
        for c in children[children.index(child):]:
            new.append(c)
        run.addnext(new)
        return new

    def run_ending_at(self, k: int):
        """Make character ``k`` the last content of its run; return that run."""
        i = self.unit_at(k)
        u = self.units[i]
        if k < u.start + u.length - 1:
            self._split_t(i, k + 1 - u.start)
        child = u.elem
        run = child.getparent()
        after = list(child.itersiblings())
        if after:
            new = _empty_run_like(run)
            for c in after:
                new.append(c)
            run.addnext(new)
        return run

    def units_in(self, start: int, end: int) -> list[Unit]:
        return [u for u in self.units if u.start < end and u.start + u.length > start]


def _empty_run_like(run):
    new = etree.Element(run.tag, attrib=dict(run.attrib))
    rpr = run.find(RPR)
    if rpr is not None:
        new.append(copy.deepcopy(rpr))
    return new


def _is_link(instruction: str) -> bool:
    return instruction.strip().upper().startswith("HYPERLINK")


class _FieldState:
    """Complex fields (``w:fldChar`` begin/separate/end) across a part: the text of a
    field result is text, its instruction is not; nested fields nest."""

    def __init__(self) -> None:
        self.stack: list[list] = []  # [state, instruction] per open field

    def update(self, fld) -> None:
        kind = fld.get(_w("fldCharType"))
        if kind == "begin":
            self.stack.append(["instr", ""])
        elif kind == "separate" and self.stack:
            self.stack[-1][0] = "result"
        elif kind == "end" and self.stack:
            self.stack.pop()

    def instruction(self, text: str) -> None:
        if self.stack:
            self.stack[-1][1] += text

    @property
    def in_instruction(self) -> bool:
        return bool(self.stack) and self.stack[-1][0] == "instr"

    @property
    def in_field(self) -> bool:
        return bool(self.stack)

    @property
    def in_generated(self) -> bool:
        """In the result of a field other than a hyperlink: text Word computes."""
        return any(not _is_link(instr) for _, instr in self.stack)


def _in_fallback(p) -> bool:
    return any(a.tag == f"{{{MC_NS}}}Fallback" for a in p.iterancestors())


def paragraphs_of(root) -> list[Paragraph]:
    """The paragraphs of a story part in document order, with their text and units."""
    fields = _FieldState()
    out = []
    for p in root.iter(P):
        if _in_fallback(p):
            continue
        para = Paragraph(p)
        pieces: list[str] = []
        pos = 0

        def walk(el, fixable: bool, generated: bool) -> None:
            nonlocal pos
            for child in el:
                tag = child.tag
                if not isinstance(tag, str) or tag in SKIP:
                    continue
                if tag == R:
                    for rc in child:
                        rtag = rc.tag
                        if rtag == FLDCHAR:
                            fields.update(rc)
                            continue
                        if fields.in_instruction:
                            if rtag == INSTR:
                                fields.instruction(rc.text or "")
                            continue
                        if rtag == T:
                            text = rc.text or ""
                            length = len(text)
                        elif rtag in ATOMS:
                            text, length = ATOMS[rtag], 1
                        else:
                            continue
                        if length:
                            ok = fixable and not fields.in_field and (rtag == T or rtag in PLAIN_ATOMS)
                            para.units.append(Unit(rc, pos, length, ok, not (generated or fields.in_generated)))
                            pieces.append(text)
                            pos += length
                elif tag == SIMPLE_FIELD:
                    walk(child, False, generated or not _is_link(child.get(_w("instr"), "")))
                else:
                    walk(child, fixable and tag not in NO_FIX, generated)

        walk(p, True, False)
        para.text = "".join(pieces)
        out.append(para)
    return out


@dataclass
class Annotation:
    """One finding placed in the document."""

    part: str  #: zip member name, e.g. ``word/document.xml``
    kind: str  #: ``document``, ``footnotes``, ``endnotes``, ``header`` or ``footer``
    finding: Finding  #: offsets into that part's text (`PartResult.text`)
    comment_id: int | None = None  #: the Word comment on it; None outside the main document
    fixed: bool = False  #: its safe fix was made as a tracked change
    paragraph: int = 0  #: index of the paragraph it starts in, within the part
    #: in the result of a field (a table of contents, a document property...): text Word
    #: computes, which gets no comment of its own (LibreOffice drops comments there)
    in_field: bool = False
    #: in a text box: no comment of its own either (LibreOffice keeps one there, but it
    #: was not verified with Word, which restricts comments outside the main text)
    in_textbox: bool = False

    @property
    def place(self) -> str:
        where = {"document": "正文", "header": "页眉", "footer": "页脚", "footnotes": "脚注", "endnotes": "尾注"}
        return where[self.kind] + ("中的域（自动生成的内容）" if self.in_field else "") + (
            "中的文本框" if self.in_textbox else "")


@dataclass
class PartResult:
    part: str
    kind: str
    text: str  #: the part's text: its paragraphs joined by newlines
    report: Report


@dataclass
class Summary:
    """What `annotate_docx` did."""

    parts: list[PartResult] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)
    #: id of the comment that lists the findings of headers and footers, if any
    summary_comment_id: int | None = None

    @property
    def findings(self) -> list[Finding]:
        return [a.finding for a in self.annotations]

    @property
    def commented(self) -> int:
        return sum(1 for a in self.annotations if a.comment_id is not None)

    @property
    def fixed(self) -> int:
        return sum(1 for a in self.annotations if a.fixed)

    @property
    def uncommented(self) -> list[Annotation]:
        """Findings without a comment of their own (headers, footers, notes): they are
        listed in the summary comment."""
        return [a for a in self.annotations if a.comment_id is None]


def _parse(blob: bytes, name: str):
    try:
        return etree.fromstring(blob, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise DocxRejected(f"not a readable .docx file: {name}: {exc}", too_large=False) from None


def _serialize(root, original: bytes) -> bytes:
    standalone = True if b'standalone="yes"' in original[:200] else None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=standalone)


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _resolve(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


_NUM = re.compile(r"-?\d+")


class _Annotator:
    def __init__(self, members, checker, *, track_changes, check_kwargs, author, date, limits) -> None:
        self.infos = [info for info, _ in members]
        self.blobs = {info.filename: blob for info, blob in members}
        self.changed: dict[str, bytes] = {}
        self.added: list[str] = []
        self.checker, self.track_changes, self.check_kwargs = checker, track_changes, check_kwargs
        self.author, self.limits = author, limits
        self.date = date.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.summary = Summary()
        self.chars = 0

    # -- package structure ---------------------------------------------------------------
    def main_part(self) -> str:
        rels = self.blobs.get("_rels/.rels")
        if rels is None:
            raise DocxRejected("not a readable .docx file: no _rels/.rels", too_large=False)
        for rel in _parse(rels, "_rels/.rels").iter(f"{{{REL_NS}}}Relationship"):
            if rel.get("Type", "").endswith("/officeDocument"):
                name = _resolve("", rel.get("Target", ""))
                if name in self.blobs:
                    return name
        raise DocxRejected("not a readable .docx file: it names no main document part", too_large=False)

    def run(self) -> tuple[bytes, Summary]:
        main = self.main_part()
        self.main = main
        self.rels_name = _rels_name(main)
        self.rels = _parse(self.blobs[self.rels_name], self.rels_name) if self.rels_name in self.blobs else None
        roots = {main: _parse(self.blobs[main], main)}
        if roots[main].tag != _w("document"):
            if roots[main].tag.startswith(f"{{{STRICT_W_NS}}}"):
                raise DocxRejected("Strict Open XML documents are not supported; save as a Word document (.docx)",
                                   too_large=False)
            raise DocxRejected(f"not a readable .docx file: {main} is not a WordprocessingML document",
                               too_large=False)
        stories = [(main, "document", True)]
        comments_part = None
        if self.rels is not None:
            for rel in self.rels.iter(f"{{{REL_NS}}}Relationship"):
                if rel.get("TargetMode") == "External":
                    continue
                name = _resolve(main, rel.get("Target", ""))
                if rel.get("Type") == COMMENTS_TYPE and name in self.blobs:
                    comments_part = name
                elif rel.get("Type") in STORY_TYPES and name in self.blobs:
                    kind = STORY_TYPES[rel.get("Type")]
                    stories.append((name, kind, False))
        order = {"document": 0, "footnotes": 1, "endnotes": 2, "header": 3, "footer": 4}
        stories.sort(key=lambda s: (order[s[1]], s[0]))
        for name, _, _ in stories:
            if name not in roots:
                roots[name] = _parse(self.blobs[name], name)
        self.comments_root = _parse(self.blobs[comments_part], comments_part) if comments_part else None
        self.comments_part = comments_part
        self.next_id = self._first_free_id(list(roots.values()) +
                                           ([self.comments_root] if self.comments_root is not None else []))
        self.new_comments = []
        touched = set()
        aside: list[Annotation] = []
        for name, kind, may_comment in stories:
            if self._annotate_story(name, kind, roots[name], may_comment, aside):
                touched.add(name)
        if aside:
            if self._summary_comment(roots[main], aside):
                touched.add(main)
        for name in touched:
            self.changed[name] = _serialize(roots[name], self.blobs[name])
        if self.new_comments:
            self._write_comments()
        return self._zip(), self.summary

    @staticmethod
    def _first_free_id(roots) -> int:
        top = -1
        wid = _w("id")
        for root in roots:
            for el in root.iter():
                value = el.get(wid) if isinstance(el.tag, str) else None
                if value is not None and _NUM.fullmatch(value):
                    top = max(top, int(value))
        return top + 1

    def _id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value

    # -- one story part -------------------------------------------------------------------
    def _annotate_story(self, name, kind, root, may_comment, aside) -> bool:
        paras = paragraphs_of(root)
        text = "\n".join(p.text for p in paras)
        self.chars += len(text)
        if self.chars > self.limits.max_chars:
            raise DocxRejected(f"the text of the .docx exceeds {self.limits.max_chars:,} characters")
        report = self.checker.check(text, **self.check_kwargs)
        self.summary.parts.append(PartResult(name, kind, text, report))
        bases, pos = [], 0
        for p in paras:
            bases.append(pos)
            pos += len(p.text) + 1
        changed = False
        # right to left: a split never moves the text of a finding still to be placed
        for f in sorted(report.findings, key=lambda f: f.start, reverse=True):
            located = self._locate(paras, bases, f)
            note = Annotation(name, kind, f, paragraph=located[0][0] if located else 0)
            self.summary.annotations.append(note)
            if located is None:
                aside.append(note)
                continue
            (pi, s), (pj, e) = located
            in_field = not all(u.commentable for k in range(pi, pj + 1)
                               for u in paras[k].units_in(s if k == pi else 0, e + 1 if k == pj else 1 << 30))
            note.in_field = in_field
            note.in_textbox = paras[pi].in_textbox or paras[pj].in_textbox
            commentable = may_comment and not in_field and not note.in_textbox
            fix = f.suggestions[0] if self.track_changes and f.safe and f.suggestions and pi == pj else None
            if not commentable and fix is None:
                aside.append(note)
                continue
            first, last = self._mark(paras[pi], s, paras[pj], e, fix, note)
            if commentable:
                note.comment_id = self._comment(first, last, self._comment_lines(f, note.fixed))
            else:
                aside.append(note)
            changed = changed or note.fixed or commentable
        self.summary.annotations.sort(key=lambda a: (a.part, a.finding.start))
        return changed

    @staticmethod
    def _locate(paras, bases, f):
        """((paragraph, first char), (paragraph, last char)) of a finding, skipping the
        newlines that join paragraphs; None when it covers no paragraph text."""
        start, end = f.start, f.end
        i = bisect.bisect_right(bases, start) - 1
        j = bisect.bisect_right(bases, end - 1) - 1
        s, e = start - bases[i], end - 1 - bases[j]
        if s >= len(paras[i].text):  # starts on a paragraph break
            i, s = i + 1, 0
        while e >= len(paras[j].text) or e < 0:  # ends on a break or an empty paragraph
            j -= 1
            if j < 0:
                return None
            e = len(paras[j].text) - 1
        if i >= len(paras) or (i, s) > (j, e):
            return None
        return (i, s), (j, e)

    def _mark(self, pa: Paragraph, s: int, pb: Paragraph, e: int, fix: str | None, note: Annotation):
        """Split runs so that the finding is whole runs; make its fix a tracked change
        when ``fix`` and possible. Returns the first and last element of the range."""
        pb.run_ending_at(e)
        pa.run_starting_at(s)
        first_run = pa.units[pa.unit_at(s)].run
        last_run = pb.units[pb.unit_at(e)].run
        if fix is None or pa is not pb:
            return first_run, last_run
        units = pa.units_in(s, e + 1)
        runs: list = []
        for u in units:
            if not runs or runs[-1] is not u.run:
                runs.append(u.run)
        all_runs = list(pa.elem.iter(R))
        span = all_runs[all_runs.index(runs[0]): all_runs.index(runs[-1]) + 1]
        elems = {u.elem for u in units}
        content_ok = all(c.tag in RUN_PROPS or c in elems for r in runs for c in r)
        if not (all(u.fixable for u in units) and len(span) == len(runs) and content_ok):
            return first_run, last_run
        rev = {_w("author"): self.author, _w("date"): self.date}
        groups = []
        for run in runs:
            if groups and groups[-1].getnext() is run:
                groups[-1].append(run)
            else:
                d = etree.Element(_w("del"), {_w("id"): str(self._id()), **rev})
                run.addprevious(d)
                d.append(run)
                groups.append(d)
            for t in run.iter(T):
                t.tag = _w("delText")
        last = groups[-1]
        if fix:
            ins = etree.Element(_w("ins"), {_w("id"): str(self._id()), **rev})
            new = _empty_run_like(runs[0])
            t = etree.SubElement(new, T)
            t.text = fix
            t.set(XML_SPACE, "preserve")
            ins.append(new)
            last.addnext(ins)
            last = ins
        note.fixed = True
        return groups[0], last

    # -- comments -------------------------------------------------------------------------
    @staticmethod
    def _comment_lines(f: Finding, fixed: bool) -> list[str]:
        lines = [f"{f.code} [{f.severity.label}] {f.message}"]
        if f.suggestions:
            lines.append("建议：" + " / ".join(f.suggestions))
        if fixed:
            lines.append(f"已按修订改为「{f.suggestions[0]}」，可接受或拒绝。")
        return lines

    def _comment(self, first, last, lines: list[str]) -> int:
        cid = self._id()
        start = etree.Element(_w("commentRangeStart"), {_w("id"): str(cid)})
        end = etree.Element(_w("commentRangeEnd"), {_w("id"): str(cid)})
        ref_run = etree.Element(R)
        etree.SubElement(ref_run, _w("commentReference"), {_w("id"): str(cid)})
        first.addprevious(start)
        last.addnext(end)
        end.addnext(ref_run)
        self.new_comments.append((cid, lines))
        return cid

    def _summary_comment(self, body_root, notes: list[Annotation]) -> bool:
        target = next((p for p in paragraphs_of(body_root) if p.text.strip()), None)
        lines = ["errcheck：页眉、页脚、脚注、尾注和域中的问题（这些位置不加批注）"]
        order = {"document": 0, "footnotes": 1, "endnotes": 2, "header": 3, "footer": 4}
        for a in sorted(notes, key=lambda a: (order[a.kind], a.part, a.finding.start)):
            f = a.finding
            fixed = f"（已按修订改为「{f.suggestions[0]}」）" if a.fixed else ""
            hint = " → " + " / ".join(f.suggestions) if f.suggestions else ""
            lines.append(f"{a.place}：「{f.text}」{hint} {f.code} [{f.severity.label}] {f.message}{fixed}")
        if target is None:
            return False
        p = target.elem
        cid = self._id()
        start = etree.Element(_w("commentRangeStart"), {_w("id"): str(cid)})
        ppr = p.find(PPR)
        if ppr is not None:
            ppr.addnext(start)
        else:
            p.insert(0, start)
        p.append(etree.Element(_w("commentRangeEnd"), {_w("id"): str(cid)}))
        ref_run = etree.SubElement(p, R)
        etree.SubElement(ref_run, _w("commentReference"), {_w("id"): str(cid)})
        self.new_comments.append((cid, lines))
        self.summary.summary_comment_id = cid
        return True

    def _write_comments(self) -> None:
        root = self.comments_root
        if root is None:
            root = etree.Element(_w("comments"), nsmap={"w": W_NS})
        for cid, lines in self.new_comments:
            c = etree.SubElement(root, _w("comment"), {_w("id"): str(cid), _w("author"): self.author,
                                                        _w("date"): self.date, _w("initials"): "EC"})
            for n, line in enumerate(lines):
                p = etree.SubElement(c, P)
                if n == 0:
                    r = etree.SubElement(p, R)
                    etree.SubElement(r, _w("annotationRef"))
                r = etree.SubElement(p, R)
                t = etree.SubElement(r, T)
                t.text = line
                t.set(XML_SPACE, "preserve")
        if self.comments_part is not None:
            self.changed[self.comments_part] = _serialize(root, self.blobs[self.comments_part])
            return
        name = posixpath.join(posixpath.dirname(self.main), "comments.xml")
        self.changed[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        self.added.append(name)
        self._add_relationship(name)
        self._add_content_type(name)

    def _add_relationship(self, name: str) -> None:
        if self.rels is None:
            self.rels = etree.Element(f"{{{REL_NS}}}Relationships", nsmap={None: REL_NS})
            self.added.append(self.rels_name)
        ids = {rel.get("Id") for rel in self.rels}
        n = 1
        while f"rId{n}" in ids:
            n += 1
        target = posixpath.relpath(name, posixpath.dirname(self.main) or ".")
        etree.SubElement(self.rels, f"{{{REL_NS}}}Relationship",
                         {"Id": f"rId{n}", "Type": COMMENTS_TYPE, "Target": target})
        original = self.blobs.get(self.rels_name, b'standalone="yes"')
        self.changed[self.rels_name] = _serialize(self.rels, original)

    def _add_content_type(self, name: str) -> None:
        ct_name = "[Content_Types].xml"
        if ct_name not in self.blobs:
            raise DocxRejected("not a readable .docx file: no [Content_Types].xml", too_large=False)
        root = _parse(self.blobs[ct_name], ct_name)
        etree.SubElement(root, f"{{{CT_NS}}}Override", {"PartName": "/" + name, "ContentType": COMMENTS_CT})
        self.changed[ct_name] = _serialize(root, self.blobs[ct_name])

    # -- the package ----------------------------------------------------------------------
    def _zip(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            for info in self.infos:
                if info.is_dir():
                    continue
                blob = self.changed.get(info.filename, self.blobs[info.filename])
                zf.writestr(_copy_info(info), blob)
            for name in self.added:
                info = zipfile.ZipInfo(name, date_time=_dt.datetime.now().timetuple()[:6])
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, self.changed[name])
        return out.getvalue()


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    new.compress_type = info.compress_type
    new.external_attr = info.external_attr
    new.create_system = info.create_system
    new.comment = info.comment
    new.extra = info.extra
    return new


def annotate_docx(data: bytes, checker, *, track_changes: bool = False, as_of=None, categories=None,
                  min_severity=None, mode=None, author: str = "errcheck", date: _dt.datetime | None = None,
                  limits: DocxLimits = DEFAULT_LIMITS) -> tuple[bytes, Summary]:
    """See `errcheck.annotate.annotate_docx`."""
    members = verified_members(data, limits)
    kwargs = {"as_of": as_of, "categories": categories, "min_severity": min_severity, "mode": mode}
    when = date or _dt.datetime.now(_dt.timezone.utc)
    annotator = _Annotator(members, checker, track_changes=track_changes,
                           check_kwargs={k: v for k, v in kwargs.items() if v is not None},
                           author=author, date=when, limits=limits)
    return annotator.run()
