#!/bin/sh
# Sets Candor up on Debian 12 and runs it or its tests.
#
#   build-aux/setup.sh run              build, then open the GUI on the bundled demo
#   build-aux/setup.sh test             build, then run the whole test suite
#   build-aux/setup.sh test --sanitize  the same under AddressSanitizer + UBSan
#   build-aux/setup.sh build            only install what is missing and build
#
# Copyright 2026 The Candor authors
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

mode=${1:-run}
sanitize=no
[ "${2:-}" = "--sanitize" ] && sanitize=yes

# Debian packages the build, the tests and the GUI need.
packages="meson ninja-build pkg-config gcc libc6-dev
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev libcairo2-dev
  libopenblas-dev libpng-dev libjson-glib-dev nettle-dev
  libprotobuf-c-dev protobuf-c-compiler libonnx-dev libonnx-testdata
  xvfb xauth desktop-file-utils appstream gettext poppler-utils"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
if [ -n "$missing" ]; then
  echo "setup: installing Debian packages:$missing" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing >&2
fi

if [ "$sanitize" = yes ]; then
  builddir=build-sanitize
  options="-Dsanitize=true -Db_lundef=false"
else
  builddir=build
  options=""
fi

if [ ! -f "$builddir/build.ninja" ]; then
  # shellcheck disable=SC2086
  meson setup "$builddir" $options >&2
fi
ninja -C "$builddir" >&2

case "$mode" in
  build)
    ;;
  run)
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      echo "setup: no display found. Candor is a desktop app: run this inside a desktop" >&2
      echo "       session, or without one: xvfb-run -a $builddir/app/candor --screenshot shot.png" >&2
      exit 1
    fi
    exec "$builddir/app/candor"
    ;;
  test)
    if [ "$sanitize" = yes ]; then
      export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
      export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
      export LSAN_OPTIONS="suppressions=$here/tests/lsan.supp:print_suppressions=0"
    fi
    if [ "$sanitize" = yes ]; then
      # The GUI suite is left out here: GTK and its drivers keep caches
      # alive until exit, which LeakSanitizer reports as leaks of theirs.
      meson test -C "$builddir" --print-errorlogs --num-processes 2 \
        --timeout-multiplier 4 --no-suite gui
    else
      meson test -C "$builddir" --print-errorlogs --num-processes 2
    fi
    ;;
  *)
    echo "usage: build-aux/setup.sh run|test|build [--sanitize]" >&2
    exit 2
    ;;
esac
