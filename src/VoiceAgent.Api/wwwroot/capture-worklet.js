// Microphone → 16 kHz PCM16LE mono frames for the voice call (PROTOCOLS.md §2).
// Runs at the AudioContext's rate (often 44.1 or 48 kHz), mixes the input's channels to mono, resamples, and posts
// one frame of `frameMs` to the main thread as a transferred ArrayBuffer, with its peak level for the meter.
import { StreamResampler } from './resampler.js';

class VoiceCaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { targetRate = 16000, frameMs = 20 } = options.processorOptions ?? {};
    this.frameSamples = Math.round((targetRate * frameMs) / 1000);
    this.resampler = new StreamResampler(sampleRate, targetRate);
    this.frame = new DataView(new ArrayBuffer(this.frameSamples * 2));
    this.fill = 0;
    this.peak = 0;
    this.mono = new Float32Array(128);
    this.running = true;
    this.port.onmessage = (e) => {
      if (e.data === 'stop') {
        this.running = false;
      }
    };
  }

  process(inputs) {
    if (!this.running) {
      return false;
    }
    const channels = inputs[0];
    if (!channels || channels.length === 0) {
      return true; // no microphone connected yet
    }
    const n = channels[0].length;
    if (this.mono.length !== n) {
      this.mono = new Float32Array(n);
    }
    const mono = this.mono;
    mono.set(channels[0]);
    for (let c = 1; c < channels.length; c++) {
      const ch = channels[c];
      for (let i = 0; i < n; i++) {
        mono[i] += ch[i];
      }
    }
    if (channels.length > 1) {
      const scale = 1 / channels.length;
      for (let i = 0; i < n; i++) {
        mono[i] *= scale;
      }
    }
    const out = this.resampler.push(mono);
    for (let i = 0; i < out.length; i++) {
      const s = Math.max(-1, Math.min(1, out[i]));
      this.peak = Math.max(this.peak, Math.abs(s));
      this.frame.setInt16(this.fill * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
      if (++this.fill === this.frameSamples) {
        const buffer = this.frame.buffer;
        this.port.postMessage({ pcm: buffer, peak: this.peak }, [buffer]);
        this.frame = new DataView(new ArrayBuffer(this.frameSamples * 2));
        this.fill = 0;
        this.peak = 0;
      }
    }
    return true;
  }
}

registerProcessor('voice-capture', VoiceCaptureProcessor);
