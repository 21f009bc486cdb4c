// Browser side of the Live Emotion tab. The shared FrameStream captures the webcam and sends frames to the hub;
// this module draws the results over the video (boxes, labels, emoji), lists them in the DOM for assistive tech and
// tests, shows the stream's statistics and plays the optional mood cues.
import { FrameStream, statusName } from './frame-stream.js';

export const LABELS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
export const EMOJI = { angry: '😠', disgust: '🤢', fear: '😨', happy: '😄', sad: '😢', surprise: '😮', neutral: '😐' };
const COLORS = { angry: '#ff5252', disgust: '#8bc34a', fear: '#b388ff', happy: '#ffd740', sad: '#40c4ff', surprise: '#ff6e40', neutral: '#cfd8dc' };

const STATE_TEXT = { live: 'live', reconnecting: 'reconnecting…', 'camera-lost': 'camera lost' };

class LiveClient {
  constructor(root, options, dotnet) {
    this.root = root;
    this.options = options;
    this.dotnet = dotnet;
    this.overlay = root.querySelector('canvas.live-overlay');
    this.list = root.querySelector('[data-role="faces"]');
    this.cues = !!options.cues;
    this.resultTimes = [];
    this.results = 0;
    this.audio = null;
    this.frames = new FrameStream(root.querySelector('video'), options, {
      onResult: (result, rtt) => this.onResult(result, rtt),
      onState: (state) => this.stat('status', STATE_TEXT[state] ?? state),
      onSession: (session) => {
        // Held while the circuit is down (see js/app-start.js); the next reconnect of the hub tells it again.
        if (document.documentElement.dataset.connection !== 'down') this.dotnet?.invokeMethodAsync('OnSession', session).catch(() => {});
      },
      onCaptureSize: (w, h, vw, vh) => {
        this.overlay.width = w; this.overlay.height = h;
        this.root.style.setProperty('--live-aspect', `${vw} / ${vh}`);
        this.root.style.setProperty('--live-aspect-num', String(vw / vh));
      },
    });
  }

  stat(role, text) {
    const el = this.root.querySelector(`[data-role="${role}"]`);
    if (el) el.textContent = text;
  }

  async start() {
    let session;
    try {
      session = await this.frames.connect();
    } catch {
      this.stat('status', 'server unreachable');
      throw new Error('camera-problem:server');
    }
    try {
      await this.frames.startCamera();
    } catch (e) {
      this.stat('status', 'camera unavailable');
      throw e;
    }
    return session;
  }

  stop() {
    this.frames.stopCamera();
    this.draw(null);
    this.stat('status', 'camera off');
    this.stat('fps', '–');
    this.stat('rtt', '–');
  }

  setCues(enabled) {
    this.cues = !!enabled;
    if (!this.cues) this.audio?.pause();
  }

  onResult(result, rtt) {
    const status = statusName(result.Status);
    this.results++;
    this.root.dataset.results = String(this.results);
    const now = performance.now();
    this.resultTimes.push(now);
    while (this.resultTimes.length && this.resultTimes[0] < now - 2000) this.resultTimes.shift();
    const fps = this.resultTimes.length > 1 ? ((this.resultTimes.length - 1) * 1000) / (now - this.resultTimes[0]) : 0;
    this.stat('fps', fps.toFixed(1));
    this.stat('rtt', `${Math.round(rtt)} ms`);
    this.stat('dropped', String(result.DroppedFrames ?? 0));
    if (status !== 'Ok') {
      if (status !== 'Dropped') this.stat('status', result.Error || status);
      return;
    }
    this.stat('status', 'live');
    this.stat('server', result.Timings ? `${result.Timings.ServerMs.toFixed(1)} ms` : '–');
    this.draw(result);
    if (this.cues && result.DominantChanged && result.Dominant) this.playCue(result.Dominant.Label);
  }

  playCue(label) {
    if (!LABELS.includes(label)) return;
    this.audio?.pause();
    this.audio = new Audio(`${this.options.cueBase}${label}.${this.options.cueExtension}`);
    this.audio.volume = 0.6;
    this.audio.play().catch(() => {}); // autoplay policies may refuse until the user interacts
  }

  draw(result) {
    const ctx = this.overlay.getContext('2d');
    ctx.clearRect(0, 0, this.overlay.width, this.overlay.height);
    const faces = result?.Faces ?? [];
    const sx = result ? this.overlay.width / result.ImageWidth : 1;
    const sy = result ? this.overlay.height / result.ImageHeight : 1;
    const font = Math.max(10, Math.round(this.overlay.height / 20));
    ctx.font = `${font}px system-ui, sans-serif`;
    ctx.textBaseline = 'bottom';
    const items = [];
    for (const f of faces) {
      const x = f.X * sx, y = f.Y * sy, w = f.Width * sx, h = f.Height * sy;
      const color = COLORS[f.Label] ?? '#ffffff';
      ctx.lineWidth = Math.max(2, font / 6);
      ctx.strokeStyle = color;
      ctx.strokeRect(x, y, w, h);
      const text = `${EMOJI[f.Label] ?? ''} ${f.Label} ${Math.round(f.Confidence * 100)}%`;
      const tw = ctx.measureText(text).width + 8;
      const ty = y > font + 4 ? y : y + h + font + 4;
      ctx.fillStyle = 'rgba(0,0,0,0.6)';
      ctx.fillRect(x, ty - font - 4, tw, font + 4);
      ctx.fillStyle = color;
      ctx.fillText(text, x + 4, ty - 2);
      const li = document.createElement('li');
      li.dataset.testid = 'live-face';
      li.dataset.track = String(f.TrackId);
      li.dataset.label = f.Label;
      li.dataset.box = [f.X, f.Y, f.Width, f.Height].map((v) => Math.round(v)).join(',');
      li.textContent = `Face ${f.TrackId}: ${f.Label} ${Math.round(f.Confidence * 100)}% (box ${li.dataset.box})`;
      items.push(li);
    }
    this.overlay.dataset.faces = String(faces.length);
    this.list?.replaceChildren(...items);
  }

  async dispose() {
    this.stop();
    this.dotnet = null;
    await this.frames.dispose();
  }
}

export function create(root, options, dotnet) {
  return new LiveClient(root, options, dotnet);
}
