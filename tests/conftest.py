import pytest

import errcheck
from errcheck.resources import builtin_dictionaries
from errcheck.rules import load_rules

SEED_SENTENCE = "县医保局将京津冀写成京津翼，截止目前已整改，名族团结，党的二十精神"


@pytest.fixture(scope="session")
def checker(tmp_path_factory):
    """The shipped rule set, compiled into a private cache directory."""
    c = errcheck.Checker(cache_dir=tmp_path_factory.mktemp("cache"))
    c.load()
    return c


@pytest.fixture(scope="session")
def builtin_rules():
    return load_rules([builtin_dictionaries()])
