"""Project configuration: ``errcheck.toml`` or ``[tool.errcheck]`` in ``pyproject.toml``.

Discovery works like ruff's: from the directory of the checked file (the working
directory for standard input) upward, the first directory holding ``errcheck.toml``,
``.errcheck.toml`` or a ``pyproject.toml`` *with* a ``[tool.errcheck]`` table wins (in
that order within one directory); nothing is merged from farther up. ``--config FILE``
names the file instead, ``--isolated`` ignores every file. Options given on the command
line override the file's.

Keys (``errcheck.toml`` at the top level, ``pyproject.toml`` under ``[tool.errcheck]``)::

    select = ["ALL"]                  # rule selectors: codes, prefixes (TY, CW00), categories
    extend-select = []                # added to select
    ignore = ["CW"]                   # subtracted (see errcheck.selectors for precedence)
    extend-ignore = []
    per-file-ignores = { "archive/**" = ["outdated"], "*.md" = ["PN0004"] }
    min-severity = "warning"          # warning | error | serious
    fail-on = "serious"
    as-of = 2024-01-01                # a TOML date or "YYYY-MM-DD"
    mode = "fast"                     # fast | thorough
    dictionaries = ["house-rules/"]   # relative to the configuration file
    allow = ["浙里办", "渝悦"]          # phrases never flagged (errcheck.allowlist)
    allow-files = ["names.txt"]       # more phrases, one a line, # starts a comment
    report-unused-ignores = false     # report suppressions that silenced nothing (EC0001)

Any unknown key or bad value is a `ConfigError` naming the file and the key.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .allowlist import AllowList
from .model import Severity
from .selectors import Layer, RuleSelection, parse_selectors

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: file names searched in each directory, in order of precedence
CONFIG_NAMES = (".errcheck.toml", "errcheck.toml", "pyproject.toml")
MODES = ("fast", "thorough")


class ConfigError(ValueError):
    """An invalid configuration file. ``str()`` reads ``path: key 'k': reason``."""

    def __init__(self, path: str | Path, key: str | None, reason: str) -> None:
        self.path = str(path)
        self.key = key
        self.reason = reason
        where = f"{self.path}: key '{key}'" if key else self.path
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Settings:
    """The settings of one configuration file (or the defaults: ``path`` None). A value of
    None means "not set here": the command line or the built-in default decides."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    min_severity: str | None = None
    fail_on: str | None = None
    as_of: _dt.date | None = None
    mode: str | None = None
    dictionaries: tuple[Path, ...] = ()
    allow: tuple[str, ...] = ()
    allow_files: tuple[Path, ...] = ()
    report_unused_ignores: bool | None = None
    #: the file these settings come from (None: no file)
    path: Path | None = None
    #: ``pyproject.toml`` table or top level
    table: str = ""
    _allow_list: Any = field(default=None, compare=False, repr=False)

    @property
    def root(self) -> Path:
        """The directory paths in the file are relative to (the working directory without one)."""
        return self.path.parent if self.path else Path.cwd()

    def layer(self) -> Layer:
        return Layer(select=self.select, extend_select=self.extend_select,
                     ignore=self.ignore + self.extend_ignore)

    def per_file_layer(self, path: str | Path | None) -> Layer | None:
        """The ignores of ``per-file-ignores`` whose glob matches ``path``."""
        if path is None or not self.per_file_ignores:
            return None
        names = _candidate_names(Path(path), self.root)
        ignored: list[str] = []
        for pattern, selectors in self.per_file_ignores:
            regex = glob_regex(pattern)
            if any(regex.fullmatch(n) for n in names):
                ignored.extend(selectors)
        return Layer(ignore=tuple(ignored)) if ignored else None

    def allow_list(self) -> AllowList | None:
        """The phrases of ``allow`` and ``allow-files`` (read once)."""
        if self._allow_list is None:
            phrases = list(self.allow)
            for p in self.allow_files:
                phrases.extend(read_phrase_file(p, self.path))
            object.__setattr__(self, "_allow_list", AllowList(phrases))
        return self._allow_list or None

    def to_dict(self) -> dict:
        """The settings as plain data (``errcheck config --format json``)."""
        return {
            "select": list(self.select) if self.select is not None else None,
            "extend-select": list(self.extend_select),
            "ignore": list(self.ignore),
            "extend-ignore": list(self.extend_ignore),
            "per-file-ignores": {g: list(s) for g, s in self.per_file_ignores},
            "min-severity": self.min_severity,
            "fail-on": self.fail_on,
            "as-of": self.as_of.isoformat() if self.as_of else None,
            "mode": self.mode,
            "dictionaries": [str(p) for p in self.dictionaries],
            "allow": list(self.allow),
            "allow-files": [str(p) for p in self.allow_files],
            "report-unused-ignores": self.report_unused_ignores,
        }


def rule_selection(settings: Settings, cli: Layer | None = None, path: str | Path | None = None) -> RuleSelection:
    """The layers for one file: the configuration, then the command line, then the
    file's ``per-file-ignores`` (which, as in ruff, win over everything)."""
    layers = [settings.layer()]
    if cli is not None:
        layers.append(cli)
    per_file = settings.per_file_layer(path)
    if per_file is not None:
        layers.append(per_file)
    return RuleSelection(layers)


# --------------------------------------------------------------------------- discovery


def find_config(start: str | Path) -> Path | None:
    """The nearest configuration file at or above ``start`` (a directory or a file)."""
    start = Path(start).resolve()
    if not start.is_dir():
        start = start.parent
    for directory in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    data = _read_toml(path)
    tool = data.get("tool")
    return isinstance(tool, dict) and "errcheck" in tool


def _read_toml(path: Path) -> dict:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(path, None, f"not UTF-8 text (invalid byte at offset {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, None, f"invalid TOML: {exc}") from None


class Resolver:
    """Finds and loads the configuration of each checked file, each file read once."""

    def __init__(self, config: str | Path | None = None, isolated: bool = False) -> None:
        self.isolated = isolated
        self.explicit = load_config(config) if config and not isolated else None
        self._by_path: dict[Path | None, Settings] = {}
        self._by_dir: dict[Path, Path | None] = {}

    def for_path(self, path: str | Path | None) -> Settings:
        """The settings that apply to ``path``, a file or a directory (None or ``-``:
        standard input, from the working directory)."""
        if self.isolated:
            return Settings()
        if self.explicit is not None:
            return self.explicit
        if path in (None, "-"):
            start = Path.cwd()
        else:
            start = Path(path).resolve()
            start = start if start.is_dir() else start.parent
        if start not in self._by_dir:
            self._by_dir[start] = find_config(start)
        found = self._by_dir[start]
        if found not in self._by_path:
            self._by_path[found] = load_config(found) if found else Settings()
        return self._by_path[found]


# --------------------------------------------------------------------------- loading


_KEYS = {
    "select": "select",
    "extend-select": "extend_select",
    "ignore": "ignore",
    "extend-ignore": "extend_ignore",
    "per-file-ignores": "per_file_ignores",
    "min-severity": "min_severity",
    "fail-on": "fail_on",
    "as-of": "as_of",
    "mode": "mode",
    "dictionaries": "dictionaries",
    "allow": "allow",
    "allow-files": "allow_files",
    "report-unused-ignores": "report_unused_ignores",
}
assert set(_KEYS.values()) == {f.name for f in fields(Settings)} - {"path", "table", "_allow_list"}


def load_config(path: str | Path) -> Settings:
    """Read and validate one configuration file; raises `ConfigError`."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(path, None, "no such file")
    data = _read_toml(path)
    table = ""
    if path.name == "pyproject.toml":
        tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
        if "errcheck" not in tool:
            raise ConfigError(path, None, "has no [tool.errcheck] table")
        data = tool["errcheck"]
        table = "tool.errcheck"
        if not isinstance(data, dict):
            raise ConfigError(path, "tool.errcheck", "must be a table")
    return parse_settings(data, path, table)


def parse_settings(data: dict, path: Path, table: str = "") -> Settings:
    prefix = f"{table}." if table else ""
    values: dict[str, Any] = {}
    for key, value in data.items():
        name = _KEYS.get(key)
        if name is None:
            close = difflib.get_close_matches(key.replace("_", "-"), list(_KEYS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; known keys: {', '.join(_KEYS)}"
            raise ConfigError(path, prefix + key, f"unknown key{hint}")
        try:
            values[name] = _PARSERS[name](value, path.parent)
        except ValueError as exc:
            raise ConfigError(path, prefix + key, str(exc)) from None
    return Settings(**values, path=path.resolve(), table=table)


def _string_list(value, what="a list of strings") -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"must be {what}, got {_show(value)}")
    return value


def _show(value) -> str:
    return f"{type(value).__name__} {value!r}"


def _selectors(value, root: Path) -> tuple[str, ...]:
    return parse_selectors(_string_list(value), "selector")


def _per_file(value, root: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ValueError(f"must be a table of glob = [selectors], got {_show(value)}")
    out = []
    for glob, selectors in value.items():
        if isinstance(selectors, str):
            selectors = [selectors]
        try:
            out.append((glob, parse_selectors(_string_list(selectors), f"glob {glob!r}")))
            glob_regex(glob)
        except ValueError as exc:
            raise ValueError(f"{glob!r}: {exc}") from None
    return tuple(out)


def _severity(value, root: Path) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be one of {', '.join(s.label for s in Severity)}, got {_show(value)}")
    return Severity.parse(value).label


def _date(value, root: Path) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"must be a date (2024-01-01 or \"2024-01-01\"), got {_show(value)}")


def _mode(value, root: Path) -> str:
    if value not in MODES:
        raise ValueError(f"must be one of {', '.join(MODES)}, got {_show(value)}")
    return value


def _paths(value, root: Path) -> tuple[Path, ...]:
    out = []
    for v in _string_list(value):
        p = (root / Path(v).expanduser()).resolve()
        if not p.exists():
            raise ValueError(f"{v!r} does not exist (looked for {p})")
        out.append(p)
    return tuple(out)


def _phrases(value, root: Path) -> tuple[str, ...]:
    from .allowlist import check_phrase

    return tuple(check_phrase(p) for p in _string_list(value))


def _bool(value, root: Path) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {_show(value)}")
    return value


_PARSERS = {
    "select": _selectors,
    "extend_select": _selectors,
    "ignore": _selectors,
    "extend_ignore": _selectors,
    "per_file_ignores": _per_file,
    "min_severity": _severity,
    "fail_on": _severity,
    "as_of": _date,
    "mode": _mode,
    "dictionaries": _paths,
    "allow": _phrases,
    "allow_files": _paths,
    "report_unused_ignores": _bool,
}


def read_phrase_file(path: Path, config: Path | None) -> list[str]:
    """Phrases of an ``allow-files`` entry: one a line, ``#`` starts a comment (see
    `errcheck.allowlist.read_allow_file`); a bad file is a `ConfigError` naming its line."""
    from .allowlist import read_allow_file
    from .rules import RuleError

    try:
        return read_allow_file(path)
    except RuleError as exc:
        raise ConfigError(config or path, "allow-files", str(exc)) from None


# --------------------------------------------------------------------------- globs


def glob_regex(pattern: str) -> re.Pattern:
    """A glob as a regular expression over ``/``-separated paths: ``*`` and ``?`` stay in
    one path component, ``**`` crosses any number, ``[...]`` is a character class."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            close = pattern.find("]", i + 1)
            if close == -1:
                raise ValueError(f"unclosed '[' in glob {pattern!r}")
            body = pattern[i + 1 : close]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            i = close + 1
            continue
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out))


def _candidate_names(path: Path, root: Path) -> list[str]:
    """What a ``per-file-ignores`` glob is matched against: the path relative to the
    configuration's directory (or absolute, outside it), and the file name alone."""
    path = path.resolve()
    try:
        relative = path.relative_to(root.resolve()).as_posix()
    except ValueError:
        relative = path.as_posix()
    return [relative, path.name]
