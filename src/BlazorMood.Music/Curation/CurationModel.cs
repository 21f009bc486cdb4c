using System.Collections.Frozen;
using BlazorMood.Music.Library;

namespace BlazorMood.Music.Curation;

/// <summary>What a playlist serves: an emotion, an activity, a custom mood query, or nothing in particular.</summary>
public enum ContextKind
{
    None,
    Emotion,
    Activity,
    Custom,
}

/// <summary>
/// The context a playlist is mapped to. <see cref="ContextKind.Emotion"/> takes one of the seven emotion labels,
/// <see cref="ContextKind.Activity"/> an activity label, <see cref="ContextKind.Custom"/> keywords of a mood query
/// (comma or space separated, e.g. <c>focus, deep work</c>).
/// </summary>
public sealed record PlaylistContext(ContextKind Kind, string Value)
{
    public const int MaxValueLength = 200;

    public static PlaylistContext None { get; } = new(ContextKind.None, "");

    /// <summary>The lower-case words of a custom context (empty for the other kinds).</summary>
    public IReadOnlyList<string> Keywords => Kind == ContextKind.Custom ? SplitWords(Value) : [];

    /// <summary>True when this is the emotion or activity <paramref name="label"/> (compared normalised).</summary>
    public bool Matches(ContextKind kind, string label) =>
        Kind == kind && kind is ContextKind.Emotion or ContextKind.Activity && string.Equals(Value, PlaylistNames.Normalize(label), StringComparison.Ordinal);

    /// <summary>The mapping a playlist has by its folder name alone (the original system's convention).</summary>
    public static PlaylistContext FromName(string playlist)
    {
        if (playlist.StartsWith(PlaylistNames.EmotionPrefix, StringComparison.Ordinal) && PlaylistNames.IsKnownEmotion(playlist[PlaylistNames.EmotionPrefix.Length..]))
        {
            return new(ContextKind.Emotion, playlist[PlaylistNames.EmotionPrefix.Length..]);
        }
        if (playlist.StartsWith(PlaylistNames.ActivityPrefix, StringComparison.Ordinal) && playlist.Length > PlaylistNames.ActivityPrefix.Length)
        {
            return new(ContextKind.Activity, playlist[PlaylistNames.ActivityPrefix.Length..]);
        }
        return None;
    }

    /// <summary>Lower-case words of a query or keyword list (letters and digits; everything else separates).</summary>
    public static IReadOnlyList<string> SplitWords(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var letter = i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '\'');
            if (letter && start < 0)
            {
                start = i;
            }
            else if (!letter && start >= 0)
            {
                var word = text[start..i].ToLowerInvariant();
                if (!words.Contains(word))
                {
                    words.Add(word);
                }
                start = -1;
            }
        }
        return words;
    }

    public override string ToString() => Kind == ContextKind.None ? "none" : $"{Kind.ToString().ToLowerInvariant()}:{Value}";
}

/// <summary>The parts of a day the recommender knows (<see cref="Recommendation.MoodSpace.Daypart"/>).</summary>
public static class Dayparts
{
    public static IReadOnlyList<string> All { get; } = ["night", "morning", "afternoon", "evening", "late-evening"];

    public static bool IsKnown(string? name) => name is not null && All.Contains(name, StringComparer.Ordinal);

    /// <summary>Local hours of each part, for display.</summary>
    public static string Hours(string name) => name switch
    {
        "night" => "00–06",
        "morning" => "06–12",
        "afternoon" => "12–18",
        "evening" => "18–22",
        "late-evening" => "22–24",
        _ => "",
    };
}

/// <summary>What an admin set for one playlist.</summary>
/// <param name="Context">Explicit mapping; null means "by folder name" (<see cref="PlaylistContext.FromName"/>).</param>
/// <param name="Dayparts">Parts of the day the playlist is scheduled for; empty means any time.</param>
public sealed record PlaylistCuration(string Name, PlaylistContext? Context, IReadOnlyList<string> Dayparts)
{
    public bool IsDefault => Context is null && Dayparts.Count == 0;
}

/// <summary>
/// The admin overrides at one moment: per-playlist mapping and schedule, banned tracks, the pinned playlist.
/// Immutable; the recommender reads <see cref="ICurationState.Current"/> on every request, so a change applies to the
/// next recommendation without a reload.
/// </summary>
public sealed class CurationSnapshot
{
    private readonly FrozenDictionary<string, PlaylistCuration> _playlists;

    public CurationSnapshot(long version, IEnumerable<PlaylistCuration> playlists, IEnumerable<string> bannedPaths, string? pinnedPlaylist)
    {
        Version = version;
        _playlists = playlists.Where(p => !p.IsDefault).ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);
        BannedPaths = bannedPaths.ToFrozenSet(StringComparer.Ordinal);
        BannedTrackIds = BannedPaths.Select(PlaylistLoader.MakeId).ToFrozenSet(StringComparer.Ordinal);
        PinnedPlaylist = string.IsNullOrEmpty(pinnedPlaylist) ? null : pinnedPlaylist;
    }

    public static CurationSnapshot Empty { get; } = new(0, [], [], null);

    /// <summary>Increases with every change (0 for the empty state).</summary>
    public long Version { get; }

    /// <summary>Playlists with explicit settings (a playlist not listed has the defaults).</summary>
    public IEnumerable<PlaylistCuration> Playlists => _playlists.Values;

    /// <summary>Library-relative paths of banned tracks (what the side file stores).</summary>
    public FrozenSet<string> BannedPaths { get; }

    /// <summary>Ids of banned tracks (ids are derived from the paths).</summary>
    public FrozenSet<string> BannedTrackIds { get; }

    /// <summary>While set, every recommendation comes from this playlist.</summary>
    public string? PinnedPlaylist { get; }

    public bool IsBanned(string trackId) => BannedTrackIds.Contains(trackId);

    public PlaylistCuration? Find(string playlist) => _playlists.GetValueOrDefault(playlist);

    /// <summary>The mapping in force: the explicit one, else the one the folder name implies.</summary>
    public PlaylistContext ContextOf(string playlist) => _playlists.GetValueOrDefault(playlist)?.Context ?? PlaylistContext.FromName(playlist);

    public bool HasExplicitContext(string playlist) => _playlists.GetValueOrDefault(playlist)?.Context is not null;

    public IReadOnlyList<string> DaypartsOf(string playlist) => _playlists.GetValueOrDefault(playlist)?.Dayparts ?? [];

    /// <summary>True when any playlist has a daypart schedule (the recommender skips schedule work otherwise).</summary>
    public bool HasSchedules => _playlists.Values.Any(p => p.Dayparts.Count > 0);
}

/// <summary>The curation the recommender honours; changes apply live.</summary>
public interface ICurationState
{
    CurationSnapshot Current { get; }

    /// <summary>Raised after every change with the new snapshot.</summary>
    event EventHandler<CurationSnapshot>? Changed;
}

/// <summary>A curation that never changes (no admin feature registered, tools, tests).</summary>
public sealed class FixedCurationState(CurationSnapshot snapshot) : ICurationState
{
    public CurationSnapshot Current { get; } = snapshot;

    // Never raised: the snapshot is fixed.
    public event EventHandler<CurationSnapshot>? Changed
    {
        add { }
        remove { }
    }
}
