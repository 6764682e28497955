#!/bin/sh
# An arm64 Node.js run under qemu-user, standing in for `node` (vitest forks its test workers
# with it; tests that start `process.execPath` get it too). KMEANS_ARM64_NODE names the arm64
# node binary; qemu finds the arm64 libraries under QEMU_LD_PREFIX (the cross toolchain's
# sysroot). Arguments, environment and open file descriptors (a fork's IPC channel) pass through.
: "${KMEANS_ARM64_NODE:?KMEANS_ARM64_NODE must name the arm64 node binary}"
export QEMU_LD_PREFIX="${QEMU_LD_PREFIX:-/usr/aarch64-linux-gnu}"
exec qemu-aarch64 "$KMEANS_ARM64_NODE" --require "$(dirname "$0")/exec-path.cjs" "$@"
