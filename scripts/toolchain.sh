# Sourced by the scripts: installs the build tools that are missing.
# Everything comes from the package registries (crates.io, npm); nothing else is fetched.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"
# The server's pages name the wasm after this (`pkg/fuhuitong.wasm`), as cargo-leptos
# would; it is read when the `leptos` crate compiles.
export LEPTOS_OUTPUT_NAME=fuhuitong

say() { printf '\n==> %s\n' "$*"; }

cargo_target_dir() {
  cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])'
}

ensure_toolchain() {
  if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
    say "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  local wbg
  wbg="$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg\$"; then
    say "Installing wasm-bindgen-cli $wbg (the version Cargo.lock pins; a few minutes, once)"
    # Without --locked: one of its locked dependencies is no longer on crates.io.
    cargo install wasm-bindgen-cli --version "$wbg" --force
  fi
}

ensure_wasm_opt() {
  if ! command -v wasm-opt >/dev/null; then
    say "Installing wasm-opt (npm package binaryen)"
    npm install --global binaryen@132
  fi
}
