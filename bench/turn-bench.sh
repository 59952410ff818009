#!/usr/bin/env bash
# Turn-taking benchmark: for each configuration, starts the Release service with that configuration's settings and
# plays the turn-taking sets (made on the fly with flite, espeak-ng and sox) over /chat/voice_call at real-time pace.
# Prints every case and one table for all configurations. Bounded: a fixed set of cases, each step under `timeout`.
#   bench/turn-bench.sh                         # WebRTC vs Silero, from the repository root
#   CONFIGS=$'webrtc|--VoiceAgent:Vad:Provider=WebRtc\nsilero-td|--VoiceAgent:Vad:Provider=Silero --VoiceAgent:X:Y=Z' bench/turn-bench.sh
# Each line of CONFIGS is "name|settings passed to the service" (any --VoiceAgent:... keys). PARALLEL calls at a time (3).
# ONLY=pause,question runs only those categories (pause, question, noise, snr, backchannel, interruption) for a quick look.
# PART=tune runs one part of the sets (tune, heldout, fresh, unseen); all of them by default.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PARALLEL=${PARALLEL:-3}
CONFIGS=${CONFIGS:-$'webrtc|--VoiceAgent:Vad:Provider=WebRtc\nsilero|--VoiceAgent:Vad:Provider=Silero'}
dotnet build -c Release src/VoiceAgent.Api >/dev/null
dotnet build -c Release bench/VoiceAgent.Benchmarks >/dev/null
API=$ROOT/src/VoiceAgent.Api/bin/Release/net10.0/VoiceAgent.Api.dll
BENCH=$ROOT/bench/VoiceAgent.Benchmarks/bin/Release/net10.0/VoiceAgent.Benchmarks.dll
TABLE=$(mktemp /tmp/va-turn-table.XXXXXX)
PID=
trap '[ -n "$PID" ] && { kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; }; rm -f "$TABLE"' EXIT

echo "# turn-bench $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
while IFS='|' read -r name settings; do
  [ -z "$name" ] && continue
  LOG=$(mktemp /tmp/va-turn-bench.XXXXXX.log)
  PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  # shellcheck disable=SC2086  # the settings are separate arguments on purpose
  dotnet "$API" --urls "http://127.0.0.1:$PORT" --VoiceAgent:Store:Provider=Memory \
    --VoiceAgent:Limits:RequestsPerMinutePerKey=0 --VoiceAgent:Limits:ConcurrentCallsPerKey=0 \
    --Logging:LogLevel:Default=Warning $settings >"$LOG" 2>&1 &
  PID=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.5; done
  echo "## $name: $settings"
  timeout 1500 dotnet "$BENCH" turn-taking --url "ws://127.0.0.1:$PORT/chat/voice_call" --name "$name" --parallel "$PARALLEL" --table "$TABLE" ${ONLY:+--only "$ONLY"} ${PART:+--part "$PART"} || echo "(turn-taking for $name exited $?)"
  kill $PID; wait $PID 2>/dev/null || true; PID=
done <<< "$CONFIGS"

echo "## table"
echo "| configuration | part | false cut-offs (0.8 s pauses) | end of question → first audio p50 / p95 ms | turns started by noise | questions missed in noise 10 / 5 / 0 dB | false interruptions (backchannels) | real interruption → agent silent p50 / p95 ms (missed) | real interruption → \`interrupt\` p50 / p95 ms |"
echo "|---|---|---|---|---|---|---|---|---|"
cat "$TABLE"
echo "# done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
