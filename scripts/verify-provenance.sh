#!/usr/bin/env bash
# Verifies a film against its provenance manifest: the manifest's signature (HMAC-SHA256 under the platform's
# Provenance:Key) and that the film is the one the manifest names. Exit 0 only when both hold.
# Usage: PROVENANCE_KEY=... scripts/verify-provenance.sh film.mp4 manifest.json manifest.sig
set -euo pipefail
film=$1 manifest=$2 signature=$3
: "${PROVENANCE_KEY:?set PROVENANCE_KEY to the Provenance:Key of the platform}"
expected=$(openssl dgst -sha256 -hmac "$PROVENANCE_KEY" -r "$manifest" | cut -d' ' -f1)
if [ "$expected" != "$(tr -d '[:space:]' < "$signature")" ]; then echo "manifest signature does not verify" >&2; exit 1; fi
named=$(grep -o '"filmSha256": *"[0-9a-f]*"' "$manifest" | grep -o '[0-9a-f]\{64\}')
if [ "$named" != "$(sha256sum "$film" | cut -d' ' -f1)" ]; then echo "the film is not the one the manifest names" >&2; exit 1; fi
echo "verified: signed manifest, film $named"
