"""A word n-gram language model (KenLM binary) for judging candidates in context.

The shipped model is fcitx5's ``zh_CN.lm`` (word trigram, LGPL-2.1+; see
``errcheck/data/lm/PROVENANCE.md``). Any KenLM *binary* model whose tokens are
space-separated Chinese words can replace it: pass ``LanguageModel(path)`` or set
``ERRCHECK_LM``.

``LanguageModel`` loads lazily, under a lock, and is then read-only: one instance can be
shared by threads, and a process forked after loading keeps working (KenLM memory-maps
the file; nothing here holds a thread or a descriptor that a fork would break).

Scores are log10 probabilities, as KenLM gives them.
"""

from __future__ import annotations

import mmap
import os
import threading
from functools import partial
from pathlib import Path

__all__ = ["LanguageModel", "LanguageModelError", "KENLM_MAGIC", "default_model_path", "resolve_model_path"]

#: every KenLM binary file starts with these bytes (``lm/binary_format.cc``, "format version 5")
KENLM_MAGIC = b"mmap lm http://kheafield.com/code"
ENV_VAR = "ERRCHECK_LM"
#: the longest word the segmenter looks up (the shipped vocabulary has 15 words longer than 8)
MAX_WORD_CHARS = 8


class LanguageModelError(RuntimeError):
    """The model file is missing, unreadable or not a KenLM binary model."""


def default_model_path() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "lm" / "zh_CN.lm"


def resolve_model_path(path: str | os.PathLike | None = None) -> Path:
    """An explicit ``path`` wins, then ``$ERRCHECK_LM``, then the shipped model."""
    if path is not None:
        return Path(path)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return default_model_path()


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(KENLM_MAGIC))
    except FileNotFoundError:
        raise LanguageModelError(f"language model not found: {path} (set {ENV_VAR} or pass a path)") from None
    except OSError as exc:
        raise LanguageModelError(f"cannot read language model {path}: {exc}") from None
    if head != KENLM_MAGIC:
        raise LanguageModelError(f"not a KenLM binary model: {path} (convert an ARPA file with KenLM's build_binary)")


def _read_vocabulary(path: Path) -> tuple[str, ...]:
    """The words of a KenLM binary model, in id order.

    KenLM appends the vocabulary to the binary file as NUL-terminated UTF-8 strings in
    id order, and id 0 is always ``<unk>``: the list starts at the last ``<unk>\\0``.
    """
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        start = mm.rfind(b"<unk>\x00")
        if start < 0:
            raise LanguageModelError(f"no vocabulary stored in {path} (build it with build_binary's default -w)")
        tail = mm[start:]
    words = tail.split(b"\x00")
    if words and words[-1] == b"":
        words.pop()
    return tuple(w.decode("utf-8", "replace") for w in words)


class LanguageModel:
    """A KenLM model plus its vocabulary and a segmenter fitted to that vocabulary."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = resolve_model_path(path)
        self._lock = threading.Lock()
        self._model = None
        self._costs: dict[str, float] | None = None
        self._lattice: dict[str, tuple[float | None, bool]] | None = None
        self._native = None
        self._unk = -100.0

    # ------------------------------------------------------------------ loading
    def load(self) -> "LanguageModel":
        """Load now (otherwise the first use loads). Raises `LanguageModelError`."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    _check_header(self.path)
                    try:
                        import kenlm
                    except ImportError as exc:  # pragma: no cover - a core dependency
                        raise LanguageModelError("the kenlm module is missing: pip install ufal-kenlm") from exc
                    try:
                        model = kenlm.Model(str(self.path))
                    except (OSError, RuntimeError, ValueError) as exc:
                        raise LanguageModelError(f"cannot load language model {self.path}: {exc}") from None
                    words = _read_vocabulary(self.path)
                    score = model.score
                    # unigram log10 probability of every word (0.07 s for 165k words)
                    self._costs = {w: score(w, bos=False, eos=False) for w in words if w != "<unk>"}
                    self._unk = score("<unk>", bos=False, eos=False)
                    prefixes = {w[:k] for w in self._costs for k in range(1, min(len(w), MAX_WORD_CHARS))}
                    lattice = {w: (lp, w in prefixes) for w, lp in self._costs.items()}
                    for p in prefixes:
                        lattice.setdefault(p, (None, True))
                    self._lattice = lattice
                    native = _native_lattice_type()
                    # the same lattice in a native table (errcheck/_speedups.c), ~0.1 s
                    self._native = native(lattice, self._unk) if native else None
                    if self._native is not None:
                        self._segmenter = self._native.viterbi
                        self._scored_segmenter = self._native.viterbi_scored
                        self._token_segmenter = self._native.viterbi_tokens
                    else:
                        self._segmenter = partial(viterbi_py, lattice=lattice, unk=self._unk)
                        self._scored_segmenter = partial(viterbi_scored_py, lattice=lattice, unk=self._unk)
                        self._token_segmenter = partial(viterbi_tokens_py, lattice=lattice, unk=self._unk)
                    self._model = model
        return self

    @property
    def model(self):
        """The underlying ``kenlm.Model``."""
        return self.load()._model

    @property
    def unigrams(self) -> dict[str, float]:
        """Word → unigram log10 probability, for every word of the vocabulary."""
        self.load()
        return self._costs  # type: ignore[return-value]

    @property
    def vocabulary(self):
        """The model's words (a read-only view of `unigrams`' keys)."""
        return self.unigrams.keys()

    @property
    def unknown_logprob(self) -> float:
        self.load()
        return self._unk

    def __contains__(self, word: str) -> bool:
        return word in self.unigrams

    # ------------------------------------------------------------------ scoring
    def score(self, tokens, bos: bool = False, eos: bool = False) -> float:
        """log10 probability of a token sequence (a list of words or a space-joined string)."""
        sentence = tokens if isinstance(tokens, str) else " ".join(tokens)
        return self.model.score(sentence, bos=bos, eos=eos)

    def begin_state(self, bos: bool = False):
        """A fresh KenLM state: sentence start (``bos``) or no context."""
        import kenlm

        state = kenlm.State()
        if bos:
            self.model.BeginSentenceWrite(state)
        else:
            self.model.NullContextWrite(state)
        return state

    def advance(self, state, tokens) -> tuple[float, object]:
        """Score ``tokens`` after ``state``; return (log10 probability, state after them)."""
        import kenlm

        base = self.model.BaseScore
        total = 0.0
        cur = state
        for token in tokens:
            out = kenlm.State()
            total += base(cur, token, out)
            cur = out
        return total, cur

    # ------------------------------------------------------------------ segmentation
    def segment(self, text: str) -> list[str]:
        """Most probable split of ``text`` into vocabulary words under the unigram model
        (characters outside the vocabulary become one-character tokens)."""
        return self.segmenter(text)

    @property
    def segmenter(self):
        """``segment`` as a plain callable ``f(text) -> list[str]`` to bind in a hot loop:
        the compiled lattice's when the package has its C kernels, else `viterbi_py`."""
        self.load()
        return self._segmenter

    @property
    def scored_segmenter(self):
        """``f(text) -> (tokens, score)``: the segmentation and the sum of its words'
        unigram log10 probabilities (see `viterbi_scored_py`)."""
        self.load()
        return self._scored_segmenter

    @property
    def token_segmenter(self):
        """``f(text) -> (tokens, starts, logprobs)``: the segmentation, each token's offset
        in ``text`` and its unigram log10 probability (see `viterbi_tokens_py`)."""
        self.load()
        return self._token_segmenter

    @property
    def native(self):
        """The lattice as an ``errcheck._speedups.Lattice`` (the same segmentation,
        compiled), or None when the package was built without its C kernels."""
        self.load()
        return self._native

    @property
    def lattice(self) -> dict[str, tuple[float | None, bool]]:
        """Word or word prefix → (log10 probability if a word, whether words extend it):
        the segmenter's table (see `viterbi`)."""
        self.load()
        return self._lattice  # type: ignore[return-value]

    def __getstate__(self):  # picklable: reload lazily in the other process
        return {"path": self.path}

    def __setstate__(self, state):
        self.__init__(state["path"])


def viterbi_py(text: str, lattice: dict, unk: float) -> list[str]:
    return viterbi_scored_py(text, lattice, unk)[0]


def viterbi_scored_py(text: str, lattice: dict, unk: float) -> tuple[list[str], float]:
    """Unigram Viterbi segmentation: maximise the sum of word log10 probabilities.

    ``lattice`` maps every word and every proper prefix of a word (up to
    `MAX_WORD_CHARS`) to ``(log10 probability or None, whether longer words start so)``:
    one lookup per character tried (`LanguageModel.lattice`)."""
    n = len(text)
    if n == 0:
        return [], 0.0
    best = [0.0] + [-1e18] * n
    back = [0] * (n + 1)
    get = lattice.get
    for i in range(n):
        base = best[i]
        entry = get(text[i])
        if entry is None:  # a character outside the vocabulary
            lp, more = unk, False
        else:
            lp, more = entry
            if lp is None:
                lp = unk
        s = base + lp
        if s > best[i + 1]:
            best[i + 1] = s
            back[i + 1] = i
        j = i + 1
        while more and j < n:
            j += 1
            entry = get(text[i:j])
            if entry is None:
                break
            lp, more = entry
            if lp is not None:
                s = base + lp
                if s > best[j]:
                    best[j] = s
                    back[j] = i
    out = []
    j = n
    while j > 0:
        i = back[j]
        out.append(text[i:j])
        j = i
    out.reverse()
    return out, best[n]



def viterbi_tokens_py(text: str, lattice: dict, unk: float) -> tuple[list[str], list[int], list[float]]:
    """The segmentation of `viterbi_scored_py`, each token's offset in ``text``, and each
    token's unigram log10 probability (``unk`` for a character outside the vocabulary)."""
    tokens = viterbi_py(text, lattice, unk)
    starts, lps = [], []
    pos = 0
    for tok in tokens:
        starts.append(pos)
        pos += len(tok)
        entry = lattice.get(tok)
        lps.append(unk if entry is None or entry[0] is None else entry[0])
    return tokens, starts, lps


#: what the judge calls on the compiled lattice: a module built from an older source (an
#: editable install not rebuilt) lacks some, and the Python twins serve instead
_NATIVE_METHODS = ("viterbi", "viterbi_scored", "viterbi_tokens", "completions", "ranked_completions", "index_masked")


def _native_lattice_type():
    """``errcheck._speedups.Lattice`` when the package was built with its C kernels (from
    this source: with every method of `_NATIVE_METHODS`)."""
    try:
        from .._speedups import Lattice
    except ImportError:  # pragma: no cover - a build without a C compiler
        return None
    if not all(hasattr(Lattice, name) for name in _NATIVE_METHODS):  # pragma: no cover - a stale build
        return None
    return Lattice
