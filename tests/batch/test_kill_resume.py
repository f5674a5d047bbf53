"""Kill a scan with SIGKILL midway, resume it, and get exactly the uninterrupted result."""

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from errcheck.cli import main

from test_scan import read_outputs

N_DOCS = 3000
SENTENCES = [
    "县医保局深入推进京津翼协同发展。",
    "截止目前已完成年度任务的九成。",
    "促进各名族共同团结奋斗。",
    "认真学习贯彻党的二十精神。",
    "深入推进京津冀协同发展。",
    "各部门认真落实工作责任，持续改进作风。",
    "本单位将继续做好政务公开工作。",
]


def make_records(path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(N_DOCS):
            text = "".join(SENTENCES[(i * k) % len(SENTENCES)] for k in (1, 3, 5))
            fh.write(json.dumps({"id": f"doc-{i:05d}", "text": text, "unit": f"单位{i % 9}"}, ensure_ascii=False) + "\n")


def committed(store: Path) -> int:
    if not store.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not created yet
        return 0


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_kill_9_then_resume_gives_identical_results(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_records(tmp_path / "docs.jsonl")
    args = ["scan", "docs.jsonl", "--group-field", "unit", "-q"]

    assert main([*args, "--out", "ref", "--workers", "2"], io.StringIO(), io.StringIO()) == 1
    reference = read_outputs(tmp_path / "ref")
    assert reference["summary.json"]["totals"]["documents"] == N_DOCS

    # small batches: many commits, and a run slow enough to be killed midway
    cmd = [sys.executable, "-m", "errcheck", *args, "--out", "killed", "--workers", "2", "--batch-size", "1"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    store = tmp_path / "killed" / "scan.sqlite"
    try:
        deadline = time.monotonic() + 60
        while committed(store) < 200:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the scan made no progress"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        at_kill = committed(store)
        assert 200 <= at_kill < N_DOCS, "the scan finished before it could be killed"
        # the orphaned workers notice and exit by themselves
        deadline = time.monotonic() + 15
        while group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not group_alive(proc.pid), "worker processes outlived the killed scan"
    finally:
        if group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.stderr.close()

    # no half-written document: every stored document has all of its findings
    with sqlite3.connect(store) as conn:
        torn = conn.execute("""SELECT COUNT(*) FROM documents d WHERE d.findings !=
                               (SELECT COUNT(*) FROM findings f WHERE f.doc_id = d.id)""").fetchone()[0]
        orphans = conn.execute("SELECT COUNT(*) FROM findings WHERE doc_id NOT IN (SELECT id FROM documents)").fetchone()[0]
    assert (torn, orphans) == (0, 0)

    err = io.StringIO()
    assert main([*args, "--out", "killed", "--workers", "2", "--resume"], io.StringIO(), err) == 1, err.getvalue()
    resumed = read_outputs(tmp_path / "killed")
    assert resumed == reference
    findings = [json.loads(line) for line in resumed["findings.jsonl"].splitlines()]
    keys = [(f["document_id"], f["start"]) for f in findings]
    assert len(keys) == len(set(keys)) and len(findings) == reference["summary.json"]["totals"]["findings"]
    ids = [line.split(",")[0] for line in resumed["documents.csv"].splitlines()[1:]]
    assert len(ids) == len(set(ids)) == N_DOCS
    run = json.loads((tmp_path / "killed" / "summary.json").read_text(encoding="utf-8"))["run"]
    assert run["skipped_already_done"] >= at_kill
    assert run["documents_checked"] == N_DOCS - run["skipped_already_done"]
