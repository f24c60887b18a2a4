#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter, or explains how to get one.
# Rasa 3.6 supports Python 3.8-3.10 only; this project is pinned to 3.10.
set -u

is_py310() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1
}

for candidate in "${PYTHON310:-}" python3.10 python3; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if is_py310 "$path"; then echo "$path"; exit 0; fi
done

if command -v pyenv >/dev/null 2>&1; then
  for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -t. -k3 -n -r); do
    path="$(pyenv prefix "$version" 2>/dev/null)/bin/python3.10"
    if is_py310 "$path"; then echo "$path"; exit 0; fi
  done
fi

cat >&2 <<'MSG'
error: Python 3.10 was not found.
Rasa 3.6 runs on Python 3.8-3.10 only, and this project uses 3.10.
Install it (for example `pyenv install 3.10.13`, or your system's python3.10 package)
or point PYTHON310 at an interpreter: `make run PYTHON310=/path/to/python3.10`.
MSG
exit 1
