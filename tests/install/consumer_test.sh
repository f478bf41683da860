#!/usr/bin/env bash
# Installs a teepsim build tree into a temporary prefix and builds programs against it as an
# outside project would: consumer/ with find_package(teepsim) + teepsim::models (CMake),
# consumer/codec_pkgconfig.cc with `pkg-config --cflags --libs teepsim` (codec only), and the
# installed example teep-hand-built-example (PREFIX/share/teepsim/examples: teepsim::models +
# teepsim::recorder). Runs them and checks their output: the two first on a TEEP vector, the
# example against the same example built in the tree (identical R and T_trust, to the
# nanosecond). The prefix is removed on exit.
# Usage: consumer_test.sh BUILD_DIR CONSUMER_SOURCE_DIR VECTORS_DIR
set -euo pipefail

if (($# != 3)); then
  echo "usage: $0 BUILD_DIR CONSUMER_SOURCE_DIR VECTORS_DIR" >&2
  exit 2
fi
build=$1 consumer=$2 vectors=$3
vector=$vectors/ietf-teep-protocol-draft26-pr420/query_request.cbor
for f in "$build/CMakeCache.txt" "$consumer/CMakeLists.txt" "$vector"; do
  [[ -f $f ]] || { echo "consumer_test: missing $f" >&2; exit 2; }
done
command -v pkg-config >/dev/null || { echo "consumer_test: pkg-config not found (scripts/bootstrap.sh)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/teepsim-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

cache() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
cxx=$(cache CMAKE_CXX_COMPILER)
# The same compiler cache as the build under test, unless the environment names one.
launcher=${CMAKE_CXX_COMPILER_LAUNCHER:-$(cache CMAKE_CXX_COMPILER_LAUNCHER)}
# A sanitizer build's archives need the sanitizer runtimes in the consumer's link too.
flags=""
[[ $(cache TEEPSIM_SANITIZE) == ON ]] && flags="-fsanitize=address,undefined"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

expect() { # expect FILE LINE: FILE (a program's output) has LINE.
  grep -qxF -- "$2" "$1" || { echo "consumer_test: expected '$2' in output:" >&2; cat "$1" >&2; exit 1; }
}

start=$SECONDS
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" ||
  { cat "$tmp/install.log" >&2; echo "consumer_test: cmake --install $build failed" >&2; exit 1; }
# Only public headers are installed, and they include no private one (models/, sim/ but the
# Recorder's two): the consumer's compile below sees nothing but the prefix and the system.
sim_headers=$(cd "$prefix/include" && find teepsim/sim -name '*.h' 2>/dev/null | sort | tr '\n' ' ')
if [[ $sim_headers != "teepsim/sim/recorder.h teepsim/sim/timeline.h " ]] ||
  find "$prefix/include" -name '*.h' -path '*models*' | grep -q .; then
  echo "consumer_test: private headers installed under $prefix/include (sim/: $sim_headers)" >&2
  exit 1
fi

echo "--- every installed header compiles against the prefix alone"
(cd "$prefix/include" && find teepsim -name '*.h' | sort | sed 's/.*/#include "&"/') >"$tmp/all_headers.cc"
"$cxx" -std=c++20 -fsyntax-only -I"$prefix/include" "$tmp/all_headers.cc" ||
  { echo "consumer_test: an installed header does not compile on its own (private include?)" >&2; exit 1; }

echo "--- the umbrella header teepsim/teepsim-module.h names every installed model header"
[[ -f $prefix/include/teepsim/teepsim-module.h ]] ||
  { echo "consumer_test: teepsim/teepsim-module.h not installed" >&2; exit 1; }
for h in "$prefix"/include/teepsim/*.h; do
  name=teepsim/$(basename "$h")
  [[ $name == teepsim/teepsim-module.h ]] && continue
  grep -qxF "#include \"$name\"" "$prefix/include/teepsim/teepsim-module.h" ||
    { echo "consumer_test: teepsim/teepsim-module.h does not include $name" >&2; exit 1; }
done

echo "--- CMake consumer (find_package(teepsim), teepsim::models)"
cmake -S "$consumer" -B "$tmp/cmake-build" "${generator[@]}" -DCMAKE_PREFIX_PATH="$prefix" \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
      ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher"} \
      -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >"$tmp/configure.log" ||
  { cat "$tmp/configure.log" >&2; echo "consumer_test: configuring $consumer failed" >&2; exit 1; }
cmake --build "$tmp/cmake-build" >"$tmp/build.log" 2>&1 ||
  { cat "$tmp/build.log" >&2; echo "consumer_test: building $consumer failed" >&2; exit 1; }
"$tmp/cmake-build/teepsim_consumer" "$vector" | tee "$tmp/cmake.out"
expect "$tmp/cmake.out" "models: created ns3::teepsim::TamServer and ns3::teepsim::TeepAgent"
expect "$tmp/cmake.out" "codec: QueryRequest"

echo "--- pkg-config consumer (teepsim: codec only)"
# lib/ or lib/<multiarch>/, depending on the prefix the build was configured with (GNUInstallDirs).
pcfile=$(find "$prefix" -name teepsim.pc -print -quit)
[[ -n $pcfile ]] || { echo "consumer_test: no teepsim.pc under $prefix" >&2; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pcfile")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
read -r -a pc <<<"$(pkg-config --cflags --libs teepsim)"
$launcher "$cxx" -std=c++20 $flags -o "$tmp/codec_pkgconfig" "$consumer/codec_pkgconfig.cc" "${pc[@]}"
"$tmp/codec_pkgconfig" "$vector" | tee "$tmp/pkgconfig.out"
expect "$tmp/pkgconfig.out" "codec: QueryRequest"
# The models' .pc names the same archive and ns-3 libraries as the CMake package.
pkg-config --exists teepsim-models || { echo "consumer_test: teepsim-models.pc not usable" >&2; exit 1; }

echo "--- the installed example (teepsim::models + teepsim::recorder) built out of tree"
examples=$prefix/share/teepsim/examples
[[ -f $examples/CMakeLists.txt && -f $examples/teep-hand-built-example.cc ]] ||
  { echo "consumer_test: examples not installed in $examples" >&2; exit 1; }
[[ -x $build/teep-hand-built-example ]] ||
  { echo "consumer_test: $build/teep-hand-built-example not built (the in-tree reference)" >&2; exit 2; }
cmake -S "$examples" -B "$tmp/examples-build" "${generator[@]}" -DCMAKE_PREFIX_PATH="$prefix" \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
      ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher"} \
      -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >"$tmp/examples-configure.log" ||
  { cat "$tmp/examples-configure.log" >&2; echo "consumer_test: configuring $examples failed" >&2; exit 1; }
cmake --build "$tmp/examples-build" --target teep-hand-built-example >"$tmp/examples-build.log" 2>&1 ||
  { cat "$tmp/examples-build.log" >&2; echo "consumer_test: building the installed example failed" >&2; exit 1; }
"$tmp/examples-build/teep-hand-built-example" --devices=3 >"$tmp/example.out" 2>"$tmp/example.err"
"$build/teep-hand-built-example" --devices=3 >"$tmp/example-tree.out" 2>/dev/null
expect "$tmp/example.out" "device,ta,r_ns,t_trust_ns"
[[ $(wc -l <"$tmp/example.out") -eq 4 ]] ||
  { echo "consumer_test: the installed example printed no row per device:" >&2; cat "$tmp/example.out" >&2; exit 1; }
diff -u "$tmp/example-tree.out" "$tmp/example.out" >&2 ||
  { echo "consumer_test: the installed example's R / T_trust differ from the in-tree build's" >&2; exit 1; }
cat "$tmp/example.err"

echo "consumer_test: install + CMake, pkg-config and example consumers OK in $((SECONDS - start)) s"
