using BlazorMood.Music.Context;
using BlazorMood.Music.Library;
using BlazorMood.Music.Recommendation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BlazorMood.Music.Tests;

/// <summary>A clock the test moves by hand; local time is UTC so dayparts are predictable.</summary>
internal sealed class ManualTime : TimeProvider
{
    public ManualTime(DateTimeOffset now) => Now = now;

    public DateTimeOffset Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}

/// <summary>A temporary library folder, deleted on dispose.</summary>
internal sealed class TempLibrary : IDisposable
{
    public TempLibrary()
    {
        Root = Path.Combine(Path.GetTempPath(), "bm-music-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Writes a playlist with the given metadata JSON and creates the listed audio files (tiny placeholders).</summary>
    public string AddPlaylist(string name, string metadataJson, params string[] files)
    {
        var dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, PlaylistLoader.MetadataFileName), metadataJson);
        foreach (var f in files)
        {
            var full = Path.Combine(dir, f);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, [0]);
        }
        return dir;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A fixed in-memory library for recommender tests.</summary>
internal static class FixedLibrary
{
    public static StaticMusicLibrary Of(params (string Playlist, string Title, double? Bpm)[] tracks) => StaticMusicLibrary.Of(tracks);
}

internal sealed class RecommenderHarness
{
    public RecommenderHarness(IMusicLibrary library, Action<MusicOptions>? configure = null, DateTimeOffset? now = null)
    {
        var options = new MusicOptions();
        options.Recommender.RandomSeed = 1234;
        configure?.Invoke(options);
        var wrapped = Options.Create(options);
        Time = new ManualTime(now ?? new DateTimeOffset(2026, 11, 24, 15, 0, 0, TimeSpan.Zero));
        Context = new InMemoryContextStore(wrapped, Time);
        Feedback = new InMemoryFeedbackStore(wrapped, Time);
        Recommender = new Recommender(library, Context, Feedback, wrapped, Time, NullLogger<Recommender>.Instance);
    }

    public ManualTime Time { get; }

    public InMemoryContextStore Context { get; }

    public InMemoryFeedbackStore Feedback { get; }

    public Recommender Recommender { get; }
}
