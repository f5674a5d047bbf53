"""errcheck: find typos, serious expression errors (严重表述错误) and sensitive wording
in Chinese text before it is published.

    >>> import errcheck
    >>> report = errcheck.check("坚持京津翼协同发展")
    >>> [(f.text, f.suggestions[0]) for f in report.findings]
    [('京津翼', '京津冀')]
"""

from ._version import __version__
from .checker import Checker, check, default_checker
from .model import SCHEMA_VERSION, Finding, Report, Severity
from .loader import load_rules
from .rules import Rule, RuleError

__all__ = [
    "__version__",
    "SCHEMA_VERSION",
    "Checker",
    "Finding",
    "Report",
    "Rule",
    "RuleError",
    "Severity",
    "check",
    "default_checker",
    "load_rules",
]
