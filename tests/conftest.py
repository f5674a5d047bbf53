import pytest

import errcheck
from errcheck.resources import builtin_dictionaries
from errcheck.loader import load_rules

@pytest.fixture(scope="session", autouse=True)
def _session_cache(tmp_path_factory):
    """One compiled-rules cache for the whole run: the shipped rule set is built once
    (about 20 s cold) and every later Checker on it loads the cache."""
    import os

    old = os.environ.get("ERRCHECK_CACHE_DIR")
    os.environ["ERRCHECK_CACHE_DIR"] = str(tmp_path_factory.mktemp("errcheck-cache"))
    yield
    if old is None:
        os.environ.pop("ERRCHECK_CACHE_DIR", None)
    else:
        os.environ["ERRCHECK_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def checker(_session_cache):
    """The shipped rule set."""
    c = errcheck.Checker()
    c.load()
    return c


@pytest.fixture(scope="session")
def builtin_rules():
    return load_rules([builtin_dictionaries()])
