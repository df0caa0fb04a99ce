"""The package's import layers: no cycles, and each module imports only modules below it.

``python tests/test_layers.py`` prints the layers (a module's layer is one more than the highest
layer it imports) and, for each module, the package modules it imports.
"""

from __future__ import annotations

import ast
from graphlib import TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "stackmeta_lite"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts).removeprefix(
        "stackmeta_lite."
    )


def import_graph() -> dict[str, set[str]]:
    """Each package module (``learners.pg``, ``leader``, ...) and the package modules it
    imports, at any depth of its code (deferred imports included)."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "stackmeta_lite"
            ):
                base = node.module.removeprefix("stackmeta_lite").removeprefix(".")
                for alias in node.names:  # ``from stackmeta_lite import plotting``
                    candidate = f"{base}.{alias.name}".lstrip(".")
                    imported.add(candidate if candidate in modules else base)
        graph[name] = {module for module in imported if module and module != name}
    return graph


def layers(graph: dict[str, set[str]]) -> dict[str, int]:
    """Layer of every module: 0 for a module importing no package module, else one more than
    the highest layer it imports."""
    layer: dict[str, int] = {}
    for module in TopologicalSorter(graph).static_order():  # raises CycleError on a cycle
        layer[module] = 1 + max((layer[m] for m in graph[module]), default=-1)
    return layer


HOUSE_LAYERS = {
    # The house style, as folders: shared plumbing, then the games and their exact solutions, the
    # learners, the paper's method, the experiments, and the display and Atari on top.
    0: ("common",),
    1: ("games",),
    2: ("learners",),
    3: ("method",),
    4: ("experiments",),
    5: ("display", "atari"),
    6: ("commands",),
    7: ("cli", "__main__"),
}


def house_layer(module: str) -> int:
    top = module.split(".")[0]
    for layer, modules in HOUSE_LAYERS.items():
        if top in modules:
            return layer
    raise AssertionError(f"module {module!r} has no house layer: add it to HOUSE_LAYERS")


def test_no_cycles_and_no_upward_imports():
    graph = import_graph()
    layers(graph)  # no cycles
    upward = [
        (module, imported)
        for module, imports in graph.items()
        if module != "stackmeta_lite"
        for imported in imports
        if house_layer(imported) > house_layer(module)
    ]
    assert upward == []
    assert "method.pretrain" not in graph["method.leader"]  # step bookkeeping lives in iterated


if __name__ == "__main__":
    graph = import_graph()
    layer = layers(graph)
    for module in sorted(graph, key=lambda m: (layer[m], m)):
        print(f"{layer[module]:2d} {module:24s} <- {', '.join(sorted(graph[module])) or '-'}")
