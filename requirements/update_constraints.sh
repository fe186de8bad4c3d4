#!/usr/bin/env bash
# Regenerate requirements/constraints.txt, the exact package set that CI and the
# README install with (pip install -e '.[tests]' -c requirements/constraints.txt),
# from a virtual environment in which the suite passed:
#   bash requirements/update_constraints.sh [VENV]     # default: .venv
# Run it after changing requirements/*.txt and installing them into that venv
# (.venv/bin/pip install -e '.[tests]'), then run the suite and commit the file.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-.venv}
OUT=requirements/constraints.txt
{
    echo "# The exact set the suite passed with; CI and the README install with it:"
    echo "#   pip install -e '.[tests]' -c requirements/constraints.txt"
    echo "# Written by requirements/update_constraints.sh from $VENV"
    echo "# ($("$VENV/bin/python" -c 'import platform; print("Python", platform.python_version(), platform.system(), platform.machine())')); do not edit by hand."
    "$VENV/bin/python" -m pip list --format=freeze --exclude-editable \
        --exclude pip --exclude mmvididi
} > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "wrote $OUT: $(grep -vc '^#' "$OUT") packages"
