"""The package's layout as ARCHITECTURE.md describes it: the modules it names exist, and no layer
imports a layer above it (so there is no import cycle between the parts)."""

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "zwgk"
ARCHITECTURE = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")

# Lower numbers are lower layers; a module may import its own part and the parts below it.
LAYERS = {
    "catalog": 1,
    "rules": 2,
    "sample": 2,
    "site": 3,
    "contrib": 3,
    "search": 4,
    "monitoring": 4,
    "build": 5,
    "cli": 6,
    "entry": 7,  # the console script: `zwgk search` without the rest of the CLI, else the CLI
    "__main__": 8,  # `python -m zwgk` runs the console script's entry
}


def _part(module: str) -> str:
    """`zwgk.site.pages` -> `site`; `zwgk.build` -> `build`."""
    return module.split(".")[1]


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if len(parts) > 1:
            found[".".join(parts)] = path
    return found


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("zwgk"):
            assert node.level == 0, f"{path}: imports are absolute"
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.startswith("zwgk"))
    return names


def test_every_part_of_the_package_has_a_layer():
    assert {_part(module) for module in _modules()} <= set(LAYERS)


@pytest.mark.parametrize("module", sorted(_modules()))
def test_no_module_imports_a_layer_above_its_own(module):
    modules = _modules()
    mine = LAYERS[_part(module)]
    for name in _imports(modules[module]):
        if name == "zwgk" or name not in modules:
            continue  # `from zwgk.site import urls` is listed as zwgk.site.urls too
        theirs = _part(name)
        assert theirs == _part(module) or LAYERS[theirs] < mine, f"{module} imports {name} (layer {LAYERS[theirs]} ≥ {mine})"


def test_no_import_cycle_inside_a_part():
    modules = _modules()
    graph = {module: {name for name in _imports(path) if name in modules and name != module} for module, path in modules.items()}
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for name in graph[module]:
            assert state.get(name) != 1, "import cycle: " + " -> ".join([*trail, module, name])
            if name not in state:
                visit(name, [*trail, module])
        state[module] = 2

    for module in graph:
        if module not in state:
            visit(module, [])


@pytest.mark.parametrize("document", ["ARCHITECTURE.md", "README.md"])
def test_every_path_the_documents_name_exists(document):
    text = (ROOT / document).read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:zwgk|hooks|content|overrides|catalog|schemas|scripts|tests|requirements)/[^`\s<>…]*)`", text))
    assert paths, f"{document} names no paths"
    missing = [path for path in sorted(paths) if not (ROOT / path).exists()]
    assert not missing, f"{document} names paths that do not exist: {missing}"


def test_every_module_in_a_layer_row_exists_in_that_folder():
    rows = re.findall(r"^\| \d \| `(zwgk/[a-z_]+/)` \| (.*) \|$", ARCHITECTURE, re.M)
    assert len(rows) >= 7
    for folder, text in rows:
        for name in re.findall(r"`([a-z_]+\.py)`", text):
            assert (ROOT / folder / name).is_file(), f"ARCHITECTURE.md: {folder}{name} does not exist"
        listed = set(re.findall(r"`([a-z_]+\.py)`", text))
        present = {path.name for path in (ROOT / folder).glob("*.py")} - {"__init__.py"}
        assert present <= listed | {"__init__.py"}, f"ARCHITECTURE.md does not list {sorted(present - listed)} in {folder}"


def test_every_dotted_name_the_architecture_names_exists():
    for dotted in sorted(
        set(re.findall(r"`((?:catalog|rules|site|search|monitoring|contrib|sample)\.[a-z_]+\.[A-Za-z_]+)`", ARCHITECTURE))
    ):
        module, name = dotted.rsplit(".", 1)
        assert hasattr(importlib.import_module(f"zwgk.{module}"), name), f"ARCHITECTURE.md names {dotted}, which does not exist"


MAX_LINES = 400


@pytest.mark.parametrize("folder", ["zwgk", "hooks", "scripts"])
def test_no_module_is_over_400_lines(folder):
    """One job per module: a module past the limit holds more than one; split it by job."""
    sizes = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines()) for path in (ROOT / folder).rglob("*.py")
    }
    assert sizes, f"{folder}/ holds no Python files"
    over = [f"{path} ({lines} lines)" for path, lines in sorted(sizes.items()) if lines > MAX_LINES]
    assert not over, f"over {MAX_LINES} lines: " + ", ".join(over)
