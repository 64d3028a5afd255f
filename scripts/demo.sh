#!/usr/bin/env bash
# One-command demo: start a reference registry on loopback (SQLite), set up a site with the sample
# rosters and scores, print its certificates, enrol the site and sync it. Everything goes into one
# temporary folder, which is printed at the end; the registry keeps running until Enter is pressed.
# Usage: scripts/demo.sh [PORT]        (default port 8765)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

port=${1:-8765}
samples=$(cd .. && pwd)/shared/data/rosters
demo=$(mktemp -d -t nwrc-demo-XXXXXX)
registry_db="sqlite:///$demo/registry.sqlite3"

# The demo keeps the site's secrets in an encrypted file keyring inside the demo folder.
export PYTHON_KEYRING_BACKEND=keyrings.cryptfile.cryptfile.CryptFileKeyring
export NWRC_KEYRING_PASSWORD=demo-only-passphrase
export XDG_DATA_HOME="$demo/xdg"
export NWRC_DATA_DIR="$demo/site" NWRC_USER=admin NWRC_PASSWORD=demo-admin-pass
desktop=.venv/bin/nwrc-desktop
registry=.venv/bin/nwrc-registry

echo "== starting the registry on http://127.0.0.1:$port (log: $demo/registry.log)"
$registry migrate --database-url "$registry_db" >/dev/null 2>&1
enrolment_code=$($registry site add TX014 --name "Pecos County Workforce Center" --database-url "$registry_db" \
    | sed -n 's/^one-time enrolment code: //p')
$registry serve --host 127.0.0.1 --port "$port" --database-url "$registry_db" >"$demo/registry.log" 2>&1 &
registry_pid=$!
trap 'kill $registry_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    curl -fsS "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && break
    sleep 0.2
done

echo "== setting up site TX014 and importing the sample files"
$desktop site init --code TX014 --name "Pecos County Workforce Center" --admin admin \
    --registry-url "http://127.0.0.1:$port"
$desktop learners import "$samples/site-roster-clean.csv" | tail -n 1
$desktop learners import "$samples/problems.csv" --rejects-out "$demo/refused-rows.csv" | tail -n 1
$desktop scores import "$samples/scores-2026-11-14.csv" | grep -v '^  issued' | tail -n 1
$desktop credentials list | tail -n 1
$desktop certificates print --unprinted --out "$demo/certificates.pdf"

echo "== enrolling and syncing"
$desktop enroll --registry "http://127.0.0.1:$port" --site TX014 --code "$enrolment_code"
$desktop sync
$registry stats --database-url "$registry_db"

echo
echo "Demo folder: $demo (certificates.pdf, refused-rows.csv, the site's data in site/)"
echo "While the registry runs, a certificate's QR code opens http://127.0.0.1:$port/verify/<number>."
echo "Start the GUI on this site with:"
echo "  NWRC_DATA_DIR=$demo/site PYTHON_KEYRING_BACKEND=$PYTHON_KEYRING_BACKEND \\"
echo "  NWRC_KEYRING_PASSWORD=$NWRC_KEYRING_PASSWORD XDG_DATA_HOME=$XDG_DATA_HOME .venv/bin/nwrc-desktop"
if [[ -t 0 ]]; then
    read -r -p "Press Enter to stop the registry. "
fi
