"""environment.yml (for conda users) must pin exactly what pyproject.toml and the lock pin."""

from __future__ import annotations

import tomllib

import yaml

from kpolicy.paths import ROOT


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    pins = {}
    for req in reqs:
        name, _, version = req.partition("==")
        assert version, f"pyproject.toml dependency {req!r} is not pinned exactly"
        pins[name.lower()] = version
    return pins


def test_environment_yml_matches_pyproject() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps
    pip_reqs = next(d["pip"] for d in deps if isinstance(d, dict))
    env_pins = {}
    for req in pip_reqs:
        if req.startswith("-e"):
            continue
        name, _, version = req.partition("==")
        env_pins[name.lower()] = version
    assert env_pins == _pyproject_pins()


def test_lock_file_agrees_with_pyproject() -> None:
    lock = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            lock[name.lower().replace("_", "-")] = version
    for name, version in _pyproject_pins().items():
        assert lock.get(name.replace("_", "-")) == version, f"{name}: lock has {lock.get(name)}, pyproject {version}"
