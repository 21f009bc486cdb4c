namespace BlazorMood.Music.Context;

/// <summary>
/// Where producers (live emotion, video activity) publish observations and the recommender reads them. Keyed by a
/// user (or session) id so several browsers do not mix contexts.
/// </summary>
public interface IContextStore
{
    void Report(string userId, EmotionObservation observation);

    void Report(string userId, ActivityObservation observation);

    /// <summary>The latest observations of <paramref name="userId"/>; <see cref="ListeningContext.Empty"/> when none.</summary>
    ListeningContext Get(string userId);

    /// <summary>Drops the observations of <paramref name="userId"/> ("delete my data"); raises <see cref="Changed"/>.</summary>
    void Forget(string userId);

    /// <summary>Raised after a report (on the reporter's thread), so a player can follow context changes.</summary>
    event EventHandler<string>? Changed;
}
