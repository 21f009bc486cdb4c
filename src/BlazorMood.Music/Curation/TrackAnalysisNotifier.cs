using System.Collections.Concurrent;

namespace BlazorMood.Music.Curation;

public enum TrackAnalysisPhase
{
    /// <summary>Waiting for the analysis worker.</summary>
    Queued,

    /// <summary>ffmpeg is decoding it; <see cref="TrackAnalysisUpdate.Progress"/> says how far.</summary>
    Analysing,

    Done,

    Failed,
}

/// <summary>One step of a track's analysis.</summary>
/// <param name="Progress">0..1 of the audio analysed (the part up to <c>Music:Analysis:MaxDuration</c>).</param>
public sealed record TrackAnalysisUpdate(string TrackId, TrackAnalysisPhase Phase, double Progress, double? Bpm, string? Error, DateTimeOffset At);

/// <summary>
/// Carries what a <see cref="TrackAnalysisNotifier"/> reports to the notifiers of the other nodes (the web host bridges it
/// over Redis pub/sub when several nodes share one Redis). Updates from other nodes come back through
/// <see cref="TrackAnalysisNotifier.ReportLocal"/> only, so nothing is delivered twice or sent round again.
/// </summary>
public interface ITrackAnalysisRelay
{
    void Send(TrackAnalysisUpdate update);
}

/// <summary>
/// Where the background analysis of each track stands, for the Admin page: the worker reports, components subscribe
/// to <see cref="Updated"/> (raised on the reporting thread; marshal to the renderer). Keeps the latest update per track,
/// bounded: finished entries beyond <see cref="MaxFinished"/> are forgotten oldest first (the stored features remain).
/// With relays (several nodes), what a worker node reports also reaches the Admin page of every web node.
/// </summary>
public sealed class TrackAnalysisNotifier
{
    public const int MaxFinished = 2000;

    private readonly ConcurrentDictionary<string, TrackAnalysisUpdate> _latest = new(StringComparer.Ordinal);

    // Other nodes' notifiers; none in a single process.
    private readonly ITrackAnalysisRelay[] _relays;

    public TrackAnalysisNotifier()
        : this([])
    {
    }

    public TrackAnalysisNotifier(IEnumerable<ITrackAnalysisRelay> relays)
    {
        ArgumentNullException.ThrowIfNull(relays);
        _relays = [.. relays];
    }

    public event Action<TrackAnalysisUpdate>? Updated;

    public TrackAnalysisUpdate? Find(string trackId) => _latest.GetValueOrDefault(trackId);

    /// <summary>Tracks queued or being analysed now.</summary>
    public IReadOnlyList<TrackAnalysisUpdate> Pending =>
        _latest.Values.Where(u => u.Phase is TrackAnalysisPhase.Queued or TrackAnalysisPhase.Analysing).OrderBy(u => u.At).ToList();

    /// <summary>Records and delivers an update on this node, then hands it to the other nodes.</summary>
    public void Report(TrackAnalysisUpdate update)
    {
        ReportLocal(update);
        foreach (var relay in _relays)
        {
            relay.Send(update);
        }
    }

    /// <summary>Records and delivers an update on this node only (one another node reported and relayed here).</summary>
    public void ReportLocal(TrackAnalysisUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        _latest[update.TrackId] = update;
        if (update.Phase is TrackAnalysisPhase.Done or TrackAnalysisPhase.Failed && _latest.Count > MaxFinished)
        {
            foreach (var old in _latest.Values.Where(u => u.Phase is TrackAnalysisPhase.Done or TrackAnalysisPhase.Failed)
                         .OrderBy(u => u.At).Take(_latest.Count - MaxFinished).ToList())
            {
                _latest.TryRemove(KeyValuePair.Create(old.TrackId, old));
            }
        }
        Updated?.Invoke(update);
    }
}

/// <summary>What the database knows of a track's last analysis (an error survives restarts; the notifier does not).</summary>
public sealed record StoredAnalysis(string TrackId, DateTime? AnalyzedAtUtc, string? Error);

/// <summary>Stored analysis outcomes, for the Admin page. The Data project implements it; without it nothing is known.</summary>
public interface ITrackAnalysisStatus
{
    /// <summary>True when a background worker measures tracks without features (so "not measured yet" means "queued").</summary>
    bool AnalysesInBackground { get; }

    Task<IReadOnlyDictionary<string, StoredAnalysis>> GetAsync(CancellationToken cancellationToken);
}

/// <summary>No analysis store: nothing analyses tracks in the background.</summary>
public sealed class NoTrackAnalysisStatus : ITrackAnalysisStatus
{
    public bool AnalysesInBackground => false;

    public Task<IReadOnlyDictionary<string, StoredAnalysis>> GetAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, StoredAnalysis>>(new Dictionary<string, StoredAnalysis>());
}
