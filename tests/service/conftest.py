import pytest

pytest.importorskip("fastapi", reason="the service extra is not installed")

from fastapi.testclient import TestClient  # noqa: E402

from service.config import Settings  # noqa: E402
from service.main import create_app  # noqa: E402


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("service-cache")


@pytest.fixture
def make_settings(cache_dir):
    def make(**overrides) -> Settings:
        overrides.setdefault("cache_dir", cache_dir)
        # cold builds in the test process itself, with its warm tables: much faster for
        # tests that reload changed dictionaries (the child-process build has its own
        # tests in test_reload_workers.py)
        overrides.setdefault("build_in_child", False)
        return Settings(_env_file=None, **overrides)

    return make


@pytest.fixture
def make_client(make_settings):
    clients = []

    def make(**overrides) -> TestClient:
        client = TestClient(create_app(make_settings(**overrides)), raise_server_exceptions=False)
        client.__enter__()  # runs the lifespan: the checker is loaded
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = Settings(_env_file=None, cache_dir=tmp_path_factory.mktemp("cache"))
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c
