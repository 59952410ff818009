// The voice-call page: wires the form, the microphone/speaker and the §2 WebSocket together.
import { AudioIO } from './audio-io.js';
import { VoiceCall, describeClose } from './voice-call.js';
import { Captions } from './captions.js';
import { LatencyTable } from './latency.js';

const TOKEN_KEY = 'voiceagent.token';
const SESSION_KEY = 'voiceagent.sessionId';
const STATE_LABELS = { idle: 'Idle', connecting: 'Connecting', connected: 'Connected', closing: 'Hanging up', closed: 'Ended', error: 'Disconnected' };

const $ = (id) => document.getElementById(id);
const ui = {
  form: $('call-form'),
  session: $('session'),
  newSession: $('new-session'),
  token: $('token'),
  connect: $('connect'),
  hangup: $('hangup'),
  state: $('state'),
  status: $('status'),
  alert: $('alert'),
  meter: $('meter-level'),
};
const captions = new Captions($('captions'));
const latency = new LatencyTable($('latency'));

const stats = {
  state: 'idle',
  sessionId: null,
  sampleRate: null,
  framesSent: 0,
  framesDropped: 0,
  samplesReceived: 0,
  audioSamplesPlayed: 0,
  audioSamplesBuffered: 0,
  audioSamplesDropped: 0,
  agentTexts: [],
  turns: [],
  errors: [],
  closeCode: null,
  closeReason: null,
};

// Read-only view for tests and curious users: every read is a fresh frozen copy.
Object.defineProperty(window, 'voiceAgentStats', {
  enumerable: true,
  get: () => Object.freeze(structuredClone({ ...stats, captions: captions.data })),
});

let call = null;
let audio = null;
let pendingTexts = new Map(); // mark id → {turnId, text}, shown when its audio starts
let markSeq = 0;

init();

function init() {
  const params = new URLSearchParams(location.search);
  ui.session.value = params.get('session') || localStorage.getItem(SESSION_KEY) || newSessionId();
  ui.token.value = localStorage.getItem(TOKEN_KEY) ?? '';
  ui.newSession.addEventListener('click', () => {
    ui.session.value = newSessionId();
    captions.clear();
    latency.clear();
  });
  ui.form.addEventListener('submit', (e) => {
    e.preventDefault();
    connect();
  });
  ui.hangup.addEventListener('click', () => hangUp());
  window.addEventListener('pagehide', () => call?.abort());
  render();
}

async function connect() {
  if (call) {
    return;
  }
  clearAlert();
  const sessionId = ui.session.value.trim();
  const token = ui.token.value.trim();
  if (!sessionId) {
    showAlert('Enter a session id, or press New for a fresh one.');
    return;
  }
  if (!token) {
    showAlert('Enter the API token: the service refuses calls without one.');
    ui.token.focus();
    return;
  }
  localStorage.setItem(SESSION_KEY, sessionId);
  localStorage.setItem(TOKEN_KEY, token);
  stats.closeCode = null;
  stats.closeReason = null;
  setState('connecting', 'Opening the microphone…');

  audio = new AudioIO({
    onFrame: (pcm, peak) => {
      call?.sendAudio(pcm);
      stats.framesSent = call?.framesSent ?? stats.framesSent;
      stats.framesDropped = call?.framesDropped ?? stats.framesDropped;
      ui.meter.style.transform = `scaleX(${Math.min(1, peak * 1.5).toFixed(3)})`;
    },
    onMark: onPlaybackMark,
    onDropped: (ids) => ids.forEach((id) => pendingTexts.delete(id)),
    onStats: (s) => {
      stats.audioSamplesPlayed = s.played;
      stats.audioSamplesBuffered = s.buffered;
      stats.audioSamplesDropped = s.dropped;
    },
  });
  try {
    await audio.start();
  } catch (err) {
    await audio.close();
    audio = null;
    setState('idle', 'Not connected.');
    showAlert(err.message);
    return;
  }

  setState('connecting', 'Connecting to the service…');
  call = new VoiceCall({
    url: new URL('chat/voice_call', location.href).href,
    sessionId,
    token,
    on: {
      session: onSession,
      asr: onAsr,
      text: onText,
      audio: onAudio,
      interrupt: onInterrupt,
      tool: onTool,
      turnEnd: onTurnEnd,
      error: onServiceError,
    },
  });
  call.closed.then(onClosed);
  render();
}

async function hangUp() {
  if (!call) {
    return;
  }
  setState('closing', 'Hanging up: the agent finishes the turn in progress…');
  audio?.stopMicrophone();
  ui.meter.style.transform = 'scaleX(0)';
  await call.hangUp();
}

function onSession(frame) {
  stats.sessionId = frame.session_id;
  stats.sampleRate = frame.sample_rate;
  if (frame.sample_rate && frame.sample_rate !== 16000) {
    audio?.setSourceRate(frame.sample_rate);
  }
  setState('connected', 'Listening. Speak any time; talk over the agent to interrupt it.');
}

function onAsr(frame) {
  captions.user(frame.turn_id, frame.msg, !!frame.final);
  if (frame.final && stats.state === 'connected') {
    setStatus('Thinking…');
  }
}

function onText(frame) {
  stats.agentTexts.push(frame.msg);
  const id = `s${++markSeq}`;
  pendingTexts.set(id, { turnId: frame.turn_id, text: frame.msg });
  if (audio?.ctx?.state === 'running') {
    audio.mark(id); // shown when the sentence's first sample plays
  } else {
    onPlaybackMark(id); // no sound output: show it now rather than never
  }
}

function onAudio(pcm) {
  stats.samplesReceived += pcm.byteLength >> 1;
  if (stats.state === 'connected' || stats.state === 'closing') {
    if (stats.state === 'connected') {
      setStatus('Agent speaking…');
    }
  }
  audio?.play(pcm);
}

function onInterrupt(frame) {
  audio?.flush();
  captions.interrupted(frame.turn_id);
  if (stats.state === 'connected') {
    setStatus('Interrupted: listening.');
  }
}

function onTool(frame) {
  captions.tool(frame.turn_id, frame.name, frame.status);
  if (frame.status === 'started' && stats.state === 'connected') {
    setStatus(`Using ${frame.name}…`);
  }
}

function onTurnEnd(frame) {
  stats.turns.push({ turnId: frame.turn_id, latencyMs: frame.latency_ms ?? null });
  latency.add(frame.turn_id, frame.latency_ms);
  audio?.mark(`end:${frame.turn_id}`, true);
}

function onPlaybackMark(id) {
  if (id.startsWith('end:')) {
    if (stats.state === 'connected') {
      setStatus('Listening.');
    }
    return;
  }
  const text = pendingTexts.get(id);
  if (text) {
    pendingTexts.delete(id);
    captions.agent(text.turnId, text.text);
  }
}

function onServiceError(frame) {
  stats.errors.push({ code: frame.code, msg: frame.msg, fatal: !!frame.fatal });
  showAlert(`Service error ${frame.code}: ${frame.msg}`, frame.fatal ? 'error' : 'warning');
}

async function onClosed(info) {
  stats.closeCode = info.code;
  stats.closeReason = info.reason;
  const { level, text } = describeClose(info);
  call = null;
  if (level === 'error') {
    showAlert(text);
  }
  setState(level === 'error' ? 'error' : 'closed', level === 'error' ? 'Not connected.' : text);
  const io = audio;
  audio = null;
  if (io) {
    io.stopMicrophone();
    ui.meter.style.transform = 'scaleX(0)';
    if (level !== 'error') {
      await io.drain(); // let the last reply finish playing
    }
    await io.close();
  }
  // Whatever did not get to play is still worth reading.
  for (const { turnId, text: sentence } of pendingTexts.values()) {
    captions.agent(turnId, sentence);
  }
  pendingTexts = new Map();
}

function setState(state, message) {
  stats.state = state;
  setStatus(message);
  render();
}

function setStatus(message) {
  ui.status.textContent = message;
}

function render() {
  const busy = stats.state === 'connecting' || stats.state === 'connected' || stats.state === 'closing';
  ui.state.dataset.state = stats.state;
  ui.state.textContent = STATE_LABELS[stats.state] ?? stats.state;
  ui.connect.disabled = busy;
  ui.hangup.disabled = !(call && (stats.state === 'connected' || stats.state === 'connecting'));
  ui.session.disabled = busy;
  ui.newSession.disabled = busy;
  ui.token.disabled = busy;
}

function showAlert(message, level = 'error') {
  ui.alert.textContent = message;
  ui.alert.className = `alert ${level}`;
  ui.alert.hidden = false;
}

function clearAlert() {
  ui.alert.hidden = true;
  ui.alert.textContent = '';
}

function newSessionId() {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
