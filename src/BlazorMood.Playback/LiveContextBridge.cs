using BlazorMood.Events;
using BlazorMood.Live;
using BlazorMood.Music.Context;

namespace BlazorMood.Playback;

/// <summary>
/// Feeds live emotion into the recommender: every analysed frame with a face becomes an emotion observation of that
/// frame's session. Reporting every frame (not only changes) is what makes the rule's "seen in the last 5 s" true:
/// an unchanged smile keeps being seen, and the emotion goes stale 5 s after the face leaves the camera.
/// Sessions a kiosk screen follows are left out: a kiosk's music comes from its room reading (<see cref="Kiosk.KioskSession"/>).
/// </summary>
public sealed partial class LiveContextBridge(LiveMoodNotifier notifier, RecommendationContextReporter reporter, TimeProvider time, ILogger<LiveContextBridge> logger,
    Kiosk.KioskStreams? kiosks = null)
    : IHostedService, IDisposable
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Inline: a context store write, and the recommender must see a frame's emotion as soon as the frame is answered.
        _subscription ??= notifier.SubscribeAll(OnUpdate, EventDelivery.Inline);
        LogStarted(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _subscription = null;
    }

    internal Task OnUpdate(LiveUpdate update)
    {
        if (kiosks?.IsKiosk(update.SessionId) == true)
        {
            return Task.CompletedTask;
        }
        // The main face's held label (the top class once it has led for the tracker's hysteresis frames): the page
        // shows it as "the music follows" whenever it differs from the headline, so a close call between two classes
        // never flips the song. A change that comes without a frame still counts.
        if (update.Frame is { Status: FrameStatus.Ok, Dominant: { Label.Length: > 0 } dominant })
        {
            var (label, confidence) = dominant.MusicChoice();
            reporter.ReportEmotion(update.SessionId, label, confidence, time.GetUtcNow());
        }
        else if (update.Change is { } change)
        {
            reporter.ReportEmotion(update.SessionId, change.Label, change.Confidence, change.OccurredAt);
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Live emotion now feeds the recommender")]
    private static partial void LogStarted(ILogger logger);
}
