#!/usr/bin/env bash
# The Python package as users get it (CTest python_package, label "python"):
#
#   check_package.sh --python python3 --source S --work W
#
#   1. pip wheel S/bindings/python: a wheel built from this tree's Rust sources
#   2. a fresh venv, the wheel installed with no cargo on PATH, no PYTHONPATH,
#      no SIGX_LIBRARY: the whole pytest suite against the installed package
#   3. a second fresh venv: pip install S/bindings/python, then
#      `python -c "import sigx; print(sigx.version())"` with no variables set
#
# The build backend (scikit-build-core) comes from PyPI or pip's cache;
# offline with an empty cache, step 1 fails and says so. Both builds share
# W/skbuild, so the second reuses cargo's work. pytest comes from the
# interpreter that runs this (the test venv sees its site-packages).
set -euo pipefail

python= source_dir= work=
while [ $# -gt 0 ]; do
    case $1 in
        --python) python=$2 ;;
        --source) source_dir=$2 ;;
        --work) work=$2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift 2
done
for v in python source_dir work; do
    [ -n "${!v}" ] || { echo "$0: missing --$v" >&2; exit 2; }
done

step() { printf '\n== %s\n' "$*"; }
die() { echo "FAIL: $*" >&2; exit 1; }

package=$source_dir/bindings/python
rm -rf "$work/dist" "$work/venv-build" "$work/venv-wheel" "$work/venv-source"
mkdir -p "$work"
cd "$work" # never the source tree: `import sigx` must find the installed one

# PATH less every directory that holds cargo or rustc, for using what was built.
nocargo=
IFS=: read -r -a path_dirs <<<"$PATH"
for d in "${path_dirs[@]}"; do
    [ -n "$d" ] && [ ! -e "$d/cargo" ] && [ ! -e "$d/rustc" ] && nocargo=${nocargo:+$nocargo:}$d
done
# Runs "$@" with only what a user of the package has: no build tools, no
# PYTHONPATH, SIGX_LIBRARY or LD_LIBRARY_PATH.
bare() {
    local venv=$1
    shift
    env -u PYTHONPATH -u SIGX_LIBRARY -u LD_LIBRARY_PATH -u VIRTUAL_ENV -u PYTHONHOME \
        PATH="$venv/bin${nocargo:+:$nocargo}" "$@"
}

step "1. pip wheel $package"
# In a venv of its own: pip is then the venv's (ensurepip), whatever the
# interpreter's own pip is or allows.
rm -rf "$work/venv-build"
"$python" -m venv "$work/venv-build"
if ! "$work/venv-build/bin/python" -m pip wheel --no-deps -w "$work/dist" "$package" \
    --config-settings=build-dir="$work/skbuild" >"$work/wheel.log" 2>&1; then
    cat "$work/wheel.log"
    if grep -qiE 'could not find a version|connection|network|resolve|No matching distribution' "$work/wheel.log"; then
        die "pip could not get the build backend scikit-build-core from PyPI (offline, and not in pip's cache?)"
    fi
    die "pip wheel failed"
fi
wheel=$(compgen -G "$work/dist/libsigx-*.whl" | head -n 1)
[ -n "$wheel" ] || die "no libsigx wheel in $work/dist"
echo "built $(basename "$wheel") ($(stat -c %s "$wheel") bytes)"
[[ $(basename "$wheel") == libsigx-*-py3-none-linux_*.whl ]] || die "unexpected wheel tag: $(basename "$wheel")"
listing=$("$python" -m zipfile -l "$wheel")
for f in sigx/__init__.py sigx/aio.py sigx/py.typed sigx/_build.py sigx/libsigx.so.0; do
    grep -q " *$f " <<<"$listing " || grep -q "^$f " <<<"$listing" || die "the wheel lacks $f"
done
echo "ok: the wheel holds the module, py.typed and its own libsigx.so.0"

step "2. the wheel in a fresh venv, without cargo; the pytest suite against it"
"$python" -m venv --system-site-packages "$work/venv-wheel"
"$work/venv-wheel/bin/python" -m pip install -q --no-index --no-deps "$wheel"
bare "$work/venv-wheel" sh -c 'command -v cargo rustc' && die "cargo is still on PATH"
where=$(bare "$work/venv-wheel" python -c 'import sigx; print(sigx.__file__)')
[[ $where == "$work/venv-wheel/"* ]] || die "imported sigx from $where, not from the venv"
echo "ok: import sigx -> $where"
# (python -m pytest: running run_pytest.py would put bindings/python, the
# source package, first on sys.path.)
bare "$work/venv-wheel" python -c 'import pytest' 2>/dev/null \
    || die "pytest is not installed for $python: $python -m pip install pytest"
bare "$work/venv-wheel" env SIGX_TEST_INSTALLED=1 PYTHONDONTWRITEBYTECODE=1 \
    python -m pytest -q -p no:cacheprovider "$package/tests"

step "3. pip install $package in another fresh venv"
"$python" -m venv "$work/venv-source"
if ! "$work/venv-source/bin/python" -m pip install "$package" \
    --config-settings=build-dir="$work/skbuild" >"$work/install.log" 2>&1; then
    cat "$work/install.log"
    die "pip install $package failed"
fi
version=$(bare "$work/venv-source" python -c 'import sigx, sigx.aio; print(sigx.version())')
want=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' "$source_dir/Cargo.toml" | head -n 1)
[ "$version" = "$want" ] || die "sigx.version() is '$version', Cargo.toml says $want"
echo "ok: python -c 'import sigx; print(sigx.version())' -> $version"

printf '\nPASS: wheel, installed suite, pip install from source\n'
