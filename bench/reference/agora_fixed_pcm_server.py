"""Reference for benchmarks: the behaviour of the Agora audio-modalities sample server (seed 000), reimplemented.

POST /audio/chat/completions streams, as Server-Sent Events:
  1. a first chunk carrying the response's audio id,
  2. one transcript chunk (the text of file.txt),
  3. the fixed PCM file (PCM16 mono 16 kHz) as base64 chunks of 40 ms (1 280 bytes),
  4. a finish chunk, then `data: [DONE]`.
Like the sample it reads both files on every request, checks that a bearer header is present, answers 404 when a
file is missing, and sends as fast as it can (no pacing). It is not the sample's code, only its wire behaviour.

Run (Debian packages python3-fastapi and python3-uvicorn):
  /usr/bin/python3 -m uvicorn --app-dir bench/reference agora_fixed_pcm_server:app \
      --host 127.0.0.1 --port 8000 --workers 1 --no-access-log --log-level warning
with AGORA_REF_PCM and AGORA_REF_TXT pointing at the files (default: file.pcm and file.txt in the working folder).
"""

import base64
import json
import os
import time
import uuid

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

SAMPLE_RATE = 16000
DURATION_MS = 40
CHUNK_BYTES = SAMPLE_RATE * 2 * DURATION_MS // 1000  # 1 280

PCM_PATH = os.environ.get("AGORA_REF_PCM", "file.pcm")
TXT_PATH = os.environ.get("AGORA_REF_TXT", "file.txt")

app = FastAPI()


def _chunk(message_id: str, created: int, delta: dict, finish_reason=None) -> str:
    body = {
        "id": message_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": "agora-fixed-pcm",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }
    return "data: " + json.dumps(body) + "\n\n"


@app.post("/audio/chat/completions")
async def audio_chat_completions(request: Request):
    if not request.headers.get("authorization", "").startswith("Bearer "):
        return JSONResponse(status_code=401, content={"error": {"message": "missing bearer", "type": "invalid_request_error"}})
    await request.json()  # the sample parses the body; nothing in it changes the answer

    try:
        with open(TXT_PATH, encoding="utf-8") as f:
            transcript = f.read().strip()
        with open(PCM_PATH, "rb") as f:
            pcm = f.read()
    except FileNotFoundError as e:
        return JSONResponse(status_code=404, content={"error": {"message": str(e), "type": "not_found"}})

    message_id = "chatcmpl-" + uuid.uuid4().hex
    audio_id = "audio_" + uuid.uuid4().hex
    created = int(time.time())

    async def events():
        yield _chunk(message_id, created, {"role": "assistant", "audio": {"id": audio_id, "data": ""}})
        yield _chunk(message_id, created, {"audio": {"id": audio_id, "transcript": transcript}})
        for off in range(0, len(pcm), CHUNK_BYTES):
            data = base64.b64encode(pcm[off:off + CHUNK_BYTES]).decode("ascii")
            yield _chunk(message_id, created, {"audio": {"id": audio_id, "data": data}})
        yield _chunk(message_id, created, {}, "stop")
        yield "data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
