using BlazorMood.Music.Curation;
using BlazorMood.Music.Library;

namespace BlazorMood.Music.Recommendation;

/// <summary>
/// The admin's curation laid over one <see cref="TrackIndex"/>: which tracks are banned, which playlist is pinned, and
/// each playlist's mapping and schedule by playlist id. Built once per (library snapshot, curation version) pair, so a
/// ban or a pin costs one rebuild, not work per request.
/// </summary>
internal sealed class CurationView
{
    public CurationView(TrackIndex index, CurationSnapshot curation)
    {
        Index = index;
        Curation = curation;
        var n = index.Tracks.Length;
        var playlists = index.PlaylistIds.Count;
        Names = new string[playlists];
        foreach (var (name, id) in index.PlaylistIds)
        {
            Names[id] = name;
        }
        Contexts = new PlaylistContext[playlists];
        Schedules = new IReadOnlyList<string>[playlists];
        Explicit = new bool[playlists];
        for (var p = 0; p < playlists; p++)
        {
            Contexts[p] = curation.ContextOf(Names[p]);
            Schedules[p] = curation.DaypartsOf(Names[p]);
            Explicit[p] = curation.HasExplicitContext(Names[p]);
        }
        Banned = new bool[n];
        LiveTracks = new int[playlists];
        var tags = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            var track = index.Tracks[i];
            Banned[i] = curation.BannedTrackIds.Count > 0 && curation.IsBanned(track.Id);
            if (!Banned[i])
            {
                LiveTracks[index.PlaylistId[i]]++;
            }
            foreach (var tag in track.Tags)
            {
                foreach (var word in PlaylistContext.SplitWords(tag))
                {
                    if (!tags.TryGetValue(word, out var list))
                    {
                        tags[word] = list = [];
                    }
                    list.Add(i);
                }
            }
        }
        TracksByTagWord = tags;
        BannedCount = Banned.Count(b => b);
        PinnedId = curation.PinnedPlaylist is { } pinned && index.PlaylistIds.TryGetValue(pinned, out var pid) && LiveTracks[pid] > 0 ? pid : -1;
        HasSchedules = Schedules.Any(s => s.Count > 0);
    }

    public TrackIndex Index { get; }

    public CurationSnapshot Curation { get; }

    /// <summary>Playlist name by playlist id of the index.</summary>
    public string[] Names { get; }

    public PlaylistContext[] Contexts { get; }

    public IReadOnlyList<string>[] Schedules { get; }

    /// <summary>True where the admin set the mapping (rather than the folder name implying it).</summary>
    public bool[] Explicit { get; }

    /// <summary>By track index.</summary>
    public bool[] Banned { get; }

    public int BannedCount { get; }

    /// <summary>Tracks per playlist id that are not banned.</summary>
    public int[] LiveTracks { get; }

    /// <summary>The pinned playlist's id while it has playable tracks, else -1 (a pin on an empty playlist is ignored, not silence).</summary>
    public int PinnedId { get; }

    public bool HasSchedules { get; }

    /// <summary>Track indices by the lower-case words of their tags.</summary>
    public IReadOnlyDictionary<string, List<int>> TracksByTagWord { get; }

    public bool IsScheduledNow(int playlist, string daypart) => Schedules[playlist].Contains(daypart, StringComparer.Ordinal);

    public bool IsScheduledElsewhere(int playlist, string daypart) => Schedules[playlist].Count > 0 && !IsScheduledNow(playlist, daypart);

    /// <summary>
    /// Playlists with playable tracks that serve an emotion or activity, best first: scheduled for this daypart, then
    /// mapped by the admin, then mapped by folder name. A playlist scheduled only for other dayparts is left out,
    /// unless nothing else serves the context (then it plays rather than nothing).
    /// </summary>
    public IReadOnlyList<int> PlaylistsFor(ContextKind kind, string label, string daypart)
    {
        var matches = new List<int>();
        for (var p = 0; p < Names.Length; p++)
        {
            if (LiveTracks[p] > 0 && Contexts[p].Matches(kind, label))
            {
                matches.Add(p);
            }
        }
        var inTime = matches.Where(p => !IsScheduledElsewhere(p, daypart)).ToList();
        var chosen = inTime.Count > 0 ? inTime : matches;
        return chosen
            .OrderByDescending(p => IsScheduledNow(p, daypart))
            .ThenByDescending(p => Explicit[p])
            .ThenBy(p => Names[p], StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// Playlists with playable tracks scheduled for <paramref name="daypart"/> that serve no emotion or activity: what
    /// plays when nothing about the listener is known (the kiosk's "nobody in view").
    /// </summary>
    public IReadOnlyList<int> TimeOfDayPlaylists(string daypart)
    {
        if (!HasSchedules)
        {
            return [];
        }
        return Enumerable.Range(0, Names.Length)
            .Where(p => LiveTracks[p] > 0 && IsScheduledNow(p, daypart) && Contexts[p].Kind is ContextKind.None or ContextKind.Custom)
            .OrderBy(p => Names[p], StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The conventional playlist name (<c>emotion_happy</c>) as a context, when it is one.</summary>
    public static (ContextKind Kind, string Label)? ParseConventional(string playlist) => PlaylistContext.FromName(playlist) switch
    {
        { Kind: ContextKind.None } => null,
        var c => (c.Kind, c.Value),
    };
}
