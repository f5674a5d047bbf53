"""Recall of approximate matching per slip type, on protected phrases in real prose.

    python benchmarks/approx_recall.py [--per-kind 300] [--seed 14] [--json out.json]

Every occurrence of a protected phrase (a term of ``dictionaries/protected/`` or a phrase
of ``dictionaries/approx/``) in the clean prose (``benchmarks/data/clean/`` and
``../shared/corpus/``) is a host: one random edit of one kind is applied to that
occurrence in its own sentence — any character replaced (not only homophones or
look-alikes), an interior character missing, a character inserted inside the phrase, two
neighbours swapped — and the sentence is checked as of its file's date. A slip counts as
found when a finding overlaps it with the phrase among its suggestions (from any family:
generated variants, curated pairs or approximate matching). Edits that yield another
protected phrase are skipped. Reported per kind and per phrase length (4-6, 7-9, 10+),
with the share found by the ``approx`` family, and a sample of the misses with the guard
that dropped them where there is one. ``--without-approx`` checks the same slips with the
family removed (the baseline: generated variants and curated pairs alone).

``--masked`` measures the thorough-mode entries instead (four-character idioms and set
phrases, ``masked: true``): every occurrence of one of their phrases in the clean prose
gets one character replaced by a random common character, the sentence is checked in
thorough mode, and the share found with the phrase as suggestion is reported per replaced
position, with the guards that dropped the rest.

These are injected slips: they measure the matching in real context, not coverage of
errors nobody protected (the labelled real-world cases do that, in quality.py).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import quality  # noqa: E402

import errcheck  # noqa: E402
from errcheck.families import approx  # noqa: E402

POOL = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研"
KINDS = ("substitution", "missing", "extra", "order")


def edit(phrase: str, kind: str, rnd: random.Random) -> str | None:
    n = len(phrase)
    if kind == "substitution":
        i = rnd.randrange(n)
        return phrase[:i] + rnd.choice([c for c in POOL if c != phrase[i]]) + phrase[i + 1 :]
    if kind == "missing":
        i = rnd.randrange(1, n - 1)
        return phrase[:i] + phrase[i + 1 :]
    if kind == "extra":
        i = rnd.randrange(1, n)
        return phrase[:i] + rnd.choice(POOL) + phrase[i:]
    i = rnd.randrange(n - 1)
    if phrase[i] == phrase[i + 1]:
        return None
    return phrase[:i] + phrase[i + 1] + phrase[i] + phrase[i + 2 :]


def band(n: int) -> str:
    return "4-6" if n <= 6 else "7-9" if n <= 9 else "10+"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-kind", type=int, default=300)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--without-approx", action="store_true",
                        help="check with the shipped dictionaries minus approx/ (the same slips: the baseline)")
    parser.add_argument("--masked", action="store_true",
                        help="the thorough-mode entries (four-character phrases, any one character replaced)")
    args = parser.parse_args(argv)
    if args.masked:
        return masked(args)
    reference = errcheck.Checker().load()  # the phrases and protected strings, with the family
    infos, _, protected, _ = approx._payload(reference)
    checker = errcheck.Checker()
    if args.without_approx:
        import shutil
        import tempfile

        from errcheck.resources import builtin_dictionaries

        copy = Path(tempfile.mkdtemp()) / "dictionaries"
        shutil.copytree(builtin_dictionaries(), copy)
        shutil.rmtree(copy / "approx")
        checker = errcheck.Checker(str(copy), builtin=False)
    compiled = reference
    phrases = sorted({info[1] for info in infos} | {r.params.term for r in compiled.rules if r.family == "terms"
                                                     and len(r.params.term) >= 4})
    from errcheck.matcher import build_matcher

    automaton = build_matcher(phrases)
    paths = sorted(quality.CLEAN_DIR.glob("*.txt")) + sorted(quality.CORPUS_DIR.glob("*.txt"))
    hosts = []
    for path in paths:
        as_of = quality.clean_as_of(path)
        for line in path.read_text(encoding="utf-8").splitlines():
            for s, e, i in automaton.find_all(line):
                hosts.append((line, s, e, phrases[i], as_of))
    rnd = random.Random(args.seed)
    tally = defaultdict(Counter)
    misses = defaultdict(list)
    for kind in KINDS:
        done = 0
        while done < args.per_kind:
            line, s, e, phrase, as_of = rnd.choice(hosts)
            if kind == "missing" and len(phrase) < 3:
                continue
            variant = edit(phrase, kind, rnd)
            if variant is None or variant in protected or variant == phrase:
                continue
            text = line[:s] + variant + line[e:]
            before = Counter(approx.FAMILY.dropped)
            findings = checker.check(text, as_of=as_of).findings
            end = s + len(variant)
            hit = [f for f in findings if f.start < end and s < f.end and phrase in f.suggestions]
            done += 1
            for key in (kind, f"{kind} {band(len(phrase))}"):
                tally[key]["slips"] += 1
                tally[key]["found"] += bool(hit)
                tally[key]["by approx"] += bool(hit) and any(f.kind.startswith("approx") for f in hit)
            if not hit:
                guard = Counter(approx.FAMILY.dropped) - before
                misses[kind].append(f"{variant} (for {phrase}): {', '.join(guard) or 'no anchor/other'}")
    rows = {k: {**v, "recall": round(v["found"] / v["slips"], 3)} for k, v in sorted(tally.items())}
    print("| slip | slips | found | recall | found by approx |\n|---|---|---|---|---|")
    for k, v in rows.items():
        print(f"| {k} | {v['slips']} | {v['found']} | {v['recall']:.3f} | {v['by approx']} |")
    for kind in KINDS:
        reasons = Counter(m.split(": ", 1)[1] for m in misses[kind])
        print(f"\n{kind}: misses by guard: {dict(reasons.most_common())}")
        for m in misses[kind][:8]:
            print("  ", m)
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "misses": misses}, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def masked(args) -> int:
    """``--masked``: random one-character slips of the masked entries' phrases in the
    clean prose, checked in thorough mode."""
    checker = errcheck.Checker()
    index = approx._masked_index(checker.load())
    if index is None:
        print("no masked entry in the rule set")
        return 1
    from errcheck.matcher import build_matcher

    phrases = sorted(index.phrases)
    automaton = build_matcher(phrases)
    hosts = []
    for path in sorted(quality.CLEAN_DIR.glob("*.txt")) + sorted(quality.CORPUS_DIR.glob("*.txt")):
        as_of = quality.clean_as_of(path)
        for line in path.read_text(encoding="utf-8").splitlines():
            hosts += [(line, s, phrases[i], as_of) for s, e, i in automaton.find_all(line)]
    rnd = random.Random(args.seed)
    tally: Counter = Counter()
    reasons: Counter = Counter()
    for _ in range(min(args.per_kind * 2, 10 * len(hosts))):
        line, s, phrase, as_of = rnd.choice(hosts)
        j = rnd.randrange(4)
        variant = phrase[:j] + rnd.choice([c for c in POOL if c != phrase[j]]) + phrase[j + 1:]
        if variant in index.phrases:
            continue
        text = line[:s] + variant + line[s + 4:]
        before = Counter(approx.FAMILY.dropped)
        findings = checker.check(text, as_of=as_of, mode="thorough").findings
        hit = [f for f in findings if f.start < s + 4 and s < f.end and phrase in f.suggestions]
        tally[f"position {j}", "slips"] += 1
        tally[f"position {j}", "found"] += bool(hit)
        tally["all", "slips"] += 1
        tally["all", "found"] += bool(hit)
        if not hit:
            dropped = [k for k in Counter(approx.FAMILY.dropped) - before if k.startswith("masked ")]
            reasons[", ".join(dropped) or "not confirmed by the model / other"] += 1
    print(f"{len(hosts)} occurrences of {len(phrases)} phrases in the clean prose")
    print("| replaced | slips | found | recall |\n|---|---|---|---|")
    for key in ["all"] + [f"position {j}" for j in range(4)]:
        n, f = tally[key, "slips"], tally[key, "found"]
        print(f"| {key} | {n} | {f} | {f / max(n, 1):.3f} |")
    print(f"\nmisses by guard: {dict(reasons.most_common())}")
    if args.json:
        args.json.write_text(json.dumps({"slips": tally["all", "slips"], "found": tally["all", "found"],
                                         "misses": dict(reasons)}, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
