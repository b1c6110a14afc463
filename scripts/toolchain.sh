# Sourced by the scripts: installs the build tools that are missing.
# Everything comes from the package registries (crates.io, npm); nothing else is fetched.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"
# The server's pages name the wasm after this (`pkg/fuhuitong.wasm`), as cargo-leptos
# would; it is read when the `leptos` crate compiles.
export LEPTOS_OUTPUT_NAME=fuhuitong

say() { printf '\n==> %s\n' "$*"; }

# The planner settings docs/deployment.md gives for this load (an SSD, sorts in memory), for
# a database a script creates (the bench's, the cluster's), as SQL for its owner to run. At
# PostgreSQL's defaults (random_page_cost 4) the report joined 500 service cases by reading
# a year of facts (22 ms against 3 ms of lookups).
planner_settings() {
  echo "ALTER DATABASE $1 SET random_page_cost = 1.1; ALTER DATABASE $1 SET work_mem = '16MB';"
}

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

# The build cache outlives checkouts (CI clones anew each run, into another folder). The
# dependencies' artifacts are shared by every checkout, but this workspace's own crates are
# built again for each folder (its path is in their hash): some 3 GB a checkout, which once
# filled the disk (63 GB). Those older than half a day are deleted, and incremental
# artifacts always; the rest stays warm.
prune_build_cache() {
  local target
  target="$(cargo_target_dir)"
  [[ -d "$target" ]] || return 0
  find "$target" -path '*/deps/*' -type f -mmin +720 \( \
      -name 'integration-*' -o -name 'server-*' -o -name 'libserver-*' \
      -o -name 'app-*' -o -name 'libapp-*' -o -name 'fuhuitong-*' \
      -o -name 'bench-*' -o -name 'libbench-*' \) -delete 2>/dev/null || true
  rm -rf "$target"/*/incremental "$target"/*/*/incremental
  say "Build cache: $(du -sh "$target" 2>/dev/null | cut -f1) in $target"
}

ensure_terser() {
  if ! command -v terser >/dev/null; then
    say "Installing terser (npm) to minify the JS glue"
    npm install --global terser@5
  fi
}

ensure_wasm_opt() {
  if ! command -v wasm-opt >/dev/null; then
    say "Installing wasm-opt (npm package binaryen)"
    npm install --global binaryen@132
  fi
}
