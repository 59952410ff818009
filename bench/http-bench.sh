#!/usr/bin/env bash
# HTTP audio-modality benchmark: VoiceAgent (synthesis cache off and on) against the Python reference of the Agora
# fixed-PCM sample (uvicorn, 1 and 2 workers), all four running side by side on loopback and measured interleaved in
# one run by `VoiceAgent.Benchmarks sse-load`. Bounded: every phase has a request count and a time limit.
#   bench/http-bench.sh                 # from the repository root
#   N1=200 N32=1200 bench/http-bench.sh # fewer or more requests per target
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N1=${N1:-200}          # requests per target with 1 client
N32=${N32:-1200}       # requests per target with 32 clients
PY=${PY:-/usr/bin/python3}   # Debian's python3 with python3-fastapi and python3-uvicorn
SENTENCE=${SENTENCE:-"Thanks for calling, your order has shipped and will arrive on Friday."}   # 12 words

# The reference server needs Debian's FastAPI and uvicorn (not PyPI); install them when missing.
if ! "$PY" -c 'import fastapi, uvicorn' 2>/dev/null; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get install -y -qq python3-fastapi python3-uvicorn >/dev/null
fi
dotnet build -c Release src/VoiceAgent.Api >/dev/null
dotnet build -c Release bench/VoiceAgent.Benchmarks >/dev/null
API=$ROOT/src/VoiceAgent.Api/bin/Release/net10.0/VoiceAgent.Api.dll
BENCH=$ROOT/bench/VoiceAgent.Benchmarks/bin/Release/net10.0/VoiceAgent.Benchmarks.dll

WORK=$(mktemp -d /tmp/va-http-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# The reference's fixed PCM: the same sentence, spoken by eSpeak NG, 16 kHz PCM16 mono.
espeak-ng -v en-us -s 175 -w "$WORK/sentence.wav" "$SENTENCE"
sox "$WORK/sentence.wav" -r 16000 -c 1 -b 16 -e signed-integer -t raw "$WORK/file.pcm"
printf '%s\n' "$SENTENCE" > "$WORK/file.txt"
"$PY" -c 'import json,sys; print(json.dumps({"model":"bench","stream":True,"modalities":["text","audio"],"audio":{"format":"pcm16"},"messages":[{"role":"user","content":"Hello?"},{"role":"assistant","content":sys.argv[1]}]}))' "$SENTENCE" > "$WORK/body.json"

read -r P_OFF P_ON P_PY1 P_PY2 < <("$PY" -c 'import socket
s=[socket.socket() for _ in range(4)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')

va() { # port cache-bytes
  dotnet "$API" --urls "http://127.0.0.1:$1" --VoiceAgent:Store:Provider=Memory \
    --VoiceAgent:Limits:RequestsPerMinutePerKey=0 --VoiceAgent:Limits:ConcurrentCallsPerKey=0 \
    --VoiceAgent:Http:SynthesisCacheBytes="$2" --Logging:LogLevel:Default=Warning >"$WORK/va-$1.log" 2>&1 &
  PIDS+=($!)
}
py() { # port workers
  AGORA_REF_PCM="$WORK/file.pcm" AGORA_REF_TXT="$WORK/file.txt" "$PY" -m uvicorn --app-dir bench/reference \
    agora_fixed_pcm_server:app --host 127.0.0.1 --port "$1" --workers "$2" --no-access-log --log-level warning >"$WORK/py-$1.log" 2>&1 &
  PIDS+=($!)
}
va "$P_OFF" 0
va "$P_ON" 67108864
py "$P_PY1" 1
py "$P_PY2" 2

for port in "$P_OFF" "$P_ON" "$P_PY1" "$P_PY2"; do
  for _ in $(seq 1 120); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Authorization: Bearer bench' -H 'Content-Type: application/json' \
      --data @"$WORK/body.json" "http://127.0.0.1:$port/audio/chat/completions" || true)
    [ "$code" = 200 ] && break
    sleep 0.5
  done
  [ "$code" = 200 ] || { echo "server on $port did not come up"; tail -20 "$WORK"/*-"$port".log; exit 1; }
done

echo "# http-bench $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# sentence: \"$SENTENCE\" ($(( $(stat -c %s "$WORK/file.pcm") / 32 )) ms of audio)"
T=(va-nocache="http://127.0.0.1:$P_OFF/audio/chat/completions"
   va-cache="http://127.0.0.1:$P_ON/audio/chat/completions"
   py-1worker="http://127.0.0.1:$P_PY1/audio/chat/completions"
   py-2workers="http://127.0.0.1:$P_PY2/audio/chat/completions")
echo "## 1 client"
dotnet "$BENCH" sse-load --body "$WORK/body.json" --n "$N1" --c 1 --rounds 4 --warmup 20 --max-seconds 90 "${T[@]}"
echo "## 32 clients"
dotnet "$BENCH" sse-load --body "$WORK/body.json" --n "$N32" --c 32 --rounds 4 --warmup 64 --max-seconds 150 "${T[@]}"
echo "# done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
