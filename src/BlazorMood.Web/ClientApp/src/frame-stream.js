// The part every camera view shares: the SignalR hub connection (MessagePack) and the capture loop that draws the
// webcam into a small canvas, JPEG-encodes it and sends it with AnalyzeFrame. At most one frame is in flight: the next
// one is captured only when the previous result has come back, so a slow server slows the frame rate instead of
// building a queue. Frames live in memory only, in the browser and on the server.
import { HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// MessagePack enums may arrive as names or numbers depending on the resolver.
const STATUS = ['Ok', 'Dropped', 'Invalid', 'TooLarge'];
export const statusName = (s) => (typeof s === 'number' ? STATUS[s] ?? String(s) : String(s));

// A screen nobody looks after must never give up on the server: retry quickly at first, then every 5 s, forever.
export const retryForever = { nextRetryDelayInMilliseconds: (ctx) => Math.min(500 * 2 ** ctx.previousRetryCount, 5000) };

export class FrameStream {
  /**
   * @param {HTMLVideoElement} video where the camera plays (it may be hidden)
   * @param {{ hubUrl: string, captureWidth: number, captureHeight: number, maxFps: number, jpegQuality: number, retryForever?: boolean }} options
   * @param {{ onResult?: Function, onState?: Function, onSession?: Function, onCaptureSize?: Function }} events
   */
  constructor(video, options, events) {
    this.video = video;
    this.options = options;
    this.events = events;
    this.capture = document.createElement('canvas');
    this.running = false;
    this.sequence = 0;
    this.connection = null;
    this.session = null;
    this.stream = null;
    this.loopDone = Promise.resolve();
  }

  emit(name, ...args) {
    const handler = this.events[name];
    if (handler) handler(...args);
  }

  async connect() {
    if (this.connection) return this.session;
    this.connection = new HubConnectionBuilder()
      .withUrl(this.options.hubUrl)
      .withHubProtocol(new MessagePackHubProtocol())
      .withAutomaticReconnect(this.options.retryForever ? retryForever : undefined)
      .configureLogging(LogLevel.Warning)
      .build();
    this.connection.onreconnecting(() => this.emit('onState', 'reconnecting'));
    this.connection.onreconnected(async () => {
      try {
        this.session = await this.connection.invoke('GetSession');
      } catch {
        return; // dropped again at once; the next reconnect asks again
      }
      this.emit('onSession', this.session);
      this.emit('onState', this.running ? 'live' : 'connected');
    });
    for (let attempt = 0; ; attempt++) {
      try {
        await this.connection.start();
        break;
      } catch (e) {
        if (!this.options.retryForever || !this.connection) throw e;
        this.emit('onState', 'reconnecting');
        await sleep(retryForever.nextRetryDelayInMilliseconds({ previousRetryCount: attempt }));
      }
    }
    this.session = await this.connection.invoke('GetSession');
    this.emit('onSession', this.session);
    return this.session;
  }

  /** Opens the camera and starts sending frames; throws an Error whose message says why the camera is unavailable. */
  async startCamera() {
    if (this.running) return;
    if (!navigator.mediaDevices?.getUserMedia) throw new Error('camera-problem:insecure');
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
    } catch (e) {
      // A short code the page turns into plain words with a way forward (never the browser's stack).
      throw new Error(`camera-problem:${cameraProblem(e?.name)}`);
    }
    this.video.srcObject = this.stream;
    await this.video.play().catch(() => {});
    this.running = true;
    this.emit('onState', 'live');
    this.loopDone = this.loop();
  }

  /** Resolves when the capture loop has stopped: stopCamera(), or the camera went away (then onState('camera-lost')). */
  untilStopped() {
    return this.loopDone;
  }

  stopCamera() {
    this.running = false;
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
    this.video.srcObject = null;
  }

  cameraGone() {
    const track = this.stream?.getVideoTracks()[0];
    return !track || track.readyState === 'ended';
  }

  // Fits the camera picture into captureWidth × captureHeight, keeping its aspect ratio (no squashed faces).
  sizeCapture() {
    const vw = this.video.videoWidth, vh = this.video.videoHeight;
    const scale = Math.min(this.options.captureWidth / vw, this.options.captureHeight / vh, 1);
    const w = Math.max(1, Math.round(vw * scale)), h = Math.max(1, Math.round(vh * scale));
    if (this.capture.width !== w || this.capture.height !== h) {
      this.capture.width = w; this.capture.height = h;
      this.emit('onCaptureSize', w, h, vw, vh);
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
      if (this.cameraGone()) {
        // Unplugged, switched off, or taken by another program: the owner decides whether to try again.
        this.stopCamera();
        this.emit('onState', 'camera-lost');
        break;
      }
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
        this.emit('onState', 'reconnecting');
        await sleep(500);
        continue;
      }
      this.emit('onResult', result, performance.now() - lastSend);
    }
  }

  async dispose() {
    this.stopCamera();
    this.events = {};
    const connection = this.connection;
    this.connection = null;
    await connection?.stop();
  }
}

/** The kind of a getUserMedia failure, by the DOMException's name. */
function cameraProblem(name) {
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'missing';
    case 'NotReadableError':
    case 'AbortError':
      return 'busy';
    default:
      return 'other';
  }
}
