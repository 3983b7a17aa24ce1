#!/usr/bin/env bash
# The project's test command, for a fresh machine with a Rust toolchain and Python 3:
# installs what the tests need when it is missing (poppler-utils and qpdf with apt-get, the
# EN 16931 validators' Python venv under target/), then runs the tests, clippy and rustdoc,
# each with warnings as errors. CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*" >&2; }

# pdftotext (poppler-utils) reads rendered PDFs back in the tests; qpdf checks the Factur-X
# PDFs' structure; python3-venv makes the validators' environment (Debian and Ubuntu ship
# Python without it); postgresql (15 or newer) is the server the database archive's tests
# run against (the package's own cluster is not used: the tests make one under target/).
missing=()
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v qpdf >/dev/null 2>&1 || missing+=(qpdf)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
# The PostgreSQL archive's tests start a throwaway cluster of their own (tests/pg_support).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# A CJK font: documents of customers writing in Chinese, Japanese or Korean are set in it
# (tests/cjk.rs uses Debian's Noto Sans CJK).
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
# Headless Chromium lays the HTML documents out on a phone and a desktop and prints them
# (tests/browser.rs).
command -v chromium-headless-shell >/dev/null 2>&1 || missing+=(chromium-headless-shell)
if [ ${#missing[@]} -gt 0 ]; then
    step "installing ${missing[*]}"
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: ${missing[*]} missing and no apt-get here; install them and run this again" >&2
        exit 1
    fi
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# The official EN 16931 validators live beside the project (../shared/validators); their
# venv is made under the build folder, and made again when their requirements change.
validators="../shared/validators"
venv="target/validators-venv"
if [ ! -f "$validators/requirements.txt" ]; then
    echo "error: no EN 16931 validators at $validators (the e-invoice tests run them)" >&2
    exit 1
fi
if [ ! -f "$venv/requirements.txt" ] && "$venv/bin/python" -c 'import saxonche, lxml, pikepdf' >/dev/null 2>&1; then
    cp "$validators/requirements.txt" "$venv/requirements.txt" # made before this script kept a copy
fi
if ! cmp -s "$validators/requirements.txt" "$venv/requirements.txt"; then
    step "creating $venv"
    rm -rf "$venv"
    mkdir -p target
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -r "$validators/requirements.txt"
    cp "$validators/requirements.txt" "$venv/requirements.txt"
fi

cargo clippy --version >/dev/null 2>&1 || rustup component add clippy

step "cargo test --workspace --locked"
cargo test --workspace --locked
step "cargo clippy --workspace --all-targets --locked -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo doc --workspace --no-deps --locked (warnings are errors)"
RUSTDOCFLAGS="-Dwarnings" cargo doc --workspace --no-deps --locked
step "all passed"
