using BlazorMood.Music.Curation;
using BlazorMood.Music.Recommendation;

namespace BlazorMood.Music.Tests.Curation;

/// <summary>The recommender honours curation live: bans, the pin, mappings, daypart schedules, custom keywords and tags.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "Ffmpeg")]
public sealed class CuratedRecommendationTests
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Evening = new(2026, 11, 24, 20, 0, 0, TimeSpan.Zero);

    private static RecommendationRequest Baseline(string? emotion = null, DateTimeOffset? at = null) =>
        new() { UserId = "u", Emotion = emotion, At = at };

    private static RecommendationRequest Context(string? emotion = null, string? text = null, DateTimeOffset? at = null) =>
        new() { UserId = "u", Mode = RecommendationMode.Context, Emotion = emotion, Text = text, At = at };

    private static CurationHarness Library()
    {
        var lib = new CurationHarness();
        lib.AddPlaylist("emotion_happy", 3);
        lib.AddPlaylist("emotion_neutral", 2);
        lib.AddPlaylist("emotion_sad", 2);
        lib.AddPlaylist("activity_running", 2);
        return lib;
    }

    [Fact]
    public async Task A_banned_track_is_never_recommended_in_either_mode_and_unbanning_brings_it_back()
    {
        using var lib = Library();
        var banned = lib.Track("emotion_happy", 0);
        Assert.Contains(lib.Recommender.Recommend(Baseline("happy")).Tracks, t => t.Id == banned.Id);

        await lib.Curator.SetBannedAsync(banned.Id, true, CancellationToken.None);

        var baseline = lib.Recommender.Recommend(Baseline("happy"));
        Assert.Equal(2, baseline.Tracks.Count);
        Assert.DoesNotContain(baseline.Tracks, t => t.Id == banned.Id);
        Assert.Contains(new ReasonPart("bannedTracks", "1"), baseline.Reason.Parts);
        for (var i = 0; i < 5; i++)
        {
            Assert.DoesNotContain(lib.Recommender.Recommend(Context("happy", text: "happy upbeat")).Tracks, t => t.Id == banned.Id);
        }

        await lib.Curator.SetBannedAsync(banned.Id, false, CancellationToken.None);
        Assert.Contains(lib.Recommender.Recommend(Baseline("happy")).Tracks, t => t.Id == banned.Id);
    }

    [Fact]
    public async Task A_playlist_whose_tracks_are_all_banned_falls_through_like_a_missing_one()
    {
        using var lib = Library();
        foreach (var t in lib.Library.Current.FindPlaylist("emotion_sad")!.Tracks)
        {
            await lib.Curator.SetBannedAsync(t.Id, true, CancellationToken.None);
        }

        var r = lib.Recommender.Recommend(Baseline("sad"));

        Assert.Equal(RecommendationSource.Default, r.Source);
        Assert.All(r.Tracks, t => Assert.Equal("emotion_neutral", t.Playlist));
    }

    [Fact]
    public async Task A_pin_overrides_every_signal_in_both_modes_until_unpinned()
    {
        using var lib = Library();

        await lib.Curator.PinAsync("activity_running", CancellationToken.None);

        var baseline = lib.Recommender.Recommend(Baseline("happy"));
        var context = lib.Recommender.Recommend(Context("sad", "calm sleepy"));
        Assert.Equal(RecommendationSource.Pinned, baseline.Source);
        Assert.Equal("pinned", Recommender.Wire(baseline.Source));
        Assert.Equal("activity_running", baseline.Context.Playlist);
        Assert.Contains("pinned", baseline.Reason.Summary, StringComparison.Ordinal);
        Assert.All(baseline.Tracks, t => Assert.Equal("activity_running", t.Playlist));
        Assert.Equal(RecommendationSource.Pinned, context.Source);
        Assert.Equal(2, context.Tracks.Count);
        Assert.All(context.Tracks, t => Assert.Equal("activity_running", t.Playlist));
        Assert.Contains(new ReasonPart("pinned", "activity_running"), context.Reason.Parts);

        await lib.Curator.SetBannedAsync(lib.Track("activity_running", 0).Id, true, CancellationToken.None);
        Assert.Single(lib.Recommender.Recommend(Baseline("happy")).Tracks);

        await lib.Curator.PinAsync(null, CancellationToken.None);
        var after = lib.Recommender.Recommend(Baseline("happy"));
        Assert.Equal(RecommendationSource.Emotion, after.Source);
        Assert.All(after.Tracks, t => Assert.Equal("emotion_happy", t.Playlist));
    }

    [Fact]
    public async Task A_pin_on_an_empty_playlist_is_ignored_rather_than_silence()
    {
        using var lib = Library();
        await lib.Curator.CreatePlaylistAsync("empty", null, null, CancellationToken.None);

        await lib.Curator.PinAsync("empty", CancellationToken.None);

        Assert.Equal(RecommendationSource.Emotion, lib.Recommender.Recommend(Baseline("happy")).Source);
    }

    [Fact]
    public async Task A_new_playlist_mapped_to_an_emotion_is_played_for_it_alongside_the_named_one()
    {
        using var lib = Library();
        lib.AddPlaylist("party_mix", 2);
        Assert.DoesNotContain(lib.Recommender.Recommend(Baseline("happy")).Tracks, t => t.Playlist == "party_mix");

        await lib.Curator.SetPlaylistSettingsAsync("party_mix", new PlaylistContext(ContextKind.Emotion, "happy"), [], CancellationToken.None);

        var r = lib.Recommender.Recommend(Baseline("happy"));
        Assert.Equal(RecommendationSource.Emotion, r.Source);
        // The admin's mapping comes first, and the playlists alternate so both are heard.
        Assert.Equal(["party_mix", "emotion_happy", "party_mix", "emotion_happy", "emotion_happy"], r.Tracks.Select(t => t.Playlist));
        Assert.Equal("party_mix", r.Context.Playlist);
        Assert.Contains(new ReasonPart("playlists", "party_mix, emotion_happy"), r.Reason.Parts);
        var context = lib.Recommender.Recommend(Context("happy"));
        Assert.Contains(context.Tracks.Take(5), t => t.Playlist == "party_mix");

        // Remapping the conventional folder takes it out of its emotion.
        await lib.Curator.SetPlaylistSettingsAsync("emotion_happy", new PlaylistContext(ContextKind.Custom, "birthday"), [], CancellationToken.None);
        Assert.All(lib.Recommender.Recommend(Baseline("happy")).Tracks, t => Assert.Equal("party_mix", t.Playlist));
    }

    [Fact]
    public async Task A_daypart_schedule_prefers_a_playlist_in_its_hours_and_leaves_it_out_in_others()
    {
        using var lib = Library();
        lib.AddPlaylist("happy_mornings", 2);
        await lib.Curator.SetPlaylistSettingsAsync("happy_mornings", new PlaylistContext(ContextKind.Emotion, "happy"), ["morning"], CancellationToken.None);

        var morning = lib.Recommender.Recommend(Baseline("happy", Morning));
        var evening = lib.Recommender.Recommend(Baseline("happy", Evening));

        Assert.Equal("happy_mornings", morning.Tracks[0].Playlist);
        Assert.Contains(morning.Tracks, t => t.Playlist == "emotion_happy");
        Assert.All(evening.Tracks, t => Assert.Equal("emotion_happy", t.Playlist));
        var contextMorning = lib.Recommender.Recommend(Context("happy", at: Morning));
        var contextEvening = lib.Recommender.Recommend(Context("happy", at: Evening));
        Assert.Equal("happy_mornings", contextMorning.Tracks[0].Playlist);
        Assert.Contains(new ReasonPart("scheduled", "happy_mornings"), contextMorning.Reason.Parts);
        Assert.NotEqual("happy_mornings", contextEvening.Tracks[0].Playlist);

        // Scheduled-only playlists still play out of hours when nothing else serves the emotion.
        foreach (var t in lib.Library.Current.FindPlaylist("emotion_happy")!.Tracks)
        {
            await lib.Curator.SetBannedAsync(t.Id, true, CancellationToken.None);
        }
        Assert.All(lib.Recommender.Recommend(Baseline("happy", Evening)).Tracks, t => Assert.Equal("happy_mornings", t.Playlist));
    }

    [Fact]
    public async Task With_nothing_detected_the_playlist_scheduled_for_the_daypart_plays()
    {
        using var lib = Library();
        lib.AddPlaylist("breakfast", 2);
        await lib.Curator.SetPlaylistSettingsAsync("breakfast", null, ["morning"], CancellationToken.None);

        var morning = lib.Recommender.Recommend(Baseline(at: Morning));
        var evening = lib.Recommender.Recommend(Baseline(at: Evening));
        var withEmotion = lib.Recommender.Recommend(Baseline("sad", Morning));

        Assert.Equal(RecommendationSource.Time, morning.Source);
        Assert.All(morning.Tracks, t => Assert.Equal("breakfast", t.Playlist));
        Assert.Contains(new ReasonPart("rule", "daypart-schedule"), morning.Reason.Parts);
        Assert.Contains("morning schedule: breakfast", morning.Reason.Summary, StringComparison.Ordinal);
        Assert.Equal("time:morning", morning.Context.ContextKey);
        Assert.Equal(RecommendationSource.Default, evening.Source);
        Assert.All(evening.Tracks, t => Assert.Equal("emotion_neutral", t.Playlist));
        Assert.All(withEmotion.Tracks, t => Assert.Equal("emotion_sad", t.Playlist));
    }

    [Fact]
    public async Task A_custom_context_answers_its_keywords_in_a_mood_query()
    {
        using var lib = Library();
        lib.AddPlaylist("deep_focus", 2);
        await lib.Curator.SetPlaylistSettingsAsync("deep_focus", new PlaylistContext(ContextKind.Custom, "Deep work, coding"), [], CancellationToken.None);

        var r = lib.Recommender.Recommend(Context(text: "music for coding"));

        Assert.Equal(RecommendationSource.Text, r.Source);
        Assert.Equal("text:coding", r.Context.ContextKey);
        Assert.Equal(["deep_focus", "deep_focus"], r.Tracks.Take(2).Select(t => t.Playlist));
        Assert.Contains(new ReasonPart("customContext", "deep_focus"), r.Reason.Parts);
        Assert.DoesNotContain(r.Reason.Parts, p => p.Key == "textIgnored");
    }

    [Fact]
    public async Task A_tag_named_in_a_mood_query_lifts_the_tagged_track()
    {
        using var lib = Library();
        var tagged = lib.Track("emotion_sad", 1);
        await lib.Curator.UpdateTrackAsync(tagged.Id, new TrackEdit(tagged.Title, tagged.Artist, null, ["Sunrise"]), CancellationToken.None);

        var r = lib.Recommender.Recommend(Context(text: "sunrise"));

        Assert.Equal(tagged.Id, r.Tracks[0].Id);
        Assert.Contains(new ReasonPart("tags", "sunrise"), r.Reason.Parts);
    }

    [Fact]
    public async Task An_uploaded_track_in_a_mapped_playlist_is_recommended_by_the_next_request()
    {
        using var lib = Library();
        await lib.Curator.CreatePlaylistAsync("fresh", new PlaylistContext(ContextKind.Emotion, "sad"), null, CancellationToken.None);
        var source = Path.Combine(lib.Root, "..", $"{Guid.NewGuid():N}.ogg");
        GeneratedAudio.Write(source, "libvorbis", 2, tags: new Dictionary<string, string> { ["title"] = "Just uploaded" });
        try
        {
            await using var upload = File.OpenRead(source);
            var uploaded = await lib.Curator.UploadTrackAsync("fresh", upload, "x.ogg", null, CancellationToken.None);

            var r = lib.Recommender.Recommend(Baseline("sad"));
            Assert.Equal(uploaded.TrackId, r.Tracks[0].Id);
            Assert.Equal("Just uploaded", r.Tracks[0].Title);
        }
        finally
        {
            File.Delete(source);
        }
    }

    [Fact]
    public async Task Hand_edits_of_the_library_are_picked_up_by_the_watcher_but_hidden_files_are_ignored()
    {
        using var lib = new CurationHarness(watch: true);
        lib.AddPlaylist("mix", 1);
        var reloads = 0;
        lib.Library.Reloaded += (_, _) => Interlocked.Increment(ref reloads);

        // Writes under the hidden state folder (uploads, curation) never trigger a reload.
        Directory.CreateDirectory(Path.Combine(lib.Root, ".blazormood", "incoming"));
        await File.WriteAllTextAsync(Path.Combine(lib.Root, ".blazormood", "incoming", "x.upload"), "bytes");
        await Task.Delay(600);
        Assert.Equal(0, Volatile.Read(ref reloads));

        await lib.Curator.CreatePlaylistAsync("second", null, null, CancellationToken.None);
        Assert.NotNull(lib.Library.Current.FindPlaylist("second"));
    }

    [Fact]
    public async Task A_curation_file_changed_elsewhere_is_picked_up_without_a_call()
    {
        using var lib = new CurationHarness(o => o.ExternalChangePollInterval = TimeSpan.FromMilliseconds(100));
        lib.AddPlaylist("emotion_happy", 2);
        lib.AddPlaylist("activity_running", 2);
        Assert.Equal(RecommendationSource.Emotion, lib.Recommender.Recommend(Baseline("happy")).Source);

        // What another node sharing the library volume (or a person with an editor) would do.
        Directory.CreateDirectory(Path.Combine(lib.Root, ".blazormood"));
        await File.WriteAllTextAsync(Path.Combine(lib.Root, ".blazormood", "curation.json"), """{ "version": 1, "pinnedPlaylist": "activity_running" }""");

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (lib.Recommender.Recommend(Baseline("happy")).Source != RecommendationSource.Pinned && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.Equal(RecommendationSource.Pinned, lib.Recommender.Recommend(Baseline("happy")).Source);
    }
}
