// The Upload Video tab's drop zone: takes a file (dropped, or chosen with the hidden file input) and sends it with
// XMLHttpRequest as multipart to the upload endpoint, so the browser streams it from disk and reports real upload
// progress (xhr.upload.onprogress). Nothing passes through the Blazor circuit except progress and the outcome.
// The server validates every upload; the checks here only spare a long upload that is certain to be refused.
// Plain ES module, no dependencies.

/**
 * @param {HTMLElement} zone the drop target (also opens the file chooser on click, Enter or Space)
 * @param {HTMLInputElement} input the file input inside it
 * @param {{ invokeMethodAsync(name: string, ...args: unknown[]): Promise<unknown> }} dotnet the VideoDropZone component
 * @param {{ url: string, maxBytes?: number, maxBytesText?: string, progressIntervalMs?: number }} options
 */
export function create(zone, input, dotnet, options) {
    return new VideoUploader(zone, input, dotnet, options ?? {});
}

class VideoUploader {
    constructor(zone, input, dotnet, options) {
        this.zone = zone;
        this.input = input;
        this.dotnet = dotnet;
        this.url = options.url;
        this.maxBytes = Number.isFinite(options.maxBytes) && options.maxBytes > 0 ? options.maxBytes : 0;
        this.maxBytesText = options.maxBytesText ?? `${this.maxBytes} bytes`;
        // Progress re-renders the component: ten times a second is smooth enough for a bar.
        this.progressIntervalMs = options.progressIntervalMs ?? 100;
        this.xhr = null;
        this.disposed = false;
        // dragenter/dragleave fire for every child element crossed; a counter tells when the pointer really left.
        this.dragDepth = 0;
        this.handlers = {
            click: e => {
                // The input's own click (forwarded below) bubbles back here; let it through untouched.
                if (e.target !== this.input) {
                    this.choose();
                }
            },
            keydown: e => {
                if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    this.choose();
                }
            },
            dragenter: e => {
                if (!hasFiles(e)) {
                    return;
                }
                e.preventDefault();
                this.dragDepth++;
                this.zone.classList.add('drop-zone--over');
            },
            dragover: e => {
                if (!hasFiles(e)) {
                    return;
                }
                // Without preventDefault the browser would open the dropped file instead.
                e.preventDefault();
                e.dataTransfer.dropEffect = this.xhr ? 'none' : 'copy';
            },
            dragleave: () => {
                this.dragDepth = Math.max(0, this.dragDepth - 1);
                if (this.dragDepth === 0) {
                    this.zone.classList.remove('drop-zone--over');
                }
            },
            drop: e => {
                if (!hasFiles(e)) {
                    return;
                }
                e.preventDefault();
                this.dragDepth = 0;
                this.zone.classList.remove('drop-zone--over');
                this.take(e.dataTransfer.files);
            },
        };
        this.onInputChange = () => {
            const files = this.input.files;
            this.take(files);
            // Choosing the same file again must fire 'change' again.
            this.input.value = '';
        };
        for (const [name, handler] of Object.entries(this.handlers)) {
            zone.addEventListener(name, handler);
        }
        input.addEventListener('change', this.onInputChange);
    }

    choose() {
        if (!this.xhr && !this.disposed) {
            this.input.click();
        }
    }

    take(files) {
        if (this.disposed || !files || files.length === 0) {
            return;
        }
        if (this.xhr) {
            this.call('OnUploadRejected', 'An upload is already running: wait for it or cancel it first.');
            return;
        }
        if (files.length > 1) {
            this.call('OnUploadRejected', 'Drop one video at a time.');
            return;
        }
        this.upload(files[0]);
    }

    /** Starts the upload of one file; resolves at once (the outcome is reported to the component). */
    upload(file) {
        const refusal = this.precheck(file);
        if (refusal) {
            this.call('OnUploadRejected', refusal);
            return;
        }
        const form = new FormData();
        form.append('file', file, file.name);
        const xhr = new XMLHttpRequest();
        this.xhr = xhr;
        let lastReport = 0;
        xhr.upload.onprogress = e => {
            const now = performance.now();
            if (e.loaded < e.total && now - lastReport < this.progressIntervalMs) {
                return;
            }
            lastReport = now;
            this.call('OnUploadProgress', e.loaded, e.lengthComputable ? e.total : file.size);
        };
        xhr.onload = () => {
            this.xhr = null;
            if (xhr.status >= 200 && xhr.status < 300) {
                const id = parseJson(xhr.responseText)?.id;
                if (typeof id === 'string' && id.length > 0) {
                    this.call('OnUploadSucceeded', id);
                } else {
                    this.call('OnUploadFailed', 'The server accepted the upload but did not say which job it became.', xhr.status);
                }
                return;
            }
            this.call('OnUploadFailed', problemMessage(xhr), xhr.status);
        };
        xhr.onerror = () => {
            this.xhr = null;
            // The server may close the connection early when it refuses a body (too large) before reading it all.
            this.call('OnUploadFailed', 'The upload was interrupted (network error or the server closed the connection). Check the file and try again.', 0);
        };
        xhr.onabort = () => {
            this.xhr = null;
            if (!this.disposed) {
                this.call('OnUploadCancelled');
            }
        };
        xhr.open('POST', this.url);
        xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
        this.call('OnUploadStarted', file.name, file.size);
        xhr.send(form);
    }

    /** A reason to refuse the file without sending it, or null. The server checks everything again. */
    precheck(file) {
        if (this.maxBytes > 0 && file.size > this.maxBytes) {
            return `"${file.name}" is ${formatBytes(file.size)}; videos up to ${this.maxBytesText} are accepted.`;
        }
        // Only types that are certainly not video: many real clips come with an empty or odd type (.mkv, .mts).
        if (/^(image|audio|text)\//.test(file.type)) {
            return `"${file.name}" is not a video (${file.type}). Choose a video file such as MP4, MOV or WebM.`;
        }
        return null;
    }

    /** Stops the running upload; the component hears OnUploadCancelled. */
    cancel() {
        if (this.xhr) {
            this.xhr.abort();
        }
    }

    /** For tests and diagnostics. */
    state() {
        return { uploading: this.xhr !== null, url: this.url, maxBytes: this.maxBytes };
    }

    dispose() {
        this.disposed = true;
        if (this.xhr) {
            this.xhr.abort();
            this.xhr = null;
        }
        for (const [name, handler] of Object.entries(this.handlers)) {
            this.zone.removeEventListener(name, handler);
        }
        this.input.removeEventListener('change', this.onInputChange);
    }

    call(method, ...args) {
        if (this.disposed) {
            return;
        }
        // The circuit may be gone (page closing); that is not worth an unhandled rejection.
        this.dotnet.invokeMethodAsync(method, ...args).catch(() => { });
    }
}

function hasFiles(e) {
    return !!e.dataTransfer && Array.from(e.dataTransfer.types ?? []).includes('Files');
}

function parseJson(text) {
    try {
        return text ? JSON.parse(text) : null;
    } catch {
        return null;
    }
}

/** The server's own words for a refusal: problem+json 'detail', else its 'title', else the HTTP status. */
function problemMessage(xhr) {
    const body = parseJson(xhr.responseText);
    if (body && typeof body.detail === 'string' && body.detail.length > 0) {
        return body.detail;
    }
    if (body && typeof body.title === 'string' && body.title.length > 0) {
        return body.title;
    }
    if (xhr.status === 413) {
        return 'The file is too large.';
    }
    return `The upload failed (HTTP ${xhr.status}${xhr.statusText ? ' ' + xhr.statusText : ''}).`;
}

function formatBytes(bytes) {
    if (bytes >= 1024 * 1024 * 1024) {
        return `${(bytes / (1024 * 1024 * 1024)).toFixed(1)} GB`;
    }
    if (bytes >= 1024 * 1024) {
        return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
    }
    if (bytes >= 1024) {
        return `${(bytes / 1024).toFixed(0)} kB`;
    }
    return `${bytes} bytes`;
}
