using BlazorMood.Media;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Context;
using BlazorMood.Music.Library;
using BlazorMood.Music.Recommendation;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BlazorMood.Music.Tests;

public sealed class ServiceRegistrationTests
{
    [Fact]
    public void AddMusic_binds_the_Music_section_and_resolves_everything()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Music:LibraryPath"] = "/tmp/does-not-exist-bm",
            ["Music:WatchForChanges"] = "false",
            ["Music:Recommender:EmotionWindow"] = "00:00:07",
            ["Music:Recommender:QueueLength"] = "4",
            ["Ffmpeg:AudioProcessTimeout"] = "00:00:30",
        }).Build();
        using var sp = new ServiceCollection().AddMusic(config).BuildServiceProvider();

        var o = sp.GetRequiredService<IOptions<MusicOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(7), o.Recommender.EmotionWindow);
        Assert.Equal(4, o.Recommender.QueueLength);
        Assert.Equal(TimeSpan.FromSeconds(30), sp.GetRequiredService<IOptions<FfmpegOptions>>().Value.AudioProcessTimeout);
        Assert.NotNull(sp.GetRequiredService<Recommender>());
        Assert.NotNull(sp.GetRequiredService<AudioAnalyzer>());
        Assert.IsType<InMemoryContextStore>(sp.GetRequiredService<IContextStore>());
        Assert.Same(sp.GetRequiredService<MusicLibrary>(), sp.GetRequiredService<IMusicLibrary>());
        Assert.Contains(sp.GetRequiredService<IMusicLibrary>().Current.Problems, p => p.Kind == LibraryProblemKind.LibraryMissing);
    }

    [Fact]
    public void Invalid_options_fail_validation()
    {
        using var sp = new ServiceCollection().AddMusic(o => o.Recommender.QueueLength = 0).BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<MusicOptions>>().Value);
    }

    [Fact]
    public void Opus_files_need_the_music_content_type_map()
    {
        // ASP.NET Core's default map does not know .opus (checked here so a future change is noticed).
        Assert.False(new FileExtensionContentTypeProvider().TryGetContentType("x.opus", out _));
        Assert.Equal("audio/ogg", AudioContentTypes.ForPath("playlists/emotion_happy/happy-01.OPUS"));
        Assert.Equal("audio/mpeg", AudioContentTypes.ForPath("a.mp3"));
        Assert.Equal("application/octet-stream", AudioContentTypes.ForPath("a.exe"));
    }
}
