#!/usr/bin/env bash
# What the embedded recogniser (PocketSphinx) writes for backchannels and short interruptions, and how the interruption
# rule reads it: flite says each phrase in the tune voices (slt, rms) and the held-out voices (awb, kal), the Release
# service transcribes it on /v1/audio/transcriptions, and `backchannel-words` counts the real words of each transcript.
#   bench/backchannel-asr.sh            # from the repository root; prints every line and the counts per part
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
dotnet build -c Release src/VoiceAgent.Api >/dev/null
dotnet build -c Release bench/VoiceAgent.Benchmarks >/dev/null
API=$ROOT/src/VoiceAgent.Api/bin/Release/net10.0/VoiceAgent.Api.dll
BENCH=$ROOT/bench/VoiceAgent.Benchmarks/bin/Release/net10.0/VoiceAgent.Benchmarks.dll
WORK=$(mktemp -d /tmp/va-bc-asr.XXXXXX)
PID=
trap '[ -n "$PID" ] && { kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; }; rm -rf "$WORK"' EXIT
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dotnet "$API" --urls "http://127.0.0.1:$PORT" --VoiceAgent:Store:Provider=Memory --VoiceAgent:Limits:RequestsPerMinutePerKey=0 \
  --Logging:LogLevel:Default=Warning >"$WORK/service.log" 2>&1 &
PID=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.5; done

BACKCHANNELS=("uh huh" "mm hmm" "yeah" "okay" "right" "yes" "sure" "i see" "got it" "yep" "alright" "hmm" "mhm" "wow" "really" "uh huh uh huh")
INTERRUPTIONS=("stop" "wait" "no" "hold on" "stop please" "wait a moment" "what time is it" "no that's wrong" "excuse me" "sorry" "actually")
say() { # voice text
  flite -voice "$1" -t "$2" -o "$WORK/raw.wav" 2>/dev/null
  sox "$WORK/raw.wav" -r 16000 -c 1 -b 16 "$WORK/say.wav" 2>/dev/null
  echo "$1 | $2 | $(timeout 60 curl -s -H 'Authorization: Bearer bench' -F file=@"$WORK/say.wav" -F model=whisper-1 "http://127.0.0.1:$PORT/v1/audio/transcriptions")"
}
echo "# backchannel-asr $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
{
  for v in slt rms; do for t in "${BACKCHANNELS[@]}" "${INTERRUPTIONS[@]}"; do say "$v" "$t"; done; done
  for v in awb kal; do for t in "${BACKCHANNELS[@]}"; do say "$v" "$t"; done; done
} > "$WORK/heard.txt"
dotnet "$BENCH" backchannel-words "$WORK/heard.txt"
