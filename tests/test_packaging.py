"""The tested set: requirements/constraints.txt pins a version within every
requirement's range, and the environment running the suite is that set (in CI
it is installed with it; locally, a stale file says how to regenerate it)."""
from importlib import metadata

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.tiny_configs import ROOT

REGENERATE = ('install requirements/*.txt into .venv, run the suite, then '
              '`bash requirements/update_constraints.sh`')


def requirements(name: str) -> list:
    lines = (ROOT / 'requirements' / f'{name}.txt').read_text().splitlines()
    return [Requirement(line) for line in lines
            if line.strip() and not line.startswith('#')]


def constraints() -> dict:
    pins = {}
    for line in (ROOT / 'requirements' / 'constraints.txt').read_text().splitlines():
        if line.strip() and not line.startswith('#'):
            name, _, version = line.partition('==')
            assert version, f'constraints.txt: {line!r} is not name==version'
            pins[canonicalize_name(name)] = version
    return pins


def test_constraints_pin_every_requirement_within_its_range():
    pins = constraints()
    environment = default_environment()
    for requirement in requirements('runtime') + requirements('tests'):
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f'{requirement} is not in constraints.txt: {REGENERATE}'
        assert requirement.specifier.contains(pins[name], prereleases=True), \
            f'constraints.txt pins {name}=={pins[name]}, outside {requirement}'
    assert 'mmvididi' not in pins


def test_this_environment_is_the_tested_set():
    stale = []
    for name, version in constraints().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # another platform's package (e.g. CUDA libraries)
        if installed != version:
            stale.append(f'{name} {installed} (constraints.txt: {version})')
    assert not stale, f'installed here: {stale}; {REGENERATE}'


def test_setup_reads_the_requirement_files():
    setup = (ROOT / 'setup.py').read_text()
    assert "install_requires=parse_requirements('runtime')" in setup
    assert "extras_require={'tests': parse_requirements('tests')}" in setup
