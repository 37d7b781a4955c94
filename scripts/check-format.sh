#!/usr/bin/env bash
# Checks that the Swift sources follow .swift-format (swift-format ships with the toolchain).
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --recursive Package.swift Sources Tests Benchmarks
