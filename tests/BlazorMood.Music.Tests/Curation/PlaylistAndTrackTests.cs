using System.Text.Json;
using System.Text.Json.Nodes;
using BlazorMood.Music.Curation;
using BlazorMood.Music.Library;

namespace BlazorMood.Music.Tests.Curation;

/// <summary>Playlists created, renamed, deleted; tracks edited, moved, deleted — on disk and in the reloaded library.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "Ffmpeg")]
public sealed class PlaylistAndTrackTests
{
    private static JsonArray Entries(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsArray();

    [Fact]
    public async Task Create_writes_an_empty_original_format_playlist_and_its_mapping_and_refuses_a_taken_name()
    {
        using var lib = new CurationHarness();

        await lib.Curator.CreatePlaylistAsync("gym_morning", new PlaylistContext(ContextKind.Emotion, "Happy"), ["morning", "afternoon"], CancellationToken.None);

        Assert.Equal("[]", File.ReadAllText(lib.MetadataPath("gym_morning")).Trim());
        Assert.NotNull(lib.Library.Current.FindPlaylist("gym_morning"));
        var settings = lib.Store.Current.Find("gym_morning")!;
        Assert.Equal(new PlaylistContext(ContextKind.Emotion, "happy"), settings.Context);
        Assert.Equal(["morning", "afternoon"], settings.Dayparts);
        var side = JsonNode.Parse(File.ReadAllText(Path.Combine(lib.Root, ".blazormood", "curation.json")))!;
        Assert.Equal("emotion", side["playlists"]!["gym_morning"]!["context"]!["kind"]!.GetValue<string>());
        var taken = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.CreatePlaylistAsync("gym_morning", null, null, CancellationToken.None));
        Assert.Equal(CurationError.Conflict, taken.Error);
        var bad = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.CreatePlaylistAsync("x", new PlaylistContext(ContextKind.Emotion, "bored"), null, CancellationToken.None));
        Assert.Equal(CurationError.Invalid, bad.Error);
        Assert.False(Directory.Exists(lib.PlaylistDir("x")));
    }

    [Fact]
    public async Task Rename_moves_the_folder_and_carries_settings_bans_and_the_pin()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("old_name", 2);
        await lib.Curator.SetPlaylistSettingsAsync("old_name", new PlaylistContext(ContextKind.Custom, "focus, deep work"), ["evening"], CancellationToken.None);
        await lib.Curator.SetBannedAsync(lib.Track("old_name", 1).Id, true, CancellationToken.None);
        await lib.Curator.PinAsync("old_name", CancellationToken.None);

        await lib.Curator.RenamePlaylistAsync("old_name", "new_name", CancellationToken.None);

        Assert.False(Directory.Exists(lib.PlaylistDir("old_name")));
        var renamed = lib.Library.Current.FindPlaylist("new_name")!;
        Assert.Equal(2, renamed.Tracks.Count);
        Assert.Equal("new_name/old_name-02.opus", Assert.Single(lib.Store.Current.BannedPaths));
        Assert.True(lib.Store.Current.IsBanned(renamed.Tracks[1].Id));
        Assert.Equal("new_name", lib.Store.Current.PinnedPlaylist);
        Assert.Equal(ContextKind.Custom, lib.Store.Current.ContextOf("new_name").Kind);
        Assert.Null(lib.Store.Current.Find("old_name"));
        await lib.Curator.CreatePlaylistAsync("other", null, null, CancellationToken.None);
        var taken = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.RenamePlaylistAsync("new_name", "other", CancellationToken.None));
        Assert.Equal(CurationError.Conflict, taken.Error);
        Assert.Equal(2, lib.Library.Current.FindPlaylist("new_name")!.Tracks.Count);
    }

    [Fact]
    public async Task Delete_of_a_non_empty_playlist_needs_a_choice_and_then_moves_or_trashes_the_tracks()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("keep", 1);
        lib.AddPlaylist("leaving", 2);
        lib.AddPlaylist("doomed", 1);
        await lib.Curator.SetBannedAsync(lib.Track("leaving", 0).Id, true, CancellationToken.None);
        var before = lib.LibraryFiles();

        var refused = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.DeletePlaylistAsync("leaving", PlaylistDeletion.OnlyIfEmpty, CancellationToken.None));
        Assert.Equal(CurationError.ConfirmationRequired, refused.Error);
        Assert.Equal(before, lib.LibraryFiles());

        await lib.Curator.DeletePlaylistAsync("leaving", new PlaylistDeletion(TrackDisposal.MoveTo, "keep"), CancellationToken.None);
        var keep = lib.Library.Current.FindPlaylist("keep")!;
        Assert.Null(lib.Library.Current.FindPlaylist("leaving"));
        Assert.Equal(["keep 1", "leaving 1", "leaving 2"], keep.Tracks.Select(t => t.Title));
        Assert.True(lib.Store.Current.IsBanned(keep.Tracks[1].Id), "the ban follows the moved track");
        Assert.Equal(92, keep.Tracks[2].Features.Bpm);

        await lib.Curator.DeletePlaylistAsync("doomed", new PlaylistDeletion(TrackDisposal.Delete), CancellationToken.None);
        Assert.Null(lib.Library.Current.FindPlaylist("doomed"));
        var trash = Directory.GetDirectories(Path.Combine(lib.Root, ".blazormood", "trash"));
        Assert.Contains(trash, d => d.EndsWith("-doomed", StringComparison.Ordinal) && File.Exists(Path.Combine(d, "doomed-01.opus")));
        Assert.Contains(trash, d => d.EndsWith("-leaving", StringComparison.Ordinal));

        await lib.Curator.CreatePlaylistAsync("empty", null, null, CancellationToken.None);
        await lib.Curator.DeletePlaylistAsync("empty", PlaylistDeletion.OnlyIfEmpty, CancellationToken.None);
        Assert.False(Directory.Exists(lib.PlaylistDir("empty")));
    }

    [Fact]
    public async Task Edit_changes_title_artist_override_and_tags_and_keeps_every_other_field()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 2);
        var entries = Entries(lib.MetadataPath("mix"));
        entries[0]!["key"] = "C#";
        entries[0]!["analysis"] = new JsonObject { ["bpm"] = 120.5, ["energyDb"] = -18 };
        File.WriteAllText(lib.MetadataPath("mix"), entries.ToJsonString());
        await lib.Library.ReloadAsync();
        var id = lib.Track("mix", 0).Id;
        Assert.Equal(120.5, lib.Track("mix", 0).Features.Bpm);

        var edited = await lib.Curator.UpdateTrackAsync(id, new TrackEdit("  New title ", "New artist", 60, ["chill", "Chill", "focus "]), CancellationToken.None);

        Assert.Equal(id, edited.Id);
        Assert.Equal("New title", edited.Title);
        Assert.Equal("New artist", edited.Artist);
        Assert.Equal(60, edited.Features.Bpm);
        Assert.Equal(["chill", "focus"], edited.Tags);
        var entry = Entries(lib.MetadataPath("mix"))[0]!.AsObject();
        Assert.Equal("C#", entry["key"]!.GetValue<string>());
        Assert.Equal(120.5, entry["analysis"]!["bpm"]!.GetValue<double>());
        Assert.Equal("mix-01.opus", entry["filepath"]!.GetValue<string>());
        Assert.Equal("mix 2", lib.Track("mix", 1).Title);

        var cleared = await lib.Curator.UpdateTrackAsync(id, new TrackEdit("New title", "New artist", null, []), CancellationToken.None);
        Assert.Equal(120.5, cleared.Features.Bpm);
        Assert.Empty(cleared.Tags);
        Assert.False(Entries(lib.MetadataPath("mix"))[0]!.AsObject().ContainsKey("bpmOverride"));
        await Assert.ThrowsAsync<CurationException>(() => lib.Curator.UpdateTrackAsync(id, new TrackEdit("", "x", null, []), CancellationToken.None));
        await Assert.ThrowsAsync<CurationException>(() => lib.Curator.UpdateTrackAsync(id, new TrackEdit("x", "x", 5000, []), CancellationToken.None));
    }

    [Fact]
    public async Task Move_copies_the_file_and_entry_to_the_target_then_removes_them_from_the_source()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("from", 2);
        lib.AddPlaylist("to", 1);
        var track = lib.Track("from", 0);
        var bytes = File.ReadAllBytes(track.FullPath);
        await lib.Curator.SetBannedAsync(track.Id, true, CancellationToken.None);

        var moved = await lib.Curator.MoveTrackAsync(track.Id, "to", CancellationToken.None);

        Assert.Equal("to", moved.Playlist);
        Assert.Equal("to/from-01.opus", moved.RelativePath);
        Assert.Equal(bytes, File.ReadAllBytes(moved.FullPath));
        Assert.False(File.Exists(track.FullPath));
        Assert.Equal(["from 2"], lib.Library.Current.FindPlaylist("from")!.Tracks.Select(t => t.Title));
        Assert.Equal(["to 1", "from 1"], lib.Library.Current.FindPlaylist("to")!.Tracks.Select(t => t.Title));
        Assert.Equal(91, moved.Features.Bpm);
        Assert.True(lib.Store.Current.IsBanned(moved.Id));
        Assert.False(lib.Store.Current.IsBanned(track.Id));

        // A name clash in the target gets a new server-chosen name; nothing is overwritten.
        File.Copy(lib.Track("from", 0).FullPath, Path.Combine(lib.PlaylistDir("to"), "from-02.opus"));
        var second = await lib.Curator.MoveTrackAsync(lib.Track("from", 0).Id, "to", CancellationToken.None);
        Assert.NotEqual("to/from-02.opus", second.RelativePath);
        Assert.Matches(@"^to/from-2-[0-9a-f]{8}\.opus$", second.RelativePath);
    }

    [Fact]
    public async Task Delete_track_removes_its_entry_and_keeps_the_file_in_the_trash()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 2);
        var track = lib.Track("mix", 0);

        await lib.Curator.DeleteTrackAsync(track.Id, CancellationToken.None);

        Assert.Null(lib.Library.Current.FindTrack(track.Id));
        Assert.Single(Entries(lib.MetadataPath("mix")));
        Assert.Single(Directory.GetFiles(Path.Combine(lib.Root, ".blazormood", "trash"), "*mix-01.opus"));
    }

    [Fact]
    public async Task A_broken_metadata_json_is_never_overwritten_by_an_edit()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 1);
        var id = lib.Track("mix", 0).Id;
        File.WriteAllText(lib.MetadataPath("mix"), "[{\"title\": oops");
        var audio = Path.Combine(lib.Root, "x.wav");
        GeneratedAudio.Write(audio, "pcm_s16le", 1);

        await using var upload = File.OpenRead(audio);
        var ex = await Assert.ThrowsAsync<CurationException>(() => lib.Curator.UploadTrackAsync("mix", upload, "x.wav", null, CancellationToken.None));

        Assert.Equal(CurationError.Conflict, ex.Error);
        Assert.Equal("[{\"title\": oops", File.ReadAllText(lib.MetadataPath("mix")));
        Assert.Single(Directory.GetFiles(lib.PlaylistDir("mix"), "*.opus"));
        Assert.Empty(Directory.GetFiles(lib.PlaylistDir("mix"), "*.wav"));
        Assert.NotNull(id);
    }

    [Fact]
    public async Task Start_up_clean_up_removes_interrupted_uploads_and_expired_trash()
    {
        using var lib = new CurationHarness(o => o.TrashRetention = TimeSpan.FromDays(1));
        lib.AddPlaylist("mix", 2);
        await lib.Curator.DeleteTrackAsync(lib.Track("mix", 0).Id, CancellationToken.None);
        var incoming = Path.Combine(lib.Root, ".blazormood", "incoming");
        Directory.CreateDirectory(incoming);
        File.WriteAllText(Path.Combine(incoming, "cut-off.upload"), "half");

        lib.Curator.CleanUp();
        Assert.Empty(Directory.GetFiles(incoming));
        Assert.Single(Directory.GetFiles(Path.Combine(lib.Root, ".blazormood", "trash")));

        lib.Time.Now += TimeSpan.FromDays(2);
        lib.Curator.CleanUp();
        Assert.Empty(Directory.GetFiles(Path.Combine(lib.Root, ".blazormood", "trash")));
        Assert.Single(lib.Library.Current.FindPlaylist("mix")!.Tracks);
    }

    [Fact]
    public async Task An_unreadable_curation_file_is_kept_aside_not_overwritten()
    {
        using var lib = new CurationHarness();
        lib.AddPlaylist("mix", 1);
        Directory.CreateDirectory(Path.Combine(lib.Root, ".blazormood"));
        File.WriteAllText(Path.Combine(lib.Root, ".blazormood", "curation.json"), "{ not json");

        Assert.Null(lib.Store.Current.PinnedPlaylist);
        Assert.NotNull(lib.Store.LoadProblem);
        await lib.Curator.PinAsync("mix", CancellationToken.None);

        var aside = Assert.Single(Directory.GetFiles(Path.Combine(lib.Root, ".blazormood"), "curation.json.unreadable-*"));
        Assert.Equal("{ not json", File.ReadAllText(aside));
        Assert.Equal("mix", JsonNode.Parse(File.ReadAllText(Path.Combine(lib.Root, ".blazormood", "curation.json")))!["pinnedPlaylist"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(File.ReadAllText(Path.Combine(lib.Root, ".blazormood", "curation.json"))).RootElement.ValueKind);
    }
}
