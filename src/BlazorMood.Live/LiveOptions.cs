using System.ComponentModel.DataAnnotations;

namespace BlazorMood.Live;

/// <summary>Settings of the Live Emotion feature (browser capture, hub limits, tracking), bound from the <c>Live</c> section.</summary>
public sealed class LiveOptions
{
    public const string SectionName = "Live";

    /// <summary>Width of the canvas the browser draws each frame to before JPEG encoding.</summary>
    [Range(64, 1920)]
    public int CaptureWidth { get; set; } = 320;

    /// <summary>Height of the capture canvas.</summary>
    [Range(48, 1080)]
    public int CaptureHeight { get; set; } = 240;

    /// <summary>Most frames per second a client sends and the hub accepts; frames beyond it are dropped and counted.</summary>
    [Range(1, 60)]
    public int MaxFps { get; set; } = 15;

    /// <summary>Frames the rate gate lets through back to back before it drops (absorbs timer and network jitter).</summary>
    [Range(1, 30)]
    public int BurstFrames { get; set; } = 2;

    /// <summary>JPEG quality the browser encodes with, 0..1.</summary>
    [Range(0.1, 1.0)]
    public double JpegQuality { get; set; } = 0.7;

    /// <summary>Largest accepted frame in bytes; larger frames get an error reply. The hub's SignalR message limit is set to match.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxFrameBytes { get; set; } = 256 * 1024;

    /// <summary>Most faces analysed and tracked per frame (a gym's wall camera sees more than ten people).</summary>
    [Range(1, 100)]
    public int MaxFaces { get; set; } = 30;

    /// <summary>Inferences running at once over all clients; 0 means one per CPU core. Extra frames wait (each client has at most one in flight).</summary>
    [Range(0, 256)]
    public int MaxConcurrentAnalyses { get; set; }

    /// <summary>Start the camera when the page opens (the browser still asks for permission).</summary>
    public bool AutoStart { get; set; } = true;

    /// <summary>Whether the mood cue sounds toggle starts on (browsers may block sound until the first click).</summary>
    public bool CuesOnByDefault { get; set; }

    /// <summary>File extension of the cue sounds in wwwroot/cues/ (<c>ogg</c> or <c>mp3</c>).</summary>
    [RegularExpression("^(ogg|mp3)$")]
    public string CueExtension { get; set; } = "ogg";

    public TrackingOptions Tracking { get; set; } = new();

    public LiveEventOptions Events { get; set; } = new();
}

/// <summary>How faces are followed across frames and how their emotions are steadied.</summary>
public sealed class TrackingOptions
{
    /// <summary>A detection continues a track when their boxes overlap at least this much (intersection over union).</summary>
    [Range(0.01, 0.99)]
    public double MinIou { get; set; } = 0.3;

    /// <summary>Weight of the newest frame in the exponential moving average of the probabilities (1 = no smoothing).</summary>
    [Range(0.01, 1.0)]
    public double SmoothingAlpha { get; set; } = 0.35;

    /// <summary>Consecutive frames a different emotion must lead before a track's label changes.</summary>
    [Range(1, 100)]
    public int HysteresisFrames { get; set; } = 4;

    /// <summary>How far (in probability) the challenger must lead the current label to count towards a change.</summary>
    [Range(0.0, 0.5)]
    public double HysteresisMargin { get; set; } = 0.05;

    /// <summary>A track not seen for this many frames is forgotten.</summary>
    [Range(0, 100)]
    public int MaxMissedFrames { get; set; } = 5;
}

/// <summary>When dominant-emotion events are persisted and pushed.</summary>
public sealed class LiveEventOptions
{
    /// <summary>While the dominant emotion stays the same, it is recorded again after this long (0 = only on change).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RepeatInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Events waiting to be written; beyond it the oldest waiting event is dropped (logged).</summary>
    [Range(16, 100_000)]
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>Most events <c>GET /api/emotions/recent</c> returns.</summary>
    [Range(1, 10_000)]
    public int MaxRecent { get; set; } = 200;
}
