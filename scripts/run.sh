#!/usr/bin/env bash
# Runs BlazorMood with the embedded defaults (SQLite, in-process queue, bundled models and starter playlists).
# URL: http://localhost:5080 unless BLAZORMOOD_URLS says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

# Accounts: nothing makes an administrator by itself (there is no default password). Say how when there is none yet.
if [ -z "${Admin__Email:-}" ] || [ -z "${Admin__Password:-}" ]; then
  db="${Data__DatabasePath:-data/blazormood.db}"
  admins=""
  if [ -f "$db" ] && command -v sqlite3 >/dev/null 2>&1; then
    admins=$(sqlite3 -readonly "$db" "SELECT COUNT(*) FROM AspNetUserRoles ur JOIN AspNetRoles r ON r.Id = ur.RoleId WHERE r.NormalizedName = 'ADMIN';" 2>/dev/null || true)
  fi
  if ! [ "${admins:-0}" -gt 0 ] 2>/dev/null; then
    cat >&2 <<'EOF'
run: there is no administrator account yet. To create one, start once with both variables set, choosing your own
     password (10+ characters with upper- and lower-case letters and a digit):
         Admin__Email=you@example.org Admin__Password='your own password' scripts/run.sh
     Anyone can meanwhile register an ordinary account on the sign-in page. See README.md, "First admin".
EOF
  fi
fi

exec dotnet run --project src/BlazorMood.Web -c Release --no-launch-profile -- --urls "${BLAZORMOOD_URLS:-http://localhost:5080}"
