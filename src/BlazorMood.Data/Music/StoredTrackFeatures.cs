using System.Collections.Frozen;
using BlazorMood.Music.Library;

namespace BlazorMood.Data.Music;

/// <summary>
/// The features the database holds per track, in memory, so the recommender reads them without a query. Replaced
/// wholesale after an import and patched after each analysis; <see cref="Version"/> changes with every update so
/// readers know their derived data is stale.
/// </summary>
public sealed class StoredTrackFeatures
{
    private readonly Lock _gate = new();
    private FrozenDictionary<string, TrackFeatures> _features = FrozenDictionary<string, TrackFeatures>.Empty;
    private long _version;

    public long Version => Volatile.Read(ref _version);

    public TrackFeatures? Find(string trackId) => Volatile.Read(ref _features).GetValueOrDefault(trackId);

    public int Count => Volatile.Read(ref _features).Count;

    /// <summary>Replaces every entry (after an import).</summary>
    public void ReplaceAll(IEnumerable<KeyValuePair<string, TrackFeatures>> features)
    {
        var frozen = features.ToFrozenDictionary(StringComparer.Ordinal);
        lock (_gate)
        {
            // A reload that changed no features keeps the version, so readers keep their derived indexes.
            if (frozen.Count == _features.Count && frozen.All(kv => _features.TryGetValue(kv.Key, out var f) && f == kv.Value))
            {
                return;
            }
            Volatile.Write(ref _features, frozen);
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>Sets one track's features (after an analysis). Copy-on-write: analyses are rare, reads are per request.</summary>
    public void Set(string trackId, TrackFeatures features)
    {
        lock (_gate)
        {
            var copy = new Dictionary<string, TrackFeatures>(_features, StringComparer.Ordinal) { [trackId] = features };
            Volatile.Write(ref _features, copy.ToFrozenDictionary(StringComparer.Ordinal));
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>The features of a record the recommender should see; null when nothing is known.</summary>
    public static TrackFeatures? Of(TrackRecord record) =>
        record.Bpm is null && record.EnergyDb is null && record.BrightnessHz is null && record.MeasuredValence is null
            ? null
            : new TrackFeatures(record.Bpm, record.EnergyDb, record.BrightnessHz)
            {
                LoudnessLufs = record.MeasuredLoudnessLufs,
                Key = record.MeasuredKey,
                Mode = record.MeasuredMode,
                OnsetsPerSecond = record.MeasuredOnsetsPerSecond,
                Valence = record.MeasuredValence,
                Arousal = record.MeasuredArousal,
            };
}
