"""errcheck.htmltext: the visible article text of HTML with a map back to source offsets
(used by the web service and the batch scanner)."""

import doctest
import random
from html import unescape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import errcheck
import errcheck.htmltext
from errcheck.htmltext import HtmlText, extract, meta_tags, page_title


def spans(html):
    doc = extract(html)
    return doc.text, [(f.text, html[slice(*doc.source_span(f.start, f.end))]) for f in errcheck.check(doc.text).findings]


def test_module_examples():
    assert doctest.testmod(errcheck.htmltext).failed == 0


# -- what is text ------------------------------------------------------------------------


def test_scripts_styles_comments_and_attributes_are_not_text():
    doc = extract(
        '<!DOCTYPE html><html><head><title>标题</title><style>b{}</style></head>'
        '<body><p class="京津翼">正文<script>if (a < b) { x = "名族"; }</script>结束</p>'
        "<!-- 注释 --><noscript>请启用脚本</noscript><template><p>模板</p></template></body></html>"
    )
    assert isinstance(doc, HtmlText)
    assert doc.text == "正文结束\n"  # the <title> is in <head>: not article text


def test_only_article_text_is_kept():
    html = """<html><head><title>名族</title><style>p{}</style><script>var a="京津翼"</script></head>
<body><header>京津翼</header><nav>名族</nav><div role="navigation">名族</div><noscript>名族</noscript>
<template><p>名族</p></template><p aria-hidden="true">名族</p><div hidden><div>名族</div>京津翼</div>
<main><h1>标题</h1><p>推进京津翼协同</p></main><footer>名族</footer></body></html>"""
    text, found = spans(html)
    assert text == "标题\n推进京津翼协同\n"
    assert found == [("京津翼", "京津翼")]


def test_head_without_end_tag_ends_at_the_first_body_element():
    # </head> (and <body>) are optional: the page must not be lost
    text, found = spans("<html><head><title>名族</title><meta charset=utf-8><p>推进京津翼协同</p>")
    assert text == "推进京津翼协同\n"
    assert found == [("京津翼", "京津翼")]
    assert extract("<head><title>a <b>名族</b></title><link rel=x><body>正文").text == "正文"
    assert extract("<head><noscript><img src=x></noscript><div>正文</div>").text == "正文\n"
    assert extract("<head><title>标题</title></head><body><p>正文</p></body>").text == "正文\n"


def test_nested_skipped_elements_and_void_tags():
    doc = extract("<nav><nav>a</nav>b<br>c</nav>d<header><img src=x>e</header>f")
    assert doc.text == "df"


def test_hidden_void_elements_do_not_start_skipping():
    assert extract("<p>甲<img hidden src=x>乙<input type=hidden>丙</p>").text == "甲乙丙\n"


# -- line structure ------------------------------------------------------------------------


def test_blocks_break_lines_and_cells_are_tab_separated():
    doc = extract("<div>甲<br>乙</div><ul><li>一</li><li>二</li></ul><table><tr><td>a</td><td>b</td></tr></table>x")
    assert doc.text == "甲\n乙\n一\n二\na\tb\nx"


def test_blocks_and_cells_do_not_run_together():
    text, _ = spans("<div>京津</div><div>翼</div><table><tr><td>名</td><td>族</td></tr></table>一<br>二")
    assert text == "京津\n翼\n名\t族\n一\n二"
    assert errcheck.check(text).findings == ()


def test_a_line_wrapped_between_chinese_characters_is_joined():
    html = "<p>名\n   族团结; keep\nthis</p>"
    text, found = spans(html)
    assert text == "名族团结; keep\nthis\n"
    assert found == [("名族", "名\n   族")]


# -- offsets -------------------------------------------------------------------------------


def test_character_references_map_to_the_whole_reference():
    src = "<p>A&amp;B &#x4eac;&#27941;&#32764; &unknown; &lt</p>"
    doc = extract(src)
    assert doc.text == "A&B 京津翼 &unknown; <\n"
    start = doc.text.index("京")
    s, e = doc.source_span(start, start + 3)
    assert src[s:e] == "&#x4eac;&#27941;&#32764;"
    amp = doc.text.index("&")
    assert src[slice(*doc.source_span(amp, amp + 1))] == "&amp;"
    unk = doc.text.index("&unknown;")
    assert src[slice(*doc.source_span(unk, unk + 9))] == "&unknown;"
    # an unknown reference is text as written: each character maps to itself
    assert [src[slice(*doc.source_span(i, i + 1))] for i in range(unk, unk + 9)] == list("&unknown;")

    html = "<p>推进京津&#32764;协同，&lt;名&#x65CF;&gt;&amp;</p>"
    doc = extract(html)
    assert doc.text == "推进京津翼协同，<名族>&\n"
    assert html[doc.source_offset(2):doc.source_offset(5, end=True)] == "京津&#32764;"
    assert html[slice(*doc.source_span(9, 11))] == "名&#x65CF;"
    assert html[slice(*doc.source_span(8, 9))] == "&lt;"


def test_offsets_with_multiline_source_and_astral_characters():
    src = "<p>\n  第一行😀\n</p>\n<p>京津翼</p>"
    doc = extract(src)
    i = doc.text.index("京津翼")
    s, e = doc.source_span(i, i + 3)
    assert src[s:e] == "京津翼" and s == src.index("京津翼")
    j = doc.text.index("😀")
    assert src[slice(*doc.source_span(j, j + 1))] == "😀"


def test_offsets_at_and_past_the_end():
    src = "<p>京津翼</p><footer>名族</footer>"
    doc = extract(src)
    assert doc.text == "京津翼\n"
    end = len(doc.text)
    # an empty span at the end sits after the last rendered piece (the </p> line break)
    assert doc.source_span(end, end) == (src.index("</p>"),) * 2
    assert doc.source_offset(end) == doc.source_offset(end, end=True) == doc.source_offset(end + 5)
    assert doc.source_offset(-3) == doc.source_offset(0) == src.index("京")


def test_empty_and_tag_only_documents():
    assert extract("").text == ""
    assert extract("").source_span(0, 0) == (0, 0)
    doc = extract("<p></p><br/>")
    assert doc.text == ""
    assert doc.source_span(0, 0) == (0, 0)


def test_unclosed_and_broken_markup_does_not_raise():
    for src in ["<p>未闭合<b>加粗", "a < b and c > d", "<scr", "<script>京津翼", "&", "&#", "<!--", "</p></div>文",
                "<nav>未闭合", "<head>", "&a.b; &ampx &#x41g"]:
        doc = extract(src)
        for i, ch in enumerate(doc.text):
            s, e = doc.source_span(i, i + 1)
            assert 0 <= s <= e <= len(src)


def test_offsets_map_back_for_random_pages():
    rng = random.Random(7)
    pieces = ["<p>", "</p>", "京", "津", "翼", "名", "族", "&amp;", "&#27665;", " ", "\n", "<nav>x</nav>", "<b>", "</b>"]
    for _ in range(300):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        doc = extract(html)
        text = doc.text
        for start in range(len(text) + 1):
            for end in range(start, min(len(text), start + 4) + 1):
                s, e = doc.source_span(start, end)
                assert 0 <= s <= e <= len(html)
                if end > start:
                    assert (s, e) == (doc.source_offset(start), doc.source_offset(end, end=True))
        for i, ch in enumerate(text):  # every visible character comes from its source span
            if ch not in "\n\t":
                raw = html[doc.source_offset(i):doc.source_offset(i + 1, end=True)]
                assert raw == ch or raw.startswith("&"), (html, i)


_pieces = st.lists(
    st.one_of(
        st.text(alphabet="京津翼名族截止目前 a<>&;#\n", max_size=8),
        st.sampled_from(["<p>", "</p>", "<br>", "<b>", "</b>", "&amp;", "&#20140;", "&nbsp;", "<script>x</script>",
                         "<!-- c -->", "<td>", "&lt;", "<nav>", "</nav>", "<head>", "<div hidden>", "</div>"]),
    ),
    max_size=20,
)


@settings(max_examples=150, deadline=None)
@given(_pieces)
def test_every_text_character_maps_back_to_its_source(pieces):
    src = "".join(pieces)
    doc = extract(src)
    for i, ch in enumerate(doc.text):
        s, e = doc.source_span(i, i + 1)
        assert 0 <= s <= e <= len(src)
        raw = src[s:e]
        if e > s:  # not an inserted line break: the source renders as this character
            assert raw == ch or unescape(raw) == ch or (raw.startswith("&") and ch in unescape(raw + ";"))
    # spans of longer ranges are monotonic and cover their characters
    if doc.text:
        s, e = doc.source_span(0, len(doc.text))
        assert s <= e


def test_rejects_bytes():
    with pytest.raises(TypeError):
        extract(b"<p>x</p>")


def test_meta_tags_by_name_property_and_itemprop():
    page = ('<head><META NAME="PubDate" content="2017-01-01 12:00"><meta property=article:published_time '
            "content='2017-01-02T08:00:00+08:00'><meta itemprop=\"datePublished\" content=\"2017-01-03\">"
            '<meta name="ArticleTitle" content="关于&amp;的通知"><meta name="pubdate" content="later">'
            '<meta charset="utf-8"><meta name="empty"></head>')
    assert meta_tags(page) == {"pubdate": "2017-01-01 12:00", "article:published_time": "2017-01-02T08:00:00+08:00",
                               "datepublished": "2017-01-03", "articletitle": "关于&的通知"}


@pytest.mark.parametrize("page, title", [
    ('<meta name="ArticleTitle" content="元数据标题"><title>标题_网站</title><h1>正文标题</h1>', "元数据标题"),
    ("<title>标题_网站</title><body><h1>正文<b>标题</b></h1>", "正文标题"),
    ("<title>标题_网站</title><body><header><h1>网站标志</h1></header><p>正文</p>", "标题_网站"),  # h1 not visible
    ("<title>\n  两行\n  标题 </title>", "两行 标题"),
    ("<p>无标题</p>", None),
])
def test_page_title(page, title):
    assert page_title(page, extract(page).text) == title


@settings(max_examples=150, deadline=None)
@given(_pieces)
def test_meta_tags_and_title_never_raise(pieces):
    src = "".join(pieces) + "<meta name=x content=y><title>t</title>"
    assert meta_tags(src)["x"] == "y"
    t = page_title(src, extract(src).text)
    assert t is None or len(t) <= 200
