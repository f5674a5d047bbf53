"""Build the injected labelled set: ONE error injected into each of many real clean sentences.

    python benchmarks/make_injected.py [--clean-dir benchmarks/data/clean] [--seed 20240521]
                                       [--out benchmarks/data/labelled/injected.jsonl]

Every source sentence is a line of a clean-prose file (``--clean-dir``, by default the
project's own ``benchmarks/data/clean/*.txt``; ``../shared/corpus`` works too). A sentence
is used at most once. The error is made with errcheck's own knowledge, never by a
re-implementation:

* ``listed`` (category from the rule: typo, fixed-phrase, normative, punctuation,
  sensitive): the right form of a dictionary pair occurs in the sentence and is replaced by
  a wrong form of the same rule;
* ``outdated``: a current agency name (the right form of an ``outdated`` rule) is replaced
  by its outdated name, and ``as_of`` is set to a day on which the rule is in force;
* ``homophone``, ``near-homophone``, ``shape``, ``missing``, ``extra``, ``order``,
  ``quote``: a protected term occurs in the sentence and is replaced by one of its variants
  of that kind, as `errcheck.families.terms.generate` makes them with the checker's own
  confusable tables (pinyin readings, ``dictionaries/confusables/shape*.tsv``). Variants
  that errcheck keeps are used, and also the ``real-word`` ones it deliberately drops
  (整治生态 for 政治生态: still an error, left to curated pairs), so the benchmark measures
  that blind spot instead of hiding it. Variants dropped because they may be legitimate
  prose (common words, plausible phrases, protected terms) are never injected.

A protected term is only replaced where the sentence's own word segmentation does not cut
across it, and the right form of a dictionary pair only where it is a whole word or
sequence of words (人民族群 does not contain 民族, 司法部门 does not contain 司法部); never
where an allow-phrase of the rule would make the result legitimate (原国家工商总局).

Kinds are balanced: candidates are grouped by kind (``listed`` split by category); the
groups take turns choosing one sentence each (scarce groups first in each round) until
each has ``--per-kind`` sentences or runs out; within a group the rules take turns, with
at most ``--per-rule`` sentences per rule. The output is deterministic for a
given seed, source files and rule set; each line records ``source`` as
``<clean file>:<line>; injected <kind> (<rule code> <right form>)``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import errcheck
from errcheck.services.confusables import Confusables, load_shape_table
from errcheck.matcher import build_matcher
from errcheck.families.terms import CLOSE_QUOTE, KINDS, OPEN_QUOTE, drop_reason, generate
from errcheck.services.segment import word_spans

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import ROOT, clean_as_of, display_path  # noqa: E402  (benchmarks/ is not a package)

DEFAULT_CLEAN = ROOT / "benchmarks" / "data" / "clean"
DEFAULT_OUT = ROOT / "benchmarks" / "data" / "labelled" / "injected.jsonl"
SEED = 20240521
#: the day outdated-name injections are judged on when the source file has no date of its own
OUTDATED_AS_OF = _dt.date(2025, 1, 1)
#: generated variants dropped for these reasons are still errors, so they are injected
INJECTABLE_DROPS = {None, "real-word"}
ASCII_QUOTE = '"'


@dataclass(frozen=True)
class Candidate:
    group: str  # balancing group: the kind, or listed/<category>
    kind: str
    rule_code: str
    sentence: int  # index into the source sentences
    start: int  # span of the source sentence that is replaced
    end: int
    right: str  # the correct text at [start, end)
    as_of: str | None


def read_sentences(clean_dir: Path) -> list[tuple[str, int, str, str | None]]:
    """(display path, 1-based line, sentence, as_of) for every non-empty line."""
    out = []
    for path in sorted(clean_dir.glob("*.txt")):
        as_of = clean_as_of(path)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                out.append((display_path(path), n, line, as_of.isoformat() if as_of else None))
    return out


def straddles(tokens: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether a multi-character word of the sentence cuts across [start, end) without
    containing it whole (民族 in 人民|族群 straddles; 民族 in 中华民族 does not)."""
    for a, b in tokens:
        if b - a > 1 and (a < start < b or a < end < b) and not (a <= start and end <= b):
            return True
    return False


def aligned(tokens: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) begins and ends at word boundaries of the sentence (司法部 in
    司法部门 does not: replacing it would not replace a name)."""
    bounds = {a for a, _ in tokens} | {b for _, b in tokens}
    return start in bounds and end in bounds


def allowed_after(rule, text: str, start: int, end: int) -> bool:
    """Whether an allow-phrase of ``rule`` covers text[start:end] (the result is legitimate)."""
    for phrase in rule.allow:
        i = text.find(phrase, max(0, end - len(phrase)))
        while i != -1 and i <= start:
            if i + len(phrase) >= end:
                return True
            i = text.find(phrase, i + 1)
    return False


class Injector:
    def __init__(self, checker: errcheck.Checker) -> None:
        self.checker = checker
        self.rules = {r.code: r for r in checker.rules}
        options = checker.variant_options
        shape = load_shape_table(*[f for p in checker.paths for f in sorted((p / "confusables").glob("shape*.tsv"))])
        self.confusables = Confusables(common_limit=options.common_characters, shape=shape)
        self.options = options
        self.protected = {x for r in checker.rules for x in r.right}  # protected terms included
        self._variants: dict[str, dict[str, list[str]]] = {}
        # anchors: what must be present in a sentence for an injection
        anchors: dict[str, list[tuple[str, str]]] = defaultdict(list)  # text -> [(code, role)]
        for rule in checker.rules:
            if rule.family == "terms":
                term = rule.params.term
                anchors[term].append((rule.code, "term"))
                if rule.params.quoted:
                    for quoted in (OPEN_QUOTE + term + CLOSE_QUOTE, ASCII_QUOTE + term + ASCII_QUOTE):
                        anchors[quoted].append((rule.code, "quoted-term"))
            elif rule.wrong and rule.right:
                for right in rule.right:
                    if right not in rule.wrong:
                        anchors[right].append((rule.code, "right"))
        self.anchor_list = sorted(anchors)
        self.anchor_roles = [anchors[a] for a in self.anchor_list]
        self.matcher = build_matcher(self.anchor_list)

    def variants(self, code: str) -> dict[str, list[str]]:
        """kind -> sorted injectable variants of the protected term ``code``."""
        if code not in self._variants:
            term = self.rules[code].params
            by_kind: dict[str, list[str]] = defaultdict(list)
            for variant, (kind, reason) in generate(term.term, self.confusables, self.options, term.segments,
                                                    term.quoted).items():
                reason = reason or drop_reason(variant, term.term, kind, self.options, self.protected)
                if reason is None and any(variant in t for t in self.protected if t != variant):
                    reason = "inside-a-protected-term"
                if reason in INJECTABLE_DROPS:
                    by_kind[kind].append(variant)
            self._variants[code] = {k: sorted(v) for k, v in by_kind.items()}
        return self._variants[code]

    def candidates(self, index: int, sentence: str, file_as_of: str | None) -> list[Candidate]:
        found = self.matcher.find_all(sentence)
        if not found:
            return []
        tokens = word_spans(sentence)
        today = _dt.date.today()
        out = []
        for start, end, i in found:
            for code, role in self.anchor_roles[i]:
                rule = self.rules[code]
                if role == "quoted-term":
                    if straddles(tokens, start + 1, end - 1):
                        continue
                    if "quote" in self.variants(code):
                        out.append(Candidate("quote", "quote", code, index, start, end, sentence[start:end], file_as_of))
                    continue
                if straddles(tokens, start, end):
                    continue
                if role == "right" and not aligned(tokens, start, end):
                    continue  # a dictionary pair's right form must be a whole word here
                if role == "term":
                    if not rule.applies_on(_dt.date.fromisoformat(file_as_of) if file_as_of else today):
                        continue
                    quoted_here = start > 0 and end < len(sentence) and sentence[start - 1] in (OPEN_QUOTE, ASCII_QUOTE)
                    for kind in self.variants(code):
                        if kind == "quote" and quoted_here:
                            continue  # the quoted anchor covers it
                        out.append(Candidate(kind, kind, code, index, start, end, sentence[start:end], file_as_of))
                elif rule.category == "outdated":
                    as_of = file_as_of or OUTDATED_AS_OF.isoformat()
                    if rule.applies_on(_dt.date.fromisoformat(as_of)):
                        out.append(Candidate("outdated", "outdated", code, index, start, end, sentence[start:end], as_of))
                else:
                    if rule.applies_on(_dt.date.fromisoformat(file_as_of) if file_as_of else today):
                        out.append(Candidate(f"listed/{rule.category}", "listed", code, index, start, end,
                                             sentence[start:end], file_as_of))
        return out

    def wrong_forms(self, cand: Candidate, sentence: str) -> list[str]:
        rule = self.rules[cand.rule_code]
        if cand.kind in ("listed", "outdated"):
            forms = list(rule.wrong)
        else:
            forms = self.variants(cand.rule_code).get(cand.kind, [])
        usable = []
        for wrong in forms:
            text = sentence[: cand.start] + wrong + sentence[cand.end :]
            if cand.kind in ("listed", "outdated") and allowed_after(rule, text, cand.start, cand.start + len(wrong)):
                continue
            usable.append(wrong)
        return usable


def select(cands: list[Candidate], rng: random.Random, per_kind: int, per_rule: int) -> list[Candidate]:
    """Balanced choice, one sentence per candidate: scarce groups (kinds) choose first,
    then the others take turns, one candidate each per round, until each has
    ``per_kind`` or runs out; within a group the rules take turns in a seeded order,
    ``per_rule`` at most per rule."""
    groups: dict[str, dict[str, list[Candidate]]] = defaultdict(lambda: defaultdict(list))
    for c in cands:
        groups[c.group][c.rule_code].append(c)
    order = sorted(groups, key=lambda g: (sum(map(len, groups[g].values())), g))
    turns = {}
    for group in order:
        codes = sorted(groups[group])
        rng.shuffle(codes)
        for code in codes:
            rng.shuffle(groups[group][code])
        turns[group] = codes
    used: set[int] = set()
    taken: dict[tuple[str, str], int] = defaultdict(int)
    count: dict[str, int] = defaultdict(int)
    position = dict.fromkeys(order, 0)
    chosen: list[Candidate] = []
    # scarce groups (that cannot fill their cap anyway) choose alone first, so the
    # big groups cannot take the few sentences they have; then the rest take turns
    scarce = [g for g in order
              if sum(min(per_rule, len({c.sentence for c in v})) for v in groups[g].values()) <= per_kind]
    for phase in ([[g] for g in scarce] + [[g for g in order if g not in scarce]]):
        _take_turns(phase, turns, groups, used, taken, count, position, chosen, per_kind, per_rule)
    return chosen


def _take_turns(active, turns, groups, used, taken, count, position, chosen, per_kind, per_rule) -> None:
    while active:
        for group in list(active):
            pick = None
            codes = turns[group]
            for step in range(len(codes)):
                code = codes[(position[group] + step) % len(codes)]
                if taken[group, code] >= per_rule:
                    continue
                pool = groups[group][code]
                while pool and pool[-1].sentence in used:
                    pool.pop()
                if pool:
                    pick = pool.pop()
                    position[group] = (position[group] + step + 1) % len(codes)
                    taken[group, code] += 1
                    break
            if pick is None:
                active.remove(group)
                continue
            used.add(pick.sentence)
            chosen.append(pick)
            count[group] += 1
            if count[group] >= per_kind:
                active.remove(group)


def build(clean_dir: Path, seed: int = SEED, per_kind: int = 110, per_rule: int = 3,
          checker: errcheck.Checker | None = None) -> tuple[list[dict], dict]:
    checker = checker or errcheck.Checker()
    injector = Injector(checker)
    sentences = read_sentences(clean_dir)
    cands = []
    for i, (_, _, text, as_of) in enumerate(sentences):
        cands.extend(injector.candidates(i, text, as_of))
    rng = random.Random(seed)
    records = []
    for c in select(cands, rng, per_kind, per_rule):
        path, line, sentence, _ = sentences[c.sentence]
        forms = injector.wrong_forms(c, sentence)
        if not forms:
            continue
        wrong = rng.choice(forms)
        rule = injector.rules[c.rule_code]
        text = sentence[: c.start] + wrong + sentence[c.end :]
        right = [c.right]
        if c.kind == "quote":
            core = rule.params.term
            right = list(dict.fromkeys([c.right, OPEN_QUOTE + core + CLOSE_QUOTE]))
        records.append({
            "text": text,
            "errors": [{
                "start": c.start,
                "end": c.start + len(wrong),
                "wrong": wrong,
                "right": right,
                "category": rule.category,
                "kind": c.kind,
            }],
            "origin": "injected",
            "source": f"{path}:{line}; injected {c.kind} ({rule.code} {rule.params.term if rule.family == 'terms' else c.right})",
            "as_of": c.as_of,
        })
    records.sort(key=lambda r: (r["source"].split(";")[0].rsplit(":", 1)[0], int(r["source"].split(";")[0].rsplit(":", 1)[1])))
    for n, r in enumerate(records, 1):
        r["id"] = f"inj-{n:04d}"
    records = [{"id": r["id"], **{k: v for k, v in r.items() if k != "id"}} for r in records]
    stats = {
        "sentences": len(sentences),
        "candidates": len(cands),
        "records": len(records),
        "by_kind": dict(sorted(_count(r["errors"][0]["kind"] for r in records).items())),
        "by_category": dict(sorted(_count(r["errors"][0]["category"] for r in records).items())),
        "rules": len({r["source"].split("(")[1].split()[0] for r in records}),
    }
    return records, stats


def _count(items) -> dict:
    out: dict = defaultdict(int)
    for x in items:
        out[x] += 1
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clean-dir", type=Path, default=DEFAULT_CLEAN, help="directory of clean *.txt, one sentence a line")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--per-kind", type=int, default=110, help="at most this many sentences per kind (default 110)")
    parser.add_argument("--per-rule", type=int, default=3, help="at most this many sentences per rule and kind (default 3)")
    args = parser.parse_args(argv)
    if not any(args.clean_dir.glob("*.txt")):
        print(f"error: no *.txt files in {args.clean_dir}", file=sys.stderr)
        return 2
    records, stats = build(args.clean_dir, args.seed, args.per_kind, args.per_rule)
    missing = sorted((set(KINDS) | {"listed", "outdated"}) - set(stats["by_kind"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(args.out.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.replace(args.out)
    print(json.dumps(stats, ensure_ascii=False, indent=1))
    if missing:
        print(f"warning: no sentence of {args.clean_dir} allows these kinds: {', '.join(missing)}", file=sys.stderr)
    print(f"wrote {len(records)} sentences to {display_path(args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
