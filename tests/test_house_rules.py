"""The house's rules, read from the code: packages import only downward, no import cycles, no
private name crosses a module border, the contract's literals are written once, and Streamlit
stays in the UI (docs/architecture.md, "The packages")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from copilot_usage.contract import keys, rules

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "copilot_usage"

# What each part may import (besides itself). The data's way: GitHub -> collector -> store ->
# read -> web; `analysis` is pure and `contract` is at the bottom.
MAY_IMPORT = {
    "contract": set(),
    "errors": set(),
    "lookahead": set(),
    "config": {"contract", "errors"},
    "github": {"contract", "errors"},
    "store": {"contract", "errors", "lookahead"},
    "collector": {"contract", "errors", "config", "github", "store", "lookahead", "demo"},
    "analysis": {"contract", "errors", "config"},
    "read": {"contract", "errors", "store", "analysis"},
    "web": {"contract", "errors", "config", "github", "store", "read", "analysis", "demo"},
    "demo": {"contract"},
    "__init__": {"config", "store", "collector"},
    "__main__": {"collector"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports(module: str) -> list[tuple[str, list[str]]]:
    """(imported module, names) for every import of `module`, at module level or in a function."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            names = [alias.name for alias in node.names]
            submodules = [f"{target}.{name}" for name in names if f"{target}.{name}" in MODULES]
            found += [(sub, []) for sub in submodules] or [(target, names)]
    return [(target, names) for target, names in found if target.split(".")[0] == "copilot_usage"]


def part(module: str) -> str:
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "__init__"


def test_every_part_imports_only_what_the_data_flow_allows():
    wrong = sorted(f"{module} -> {target}" for module in MODULES for target, _ in imports(module)
                   if part(target) != part(module) and part(target) not in MAY_IMPORT[part(module)])
    assert not wrong


def test_the_package_has_no_import_cycles():
    graph = {module: {target for target, _ in imports(module) if target in MODULES and target != module}
             for module in MODULES}
    cycles, on_path, done = [], [], set()

    def visit(module: str) -> None:
        if module in on_path:
            cycles.append(on_path[on_path.index(module):] + [module])
            return
        if module in done:
            return
        on_path.append(module)
        for target in sorted(graph[module]):
            visit(target)
        on_path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
    assert not cycles


def test_no_private_name_crosses_a_module_border():
    crossing = sorted(f"{module} takes {name} from {target}" for module in MODULES
                      for target, names in imports(module) if target != module
                      for name in names if name.startswith("_"))
    assert not crossing


def string_constants(path: Path) -> set[str]:
    """The string literals of a module's code, docstrings left out."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings}


def test_store_keys_and_sources_are_written_in_the_contract_only():
    contract = {value for name, value in vars(keys).items() if name.isupper() and isinstance(value, str)}
    contract |= {rules.USAGE_METRICS, rules.LEGACY_METRICS}
    assert "teams_history.json" in contract and "users-1-day" in contract
    elsewhere = sorted(f"{module}: {text!r}" for module, path in MODULES.items()
                       if not module.startswith("copilot_usage.contract")
                       for text in string_constants(path) & contract)
    assert not elsewhere


def test_streamlit_is_imported_by_the_ui_only():
    outside = sorted(module for module, path in MODULES.items()
                     if not module.startswith("copilot_usage.web.ui")
                     and any(isinstance(node, (ast.Import, ast.ImportFrom))
                             and any((getattr(node, "module", None) or alias.name).startswith("streamlit")
                                     for alias in node.names)
                             for node in ast.walk(ast.parse(path.read_text()))))
    assert not outside
