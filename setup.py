"""Install mmvididi: ``pip install -e .`` (add ``[tests]`` for the test suite).

``install_requires`` holds tested ranges (requirements/runtime.txt); the exact
set CI tests with is requirements/constraints.txt:
``pip install -e '.[tests]' -c requirements/constraints.txt``.
"""
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def parse_requirements(name: str) -> list:
    """Requirement lines of ``requirements/<name>.txt``, comments dropped."""
    lines = (HERE / 'requirements' / f'{name}.txt').read_text().splitlines()
    return [line.strip() for line in lines
            if line.strip() and not line.startswith('#')]


def read_version() -> str:
    scope: dict = {}
    exec((HERE / 'mmvididi' / 'version.py').read_text(), scope)
    return scope['__version__']


setup(
    name='mmvididi',
    version=read_version(),
    description='ViDiDi (video time-differentiation for instance '
    'discrimination) for MMAction2',
    long_description=(HERE / 'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    # tested on 3.11 (CPU) and 3.12 (GPU); requirements/constraints.txt is 3.11's
    python_requires='>=3.11',
    packages=find_packages(include=['mmvididi', 'mmvididi.*']),
    install_requires=parse_requirements('runtime'),
    extras_require={'tests': parse_requirements('tests')},
    classifiers=[
        'Programming Language :: Python :: 3',
        'Programming Language :: Python :: 3.11',
        'Programming Language :: Python :: 3.12',
        'Topic :: Scientific/Engineering :: Artificial Intelligence',
    ],
)
