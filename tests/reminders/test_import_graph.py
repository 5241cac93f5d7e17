"""The reminders modules import each other one way only: no cycle, no import hidden in a function."""

import ast
from pathlib import Path

import reminders

PACKAGE = "reminders"
ROOT = Path(reminders.__file__).parent


def _sibling(node):
    """The sibling module an import names, or None."""
    if isinstance(node, ast.ImportFrom):
        if node.level == 1:
            return (node.module or ".").split(".")[0]
        if node.module and node.module.startswith(PACKAGE + "."):
            return node.module[len(PACKAGE) + 1:].split(".")[0]
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.startswith(PACKAGE + "."):
                return alias.name[len(PACKAGE) + 1:].split(".")[0]
    return None


def import_graph():
    graph, lazy = {}, []
    for path in ROOT.glob("*.py"):
        module = path.stem
        tree = ast.parse(path.read_text())
        top_level = {id(node) for node in tree.body}
        edges = set()
        for node in ast.walk(tree):
            target = _sibling(node)
            if target is None:
                continue
            if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module:
                names = {alias.name for alias in node.names}
                targets = {n for n in names if (ROOT / f"{n}.py").exists()}
            else:
                targets = {target}
            edges |= targets
            if id(node) not in top_level:
                lazy.append((module, sorted(targets)))
        graph[module] = edges - {module}
    return graph, lazy


def _cycle(graph):
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return trail + [node, nxt]
            if nxt not in state:
                found = visit(nxt, trail + [node])
                if found:
                    return found
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


def test_it_finds_the_modules_and_their_imports():
    graph, _ = import_graph()
    assert {"delivery", "sweep"} <= graph["tasks"]
    assert "models" in graph["sweep"]


def test_the_reminders_modules_form_no_import_cycle():
    graph, _ = import_graph()
    assert _cycle(graph) is None


def test_no_reminders_module_imports_a_sibling_inside_a_function():
    """Except the one place Django asks for it: ``AppConfig.ready`` connects the receivers
    once the app registry is ready."""
    _, lazy = import_graph()
    assert [entry for entry in lazy if entry != ("apps", ["receivers"])] == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
