#!/usr/bin/env bash
# Build the virtualenv that runs Odoo, its tests and the linters.
#
#   tools/build_venv.sh VENV PYTHON ODOO_DIR
#
# Odoo 18 pins packages whose source distributions build only with an old
# setuptools (cbor2 5.4.x on Python < 3.12 needs setuptools < 70), while the
# runtime needs a current one: gevent, which runs the websocket/bus process of
# a multi-worker server (``odoo-bin gevent``), loads its plugins through
# pkg_resources, and the old pkg_resources does not find distributions
# published under normalised names (zope_interface), so that process would
# die at start.  The old setuptools therefore lives only in pip's isolated
# build environments (build-constraints.txt) while the wheels are built; the
# virtualenv gets the runtime constraints (constraints.txt).
#
# The virtualenv's path carries a hash of its recipe (see the Makefile), so a
# changed recipe builds a new one next to the old, which stays usable by runs
# in progress.  Concurrent builds of the same virtualenv wait for each other;
# ".ready" is written once it is complete and checked.
set -euo pipefail

venv=$1
python=$2
odoo_dir=$3
root=$(cd "$(dirname "$0")/.." && pwd)

mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
if [ -f "$venv/.ready" ]; then
  exit 0
fi
echo "Building the virtualenv in $venv"

export PIP_DISABLE_PIP_VERSION_CHECK=1
wheels=$(mktemp -d "$venv.wheels.XXXXXX")
trap 'rm -rf "$wheels"' EXIT

test -x "$venv/bin/python" || "$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip)

# 1. Wheels of Odoo's pinned requirements.  pip builds each source
#    distribution in an isolated environment that inherits PIP_CONSTRAINT:
#    the old setuptools is used there and nowhere else.
PIP_CONSTRAINT="$root/build-constraints.txt" \
  "${pip[@]}" wheel -q --no-deps --wheel-dir "$wheels" -r "$odoo_dir/requirements.txt"

# 2. The runtime: a current setuptools, Odoo's requirements from those wheels,
#    Odoo itself, then the test and lint tools.
export PIP_CONSTRAINT="$root/constraints.txt"
"${pip[@]}" install -q --upgrade setuptools wheel
"${pip[@]}" install -q --find-links "$wheels" -r "$odoo_dir/requirements.txt"
"${pip[@]}" install -q --no-deps -e "$odoo_dir"
"${pip[@]}" install -q -r "$root/requirements-dev.txt"

# 3. What a multi-worker server needs at start: gevent's plugins resolve.
"$venv/bin/python" - <<'PY'
import pkg_resources

pkg_resources.require("gevent", "zope.interface", "greenlet")
from gevent import monkey

monkey.patch_all()
PY
touch "$venv/.ready"
