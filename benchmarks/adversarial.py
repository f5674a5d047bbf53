"""Adversarial speed benchmark: the worst inputs we can build, against ordinary prose.

    python benchmarks/adversarial.py [--chars 20000] [--check] [--json out.json]

Every input is checked by `Checker.check` (HTML inputs: `errcheck.htmltext.extract`, then
the check) in this one run, next to ordinary prose (``speed.py``'s articles: 3,000
characters of the real sentences in ../shared/corpus with a seed error every ~1,500
characters; ordinary HTML is the corpus sentences in ``<p>`` elements). Reported per input: characters per second and its **ratio to the
ordinary rate** (the machines are noisy; the ratio is what is compared). Target: no input
below 1/20 of the ordinary rate; ``--check`` exits 1 when one is. A text dense with wrong
forms is judged up to the checker's bound on candidates per text (1,000 plus one per 50
characters; ``judged up to`` shows where the report says it stopped, ``truncated_at``).

The inputs (each about ``--chars`` characters; default 20,000, the service's
``ERRCHECK_INLINE_MAX_CHARS``):

* one wrong form repeated: 京津翼 (curated pair of a protected term), the generated
  variants of protected terms, everyday-word misspellings, a division under the wrong
  province; dense *distinct* wrong forms of every category;
* long runs of one character (Han, ASCII, a punctuation mark), and of one that starts
  many patterns;
* dense allow-phrases (著名族群 keeps 名族 quiet) and every allow-phrase in a row;
* text needing normalization: full-width letters, digits and punctuation, zero-width
  characters (also inside wrong forms), Kangxi radicals, curly quotes;
* pathological HTML: deep nesting, a character reference per character, thousands of
  attributes, lone ``<`` and ``&``, an unclosed comment, hidden blocks, tiny paragraphs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import errcheck  # noqa: E402
from errcheck.htmltext import extract  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
CLEAN = ROOT / "benchmarks" / "data" / "clean"
TARGET_RATIO = 1 / 20


def prose_sentences() -> list[str]:
    files = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
    if not files:
        files = sorted(CLEAN.glob("*.txt"))
    return [line.strip() for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


def ordinary_articles(total_chars: int) -> list[str]:
    """The articles of benchmarks/speed.py (same corpus, same seed errors)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from speed import make_articles

    return make_articles(total_chars)


def fill(unit: str | list[str], chars: int, sep: str = "") -> str:
    """``unit`` (or the units in turn) repeated to about ``chars`` characters."""
    units = [unit] if isinstance(unit, str) else list(unit)
    out, n = [], 0
    for u in itertools.cycle(units):
        if n >= chars:
            break
        out.append(u + sep)
        n += len(u) + len(sep)
    return "".join(out)


def family_forms(checker) -> dict[str, list[str]]:
    """Wrong forms by family, taken from the compiled rule set itself."""
    comp = checker.load()
    by: dict[str, list[str]] = {}
    allow: list[str] = []
    end = comp.compact_base
    for i in range(comp.fold_marks, end):
        pattern = comp.patterns[i]
        if not comp.targets[i]:
            if comp.allow[i]:
                allow.append(pattern)
            continue
        rule_i, _, kind, *_ = comp.targets[i][0]
        key = "variant" if kind != "listed" else comp.rules[rule_i].category
        by.setdefault(key, []).append(pattern)
    by["allow"] = allow
    rnd = random.Random(5)
    return {k: sorted(rnd.sample(v, min(len(v), 300))) for k, v in by.items()}


def everyday_misspellings(checker, want: int = 120, budget_s: float = 3.0) -> list[str]:
    """Misspellings of everyday words that the word-list family reports (generated with
    the same-tone homophones of `errcheck.services.confusables`, kept when the check finds them)."""
    from errcheck.services.confusables import Confusables

    comp = checker.load()
    conf = Confusables()
    forms = next((payload[0] for _, family, payload in comp.blocks if family == "words"), ())
    words = [w for w in forms if len(w) == 4][::37]
    found: list[str] = []
    deadline = time.perf_counter() + budget_s
    for w in words:
        for i, ch in enumerate(w):
            for c in sorted(conf.same_tone_homophones(ch))[:4]:
                v = w[:i] + c + w[i + 1:]
                if v != w and any(f.text == v and f.code.startswith("CW") for f in checker.check(v).findings):
                    found.append(v)
                    break
            if found and found[-1][:i] == w[:i] and len(found[-1]) == len(w) and found[-1] != w:
                break
        if len(found) >= want or time.perf_counter() > deadline:
            break
    return found or ["齐心协立"]


def text_inputs(checker, chars: int) -> dict[str, str]:
    forms = family_forms(checker)
    variants = forms.get("variant", [])
    cases = {
        "京津翼 repeated (curated pair of a protected term)": fill("京津翼", chars),
        "京津翼 + comma repeated": fill("京津翼，", chars),
        "one generated variant of a protected term repeated": fill(variants[0] if variants else "党的二十精神", chars),
        "generated variants of protected terms, distinct, in a row": fill(variants, chars),
        "everyday-word misspellings in a row": fill(everyday_misspellings(checker), chars),
        "division under the wrong province repeated": fill("湖北省张家界市", chars),
        "long run of one Han character (的)": "的" * chars,
        "long run of a character starting many patterns (京)": "京" * chars,
        "long run of ASCII (a)": "a" * chars,
        "long run of a full-width comma": "，" * chars,
        "dense allow-phrase (著名族群) repeated": fill("著名族群", chars),
        "every allow-phrase in a row": fill(forms.get("allow", ["著名族群"]), chars),
        "full-width letters, digits, punctuation": fill("ＡＢＣ１２３，。！？（）【】", chars),
        "zero-width characters inside wrong forms": fill("京\u200b津\u200c翼\ufeff", chars),
        "Kangxi radicals and compatibility forms": fill("⼈⺠⼤会㈠①", chars),
        "curly quotes (最后“一公里”) repeated": fill("最后“一公里”", chars),
    }
    for category in ("typo", "fixed-phrase", "sensitive", "outdated", "punctuation", "normative"):
        if forms.get(category):
            cases[f"dense distinct wrong forms: {category}"] = fill(forms[category], chars)
    return cases


def html_inputs(chars: int, prose: str) -> dict[str, str]:
    n = chars
    return {
        "HTML: deep nesting (<div> × N)": "<div>" * (n // 5) + "京津翼" + "</div>" * (n // 6),
        "HTML: a character reference per character": "&#20892;" * (n // 8),
        "HTML: named references (&amp;) only": "&amp;" * (n // 5),
        "HTML: lone < and & characters": "<&" * (n // 2),
        "HTML: thousands of attributes on one element": "<p " + " ".join(f"a{i}=x" for i in range(n // 6)) + ">京津翼</p>",
        "HTML: an unclosed comment before the text": "<!--" + prose[: n - 4],
        "HTML: hidden blocks (<p hidden>) repeated": fill("<p hidden>名族</p>", n),
        "HTML: one tiny paragraph per character": fill("<p>京</p>", n),
        "HTML: unclosed <script> swallowing the page": "<script>" + prose[: n - 8],
    }


def rate(fn, chars: int, min_seconds: float = 0.3, max_runs: int = 5) -> tuple[float, float]:
    """(best seconds per run, chars/s) over up to ``max_runs`` runs (one if it is slow)."""
    best, total, runs = float("inf"), 0.0, 0
    while runs < max_runs and (runs == 0 or total < min_seconds):
        began = time.perf_counter()
        fn()
        took = time.perf_counter() - began
        best, total, runs = min(best, took), total + took, runs + 1
    return best, chars / best


def run(chars: int, backend: str = "daachorse") -> dict:
    checker = errcheck.Checker(backend=backend)
    checker.load()
    articles = ordinary_articles(max(chars * 10, 200_000))
    prose_chars = sum(map(len, articles))
    for a in articles:  # warm the window segmenter, and the language model if a candidate needs context
        checker.check(a)
    _, ordinary = rate(lambda: [checker.check(a) for a in articles], prose_chars, max_runs=3)
    pool = prose_sentences()
    html_articles = ["".join(f"<p>{s}</p>\n" for s in a_sentences) for a_sentences in
                     (pool[i:i + 40] for i in range(0, min(len(pool), 2000), 40))]
    html_chars = sum(map(len, html_articles))
    _, ordinary_html = rate(lambda: [checker.check(extract(h).text) for h in html_articles], html_chars, max_runs=3)

    rows = []
    for name, text in text_inputs(checker, chars).items():
        seconds, speed = rate(lambda: checker.check(text), len(text))
        report = checker.check(text)
        rows.append({"input": name, "chars": len(text), "findings": len(report.findings),
                     "truncated_at": report.truncated_at,
                     "seconds": seconds, "chars_per_s": speed, "ratio": speed / ordinary, "baseline": "text"})
    for name, html in html_inputs(chars, "".join(articles)).items():
        seconds, speed = rate(lambda: checker.check(extract(html).text), len(html))
        rows.append({"input": name, "chars": len(html), "findings": len(checker.check(extract(html).text).findings),
                     "seconds": seconds, "chars_per_s": speed, "ratio": speed / ordinary_html, "baseline": "html"})
    return {"backend": backend, "chars": chars, "ordinary_chars_per_s": ordinary,
            "ordinary_html_chars_per_s": ordinary_html, "target_ratio": TARGET_RATIO, "rows": rows}


def table(result: dict) -> str:
    lines = [f"ordinary prose: {result['ordinary_chars_per_s']:,.0f} chars/s; ordinary HTML (extract + check): "
             f"{result['ordinary_html_chars_per_s']:,.0f} chars/s; target: every ratio ≥ 1/20",
             "",
             "| input | chars | findings | judged up to | seconds | chars/s | ratio to ordinary | ≥ 1/20 |",
             "|---|---|---|---|---|---|---|---|"]
    for r in result["rows"]:
        ratio = r["ratio"]
        shown = f"1/{1 / ratio:,.0f}" if ratio < 1 else f"{ratio:.2f}"
        judged = "all" if r.get("truncated_at") is None else f"{r['truncated_at']:,}"
        lines.append(f"| {r['input']} | {r['chars']:,} | {r['findings']:,} | {judged} | {r['seconds']:.4f} | "
                     f"{r['chars_per_s']:,.0f} | {shown} | {'yes' if ratio >= TARGET_RATIO else '**no**'} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chars", type=int, default=20_000, help="size of each adversarial input (default 20000)")
    parser.add_argument("--backend", default="daachorse", choices=["daachorse", "pyahocorasick"])
    parser.add_argument("--check", action="store_true", help="exit 1 if an input is below 1/20 of the ordinary rate")
    parser.add_argument("--json", type=Path, help="also write the result to this file")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    result = run(args.chars, args.backend)
    result["seconds"] = round(time.perf_counter() - began, 1)
    print(table(result))
    print(f"\n({result['seconds']} s)")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    slow = [r["input"] for r in result["rows"] if r["ratio"] < TARGET_RATIO]
    if args.check and slow:
        print(f"\n{len(slow)} input(s) below 1/20 of the ordinary rate: " + "; ".join(slow), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
