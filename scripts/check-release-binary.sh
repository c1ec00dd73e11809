#!/usr/bin/env bash
# Proves that the shipped server binary carries no test-only hooks: the
# fault-injection code (server feature `faults`, marked by the string
# `open_event_server::faults::MARKER`) must be absent from the release build
# of the server package alone, and present in a build that enables the
# feature (the control, so the check can fail). Likewise the mock server's
# `/__mock/*` routes: absent from the server, present in `open-event-mock`.
#
#   scripts/check-release-binary.sh [release binary] [control binary] [mock binary]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

marker=open-event-fault-injection-compiled-in
release=${1:-target/release/open-event-server}
control=${2:-target/debug/open-event-server}
mock=${3:-target/debug/open-event-mock}
if [[ ! -x $release ]]; then
    cargo build --release -q -p open-event-server --bin open-event-server
fi
if [[ ! -x $control ]]; then
    cargo build -q -p open-event-server --bin open-event-server --features faults
fi
if ! grep -qF "$marker" "$control"; then
    echo "release check: the control build $control lacks the fault marker; the check proves nothing" >&2
    exit 2
fi
if grep -qF "$marker" "$release"; then
    echo "release check: $release contains fault injection ($marker); build it with 'cargo build --release -p open-event-server'" >&2
    exit 1
fi
echo "release check: $release has no fault injection (control $control has it)"

mock_marker=/__mock
if [[ ! -x $mock ]]; then
    cargo build -q -p open-event-mocks --bin open-event-mock
fi
if ! grep -qF "$mock_marker" "$mock"; then
    echo "release check: the mock server $mock lacks $mock_marker; the check proves nothing" >&2
    exit 2
fi
if grep -qF "$mock_marker" "$release"; then
    echo "release check: $release contains the mock server's routes ($mock_marker)" >&2
    exit 1
fi
echo "release check: $release has no $mock_marker routes (the mock server $mock has them)"
