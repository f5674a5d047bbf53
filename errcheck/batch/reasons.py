"""The reason a file or record could not be used, in Chinese.

Sources, workers and the .docx guard state reasons in English (``not UTF-8 text
(invalid byte at offset 0)``); inspectors read Chinese. `zh` translates every reason this
package writes, keeping its details (numbers, names, paths), from one table: the store
keeps both (``errors.reason`` and ``errors.reason_zh``), and a store written before the
Chinese column existed is translated when it is opened. A reason no pattern knows gets a
generic Chinese lead with the English after it, so nothing is ever lost.
"""

from __future__ import annotations

import re

__all__ = ["zh", "bilingual", "FALLBACK"]

FALLBACK = "无法读取或解析"

#: operating-system messages (``strerror``) and fixed phrases
_PHRASES = {
    "permission denied": "没有读取权限",
    "no such file or directory": "文件不存在",
    "is a directory": "是目录",
    "not a directory": "路径中有一项不是目录",
    "input/output error": "输入/输出错误（磁盘或网络存储故障）",
    "too many open files": "打开的文件过多",
    "file name too long": "文件名过长",
    "operation not permitted": "操作不被允许",
    "stale file handle": "网络文件句柄已失效",
    "symbolic link loop": "符号链接循环",
    "dangling symbolic link": "符号链接指向的文件不存在",
    "not a regular file": "不是普通文件（如管道、设备）",
    "binary data (nul bytes), not text": "二进制数据（含 NUL 字节），不是文本",
    "file is not a zip file": "不是 zip 文件",
    "the pattern matches no file": "没有匹配的文件",
}

_SIZE = r"[\d.,]+ (?:MiB|bytes)"  # as errcheck.docx_safety writes sizes
_Q = r"'(?P<q>(?:[^'\\]|\\.)*)'|\"(?P<qq>(?:[^\"\\]|\\.)*)\""  # a repr()'d name


def _size(s: str) -> str:
    return s.replace(" bytes", " 字节")


def _name(m: re.Match) -> str:
    return m["q"] if m["q"] is not None else m["qq"]


def _rest(m: re.Match, key: str = "rest") -> str:
    """The translated remainder of a reason, or the English if unknown (no second lead)."""
    return (_translate(m[key]) or m[key]) if m[key] else ""


# (pattern over the whole English reason, Chinese) — the first that matches wins
_RULES: list[tuple[re.Pattern, object]] = []


def _rule(pattern: str):
    def register(fn):
        _RULES.append((re.compile(pattern, re.S | re.I), fn))
        return fn
    return register


_rule(r"cannot list directory(?:: (?P<rest>.*))?")(lambda m: "无法列出目录" + ("：" + _rest(m) if m["rest"] else ""))
_rule(r"cannot read(?:: (?P<rest>.*?))?(?P<skip>; rest of the file skipped)?")(
    lambda m: "无法读取" + ("：" + _rest(m) if m["rest"] else "") + ("；文件其余部分已跳过" if m["skip"] else ""))
_rule(r"not a regular file")(lambda m: _PHRASES["not a regular file"])
_rule(r"not an object but (?P<t>\w+)")(lambda m: f"不是 JSON 对象，而是 {m['t']}")
_rule(rf"no id field (?:{_Q})")(lambda m: f"缺少编号字段「{_name(m)}」")
_rule(rf"text field (?:{_Q}) missing")(lambda m: f"缺少正文字段「{_name(m)}」")
_rule(rf"text field (?:{_Q}) not a string but (?P<t>\w+)")(lambda m: f"正文字段「{_name(m)}」不是字符串，而是 {m['t']}")
_rule(rf"date field (?:{_Q}): not a date: (?P<v>.*)")(lambda m: f"日期字段「{_name(m)}」不是日期：{m['v']}")
_rule(r"line (?P<n>\d+): not UTF-8 \(invalid byte at (?P<at>\d+)\)")(
    lambda m: f"第 {m['n']} 行不是 UTF-8 编码（偏移 {m['at']} 处字节无效）")
_rule(r"line (?P<n>\d+): invalid JSON: (?P<rest>.*)")(lambda m: f"第 {m['n']} 行不是有效的 JSON：{m['rest']}")
_rule(r"line (?P<n>\d+): invalid CSV: (?P<rest>.*)")(lambda m: f"第 {m['n']} 行不是有效的 CSV：{m['rest']}")
_rule(r"CSV header lacks column\(s\) (?P<cols>.*)")(lambda m: f"CSV 表头缺少列 {m['cols']}")
_rule(r"not UTF-8 from line (?P<n>\d+) \(invalid byte\); rest of the file skipped")(
    lambda m: f"从第 {m['n']} 行起不是 UTF-8 编码（有无效字节）；文件其余部分已跳过")
_rule(r"not (?P<enc>[\w-]+) text \(invalid byte at offset (?P<at>\d+)\)")(
    lambda m: f"非 {m['enc'].upper()} 文本（偏移 {m['at']} 处字节无效）")
_rule(rf"unknown encoding (?:{_Q})")(lambda m: f"未知的编码「{_name(m)}」")
_rule(r"duplicate document id \(first at (?P<loc>.*)\)")(lambda m: f"文章编号重复（首次出现于 {m['loc']}）")
_rule(r"internal error: (?P<rest>.*)")(lambda m: f"内部错误（请报告）：{m['rest']}")
_rule(r"not a readable \.docx file: (?:zip member (?:{q}): )?(?P<rest>.*)".format(q=_Q))(
    lambda m: "不是可读取的 .docx 文件" + (f"（zip 成员「{_name(m)}」）" if m["q"] is not None or m["qq"] is not None
                                         else "") + "：" + _rest(m))
_rule(r"the \.docx holds (?P<n>[\d,]+) zip members \(at most (?P<max>[\d,]+)\)")(
    lambda m: f".docx 含 {m['n']} 个 zip 成员（最多 {m['max']} 个）")
_rule(rf"zip member (?:{_Q}) is encrypted")(lambda m: f"zip 成员「{_name(m)}」已加密")
_rule(rf"zip member (?:{_Q}) uses an unsupported compression \(method (?P<n>\d+)\)")(
    lambda m: f"zip 成员「{_name(m)}」使用不支持的压缩方式（{m['n']}）")
_rule(rf"zip member (?:{_Q}) inflates to (?P<size>{_SIZE}) \(at most (?P<max>{_SIZE}) per member\)")(
    lambda m: f"zip 成员「{_name(m)}」解压后 {_size(m['size'])}（每个成员最多 {_size(m['max'])}）")
_rule(rf"zip member (?:{_Q}) inflates (?P<n>[\d,]+) times \((?P<a>{_SIZE}) to (?P<b>{_SIZE}); "
      r"at most (?P<max>[\d,]+) times\): a zip bomb\?")(
    lambda m: f"zip 成员「{_name(m)}」解压后膨胀 {m['n']} 倍（{_size(m['a'])} → {_size(m['b'])}，最多 {m['max']} 倍）：疑似 zip 炸弹")
_rule(rf"the \.docx inflates to more than (?P<size>{_SIZE})")(lambda m: f".docx 解压后超过 {_size(m['size'])}")
_rule(r"the \.docx holds more than (?P<n>[\d,]+) XML elements")(lambda m: f".docx 含超过 {m['n']} 个 XML 元素")
_rule(r"the \.docx holds more than (?P<n>[\d,]+) paragraphs")(lambda m: f".docx 含超过 {m['n']} 个段落")
_rule(rf"zip member (?:{_Q}) holds more data than its header declares")(
    lambda m: f"zip 成员「{_name(m)}」的实际数据多于其头部声明")
_rule(r"the text of the \.docx exceeds (?P<n>[\d,]+) characters")(lambda m: f".docx 的文字超过 {m['n']} 个字符")
_rule(r"BadZipFile: (?P<rest>.*)")(lambda m: "zip 文件损坏：" + _rest(m))


def _translate(reason: str) -> str | None:
    phrase = _PHRASES.get(reason.strip().lower())
    if phrase:
        return phrase
    for pattern, fn in _RULES:
        m = pattern.fullmatch(reason.strip())
        if m:
            return fn(m)
    return None


def zh(reason: str) -> str:
    """The Chinese for an English reason (details kept); unknown ones keep the English
    after a generic Chinese lead."""
    reason = "" if reason is None else str(reason)
    found = _translate(reason)
    if found is not None:
        return found
    return f"{FALLBACK}：{reason}" if reason else FALLBACK


def bilingual(reason: str, reason_zh: str | None = None) -> str:
    """``中文 / English``, as one cell."""
    return f"{reason_zh or zh(reason)} / {reason}"
