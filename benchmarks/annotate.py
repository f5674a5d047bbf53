"""Time `errcheck.annotate.annotate_docx` on a generated 20-page 公文 draft.

    python benchmarks/annotate.py [--pages 20] [--rounds 5] [--keep out.docx] [--json out.json]

The draft is built with python-docx from the real sentences of a government work report
(benchmarks/data/clean/gov_work_report_2019.txt), ~620 characters a page (a 公文 page holds
22 lines of 28 characters), each paragraph cut into runs of random bold/italic formatting
at random points, one table per page, a header and a footer; every third paragraph gets
one of the seed errors of examples/draft.txt. Reported (median of ``--rounds``): the
seconds to check the text alone (`Checker.check` of the same paragraphs, what any
front-end pays) and to annotate with comments and with tracked changes, the number of
findings, comments and tracked changes, and the sizes in and out.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "data" / "clean" / "gov_work_report_2019.txt"
SEEDS = ["深入推进京津翼协同发展", "截止目前已完成年度任务", "认真学习贯彻党的二十精神", "坚持历行节约、反对浪费",
         "促进各名族共同团结奋斗", "他们一整天都没精打彩"]
PAGE_CHARS = 22 * 28


def build(pages: int, seed: int = 7) -> tuple[bytes, int]:
    import docx

    rng = random.Random(seed)
    sentences = [s.strip() for s in SOURCE.read_text(encoding="utf-8").splitlines() if len(s.strip()) > 10]
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "某某县人民政府办公室文件"
    d.sections[0].footer.paragraphs[0].text = "— 内部资料 注意保存 —"
    chars, n, i = 0, 0, 0
    for page in range(pages):
        d.add_paragraph(f"{page + 1}．工作情况", style="Heading 2")
        target = (page + 1) * PAGE_CHARS
        while chars < target:
            text = sentences[i % len(sentences)]
            i += 1
            if n % 3 == 0:
                cut = rng.randrange(len(text))
                text = text[:cut] + "，" + rng.choice(SEEDS) + "，" + text[cut:]
            n += 1
            p = d.add_paragraph()
            cuts = sorted(rng.sample(range(1, len(text)), min(4, len(text) - 1)))
            for a, b in zip([0] + cuts, cuts + [len(text)]):
                run = p.add_run(text[a:b])
                run.bold = rng.random() < 0.2 or None
                run.italic = rng.random() < 0.1 or None
            chars += len(text)
        table = d.add_table(rows=2, cols=3)
        for c, label in enumerate(("事项", "责任单位", "完成时限")):
            table.cell(0, c).text = label
        table.cell(1, 0).text = rng.choice(SEEDS)
        table.cell(1, 1).text = "县自热资源和规划局"
        table.cell(1, 2).text = "年底前"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue(), chars


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", metavar="OUT.docx", help="also write the annotated draft (tracked changes)")
    parser.add_argument("--json", metavar="OUT.json")
    args = parser.parse_args()

    import errcheck
    from errcheck.annotate import annotate_docx
    from errcheck.docx_safety import docx_paragraphs

    data, chars = build(args.pages)
    checker = errcheck.Checker()
    checker.load()
    text = "\n".join(docx_paragraphs(data))

    def timed(fn):
        times = []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t0)
        return statistics.median(times), result

    check_s, report = timed(lambda: checker.check(text))
    comments_s, (plain, summary) = timed(lambda: annotate_docx(data, checker))
    tracked_s, (tracked, tsummary) = timed(lambda: annotate_docx(data, checker, track_changes=True))
    if args.keep:
        Path(args.keep).write_bytes(tracked)
    result = {
        "pages": args.pages,
        "characters": chars,
        "docx_bytes": len(data),
        "findings": len(summary.annotations),
        "findings_checking_the_text": len(report.findings),
        "comments": summary.commented,
        "tracked_changes": tsummary.fixed,
        "check_text_s": round(check_s, 4),
        "annotate_comments_s": round(comments_s, 4),
        "annotate_tracked_changes_s": round(tracked_s, 4),
        "out_bytes": len(plain),
        "out_tracked_bytes": len(tracked),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
