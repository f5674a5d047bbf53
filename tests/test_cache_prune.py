"""errcheck.cache_prune: the rule cache keeps the N most recently used files of each kind."""

import os
import time

from errcheck.cache_prune import prune_cache

RULE = """\
entries:
  - code: FP9001
    wrong: [京津翼]
    right: [京津冀]
    category: fixed-phrase
    severity: serious
    message: "「{match}」应为「{suggestion}」"
    source: "test"
    boundary: false
    examples:
      bad: ["[[京津翼]]"]
"""


def make(folder, name, age_s):
    path = folder / name
    path.write_bytes(b"x")
    t = time.time() - age_s
    os.utime(path, (t, t))
    return path


def test_keeps_the_most_recent_of_each_kind_and_the_protected(tmp_path, monkeypatch):
    rules = [make(tmp_path, f"rules-{i:024d}-daachorse-0.1.0-v10.pickle", age_s=100 * i) for i in range(6)]
    words = [make(tmp_path, f"wordlist-{i:032d}.pickle", age_s=100 * i) for i in range(5)]
    other = make(tmp_path, "notes.txt", age_s=10_000)
    fresh_tmp = make(tmp_path, ".rules-x-abc.tmp", age_s=10)  # being written right now
    stale_tmp = make(tmp_path, ".rules-y-abc.tmp", age_s=7200)  # left by a killed process
    deleted = prune_cache(tmp_path, keep=2, protect=[rules[5].name[:30]])
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {rules[0].name, rules[1].name, rules[5].name, words[0].name, words[1].name, other.name,
                    fresh_tmp.name}
    assert set(deleted) == {rules[2], rules[3], rules[4], words[2], words[3], words[4], stale_tmp}
    monkeypatch.setenv("ERRCHECK_CACHE_KEEP", "1")
    prune_cache(tmp_path)
    assert {p.name for p in tmp_path.glob("*.pickle")} == {rules[0].name, words[0].name}


def test_a_missing_directory_is_fine(tmp_path):
    assert prune_cache(tmp_path / "nope") == []


def test_the_cli_prunes_after_it_built_a_rule_set(tmp_path, monkeypatch):
    """``errcheck check`` with a new dictionary set compiles and caches it, then prunes."""
    import io

    from errcheck.cli import main

    cache = tmp_path / "cache"
    monkeypatch.setenv("ERRCHECK_CACHE_DIR", str(cache))
    monkeypatch.setenv("ERRCHECK_CACHE_KEEP", "1")
    cache.mkdir()
    old = make(cache, "rules-" + "0" * 24 + "-daachorse-0.1.0-v10.pickle", age_s=3600)
    d = tmp_path / "d"
    d.mkdir()
    (d / "x.yaml").write_text(RULE, encoding="utf-8")
    text = tmp_path / "t.txt"
    text.write_text("京津翼", encoding="utf-8")
    # only this small dictionary: a build of a second or so
    monkeypatch.setattr("errcheck.checker.builtin_dictionaries", lambda: d)
    err = io.StringIO()
    assert main(["check", str(text)], io.StringIO(), err) == 1, err.getvalue()
    assert not old.exists() and len(list(cache.glob("rules-*.pickle"))) == 1
