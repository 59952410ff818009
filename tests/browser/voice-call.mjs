// One voice call through the real page in Debian's chromium, with a WAV file as the microphone.
// Usage: node voice-call.mjs <page url> <question.wav> <screenshot.png> [turns]
// Waits until `turns` turns (default 1) have ended and the agent's audio has played out, then hangs up.
// Prints one JSON object on stdout: {ok, error?, stats (window.voiceAgentStats), screenshots, console, timings}.
// Exit code 0 when the call completed (the caller asserts on the details), 1 otherwise.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [url, wav, screenshot, turnsArg] = process.argv.slice(2);
const turns = Number(turnsArg || 1);
if (!url || !wav || !screenshot) {
  console.error('usage: node voice-call.mjs <page url> <question.wav> <screenshot.png>');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const callTimeoutMs = Number(process.env.VOICE_CALL_TIMEOUT_MS || 60000);
const token = process.env.VOICE_CALL_TOKEN || 'test-key';
const phoneShot = screenshot.replace(/(\.png)?$/i, '-phone.png');

const result = { ok: false, stats: null, screenshots: [], console: [], timings: {} };
const started = Date.now();
const mark = (name) => (result.timings[name] = Date.now() - started);
const userDataDir = await mkdtemp(join(tmpdir(), 'va-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${resolve(wav)}%noloop`,
      '--autoplay-policy=no-user-gesture-required',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  mark('launched');
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => result.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => result.console.push(`pageerror: ${e.message}`));
  const stats = () => page.evaluate(() => window.voiceAgentStats);

  await page.goto(url, { waitUntil: 'load' });
  await page.fill('#token', token);
  await page.fill('#session', `browser-${Date.now().toString(36)}`);
  await page.click('#connect');
  mark('connect-clicked');

  await page.waitForFunction(() => window.voiceAgentStats.state === 'connected', null, { timeout: 15000 });
  mark('connected');
  // The whole exchange: the question is heard, answered, and the answer's audio plays to its end.
  await page.waitForFunction(
    (turns) => {
      const s = window.voiceAgentStats;
      // Every sample received was played or dropped by an interrupt. The resampler keeps back a few samples of its
      // filter's tail, hence the 10 ms of slack.
      const done = s.audioSamplesPlayed + s.audioSamplesDropped;
      const played = s.samplesReceived > 0 && s.audioSamplesBuffered === 0 && done >= s.samplesReceived - 160;
      return s.turns.length >= turns && played && s.captions.some((c) => c.role === 'agent');
    },
    turns,
    { timeout: callTimeoutMs, polling: 100 },
  );
  mark('answered');

  await page.screenshot({ path: screenshot });
  result.screenshots.push(resolve(screenshot));
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: phoneShot });
  result.screenshots.push(resolve(phoneShot));
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.click('#hangup');
  await page.waitForFunction(() => ['closed', 'error'].includes(window.voiceAgentStats.state), null, { timeout: 40000 });
  mark('closed');
  result.stats = await stats();
  result.ok = true;
} catch (err) {
  result.error = String(err?.stack || err);
  try {
    const page = context?.pages()[0];
    if (page) {
      result.stats = await page.evaluate(() => window.voiceAgentStats);
      await page.screenshot({ path: screenshot });
      result.screenshots.push(resolve(screenshot));
    }
  } catch {
    // the browser is gone: report what we have
  }
} finally {
  await context?.close().catch(() => {});
  await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
