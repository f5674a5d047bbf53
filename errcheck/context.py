"""Step 4: context. A language model judges what enumerated rules cannot.

Between filtering and overlap resolution, over the candidates the filter kept:

* **every mode**: candidates that a family marks as needing context (`Target.context`:
  a generated variant that is also legitimate text, 国家权利机关) are confirmed when the
  text reads better with the correction by at least the context rule's
  ``confirm_margin`` (log10), and dropped otherwise;
* **thorough mode** only: the judge (`errcheck.services.judge.ContextJudge`) looks for
  one-character typos no list names (辛福 → 幸福, 攻府 → 政府) outside the spans already
  claimed by candidates and correctly written protected terms, and reports them under
  the context rule (LM0001, ``dictionaries/context/``).

Fast mode costs nothing here unless a candidate needs context (rare: a few per 10,000
characters); thorough mode is a measured stage of its own (`benchmarks/context_speed.py`).
The language model loads lazily on first use and is shared by every checker of the
process (memory-mapped: forked workers share its pages). A model that is missing or not
a KenLM file raises `LanguageModelError` in thorough mode; fast mode then drops the
candidates that need context, as errcheck did before it had a model, and logs why.
"""

from __future__ import annotations

import logging
import threading

from .families import ANY_VARIANT, Candidate, Target

log = logging.getLogger(__name__)

MODES = ("fast", "thorough")
DEFAULT_MODE = "fast"

_judges: dict = {}
_judges_lock = threading.Lock()
_warned: set = set()


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r} (expected one of: {', '.join(MODES)})")
    return mode


def judge_for(lm=None, margins: tuple = ()):
    """The shared `ContextJudge` for a model path (None: ``$ERRCHECK_LM`` or the shipped
    model) and margins, built on first use; raises `LanguageModelError` when the model
    is missing or not a KenLM file."""
    key = (str(lm) if lm is not None else None, margins)
    judge = _judges.get(key)
    if judge is None:
        with _judges_lock:
            judge = _judges.get(key)
            if judge is None:
                from .services.judge import ContextJudge

                judge = _judges[key] = ContextJudge(lm, margins=dict(margins) or None).load()
    return judge


_rule_of: dict = {}


def context_rule(compiled):
    """The rule context findings are reported under (the ``context`` family's), or None."""
    key = compiled.version
    if key not in _rule_of:
        _rule_of[key] = next((r for r in compiled.rules if r.family == "context"), None)
    return _rule_of[key]


def run(compiled, text: str, matches, kept: list[Candidate], pending: list[Candidate], selection, mode: str,
        lm=None) -> list[Candidate]:
    """``kept`` plus the confirmed ``pending`` candidates and, in thorough mode, the
    typos the judge finds; overlaps are resolved after this step."""
    rule = context_rule(compiled)
    if not pending and (mode != "thorough" or rule is None or not selection.accepts_rule(rule)):
        return kept
    params = rule.params if rule is not None else None
    from .services.lm import LanguageModelError

    try:
        judge = judge_for(lm, params.margins if params else ())
    except LanguageModelError as exc:
        if mode == "thorough":
            raise
        if str(exc) not in _warned:  # fast mode without a model: as before the stage existed
            _warned.add(str(exc))
            log.warning("candidates that need context are dropped: %s", exc)
        return kept
    out = list(kept)
    confirm = params.confirm_margin if params else 2.0
    for cand in pending:
        if judge.gain(text, cand.start, cand.end, cand.target.suggestions[0]) >= confirm:
            out.append(cand)
    if mode == "thorough" and rule is not None and selection.accepts_rule(rule):
        protected = [(c.start, c.end) for c in out]
        allow = compiled.allow
        base = compiled.compact_base
        protected += [(s, e) for s, e, i in matches if i < base and ANY_VARIANT in allow[i]]
        for p in judge.scan(text, protected):
            out.append(Candidate(p.start, p.end, Target(rule, (p.suggestion,), "context", False)))
    return out
