"""The dask engine gives exactly the local engine's results (on a LocalCluster)."""

import io

import pytest

from errcheck.cli import main

from test_scan import SCAN, read_outputs

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    # worker processes, so tasks and the shipped rule set really go through serialization
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, processes=True,
                                  host="127.0.0.1") as cluster:
        yield cluster


def test_dask_engine_equals_local_engine(workdir, cluster):
    out, err = io.StringIO(), io.StringIO()
    assert main([*SCAN, "--out", "local", "--workers", "2"], out, err) == 1, err.getvalue()
    code = main([*SCAN, "--out", "dask", "--engine", "dask", "--scheduler", cluster.scheduler_address], out, err)
    assert code == 1, err.getvalue()
    local, remote = read_outputs(workdir / "local"), read_outputs(workdir / "dask")
    assert remote == local
    assert local["summary.json"]["totals"]["findings"] == 16


def test_scheduler_requires_the_dask_engine(workdir):
    err = io.StringIO()
    assert main(["scan", "archive", "--out", "x", "--scheduler", "tcp://127.0.0.1:1"], io.StringIO(), err) == 2
    assert "--scheduler needs --engine dask" in err.getvalue()
