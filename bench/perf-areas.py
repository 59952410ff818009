#!/usr/bin/env python3
"""Where a process's CPU goes, from `perf script -F comm,tid,ip,sym,dso` output of `perf record -g`.

Prints: the share of samples per thread name; the top symbols by exclusive (leaf) and inclusive (anywhere on the stack)
samples; and every sample's area, decided by the innermost frame that names one (so Memmove under the frame parser is
the parser's, a kernel send under the socket's send is the send's). Usage: perf-areas.py perf.txt [top_n]
"""
import collections
import re
import sys

# (area, regex on a frame's symbol or library); the first rule matching the innermost frame wins, frame by frame outwards.
AREAS = [
    ("GC", r"libclrgc|WKS::gc|SVR::gc|GCHeap::|gc_heap::|GarbageCollect|Alloc(ate)?Object|JIT_New|RhpNew|allocate_more_space|memset"),
    ("JIT / runtime startup", r"libclrjit|CILJit|Compiler::|jitNativeCode|ThePreStub|MethodDesc::DoPrestub"),
    ("VAD engine (WebRTC / Silero)", r"WebRtcVad|WebRtc|libwebrtc|onnxruntime|InferenceSession|SileroVoiceActivity|WebRtcVoiceActivity"),
    ("VAD stage (framing, endpointer)", r"VoiceAgent\.Pipeline\.Vad\.|AudioFramer|InputConverter|VadEndpointer|Pcm16\."),
    ("ASR stage + instant STT", r"VoiceAgent\.Pipeline\.Asr\.|InstantSpeechToText"),
    ("LLM stage + instant chat", r"VoiceAgent\.Pipeline\.Llm\.|InstantChatClient|FunctionInvoking"),
    ("TTS stage + instant TTS", r"VoiceAgent\.Pipeline\.Tts\.|InstantTextToSpeech|SentenceSplitter"),
    ("reply consumer / output pacing", r"VoiceAgent\.Pipeline\.Replies\.|PipelineOutput|VoiceCallSender"),
    ("frame parser (JSON, base64)", r"ClientFrameParser|Utf8JsonReader|Base64|JsonReaderHelper"),
    ("outgoing JSON frames", r"ServerFrames|Utf8JsonWriter"),
    ("socket send (WebSocket, Kestrel output)", r"OutgoingQueue|ManagedWebSocket.*Send|SendMessage|SocketSender|Sys\.Send|sendmsg|__sys_sendmsg|tcp_sendmsg|PipeWriter.*Flush|FlushAsync|SocketConnection.*Send|DoSend"),
    ("socket receive (WebSocket, Kestrel input)", r"CallMessageReader|ManagedWebSocket.*Receive|ReceiveAsync|Sys\.Receive|recvmsg|tcp_recvmsg|SocketConnection.*Receive|DoReceive|HttpRequestStream|Http1.*Read|PipeReader|ReadAsyncInternal"),
    ("timers", r"TimerQueue|TimerQueueTimer|Timer\.Change|DelayPromise|CancelAfter|TimerCallback|CancellationTokenSource"),
    ("channels", r"System\.Threading\.Channels\."),
    ("epoll / socket engine", r"SocketAsyncEngine|epoll|SocketAsyncContext|ep_poll|do_epoll"),
    ("async machinery (state machines, continuations)", r"AsyncStateMachineBox|AsyncTaskMethodBuilder|AsyncValueTaskMethodBuilder|PoolingAsyncValueTask|ManualResetValueTaskSourceCore|Task\.RunContinuations|TaskContinuation|ExecutionContext|AwaitTaskContinuation|ValueTaskSourceAsTask|Task\.TrySetResult|Task\.FinishContinuations"),
    ("thread-pool idle spinning", r"LowLevelSpinWaiter|sched_yield"),
    ("thread pool dispatch, sleeps and wake-ups", r"ThreadPoolWorkQueue|PortableThreadPool|LowLevelLifoSemaphore|WorkerThread|futex|ThreadPool"),
    ("metrics / logging / activity", r"System\.Diagnostics\.Metrics|Microsoft\.Extensions\.Logging|System\.Diagnostics\.Activity|OpenTelemetry|PipelineMetrics"),
    ("locks, interlocked", r"Monitor\.|SpinWait|AwareLock|JIT_MonEnter|Interlocked"),
    ("memory copies", r"Memmove|memmove|memcpy|__memcpy|copy_user|Buffer\.BlockCopy"),
]
# Only when no frame names an area: kernel time outside the syscalls above (interrupts, softirqs, scheduler ticks).
KERNEL = ("kernel, other", re.compile(r"\[kernel\.kallsyms\]|kernel"))
RULES = [(name, re.compile(rx)) for name, rx in AREAS]


def samples(path):
    head, stack = None, []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if head is not None:
                    yield head, stack
                head, stack = None, []
            elif not line.startswith((" ", "\t")):
                # "comm tid": a thread's name may hold spaces (".NET TP Worker"); the tid is the last field.
                head = line.rsplit(None, 1)[0] if len(line.split()) > 1 else (line.strip() or "?")
            else:
                parts = line.strip().split(None, 1)
                rest = parts[1] if len(parts) > 1 else "[unknown]"
                m = re.match(r"(.*) \((.*)\)$", rest)
                sym, dso = (m.group(1), m.group(2)) if m else (rest, "")
                sym = re.sub(r"\+0x[0-9a-f]+$", "", sym)
                stack.append((sym, dso))
    if head is not None:
        yield head, stack


def short(sym, dso):
    if sym in ("[unknown]", ""):
        return "[unknown] in " + dso.rsplit("/", 1)[-1]
    sym = re.sub(r"\[(OptimizedTier1|Optimized|Tier1|Tier0|QuickJitted|PreJIT|OptimizedTier1OSR|Instrumented)\]", "", sym)
    return sym[:150]


def area(stack):
    for sym, dso in stack:
        text = short(sym, dso) + " " + dso
        for name, rx in RULES:
            if rx.search(text):
                return name
    if any(KERNEL[1].search(dso) for _, dso in stack):
        return KERNEL[0]
    return "other (unclassified)"


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    total = 0
    threads = collections.Counter()
    excl = collections.Counter()
    incl = collections.Counter()
    areas = collections.Counter()
    area_leaf = collections.defaultdict(collections.Counter)
    for comm, stack in samples(path):
        if not stack:
            continue
        total += 1
        threads[re.sub(r"\d+$", "N", comm)] += 1
        leaf = short(*stack[0])
        excl[leaf] += 1
        for s in {short(*frame) for frame in stack}:
            incl[s] += 1
        a = area(stack)
        areas[a] += 1
        area_leaf[a][leaf] += 1
    if total == 0:
        print("no samples")
        return
    pct = lambda n: f"{100.0 * n / total:5.1f}%"
    print(f"== {total} on-CPU samples of the server")
    print("\n== by thread name")
    for name, n in threads.most_common(12):
        print(f"{pct(n)}  {name}")
    print("\n== by area (innermost frame that names one)")
    for name, n in areas.most_common():
        leaves = ", ".join(f"{l[:60]} {100.0 * c / total:.1f}%" for l, c in area_leaf[name].most_common(3))
        print(f"{pct(n)}  {name:48s} top: {leaves}")
    print(f"\n== top {top} symbols by exclusive samples (self)")
    for name, n in excl.most_common(top):
        print(f"{pct(n)}  {name}")
    print(f"\n== top {top} symbols by inclusive samples (on the stack)")
    for name, n in incl.most_common(top):
        print(f"{pct(n)}  {name}")


if __name__ == "__main__":
    main()
