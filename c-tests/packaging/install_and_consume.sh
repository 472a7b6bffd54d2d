#!/usr/bin/env bash
# Installs a built sigx tree into a fresh prefix under WORK, moves the prefix
# somewhere else (so any absolute path written at install time would break),
# then uses it the way users do. Reuses the library the build already made:
# nothing here runs cargo.
#
#   install_and_consume.sh --source S --build B --work W --cc CC --libdir L
#       --lib-subdir lib --version X.Y.Z --soversion N
#       --static-libs-file B/lib/libsigx.a.libs --check CHECK[,CHECK...]
#       [--cmake cmake] [--configured-prefix /usr/local]
#       [--reconfigure-libdir L2] [--find-with prefix|sigx_DIR]
#       [--cli bin/sigx --bindir bin]
#       [--python-dir lib/python3/dist-packages] [--python python3]
#
# B is a built tree of S, with the library in B/<lib-subdir>; L is its
# CMAKE_INSTALL_LIBDIR. Every file goes under W, which is emptied first.
#
# Checks:
#   layout        the installed files, links, soname, and that no build,
#                 source or install path is written into the CMake or .pc files;
#                 with --cli (the command's place in B), BINDIR/sigx is
#                 installed and runs (`sigx list`, `sigx --version`)
#   find-package  what find_package(sigx ...) accepts and refuses (probe/),
#                 including the message for an install that lacks libsigx.so
#   cmake         c-tests/consumer built with sigx::sigx and with
#                 sigx::sigx_static, and run
#   pkg-config    the consumer compiled with `pkg-config --cflags --libs sigx`
#                 and with `--static`, and run
#   python        the Python package installed under --python-dir imports
#                 and uses the installed library, with no variables set
#   static-exe    `cc -static hello.c $(pkg-config --static --libs sigx)`:
#                 a fully static program that installs, raises and waits
# --reconfigure-libdir configures a second tree of S with
# -DCMAKE_INSTALL_LIBDIR=L2, gives it a copy of B's built library and
# installs that instead.
# --find-with sigx_DIR points the consumer at the package directory instead
# of the prefix, for a libdir that this platform's CMake does not search
# (lib64 on Debian: FIND_LIBRARY_USE_LIB64_PATHS is off there).
set -euo pipefail

cmake_exe=${CMAKE:-cmake}
source_dir= build_dir= work= cc= libdir= static_libs_file= checks= relibdir= lib_subdir= configured_prefix=
version= soversion= cli= bindir=
find_with=prefix python_dir= python=python3
while [ $# -gt 0 ]; do
    case $1 in
        --cmake) cmake_exe=$2 ;;
        --source) source_dir=$2 ;;
        --build) build_dir=$2 ;;
        --work) work=$2 ;;
        --cc) cc=$2 ;;
        --libdir) libdir=$2 ;;
        --static-libs-file) static_libs_file=$2 ;;
        --check) checks=$2 ;;
        --reconfigure-libdir) relibdir=$2 ;;
        --lib-subdir) lib_subdir=$2 ;;
        --configured-prefix) configured_prefix=$2 ;;
        --find-with) find_with=$2 ;;
        --version) version=$2 ;;
        --soversion) soversion=$2 ;;
        --cli) cli=$2 ;;
        --bindir) bindir=$2 ;;
        --python-dir) python_dir=$2 ;;
        --python) python=$2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift 2
done
for v in source_dir build_dir work cc libdir checks lib_subdir version soversion; do
    [ -n "${!v}" ] || { echo "$0: missing an argument ($v); see the usage at the top" >&2; exit 2; }
done

step() { printf '\n== %s\n' "$*"; }
die() { echo "FAIL: $*" >&2; exit 1; }
run() { echo "+ $*"; "$@"; }

real_so=libsigx.so.$version soname=libsigx.so.$soversion

rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)

# --- Install ---------------------------------------------------------------------
[ -f "$build_dir/$lib_subdir/$real_so" ] && [ -f "$build_dir/$lib_subdir/libsigx.a" ] \
    || die "no built library in $build_dir/$lib_subdir: build first (cmake --build $build_dir)"
tree=$build_dir
if [ -n "$relibdir" ]; then
    step "configure a second tree with CMAKE_INSTALL_LIBDIR=$relibdir"
    tree=$work/tree
    run "$cmake_exe" -S "$source_dir" -B "$tree" -DCMAKE_INSTALL_LIBDIR="$relibdir" \
        -DCMAKE_C_COMPILER="$cc" -DSIGX_BUILD_TESTS=OFF -DSIGX_BUILD_EXAMPLES=OFF \
        -DSIGX_INSTALL_PYTHON="$([ -n "$python_dir" ] && echo ON || echo OFF)" \
        ${python_dir:+-DSIGX_PYTHON_INSTALL_DIR="$python_dir"} >"$work/tree.log" \
        || { cat "$work/tree.log"; die "configuring $source_dir failed"; }
    mkdir -p "$tree/$lib_subdir"
    cp -a "$build_dir/$lib_subdir/." "$tree/$lib_subdir/"
    if [ -n "$cli" ]; then
        mkdir -p "$(dirname "$tree/$cli")"
        cp -a "$build_dir/$cli" "$tree/$cli"
    fi
    libdir=$relibdir
fi
stage=$work/stage
step "cmake --install into $stage"
run "$cmake_exe" --install "$tree" --prefix "$stage"

check_layout() {
    local p=$1 L=$1/$libdir
    step "layout of $p (libdir $libdir)"
    [ -f "$p/include/sigx.h" ] || die "missing include/sigx.h"
    cmp -s "$p/include/sigx.h" "$source_dir/include/sigx.h" || die "installed sigx.h differs from include/sigx.h"
    [ -f "$L/$real_so" ] && [ ! -L "$L/$real_so" ] || die "$L/$real_so is not a regular file"
    [ -x "$L/$real_so" ] || die "$L/$real_so is not executable"
    [ "$(readlink "$L/$soname")" = "$real_so" ] || die "$soname should be a relative link to $real_so, is '$(readlink "$L/$soname" || true)'"
    [ "$(readlink "$L/libsigx.so")" = "$soname" ] || die "libsigx.so should be a relative link to $soname, is '$(readlink "$L/libsigx.so" || true)'"
    [ "$(readelf -dW "$L/libsigx.so" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')" = "$soname" ] \
        || die "the installed library's soname is not $soname"
    [ -f "$L/libsigx.a" ] && [ "$(head -c 8 "$L/libsigx.a")" = '!<arch>' ] || die "$L/libsigx.a is not an ar archive"

    local expected actual
    local py_files=()
    if [ -n "$python_dir" ]; then
        py_files=("$python_dir/sigx/__init__.py" "$python_dir/sigx/aio.py" "$python_dir/sigx/py.typed"
            "$python_dir/sigx/_build.py")
    fi
    expected=$(printf '%s\n' include/sigx.h "$libdir/$real_so" "$libdir/$soname" "$libdir/libsigx.so" \
        "$libdir/libsigx.a" "$libdir/pkgconfig/sigx.pc" "$libdir/cmake/sigx/sigxConfig.cmake" \
        "$libdir/cmake/sigx/sigxConfigVersion.cmake" "$libdir/cmake/sigx/sigxTargets.cmake" \
        ${cli:+"$bindir/sigx"} "${py_files[@]}" | sort)
    actual=$(cd "$p" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort)
    [ "$expected" = "$actual" ] || die "installed files differ from the expected set:
$(diff <(echo "$expected") <(echo "$actual") || true)"
    echo "ok: exactly the $(wc -l <<<"$expected") expected files and links"

    if [ -n "$cli" ]; then
        local exe=$p/$bindir/sigx out
        [ -f "$exe" ] && [ -x "$exe" ] || die "$exe is not an executable file"
        out=$("$exe" --version) || die "$exe --version failed"
        [ "$out" = "sigx $version" ] || die "$exe --version says '$out', expected 'sigx $version'"
        out=$("$exe" list) || die "$exe list failed"
        grep -Eq '^ *15 +SIGTERM ' <<<"$out" || die "$exe list does not list SIGTERM as 15:
$out"
        echo "ok: $bindir/sigx installed, runs: $("$exe" --version), \`sigx list\` lists $(grep -c '^ *[0-9]' <<<"$out") signals"
    fi

    local pc=$L/pkgconfig/sigx.pc
    grep -qx "Version: $version" "$pc" || die "sigx.pc lacks 'Version: $version'"
    grep -q '^prefix=\${pcfiledir}/' "$pc" || die "sigx.pc does not derive prefix from \${pcfiledir}"
    grep -Eq '^Libs\.private: .*-l' "$pc" || die "sigx.pc has no Libs.private"
    if grep -Eq '^Libs\.private: .*-lgcc_s' "$pc"; then die "sigx.pc's Libs.private names -lgcc_s (breaks cc -static)"; fi
    grep -q '@' "$pc" "$L/cmake/sigx/sigxTargets.cmake" && die "a placeholder was left unfilled: $(grep -n '@' "$pc" "$L/cmake/sigx/sigxTargets.cmake")"
    echo "ok: sigx.pc: version $version, relative prefix, Libs.private without -lgcc_s"

    # No absolute path of this machine in the relocatable files.
    local f needle
    for f in "$L/pkgconfig/sigx.pc" "$L"/cmake/sigx/*.cmake ${python_dir:+"$p/$python_dir/sigx/_build.py"}; do
        for needle in "$stage" "$work" "$build_dir" "$tree" "$source_dir" ${configured_prefix:+"$configured_prefix"}; do
            if grep -qF "$needle" "$f"; then
                die "$f contains the absolute path $needle:
$(grep -nF "$needle" "$f")"
            fi
        done
    done
    echo "ok: no build, source or install path in sigx.pc or the CMake files"
}

# Moves the staged prefix to $1 (a new name: any path recorded at install
# time now points nowhere).
relocate() {
    step "move the prefix to $1"
    mv "$stage" "$1"
    stage=$1
}

# Runs a consumer executable; checks whether it needs libsigx.so.
run_consumer() {
    local exe=$1 linkage=$2 needed
    run "$exe"
    # (Whole outputs into variables: grep -q in a pipe under pipefail can fail
    # the pipe by closing it early.)
    needed=$(readelf -dW "$exe" | grep '(NEEDED)' || true)
    if [[ $needed == *"[libsigx"* ]]; then
        [ "$linkage" = shared ] || die "$exe was meant to be static but needs: $needed"
        [[ $needed == *"[$soname]"* ]] || die "$exe does not need $soname by its soname: $needed"
    else
        [ "$linkage" = static ] || die "$exe does not need $soname: $needed"
        [ -n "$(nm "$exe" | sed -n '/ T sigx_install$/p')" ] || die "$exe does not contain sigx_install"
    fi
    echo "ok: $(basename "$exe") ran, linked $linkage"
}

check_cmake() {
    local p=$1 b=$work/consumer where
    step "c-tests/consumer with find_package(sigx), prefix $p"
    case $find_with in
        prefix) where=-DCMAKE_PREFIX_PATH="$p" ;;
        sigx_DIR) where=-Dsigx_DIR="$p/$libdir/cmake/sigx" ;;
        *) die "--find-with must be prefix or sigx_DIR" ;;
    esac
    run "$cmake_exe" -S "$source_dir/c-tests/consumer" -B "$b" "$where" \
        -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=Release -DCONSUMER_STATIC=OFF
    local found
    found=$(sed -n 's/^sigx_DIR:[A-Z]*=//p' "$b/CMakeCache.txt")
    [ "$found" = "$p/$libdir/cmake/sigx" ] || die "find_package used $found, not $p/$libdir/cmake/sigx"
    run "$cmake_exe" --build "$b"
    run_consumer "$b/consumer" shared
    local resolved
    resolved=$(ldd "$b/consumer" | sed -n "s/^[[:space:]]*$soname => \(.*\) (0x[0-9a-f]*)\$/\1/p")
    [ "$(realpath "$resolved")" = "$(realpath "$p/$libdir/$real_so")" ] || die "$soname resolved to '$resolved', not the installed one"
    echo "ok: $soname resolves into the relocated prefix"

    step "the same, reconfigured with CONSUMER_STATIC=ON (sigx::sigx_static)"
    run "$cmake_exe" -S "$source_dir/c-tests/consumer" -B "$b" -DCONSUMER_STATIC=ON
    run "$cmake_exe" --build "$b"
    run_consumer "$b/consumer" static
}

check_pkg_config() {
    local p=$1
    command -v pkg-config >/dev/null || die "pkg-config not found (Debian: apt-get install pkgconf)"
    step "pkg-config against $p"
    export PKG_CONFIG_PATH=$p/$libdir/pkgconfig
    unset PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
    [ "$(pkg-config --modversion sigx)" = "$version" ] || die "pkg-config --modversion sigx: $(pkg-config --modversion sigx)"
    pkg-config --exists 'sigx >= 0.1' || die "pkg-config: 'sigx >= 0.1' not satisfied"
    local cflags libs slibs
    cflags=$(pkg-config --cflags sigx)
    libs=$(pkg-config --libs sigx)
    slibs=$(pkg-config --static --libs sigx)
    echo "cflags: $cflags"; echo "libs: $libs"; echo "static libs: $slibs"
    # The flags must lead into the moved prefix.
    local d
    for d in ${cflags//-I/} ; do [ -f "$d/sigx.h" ] || die "-I$d holds no sigx.h"; done
    for d in $libs; do
        case $d in -L*) [ -f "${d#-L}/libsigx.so" ] || die "$d holds no libsigx.so" ;; esac
    done

    local src=$source_dir/c-tests/consumer/consumer.c std=(-std=c99 -Wall -Wextra -Wpedantic -Werror)
    # shellcheck disable=SC2086 # pkg-config output is a list of words
    run "$cc" "${std[@]}" "$src" $cflags $libs -o "$work/pc-shared"
    LD_LIBRARY_PATH=$p/$libdir run_consumer "$work/pc-shared" shared

    # --static: the same flags plus Libs.private; -l:libsigx.a makes the
    # linker take the archive although libsigx.so sits next to it.
    local static_words=() w
    for w in $slibs; do
        [ "$w" = -lsigx ] && w=-l:libsigx.a
        static_words+=("$w")
    done
    run "$cc" "${std[@]}" "$src" $cflags "${static_words[@]}" -o "$work/pc-static"
    run_consumer "$work/pc-static" static
}

check_find_package() {
    local p=$1 probe=$source_dir/c-tests/packaging/probe static_libs
    [ -f "$static_libs_file" ] || die "--static-libs-file: no file '$static_libs_file'"
    static_libs=$(head -n 1 "$static_libs_file")
    static_libs=${static_libs// /;}
    step "find_package(sigx ...) answers, prefix $p"
    run "$cmake_exe" -S "$probe" -B "$work/probe-good" -DPROBE_MODE=good -DPROBE_PREFIX="$p" \
        -DPROBE_VERSION="$version" -DPROBE_SOVERSION="$soversion" -DPROBE_STATIC_LIBS="$static_libs"

    step "an install without libsigx.so"
    local broken=$work/broken
    mkdir -p "$broken/$libdir"
    cp -a "$p/include" "$broken/"
    cp -a "$p/$libdir/cmake" "$p/$libdir/pkgconfig" "$broken/$libdir/"
    ln -s "$p/$libdir/libsigx.a" "$broken/$libdir/libsigx.a"
    run "$cmake_exe" -S "$probe" -B "$work/probe-broken" -DPROBE_MODE=broken -DPROBE_PREFIX="$broken" \
        -DPROBE_VERSION="$version"
    echo "+ $cmake_exe -S $probe -B $work/probe-required -DPROBE_MODE=broken-required ... (must fail)"
    if "$cmake_exe" -S "$probe" -B "$work/probe-required" -DPROBE_MODE=broken-required \
        -DPROBE_PREFIX="$broken" -DPROBE_VERSION="$version" >"$work/probe-required.log" 2>&1; then
        cat "$work/probe-required.log"
        die "find_package(sigx 0.1 REQUIRED) succeeded without libsigx.so"
    fi
    # CMake wraps long messages: join the lines before looking for the file name.
    [[ "$(tr -s ' \n' ' ' <"$work/probe-required.log")" == *"$real_so is missing"* ]] || {
        cat "$work/probe-required.log"; die "the REQUIRED failure does not name the missing $real_so"; }
    grep -A 12 'CMake Error' "$work/probe-required.log" || true
    echo "ok: REQUIRED fails and names the missing file"
}

# The Python package cmake --install put under --python-dir, from the moved
# prefix: found through PYTHONPATH, it loads the prefix's own library.
check_python() {
    local p=$1 out
    [ -n "$python_dir" ] || die "--python-dir is required for the python check"
    step "import sigx from $p/$python_dir"
    out=$(cd "$work" && env -u SIGX_LIBRARY -u LD_LIBRARY_PATH PYTHONPATH="$p/$python_dir" \
        PYTHONDONTWRITEBYTECODE=1 "$python" -c '
import os, signal, sigx, sigx.aio
sigx.install(signal.SIGUSR1)
os.kill(os.getpid(), signal.SIGUSR1)
info = sigx.wait(signal.SIGUSR1, timeout=10)
assert info is not None and info.pid == os.getpid()
print(sigx.version(), os.path.realpath(sigx._lib._name), sigx.__file__)') || die "the installed module failed"
    echo "$out"
    read -r got_version got_lib got_file <<<"$out"
    [ "$got_version" = "$version" ] || die "sigx.version() is $got_version, not $version"
    [ "$got_lib" = "$(realpath "$p/$libdir/$real_so")" ] || die "it loaded $got_lib, not the prefix's library"
    [[ $got_file == "$p/$python_dir/sigx/"* ]] || die "it imported $got_file"
    echo "ok: the installed module uses the installed library"
}

# cc -static: a fully static hello-world through `pkg-config --static`
# (glibc's libc.a: libc6-dev). Its size is printed for the record.
check_static_exe() {
    local p=$1 exe=$work/hello-static
    command -v pkg-config >/dev/null || die "pkg-config not found (Debian: apt-get install pkgconf)"
    step "cc -static with pkg-config --static against $p"
    export PKG_CONFIG_PATH=$p/$libdir/pkgconfig
    unset PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
    cat >"$work/hello-static.c" <<'C'
#include <signal.h>
#include <sigx.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
    sigx_info info;
    /* kill(): a standard signal keeps its sender details even while the
     * user's queue of pending signals is full (other processes' floods). */
    if (sigx_install(SIGUSR1, 0) != SIGX_OK || kill(getpid(), SIGUSR1) != 0)
        return 1;
    if (sigx_wait(SIGX_BIT(SIGUSR1), &info, 10000) != SIGX_OK)
        return 2;
    printf("static hello: %s from pid %d\n", sigx_name(info.signo), (int)info.pid);
    return info.signo == SIGUSR1 ? 0 : 3;
}
C
    local flags
    flags="$(pkg-config --cflags sigx) $(pkg-config --static --libs sigx)"
    # shellcheck disable=SC2086 # pkg-config output is a list of words
    run "$cc" -static -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Werror \
        "$work/hello-static.c" $flags -o "$exe" 2>"$work/static-link.log" \
        || { cat "$work/static-link.log"; die "cc -static failed"; }
    # glibc warns that some functions in a static program still need its
    # shared parts at run time (getpwnam, dlopen); anything else is news.
    grep -v -e 'statically linked applications requires at runtime' -e 'in function' "$work/static-link.log" || true
    if readelf -lW "$exe" | grep -q 'INTERP'; then die "$exe has a program interpreter: not static"; fi
    if readelf -dW "$exe" 2>/dev/null | grep -q '(NEEDED)'; then die "$exe needs shared libraries"; fi
    local out
    out=$("$exe") || die "$exe failed ($?)"
    echo "$out"
    [[ $out == "static hello: SIGUSR1 from pid "[1-9]* ]] || die "unexpected output: $out"
    echo "ok: fully static hello-world runs; size $(stat -c %s "$exe") bytes" \
        "(stripped: $(strip -o "$exe.stripped" "$exe" && stat -c %s "$exe.stripped") bytes)"
}

IFS=, read -r -a check_list <<<"$checks"
for c in "${check_list[@]}"; do
    case $c in
        layout) check_layout "$stage" ;;
        find-package) [ "$stage" != "$work/stage" ] || relocate "$work/relocated"; check_find_package "$stage" ;;
        cmake) [ "$stage" != "$work/stage" ] || relocate "$work/relocated prefix"; check_cmake "$stage" ;;
        # pkg-config output cannot carry a space, which the cmake check's prefix has.
        pkg-config)
            case $stage in "$work/stage" | *" "*) relocate "$work/relocated-pc" ;; esac
            check_pkg_config "$stage" ;;
        python) [ "$stage" != "$work/stage" ] || relocate "$work/relocated-py"; check_python "$stage" ;;
        static-exe)
            case $stage in "$work/stage" | *" "*) relocate "$work/relocated-static" ;; esac
            check_static_exe "$stage" ;;
        *) die "unknown check '$c'" ;;
    esac
done
printf '\nPASS: %s\n' "$checks"
