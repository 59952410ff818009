#!/usr/bin/env bash
# Phone path vs browser path: end of the caller's speech -> first agent audio, same question, same service, interleaved.
# The service runs the instant engines (ASR/LLM/TTS answer at once) behind the real Silero VAD, so the difference
# between the two paths is the phone path's own cost: G.711 decode + resampling in, resampling + encode + pacing out.
# Usage: bench/phone-bench.sh [N] [CONFIG]   (N turns per path, default 10; CONFIG Release or Debug, default Release)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10}
CONFIG=${2:-Release}
PORT=${PORT:-18094}
dotnet build src/VoiceAgent.Api -c "$CONFIG" -nologo -v quiet >/dev/null
dotnet build src/VoiceAgent.Harness -c "$CONFIG" -nologo -v quiet >/dev/null
HARNESS=src/VoiceAgent.Harness/bin/$CONFIG/net10.0/voiceagent-harness
WAV=$(mktemp --suffix .wav)
flite -voice slt -t "what is twelve times seven" -o "$WAV"
(cd src/VoiceAgent.Api && exec env VoiceAgent__Store__Provider=Memory Logging__LogLevel__Default=Warning \
   VoiceAgent__Asr__Provider=Instant VoiceAgent__Llm__Provider=Instant VoiceAgent__Tts__Provider=Instant \
   dotnet "bin/$CONFIG/net10.0/VoiceAgent.Api.dll" --urls "http://127.0.0.1:$PORT") &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -f "$WAV"' EXIT
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 1; done
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$N"); do
  phone=$("$HARNESS" phone --carrier twilio --url "ws://127.0.0.1:$PORT/telephony/twilio/stream" --wav "$WAV" --from "+1555020$i" | sed -n 's/.*first audio \([0-9]*\) ms.*/\1/p')
  browser=$("$HARNESS" call --url "ws://127.0.0.1:$PORT/chat/voice_call" --wav "$WAV" | awk -F'│' '/^│ 1 /{gsub(/ /,"",$6); print $6}')
  echo "turn $i: phone ${phone} ms, browser ${browser} ms"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
