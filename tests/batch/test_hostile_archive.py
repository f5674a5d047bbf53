"""Hostile archives and output directories (issue 15): symbolic link loops, dangling links,
unlistable directories, special files, an unusable --out, two scans on one --out."""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from errcheck.cli import main

from test_kill_resume import committed

SEED = "县医保局将京津冀写成京津翼，截止目前已整改，名族团结，党的二十精神"


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def errors_csv(out_dir: Path, column: str = "reason") -> dict[str, str]:
    with (out_dir / "errors.csv").open(encoding="utf-8-sig", newline="") as fh:
        return {row["location"]: row[column] for row in csv.DictReader(fh)}


def documents(out_dir: Path) -> list[str]:
    with (out_dir / "documents.csv").open(encoding="utf-8-sig", newline="") as fh:
        return [row["document_id"] for row in csv.DictReader(fh)]


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """archive/ with good files and every kind of file-system trap."""
    monkeypatch.chdir(tmp_path)
    a = tmp_path / "archive"
    (a / "deep" / "er").mkdir(parents=True)
    (a / "a.txt").write_text(SEED, encoding="utf-8")
    (a / "deep" / "er" / "z.txt").write_text(SEED, encoding="utf-8")
    (a / "loop.txt").symlink_to("loop.txt")  # a link to itself
    (a / "deep" / "ping.html").symlink_to("pong.html")  # a loop of two
    (a / "deep" / "pong.html").symlink_to("ping.html")
    (a / "gone.txt").symlink_to("nowhere.txt")  # dangling
    (a / "linked.txt").symlink_to("a.txt")  # a link to a file: checked
    (a / "up").symlink_to("..")  # a directory loop: links to directories are not followed
    (a / "locked").mkdir()
    (a / "locked" / "secret.txt").write_text(SEED, encoding="utf-8")
    os.mkfifo(a / "pipe.txt")  # reading it would block forever
    return tmp_path


def test_traps_in_the_tree_are_recorded_and_the_scan_goes_on(tree, monkeypatch):
    real_scandir = os.scandir

    def scandir(path="."):  # a directory we may not list (chmod does not stop root)
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, err = run("scan", "archive", "--out", "out", "-q", "-j", "1")
    assert (code, err) == (1, "")
    assert documents(tree / "out") == ["a.txt", "deep/er/z.txt", "linked.txt"]
    assert errors_csv(tree / "out") == {
        "archive/deep/ping.html": "cannot read: symbolic link loop",
        "archive/deep/pong.html": "cannot read: symbolic link loop",
        "archive/gone.txt": "cannot read: dangling symbolic link",
        "archive/locked": "cannot list directory: Permission denied",
        "archive/loop.txt": "cannot read: symbolic link loop",
        "archive/pipe.txt": "not a regular file",
    }
    assert errors_csv(tree / "out", "reason_zh") == {
        "archive/deep/ping.html": "无法读取：符号链接循环",
        "archive/deep/pong.html": "无法读取：符号链接循环",
        "archive/gone.txt": "无法读取：符号链接指向的文件不存在",
        "archive/locked": "无法列出目录：没有读取权限",
        "archive/loop.txt": "无法读取：符号链接循环",
        "archive/pipe.txt": "不是普通文件（如管道、设备）",
    }
    summary = json.loads((tree / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["unreadable"] == 6 and summary["complete"] is True


def test_a_symlink_loop_named_as_a_source_is_a_usage_error(tree):
    code, _, err = run("scan", "archive/loop.txt", "--out", "o", "-q", "-j", "1")
    assert code == 2 and "archive/loop.txt: symbolic link loop" in err
    code, _, err = run("scan", "archive/gone.txt", "--out", "o", "-q", "-j", "1")
    assert code == 2 and "archive/gone.txt: dangling symbolic link" in err


def test_a_symlink_loop_does_not_stop_a_parallel_scan(tree):
    code, _, err = run("scan", "archive", "--out", "out2", "-q", "-j", "2")
    assert (code, err) == (1, "")
    assert "archive/loop.txt" in errors_csv(tree / "out2")
    assert documents(tree / "out2") == ["a.txt", "deep/er/z.txt", "linked.txt", "locked/secret.txt"]


def test_a_docx_zip_bomb_is_recorded_and_the_scan_goes_on(tmp_path, monkeypatch):
    pytest.importorskip("docx")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared bomb builder
    from docx_bombs import TEXT_PARAGRAPH, bomb_docx, plain_docx

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "bomb.docx").write_bytes(bomb_docx(160 << 20))  # 160 MiB of empty paragraphs
    (tmp_path / "a" / "dense.docx").write_bytes(bomb_docx(4 << 20, TEXT_PARAGRAPH))  # 1.2M characters
    (tmp_path / "a" / "fine.docx").write_bytes(plain_docx("第一段", "促进各名族团结"))
    code, _, err = run("scan", "a", "--out", "out", "-q", "-j", "1")
    assert (code, err) == (1, "")
    assert documents(tmp_path / "out") == ["fine.docx"]
    reasons = errors_csv(tmp_path / "out")
    assert reasons["a/bomb.docx"] == ("zip member 'word/document.xml' inflates to 160.0 MiB "
                                      "(at most 32.0 MiB per member)")
    assert "a zip bomb?" in reasons["a/dense.docx"]
    reasons_zh = errors_csv(tmp_path / "out", "reason_zh")
    assert reasons_zh["a/bomb.docx"] == "zip 成员「word/document.xml」解压后 160.0 MiB（每个成员最多 32.0 MiB）"
    assert reasons_zh["a/dense.docx"].endswith("：疑似 zip 炸弹")


def test_out_that_is_a_file_or_below_a_file_is_a_usage_error(tree):
    (tree / "afile").write_text("x", encoding="utf-8")
    code, _, err = run("scan", "archive/a.txt", "--out", "afile", "-q", "-j", "1")
    assert code == 2 and "--out afile: exists and is not a directory" in err and "Traceback" not in err
    code, _, err = run("scan", "archive/a.txt", "--out", "afile/sub", "-q", "-j", "1")
    assert code == 2 and "--out afile/sub: cannot create or write there: Not a directory" in err
    assert (tree / "afile").read_text(encoding="utf-8") == "x"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_out_is_a_usage_error(tree):
    (tree / "ro").mkdir(mode=0o555)
    code, _, err = run("scan", "archive/a.txt", "--out", "ro/out", "-q", "-j", "1")
    assert code == 2 and "cannot create or write there" in err


def test_a_second_scan_on_the_same_out_is_refused_while_the_first_runs(tmp_path, monkeypatch):
    """A second scan (--resume, --force or plain) or a report on a running scan's --out
    exits 2 naming the holder; the running scan loses nothing. The first scan reads its
    records from a named pipe, so the test decides when it may finish."""
    monkeypatch.chdir(tmp_path)
    n = 400
    lines = [json.dumps({"id": f"d{i:04d}", "text": SEED}, ensure_ascii=False) + "\n" for i in range(n)]
    os.mkfifo("docs.jsonl")
    release = threading.Event()

    def feed():
        with open("docs.jsonl", "w", encoding="utf-8") as fh:  # blocks until the scan opens it
            fh.writelines(lines[: n // 2])
            fh.flush()
            release.wait(60)
            fh.writelines(lines[n // 2:])

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    args = ["scan", "docs.jsonl", "-q", "--out", "out"]
    first = subprocess.Popen([sys.executable, "-m", "errcheck", *args, "-j", "2", "--batch-size", "1"],
                             start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    store = tmp_path / "out" / "scan.sqlite"
    try:
        deadline = time.monotonic() + 60
        while committed(store) < 10:
            assert first.poll() is None, first.stderr.read().decode()
            assert time.monotonic() < deadline, "the first scan made no progress"
            time.sleep(0.02)
        assert (tmp_path / "out" / ".errcheck.lock").read_text().strip() == str(first.pid)
        for extra in (["--resume"], ["--force"], []):
            code, _, err = run(*args, *extra, "-j", "1")
            assert code == 2, err
            assert f"in use by another errcheck scan (process {first.pid})" in err, err
            assert store.exists()
        code, _, err = run("report", "out")
        assert code == 2 and f"process {first.pid}" in err
        assert first.poll() is None
        release.set()
        assert first.wait(timeout=120) == 1, first.stderr.read().decode()
    finally:
        release.set()
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        first.stderr.close()
        feeder.join(5)
    assert documents(tmp_path / "out") == [f"d{i:04d}" for i in range(n)]
    assert errors_csv(tmp_path / "out") == {}
    # the lock went with the first scan
    assert run("report", "out")[0] == 0


