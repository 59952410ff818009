#!/usr/bin/env bash
# Voice-call benchmarks: voice-to-voice latency over /chat/voice_call against the Release service with its embedded
# engines (flite questions at real-time pace), the pipeline's own overhead in process, and server memory per call.
# Bounded: fixed turn and call counts, each step under `timeout`.
#   bench/voice-bench.sh            # from the repository root; TURNS=24 IDLE=200 ACTIVE=50 by default
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TURNS=${TURNS:-24}; IDLE=${IDLE:-200}; ACTIVE=${ACTIVE:-50}; END_SILENCE_MS=${END_SILENCE_MS:-500}
dotnet build -c Release src/VoiceAgent.Api >/dev/null
dotnet build -c Release bench/VoiceAgent.Benchmarks >/dev/null
API=$ROOT/src/VoiceAgent.Api/bin/Release/net10.0/VoiceAgent.Api.dll
BENCH=$ROOT/bench/VoiceAgent.Benchmarks/bin/Release/net10.0/VoiceAgent.Benchmarks.dll
LOG=$(mktemp /tmp/va-voice-bench.XXXXXX.log)
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dotnet "$API" --urls "http://127.0.0.1:$PORT" --VoiceAgent:Store:Provider=Memory \
  --VoiceAgent:Limits:RequestsPerMinutePerKey=0 --VoiceAgent:Limits:ConcurrentCallsPerKey=0 \
  --VoiceAgent:Pipeline:Vad:EndSilenceMs="$END_SILENCE_MS" --Logging:LogLevel:Default=Warning >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.5; done

echo "# voice-bench $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## voice-to-voice latency (embedded engines)"
timeout 400 dotnet "$BENCH" voice-latency --url "ws://127.0.0.1:$PORT/chat/voice_call" --turns "$TURNS" --end-silence-ms "$END_SILENCE_MS"
kill $PID; wait $PID 2>/dev/null || true
echo "## pipeline overhead (real VAD, benchmark-local instant fakes, in process)"
timeout 300 dotnet "$BENCH" pipeline-overhead 200
echo "## memory per call (service in process, calls from a child process)"
timeout 300 dotnet "$BENCH" memory --idle "$IDLE" --active "$ACTIVE"
echo "# done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
