#!/usr/bin/env bash
# Where a loaded VoiceAgent spends its allocations and CPU: one level of real-time voice calls (instant engines, as in
# bench/capacity.sh, server and load generator pinned to their own cores) traced with dotnet-trace, then reported.
#   allocations: dotnet-trace's gc-verbose profile (an allocation sample about every 100 KB, with stacks), summed by type
#                and by the VoiceAgent method that allocated (`VoiceAgent.Benchmarks -- alloc-report`)
#   CPU:         the sampled thread time profile, top methods by exclusive samples (`dotnet-trace report topN`)
#   MODE=perf:   CPU only, with Linux perf instead (on-CPU samples of the server's threads, JIT-ted frames named through
#                DOTNET_PerfMapEnabled=1, W^X off): top symbols by exclusive (self) and inclusive (children) share of the server's
#                CPU, and the self time summed by area (socket, parser, channels/thread pool, VAD, GC...) by
#                bench/perf-areas.py. Sampled thread time counts waiting threads too; perf counts only what burns CPU.
# Usage: bench/profile-capacity.sh [calls]      e.g. CALLS=400 VAD=WebRtc bench/profile-capacity.sh
# Env: DURATION (s of load, 30), TRACE_SECONDS (15, taken in the middle of the load), VAD (the configured one unless
#      set: WebRtc | Silero), SERVER_DIR (the Release build), PORT (18490), OUT (bench/profile-out),
#      SERVER_CPU (0), LOAD_CPU (1), SKIP_BUILD=1, MODE (trace | perf), PERF_HZ (perf's sampling rate, 999),
#      CARRIER (twilio | telnyx | vonage: phone calls on /telephony/$CARRIER/stream instead of browser calls). Needs: dotnet tool install -g dotnet-trace --version 10.0.750501
# Run it under flock /tmp/bench.lock like every benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS=${1:-${CALLS:-400}}
DURATION=${DURATION:-30}
TRACE_SECONDS=${TRACE_SECONDS:-15}
PORT=${PORT:-18490}
OUT=${OUT:-bench/profile-out}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
SERVER_DIR=${SERVER_DIR:-$PWD/src/VoiceAgent.Api/bin/Release/net10.0}
TRACE=${DOTNET_TRACE:-$(command -v dotnet-trace || echo "$HOME/.dotnet/tools/dotnet-trace")}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet build src/VoiceAgent.Api -c Release -nologo -v quiet >/dev/null
  dotnet build src/VoiceAgent.Harness -c Release -nologo -v quiet >/dev/null
fi
dotnet build bench/VoiceAgent.Benchmarks -c Release -nologo -v quiet >/dev/null
HARNESS=src/VoiceAgent.Harness/bin/Release/net10.0/voiceagent-harness
WAV="$OUT/question.wav"
flite -voice slt -t "What time is it?" -o "$OUT/flite.wav"
sox "$OUT/flite.wav" -r 16000 -c 1 -b 16 -e signed-integer "$WAV"

VAD_ENV=()
[ -n "${VAD:-}" ] && VAD_ENV=(VoiceAgent__Vad__Provider="$VAD")
MODE=${MODE:-trace}
CALL_URL="ws://127.0.0.1:$PORT/chat/voice_call"; CALL_ARGS=()
[ -n "${CARRIER:-}" ] && CALL_URL="ws://127.0.0.1:$PORT/telephony/$CARRIER/stream" && CALL_ARGS=(--carrier "$CARRIER" --token bench)
PERF_ENV=()
[ "$MODE" = perf ] && PERF_ENV=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)  # W^X double-maps JIT-ted code where perf cannot name it
(cd "$SERVER_DIR" && exec taskset -c "$SERVER_CPU" env "${PERF_ENV[@]}" DOTNET_gcServer=1 DOTNET_GCDynamicAdaptationMode=1 "${VAD_ENV[@]}" \
   VoiceAgent__Asr__Provider=Instant VoiceAgent__Llm__Provider=Instant VoiceAgent__Tts__Provider=Instant \
   VoiceAgent__Pipeline__Vad__TurnDetector=Fixed VoiceAgent__Store__Provider=Memory VoiceAgent__Sessions__MaxSessions=5000 \
   VoiceAgent__Limits__ConcurrentCallsPerKey=0 VoiceAgent__Limits__RequestsPerMinutePerKey=0 \
   Logging__LogLevel__Default=Warning dotnet VoiceAgent.Api.dll --urls "http://127.0.0.1:$PORT") >"$OUT/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.5; done
echo "# profile-capacity.sh $(date -u +%FT%TZ): $CALLS ${CARRIER:+$CARRIER phone }calls, VAD ${VAD:-configured}, ${TRACE_SECONDS}s traced; load average $(cut -d' ' -f1-3 /proc/loadavg)"
taskset -c "$LOAD_CPU" "$HARNESS" load --url "$CALL_URL" "${CALL_ARGS[@]}" --wav "$WAV" --calls 4 --duration 6 --json >/dev/null 2>&1 || true

trace_at=$(( CALLS < 200 ? 2 : 5 ))  # after the ramp: every call connected
taskset -c "$LOAD_CPU" "$HARNESS" load --url "$CALL_URL" "${CALL_ARGS[@]}" --wav "$WAV" --calls "$CALLS" --duration "$DURATION" \
  --ramp "$trace_at" --json >"$OUT/load.json" 2>"$OUT/load.err" &
load_pid=$!
sleep $(( trace_at + 3 ))
if [ "$MODE" = perf ]; then
  taskset -c "$LOAD_CPU" perf record -F "${PERF_HZ:-999}" -g -p "$server_pid" -o "$OUT/perf.data" -- sleep "$TRACE_SECONDS" 2>/dev/null
  wait "$load_pid" || true
  echo "load: $(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("frame lag p95", s["frame_lag_ms"]["p95"], "ms; voice-to-voice p50", s["voice_to_voice_ms"]["p50"], "ms; turns", s["turns_completed"], "; dropped", s["dropped_calls"])' "$OUT/load.json" 2>/dev/null || echo "see $OUT/load.err")"
  perf script -i "$OUT/perf.data" -F comm,tid,ip,sym,dso 2>/dev/null >"$OUT/perf.txt"
  python3 bench/perf-areas.py "$OUT/perf.txt" 40
  echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi
# Pinned with the load generator, so tracing does not take the server's core.
taskset -c "$LOAD_CPU" "$TRACE" collect -p "$server_pid" --profile gc-verbose --duration "00:00:00:$(printf %02d "$TRACE_SECONDS")" \
  -o "$OUT/alloc.nettrace" >/dev/null
taskset -c "$LOAD_CPU" "$TRACE" collect -p "$server_pid" --profile dotnet-sampled-thread-time --duration 00:00:00:05 \
  -o "$OUT/cpu.nettrace" >/dev/null || true
wait "$load_pid" || true
echo "load: $(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("frame lag p95", s["frame_lag_ms"]["p95"], "ms; voice-to-voice p50", s["voice_to_voice_ms"]["p50"], "ms; turns", s["turns_completed"], "; dropped", s["dropped_calls"])' "$OUT/load.json" 2>/dev/null || echo "see $OUT/load.err")"
dotnet bench/VoiceAgent.Benchmarks/bin/Release/net10.0/VoiceAgent.Benchmarks.dll alloc-report "$OUT/alloc.nettrace" 30
echo
echo "== CPU: top methods by exclusive samples (5 s of sampled thread time; waiting threads included)"
"$TRACE" report "$OUT/cpu.nettrace" topN -n 25 2>/dev/null || echo "(no CPU report)"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
