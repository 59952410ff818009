// Plays the agent's PCM16LE frames with a small jitter buffer, and drops them all at once on an interrupt.
// Messages in: {type:'audio', pcm:ArrayBuffer} | {type:'mark', id, inclusive} | {type:'flush'} | {type:'rate', sourceRate}.
// Messages out: {type:'mark', id} when playback reaches a mark, {type:'dropped', ids} on flush,
// {type:'stats', played, dropped, buffered} (in source-rate samples) about ten times a second.
import { StreamResampler } from './resampler.js';

class VoicePlaybackProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { sourceRate = 16000, jitterMs = 80 } = options.processorOptions ?? {};
    this.jitterFrames = Math.round((sampleRate * jitterMs) / 1000);
    this.setRate(sourceRate);
    this.queue = [];
    this.head = 0; // read offset in queue[0]
    this.queued = 0; // output frames waiting
    this.enqueued = 0; // output frames ever queued
    this.consumed = 0; // output frames ever played or dropped
    this.played = 0; // output frames actually played
    this.dropped = 0; // output frames flushed by interrupts
    this.marks = [];
    this.playing = false;
    this.primingFrames = 0;
    this.sinceStats = 0;
    this.port.onmessage = (e) => this.onMessage(e.data);
  }

  setRate(sourceRate) {
    this.sourceRate = sourceRate;
    this.resampler = new StreamResampler(sourceRate, sampleRate);
  }

  onMessage(msg) {
    switch (msg.type) {
      case 'audio': {
        const view = new DataView(msg.pcm);
        const pcm = new Float32Array(view.byteLength >> 1);
        for (let i = 0; i < pcm.length; i++) {
          pcm[i] = view.getInt16(i * 2, true) / 0x8000;
        }
        const out = this.resampler.push(pcm);
        if (out.length > 0) {
          this.queue.push(out);
          this.queued += out.length;
          this.enqueued += out.length;
        }
        break;
      }
      case 'mark':
        this.marks.push({ id: msg.id, at: this.enqueued, inclusive: !!msg.inclusive });
        break;
      case 'flush': {
        this.consumed += this.queued;
        this.dropped += this.queued;
        this.queue = [];
        this.head = 0;
        this.queued = 0;
        this.playing = false;
        this.primingFrames = 0;
        this.resampler.reset();
        const ids = this.marks.map((m) => m.id);
        this.marks = [];
        this.port.postMessage({ type: 'dropped', ids });
        break;
      }
      case 'rate':
        this.setRate(msg.sourceRate);
        break;
    }
  }

  process(_inputs, outputs) {
    const channels = outputs[0];
    const out = channels[0];
    const n = out.length;
    if (!this.playing && this.queued > 0) {
      // Start once the jitter buffer is full, or when a short tail has waited as long as the buffer would have.
      this.primingFrames += n;
      if (this.queued >= this.jitterFrames || this.primingFrames >= this.jitterFrames) {
        this.playing = true;
      }
    }
    let written = 0;
    if (this.playing) {
      while (written < n && this.queue.length > 0) {
        const chunk = this.queue[0];
        const take = Math.min(n - written, chunk.length - this.head);
        out.set(chunk.subarray(this.head, this.head + take), written);
        written += take;
        this.head += take;
        if (this.head === chunk.length) {
          this.queue.shift();
          this.head = 0;
        }
      }
      this.queued -= written;
      this.consumed += written;
      this.played += written;
      if (this.queued === 0) {
        // Ran dry: the rest of the reply (if any) is primed again, so a late packet does not click.
        this.playing = false;
        this.primingFrames = 0;
      }
    }
    out.fill(0, written);
    for (let c = 1; c < channels.length; c++) {
      channels[c].set(out);
    }
    this.fireMarks();
    this.sinceStats += n;
    if (this.sinceStats >= sampleRate / 10) {
      this.sinceStats = 0;
      this.postStats();
    }
    return true;
  }

  fireMarks() {
    // A sentence mark fires when its first sample plays; an end mark when everything before it has. Marks are in
    // order, so a reached end mark also releases a sentence mark that no audio followed.
    let last = -1;
    for (let i = 0; i < this.marks.length; i++) {
      const m = this.marks[i];
      if (m.at > this.consumed) {
        break;
      }
      if (m.inclusive || this.consumed > m.at) {
        last = i;
      }
    }
    for (const m of this.marks.splice(0, last + 1)) {
      this.port.postMessage({ type: 'mark', id: m.id });
    }
  }

  postStats() {
    const toSource = this.sourceRate / sampleRate;
    this.port.postMessage({
      type: 'stats',
      played: Math.round(this.played * toSource),
      dropped: Math.round(this.dropped * toSource),
      buffered: Math.round(this.queued * toSource),
    });
  }
}

registerProcessor('voice-playback', VoicePlaybackProcessor);
