using BlazorMood.Music.Subsonic;
using BlazorMood.Hosting.Subsonic;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using BlazorMood.Music;
using BlazorMood.Music.Curation;
using BlazorMood.Music.Library;
using BlazorMood.TestSupport;
using BlazorMood.Web.Components.Pages.Admin.Library;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BlazorMood.Web.Tests.Components.Admin;

/// <summary>
/// The Admin library page against a real curator over a temporary copy of two starter playlists: the flows an admin
/// goes through (create, pin, ban, move, edit, delete, upload, import, analysis progress), checked in the rendered
/// page and on disk.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Ffmpeg")]
public sealed class LibraryAdminTests : MudComponentTest, IDisposable
{
    // Generous: the suite runs beside ffmpeg analyses and builds on two cores.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "bm-admin-ui-" + Guid.NewGuid().ToString("N"));

    public LibraryAdminTests()
    {
        foreach (var playlist in new[] { "emotion_happy", "emotion_sad" })
        {
            var from = Path.Combine(TestAssets.RepoRoot, "playlists", playlist);
            var to = Directory.CreateDirectory(Path.Combine(_root, playlist)).FullName;
            foreach (var file in Directory.GetFiles(from))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }
        }
        Context.Services.Configure<MusicOptions>(o =>
        {
            o.LibraryPath = _root;
            o.WatchForChanges = false;
        });
        // The page works on the real file library, not the base class's in-memory one.
        Context.Services.AddSingleton<IMusicLibrary>(sp => sp.GetRequiredService<MusicLibrary>());
        Context.Services.AddLibraryCuration(_ => { });
        // The page's Subsonic panel: a server list of its own (none yet), passwords under a throw-away key.
        Context.Services.AddSingleton(new SubsonicServerStore(Path.Combine(_root, "subsonic-servers.json"),
            new DataProtectionSubsonicSecretProtector(new EphemeralDataProtectionProvider())));
        Context.Services.AddSingleton(sp => new SubsonicClient(new HttpClient(), NullLogger<SubsonicClient>.Instance));
    }

    private ILibraryCurator Curator => Context.Services.GetRequiredService<ILibraryCurator>();

    private CurationStore Store => Context.Services.GetRequiredService<CurationStore>();

    private LibrarySnapshot Library => Context.Services.GetRequiredService<MusicLibrary>().Current;

    private IRenderedComponent<MudPopoverProvider>? _popovers;

    private (IRenderedComponent<MudDialogProvider> Dialogs, IRenderedComponent<LibraryAdminPage> Page) Render()
    {
        // Select menus open in popovers, drawn by the provider as in the app's layout.
        _popovers = Context.Render<MudPopoverProvider>();
        var dialogs = Context.Render<MudDialogProvider>();
        return (dialogs, Context.Render<LibraryAdminPage>());
    }

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<LibraryAdminPage> page, string playlist) =>
        page.Find($"[data-testid=playlist-row][data-playlist={playlist}]");

    /// <summary>The grid row (tr) of a track: its facts sit on the marker in the first cell, its controls in the other cells.</summary>
    private static AngleSharp.Dom.IElement TrackRowOf(IRenderedComponent<LibraryAdminPage> page, string id) =>
        page.Find($"[data-testid=track-row][data-track-id='{id}']").Closest("tr")!;

    /// <summary>Opens the MudSelect with these user attributes (inside <paramref name="host"/>) and clicks the option showing <paramref name="option"/>.</summary>
    private void Choose<T>(IRenderedComponent<T> host, string testId, string option, string? ariaLabel = null)
        where T : class, Microsoft.AspNetCore.Components.IComponent
    {
        var popovers = _popovers!;
        static string? Attribute(MudSelect<string> s, string name) => s.UserAttributes.TryGetValue(name, out var v) ? v?.ToString() : null;
        var select = host.FindComponents<MudSelect<string>>()
            .Single(s => Attribute(s.Instance, "data-testid") == testId && (ariaLabel is null || Attribute(s.Instance, "aria-label") == ariaLabel));
        select.InvokeAsync(select.Instance.OpenMenu).GetAwaiter().GetResult();
        popovers.WaitForAssertion(() => Assert.Contains(popovers.FindAll(".mud-popover-open .mud-list-item"), i => i.TextContent.Trim() == option), Wait);
        popovers.FindAll(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == option).Click();
    }

    [Fact]
    public void It_lists_the_playlists_with_their_mapping_and_the_first_ones_tracks_with_one_shared_preview_player()
    {
        var (_, page) = Render();

        Assert.Equal(["emotion_happy", "emotion_sad"], page.FindAll("[data-testid=playlist-row]").Select(r => r.GetAttribute("data-playlist")));
        Assert.Equal("emotion:happy", Row(page, "emotion_happy").GetAttribute("data-context"));
        Assert.Equal("emotion_happy", page.Find("[data-testid=selected-playlist]").TextContent);
        var tracks = page.FindAll("[data-testid=track-row]");
        Assert.Equal(5, tracks.Count);
        var id = tracks[0].GetAttribute("data-track-id")!;
        Assert.Equal("115", tracks[0].GetAttribute("data-bpm"));
        Assert.Equal("115 BPM", TrackRowOf(page, id).QuerySelector("[data-testid=track-bpm]")!.TextContent);

        // One player for the page; a row's play button loads its track there and says it is the one playing.
        Assert.Single(page.FindAll("audio"));
        Assert.Null(page.Find("[data-testid=preview-player]").GetAttribute("src"));
        TrackRowOf(page, id).QuerySelector("[data-testid=track-preview]")!.Click();
        Assert.Equal("/api/tracks/" + id, page.Find("[data-testid=preview-player]").GetAttribute("src"));
        Assert.Contains(page.Find($"[data-testid=track-row][data-track-id='{id}'] [data-testid=track-title]").TextContent,
            page.Find("[data-testid=preview-now]").TextContent, StringComparison.Ordinal);
        Assert.Equal("true", TrackRowOf(page, id).QuerySelector("[data-testid=track-preview]")!.GetAttribute("aria-pressed"));
        Assert.Single(page.FindAll("[data-testid=track-row][data-previewing=true]"));
        // Another row's button moves the one player to that track; pressing it again stops the preview.
        var other = tracks[1].GetAttribute("data-track-id")!;
        TrackRowOf(page, other).QuerySelector("[data-testid=track-preview]")!.Click();
        Assert.Equal("/api/tracks/" + other, page.Find("[data-testid=preview-player]").GetAttribute("src"));
        Assert.Equal(other, Assert.Single(page.FindAll("[data-testid=track-row][data-previewing=true]")).GetAttribute("data-track-id"));
        Assert.Single(page.FindAll("audio"));
        TrackRowOf(page, other).QuerySelector("[data-testid=track-preview]")!.Click();
        Assert.Null(page.Find("[data-testid=preview-player]").GetAttribute("src"));
        Assert.Empty(page.FindAll("[data-testid=track-row][data-previewing=true]"));

        page.Find("[data-playlist=emotion_sad] [data-testid=select-playlist]").Click();

        Assert.Equal("emotion_sad", page.Find("[data-testid=selected-playlist]").TextContent);
        Assert.All(page.FindAll("[data-testid=track-title]"), t => Assert.StartsWith("Sad", t.TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_big_playlist_shows_a_page_of_rows_at_a_time_sorted_and_searchable_by_title()
    {
        var rows = Enumerable.Range(1, 60)
            .Select(i => new BlazorMood.Web.Curation.TrackRow($"t{i:000}", "emotion_happy", $"Track {i:000}", i % 2 == 0 ? "Even Band" : "Odd Band",
                30 + i, 100 + i, null, null, null, [], false, $"/api/tracks/t{i:000}", new BlazorMood.Web.Curation.AnalysisView("done", 1, null)))
            .Reverse()
            .ToList();
        var table = Context.Render<TrackTable>(p => p.Add(t => t.Tracks, rows).Add(t => t.Playlists, ["emotion_happy", "emotion_sad"]));
        string[] Shown() => [.. table.FindAll("[data-testid=track-row]").Select(r => r.GetAttribute("data-track-id")!)];

        // Only one page of the 60 is rendered.
        Assert.Equal(25, Shown().Length);
        Assert.Equal("t060", Shown()[0]);
        Assert.Contains("60 tracks", table.Find("[data-testid=track-count]").TextContent, StringComparison.Ordinal);
        Assert.Contains("1-25 of 60", table.Markup, StringComparison.Ordinal);
        var grid = table.FindComponent<MudDataGrid<BlazorMood.Web.Curation.TrackRow>>();
        await table.InvokeAsync(() => grid.Instance.NavigateTo(Page.Last));
        table.WaitForAssertion(() => Assert.Equal(["t010", "t009", "t008", "t007", "t006", "t005", "t004", "t003", "t002", "t001"], Shown()), Wait);

        // Sorted by title, ascending, over the whole playlist (not just the page).
        await table.InvokeAsync(() => grid.Instance.SetSortAsync("Title", SortDirection.Ascending, t => t.Title));
        await table.InvokeAsync(() => grid.Instance.NavigateTo(Page.First));
        table.WaitForAssertion(() => Assert.Equal("t001", Shown()[0]), Wait);
        Assert.Equal(Enumerable.Range(1, 25).Select(i => $"t{i:000}"), Shown());

        // The search box filters by title or artist, case-insensitively.
        table.Find("input[data-testid=track-search]").Input("track 05");
        table.WaitForAssertion(() => Assert.Equal(Enumerable.Range(50, 10).Select(i => $"t{i:000}"), Shown()), Wait);
        table.Find("input[data-testid=track-search]").Input("odd band");
        table.WaitForAssertion(() => Assert.Equal(25, Shown().Length), Wait);
        Assert.All(Shown(), id => Assert.Equal(1, int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) % 2));
        Assert.Contains("1-25 of 30", table.Markup, StringComparison.Ordinal);
        table.Find("input[data-testid=track-search]").Input("nothing like this");
        table.WaitForAssertion(() => Assert.Contains("No track matches", table.Find("[data-testid=no-match]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty(Shown());
    }

    [Fact]
    public void Creating_a_playlist_mapped_to_an_emotion_and_a_daypart_shows_it_and_writes_it()
    {
        var (dialogs, page) = Render();

        page.Find("[data-testid=new-playlist]").Click();
        dialogs.WaitForElement("[data-testid=playlist-save]", Wait);
        dialogs.Find("input[data-testid=playlist-name]").Input("gym_morning");
        Choose(dialogs, "playlist-kind", "An emotion");
        dialogs.WaitForAssertion(() => Assert.Single(dialogs.FindComponents<MudSelect<string>>(), s => s.Instance.UserAttributes["data-testid"] as string == "playlist-emotion"), Wait);
        Choose(dialogs, "playlist-emotion", "happy");
        dialogs.Find("input[data-daypart=morning]").Change(true);
        dialogs.Find("[data-testid=playlist-save]").Click();

        page.WaitForAssertion(() => Assert.Equal("emotion:happy", Row(page, "gym_morning").GetAttribute("data-context")), Wait);
        Assert.Contains("morning", Row(page, "gym_morning").TextContent, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Equal("gym_morning", page.Find("[data-testid=selected-playlist]").TextContent), Wait);
        Assert.Single(page.FindAll("[data-testid=no-tracks]"));
        Assert.True(File.Exists(Path.Combine(_root, "gym_morning", "metadata.json")));
        Assert.Equal(["morning"], Store.Current.DaypartsOf("gym_morning"));
        Assert.Empty(dialogs.FindAll("[data-testid=playlist-dialog]"));
    }

    [Fact]
    public void A_bad_name_keeps_the_dialog_open_with_the_reason_and_creates_nothing()
    {
        var (dialogs, page) = Render();

        page.Find("[data-testid=new-playlist]").Click();
        dialogs.WaitForElement("[data-testid=playlist-save]", Wait);
        dialogs.Find("input[data-testid=playlist-name]").Input("../escape");
        dialogs.Find("[data-testid=playlist-save]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("lower-case", dialogs.Find("[data-testid=playlist-dialog-error]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Equal(["emotion_happy", "emotion_sad"], Directory.GetDirectories(_root).Select(Path.GetFileName).Order());
        Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), "escape")));
    }

    [Fact]
    public void Pinning_shows_the_banner_and_unpinning_from_it_clears_the_pin()
    {
        var (_, page) = Render();

        Row(page, "emotion_sad").QuerySelector("[data-testid=pin-toggle]")!.Click();

        page.WaitForAssertion(() => Assert.Equal("true", Row(page, "emotion_sad").GetAttribute("data-pinned")), Wait);
        Assert.Contains("emotion_sad", page.Find("[data-testid=pinned-banner]").TextContent, StringComparison.Ordinal);
        Assert.Equal("emotion_sad", Store.Current.PinnedPlaylist);

        page.Find("[data-testid=unpin]").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=pinned-banner]")), Wait);
        Assert.Null(Store.Current.PinnedPlaylist);
    }

    [Fact]
    public void Banning_and_moving_a_track_from_the_table()
    {
        var (_, page) = Render();
        var first = page.FindAll("[data-testid=track-row]")[0].GetAttribute("data-track-id")!;

        TrackRowOf(page, first).QuerySelector("input[data-testid=track-ban]")!.Change(true);
        page.WaitForAssertion(() => Assert.Equal("true", page.Find($"[data-testid=track-row][data-track-id='{first}']").GetAttribute("data-banned")), Wait);
        Assert.True(Store.Current.IsBanned(first));
        Assert.Contains("1 banned", Row(page, "emotion_happy").TextContent, StringComparison.Ordinal);

        var second = page.FindAll("[data-testid=track-row]")[1].GetAttribute("data-track-id")!;
        var title = TrackRowOf(page, second).QuerySelector("[data-testid=track-title]")!.TextContent;
        Choose(page, "track-move", "emotion_sad", ariaLabel: "Playlist of " + title);

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[data-testid=track-row]").Count), Wait);
        Assert.Null(Library.FindTrack(second));
        Assert.Equal(6, Library.FindPlaylist("emotion_sad")!.Tracks.Count);
        Assert.Contains(Library.FindPlaylist("emotion_sad")!.Tracks, t => t.Title.StartsWith("Happy Sketch 2", StringComparison.Ordinal));
    }

    [Fact]
    public void The_edit_dialog_saves_title_tempo_override_and_tags()
    {
        var (dialogs, page) = Render();
        var id = page.FindAll("[data-testid=track-row]")[0].GetAttribute("data-track-id")!;

        TrackRowOf(page, id).QuerySelector("[data-testid=edit-track]")!.Click();
        dialogs.WaitForElement("[data-testid=track-save]", Wait);
        Assert.Equal("BlazorMood Synth", dialogs.Find("input[data-testid=track-artist-input]").GetAttribute("value"));
        dialogs.Find("input[data-testid=track-title-input]").Input("Morning Light");
        dialogs.Find("input[data-testid=track-bpm-input]").Input("57.5");
        dialogs.Find("input[data-testid=track-tags-input]").Input("sunrise, calm");
        dialogs.Find("[data-testid=track-save]").Click();

        page.WaitForAssertion(() => Assert.Equal("Morning Light", page.Find($"[data-testid=track-row][data-track-id='{id}'] [data-testid=track-title]").TextContent), Wait);
        Assert.Equal("57.5", page.Find($"[data-testid=track-row][data-track-id='{id}']").GetAttribute("data-bpm"));
        Assert.Contains("override", TrackRowOf(page, id).QuerySelector("[data-testid=track-analysis]")!.TextContent, StringComparison.Ordinal);
        var track = Library.FindTrack(id)!;
        Assert.Equal(["sunrise", "calm"], track.Tags);
        Assert.Equal(57.5, track.BpmOverride);
        var entry = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "emotion_happy", "metadata.json")))!.AsArray()[0]!;
        Assert.Equal("Morning Light", entry["title"]!.GetValue<string>());
        Assert.Equal(115, entry["analysis"]!["bpm"]!.GetValue<double>());
    }

    [Fact]
    public void Deleting_a_non_empty_playlist_asks_where_the_tracks_go()
    {
        var (dialogs, page) = Render();

        Row(page, "emotion_sad").QuerySelector("[data-testid=delete-playlist]")!.Click();
        dialogs.WaitForElement("[data-testid=delete-confirm]", Wait);
        Assert.Contains("5 tracks", dialogs.Find("[data-testid=delete-playlist-dialog]").TextContent, StringComparison.Ordinal);
        Assert.True(dialogs.Find("[data-testid=delete-confirm]").HasAttribute("disabled"), "moving needs a target first");
        dialogs.Find("input[data-testid=delete-tracks]").Click();
        dialogs.Find("[data-testid=delete-confirm]").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-playlist=emotion_sad]")), Wait);
        Assert.False(Directory.Exists(Path.Combine(_root, "emotion_sad")));
        Assert.Single(Directory.GetDirectories(Path.Combine(_root, ".blazormood", "trash")));
        Assert.Equal(5, Library.FindPlaylist("emotion_happy")!.Tracks.Count);
    }

    [Fact]
    public void An_upload_streams_into_the_selected_playlist_and_garbage_is_refused_with_nothing_written()
    {
        var (_, page) = Render();
        var wav = Generate("pcm_s16le", "wav", "Uploaded Tone");
        var garbage = new byte[40_000];
        new Random(3).NextBytes(garbage);

        page.FindComponents<InputFile>().Single(c => c.Instance.AdditionalAttributes?["id"]?.ToString() == "track-upload-input")
            .UploadFiles(InputFileContent.CreateFromBinary(wav, "tone.wav", contentType: "audio/wav"),
                InputFileContent.CreateFromBinary(garbage, "noise.mp3", contentType: "audio/mpeg"));

        page.WaitForAssertion(() => Assert.Equal(["done", "failed"], page.FindAll("[data-testid=upload-item]").Select(i => i.GetAttribute("data-state"))), TimeSpan.FromSeconds(30));
        Assert.Contains("Not an accepted audio file", page.Find("[data-testid=upload-error]").TextContent, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Equal(6, page.FindAll("[data-testid=track-row]").Count), Wait);
        Assert.Contains(page.FindAll("[data-testid=track-title]"), t => t.TextContent == "Uploaded Tone");
        var files = Directory.GetFiles(Path.Combine(_root, "emotion_happy")).Select(Path.GetFileName).ToList();
        Assert.Single(files, f => f!.EndsWith(".wav", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => f!.EndsWith(".mp3", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, ".blazormood", "incoming")));
    }

    [Fact]
    public void Analysis_progress_and_failure_reported_by_the_worker_show_live()
    {
        var (_, page) = Render();
        var id = page.FindAll("[data-testid=track-row]")[2].GetAttribute("data-track-id")!;
        var notifier = Context.Services.GetRequiredService<TrackAnalysisNotifier>();

        notifier.Report(new TrackAnalysisUpdate(id, TrackAnalysisPhase.Analysing, 0.4, null, null, Time.GetUtcNow()));
        page.WaitForAssertion(() => Assert.Equal("analysing", page.Find($"[data-testid=track-row][data-track-id='{id}']").GetAttribute("data-analysis")), Wait);
        Assert.Contains("analysing 40 %", TrackRowOf(page, id).QuerySelector("[data-testid=analysis-progress]")!.TextContent, StringComparison.Ordinal);

        Time.Advance(TimeSpan.FromSeconds(1));
        notifier.Report(new TrackAnalysisUpdate(id, TrackAnalysisPhase.Failed, 1, null, "ffmpeg exited with 1", Time.GetUtcNow()));
        page.WaitForAssertion(() => Assert.Equal("failed", page.Find($"[data-testid=track-row][data-track-id='{id}']").GetAttribute("data-analysis")), Wait);
        Assert.Single(TrackRowOf(page, id).QuerySelectorAll("[data-testid=analysis-failed]"));
    }

    [Fact]
    public async Task Changes_made_elsewhere_reach_the_open_page()
    {
        var (_, page) = Render();

        await Curator.CreatePlaylistAsync("from_a_script", new PlaylistContext(ContextKind.Activity, "running"), null, CancellationToken.None);
        // The curation change and the library reload arrive within one throttle interval: the second renders at its end.
        Time.Advance(TimeSpan.FromSeconds(1));

        page.WaitForAssertion(() => Assert.Equal("activity:running", Row(page, "from_a_script").GetAttribute("data-context")), Wait);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Curator.PinAsync("from_a_script", CancellationToken.None);
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=pinned-banner]")), Wait);
    }

    [Fact]
    public void An_import_with_bad_entries_lists_them_and_can_import_the_valid_ones_only()
    {
        var (_, page) = Render();
        var json = """
            [ { "title": "Only one", "artist": "A", "duration": 31, "filepath": "sad-01.opus" },
              { "title": "Gone", "artist": "A", "duration": 2, "filepath": "missing.opus" } ]
            """;
        var import = page.FindComponents<InputFile>().Single(c => c.Instance.AdditionalAttributes?["id"]?.ToString() == "import-emotion_sad");

        import.UploadFiles(InputFileContent.CreateFromText(json, "metadata.json"));

        page.WaitForAssertion(() => Assert.Contains("missing.opus", page.Find("[data-testid=import-problems]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Equal(5, Library.FindPlaylist("emotion_sad")!.Tracks.Count);

        page.Find("[data-testid=import-valid-only]").Click();
        page.WaitForAssertion(() => Assert.Contains("Imported 1 entries into emotion_sad", page.Find("[data-testid=import-result]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Equal(["Only one"], Library.FindPlaylist("emotion_sad")!.Tracks.Select(t => t.Title));
        Assert.Equal("1", Row(page, "emotion_sad").QuerySelectorAll("td")[3].TextContent.Trim());
    }

    private byte[] Generate(string codec, string ext, string title)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bm-admin-{Guid.NewGuid():N}.{ext}");
        try
        {
            var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=330:duration=2", "-c:a", codec, "-metadata", $"title={title}", path })
            {
                psi.ArgumentList.Add(a);
            }
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, err);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
