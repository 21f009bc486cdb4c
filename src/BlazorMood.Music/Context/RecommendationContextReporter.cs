using BlazorMood.Music.Library;
using Microsoft.Extensions.Logging;

namespace BlazorMood.Music.Context;

/// <summary>
/// The one door through which the web host's producers put context into the recommender. The live-emotion bridge
/// reports every analysed frame's dominant emotion here; the video feature (a later issue) reports recognised
/// activities with <see cref="ReportActivity"/>. Ids are the owners of the data (the signed-in account, see BlazorMood.Accounts.OwnerIdentity).
/// </summary>
public sealed partial class RecommendationContextReporter(IContextStore store, ILogger<RecommendationContextReporter> logger)
{
    /// <summary>A dominant emotion seen in a frame of <paramref name="sessionId"/>'s camera at <paramref name="at"/>.</summary>
    /// <returns>False (and nothing stored) for an empty session or a label outside the seven emotion classes.</returns>
    public bool ReportEmotion(string sessionId, string label, double confidence, DateTimeOffset at)
    {
        if (string.IsNullOrEmpty(sessionId) || !PlaylistNames.IsKnownEmotion(label))
        {
            LogIgnored(logger, "emotion", label);
            return false;
        }
        store.Report(sessionId, new EmotionObservation(PlaylistNames.Normalize(label), Math.Clamp(confidence, 0, 1), at));
        return true;
    }

    /// <summary>
    /// An activity recognised in <paramref name="sessionId"/>'s video: <paramref name="activity"/> is a label such as
    /// running, walking, sitting, cycling, exercising, sleeping or standing (others are kept and fall through the
    /// rule when no playlist matches); <paramref name="cadenceSpm"/> is steps or pedal strokes per minute when measured.
    /// The last reported activity stays in effect until another replaces it (the original rule has no age limit).
    /// </summary>
    public bool ReportActivity(string sessionId, string activity, double confidence, double? cadenceSpm, DateTimeOffset at)
    {
        if (string.IsNullOrEmpty(sessionId) || string.IsNullOrWhiteSpace(activity) || activity.Length > 32)
        {
            LogIgnored(logger, "activity", activity);
            return false;
        }
        var cadence = cadenceSpm is { } c && double.IsFinite(c) && c > 0 ? c : (double?)null;
        store.Report(sessionId, new ActivityObservation(PlaylistNames.Normalize(activity), Math.Clamp(confidence, 0, 1), cadence, at));
        return true;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored a {Kind} observation with label {Label}")]
    private static partial void LogIgnored(ILogger logger, string kind, string? label);
}
