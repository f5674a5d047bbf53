"""Check dictionary files before they are shipped: the dictionary author's test runner.

    python tools/check_dictionary.py dictionaries/typo/idioms.yaml [more files...]

For every entry of the given files, together with all shipped dictionaries:

* each ``bad`` example must give exactly that rule's finding at the marked span, and each
  ``good`` example no finding at all (the same contract as tests/test_dictionary_examples.py);
* a wrong form must not repeat a wrong form of another rule, nor be a right form or a
  protected term of any rule;
* the rules must stay quiet on the clean reference prose (``--corpus``, by default
  ``../shared/corpus``): every hit there is printed with its sentence, as a likely false alarm.

The files need not live under ``dictionaries/``. Exit status 1 when anything is wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from errcheck.checker import Checker
from errcheck.resources import builtin_dictionaries
from errcheck.loader import dictionary_files, load_file, load_rules
from errcheck.rules import RuleError

ROOT = Path(__file__).resolve().parent.parent


def _problems_with_examples(checker: Checker, rules) -> list[str]:
    problems = []
    for rule in rules:
        for ex in rule.bad_examples:
            got = [(f.code, f.start, f.end, f.suggestions) for f in checker.check(ex.text).findings]
            want = [(rule.code, *ex.span, rule.right)]
            if got != want:
                problems.append(f"{rule.path}:{rule.line}: {rule.code} bad example {ex.text!r}: got {got}")
        for ex in rule.good_examples:
            got = [(f.code, f.text) for f in checker.check(ex.text).findings]
            if got:
                problems.append(f"{rule.path}:{rule.line}: {rule.code} good example {ex.text!r}: got {got}")
    return problems


def _problems_with_forms(new_rules, other_rules) -> list[str]:
    problems = []
    taken: dict[str, str] = {}
    for rule in other_rules:
        for w in rule.wrong:
            taken[w] = rule.code
    right_forms = {r: rule.code for rule in [*other_rules, *new_rules] for r in rule.right}
    for rule in new_rules:
        for w in rule.wrong:
            if w in taken:
                problems.append(f"{rule.path}:{rule.line}: {rule.code}: wrong form {w!r} already listed by {taken[w]}")
            taken[w] = rule.code
            if w in right_forms:
                problems.append(f"{rule.path}:{rule.line}: {rule.code}: wrong form {w!r} is a right form of {right_forms[w]}")
    return problems


def _corpus_hits(checker: Checker, codes: set[str], corpus: Path) -> tuple[list[str], int]:
    hits, chars = [], 0
    for path in sorted(corpus.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            chars += len(line)
            for f in checker.check(line).findings:
                if f.code in codes:
                    hits.append(f"{path.name}: {f.code} {f.text!r}→{list(f.suggestions)} in {line.strip()[:80]!r}")
    return hits, chars


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus",
                        help="directory of clean one-sentence-a-line .txt files (default: %(default)s)")
    parser.add_argument("--no-corpus", action="store_true", help="skip the clean-prose check")
    args = parser.parse_args(argv)

    try:
        new_rules = [rule for path in args.files for rule in load_file(path)]
    except RuleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    given = {p.resolve() for p in args.files}
    shipped = [p for p in dictionary_files([builtin_dictionaries()]) if p.resolve() not in given]
    other_rules = load_rules(shipped)
    codes = Counter(r.code for r in [*other_rules, *new_rules])
    problems = [f"{rule.path}:{rule.line}: code {rule.code} is used {codes[rule.code]} times"
                for rule in new_rules if codes[rule.code] > 1]
    problems += _problems_with_forms(new_rules, other_rules)

    # the shipped directory (it carries the confusables tables), plus any given file
    # that lives outside it
    outside = [p for p in args.files if not p.resolve().is_relative_to(builtin_dictionaries().resolve())]
    checker = Checker(outside, builtin=True)
    problems += _problems_with_examples(checker, new_rules)
    for p in problems:
        print(p)
    print(f"{len(new_rules)} rules checked, {len(problems)} problem(s)")

    if not args.no_corpus and args.corpus.is_dir():
        hits, chars = _corpus_hits(checker, {r.code for r in new_rules}, args.corpus)
        for h in hits:
            print(h)
        print(f"clean prose: {len(hits)} hit(s) in {chars:,} characters "
              f"({len(hits) / max(chars, 1) * 10_000:.3f} per 10,000)")
        problems += hits
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
