using BlazorMood.Music.Library;

namespace BlazorMood.Music.Recommendation;

/// <summary>
/// Per-track features laid out as arrays, computed once per library snapshot, so scoring 10,000 tracks is a tight
/// loop over floats with no allocation.
/// </summary>
internal sealed class TrackIndex
{
    public TrackIndex(LibrarySnapshot snapshot)
    {
        Snapshot = snapshot;
        var n = snapshot.Tracks.Count;
        Tracks = new Track[n];
        Valence = new float[n];
        Arousal = new float[n];
        Bpm = new float[n];
        LogBpm = new float[n];
        PlaylistId = new int[n];
        PlaylistIds = new Dictionary<string, int>(StringComparer.Ordinal);
        IndexById = new Dictionary<string, int>(n, StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            var t = snapshot.Tracks[i];
            Tracks[i] = t;
            var mood = MoodSpace.ForTrack(t.Playlist, t.Features);
            Valence[i] = (float)mood.Valence;
            Arousal[i] = (float)mood.Arousal;
            // 0 marks an unknown tempo (real tempi are > 0).
            Bpm[i] = (float)(t.Features.Bpm ?? 0);
            LogBpm[i] = Bpm[i] > 0 ? MathF.Log(Bpm[i]) : 0;
            if (!PlaylistIds.TryGetValue(t.Playlist, out var pid))
            {
                pid = PlaylistIds.Count;
                PlaylistIds[t.Playlist] = pid;
            }
            PlaylistId[i] = pid;
            IndexById[t.Id] = i;
        }
    }

    public LibrarySnapshot Snapshot { get; }

    public Track[] Tracks { get; }

    public float[] Valence { get; }

    public float[] Arousal { get; }

    public float[] Bpm { get; }

    /// <summary>ln(BPM), so the tempo match needs no logarithm per track per request.</summary>
    public float[] LogBpm { get; }

    public int[] PlaylistId { get; }

    public Dictionary<string, int> PlaylistIds { get; }

    public Dictionary<string, int> IndexById { get; }
}
