#!/usr/bin/env bash
# Soak: half the measured capacity for 10 minutes, to see latency drift and memory growth (not part of CI).
# Starts the service (instant engines, Memory store) on 127.0.0.1 and runs `voiceagent-harness load` in back-to-back
# windows; after each window records voice-to-voice and frame-lag percentiles and the server's RSS and managed heap.
# Usage: bench/soak.sh [calls] [minutes]     defaults: 200 calls (half of the 400 found by capacity.sh), 10 minutes
# Env: PORT (default 18490), OUT (default bench/soak-out), WINDOW (seconds per window, default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS=${1:-200}
MINUTES=${2:-10}
WINDOW=${WINDOW:-60}
PORT=${PORT:-18490}
OUT=${OUT:-bench/soak-out}
mkdir -p "$OUT"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

dotnet build src/VoiceAgent.Api -c Release -nologo -v quiet >/dev/null
dotnet build src/VoiceAgent.Harness -c Release -nologo -v quiet >/dev/null
HARNESS=src/VoiceAgent.Harness/bin/Release/net10.0/voiceagent-harness
WAV="$OUT/question.wav"
flite -voice slt -t "What time is it?" -o "$OUT/flite.wav"
sox "$OUT/flite.wav" -r 16000 -c 1 -b 16 -e signed-integer "$WAV"

(cd src/VoiceAgent.Api && exec env VoiceAgent__Asr__Provider=Instant VoiceAgent__Llm__Provider=Instant VoiceAgent__Tts__Provider=Instant \
   VoiceAgent__Store__Provider=Memory VoiceAgent__Sessions__MaxSessions=5000 VoiceAgent__Limits__ConcurrentCallsPerKey=0 \
   Logging__LogLevel__Default=Warning dotnet bin/Release/net10.0/VoiceAgent.Api.dll --urls "http://127.0.0.1:$PORT") >"$OUT/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.5; done

rss_mb() { awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$pid/status"; }
# The managed heap left by the last GC, from the runtime's own meter on /metrics (all generations).
heap_mb() { curl -sf -H "Authorization: Bearer soak" "http://127.0.0.1:$PORT/metrics" | awk '/^dotnet_gc_last_collection_heap_size_bytes/{s+=$2} END{printf "%.0f", s/1048576}'; }
printf "%-7s %9s %9s %9s %9s %7s %7s %8s %8s\n" minute v2v_p50 v2v_p95 lag_p95 lag_p99 turns dropped rss_mb heap_mb | tee "$OUT/soak.txt"
windows=$(( MINUTES * 60 / WINDOW ))
for w in $(seq 1 "$windows"); do
  "$HARNESS" load --url "ws://127.0.0.1:$PORT/chat/voice_call" --token soak --wav "$WAV" --calls "$CALLS" --duration "$WINDOW" --ramp 5 --json \
    >"$OUT/window-$w.json" 2>"$OUT/window-$w.err" || true
  read -r v50 v95 l95 l99 turns dropped < <(python3 -c '
import json,sys; s=json.load(open(sys.argv[1]))
print(s["voice_to_voice_ms"]["p50"], s["voice_to_voice_ms"]["p95"], s["frame_lag_ms"]["p95"], s["frame_lag_ms"]["p99"], s["turns_completed"], s["dropped_calls"]+s["connect_failures"])' "$OUT/window-$w.json" 2>/dev/null || echo "- - - - - -")
  printf "%-7s %9s %9s %9s %9s %7s %7s %8s %8s\n" "$(( w * WINDOW / 60 ))" "$v50" "$v95" "$l95" "$l99" "$turns" "$dropped" "$(rss_mb)" "$(heap_mb)" | tee -a "$OUT/soak.txt"
done
