"""The package's shape: no import cycle, families apart from the pipeline, a cache key
that follows the code."""

from __future__ import annotations

import ast
from pathlib import Path

import errcheck
from errcheck import compiler
from errcheck.families import BY_FILE_KEY, BY_NAME, FAMILIES, KIND_LABELS, Family

PACKAGE = Path(errcheck.__file__).resolve().parent
#: the pipeline steps and their driver: families and services must not import them
PIPELINE = {"errcheck.checker", "errcheck.compiler", "errcheck.filter", "errcheck.report", "errcheck.loader",
            "errcheck.context"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """The errcheck modules ``path`` imports, at module level or inside functions."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "errcheck":
                continue
            for alias in node.names:  # `from . import pairs` imports a submodule
                sub = f"{module}.{alias.name}"
                found.add(sub if (PACKAGE.parent / Path(*sub.split("."))).with_suffix(".py").exists() else module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "errcheck")
    return found - {name}


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            # importing errcheck.x.y also runs errcheck.x's __init__
            if state.get(dep) == 1:
                return stack[stack.index(dep):] + [dep]
            if dep not in state:
                found = visit(dep)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle_in_the_package():
    graph = _graph()
    assert "errcheck.families.terms" in graph and "errcheck.services.segment" in graph
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_families_and_services_do_not_import_the_pipeline():
    for name, deps in _graph().items():
        if name.startswith(("errcheck.families", "errcheck.services")):
            assert not deps & PIPELINE, (name, sorted(deps & PIPELINE))
        if name.startswith("errcheck.services"):
            assert not any(d.startswith("errcheck.families") for d in deps), name


def test_pipeline_names_no_family():
    """The pipeline asks the registry: no pipeline module imports a family module."""
    modules = {m for f in FAMILIES for m in (type(f).__module__,)}
    for name, deps in _graph().items():
        if name in PIPELINE - {"errcheck.checker"}:  # the checker takes VariantOptions from terms
            assert not deps & modules, (name, sorted(deps & modules))


def test_registry_is_consistent():
    assert len(BY_NAME) == len(BY_FILE_KEY) == len(FAMILIES) >= 4
    for f in FAMILIES:
        assert isinstance(f, Family) and f.name and f.file_key and f.keys and f.schema
        assert set(f.kind_labels) <= set(KIND_LABELS)
        assert f.shape in ("list", "mapping")


def test_every_shipped_rule_names_a_registered_family(builtin_rules):
    assert {r.family for r in builtin_rules} == set(BY_NAME)


def test_cache_key_covers_every_module_that_shapes_the_compiled_rules():
    files = {p.relative_to(PACKAGE).as_posix() for p in compiler._package_imports(PACKAGE / "compiler.py", PACKAGE)}
    for must in ("compiler.py", "loader.py", "rules.py", "normalize.py", "matcher.py", "families/__init__.py",
                 "families/base.py", "services/confusables.py", "services/segment.py"):
        assert must in files, must
    for f in FAMILIES:
        assert type(f).__module__.replace("errcheck.", "").replace(".", "/") + ".py" in files
    # and nothing that cannot change a compiled rule set
    assert not {"cli.py", "checker.py", "report.py", "filter.py"} & files


def test_cache_key_changes_with_a_family_module(tmp_path, monkeypatch):
    import shutil

    copy = tmp_path / "errcheck"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "dictionaries"))
    assert compiler.hash_sources(copy) == compiler.source_hash()
    before = compiler.hash_sources(copy)
    (copy / "cli.py").write_text((copy / "cli.py").read_text() + "\n# changed\n")
    assert compiler.hash_sources(copy) == before  # the CLI shapes no rule set
    for module in ("families/words.py", "services/segment.py", "normalize.py"):
        (copy / module).write_text((copy / module).read_text() + "\n# changed\n")
        after = compiler.hash_sources(copy)
        assert after != before, module
        before = after
