"""errcheck.dates: the date of a document inferred from its path, meta tags and text."""

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from errcheck.dates import (DATE_SOURCES, MIN_DATE, date_from_document_number, date_from_meta, date_from_path,
                            date_from_text_lines, infer_date, parse_date)

TODAY = dt.date(2024, 6, 30)
D = dt.date

NOTICE = """关于做好2024年防汛工作的通知
京政办发〔2023〕12号

各区人民政府：
　　根据《国务院办公厅关于加强防汛工作的通知》（国办发〔2021〕8号），现就有关事项通知如下。
　　一、2022年5月6日以来的工作……

北京市人民政府办公厅
二〇二三年五月六日
（此件公开发布）
"""


@pytest.mark.parametrize("value, expected", [
    ("2023-05-06", D(2023, 5, 6)),
    ("2023/5/6 10:00", D(2023, 5, 6)),
    ("2023.05.06", D(2023, 5, 6)),
    ("2023-05-06T10:00:00+08:00", D(2023, 5, 6)),
    ("2023年5月6日", D(2023, 5, 6)),
    ("2023 年 05 月 06 日", D(2023, 5, 6)),
    ("二〇二三年五月六日", D(2023, 5, 6)),
    ("二○二三年十二月三十一日", D(2023, 12, 31)),  # ○ (white circle) as zero, as typed in many documents
    ("二〇二〇年十月二十日", D(2020, 10, 20)),
    ("２０２３年５月６日", D(2023, 5, 6)),  # full-width digits
    ("20230506", D(2023, 5, 6)),
    ("2023-02-30", None),  # no such day
    ("二〇二三年十三月一日", None),
    ("二〇二三年二月三十日", None),
    ("二〇二三年五月十十日", None),
    ("2025-01-01", None),  # after "today": a misreading
    ("1900-01-01", None),  # before MIN_DATE
    ("yesterday", None),
    ("", None),
])
def test_parse_date(value, expected):
    assert parse_date(value, today=TODAY) == expected


def test_a_notice_is_dated_by_its_signature_line_not_by_numbers_or_dates_it_cites():
    found = infer_date(NOTICE, today=TODAY)
    assert (found.date, found.source, found.evidence) == (D(2023, 5, 6), "date-line", "二〇二三年五月六日")


def test_the_last_standalone_date_line_wins_and_a_labelled_line_beats_it():
    text = "会议纪要\n2023年1月2日\n正文……\n2023年3月4日\n"
    assert date_from_text_lines(text, today=TODAY)[0] == D(2023, 3, 4)
    assert date_from_text_lines("成文日期：2022-07-08\n正文\n2023年3月4日", today=TODAY)[0] == D(2022, 7, 8)
    assert date_from_text_lines("【发布时间】 2021-01-02 08:30\n", today=TODAY)[0] == D(2021, 1, 2)
    assert date_from_text_lines("　　（2020年10月1日）　\n", today=TODAY)[0] == D(2020, 10, 1)
    # a date inside a sentence is an event, not the document's date
    assert date_from_text_lines("2023年5月6日，县长主持召开会议。", today=TODAY) is None


@pytest.mark.parametrize("text, expected, evidence", [
    ("京政发〔2023〕12号\n正文", D(2023, 1, 1), "京政发〔2023〕12号"),
    ("某政办发[2019]5号\n", D(2019, 1, 1), "某政办发[2019]5号"),
    ("某府函［2020］第8号\n", D(2020, 1, 1), "某府函［2020］第8号"),
    ("京政发（2018）1号\n", D(2018, 1, 1), "京政发（2018）1号"),
    # the number alone on a line is the document's own, though it cites a later one
    ("县政发〔2016〕3号\n根据市政发〔2019〕2号文件……", D(2016, 1, 1), "县政发〔2016〕3号"),
    # no number of its own: the latest cited year is a lower bound
    ("根据国发〔2015〕12号和国办发〔2019〕3号文件精神", D(2019, 1, 1), "〔2019〕3号"),
    ("〔2023〕12号", None, None),  # no issuer before the bracket
    ("全县共有〔2023〕户", None, None),  # not a number
    ("京政发〔2099〕1号\n", None, None),  # in the future
])
def test_document_numbers(text, expected, evidence):
    found = date_from_document_number(text, today=TODAY)
    assert (found and found[0], found and found[1]) == ((expected, evidence) if expected else (None, None))


@pytest.mark.parametrize("meta, expected", [
    ({"PubDate": "2017-01-01 12:00"}, D(2017, 1, 1)),  # government website guidelines
    ({"article:published_time": "2019-03-04T08:00:00+08:00"}, D(2019, 3, 4)),
    ({"publishdate": "2020-02-03"}, D(2020, 2, 3)),
    ({"PublishDate": "2020年2月3日"}, D(2020, 2, 3)),
    ({"keywords": "2020-02-03", "description": "x"}, None),  # not a date meta
    ({"pubdate": "soon", "publishdate": "2021-01-01"}, D(2021, 1, 1)),  # an unreadable one is skipped
    ({"pubdate": "2021-01-01", "article:published_time": "2019-01-01"}, D(2021, 1, 1)),  # PubDate first
])
def test_meta_dates(meta, expected):
    found = date_from_meta(meta, today=TODAY)
    assert (found[0] if found else None) == expected


@pytest.mark.parametrize("path, expected", [
    ("site/zwgk/202305/t20230506_1234567.html", D(2023, 5, 6)),  # TRS
    ("www.example.gov.cn/art/2021/3/4/art_1229_55.html", D(2021, 3, 4)),  # Hanweb
    ("archive/2022/07/08/notice.html", D(2022, 7, 8)),
    ("archive/2022-07-08/notice.html", D(2022, 7, 8)),
    ("archive/2022-07-08_notice.txt", D(2022, 7, 8)),
    ("archive/20220708/notice.html", D(2022, 7, 8)),
    ("archive/site/12345678.html", None),  # an id, not a date
    ("archive/2022/notice.html", None),  # a year folder is not a day
    ("archive/t20221350_1.html", None),  # month 13
])
def test_path_dates(path, expected):
    found = date_from_path(path, today=TODAY)
    assert (found[0] if found else None) == expected


def test_precedence_given_path_meta_line_number():
    text = "县政发〔2016〕3号\n正文\n2019年5月6日\n"
    meta = {"pubdate": "2020-01-02"}
    path = "a/t20210304_1.html"
    assert infer_date(text, given="2015-01-01", meta=meta, path=path, today=TODAY).source == "given"
    assert infer_date(text, given=dt.date(2015, 1, 1), today=TODAY).date == D(2015, 1, 1)
    assert (infer_date(text, meta=meta, path=path, today=TODAY).date, "path") == (D(2021, 3, 4), "path")
    assert infer_date(text, meta=meta, path="a/b.html", today=TODAY).source == "html-meta"
    assert infer_date(text, meta={}, today=TODAY).source == "date-line"
    assert infer_date("县政发〔2016〕3号\n正文", today=TODAY).source == "document-number"
    none = infer_date("正文", today=TODAY)
    assert (none.date, none.source, none.iso) == (None, "none", None)
    # an unreadable given value is not a date: inferred instead
    assert infer_date(text, given="yesterday", today=TODAY).source == "date-line"


_pieces = st.sampled_from([
    "〔", "〕", "[", "]", "（", "）", "号", "第", "年", "月", "日", "〇", "○", "十", "二", "三", "九", "\n", "　", "：",
    "成文日期", "发布时间", "县政发", "2023", "1949", "0000", "9999", "13", "31", "-", "/", ".", "T", ":",
])
_texts = st.one_of(st.text(max_size=200), st.lists(st.one_of(_pieces, st.text(max_size=3)), max_size=40).map("".join))


@settings(max_examples=400, deadline=None)
@given(text=_texts, meta=st.dictionaries(st.sampled_from(["pubdate", "PubDate", "article:published_time", "x"]),
                                         _texts, max_size=3),
       path=st.one_of(st.none(), _texts), today=st.dates(min_value=D(1950, 1, 1), max_value=D(2100, 1, 1)))
def test_inference_never_raises_and_stays_in_range(text, meta, path, today):
    found = infer_date(text, meta=meta, path=path, today=today)
    assert found.source in DATE_SOURCES and found.source != "given"
    assert (found.date is None) == (found.source == "none")
    if found.date is not None:
        assert MIN_DATE <= found.date <= today
        assert found.evidence  # says what it was read from


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), st.integers(), st.none(), st.binary(max_size=10)))
def test_parse_date_never_raises(value):
    d = parse_date(value, today=TODAY)
    assert d is None or MIN_DATE <= d <= TODAY


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=MIN_DATE, max_value=TODAY))
def test_every_written_form_of_a_date_reads_back(day):
    zh_digits = "〇一二三四五六七八九"

    def zh_small(n):
        return ("" if n < 20 else zh_digits[n // 10]) + ("十" if n >= 10 else "") + (zh_digits[n % 10] if n % 10 else "") \
            if n >= 10 else zh_digits[n]

    forms = [day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day.year}年{day.month}月{day.day}日",
             "".join(zh_digits[int(c)] for c in str(day.year)) + f"年{zh_small(day.month)}月{zh_small(day.day)}日"]
    for form in forms:
        assert parse_date(form, today=TODAY) == day, form
        assert infer_date(f"正文\n{form}\n", today=TODAY).date == day
