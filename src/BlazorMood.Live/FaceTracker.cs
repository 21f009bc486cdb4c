using BlazorMood.Vision;

namespace BlazorMood.Live;

/// <summary>
/// Follows the faces of one live stream across frames: matches detections to tracks by box overlap (greedy IoU),
/// smooths each track's seven probabilities with an exponential moving average. A face's label is the top class of
/// its smoothed probabilities, so the label and the bars always agree; the music follows a second, held label that
/// changes only after another emotion has led for <see cref="TrackingOptions.HysteresisFrames"/> frames in a row, so a
/// close call between two classes never flips the song. Also picks the main face (dominant emotion) and mixes the
/// group mood. Not thread-safe: one per stream.
/// </summary>
public sealed class FaceTracker
{
    private static readonly int ClassCount = EmotionLabels.All.Count;

    private readonly TrackingOptions _options;
    private readonly List<Track> _tracks = [];
    private int _mainTrackId;
    private string? _lastDominantLabel;

    public FaceTracker(TrackingOptions options)
    {
        _options = options;
    }

    /// <summary>Tracks alive now (seen within the last <see cref="TrackingOptions.MaxMissedFrames"/> frames).</summary>
    public int TrackCount => _tracks.Count;

    /// <summary>Feeds one frame's faces (best first) and returns the tracked view of it.</summary>
    public TrackedFrame Update(IReadOnlyList<FaceEmotion> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var assigned = MatchToTracks(faces);

        var alpha = (float)_options.SmoothingAlpha;
        var current = new Track[faces.Count];
        for (var i = 0; i < faces.Count; i++)
        {
            var raw = ToArray(faces[i].Probabilities);
            var track = assigned[i];
            if (track is null)
            {
                track = new Track(FreeTrackId(), raw);
                _tracks.Add(track);
            }
            else
            {
                track.Smooth(raw, alpha);
                track.ApplyHysteresis(_options.HysteresisFrames, (float)_options.HysteresisMargin);
            }
            track.Box = faces[i].Box;
            track.Score = faces[i].Score;
            track.Raw = raw;
            track.Missed = 0;
            current[i] = track;
        }

        // Tracks without a detection this frame age out.
        foreach (var track in _tracks)
        {
            if (Array.IndexOf(current, track) < 0)
            {
                track.Missed++;
            }
        }
        _tracks.RemoveAll(t => t.Missed > _options.MaxMissedFrames);

        var liveFaces = current.Select(t => t.ToLiveFace()).ToArray();
        var main = PickMain(current);
        MoodReading? dominant = null;
        MoodReading? group = null;
        var changed = false;
        if (main is not null)
        {
            _mainTrackId = main.Id;
            var top = ArgMax(main.Smoothed);
            dominant = new MoodReading
            {
                Label = EmotionLabels.All[top],
                Confidence = main.Smoothed[top],
                Probabilities = (float[])main.Smoothed.Clone(),
                TrackId = main.Id,
                HeldLabel = EmotionLabels.All[main.Held],
            };
            group = MixGroup(current);
            changed = !string.Equals(_lastDominantLabel, dominant.HeldLabel, StringComparison.Ordinal);
            _lastDominantLabel = dominant.HeldLabel;
        }
        return new TrackedFrame(liveFaces, dominant, changed, group);
    }

    /// <summary>
    /// The smallest number no live track uses: after a camera cut the same person is "face #1" again, not #3, and
    /// numbers stay small in a busy room.
    /// </summary>
    private int FreeTrackId()
    {
        var id = 1;
        while (_tracks.Exists(t => t.Id == id))
        {
            id++;
        }
        return id;
    }

    /// <summary>Greedy assignment: the best-overlapping (track, detection) pairs first, each used once.</summary>
    private Track?[] MatchToTracks(IReadOnlyList<FaceEmotion> faces)
    {
        var assigned = new Track?[faces.Count];
        if (_tracks.Count == 0 || faces.Count == 0)
        {
            return assigned;
        }
        var pairs = new List<(float Iou, int Track, int Face)>();
        for (var t = 0; t < _tracks.Count; t++)
        {
            for (var f = 0; f < faces.Count; f++)
            {
                var iou = _tracks[t].Box.IntersectionOverUnion(faces[f].Box);
                if (iou >= _options.MinIou)
                {
                    pairs.Add((iou, t, f));
                }
            }
        }
        pairs.Sort((a, b) => b.Iou.CompareTo(a.Iou));
        var trackUsed = new bool[_tracks.Count];
        foreach (var (_, t, f) in pairs)
        {
            if (!trackUsed[t] && assigned[f] is null)
            {
                trackUsed[t] = true;
                assigned[f] = _tracks[t];
            }
        }
        return assigned;
    }

    /// <summary>The largest face; the previous main face keeps the role while it is at least 80% as large (no ping-pong).</summary>
    private Track? PickMain(Track[] current)
    {
        if (current.Length == 0)
        {
            return null;
        }
        var largest = current.MaxBy(t => t.Box.Area)!;
        var previous = Array.Find(current, t => t.Id == _mainTrackId);
        return previous is not null && previous.Box.Area >= 0.8f * largest.Box.Area ? previous : largest;
    }

    /// <summary>Mix of every face's smoothed probabilities, each weighted by detector score × its label's confidence.</summary>
    private static MoodReading MixGroup(Track[] current)
    {
        var mix = new float[ClassCount];
        var total = 0f;
        foreach (var t in current)
        {
            var weight = t.Score * t.Smoothed.Max();
            total += weight;
            for (var c = 0; c < ClassCount; c++)
            {
                mix[c] += weight * t.Smoothed[c];
            }
        }
        if (total <= 0)
        {
            Array.Fill(mix, 1f / ClassCount);
        }
        else
        {
            for (var c = 0; c < ClassCount; c++)
            {
                mix[c] /= total;
            }
        }
        var best = ArgMax(mix);
        return new MoodReading { Label = EmotionLabels.All[best], HeldLabel = EmotionLabels.All[best], Confidence = mix[best], Probabilities = mix };
    }

    private static float[] ToArray(IReadOnlyDictionary<string, float> probabilities)
    {
        var p = new float[ClassCount];
        for (var c = 0; c < ClassCount; c++)
        {
            p[c] = probabilities.TryGetValue(EmotionLabels.All[c], out var v) ? v : 0f;
        }
        return p;
    }

    internal static int ArgMax(float[] p)
    {
        var best = 0;
        for (var i = 1; i < p.Length; i++)
        {
            if (p[i] > p[best])
            {
                best = i;
            }
        }
        return best;
    }

    private sealed class Track(int id, float[] initial)
    {
        public int Id { get; } = id;

        public float[] Smoothed { get; } = (float[])initial.Clone();

        public float[] Raw { get; set; } = initial;

        /// <summary>The label the music follows: the top class once it has led for the hysteresis frames.</summary>
        public int Held { get; private set; } = ArgMax(initial);

        public ImageBox Box { get; set; }

        public float Score { get; set; }

        public int Missed { get; set; }

        private int _challenger = -1;
        private int _challengerFrames;

        public void Smooth(float[] raw, float alpha)
        {
            for (var c = 0; c < Smoothed.Length; c++)
            {
                Smoothed[c] = (alpha * raw[c]) + ((1 - alpha) * Smoothed[c]);
            }
        }

        public void ApplyHysteresis(int frames, float margin)
        {
            var leader = ArgMax(Smoothed);
            if (leader == Held || Smoothed[leader] - Smoothed[Held] < margin)
            {
                _challenger = -1;
                _challengerFrames = 0;
                return;
            }
            _challengerFrames = leader == _challenger ? _challengerFrames + 1 : 1;
            _challenger = leader;
            if (_challengerFrames >= frames)
            {
                Held = leader;
                _challenger = -1;
                _challengerFrames = 0;
            }
        }

        public LiveFace ToLiveFace()
        {
            var top = ArgMax(Smoothed);
            return new()
            {
                TrackId = Id,
                X = Box.X,
                Y = Box.Y,
                Width = Box.Width,
                Height = Box.Height,
                Score = Score,
                Label = EmotionLabels.All[top],
                Confidence = Smoothed[top],
                HeldLabel = EmotionLabels.All[Held],
                RawLabel = EmotionLabels.All[ArgMax(Raw)],
                Probabilities = (float[])Smoothed.Clone(),
                RawProbabilities = Raw,
            };
        }
    }
}

/// <summary>The tracked view of one frame.</summary>
public sealed record TrackedFrame(LiveFace[] Faces, MoodReading? Dominant, bool DominantChanged, MoodReading? Group);
