"""The house's floors: shared/ knows no service, services know no other service and no frontend,
and no package imports itself round in a circle."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("shared", "services", "frontend", "rebound")


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The product modules a file imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from package import module` imports the module
                submodule = f"{node.module}.{alias.name}"
                names.add(submodule if submodule in known else node.module)
    return {name for name in names if name in known}


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(path, set(found)) - {name} for name, path in found.items()}


def test_shared_imports_no_service_frontend_or_command():
    wrong = {name: sorted(target for target in targets if not target.startswith("shared"))
             for name, targets in graph().items() if name.startswith("shared")}
    assert {name: targets for name, targets in wrong.items() if targets} == {}


def test_a_service_imports_no_other_service_and_no_frontend():
    def service(name):
        parts = name.split(".")
        return parts[1] if parts[0] == "services" and len(parts) > 1 else None

    wrong = []
    for name, targets in graph().items():
        if name.startswith("services."):
            wrong += [(name, target) for target in targets
                      if target.startswith(("frontend", "rebound"))
                      or (service(target) and service(target) != service(name))]
    assert wrong == []


def test_no_import_cycles():
    edges = graph()
    cycles, done, path = [], set(), []

    def visit(name):
        if name in path:
            cycles.append(path[path.index(name):] + [name])
            return
        if name in done:
            return
        path.append(name)
        for target in sorted(edges[name]):
            visit(target)
        path.pop()
        done.add(name)

    for name in sorted(edges):
        visit(name)
    assert cycles == []
