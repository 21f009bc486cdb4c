using BlazorMood.Vision;

namespace BlazorMood.Live;

// Messages of the live hub. They travel as MessagePack maps keyed by property name (the protocol's contractless
// resolver), so the browser reads them as plain objects. Probability arrays are in EmotionLabels.All order:
// angry, disgust, fear, happy, sad, surprise, neutral.

/// <summary>What became of one frame.</summary>
public enum FrameStatus
{
    /// <summary>Analysed; see the faces.</summary>
    Ok,

    /// <summary>Arrived faster than the configured rate and was discarded without analysis.</summary>
    Dropped,

    /// <summary>Not a decodable JPEG/PNG/WebP image.</summary>
    Invalid,

    /// <summary>Over the frame size limit.</summary>
    TooLarge,
}

/// <summary>One tracked face in a frame result.</summary>
public sealed class LiveFace
{
    public int TrackId { get; init; }

    public float X { get; init; }

    public float Y { get; init; }

    public float Width { get; init; }

    public float Height { get; init; }

    /// <summary>Face detector score 0..1.</summary>
    public float Score { get; init; }

    /// <summary>The top class of the track's smoothed probabilities (what the bars show).</summary>
    public string Label { get; init; } = "";

    /// <summary>Smoothed probability of <see cref="Label"/>.</summary>
    public float Confidence { get; init; }

    /// <summary>The track's held label: changes only after another class has led for the hysteresis frames.</summary>
    public string HeldLabel { get; init; } = "";

    /// <summary>The model's top label for this frame alone.</summary>
    public string RawLabel { get; init; } = "";

    public float[] Probabilities { get; init; } = [];

    public float[] RawProbabilities { get; init; } = [];
}

/// <summary>An emotion with a confidence: the dominant emotion (main face) or the group mood (all faces).</summary>
public sealed class MoodReading
{
    public string Label { get; init; } = "";

    public float Confidence { get; init; }

    public float[] Probabilities { get; init; } = [];

    /// <summary>Track of the main face for the dominant emotion; 0 for the group mood.</summary>
    public int TrackId { get; init; }

    /// <summary>
    /// What the music follows: for the dominant emotion the main face's held label (changes only after another class
    /// has led for the hysteresis frames); for the group mood the same as <see cref="Label"/>.
    /// </summary>
    public string HeldLabel { get; init; } = "";

    /// <summary>The label the music follows (<see cref="HeldLabel"/>, or <see cref="Label"/> where none was set) and its probability.</summary>
    public (string Label, float Confidence) MusicChoice()
    {
        if (HeldLabel.Length == 0 || HeldLabel == Label)
        {
            return (Label, Confidence);
        }
        var index = EmotionLabels.IndexOf(HeldLabel);
        return (HeldLabel, index >= 0 && index < Probabilities.Length ? Probabilities[index] : Confidence);
    }
}

/// <summary>Server-side time spent on a frame, in milliseconds.</summary>
public sealed class FrameTimings
{
    public double DecodeMs { get; init; }

    public double DetectMs { get; init; }

    public double ClassifyMs { get; init; }

    /// <summary>Whole hub call: waiting for an inference slot, analysis, tracking.</summary>
    public double ServerMs { get; init; }
}

/// <summary>The reply to every frame, whatever happened to it.</summary>
public sealed class FrameResult
{
    /// <summary>The client's sequence number, echoed.</summary>
    public long Sequence { get; init; }

    public FrameStatus Status { get; init; }

    /// <summary>Why the frame was rejected (Invalid, TooLarge), safe to show.</summary>
    public string? Error { get; init; }

    public int ImageWidth { get; init; }

    public int ImageHeight { get; init; }

    public LiveFace[] Faces { get; init; } = [];

    /// <summary>Smoothed emotion of the main (largest) face; null without faces.</summary>
    public MoodReading? Dominant { get; init; }

    /// <summary>True when <see cref="Dominant"/>'s label differs from the previous frame's dominant label.</summary>
    public bool DominantChanged { get; init; }

    /// <summary>Confidence-weighted mix over all faces; null without faces.</summary>
    public MoodReading? Group { get; init; }

    /// <summary>
    /// Share of the picture (0..1) that moved since this connection's previous analysed frame (people exercising,
    /// walking past); null for the first frame or after the frame size changed. Faces need not be visible.
    /// </summary>
    public float? Motion { get; init; }

    public FrameTimings? Timings { get; init; }

    /// <summary>Frames of this connection dropped by the rate gate so far.</summary>
    public long DroppedFrames { get; init; }

    /// <summary>Frames of this connection analysed so far.</summary>
    public long AnalysedFrames { get; init; }
}
