#!/usr/bin/env bash
# Phone-call capacity next to browser-call capacity, in the same run on the same service: at each N, `load` runs N
# browser calls (/chat/voice_call), then N phone calls (`load --carrier`, Twilio µ-law 8 kHz by default) for DURATION s.
# Instant engines (ASR/LLM/TTS answer at once) behind the real Silero VAD, so what is measured is the service's own
# cost per call. Pass = p95 frame lag < 20 ms and no dropped call (the bar of bench/capacity.sh). The load generator
# shares the machine's cores with the server.
# Usage: bench/phone-capacity.sh [levels]     e.g. bench/phone-capacity.sh "100 200 400 800 1000"
# Env: CARRIER (twilio|telnyx|vonage), DURATION (s per level, default 15), CONFIG (Release|Debug), PORT, OUT,
#      SERVER_DIRS ("label=dir label=dir": run the levels against each build in turn, e.g. a copy of the Release output
#      made before a change, for before/after ratios within one run; default: the build of this tree), SKIP_BUILD=1,
#      SERVER_CPU / LOAD_CPU (pin the server and the load generator to these CPUs, as bench/capacity.sh does; default unpinned).
set -euo pipefail
cd "$(dirname "$0")/.."
LEVELS=${1:-"100 200 400 800 1000"}
CARRIER=${CARRIER:-twilio}
DURATION=${DURATION:-15}
CONFIG=${CONFIG:-Release}
PORT=${PORT:-18612}
OUT=${OUT:-bench/phone-capacity-out}
mkdir -p "$OUT"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
SERVER_DIRS=${SERVER_DIRS:-"current=$PWD/src/VoiceAgent.Api/bin/$CONFIG/net10.0"}
SERVER_PIN=(); LOAD_PIN=()
[ -n "${SERVER_CPU:-}" ] && SERVER_PIN=(taskset -c "$SERVER_CPU")
[ -n "${LOAD_CPU:-}" ] && LOAD_PIN=(taskset -c "$LOAD_CPU")
if [ "$CONFIG" = Release ] && [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet build src/VoiceAgent.Api -c Release -nologo -v quiet >/dev/null
  dotnet build src/VoiceAgent.Harness -c Release -nologo -v quiet >/dev/null
fi
HARNESS=src/VoiceAgent.Harness/bin/$CONFIG/net10.0/voiceagent-harness
flite -voice slt -t "What time is it?" -o "$OUT/flite.wav"
sox "$OUT/flite.wav" -r 16000 -c 1 -b 16 -e signed-integer "$OUT/question.wav"

SERVER=""
start_server() { # $1 = the build's folder
  (cd "$1" && exec "${SERVER_PIN[@]}" env VoiceAgent__Store__Provider=Memory VoiceAgent__Sessions__MaxSessions=5000 \
     VoiceAgent__Limits__ConcurrentCallsPerKey=0 VoiceAgent__Asr__Provider=Instant VoiceAgent__Llm__Provider=Instant \
     VoiceAgent__Tts__Provider=Instant Logging__LogLevel__Default=Warning \
     dotnet VoiceAgent.Api.dll --urls "http://127.0.0.1:$PORT") >"$OUT/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 1; done
}
stop_server() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; SERVER=""; }
trap stop_server EXIT
ticks() { awk '{print $14+$15}' "/proc/$SERVER/stat"; }
hz=$(getconf CLK_TCK)

run() { # $1 = browser|phone, $2 = N
  local kind=$1 n=$2 url="ws://127.0.0.1:$PORT/chat/voice_call" extra=()
  [ "$kind" = phone ] && url="ws://127.0.0.1:$PORT/telephony/$CARRIER/stream" && extra=(--carrier "$CARRIER")
  local t0 s0 t1 s1 rc=0
  t0=$(ticks); s0=$(date +%s.%N)
  "${LOAD_PIN[@]}" "$HARNESS" load --url "$url" "${extra[@]}" --token bench --wav "$OUT/question.wav" --calls "$n" --duration "$DURATION" \
    --ramp "$(( n < 200 ? 2 : 5 ))" --json >"$OUT/$kind-$n.json" 2>"$OUT/$kind-$n.err" || rc=$?
  t1=$(ticks); s1=$(date +%s.%N)
  local cpu; cpu=$(awk -v a="$t0" -v b="$t1" -v s="$s0" -v e="$s1" -v hz="$hz" 'BEGIN{printf "%.0f", (b-a)/hz/(e-s)*100}')
  python3 - "$OUT/$kind-$n.json" "$kind" "$n" "$cpu" <<'PY'
import json, sys
path, kind, n, cpu = sys.argv[1:]
try:
    s = json.load(open(path))
except Exception:
    print(f"{kind:8} {n:>6} {'-':>8} {'-':>8} {'-':>8} {'-':>8} {'-':>6} {'all':>7} {cpu:>5}% FAIL"); sys.exit()
lag, bad = s["frame_lag_ms"], s["dropped_calls"] + s["connect_failures"]
ok = bad == 0 and lag["p95"] < 20
print(f"{kind:8} {n:>6} {lag['p50']:8} {lag['p95']:8} {lag['p99']:8} {s['voice_to_voice_ms']['p50']:8} {s['turns_completed']:6} {bad:7} {cpu:>5}% {'pass' if ok else 'FAIL'}")
PY
}

for build in $SERVER_DIRS; do
  start_server "${build#*=}"
  echo "== build ${build%%=*}: load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; server CPU ${SERVER_CPU:-any}, load CPU ${LOAD_CPU:-any}; carrier $CARRIER"
  "${LOAD_PIN[@]}" "$HARNESS" load --url "ws://127.0.0.1:$PORT/chat/voice_call" --token bench --wav "$OUT/question.wav" --calls 4 --duration 4 --json >/dev/null 2>&1 || true
  "${LOAD_PIN[@]}" "$HARNESS" load --url "ws://127.0.0.1:$PORT/telephony/$CARRIER/stream" --carrier "$CARRIER" --token bench --wav "$OUT/question.wav" --calls 4 --duration 4 --json >/dev/null 2>&1 || true
  printf "%-8s %6s %8s %8s %8s %8s %6s %7s %6s\n" path N lag_p50 lag_p95 lag_p99 v2v_p50 turns dropped cpu
  for n in $LEVELS; do
    run browser "$n"
    run phone "$n"
  done
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  stop_server
done
