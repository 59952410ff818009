#!/usr/bin/env bash
# Capacity benchmark that travels: concurrent real-time voice calls PER CORE of one VoiceAgent instance.
# The service is pinned to one core (taskset -c $SERVER_CPU) and the load generator (`voiceagent-harness load`) to
# another ($LOAD_CPU), so the generator never takes the server's CPU and the figure is "calls per core" on any machine.
# At increasing N it reports, per level: frame lag p50/p95/p99, voice-to-voice p50/p95, turns, dropped calls, the
# server's CPU (% of its one core, from /proc/PID/stat) and CPU per real-time call, allocations per call-second and GC
# pause time (from the runtime's own System.Runtime meter on /metrics), and RSS. A level PASSES only if p95 frame lag
# < 20 ms, nothing is dropped, and voice-to-voice p50 < 1 s; the largest passing N is the calls-per-core figure.
# Twice by default: Instant test engines (the service's own cost) and the embedded engines (PocketSphinx + eSpeak NG).
# Usage: bench/capacity.sh [instant_levels] [embedded_levels]   e.g. bench/capacity.sh "200 400 600" "4 8 12"
# Env: DURATION (s per level, 20), PORT (18480), OUT (bench/capacity-out), SERVER_CPU (0), LOAD_CPU (1),
#      SETS ("instant embedded"), GC (server-datas | server | workstation: the server's GC mode; default server-datas,
#      which is what an ASP.NET Core app on .NET 10 runs with), KEEP_GOING=1 (run every level even after a failure),
#      SERVER_DIRS ("label=dir label=dir": run each set against each build, e.g. a copy of the Release output made before
#      a change, for before/after ratios within one run on a busy machine; default: the fresh Release build),
#      SERVER_ENV_<label> ("Name=value ...": extra settings for the build of that label only, e.g.
#      SERVER_ENV_inline="VoiceAgent__Server__InlineSocketScheduling=true DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1"),
#      VADS ("default": the configured VAD; e.g. "webrtc silero" runs every set once per VAD engine),
#      SKIP_BUILD=1 (use the Release output as it is, e.g. when SERVER_DIRS names saved builds and the tree is mid-change).
#      EMBEDDED_ENV ("Name=value ...": extra settings for the embedded set, e.g. "VoiceAgent__Tts__Embedded__Workers=0"
#      for eSpeak in-process under its lock instead of the worker pool).
#      CARRIER (twilio | telnyx | vonage: the calls are phone calls on /telephony/$CARRIER/stream, µ-law 8 kHz, which the
#      service resamples 8 → 16 kHz in and 16 → 8 kHz out; default: browser calls on /chat/voice_call).
# The server's CPU includes its children (the eSpeak worker processes), which inherit its CPU pinning.
set -euo pipefail
cd "$(dirname "$0")/.."
INSTANT_LEVELS=${1:-"200 400 600 800 1000"}
EMBEDDED_LEVELS=${2:-"2 4 8 12 16"}
DURATION=${DURATION:-20}
PORT=${PORT:-18480}
OUT=${OUT:-bench/capacity-out}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
SETS=${SETS:-"instant embedded"}
GC=${GC:-server-datas}
KEEP_GOING=${KEEP_GOING:-0}
SERVER_DIRS=${SERVER_DIRS:-"current=$PWD/src/VoiceAgent.Api/bin/Release/net10.0"}
VADS=${VADS:-default}
EMBEDDED_ENV=${EMBEDDED_ENV:-}
CARRIER=${CARRIER:-}
if [ -n "$CARRIER" ]; then CALL_URL="ws://127.0.0.1:$PORT/telephony/$CARRIER/stream"; CALL_ARGS=(--carrier "$CARRIER" --token bench)
else CALL_URL="ws://127.0.0.1:$PORT/chat/voice_call"; CALL_ARGS=(); fi
mkdir -p "$OUT"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

case "$GC" in
  server-datas) GC_ENV=(DOTNET_gcServer=1 DOTNET_GCDynamicAdaptationMode=1) ;;
  server) GC_ENV=(DOTNET_gcServer=1 DOTNET_GCDynamicAdaptationMode=0) ;;
  workstation) GC_ENV=(DOTNET_gcServer=0 DOTNET_gcConcurrent=1) ;;
  *) echo "GC must be server-datas, server or workstation" >&2; exit 2 ;;
esac

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet build src/VoiceAgent.Api -c Release -nologo -v quiet >/dev/null
  dotnet build src/VoiceAgent.Harness -c Release -nologo -v quiet >/dev/null
fi
HARNESS=src/VoiceAgent.Harness/bin/Release/net10.0/voiceagent-harness
WAV="$OUT/question.wav"
flite -voice slt -t "What time is it?" -o "$OUT/flite.wav"
sox "$OUT/flite.wav" -r 16000 -c 1 -b 16 -e signed-integer "$WAV"

# CPU ticks of the server and its child processes (eSpeak workers); a child that exits between readings drops out.
ticks() { local t=0 p; for p in "$1" $(pgrep -P "$1" || true); do t=$(( t + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0) )); done; echo "$t"; }
rss_mb() { awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)
# Sum of every series of one Prometheus metric (name prefix) on /metrics (no keys configured: every key is an operator).
metric() { curl -sf -H "Authorization: Bearer bench" "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" 'index($1, m) == 1 && $1 !~ /^#/ {s += $NF} END {printf "%.6f", s}'; }

server_pid=""
stop_server() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; server_pid=""; }
trap stop_server EXIT

start_server() { # $1 = engine set name, then env assignments
  local name=$1; shift
  (cd "$SERVER_DIR" && exec taskset -c "$SERVER_CPU" env "${GC_ENV[@]}" "$@" VoiceAgent__Store__Provider=Memory VoiceAgent__Sessions__MaxSessions=5000 \
     VoiceAgent__Limits__ConcurrentCallsPerKey=0 VoiceAgent__Limits__RequestsPerMinutePerKey=0 \
     Logging__LogLevel__Default=Warning dotnet VoiceAgent.Api.dll --urls "http://127.0.0.1:$PORT") \
     >"$OUT/server-$name.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "server did not start; see $OUT/server-$name.log" >&2; exit 1
}

run_set() { # $1 = name, $2 = levels, rest = env
  local name=$1 levels=$2; shift 2
  start_server "$name" "$@"
  echo "== $name engines${CARRIER:+ ($CARRIER phone calls)}${*:+ ($*)}, build $BUILD, GC $GC: server pid $server_pid on CPU $SERVER_CPU, load generator on CPU $LOAD_CPU; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  # Warm-up (JIT in both processes, first sessions, decoder loads), not counted.
  taskset -c "$LOAD_CPU" "$HARNESS" load --url "$CALL_URL" "${CALL_ARGS[@]}" --wav "$WAV" --calls 4 --duration 6 --json >/dev/null 2>&1 || true
  printf "%-5s %6s %6s %6s %7s %7s %5s %4s %4s %5s %8s %9s %7s %5s %5s %s\n" \
    N lag50 lag95 lag99 v2v50 v2v95 turns drop err cpu% cpu%/call KB/call-s gc_ms/s rss pass load1
  best=""
  for n in $levels; do
    local alloc0 pause0 t0 s0 alloc1 pause1 t1 s1 rss load
    alloc0=$(metric dotnet_gc_heap_total_allocated); pause0=$(metric dotnet_gc_pause_time)
    t0=$(ticks "$server_pid"); s0=$(date +%s.%N)
    taskset -c "$LOAD_CPU" "$HARNESS" load --url "$CALL_URL" "${CALL_ARGS[@]}" --wav "$WAV" --calls "$n" --duration "$DURATION" \
      --ramp "$(( n < 200 ? 2 : 5 ))" --json >"$OUT/$name-$n.json" 2>"$OUT/$name-$n.err" || true
    t1=$(ticks "$server_pid"); s1=$(date +%s.%N); rss=$(rss_mb "$server_pid")
    alloc1=$(metric dotnet_gc_heap_total_allocated); pause1=$(metric dotnet_gc_pause_time)
    load=$(cut -d' ' -f1 /proc/loadavg)
    read -r p50 p95 p99 v50 v95 turns dropped errors cpu cpc kbcs gcms pass < <(python3 -c '
import json,sys
s=json.load(open(sys.argv[1])); n=int(sys.argv[2]); t0,t1,s0,s1,hz,dur=map(float,sys.argv[3:9]); a0,a1,g0,g1=map(float,sys.argv[9:13])
wall=s1-s0; cpu=(t1-t0)/hz/wall*100
fl=s["frame_lag_ms"]; vv=s["voice_to_voice_ms"]; dropped=s["dropped_calls"]+s["connect_failures"]
# Allocations and pauses over the level (ramp + duration + hang-up): per second of call time the harness held open.
callsec=n*s["duration_seconds"]
ok=fl["p95"]<20 and dropped==0 and vv["count"]>0 and vv["p50"]<1000
print(fl["p50"],fl["p95"],fl["p99"],vv["p50"],vv["p95"],s["turns_completed"],dropped,s["error_frames"],
      "%.0f"%cpu,"%.3f"%(cpu/n),"%.1f"%((a1-a0)/1024/callsec),"%.1f"%((g1-g0)*1000/wall),"PASS" if ok else "fail")' \
      "$OUT/$name-$n.json" "$n" "$t0" "$t1" "$s0" "$s1" "$hz" "$DURATION" "$alloc0" "$alloc1" "$pause0" "$pause1" 2>/dev/null \
      || echo "- - - - - - 1 - - - - - fail")
    printf "%-5s %6s %6s %6s %7s %7s %5s %4s %4s %5s %8s %9s %7s %5s %5s %s\n" \
      "$n" "$p50" "$p95" "$p99" "$v50" "$v95" "$turns" "$dropped" "$errors" "$cpu" "$cpc" "$kbcs" "$gcms" "$rss" "$pass" "$load"
    echo "$name $BUILD $GC $n $p50 $p95 $p99 $v50 $v95 $turns $dropped $errors $cpu $cpc $kbcs $gcms $rss $pass $load" >>"$OUT/results.txt"
    if [ "$pass" = PASS ]; then best="$n calls per core (server CPU ${cpu}% of its core, ${cpc}% per call, ${kbcs} KB allocated per call-second)";
    elif [ "$KEEP_GOING" != 1 ]; then break; fi
  done
  echo "-> $name ($BUILD, $GC): largest N passing (p95 frame lag < 20 ms, none dropped, voice-to-voice p50 < 1 s): ${best:-none}"
  echo "$name $BUILD $GC best ${best:-none}" >>"$OUT/results.txt"
  stop_server
}

echo "# capacity.sh $(date -u +%FT%TZ) ${CARRIER:+$CARRIER phone calls, }builds [$SERVER_DIRS] $(nproc) cores; server CPU $SERVER_CPU, load CPU $LOAD_CPU; GC $GC; ${DURATION}s per level" >>"$OUT/results.txt"
for set in $SETS; do
  for vad in $VADS; do
    # A named VAD engine becomes part of the set's name (instant-silero), so results of several engines stay apart.
    if [ "$vad" = default ]; then name=$set; VAD_ENV=(); else name=$set-$vad; VAD_ENV=(VoiceAgent__Vad__Provider="$vad"); fi
    for build in $SERVER_DIRS; do
      BUILD=${build%%=*}; SERVER_DIR=${build#*=}
      build_env_var="SERVER_ENV_$BUILD"
      read -r -a BUILD_ENV <<<"${!build_env_var:-}"
      case "$set" in
        # The instant ASR reports that it publishes no partials, so the transcript detector already waits EndSilenceMs (500);
        # the fixed detector is named anyway so builds from before that report measure the same wait in an A/B run.
        instant) run_set "$name" "$INSTANT_LEVELS" "${VAD_ENV[@]}" "${BUILD_ENV[@]}" VoiceAgent__Asr__Provider=Instant VoiceAgent__Llm__Provider=Instant \
                   VoiceAgent__Tts__Provider=Instant VoiceAgent__Pipeline__Vad__TurnDetector=Fixed ;;
        # shellcheck disable=SC2086 # EMBEDDED_ENV is a list of assignments
        embedded) run_set "$name" "$EMBEDDED_LEVELS" "${VAD_ENV[@]}" "${BUILD_ENV[@]}" $EMBEDDED_ENV ;;
      esac
    done
  done
done
