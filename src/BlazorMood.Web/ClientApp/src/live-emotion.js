// Browser side of the Live Emotion tab. Captures the webcam into a small canvas, JPEG-encodes each frame and sends
// it over the SignalR hub with the MessagePack protocol. At most one frame is in flight: the next one is captured
// only when the previous result has come back, so a slow server slows the frame rate instead of building a queue.
// Results are drawn over the video (boxes, labels, emoji) and listed in the DOM for assistive tech and tests.
import { HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';

export const LABELS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
export const EMOJI = { angry: '😠', disgust: '🤢', fear: '😨', happy: '😄', sad: '😢', surprise: '😮', neutral: '😐' };
const COLORS = { angry: '#ff5252', disgust: '#8bc34a', fear: '#b388ff', happy: '#ffd740', sad: '#40c4ff', surprise: '#ff6e40', neutral: '#cfd8dc' };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// MessagePack enums may arrive as names or numbers depending on the resolver.
const STATUS = ['Ok', 'Dropped', 'Invalid', 'TooLarge'];
const statusName = (s) => (typeof s === 'number' ? STATUS[s] ?? String(s) : String(s));

class LiveClient {
  constructor(root, options, dotnet) {
    this.root = root;
    this.options = options;
    this.dotnet = dotnet;
    this.video = root.querySelector('video');
    this.overlay = root.querySelector('canvas.live-overlay');
    this.list = root.querySelector('[data-role="faces"]');
    this.capture = document.createElement('canvas');
    this.running = false;
    this.cues = !!options.cues;
    this.sequence = 0;
    this.resultTimes = [];
    this.results = 0;
    this.audio = null;
    this.connection = null;
  }

  stat(role, text) {
    const el = this.root.querySelector(`[data-role="${role}"]`);
    if (el) el.textContent = text;
  }

  async connect() {
    if (this.connection) return this.session;
    this.connection = new HubConnectionBuilder()
      .withUrl(this.options.hubUrl)
      .withHubProtocol(new MessagePackHubProtocol())
      .withAutomaticReconnect()
      .configureLogging(LogLevel.Warning)
      .build();
    this.connection.onreconnected(async () => {
      this.session = await this.connection.invoke('GetSession');
      await this.dotnet?.invokeMethodAsync('OnSession', this.session);
    });
    await this.connection.start();
    this.session = await this.connection.invoke('GetSession');
    return this.session;
  }

  async start() {
    if (this.running) return this.session;
    const session = await this.connect();
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
    } catch (e) {
      this.stat('status', 'camera unavailable');
      throw new Error(`Camera unavailable: ${e?.name ?? ''} ${e?.message ?? e}`);
    }
    this.video.srcObject = this.stream;
    await this.video.play().catch(() => {});
    this.running = true;
    this.stat('status', 'live');
    this.loop();
    return session;
  }

  stop() {
    this.running = false;
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
    this.video.srcObject = null;
    this.draw(null);
    this.stat('status', 'camera off');
    this.stat('fps', '–');
    this.stat('rtt', '–');
  }

  setCues(enabled) {
    this.cues = !!enabled;
    if (!this.cues) this.audio?.pause();
  }

  // Fits the camera picture into captureWidth × captureHeight, keeping its aspect ratio (no squashed faces).
  sizeCapture() {
    const vw = this.video.videoWidth, vh = this.video.videoHeight;
    const scale = Math.min(this.options.captureWidth / vw, this.options.captureHeight / vh, 1);
    const w = Math.max(1, Math.round(vw * scale)), h = Math.max(1, Math.round(vh * scale));
    if (this.capture.width !== w || this.capture.height !== h) {
      this.capture.width = w; this.capture.height = h;
      this.overlay.width = w; this.overlay.height = h;
      this.root.style.setProperty('--live-aspect', `${vw} / ${vh}`);
      this.root.style.setProperty('--live-aspect-num', String(vw / vh));
    }
  }

  async loop() {
    const minInterval = 1000 / this.options.maxFps;
    let lastSend = 0;
    const ctx = this.capture.getContext('2d', { alpha: false });
    while (this.running) {
      const wait = lastSend + minInterval - performance.now();
      if (wait > 0) await sleep(wait);
      if (!this.running) break;
      if (this.video.readyState < 2 || !this.video.videoWidth) { await sleep(30); continue; }
      this.sizeCapture();
      ctx.drawImage(this.video, 0, 0, this.capture.width, this.capture.height);
      const blob = await new Promise((resolve) => this.capture.toBlob(resolve, 'image/jpeg', this.options.jpegQuality));
      if (!blob || !this.running) continue;
      const bytes = new Uint8Array(await blob.arrayBuffer());
      lastSend = performance.now();
      let result;
      try {
        result = await this.connection.invoke('AnalyzeFrame', ++this.sequence, bytes);
      } catch (e) {
        this.stat('status', 'reconnecting…');
        await sleep(500);
        continue;
      }
      const rtt = performance.now() - lastSend;
      this.onResult(result, rtt);
    }
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
    await this.connection?.stop();
    this.connection = null;
  }
}

export function create(root, options, dotnet) {
  return new LiveClient(root, options, dotnet);
}
