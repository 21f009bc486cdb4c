using BlazorMood.Music.Curation;
using BlazorMood.Music.Library;

namespace BlazorMood.Web.Curation;

/// <summary>A playlist as the Admin page and <c>/api/admin</c> show it.</summary>
/// <param name="Context">The mapping in force (<c>none</c> when it serves nothing in particular).</param>
/// <param name="ContextIsExplicit">True when an admin set it; false when the folder name implies it.</param>
public sealed record PlaylistRow(string Name, ContextView Context, bool ContextIsExplicit, IReadOnlyList<string> Dayparts, bool Pinned,
    int TrackCount, int BannedCount);

public sealed record ContextView(string Kind, string Value);

/// <summary>Where a track's measurement stands: <c>queued</c>, <c>analysing</c> (with progress 0..1), <c>done</c>, <c>failed</c>, or <c>not-measured</c>.</summary>
public sealed record AnalysisView(string State, double Progress, string? Error);

/// <summary>A track as the Admin page and <c>/api/admin</c> show it.</summary>
public sealed record TrackRow(string Id, string Playlist, string Title, string Artist, double DurationSeconds, double? Bpm, double? BpmOverride,
    double? EnergyDb, double? BrightnessHz, IReadOnlyList<string> Tags, bool Banned, string Url, AnalysisView Analysis);

/// <summary>The library overview of <c>GET /api/admin/library</c>.</summary>
public sealed record LibraryView(string? PinnedPlaylist, DateTimeOffset LoadedAt, IReadOnlyList<PlaylistRow> Playlists, IReadOnlyList<LibraryProblem> Problems,
    string? CurationProblem);

/// <summary>Builds the rows from the library snapshot, the curation and the analysis state: one place for the page and the API.</summary>
public static class AdminLibraryRows
{
    public static IReadOnlyList<PlaylistRow> Playlists(LibrarySnapshot library, CurationSnapshot curation) =>
        library.Playlists
            .Select(p =>
            {
                var context = curation.ContextOf(p.Name);
                return new PlaylistRow(p.Name, View(context), curation.HasExplicitContext(p.Name), curation.DaypartsOf(p.Name),
                    curation.PinnedPlaylist == p.Name, p.Tracks.Count, p.Tracks.Count(t => curation.IsBanned(t.Id)));
            })
            .ToList();

    public static IReadOnlyList<TrackRow> Tracks(LibrarySnapshot library, string playlist, CurationSnapshot curation, TrackAnalysisNotifier progress,
        IReadOnlyDictionary<string, StoredAnalysis> stored, bool analysesInBackground, string trackUrlPrefix) =>
        (library.FindPlaylist(playlist)?.Tracks ?? [])
            .Select(t => Track(t, curation, progress, stored, analysesInBackground, trackUrlPrefix))
            .ToList();

    public static TrackRow Track(Track t, CurationSnapshot curation, TrackAnalysisNotifier progress, IReadOnlyDictionary<string, StoredAnalysis> stored,
        bool analysesInBackground, string trackUrlPrefix) =>
        new(t.Id, t.Playlist, t.Title, t.Artist, t.DurationSeconds, t.Features.Bpm, t.BpmOverride, t.Features.EnergyDb, t.Features.BrightnessHz,
            t.Tags, curation.IsBanned(t.Id), trackUrlPrefix + t.Id, Analysis(t, progress, stored, analysesInBackground));

    /// <summary>
    /// The live notifier wins (it knows about the analysis running now); then the stored outcome; a track with
    /// loudness and brightness known has been measured (only a measurement yields those).
    /// </summary>
    public static AnalysisView Analysis(Track t, TrackAnalysisNotifier progress, IReadOnlyDictionary<string, StoredAnalysis> stored, bool analysesInBackground)
    {
        var measured = t.Features.EnergyDb is not null && t.Features.BrightnessHz is not null;
        switch (progress.Find(t.Id))
        {
            case { Phase: TrackAnalysisPhase.Queued }:
                return new("queued", 0, null);
            case { Phase: TrackAnalysisPhase.Analysing } a:
                return new("analysing", a.Progress, null);
            case { Phase: TrackAnalysisPhase.Failed } f:
                return new("failed", 1, f.Error);
            case { Phase: TrackAnalysisPhase.Done }:
                return new("done", 1, null);
        }
        if (measured)
        {
            return new("done", 1, null);
        }
        if (stored.TryGetValue(t.Id, out var s) && s.Error is { } error)
        {
            return new("failed", 1, error);
        }
        return analysesInBackground ? new("queued", 0, null) : new("not-measured", 0, null);
    }

    public static ContextView View(PlaylistContext context) =>
        new(context.Kind.ToString().ToLowerInvariant(), context.Value);

    /// <summary>Parses an API context kind (<c>emotion</c>, <c>activity</c>, <c>custom</c>, <c>none</c>).</summary>
    public static bool TryParseKind(string? text, out ContextKind kind) =>
        Enum.TryParse(text?.Trim(), ignoreCase: true, out kind) && Enum.IsDefined(kind);
}
