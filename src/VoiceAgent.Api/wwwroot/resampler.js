// Streaming windowed-sinc resampler for mono float audio, shared by both AudioWorklets.
// The low-pass sits just under the lower Nyquist of the two rates, so 44.1/48 kHz microphone audio does not
// alias into the 16 kHz speech the service hears, and 16 kHz agent speech is interpolated cleanly.

const TABLE_STEPS = 512; // kernel samples per input sample; linear interpolation between them

export class StreamResampler {
  /** @param {number} inRate @param {number} outRate @param {number} zeroCrossings kernel half-width in sinc lobes */
  constructor(inRate, outRate, zeroCrossings = 8) {
    this.inRate = inRate;
    this.outRate = outRate;
    this.passthrough = inRate === outRate;
    this.step = inRate / outRate; // input samples per output sample
    const cutoff = 0.5 * Math.min(1, outRate / inRate) * 0.92; // cycles per input sample
    this.half = Math.ceil(zeroCrossings / (2 * cutoff));
    this.table = buildKernel(cutoff, this.half);
    this.reset();
  }

  /** Drops everything buffered (an interrupt), as if the stream started again. */
  reset() {
    // `half` zeros in front, so the first output sample lines up with the first input sample.
    this.buf = new Float32Array(Math.max(4096, this.half * 4));
    this.len = this.half;
    this.t = this.half;
  }

  /** Takes input samples, returns the output samples they complete (a new array). */
  push(input) {
    if (this.passthrough) {
      return Float32Array.from(input);
    }
    this.append(input);
    const { half, table, buf } = this;
    const maxOut = Math.max(0, Math.ceil((this.len - half - this.t) / this.step) + 1);
    const out = new Float32Array(maxOut);
    let n = 0;
    let t = this.t;
    for (;;) {
      const center = Math.floor(t);
      if (center + half >= this.len || n >= maxOut) {
        break;
      }
      const frac = t - center;
      let acc = 0;
      for (let k = 1 - half; k <= half; k++) {
        const pos = (k - frac + half) * TABLE_STEPS;
        const i = pos | 0;
        const w = table[i] + (table[i + 1] - table[i]) * (pos - i);
        acc += buf[center + k] * w;
      }
      out[n++] = acc;
      t += this.step;
    }
    // Keep only the input the next output samples still need.
    const drop = Math.max(0, Math.floor(t) + 1 - half);
    buf.copyWithin(0, drop, this.len);
    this.len -= drop;
    this.t = t - drop;
    return n === out.length ? out : out.subarray(0, n);
  }

  append(input) {
    if (this.len + input.length > this.buf.length) {
      const bigger = new Float32Array((this.len + input.length) * 2);
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    this.buf.set(input, this.len);
    this.len += input.length;
  }
}

function buildKernel(cutoff, half) {
  const size = 2 * half * TABLE_STEPS + 2;
  const table = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const x = i / TABLE_STEPS - half; // distance from the output instant, in input samples
    const u = x / half;
    if (Math.abs(u) >= 1) {
      continue;
    }
    const y = 2 * cutoff * x;
    const sinc = y === 0 ? 1 : Math.sin(Math.PI * y) / (Math.PI * y);
    const blackman = 0.42 + 0.5 * Math.cos(Math.PI * u) + 0.08 * Math.cos(2 * Math.PI * u);
    table[i] = 2 * cutoff * sinc * blackman;
  }
  return table;
}
