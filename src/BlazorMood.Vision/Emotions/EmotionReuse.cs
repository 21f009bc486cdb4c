namespace BlazorMood.Vision;

/// <summary>
/// When a face of a stream may keep the emotion classified on the previous frame instead of running both models again
/// (see <see cref="EmotionReuseMemory"/>).
/// </summary>
public sealed class EmotionReuseOptions
{
    /// <summary>Off: every face of every frame is classified.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Least overlap (intersection over union) of a face's detector box with its box on the previous frame. At 0.85 the
    /// box moved or changed size by only a few percent of its side, so both models would see nearly the same crop.
    /// </summary>
    public float MinOverlap { get; set; } = 0.85f;

    /// <summary>
    /// Frames in a row a face may keep an earlier result before it is classified again. 1 means every other frame at
    /// most: an expression that changes while the head stays still is seen one frame later, never more.
    /// </summary>
    public int MaxReusedFrames { get; set; } = 1;

    /// <summary>
    /// With both emotion models fused: instead of classifying a face that barely moved in full every other frame and not
    /// at all in between, refresh one of its three model views per frame in turn (Human's model, face-api's crop,
    /// face-api's mirrored crop) and fuse the latest of each. The same work is spread evenly over the frames (no frame
    /// pays for all three), and no view is more than two frames old. A face that moved more (or is new) gets all three
    /// at once. Off: every other frame, as <see cref="MaxReusedFrames"/> says.
    /// </summary>
    public bool Staggered { get; set; } = true;

    /// <summary>
    /// With <see cref="Staggered"/>: least overlap of a face's box with its box on the previous frame for it to count as
    /// the same face and keep its other views. Lower than <see cref="MinOverlap"/> because each kept view was computed on
    /// that face's own crop where it was then, at most two frames ago: what goes stale is the expression, not the
    /// position. 0.5 still tells two people apart (their boxes hardly overlap). Faces the tracking detector followed
    /// (<see cref="FaceSource.Tracked"/>) need no overlap test: the tracker already found each one again near its own
    /// last box, so a face that moved fast keeps its views too.
    /// </summary>
    public float SameFaceOverlap { get; set; } = 0.5f;

    /// <summary>
    /// Frames in a row on which a stream may skip face detection and keep the previous frame's faces, because nothing
    /// moved in or next to any of them and hardly anything moved anywhere (<see cref="MaxStillMotion"/>, measured by the
    /// stream's <see cref="MotionMeter"/> on the same decoded pixels). 1: detection runs at least every other frame, so
    /// a face that comes into view is boxed at most one frame later. 0: detection on every frame.
    /// </summary>
    public int MaxSkippedDetections { get; set; } = 1;

    /// <summary>
    /// Largest share of the picture that may have moved for a frame to count as still (0.02: about 15 of the motion
    /// grid's 768 cells, less than a face at a desk covers).
    /// </summary>
    public float MaxStillMotion { get; set; } = 0.02f;
}

/// <summary>
/// The faces one stream's last frame showed and the emotion each was given, for <see cref="EmotionAnalyzer"/>: a
/// detected face whose box overlaps one of them by at least <see cref="EmotionReuseOptions.MinOverlap"/> takes that
/// face's probabilities instead of being classified, unless that face already kept an earlier result for
/// <see cref="EmotionReuseOptions.MaxReusedFrames"/> frames in a row. Detection runs on every frame except a still one
/// right after a detected one (<see cref="EmotionReuseOptions.MaxSkippedDetections"/>), so boxes, new faces and faces
/// that leave are at most one frame old. One per stream; not thread-safe (a stream's frames are analysed
/// one at a time).
/// </summary>
public sealed class EmotionReuseMemory
{
    private List<Entry> _previous = [];
    private IReadOnlyList<DetectedFace>? _previousFaces;
    private int _skippedInARow;
    private int _framesSinceFullDetection;

    internal readonly record struct Entry(ImageBox Box, EmotionPrediction Prediction, int ReusedInARow, ModelViews? Views = null);

    /// <summary>The latest output of each model view of one face, and the view the next frame refreshes (staggered reuse).</summary>
    internal sealed record ModelViews(EmotionPrediction Human, EmotionPrediction FaceApi, EmotionPrediction? FaceApiMirrored, int Next);

    /// <summary>The last frame's faces as remembered (for tests).</summary>
    internal IReadOnlyList<Entry> Previous => _previous;

    /// <summary>Faces whose probabilities came from an earlier frame, over the life of this memory.</summary>
    public long ReusedFaces { get; private set; }

    /// <summary>Faces classified by the models, over the life of this memory.</summary>
    public long ClassifiedFaces { get; private set; }

    /// <summary>Frames whose face detection was skipped because the picture was still, over the life of this memory.</summary>
    public long SkippedDetections { get; private set; }

    /// <summary>Frames whose faces were followed from the previous frame by the <see cref="TrackingFaceDetector"/>, over the life of this memory.</summary>
    public long TrackedDetections { get; private set; }

    /// <summary>
    /// The previous frame's faces when this frame may follow them with the tracking detector instead of a whole-frame
    /// detection: there were faces, no more than <see cref="FaceTrackingOptions.MaxFaces"/>, and the last whole-frame
    /// detection is fewer than <see cref="FaceTrackingOptions.FullDetectionEvery"/> frames ago. Otherwise null.
    /// </summary>
    internal IReadOnlyList<DetectedFace>? FacesToFollow(FaceTrackingOptions options) =>
        _previousFaces is { Count: > 0 } faces && faces.Count <= options.MaxFaces && _framesSinceFullDetection + 1 < options.FullDetectionEvery ? faces : null;

    /// <summary>
    /// The previous frame's faces when this frame may keep them without running the detector (see
    /// <see cref="EmotionReuseOptions.MaxSkippedDetections"/>), else null. <paramref name="motion"/> is the stream's
    /// meter right after it measured this frame (<paramref name="moved"/>).
    /// </summary>
    internal IReadOnlyList<DetectedFace>? StillFaces(MotionMeter? motion, float? moved, EmotionReuseOptions options)
    {
        if (motion is null || moved is not { } share || share > options.MaxStillMotion || _previousFaces is null
            || _skippedInARow >= options.MaxSkippedDetections)
        {
            return null;
        }
        foreach (var face in _previousFaces)
        {
            if (motion.MovedNear(face.Box))
            {
                return null;
            }
        }
        return _previousFaces;
    }

    /// <summary>Remembers this frame's faces for <see cref="StillFaces"/> and <see cref="FacesToFollow"/>, and how they were found.</summary>
    internal void RememberDetections(IReadOnlyList<DetectedFace> faces, FaceSource source)
    {
        _previousFaces = faces;
        _skippedInARow = source == FaceSource.Kept ? _skippedInARow + 1 : 0;
        _framesSinceFullDetection = source == FaceSource.Detected ? 0 : _framesSinceFullDetection + 1;
        if (source == FaceSource.Kept)
        {
            SkippedDetections++;
        }
        else if (source == FaceSource.Tracked)
        {
            TrackedDetections++;
        }
    }

    /// <summary>
    /// For each face, the earlier entry it may reuse, or null when it must be classified. Each earlier face is given
    /// to at most one face: the best overlap first.
    /// </summary>
    internal Entry?[] Match(IReadOnlyList<DetectedFace> faces, EmotionReuseOptions options, bool staggered = false, bool tracked = false)
    {
        var matches = new Entry?[faces.Count];
        if (_previous.Count == 0 || faces.Count == 0)
        {
            return matches;
        }
        if (staggered && tracked && _previous.Count == faces.Count)
        {
            // Followed faces come in the order of the previous frame's, each found again from its own last box.
            for (var f = 0; f < faces.Count; f++)
            {
                matches[f] = _previous[f].Views is not null ? _previous[f] : null;
            }
            return matches;
        }
        var pairs = new List<(float Overlap, int Face, int Previous)>();
        for (var f = 0; f < faces.Count; f++)
        {
            for (var p = 0; p < _previous.Count; p++)
            {
                var overlap = faces[f].Box.IntersectionOverUnion(_previous[p].Box);
                var usable = staggered ? _previous[p].Views is not null : _previous[p].ReusedInARow < options.MaxReusedFrames;
                if (overlap >= (staggered ? options.SameFaceOverlap : options.MinOverlap) && usable)
                {
                    pairs.Add((overlap, f, p));
                }
            }
        }
        pairs.Sort((a, b) => b.Overlap.CompareTo(a.Overlap));
        var taken = new bool[_previous.Count];
        foreach (var (_, f, p) in pairs)
        {
            if (matches[f] is null && !taken[p])
            {
                matches[f] = _previous[p];
                taken[p] = true;
            }
        }
        return matches;
    }

    /// <summary>Remembers this frame's faces: the reused ones count one more frame in a row, the classified ones start at 0.</summary>
    internal void Remember(IReadOnlyList<DetectedFace> faces, IReadOnlyList<EmotionPrediction> predictions, Entry?[] reused, ModelViews?[]? views = null)
    {
        var next = new List<Entry>(faces.Count);
        for (var i = 0; i < faces.Count; i++)
        {
            var v = views?[i];
            if (reused[i] is { } r)
            {
                ReusedFaces++;
                next.Add(new Entry(faces[i].Box, predictions[i], r.ReusedInARow + 1, v));
            }
            else
            {
                ClassifiedFaces++;
                next.Add(new Entry(faces[i].Box, predictions[i], 0, v));
            }
        }
        _previous = next;
    }

    /// <summary>Forgets the last frame (e.g. after a frame that could not be analysed).</summary>
    public void Clear()
    {
        _previous = [];
        _previousFaces = null;
        _skippedInARow = 0;
        _framesSinceFullDetection = 0;
    }
}

/// <summary>Where a frame's faces came from.</summary>
public enum FaceSource
{
    /// <summary>The whole-frame detector ran on this frame.</summary>
    Detected,

    /// <summary>The tracking detector found each of the previous frame's faces again near its last box.</summary>
    Tracked,

    /// <summary>The picture was still: the previous frame's faces were kept without running a detector.</summary>
    Kept,
}
