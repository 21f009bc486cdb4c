using System.Text;
using System.Text.Json.Nodes;
using BlazorMood.Music.Curation;

namespace BlazorMood.Music.Tests.Curation;

/// <summary>metadata.json export and import in the original format: round trips, validation, atomicity.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "Ffmpeg")]
public sealed class ImportExportTests
{
    /// <summary>Copies a starter playlist (metadata.json as committed, audio files) into the harness library.</summary>
    private static string CopyStarter(CurationHarness lib, string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BlazorMood.sln")))
        {
            dir = dir.Parent;
        }
        var from = Path.Combine(dir!.FullName, "playlists", name);
        var to = lib.PlaylistDir(name);
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        lib.Library.ReloadAsync().GetAwaiter().GetResult();
        return Path.Combine(from, "metadata.json");
    }

    [Fact]
    public async Task Export_is_the_stored_file_and_importing_it_again_round_trips()
    {
        using var lib = new CurationHarness();
        var original = CopyStarter(lib, "emotion_happy");

        var exported = await lib.Curator.ExportMetadataAsync("emotion_happy", originalFieldsOnly: false, CancellationToken.None);
        Assert.Equal(File.ReadAllBytes(original), exported);

        var result = await lib.Curator.ImportMetadataAsync("emotion_happy", new MemoryStream(exported), skipInvalid: false, CancellationToken.None);
        Assert.Equal(5, result.Entries);
        Assert.Empty(result.Skipped);
        var again = await lib.Curator.ExportMetadataAsync("emotion_happy", false, CancellationToken.None);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllBytes(original)), JsonNode.Parse(again)), "same JSON after import");
        // Written by curation, it round-trips byte for byte from then on.
        await lib.Curator.ImportMetadataAsync("emotion_happy", new MemoryStream(again), false, CancellationToken.None);
        Assert.Equal(again, await lib.Curator.ExportMetadataAsync("emotion_happy", false, CancellationToken.None));
        Assert.Equal(5, lib.Library.Current.FindPlaylist("emotion_happy")!.Tracks.Count);
    }

    [Fact]
    public async Task The_original_fields_export_has_exactly_title_artist_duration_filepath()
    {
        using var lib = new CurationHarness();
        CopyStarter(lib, "emotion_sad");

        var slim = JsonNode.Parse(await lib.Curator.ExportMetadataAsync("emotion_sad", originalFieldsOnly: true, CancellationToken.None))!.AsArray();

        Assert.Equal(5, slim.Count);
        Assert.All(slim, e => Assert.Equal(["title", "artist", "duration", "filepath"], e!.AsObject().Select(p => p.Key)));
        Assert.Equal("sad-01.opus", slim[0]!["filepath"]!.GetValue<string>());
        // The slim file is itself a valid import for the playlist.
        var result = await lib.Curator.ImportMetadataAsync("emotion_sad", new MemoryStream(slim.ToJsonString().Select(c => (byte)c).ToArray()), false, CancellationToken.None);
        Assert.Equal(5, result.Entries);
        Assert.Null(lib.Library.Current.FindPlaylist("emotion_sad")!.Tracks[0].Features.Bpm);
    }

    [Fact]
    public async Task An_import_with_bad_entries_changes_nothing_and_lists_every_problem()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 2);
        var before = File.ReadAllBytes(lib.MetadataPath("mix"));
        var json = """
            [
              { "title": "ok", "artist": "a", "duration": 2, "filepath": "mix-01.opus" },
              { "title": "missing", "artist": "a", "duration": 2, "filepath": "nope.opus" },
              { "title": "escape", "artist": "a", "duration": 2, "filepath": "../../../etc/passwd" },
              { "title": "absolute", "artist": "a", "duration": 2, "filepath": "/etc/passwd" },
              "not an object",
              { "title": 5, "artist": "a", "duration": "soon", "filepath": "mix-02.opus", "bpm": -1, "tags": [1] },
              { "title": "twice", "artist": "a", "duration": 2, "filepath": "./mix-01.opus" },
              { "title": "no file" },
            ]
            """;

        var ex = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.ImportMetadataAsync("mix", new MemoryStream(Encoding.UTF8.GetBytes(json)), false, CancellationToken.None));

        Assert.Equal(CurationError.InvalidEntries, ex.Error);
        Assert.Contains(ex.Problems, p => p.StartsWith("entry 1:", StringComparison.Ordinal) && p.Contains("does not exist", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("entry 2:", StringComparison.Ordinal) && p.Contains("not inside", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("entry 3:", StringComparison.Ordinal) && p.Contains("not inside", StringComparison.Ordinal));
        Assert.Contains("entry 4 is not an object", ex.Problems);
        Assert.Contains("entry 5: \"title\" must be a string", ex.Problems);
        Assert.Contains(ex.Problems, p => p.StartsWith("entry 5: \"duration\"", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("entry 5: \"bpm\"", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("entry 5: \"tags\"", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("entry 6:", StringComparison.Ordinal) && p.Contains("twice", StringComparison.Ordinal));
        Assert.Contains("entry 7 has no valid \"filepath\"", ex.Problems);
        Assert.Equal(before, File.ReadAllBytes(lib.MetadataPath("mix")));

        var skipped = await lib.Curator.ImportMetadataAsync("mix", new MemoryStream(Encoding.UTF8.GetBytes(json)), skipInvalid: true, CancellationToken.None);
        Assert.Equal(1, skipped.Entries);
        Assert.Equal(ex.Problems.Count, skipped.Skipped.Count);
        Assert.Equal(["ok"], lib.Library.Current.FindPlaylist("mix")!.Tracks.Select(t => t.Title));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"tracks\": 5}")]
    [InlineData("42")]
    public async Task Something_that_is_not_a_metadata_json_is_refused(string body)
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 1);
        var before = File.ReadAllBytes(lib.MetadataPath("mix"));

        var ex = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.ImportMetadataAsync("mix", new MemoryStream(Encoding.UTF8.GetBytes(body)), true, CancellationToken.None));

        Assert.Equal(CurationError.UnsupportedMedia, ex.Error);
        Assert.Equal(before, File.ReadAllBytes(lib.MetadataPath("mix")));
    }

    [Fact]
    public async Task The_tracks_object_shape_is_kept_and_an_oversized_import_is_refused()
    {
        using var lib = new CurationHarness(o => o.MaxImportBytes = 4096);
        lib.AddPlaylist("mix", 1);
        var wrapped = """{ "name": "Mix", "tracks": [ { "title": "T", "artist": "A", "duration": "0:02", "filepath": "mix-01.opus" } ] }""";

        await lib.Curator.ImportMetadataAsync("mix", new MemoryStream(Encoding.UTF8.GetBytes(wrapped)), false, CancellationToken.None);
        var stored = JsonNode.Parse(File.ReadAllText(lib.MetadataPath("mix")))!;
        Assert.Equal("Mix", stored["name"]!.GetValue<string>());
        Assert.Equal("T", lib.Library.Current.FindPlaylist("mix")!.Tracks.Single().Title);
        Assert.Equal(2, lib.Library.Current.FindPlaylist("mix")!.Tracks.Single().DurationSeconds);

        var big = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.ImportMetadataAsync("mix", new MemoryStream(new byte[5000]), false, CancellationToken.None));
        Assert.Equal(CurationError.TooLarge, big.Error);
    }
}
