#!/usr/bin/env bash
# Starts the debug build on a fresh SQLite database with one user per journey role.
source "$(dirname "$0")/../scripts/toolchain.sh"
bin="$(cd "$ROOT" && cargo_target_dir)/debug/fuhuitong"

export DATA_DIR="$(mktemp -d)"
export LISTEN_ADDR="127.0.0.1:${E2E_PORT:-3100}"
export LEPTOS_SITE_ROOT="$ROOT/target/site"
export RUST_LOG="${RUST_LOG:-warn}"
# The demo data's city.
export CITY_NAME=臺北市政府 COUNCIL_NAME=臺北市議會
# Every journey signs in from 127.0.0.1, many times a minute; the per-address login limit
# has its own integration test.
export LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE=10000

"$bin" migrate
"$bin" seed-demo >/dev/null
pw='e2e 測試密碼 2024'
while read -r username role bureau; do
  printf '%s\n' "$pw" | "$bin" create-user --username "$username" --role "$role" ${bureau:+--bureau "$bureau"}
done <<'USERS'
e2e-sec secretariat
e2e-sec-nojs secretariat
e2e-admin admin
e2e-admin-nojs admin
e2e-liaison bureau_liaison UDD
e2e-udd-boss bureau_approver UDD
e2e-dot bureau_liaison DOT
e2e-pwd bureau_liaison PWD
e2e-rev reviewer
e2e-pw secretariat
e2e-pw-nojs secretariat
e2e-mail bureau_liaison UDD
e2e-mail-nojs bureau_liaison UDD
USERS
exec "$bin" serve
