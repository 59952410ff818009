#!/usr/bin/env bash
# Installs the Debian packages VoiceAgent needs, only those missing. Usage: scripts/install-deps.sh [run|test]
set -euo pipefail
mode=${1:-run}

# Native engines the service loads at start-up.
pkgs=(libwebrtc-audio-processing1 libpocketsphinx3 pocketsphinx-en-us libespeak-ng1 espeak-ng-data libsoxr0)
# /v1/audio/speech: mp3 through LAME, flac through libFLAC and opus through libopus in process; aac, and decoding uploads to
# /v1/audio/transcriptions, through the ffmpeg program.
pkgs+=(libmp3lame0 libflac12 libopus0 ffmpeg)
# The mic test harness plays and captures through PortAudio.
pkgs+=(libportaudio2)
if [ "$mode" = test ]; then
  # Speech for tests (flite, espeak-ng), audio conversion (sox), a real PostgreSQL for the store tests,
  # and a real browser for the voice-call page test (driven by node; see tests/browser).
  pkgs+=(flite espeak-ng sox postgresql chromium)
  # Real human speech for the ASR accuracy benchmark (bench/ asr-accuracy): LibriVox readings and "go forward ten
  # meters" from pocketsphinx-testdata, and the "front left"... recordings alsa-utils ships for speaker-test.
  pkgs+=(pocketsphinx-testdata alsa-utils)
  # Any Node.js 18 or later will do; Debian's only when there is none (another packaging may own `node`).
  command -v node >/dev/null || pkgs+=(nodejs npm)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
