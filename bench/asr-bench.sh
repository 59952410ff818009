#!/usr/bin/env bash
# Embedded ASR: word error rate per set, voice and audio path (16 kHz, 8 kHz µ-law round trip), generic vs domain vs
# picked, with held-out sets; then end of speech → final text on ~3 s and ~8 s turns paced in real time.
#   bench/asr-bench.sh                  # both, results in bench/results/asr-{accuracy,latency}-RUN.txt
#   RUN=2 RUNS=10 FILTER="real" bench/asr-bench.sh
# Real human speech needs the Debian packages pocketsphinx-testdata and alsa-utils (scripts/install-deps.sh test).
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${RUN:-1}
RUNS=${RUNS:-10}              # timed turns per configuration and length
FILTER=${FILTER:-}
OUT=bench/results
dotnet build -c Release bench/VoiceAgent.Benchmarks -nologo -v quiet -clp:ErrorsOnly >/dev/null
BENCH=(dotnet bench/VoiceAgent.Benchmarks/bin/Release/net10.0/VoiceAgent.Benchmarks.dll)
{ echo "# ${BENCH[*]} asr-accuracy ${FILTER}   ($(date -u +%FT%TZ), $(uptime))"; "${BENCH[@]}" asr-accuracy ${FILTER:+"$FILTER"}; } | tee "$OUT/asr-accuracy-$RUN.txt"
{ echo "# ${BENCH[*]} asr-latency $RUNS   ($(date -u +%FT%TZ), $(uptime))"; "${BENCH[@]}" asr-latency "$RUNS"; } | tee "$OUT/asr-latency-$RUN.txt"
