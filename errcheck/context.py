"""Step 4: context. A language model judges what enumerated rules cannot.

Between filtering and overlap resolution, over the candidates the filter kept:

* candidates that a family marks as needing context (`Target.context`: a generated
  variant that is also legitimate text, 国家权利机关) are confirmed when the text reads
  better with the correction by at least the context rule's ``confirm_margin`` (log10;
  ``confirm_margins`` per kind of candidate), and dropped otherwise;
* the judge (`errcheck.services.judge.ContextJudge`) looks for one-character typos no
  list names (辛福 → 幸福, 攻府 → 政府) outside the spans already claimed by candidates
  and correctly written protected terms, and reports them under the context rule
  (LM0001, ``dictionaries/context/``).

Both happen in **thorough** mode only, a measured stage of its own
(`benchmarks/context_speed.py`). **Fast** mode (the default) never loads the model and
drops the candidates that need context, as errcheck did before it had one: confirming
them in fast mode was measured (2026-12-05) to find nothing new on the labelled sets at
a margin that adds no false alarm on clean prose, while the model's segmentation lattice
alone raised a serving process from 234 to 308 MB (budget 300 MB). The model loads lazily
on first use and is shared by every checker of the process (memory-mapped: forked workers
share its pages); the thorough judge with its candidate index holds ~500 MB. A model that
is missing or not a KenLM file raises `LanguageModelError`.
"""

from __future__ import annotations

import threading

from .families import ANY_VARIANT, FAMILIES, Candidate, Target

MODES = ("fast", "thorough")
DEFAULT_MODE = "fast"

_judges: dict = {}
_judges_lock = threading.Lock()


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r} (expected one of: {', '.join(MODES)})")
    return mode


def judge_for(lm=None, margins: tuple = ()):
    """The shared, loaded `ContextJudge` for a model path (None: ``$ERRCHECK_LM`` or the
    shipped model) and margins; raises `LanguageModelError` when the model is missing or
    not a KenLM file."""
    key = (str(lm) if lm is not None else None, margins)
    judge = _judges.get(key)
    if judge is None:
        with _judges_lock:
            judge = _judges.get(key)
            if judge is None:
                from .services.judge import ContextJudge

                judge = _judges[key] = ContextJudge(lm, margins=dict(margins) or None)
    return judge.load()


_rule_of: dict = {}


def context_rule(compiled):
    """The rule context findings are reported under (the ``context`` family's), or None."""
    key = compiled.version
    if key not in _rule_of:
        _rule_of[key] = next((r for r in compiled.rules if r.family == "context"), None)
    return _rule_of[key]


def judge_of(compiled, lm=None):
    """The loaded judge for the model ``lm`` with the margins of ``compiled``'s context rule."""
    rule = context_rule(compiled)
    return judge_for(lm, rule.params.margins if rule is not None else ())


def run(compiled, text: str, matches, kept: list[Candidate], pending: list[Candidate], selection, mode: str,
        lm=None) -> list[Candidate]:
    """``kept`` plus the confirmed ``pending`` candidates and, in thorough mode, the
    typos the judge finds; overlaps are resolved after this step. ``matches``: the raw
    matches of ``compiled``, or for an overlay one list per layer (as `filter_candidates`)."""
    if mode != "thorough":
        return kept  # fast mode: no model; candidates that need context are dropped
    rule = context_rule(compiled)
    params = rule.params if rule is not None else None
    judge = judge_of(compiled, lm)
    out = list(kept)
    for cand in pending:
        confirm = params.confirm_margin_for(cand.target.kind) if params else 2.0
        if judge.gain(text, cand.start, cand.end, cand.target.suggestions[0]) >= confirm:
            out.append(cand)
    # candidates only this stage looks for (four-character phrases with any character
    # replaced) away from the findings so far: confirmed by their own margins; a span the
    # model knows as a word stands
    found_spans = [(c.start, c.end) for c in out]
    for family in FAMILIES:
        for cand, (known, unknown) in family.context_candidates(text, compiled, selection, found_spans):
            suggestion = cand.target.suggestions[0]
            if judge.known(text[cand.start:cand.end]):
                continue
            margin = known if judge.known(suggestion) else unknown
            if judge.gain(text, cand.start, cand.end, suggestion) >= margin:
                out.append(cand)
    if rule is not None and selection.accepts_rule(rule):
        # correctly written protected terms, and the findings so far, are not looked at again
        protected = [(c.start, c.end) for c in out]
        scans = zip(compiled.layers, matches if compiled.base is not None else [matches])
        for layer, found in scans:
            allow = layer.allow
            base = layer.compact_base
            protected += [(s, e) for s, e, i in found if i < base and ANY_VARIANT in allow[i]]
        for p in judge.scan(text, protected):
            out.append(Candidate(p.start, p.end, Target(rule, (p.suggestion,), "context", False)))
    return out
