#!/usr/bin/env bash
# Starts VoiceAgent on its embedded engines (no network, no keys). Extra arguments go to the service,
# e.g. ./run.sh --urls http://0.0.0.0:9000
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh run
command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet not found)." >&2; exit 1; }
dotnet build src/VoiceAgent.Api -c Release -nologo -v quiet
urls=()
[[ " $* " == *" --urls "* ]] || urls=(--urls "${VOICEAGENT_URLS:-http://127.0.0.1:8080}")
# From the repository root, so the default SQLite file is ./data/voiceagent.db.
exec dotnet src/VoiceAgent.Api/bin/Release/net10.0/VoiceAgent.Api.dll "${urls[@]}" "$@"
