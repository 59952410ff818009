#!/usr/bin/env bash
# /v1/audio/speech: time to first byte for a 20-word text in mp3, opus, aac, flac and wav against pcm, measured
# interleaved against one running service on loopback (opus also from a second service running the ffmpeg program's
# opus, VoiceAgent:Http:OpusEncoder=ffmpeg, as before libopus in process); then each encoder's CPU time per second of audio.
#   bench/speech-bench.sh               # from the repository root
#   N=50 CONFIG=Debug bench/speech-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N=${N:-30}                    # requests per format
CONFIG=${CONFIG:-Release}
TEXT=${TEXT:-"Your order has shipped today and will arrive on Friday, so please keep your phone nearby for the courier."} # 20 words
[ "$CONFIG" = Release ] && dotnet build -c Release src/VoiceAgent.Api >/dev/null
API=$ROOT/src/VoiceAgent.Api/bin/$CONFIG/net10.0/VoiceAgent.Api.dll
WORK=$(mktemp -d /tmp/va-speech-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dotnet "$API" --urls "http://127.0.0.1:$PORT" --VoiceAgent:Store:Provider=Memory --VoiceAgent:Limits:RequestsPerMinutePerKey=0 \
  --Logging:LogLevel:Default=Warning >"$WORK/va.log" 2>&1 &
VA=$!
PORT2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dotnet "$API" --urls "http://127.0.0.1:$PORT2" --VoiceAgent:Store:Provider=Memory --VoiceAgent:Limits:RequestsPerMinutePerKey=0 \
  --VoiceAgent:Http:OpusEncoder=ffmpeg --Logging:LogLevel:Default=Warning >"$WORK/va2.log" 2>&1 &
VA2=$!
trap 'kill $VA $VA2 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && curl -sf "http://127.0.0.1:$PORT2/health" >/dev/null && break; sleep 1; done

python3 - "$PORT" "$N" "$TEXT" "$WORK" "$PORT2" <<'PY'
import http.client, json, statistics, sys, time, subprocess, ctypes, os, resource
port, n, text, work, port2 = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
formats = ["pcm", "mp3", "opus", "opus-ffmpeg", "aac", "flac", "wav"]
ttfb = {f: [] for f in formats}
def one(fmt):
    c = http.client.HTTPConnection("127.0.0.1", port2 if fmt == "opus-ffmpeg" else port, timeout=30)
    body = json.dumps({"model": "tts-1", "input": text, "voice": "alloy", "response_format": fmt.split("-")[0]})
    t0 = time.perf_counter()
    c.request("POST", "/v1/audio/speech", body, {"Content-Type": "application/json", "Authorization": "Bearer bench"})
    r = c.getresponse()
    assert r.status == 200, (fmt, r.status, r.read())
    first = r.read(1)
    t1 = time.perf_counter()
    rest = r.read()
    c.close()
    return (t1 - t0) * 1000, first + rest
for f in formats: one(f)  # warm-up
for _ in range(n):
    for f in formats:  # interleaved, so load on the shared machine hits every format alike
        ttfb[f].append(one(f)[0])
p50 = lambda xs: statistics.median(xs)
p95 = lambda xs: sorted(xs)[int(len(xs) * 0.95) - 1]
print(f"time to first byte, {len(text.split())}-word text, {n} requests per format (ms)")
for f in formats:
    print(f"  {f:11} p50 {p50(ttfb[f]):7.1f}  p95 {p95(ttfb[f]):7.1f}  p50 over pcm {p50(ttfb[f]) - p50(ttfb['pcm']):+7.1f}")

# Encoder CPU per second of audio: the service's pcm of the text, encoded the way the service encodes it.
pcm = one("pcm")[1]
seconds = len(pcm) / 48000
raw = os.path.join(work, "speech.raw"); open(raw, "wb").write(pcm)
codecs = {"opus": ["-c:a","libopus","-b:a","32k","-application","voip","-frame_duration","20","-f","ogg","-page_duration","20000"],
          "aac": ["-c:a","aac","-b:a","64k","-f","adts"]}
print(f"encoder CPU per second of audio ({seconds:.2f} s of speech, best of 5)")
lame = ctypes.CDLL("libmp3lame.so.0"); lame.lame_init.restype = ctypes.c_void_p
best = 1e9
for _ in range(5):
    t0 = time.process_time()
    for _ in range(10):
        g = ctypes.c_void_p(lame.lame_init())
        for fn, v in (("lame_set_in_samplerate", 24000), ("lame_set_out_samplerate", 24000), ("lame_set_num_channels", 1), ("lame_set_mode", 3), ("lame_set_brate", 64), ("lame_set_quality", 5), ("lame_set_bWriteVbrTag", 0)):
            getattr(lame, fn)(g, v)
        lame.lame_init_params(g)
        ns = len(pcm) // 2; out = ctypes.create_string_buffer(int(1.25 * ns) + 7200)
        lame.lame_encode_buffer(g, pcm, pcm, ns, out, len(out)); lame.lame_encode_flush(g, out, len(out)); lame.lame_close(g)
    best = min(best, (time.process_time() - t0) / 10)
print(f"  mp3   LAME in process       {best / seconds * 1000:6.2f} ms CPU per s of audio")
flac = ctypes.CDLL("libFLAC.so.12"); flac.FLAC__stream_encoder_new.restype = ctypes.c_void_p
WRITE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p)
sink = WRITE(lambda e, b, n, s, f, c: 0)
ns = len(pcm) // 2; ints = (ctypes.c_int32 * ns)(*[int.from_bytes(pcm[2*i:2*i+2], "little", signed=True) for i in range(ns)])
best = 1e9
for _ in range(5):
    t0 = time.process_time()
    for _ in range(10):
        e = ctypes.c_void_p(flac.FLAC__stream_encoder_new())
        for fn, v in (("FLAC__stream_encoder_set_channels", 1), ("FLAC__stream_encoder_set_bits_per_sample", 16), ("FLAC__stream_encoder_set_sample_rate", 24000), ("FLAC__stream_encoder_set_compression_level", 5), ("FLAC__stream_encoder_set_blocksize", 1152)):
            getattr(flac, fn)(e, v)
        flac.FLAC__stream_encoder_init_stream(e, sink, None, None, None, None)
        flac.FLAC__stream_encoder_process_interleaved(e, ints, ns); flac.FLAC__stream_encoder_finish(e); flac.FLAC__stream_encoder_delete(e)
    best = min(best, (time.process_time() - t0) / 10)
print(f"  flac  libFLAC in process    {best / seconds * 1000:6.2f} ms CPU per s of audio")
opus = ctypes.CDLL("libopus.so.0"); opus.opus_encoder_create.restype = ctypes.c_void_p
frames = [pcm[i:i + 960] for i in range(0, len(pcm) - 959, 960)]  # 20 ms at 24 kHz
best = 1e9
for _ in range(5):
    t0 = time.process_time()
    for _ in range(10):
        err = ctypes.c_int(); e = ctypes.c_void_p(opus.opus_encoder_create(24000, 1, 2048, ctypes.byref(err)))
        opus.opus_encoder_ctl(e, 4002, ctypes.c_int(32000)); out = ctypes.create_string_buffer(4000)
        for fr in frames: opus.opus_encode(e, fr, 480, out, 4000)
        opus.opus_encoder_destroy(e)
    best = min(best, (time.process_time() - t0) / 10)
print(f"  opus  libopus in process    {best / seconds * 1000:6.2f} ms CPU per s of audio")
for name, args in codecs.items():
    best = 1e9
    for _ in range(5):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "s16le", "-ar", "24000", "-ac", "1", "-i", raw, *args, "-y", os.path.join(work, "out")], check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best = min(best, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    print(f"  {name:5} ffmpeg (incl. start)   {best / seconds * 1000:6.2f} ms CPU per s of audio ({best * 1000:.0f} ms per run)")
PY
