import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


@pytest.fixture(scope="session")
def archive_root(tmp_path_factory):
    from batch_archive import make_archive

    pytest.importorskip("docx")
    root = tmp_path_factory.mktemp("archive-root")
    make_archive(root)
    return root


@pytest.fixture
def workdir(archive_root, tmp_path, monkeypatch):
    """A fresh copy of the archive as the current directory (ids and paths are relative)."""
    from batch_archive import copy_archive

    monkeypatch.chdir(copy_archive(archive_root, tmp_path))
    return tmp_path
