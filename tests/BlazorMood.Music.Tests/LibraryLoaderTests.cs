using BlazorMood.Music.Library;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BlazorMood.Music.Tests;

public sealed class LibraryLoaderTests : IDisposable
{
    private readonly TempLibrary _lib = new();
    private readonly PlaylistLoader _loader = new(NullLogger<PlaylistLoader>.Instance, TimeProvider.System);

    public void Dispose() => _lib.Dispose();

    private LibrarySnapshot Load() => _loader.Load(_lib.Root, 1 << 20);

    [Fact]
    public void Reads_the_original_array_format()
    {
        _lib.AddPlaylist("emotion_happy", """
            [ {"title": "Sunny", "artist": "A", "duration": 31.5, "filepath": "sunny.opus"},
              {"title": "Bright", "artist": "B", "duration": "1:02", "filepath": "sub/bright.opus", "bpm": 124} ]
            """, "sunny.opus", "sub/bright.opus");

        var s = Load();

        var p = Assert.Single(s.Playlists);
        Assert.Equal("emotion_happy", p.Name);
        Assert.Equal(["Sunny", "Bright"], p.Tracks.Select(t => t.Title));
        Assert.Equal(31.5, p.Tracks[0].DurationSeconds);
        Assert.Equal(62, p.Tracks[1].DurationSeconds);
        Assert.Equal(124, p.Tracks[1].Features.Bpm);
        Assert.Equal("emotion_happy/sub/bright.opus", p.Tracks[1].RelativePath);
        Assert.Same(p.Tracks[0], s.FindTrack(p.Tracks[0].Id));
        Assert.DoesNotContain(s.Problems, x => x.Playlist == "emotion_happy");
    }

    [Fact]
    public void Accepts_an_object_with_a_tracks_array_and_analysis()
    {
        _lib.AddPlaylist("activity_running", """
            { "tracks": [ {"title": "Go", "artist": "A", "duration": 30, "filepath": "go.opus", "bpm": 160,
                           "analysis": {"bpm": 161.2, "energyDb": -14.5, "brightnessHz": 2100}} ] }
            """, "go.opus");

        var t = Assert.Single(Load().Tracks);

        Assert.Equal(new TrackFeatures(161.2, -14.5, 2100), t.Features);
    }

    [Fact]
    public void Ids_are_stable_across_loads()
    {
        _lib.AddPlaylist("emotion_sad", """[{"title":"x","artist":"y","duration":1,"filepath":"x.opus"}]""", "x.opus");
        Assert.Equal(Load().Tracks[0].Id, Load().Tracks[0].Id);
    }

    [Fact]
    public void Bad_entries_are_skipped_and_reported_never_thrown()
    {
        var outside = Path.Combine(Path.GetTempPath(), "bm-outside-" + Guid.NewGuid().ToString("N") + ".opus");
        File.WriteAllBytes(outside, [0]);
        try
        {
            _lib.AddPlaylist("emotion_happy", $$"""
                [ {"title": "ok", "artist": "a", "duration": 1, "filepath": "ok.opus"},
                  {"title": "missing", "artist": "a", "duration": 1, "filepath": "nope.opus"},
                  {"title": "traversal", "artist": "a", "duration": 1, "filepath": "../../../../etc/passwd"},
                  {"title": "absolute", "artist": "a", "duration": 1, "filepath": "{{outside}}"},
                  {"title": "no path", "artist": "a", "duration": 1},
                  "not an object",
                  {"title": "dup", "artist": "a", "duration": 1, "filepath": "./ok.opus"} ]
                """, "ok.opus");
            _lib.AddPlaylist("emotion_sad", "[ {\"title\": \"broken\", ", "x.opus");
            _lib.AddPlaylist("emotion_angry", """{"no": "tracks"}""");
            Directory.CreateDirectory(Path.Combine(_lib.Root, "emotion_fear"));

            var s = Load();

            Assert.Equal(["ok"], s.Tracks.Select(t => t.Title));
            var happy = s.Problems.Where(p => p.Playlist == "emotion_happy").ToList();
            Assert.Contains(happy, p => p.Kind == LibraryProblemKind.FileMissing && p.Entry == 1);
            Assert.Contains(happy, p => p.Kind == LibraryProblemKind.PathOutsideLibrary && p.Entry == 2);
            Assert.Contains(happy, p => p.Kind == LibraryProblemKind.PathOutsideLibrary && p.Entry == 3);
            Assert.Contains(happy, p => p.Kind == LibraryProblemKind.InvalidEntry && p.Entry == 4);
            Assert.Contains(happy, p => p.Kind == LibraryProblemKind.InvalidEntry && p.Entry == 5);
            Assert.Contains(happy, p => p.Kind == LibraryProblemKind.DuplicateEntry && p.Entry == 6);
            Assert.Contains(s.Problems, p => p.Playlist == "emotion_sad" && p.Kind == LibraryProblemKind.BrokenJson);
            Assert.Contains(s.Problems, p => p.Playlist == "emotion_angry" && p.Kind == LibraryProblemKind.BrokenJson);
            Assert.Contains(s.Problems, p => p.Playlist == "emotion_fear" && p.Kind == LibraryProblemKind.MetadataMissing);
            Assert.Contains(s.Problems, p => p.Playlist == "activity_running" && p.Kind == LibraryProblemKind.PlaylistMissing);
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public void Symlinks_pointing_outside_the_library_are_rejected()
    {
        var outsideDir = Path.Combine(Path.GetTempPath(), "bm-outside-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outsideDir);
        File.WriteAllBytes(Path.Combine(outsideDir, "secret.opus"), [0]);
        try
        {
            var dir = _lib.AddPlaylist("emotion_happy", """
                [ {"title": "file link", "artist": "a", "duration": 1, "filepath": "link.opus"},
                  {"title": "dir link", "artist": "a", "duration": 1, "filepath": "linkdir/secret.opus"},
                  {"title": "inside link", "artist": "a", "duration": 1, "filepath": "inside.opus"} ]
                """, "real.opus");
            File.CreateSymbolicLink(Path.Combine(dir, "link.opus"), Path.Combine(outsideDir, "secret.opus"));
            Directory.CreateSymbolicLink(Path.Combine(dir, "linkdir"), outsideDir);
            File.CreateSymbolicLink(Path.Combine(dir, "inside.opus"), "real.opus");

            var s = Load();

            var t = Assert.Single(s.Tracks);
            Assert.Equal("inside link", t.Title);
            Assert.EndsWith("emotion_happy/real.opus", t.FullPath, StringComparison.Ordinal);
            Assert.Equal(2, s.Problems.Count(p => p.Kind == LibraryProblemKind.PathOutsideLibrary));
        }
        finally
        {
            Directory.Delete(outsideDir, recursive: true);
        }
    }

    [Fact]
    public void Missing_library_is_a_problem_not_an_exception()
    {
        var s = _loader.Load(Path.Combine(_lib.Root, "nope"), 1024);
        Assert.Empty(s.Tracks);
        Assert.Contains(s.Problems, p => p.Kind == LibraryProblemKind.LibraryMissing);
    }

    [Fact]
    public void Oversized_metadata_is_skipped()
    {
        _lib.AddPlaylist("emotion_happy", "[" + new string(' ', 5000) + "]");
        var s = _loader.Load(_lib.Root, 1000);
        Assert.Contains(s.Problems, p => p.Kind == LibraryProblemKind.MetadataTooLarge);
    }

    [Fact]
    public async Task Watcher_reloads_after_changes()
    {
        _lib.AddPlaylist("emotion_happy", """[{"title":"one","artist":"a","duration":1,"filepath":"one.opus"}]""", "one.opus");
        var options = Options.Create(new MusicOptions { LibraryPath = _lib.Root, ReloadDebounce = TimeSpan.FromMilliseconds(100) });
        using var library = new MusicLibrary(_loader, options, NullLogger<MusicLibrary>.Instance, TimeProvider.System);
        Assert.Single(library.Current.Tracks);
        var reloaded = new TaskCompletionSource<LibrarySnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        library.Reloaded += (_, s) =>
        {
            if (s.Tracks.Count == 2)
            {
                reloaded.TrySetResult(s);
            }
        };

        File.WriteAllBytes(Path.Combine(_lib.Root, "emotion_happy", "two.opus"), [0]);
        await File.WriteAllTextAsync(Path.Combine(_lib.Root, "emotion_happy", "metadata.json"),
            """[{"title":"one","artist":"a","duration":1,"filepath":"one.opus"},{"title":"two","artist":"a","duration":1,"filepath":"two.opus"}]""");

        var snapshot = await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["one", "two"], snapshot.Tracks.Select(t => t.Title));
        Assert.Same(snapshot, library.Current);
    }
}
