using Bunit;
using BlazorMood.Music.Library;
using BlazorMood.Playback;
using BlazorMood.Web.Components.Pages.Home.Recommendations;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorMood.Web.Tests.Components;

/// <summary>
/// The Recommendations tab's player with a Subsonic song in the library (the browser module mocked): it plays from
/// the app's stream URL and says where the song comes from; when the song cannot play (the server is down), the
/// player goes on with a local track and says why in plain words.
/// </summary>
public sealed class RemoteTrackPlayerTests : MudComponentTest
{
    private const string StreamUrl = "/api/subsonic/servers/abc/songs/song-1/stream";
    private readonly BunitJSModuleInterop _player;

    public RemoteTrackPlayerTests()
    {
        // The default playlist starts with a song of the server "Home", then a local file.
        var files = MusicLibrary.Current;
        var playlists = files.Playlists.Select(p => p.Name != PlaylistNames.ForEmotion("neutral") ? p : p with
        {
            Tracks = [p.Tracks[0] with { Id = "0123456789abcdef", Title = "Remote song", PlaybackUrl = StreamUrl, Source = "Home" }, .. p.Tracks.Skip(1)],
        }).ToList();
        Context.Services.AddSingleton<IMusicLibrary>(new StaticMusicLibrary(new LibrarySnapshot(files.RootPath, playlists, [], files.LoadedAt)));
        var module = Context.JSInterop.SetupModule(MusicPlayer.ModulePath);
        _player = module.SetupModule("create", _ => true);
        _player.Setup<string?>("load", _ => true).SetResult(null);
        _player.Setup<string?>("play").SetResult(null);
        _player.SetupVoid("dispose").SetVoidResult();
        SignIn("listener-remote");
    }

    private PlayerState State => Context.Services.GetRequiredService<PlayerState>();

    [Fact]
    public void A_remote_song_plays_from_the_stream_url_and_a_failure_moves_on_to_local_music()
    {
        var cut = Context.Render<MusicPlayer>();

        Assert.Equal("Remote song", cut.Find("[data-testid=track-title]").TextContent);
        Assert.Equal("from Home", cut.Find("[data-testid=track-source]").TextContent);
        Assert.Equal(StreamUrl, _player.Invocations["load"][^1].Arguments[1]);

        cut.InvokeAsync(() => cut.Instance.OnError("0123456789abcdef", "network error"));

        cut.WaitForAssertion(() => Assert.Contains("Home did not send the song, so the player went on with your own music",
            cut.Find("[data-testid=player-error]").TextContent, StringComparison.Ordinal));
        Assert.NotEqual("0123456789abcdef", State.Current!.Id);
        Assert.Null(State.Current.Source);
        Assert.Empty(cut.FindAll("[data-testid=track-source]"));
        Assert.Equal(State.Current.Url, _player.Invocations["load"][^1].Arguments[1]);
    }
}
