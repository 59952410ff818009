#!/usr/bin/env bash
# Capacity benchmark: how many concurrent real-time voice calls one VoiceAgent instance keeps up with.
# Starts the service on 127.0.0.1 (Memory store), runs `voiceagent-harness load` at increasing N, and finds the largest
# N with p95 frame lag < 20 ms and no dropped call; records the server's CPU (from /proc/PID/stat) and RSS at that N.
# Twice: with the Instant test engines (the service's own cost) and with the embedded engines (PocketSphinx + eSpeak NG).
# The load generator runs on the same machine and shares its cores with the server.
# Usage: bench/capacity.sh [instant_levels] [embedded_levels]   e.g. bench/capacity.sh "50 100 200" "5 10 20"
# Env: DURATION (s per level, default 20), PORT (default 18480), OUT (default bench/capacity-out).
set -euo pipefail
cd "$(dirname "$0")/.."
INSTANT_LEVELS=${1:-"50 100 200 400 800 1000 1200 1500"}
EMBEDDED_LEVELS=${2:-"2 4 8 12 16 24 32"}
DURATION=${DURATION:-20}
PORT=${PORT:-18480}
OUT=${OUT:-bench/capacity-out}
mkdir -p "$OUT"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

dotnet build src/VoiceAgent.Api -c Release -nologo -v quiet >/dev/null
dotnet build src/VoiceAgent.Harness -c Release -nologo -v quiet >/dev/null
HARNESS=src/VoiceAgent.Harness/bin/Release/net10.0/voiceagent-harness
WAV="$OUT/question.wav"
flite -voice slt -t "What time is it?" -o "$OUT/flite.wav"
sox "$OUT/flite.wav" -r 16000 -c 1 -b 16 -e signed-integer "$WAV"

ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)

server_pid=""
stop_server() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; server_pid=""; }
trap stop_server EXIT

start_server() { # $1 = engine set name, then env assignments
  local name=$1; shift
  (cd src/VoiceAgent.Api && exec env "$@" VoiceAgent__Store__Provider=Memory VoiceAgent__Sessions__MaxSessions=5000 VoiceAgent__Limits__ConcurrentCallsPerKey=0 \
     Logging__LogLevel__Default=Warning dotnet bin/Release/net10.0/VoiceAgent.Api.dll --urls "http://127.0.0.1:$PORT") \
     >"$OUT/server-$name.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "server did not start; see $OUT/server-$name.log" >&2; exit 1
}

run_set() { # $1 = name, $2 = levels, rest = env
  local name=$1 levels=$2; shift 2
  start_server "$name" "$@"
  echo "== $name engines (server pid $server_pid, $(nproc) cores shared with the load generator)"
  # Warm-up (JIT in both processes, first sessions), not counted.
  "$HARNESS" load --url "ws://127.0.0.1:$PORT/chat/voice_call" --wav "$WAV" --calls 4 --duration 4 --json >/dev/null 2>&1 || true
  printf "%-6s %8s %8s %8s %8s %6s %7s %7s %6s %6s\n" N lag_p50 lag_p95 lag_p99 v2v_p50 turns dropped errors cpu% rss_mb
  best=""
  for n in $levels; do
    t0=$(ticks "$server_pid"); s0=$(date +%s.%N)
    rc=0
    "$HARNESS" load --url "ws://127.0.0.1:$PORT/chat/voice_call" --wav "$WAV" --calls "$n" --duration "$DURATION" \
      --ramp "$(( n < 200 ? 2 : 5 ))" --json >"$OUT/$name-$n.json" 2>"$OUT/$name-$n.err" || rc=$?
    t1=$(ticks "$server_pid"); s1=$(date +%s.%N); rss=$(rss_mb "$server_pid")
    cpu=$(awk -v a="$t0" -v b="$t1" -v s="$s0" -v e="$s1" -v hz="$hz" 'BEGIN{printf "%.0f", (b-a)/hz/(e-s)*100}')
    read -r p50 p95 p99 v2v turns dropped errors < <(python3 -c '
import json,sys; s=json.load(open(sys.argv[1]))
print(s["frame_lag_ms"]["p50"], s["frame_lag_ms"]["p95"], s["frame_lag_ms"]["p99"], s["voice_to_voice_ms"]["p50"], s["turns_completed"], s["dropped_calls"]+s["connect_failures"], s["error_frames"])' "$OUT/$name-$n.json" 2>/dev/null || echo "- - - - - 1 -")
    printf "%-6s %8s %8s %8s %8s %6s %7s %7s %6s %6s\n" "$n" "$p50" "$p95" "$p99" "$v2v" "$turns" "$dropped" "$errors" "$cpu" "$rss"
    echo "$name $n $p50 $p95 $p99 $v2v $turns $dropped $errors $cpu $rss" >>"$OUT/results.txt"
    if [ "$dropped" = 0 ] && awk -v p="$p95" 'BEGIN{exit !(p < 20)}'; then best="$n cpu=${cpu}% rss=${rss}MB"; else break; fi
  done
  echo "-> $name: largest N with p95 frame lag < 20 ms and no dropped call: ${best:-none}"
  echo "$name best ${best:-none}" >>"$OUT/results.txt"
  stop_server
}

: >"$OUT/results.txt"
run_set instant "$INSTANT_LEVELS" VoiceAgent__Asr__Provider=Instant VoiceAgent__Llm__Provider=Instant VoiceAgent__Tts__Provider=Instant
run_set embedded "$EMBEDDED_LEVELS"
