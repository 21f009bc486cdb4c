// Browser side of the gym kiosk (/kiosk): a screen nobody touches. It starts the camera by itself, sends frames over
// the shared FrameStream (the hub connection retries forever), asks for the camera again every few seconds after
// losing it, and goes full screen where the browser allows it. Nothing of the picture is shown or kept: the server
// answers with counts and moods, which the Blazor component displays.
import { FrameStream, sleep, statusName } from './frame-stream.js';

class KioskClient {
  /**
   * @param {HTMLElement} root element holding a <video> (hidden) for the capture
   * @param {{ hubUrl: string, captureWidth: number, captureHeight: number, maxFps: number, jpegQuality: number, cameraRetryMs: number }} options
   * @param {{ invokeMethodAsync(name: string, ...args: unknown[]): Promise<unknown> }} dotnet
   */
  constructor(root, options, dotnet) {
    this.root = root;
    this.options = options;
    this.dotnet = dotnet;
    this.disposed = false;
    this.results = 0;
    this.analysed = 0;
    this.camera = 'starting';
    this.latest = {};
    this.connectionListener = (e) => this.onConnection(e.detail);
    document.addEventListener('blazormood:connection', this.connectionListener);
    this.frames = new FrameStream(root.querySelector('video'), { ...options, retryForever: true }, {
      onResult: (result) => this.onResult(result),
      onState: (state) => this.onState(state),
      onSession: (session) => this.call('OnSession', session),
    });
  }

  call(method, ...args) {
    // While the circuit is down (js/app-start.js keeps <html data-connection>), Blazor's send would fail with an
    // unhandled rejection; the latest session and camera state are told again when it is back.
    this.latest[method] = args;
    if (document.documentElement.dataset.connection === 'down') return;
    // The circuit may be gone (the server restarted and the page is about to reload): nothing to do about it here.
    this.dotnet?.invokeMethodAsync(method, ...args).catch(() => {});
  }

  onConnection(state) {
    if (state !== 'up') return;
    for (const [method, args] of Object.entries(this.latest)) {
      this.call(method, ...args);
    }
  }

  /** Runs until disposed: connect, open the camera, and whenever the camera is lost or refused, try again. */
  async run() {
    this.enterFullscreen();
    await this.frames.connect();
    while (!this.disposed) {
      try {
        await this.frames.startCamera();
        this.setCamera('on', '');
        await this.frames.untilStopped();
        if (this.disposed) break;
        this.setCamera('lost', 'The camera stopped sending pictures.');
      } catch (e) {
        if (this.disposed) break;
        this.setCamera('unavailable', e?.message ?? String(e));
      }
      await sleep(this.options.cameraRetryMs);
    }
  }

  setCamera(state, message) {
    this.camera = state;
    this.root.dataset.camera = state;
    this.call('OnCamera', state, message);
  }

  onState(state) {
    this.root.dataset.hub = state === 'reconnecting' ? 'reconnecting' : 'connected';
  }

  onResult(result) {
    this.results++;
    this.root.dataset.results = String(this.results);
    if (statusName(result.Status) === 'Ok') {
      this.analysed++;
      this.root.dataset.analysed = String(this.analysed);
    }
  }

  // Full screen needs a user gesture in most browsers; a kiosk browser (--kiosk) is full screen already, and one tap
  // by the staff is enough elsewhere.
  enterFullscreen() {
    const request = () => {
      if (document.fullscreenElement || !document.documentElement.requestFullscreen) return;
      document.documentElement.requestFullscreen({ navigationUI: 'hide' }).catch(() => {});
    };
    if (navigator.userActivation?.isActive) request();
    for (const name of ['pointerdown', 'keydown', 'touchstart']) {
      window.addEventListener(name, request, { once: true, passive: true });
    }
  }

  /** For tests and diagnostics. */
  state() {
    return { camera: this.camera, results: this.results, analysed: this.analysed, session: this.frames.session };
  }

  async dispose() {
    this.disposed = true;
    this.dotnet = null;
    document.removeEventListener('blazormood:connection', this.connectionListener);
    await this.frames.dispose();
  }
}

export function create(root, options, dotnet) {
  const client = new KioskClient(root, options, dotnet);
  client.run().catch(() => {});
  return client;
}
