// The Recommendations tab's audio: one <audio> element driven by the MusicPlayer component.
// The server decides what plays (PlayerState); this module only loads, plays, pauses, seeks, crossfades and reports
// back (started, paused, ended, progress, errors). Plain ES module, no dependencies.
//
// Loudness: each track comes with the gain (dB) that brings it to the library's target loudness; the element's
// volume is the listener's volume times that gain, clamped to 0..1 (a quiet track at full volume cannot go louder).
// Crossfade: the page's element always holds the current track. To fade, the outgoing track carries on in a
// detached element from where it was, while the page's element starts the new track; the volumes cross over.

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
        this.userVolume = clamp(options.volume ?? 0.8);
        this.gainDb = 0;
        // The outgoing track during a crossfade (detached: never in the page, never reported).
        this.fading = null;
        this.fadeTimer = null;
        audio.volume = this.userVolume;
        // For end-to-end tests and diagnostics: the page's element knows its player.
        audio.blazormoodPlayer = this;
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

    /** Loads a track (cutting any other); plays it when asked. Resolves to null, or a message when the browser refused to play. */
    async load(trackId, url, autoplay, gainDb) {
        this.stopFade(true);
        this.setGain(gainDb);
        this.trackId = trackId;
        this.audio.dataset.trackId = trackId;
        this.audio.src = url;
        this.audio.load();
        this.applyVolume(1);
        return autoplay ? this.play() : null;
    }

    /**
     * Moves from the playing track to another over `seconds`: the old one fades out from where it is while the new
     * one fades in. Falls back to a plain load when nothing plays. Resolves like load().
     */
    async crossfade(trackId, url, gainDb, seconds) {
        const old = this.audio;
        const fadeMs = Math.max(0, (Number.isFinite(seconds) ? seconds : 2) * 1000);
        if (old.paused || old.ended || !old.currentSrc || fadeMs === 0) {
            return this.load(trackId, url, true, gainDb);
        }
        this.stopFade(true);
        const outgoing = new Audio();
        outgoing.preload = 'auto';
        outgoing.src = old.currentSrc;
        outgoing.currentTime = old.currentTime;
        outgoing.volume = old.volume;
        try {
            await outgoing.play();
        } catch {
            // The tail cannot play (decoding, policy): no fade, the new track simply starts.
            outgoing.removeAttribute('src');
            return this.load(trackId, url, true, gainDb);
        }
        this.fading = outgoing;
        const startVolume = outgoing.volume;
        this.setGain(gainDb);
        this.trackId = trackId;
        old.dataset.trackId = trackId;
        old.src = url;
        old.load();
        this.applyVolume(0);
        const started = performance.now();
        this.fadeTimer = setInterval(() => {
            const t = Math.min(1, (performance.now() - started) / fadeMs);
            // Equal-power curves keep the sum of the two steady through the middle.
            outgoing.volume = clamp(startVolume * Math.cos(t * Math.PI / 2));
            this.applyVolume(Math.sin(t * Math.PI / 2));
            if (t >= 1) {
                this.stopFade(false);
            }
        }, 50);
        return this.play();
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
        this.stopFade(false);
        this.audio.pause();
    }

    seek(seconds) {
        if (Number.isFinite(seconds) && this.audio.readyState > 0) {
            this.audio.currentTime = Math.max(0, seconds);
        }
    }

    setVolume(volume) {
        this.userVolume = clamp(volume);
        this.applyVolume(this.fading ? this.fadeLevel ?? 1 : 1);
    }

    /** The track's loudness gain in dB (null: unmeasured, play as it is); bounded so a bad value cannot blast. */
    setGain(gainDb) {
        this.gainDb = Number.isFinite(gainDb) ? Math.min(12, Math.max(-24, gainDb)) : 0;
    }

    /** Sets the element's volume: the listener's volume, the track's gain and the fade level (0..1). */
    applyVolume(level) {
        this.fadeLevel = level;
        this.audio.volume = clamp(this.userVolume * Math.pow(10, this.gainDb / 20) * level);
    }

    /** Ends a crossfade: the outgoing track stops; the new one gets its full volume unless `cut` (a load follows). */
    stopFade(cut) {
        if (this.fadeTimer !== null) {
            clearInterval(this.fadeTimer);
            this.fadeTimer = null;
        }
        if (this.fading) {
            this.fading.pause();
            this.fading.removeAttribute('src');
            this.fading.load();
            this.fading = null;
        }
        if (!cut) {
            this.applyVolume(1);
        }
    }

    /** For tests and diagnostics. */
    state() {
        const a = this.audio;
        return {
            trackId: this.trackId, paused: a.paused, ended: a.ended, currentTime: a.currentTime, duration: finite(a.duration), volume: a.volume,
            gainDb: this.gainDb, fading: this.fading !== null,
        };
    }

    dispose() {
        this.stopFade(true);
        delete this.audio.blazormoodPlayer;
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
