// The Recommendations tab's audio: one <audio> element driven by the MusicPlayer component.
// The server decides what plays (PlayerState); this module only loads, plays, pauses, seeks and reports back
// (started, paused, ended, progress, errors). Plain ES module, no dependencies.

/**
 * @param {HTMLAudioElement} audio
 * @param {{ invokeMethodAsync(name: string, ...args: unknown[]): Promise<unknown> }} dotnet
 * @param {{ volume?: number, progressIntervalMs?: number }} options
 */
export function create(audio, dotnet, options) {
    return new MusicPlayer(audio, dotnet, options ?? {});
}

class MusicPlayer {
    constructor(audio, dotnet, options) {
        this.audio = audio;
        this.dotnet = dotnet;
        this.trackId = null;
        this.lastProgress = 0;
        // Progress reports re-render the component: once a second is plenty for a seek bar.
        this.progressIntervalMs = options.progressIntervalMs ?? 1000;
        audio.volume = clamp(options.volume ?? 0.8);
        this.handlers = {
            playing: () => this.call('OnPlaying', this.trackId),
            // Loading another source or reaching the end also pauses the element; only a real pause is reported.
            pause: () => { if (!audio.ended && audio.paused && audio.currentSrc) { this.call('OnPaused', this.trackId); } },
            ended: () => this.call('OnEnded', this.trackId),
            loadedmetadata: () => this.progress(true),
            timeupdate: () => this.progress(false),
            error: () => this.call('OnError', this.trackId, describe(audio.error)),
        };
        for (const [name, handler] of Object.entries(this.handlers)) {
            audio.addEventListener(name, handler);
        }
        // The end of a track that came while the circuit was down is told once it is back (progress is not worth it).
        this.pendingEnd = null;
        this.onConnection = (e) => {
            if (e.detail === 'up' && this.pendingEnd !== null) {
                const trackId = this.pendingEnd;
                this.pendingEnd = null;
                if (trackId === this.trackId) {
                    this.call('OnEnded', trackId);
                }
            }
        };
        document.addEventListener('blazormood:connection', this.onConnection);
    }

    /** Loads a track; plays it when asked. Resolves to null, or a message when the browser refused to play. */
    async load(trackId, url, autoplay) {
        this.trackId = trackId;
        this.audio.dataset.trackId = trackId;
        this.audio.src = url;
        this.audio.load();
        return autoplay ? this.play() : null;
    }

    /** Resolves to null when playing, else why not (autoplay policy, decode error). */
    async play() {
        try {
            await this.audio.play();
            return null;
        } catch (e) {
            // AbortError: a newer load() replaced this source before it could play; that load reports for itself.
            if (e && e.name === 'AbortError') {
                return null;
            }
            if (e && e.name === 'NotAllowedError') {
                return 'The browser blocked autoplay: press play to start the music.';
            }
            return `Playback failed: ${e && e.message ? e.message : e}`;
        }
    }

    pause() {
        this.audio.pause();
    }

    seek(seconds) {
        if (Number.isFinite(seconds) && this.audio.readyState > 0) {
            this.audio.currentTime = Math.max(0, seconds);
        }
    }

    setVolume(volume) {
        this.audio.volume = clamp(volume);
    }

    /** For tests and diagnostics. */
    state() {
        const a = this.audio;
        return { trackId: this.trackId, paused: a.paused, ended: a.ended, currentTime: a.currentTime, duration: finite(a.duration), volume: a.volume };
    }

    dispose() {
        for (const [name, handler] of Object.entries(this.handlers)) {
            this.audio.removeEventListener(name, handler);
        }
        document.removeEventListener('blazormood:connection', this.onConnection);
        this.audio.pause();
    }

    progress(force) {
        const now = performance.now();
        if (!force && now - this.lastProgress < this.progressIntervalMs) {
            return;
        }
        this.lastProgress = now;
        this.call('OnProgress', this.trackId, this.audio.currentTime, finite(this.audio.duration));
    }

    call(method, ...args) {
        if (this.trackId === null) {
            return;
        }
        // While the circuit is down (js/app-start.js keeps <html data-connection>), Blazor's send would fail with an
        // unhandled rejection: hold the call, keeping only a track's end for later.
        if (document.documentElement.dataset.connection === 'down') {
            if (method === 'OnEnded') {
                this.pendingEnd = args[0];
            }
            return;
        }
        // The circuit may be gone (page closing); the music is not worth an unhandled rejection.
        this.dotnet.invokeMethodAsync(method, ...args).catch(() => { });
    }
}

function clamp(v) {
    return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0.8;
}

function finite(v) {
    return Number.isFinite(v) ? v : 0;
}

function describe(error) {
    if (!error) {
        return 'unknown audio error';
    }
    const kinds = { 1: 'aborted', 2: 'network error', 3: 'decode error', 4: 'format not supported' };
    return `${kinds[error.code] ?? 'error ' + error.code}${error.message ? ': ' + error.message : ''}`;
}
