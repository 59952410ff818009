// The page's audio: the microphone through the capture worklet (→ 16 kHz PCM16 frames), and the agent's speech
// through the playback worklet (jitter buffer, flush on interrupt). One AudioContext at the device's own rate;
// the worklets resample, so no browser has to connect a microphone to a context of a different rate.

/** Why the microphone could not be opened: kind is 'insecure', 'denied', 'missing', 'busy' or 'failed'. */
export class MicrophoneError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

export class AudioIO {
  /**
   * @param {{frameMs?: number, jitterMs?: number, onFrame: (pcm: ArrayBuffer, peak: number) => void,
   *          onMark: (id: string) => void, onDropped: (ids: string[]) => void,
   *          onStats: (s: {played: number, dropped: number, buffered: number}) => void}} options
   */
  constructor(options) {
    this.options = { frameMs: 20, jitterMs: 80, ...options };
  }

  /** Opens the microphone and the speaker. Call it from a click handler, so the browser lets audio play. */
  async start() {
    if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
      throw new MicrophoneError('insecure', 'The browser only gives the microphone to secure pages: open this page over https:// or on localhost.');
    }
    const ctx = new AudioContext({ latencyHint: 'interactive' });
    this.ctx = ctx;
    const resumed = ctx.resume();
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
      });
    } catch (err) {
      await this.close();
      throw microphoneError(err);
    }
    await Promise.all([
      resumed,
      ctx.audioWorklet.addModule(new URL('capture-worklet.js', import.meta.url)),
      ctx.audioWorklet.addModule(new URL('playback-worklet.js', import.meta.url)),
    ]);

    this.source = ctx.createMediaStreamSource(this.stream);
    // No outputs: the browser still runs it (a sink), and the microphone is never played back to the user.
    this.capture = new AudioWorkletNode(ctx, 'voice-capture', {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      processorOptions: { targetRate: 16000, frameMs: this.options.frameMs },
    });
    this.capture.port.onmessage = (e) => this.options.onFrame(e.data.pcm, e.data.peak);
    this.source.connect(this.capture);

    this.playback = new AudioWorkletNode(ctx, 'voice-playback', {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions: { sourceRate: 16000, jitterMs: this.options.jitterMs },
    });
    this.playback.port.onmessage = (e) => this.onPlaybackMessage(e.data);
    this.playback.connect(ctx.destination);
    this.buffered = 0;
  }

  get sampleRate() {
    return this.ctx?.sampleRate ?? 0;
  }

  /** The output rate the service announced in its `session` frame. */
  setSourceRate(sourceRate) {
    this.playback?.port.postMessage({ type: 'rate', sourceRate });
  }

  /** Queues one binary frame of the agent's PCM16LE speech (the buffer is transferred). */
  play(pcm) {
    this.playback?.port.postMessage({ type: 'audio', pcm }, [pcm]);
  }

  /** Reports `id` through onMark when playback reaches the audio queued after this call (inclusive: before it). */
  mark(id, inclusive = false) {
    this.playback?.port.postMessage({ type: 'mark', id, inclusive });
  }

  /** Drops all queued agent audio at once (an `interrupt`). */
  flush() {
    this.playback?.port.postMessage({ type: 'flush' });
  }

  stopMicrophone() {
    this.capture?.port.postMessage('stop');
    this.source?.disconnect();
    this.stream?.getTracks().forEach((t) => t.stop());
    this.source = undefined;
    this.stream = undefined;
  }

  /** Resolves when the queued agent audio has played (or after `timeoutMs`). */
  async drain(timeoutMs = 30000) {
    const until = performance.now() + timeoutMs;
    while (this.playback && this.buffered > 0 && this.ctx?.state === 'running' && performance.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async close() {
    this.stopMicrophone();
    this.playback?.disconnect();
    this.playback = undefined;
    this.capture = undefined;
    const ctx = this.ctx;
    this.ctx = undefined;
    if (ctx && ctx.state !== 'closed') {
      await ctx.close().catch(() => {});
    }
  }

  onPlaybackMessage(msg) {
    if (msg.type === 'mark') {
      this.options.onMark(msg.id);
    } else if (msg.type === 'dropped') {
      this.options.onDropped(msg.ids);
    } else if (msg.type === 'stats') {
      this.buffered = msg.buffered;
      this.options.onStats(msg);
    }
  }
}

function microphoneError(err) {
  switch (err?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new MicrophoneError('denied', 'Microphone access was denied. Allow the microphone for this site (the icon in the address bar), then connect again.');
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new MicrophoneError('missing', 'No microphone was found. Plug one in or check the system settings, then connect again.');
    case 'NotReadableError':
    case 'AbortError':
      return new MicrophoneError('busy', 'The microphone could not be opened: another application may be using it.');
    default:
      return new MicrophoneError('failed', `The microphone could not be opened: ${err?.message ?? err}`);
  }
}
