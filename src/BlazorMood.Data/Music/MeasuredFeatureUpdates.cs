using BlazorMood.Music.Analysis;
using Microsoft.EntityFrameworkCore.Query;

namespace BlazorMood.Data.Music;

/// <summary>
/// The columns a finished audio analysis writes in one UPDATE, shared by the file import's analysis and the Subsonic
/// sync's tagging, so both store the same measurements the same way.
/// </summary>
internal static class MeasuredFeatureUpdates
{
    /// <summary>Every measured-feature column, the analysis time, no error, and a duration where none was known.</summary>
    public static UpdateSettersBuilder<TrackRecord> SetMeasured(this UpdateSettersBuilder<TrackRecord> update, AudioFeatures features, DateTime analyzedAtUtc) => update
        .SetProperty(t => t.MeasuredBpm, features.Bpm)
        .SetProperty(t => t.MeasuredEnergyDb, features.EnergyDb)
        .SetProperty(t => t.MeasuredBrightnessHz, features.BrightnessHz)
        .SetProperty(t => t.TempoConfidence, features.TempoConfidence)
        .SetProperty(t => t.MeasuredLoudnessLufs, features.LoudnessLufs)
        .SetProperty(t => t.MeasuredKey, features.Key)
        .SetProperty(t => t.MeasuredMode, features.Mode)
        .SetProperty(t => t.MeasuredOnsetsPerSecond, features.OnsetsPerSecond)
        .SetProperty(t => t.MeasuredValence, features.Valence)
        .SetProperty(t => t.MeasuredArousal, features.Arousal)
        .SetProperty(t => t.DurationSeconds, t => t.DurationSeconds <= 0 ? features.DurationSeconds : t.DurationSeconds)
        .SetProperty(t => t.AnalyzedAtUtc, analyzedAtUtc)
        .SetProperty(t => t.AnalysisError, (string?)null);
}
