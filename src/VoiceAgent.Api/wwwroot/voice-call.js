// The voice-call WebSocket of PROTOCOLS.md §2, exactly as the seed's clients speak it: JSON text frames with base64
// PCM16LE 16 kHz audio from us; binary PCM16 speech and JSON event frames from the service.

const MAX_BUFFERED_BYTES = 256 * 1024; // ~3 s of audio frames: beyond this the network is not keeping up
const MAX_EARLY_FRAMES = 100; // microphone frames kept while the socket opens (2 s at 20 ms)

export class VoiceCall {
  /**
   * @param {{url: string, sessionId: string, token: string, on: {
   *   session?: Function, asr?: Function, text?: Function, audio?: Function, interrupt?: Function, tool?: Function,
   *   turnEnd?: Function, error?: Function, close?: Function}}} options
   */
  constructor({ url, sessionId, token, on }) {
    this.sessionId = sessionId;
    this.on = on;
    this.framesSent = 0;
    this.framesDropped = 0;
    this.early = [];
    this.hungUp = false;
    const address = new URL(url);
    address.searchParams.set('token', token);
    this.ws = new WebSocket(address);
    this.ws.binaryType = 'arraybuffer';
    this.opened = new Promise((resolve, reject) => {
      this.ws.addEventListener('open', () => resolve(), { once: true });
      this.ws.addEventListener('close', (e) => reject(e), { once: true });
    });
    this.opened.catch(() => {}); // a close before open is reported through `closed` as well
    this.closed = new Promise((resolve) => {
      this.ws.addEventListener('close', (e) => {
        const info = { code: e.code, reason: e.reason, wasClean: e.wasClean, hungUp: this.hungUp };
        this.on.close?.(info);
        resolve(info);
      });
    });
    this.ws.addEventListener('open', () => this.onOpen());
    this.ws.addEventListener('message', (e) => this.onMessage(e.data));
  }

  get meta() {
    return { session_id: this.sessionId, encoding: 'raw' };
  }

  onOpen() {
    // A heartbeat naming the session, so the service answers with its `session` frame before we speak.
    this.sendJson({ meta_info: this.meta });
    for (const pcm of this.early.splice(0)) {
      this.sendAudio(pcm);
    }
  }

  /** Sends one microphone frame (PCM16LE 16 kHz mono). */
  sendAudio(pcm) {
    if (this.hungUp) {
      return;
    }
    if (this.ws.readyState === WebSocket.CONNECTING) {
      this.early.push(pcm);
      if (this.early.length > MAX_EARLY_FRAMES) {
        this.early.shift();
        this.framesDropped++;
      }
      return;
    }
    if (this.ws.readyState !== WebSocket.OPEN) {
      return;
    }
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      // Live audio: a lost frame is better than a call that lags further and further behind.
      this.framesDropped++;
      return;
    }
    this.sendJson({ audio: base64(pcm), meta_info: this.meta, is_close: false });
    this.framesSent++;
  }

  /** Says no more audio will come; the service finishes the turn in progress and closes (1000). */
  async hangUp(timeoutMs = 35000) {
    if (this.ws.readyState === WebSocket.CONNECTING) {
      this.abort(); // nothing was said yet: there is no turn to finish
    } else if (!this.hungUp && this.ws.readyState === WebSocket.OPEN) {
      this.sendJson({ meta_info: this.meta, is_close: true });
    }
    this.hungUp = true;
    const timer = setTimeout(() => this.ws.close(1000, 'client hung up'), timeoutMs);
    try {
      return await this.closed;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes at once, without waiting for the turn in progress. */
  abort() {
    this.hungUp = true;
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) {
      this.ws.close(1000, 'client left');
    }
  }

  sendJson(frame) {
    this.ws.send(JSON.stringify(frame));
  }

  onMessage(data) {
    if (data instanceof ArrayBuffer) {
      this.on.audio?.(data);
      return;
    }
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return; // not ours to judge: the protocol only promises JSON
    }
    switch (frame.type) {
      case 'session':
        this.on.session?.(frame);
        break;
      case 'asr':
        this.on.asr?.(frame);
        break;
      case 'text':
        this.on.text?.(frame);
        break;
      case 'interrupt':
        this.on.interrupt?.(frame);
        break;
      case 'tool':
        this.on.tool?.(frame);
        break;
      case 'turn_end':
        this.on.turnEnd?.(frame);
        break;
      case 'error':
        this.on.error?.(frame);
        break;
      default:
        break; // later extensions are ignored, as the seed's clients ignore ours
    }
  }
}

/** What a close means for the person on the call. `level` is 'info' or 'error'. */
export function describeClose({ code, reason, hungUp }) {
  const why = reason ? ` (${reason.replace(/\.$/, '')})` : '';
  switch (code) {
    case 1000:
      return { level: 'info', text: hungUp ? 'Call ended.' : `The service ended the call${why}.` };
    case 1001:
      return { level: 'error', text: `The service is going away${why}. Connect again in a moment.` };
    case 1008:
      return /api key/i.test(reason)
        ? { level: 'error', text: `Authentication failed${why}. Check the API token and connect again.` }
        : { level: 'error', text: `The service closed the call for a protocol violation${why}.` };
    case 1009:
      return { level: 'error', text: `A frame was too large for the service${why}.` };
    case 1011:
      return { level: 'error', text: `The call failed on the service${why}.` };
    case 1013:
      return { level: 'error', text: 'The service is at capacity. Try again in a moment.' };
    case 1006:
      return { level: 'error', text: 'Disconnected: the connection was lost (network or service down).' };
    default:
      return { level: 'error', text: `Disconnected (code ${code})${why}.` };
  }
}

function base64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x2000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x2000));
  }
  return btoa(binary);
}
