"""The pre-commit hook (`.pre-commit-hooks.yaml`): a valid manifest, run as pre-commit
runs it (the files whose identify tags match, their names appended to the entry)."""

import os
import shlex
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
#: the keys of a hook in a `.pre-commit-hooks.yaml`, as documented by pre-commit
#: ("Creating new hooks")
DOCUMENTED = {"id", "name", "entry", "language", "files", "exclude", "types", "types_or", "exclude_types",
              "always_run", "fail_fast", "verbose", "pass_filenames", "require_serial", "description",
              "language_version", "minimum_pre_commit_version", "args", "stages", "alias", "log_file",
              "additional_dependencies"}


def hooks():
    return yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_manifest_is_valid():
    (hook,) = hooks()
    assert set(hook) <= DOCUMENTED
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert hook["id"] == "errcheck" and hook["language"] == "python"
    from identify.identify import ALL_TAGS
    from pre_commit.clientlib import load_manifest

    assert set(hook["types_or"]) <= ALL_TAGS
    (loaded,) = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))  # pre-commit's own validation
    assert loaded["entry"] == "errcheck check" and loaded["pass_filenames"] is True
    # the entry is the console script the package installs
    (script,) = entry_points(group="console_scripts", name=shlex.split(hook["entry"])[0])
    assert script.value == "errcheck.cli:main"


def run_hook(repo: Path, args=()):
    """What pre-commit does: keep the files whose tags match ``types_or`` (and ``files``),
    append their names to the entry, run in the repository root."""
    import re

    from identify.identify import tags_from_path

    (hook,) = hooks()
    files = sorted(str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts)
    wanted = set(hook["types_or"])
    files = [f for f in files if tags_from_path(str(repo / f)) & wanted and re.search(hook.get("files", ""), f)]
    entry = shlex.split(hook["entry"])
    # the console script `errcheck` runs errcheck.cli:main, as `python -m errcheck` does
    cmd = [sys.executable, "-m", "errcheck", *entry[1:], *hook.get("args", []), *args, *files]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run(cmd, cwd=repo, env=env, capture_output=True, timeout=300), files


def test_hook_runs_on_the_files_pre_commit_would_pass(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "news.md").write_text("# 通知\n\n深入推进京津翼协同发展。\n", encoding="utf-8")
    (tmp_path / "page.html").write_text("<p>截至目前</p>", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("截止目前", encoding="utf-8")
    (tmp_path / "script.py").write_text("print('京津翼')\n", encoding="utf-8")
    proc, files = run_hook(tmp_path)
    assert files == ["docs/news.md", "notes.txt", "page.html"]
    assert proc.returncode == 1
    out = proc.stdout.decode()
    assert "docs/news.md:3:5: FP0001" in out and "notes.txt:1:1: TY0002" in out and "script.py" not in out
    proc, _ = run_hook(tmp_path, ["--fix"])
    assert proc.returncode == 0
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "截至目前"
    assert (tmp_path / "script.py").read_text(encoding="utf-8") == "print('京津翼')\n"
