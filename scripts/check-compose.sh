#!/usr/bin/env bash
# Validates docker/compose.yaml without a Docker engine: 'docker compose config' (the plugin) or 'docker-compose config'
# (Debian's docker-compose, installed here when neither is present) must accept it, and every app setting it passes
# as an environment variable (Section__Key) must be a key the app knows: present in appsettings.json, or one of the
# keys that have no default there (connection strings, the first admin).
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  echo "check-compose: apt-get install docker-compose"
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
  compose=(docker-compose)
fi

rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT
# The admin password is required by the file (no default): any value renders it.
BLAZORMOOD_ADMIN_PASSWORD=check-only "${compose[@]}" -f docker/compose.yaml config > "$rendered"

python3 - "$rendered" <<'PY'
import json, sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
settings = json.load(open("appsettings.json"))
# Keys without a default in appsettings.json that the app reads: the database engine and the Postgres connection
# string (DataOptions), the Redis backplane (issue 8), the first admin account, the console log format (ASP.NET Core).
extra = {"Data:Provider", "ConnectionStrings:Postgres", "Redis:Configuration", "Admin:Email", "Admin:Password",
         "Logging:Console:FormatterName"}

def known(path):
    if ":".join(path) in extra:
        return True
    node = settings
    for part in path:
        if not isinstance(node, dict):
            return False
        match = next((k for k in node if k.lower() == part.lower()), None)
        if match is None:
            return False
        node = node[match]
    return True

app_services = [name for name, s in config["services"].items() if s.get("image", "").startswith("blazormood")]
assert {"web1", "web2", "worker"} <= set(app_services), f"app services: {app_services}"
problems = []
for name in app_services:
    env = config["services"][name].get("environment", {})
    for key in env:
        path = key.split("__")
        if len(path) > 1 and not known(path):
            problems.append(f"{name}: {key} is not a setting of appsettings.json")
    if "healthcheck" not in config["services"][name] or "/readyz" not in " ".join(config["services"][name]["healthcheck"]["test"]):
        problems.append(f"{name}: no /readyz health check")
roles = {name: config["services"][name]["environment"].get("Node__Role") for name in app_services}
assert roles == {"web1": "web", "web2": "web", "worker": "worker"}, roles
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"check-compose: docker/compose.yaml is valid ({len(config['services'])} services, app settings known)")
PY
