"""Load benchmark of the errcheck HTTP service.

Starts ``errcheck serve`` on 127.0.0.1 (a free port), sends 3,000-character articles
(sentences from ``shared/corpus`` beside the repository, or generated text when that is
missing, plus a few injected seed errors) to ``POST /v1/check`` at several concurrency
levels, each for a bounded time and a bounded number of requests, and reports
requests/s, p50/p95/p99 latency, errors and the server's peak RSS. In the same run it
measures the in-process ``Checker.check`` rate on the same articles, so the HTTP
overhead shows as a ratio.

    python benchmarks/service_load.py                      # table on stderr, JSON on stdout
    python benchmarks/service_load.py --workers 2 --seconds 4 --concurrency 1 16 64 --json out.json

Targets (2 cores): zero errors, p99 < 50 ms at concurrency 16, service throughput
>= 0.5x the in-process rate.

The client is a minimal asyncio HTTP/1.1 client on keep-alive connections (one per
concurrent request), so that the load generator, which shares the machine, costs as
little CPU as possible.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
ARTICLE_CHARS = 3000
SEEDS = ["深入推进京津翼协同发展", "截止目前已完成整改", "促进各名族共同团结奋斗", "认真学习贯彻党的二十精神"]
_FALLBACK_WORDS = (
    "各地区各部门 认真落实 工作部署 推动 经济社会 高质量发展 持续优化 营商环境 群众 满意度 "
    "不断提升 基层治理 扎实推进 乡村振兴 民生保障 进一步完善 服务水平 明显提高 安全生产 形势稳定"
).split()


def corpus_sentences() -> list[str]:
    sentences: list[str] = []
    if CORPUS.is_dir():
        for path in sorted(CORPUS.glob("*.txt")):
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                line = line.strip()
                if 8 <= len(line) <= 200:
                    sentences.append(line)
    return sentences


def build_articles(count: int, seed: int = 20240601) -> tuple[list[str], str]:
    rng = random.Random(seed)
    sentences = corpus_sentences()
    source = f"corpus ({len(sentences)} sentences)"
    if not sentences:
        source = "generated (shared/corpus not found)"
        sentences = [
            "".join(rng.choice(_FALLBACK_WORDS) for _ in range(rng.randint(4, 9))) + "。" for _ in range(2000)
        ]
    articles = []
    for _ in range(count):
        injected = rng.sample(SEEDS, 3)
        budget = ARTICLE_CHARS - sum(len(s) + 1 for s in injected)
        parts: list[str] = []
        size = 0
        while size < budget:
            s = rng.choice(sentences)
            parts.append(s)
            size += len(s)
        body = "".join(parts)[:budget]
        cut = sorted(rng.sample(range(1, budget), len(injected)))
        pieces, last = [], 0
        for pos, seed_text in zip(cut, injected):
            pieces += [body[last:pos], "\n", seed_text]
            last = pos
        pieces.append(body[last:])
        article = "".join(pieces)
        assert len(article) == ARTICLE_CHARS, len(article)
        articles.append(article)
    return articles, source


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tree(pid: int) -> list[int]:
    pids = [pid]
    try:
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    return pids


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its children, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / ticks


def process_tree_rss(pid: int) -> tuple[int, int]:
    """(current RSS, peak RSS) in bytes of ``pid`` and its children, from /proc."""
    rss = hwm = 0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1]) * 1024
                elif line.startswith("VmHWM:"):
                    hwm += int(line.split()[1]) * 1024
        except OSError:
            pass
    return rss, hwm


class Server:
    def __init__(self, workers: int, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "errcheck", "serve", "--host", "127.0.0.1", "--port", str(self.port),
               "--workers", str(workers), "--log-level", "warning"]
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env)

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=1) as r:
                    if r.status == 200:
                        # with several workers, each must be up: poll a few more times
                        time.sleep(0.5)
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server not ready in time")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    body = await reader.readexactly(length) if length else b""
    return status, body


async def run_level(port: int, bodies: list[bytes], concurrency: int, seconds: float, max_requests: int,
                    pid: int, expect_findings: int, path: bytes = b"/v1/check") -> dict:
    latencies: list[float] = []
    errors = 0
    error_samples: list[str] = []
    sent = 0
    deadline = time.perf_counter() + seconds
    peak_rss = 0

    async def sample_rss():
        nonlocal peak_rss
        while True:
            peak_rss = max(peak_rss, process_tree_rss(pid)[0])
            await asyncio.sleep(0.1)

    async def worker(index: int) -> None:
        nonlocal errors, sent
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = index
        try:
            while time.perf_counter() < deadline and sent < max_requests:
                sent += 1
                body = bodies[i % len(bodies)]
                i += concurrency
                if body:
                    request = (
                        b"POST " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                    )
                else:
                    request = b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                t0 = time.perf_counter()
                writer.write(request)
                try:
                    status, payload = await _read_response(reader)
                except (asyncio.IncompleteReadError, ConnectionError) as exc:
                    errors += 1
                    error_samples.append(repr(exc))
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                latencies.append(time.perf_counter() - t0)
                if status != 200 or payload.count(b'"code":"') < expect_findings:
                    errors += 1
                    if len(error_samples) < 5:
                        error_samples.append(f"{status}: {payload[:200]!r}")
        finally:
            writer.close()

    sampler = asyncio.ensure_future(sample_rss())
    began = time.perf_counter()
    cpu0, client0 = process_tree_cpu(pid), time.process_time()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - began
    server_cpu, client_cpu = process_tree_cpu(pid) - cpu0, time.process_time() - client0
    sampler.cancel()
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(round(p / 100 * (len(latencies) - 1))))] * 1000

    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "seconds": round(elapsed, 3),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(50), 2),
        "p95_ms": round(pct(95), 2),
        "p99_ms": round(pct(99), 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else None,
        "errors": errors,
        "error_samples": error_samples[:5],
        "server_rss_peak_mb": round(peak_rss / 2**20, 1),
        "server_cpu_us_per_request": round(server_cpu / max(len(latencies), 1) * 1e6, 1),
        "server_cpu_cores_busy": round(server_cpu / elapsed, 2),
        "client_cpu_cores_busy": round(client_cpu / elapsed, 2),
    }


def in_process_rate(articles: list[str], seconds: float) -> dict:
    sys.path.insert(0, str(REPO))
    import errcheck

    checker = errcheck.Checker()
    checker.load()
    for a in articles:  # warm up (jieba, caches), as the server does
        checker.check(a)
    n = 0
    began = time.perf_counter()
    while time.perf_counter() - began < seconds:
        checker.check(articles[n % len(articles)])
        n += 1
    elapsed = time.perf_counter() - began
    return {"checks": n, "seconds": round(elapsed, 3), "checks_per_s": round(n / elapsed, 1),
            "ms_per_check": round(elapsed / n * 1000, 3)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server worker processes (default: cores)")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 16, 64])
    ap.add_argument("--seconds", type=float, default=4.0, help="time per concurrency level")
    ap.add_argument("--max-requests", type=int, default=20000, help="request cap per level")
    ap.add_argument("--articles", type=int, default=64, help="distinct articles to cycle through")
    ap.add_argument("--warmup", type=float, default=1.0, help="seconds of unmeasured load first")
    ap.add_argument("--json", metavar="PATH", help="also write the JSON result here")
    args = ap.parse_args(argv)

    articles, source = build_articles(args.articles)
    bodies = [json.dumps({"text": a}, ensure_ascii=False).encode("utf-8") for a in articles]
    inproc = in_process_rate(articles, seconds=2.0)

    env = dict(os.environ)
    env.pop("ERRCHECK_API_KEY", None)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    cache = tempfile.TemporaryDirectory(prefix="errcheck-bench-")
    env.setdefault("ERRCHECK_CACHE_DIR", cache.name)
    server = Server(args.workers, env)
    results = []
    try:
        server.wait_ready()
        try:
            import uvloop  # noqa: F401

            loop_factory = uvloop.new_event_loop
        except ImportError:
            loop_factory = asyncio.new_event_loop

        def run(coro):
            loop = loop_factory()
            try:
                return loop.run_until_complete(coro)
            finally:
                loop.close()

        run(run_level(server.port, bodies, max(args.concurrency), args.warmup, 10**9, server.proc.pid, 3))
        for c in args.concurrency:
            results.append(run(run_level(server.port, bodies, c, args.seconds, args.max_requests,
                                         server.proc.pid, 3)))
        # the floor of the HTTP stack: the cheapest endpoint at the middle concurrency
        floor_c = sorted(args.concurrency)[len(args.concurrency) // 2]
        floor = run(run_level(server.port, [b""], floor_c, min(args.seconds, 2.0), args.max_requests,
                              server.proc.pid, 0, path=b"/healthz"))
        _, peak = process_tree_rss(server.proc.pid)
    finally:
        server.stop()
        cache.cleanup()

    for r in results:
        r["ratio_to_in_process"] = round(r["requests_per_s"] / inproc["checks_per_s"], 3)
    c16 = next((r for r in results if r["concurrency"] == 16), None)
    best = max(r["requests_per_s"] for r in results)
    report = {
        "benchmark": "service_load",
        "article_chars": ARTICLE_CHARS,
        "articles": len(articles),
        "text_source": source,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "in_process": inproc,
        "levels": results,
        "server_peak_rss_mb": round(peak / 2**20, 1),
        "http_floor_get_healthz": {k: floor[k] for k in ("concurrency", "requests_per_s", "p99_ms",
                                                          "server_cpu_us_per_request", "errors")},
        "targets": {
            "zero_errors": all(r["errors"] == 0 for r in results),
            "p99_ms_at_16_below_50": bool(c16 and c16["p99_ms"] < 50),
            "throughput_ratio_at_least_0.5": best / inproc["checks_per_s"] >= 0.5,
            "throughput_ratio_best": round(best / inproc["checks_per_s"], 3),
        },
    }
    out = sys.stderr
    print(f"in-process Checker.check: {inproc['checks_per_s']:.0f}/s ({inproc['ms_per_check']} ms per "
          f"{ARTICLE_CHARS}-char article); server: {args.workers} worker(s), text: {source}", file=out)
    print(f"{'conc':>5} {'req':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6} "
          f"{'ratio':>6} {'RSS MB':>7} {'srv us/req':>10} {'srv cores':>9} {'cli cores':>9}", file=out)
    for r in results:
        print(f"{r['concurrency']:>5} {r['requests']:>7} {r['requests_per_s']:>8.0f} {r['p50_ms']:>8.2f} "
              f"{r['p95_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['errors']:>6} {r['ratio_to_in_process']:>6.2f} "
              f"{r['server_rss_peak_mb']:>7.1f} {r['server_cpu_us_per_request']:>10.0f} "
              f"{r['server_cpu_cores_busy']:>9.2f} {r['client_cpu_cores_busy']:>9.2f}", file=out)
    print(f"HTTP floor (GET /healthz, concurrency {floor['concurrency']}): {floor['requests_per_s']:.0f} req/s, "
          f"{floor['server_cpu_us_per_request']:.0f} us server CPU per request", file=out)
    print(f"server peak RSS (all processes, VmHWM): {report['server_peak_rss_mb']} MB; targets: "
          + ", ".join(f"{k}={v if not isinstance(v, bool) else ('ok' if v else 'MISSED')}"
                      for k, v in report["targets"].items()), file=out)
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0 if all(v for k, v in report["targets"].items() if isinstance(v, bool)) else 1


if __name__ == "__main__":
    sys.exit(main())
