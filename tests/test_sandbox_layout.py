"""The sandbox's modules import one way: handlers use protocol and state, the server
wires the handlers, and no handler imports the server."""

import ast
import importlib
import pkgutil
from pathlib import Path

import amazon_sp.sandbox
from amazon_sp.sandbox import server

PACKAGE = amazon_sp.sandbox.__name__
NAMES = sorted(m.name for m in pkgutil.iter_modules(amazon_sp.sandbox.__path__))
ENTRY_POINTS = {"__init__", "__main__"}  # they may import the server


def _source(name):
    folder = Path(amazon_sp.sandbox.__file__).parent
    return (folder / f"{name}.py").read_text(encoding="utf-8")


def _sandbox_imports(name):
    """The sandbox modules that module ``name`` imports (at any depth of its code)."""
    imported = set()
    for node in ast.walk(ast.parse(_source(name))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE + "."):
                    imported.add(alias.name.split(".")[2])
        elif isinstance(node, ast.ImportFrom):
            if node.level == 1:
                module = node.module
            elif node.level == 0 and (node.module or "").startswith(PACKAGE):
                module = node.module[len(PACKAGE) + 1 :] or None
            else:
                continue  # outside the sandbox (amazon_sp, the standard library...)
            if module:
                imported.add(module.split(".")[0])
            else:  # from . import a, b
                imported.update(a.name for a in node.names if a.name in NAMES)
    return imported


def test_every_sandbox_module_imports():
    assert {"protocol", "server", "state"} <= set(NAMES)
    for name in NAMES:
        importlib.import_module(f"{PACKAGE}.{name}")


def test_no_module_but_the_entry_points_imports_the_server():
    importers = {
        name for name in NAMES if "server" in _sandbox_imports(name)
    } - ENTRY_POINTS
    assert importers == set()


def test_protocol_imports_no_other_sandbox_module():
    assert _sandbox_imports("protocol") == set()


def test_the_server_wires_handler_modules_that_register_routes():
    handlers = {module.__name__.rsplit(".", 1)[1] for module in server.HANDLERS}
    assert handlers <= _sandbox_imports("server")
    assert "server" not in handlers
    for module in server.HANDLERS:
        assert callable(getattr(module, "register", None)), module.__name__


def test_sandbox_imports_have_no_cycle():
    graph = {name: _sandbox_imports(name) - {"__init__"} for name in NAMES}

    def visit(name, path):
        assert name not in path, " -> ".join([*path, name])
        for imported in graph.get(name, ()):
            visit(imported, (*path, name))

    for name in NAMES:
        visit(name, ())
