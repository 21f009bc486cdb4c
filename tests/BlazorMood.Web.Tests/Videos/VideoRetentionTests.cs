using Microsoft.EntityFrameworkCore;
using BlazorMood.Data;
using System.Net;
using System.Net.Http.Json;
using BlazorMood.Video;
using BlazorMood.Web.Videos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Tests.Videos;

/// <summary>Retention on a fake clock: uploads after an hour, annotated videos after a day, rows after a month, stray folders.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class VideoRetentionTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly VideoHostFactory _host;

    public VideoRetentionTests()
    {
        _host = new VideoHostFactory(
            new Dictionary<string, string?>
            {
                ["VideoJobs:InputRetention"] = "01:00:00",
                ["VideoJobs:OutputRetention"] = "1.00:00:00",
                ["VideoJobs:JobRetention"] = "30.00:00:00",
            },
            // The clock of the job rows is the test's; the job engine keeps the wall clock (see VideoRecoveryTests).
            services => services.AddSingleton(sp => new VideoJobStore(sp.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>(), _clock)));
    }

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task The_sweep_deletes_the_upload_then_the_annotated_video_then_the_row_and_the_api_says_the_video_expired()
    {
        using var client = _host.ClientFor("ret" + Guid.NewGuid().ToString("n"));
        var sweeper = _host.Services.GetRequiredService<VideoRetentionSweeper>();
        var job = await client.SubmitAsync(TestClips.StandingPerson(2, 160));
        var done = await client.WaitForEndAsync(job.Id);
        Assert.Equal(VideoJobStatus.Succeeded, done.Status);
        var folder = _host.JobFolder(job.Id);
        var input = Path.Combine(folder, VideoStorage.InputFileName);
        var video = Path.Combine(folder, VideoStorage.OutputFolderName, ActivityPipeline.AnnotatedFileName);
        Assert.Equal(_clock.GetUtcNow().AddDays(1), done.VideoExpiresAt);
        // A folder no job owns (an upload cut off by a crash), written long ago.
        var stray = Path.Combine(_host.StoragePath, Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(stray);
        File.WriteAllText(Path.Combine(stray, VideoStorage.InputFileName), "half an upload");

        Assert.Equal(new VideoRetentionSweep(0, 0, 0, 0, 0), await sweeper.SweepAsync(CancellationToken.None));
        Assert.True(File.Exists(input) && File.Exists(video) && Directory.Exists(stray));

        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(new VideoRetentionSweep(0, 1, 0, 0, 1), await sweeper.SweepAsync(CancellationToken.None));
        Assert.False(File.Exists(input));
        Assert.True(File.Exists(video));
        Assert.False(Directory.Exists(stray));
        Assert.True((await client.GetJobAsync(job.Id))!.HasAnnotatedVideo);

        _clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(new VideoRetentionSweep(0, 0, 1, 0, 0), await sweeper.SweepAsync(CancellationToken.None));
        Assert.False(Directory.Exists(folder));
        var expired = (await client.GetJobAsync(job.Id))!;
        Assert.Equal(VideoJobStatus.Succeeded, expired.Status);
        Assert.False(expired.HasAnnotatedVideo);
        Assert.True(expired.VideoExpired);
        Assert.Null(expired.VideoExpiresAt);
        Assert.Equal(done.Segments, expired.Segments); // the results stay
        var gone = await client.GetAsync($"/api/videos/{job.Id}/annotated");
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.Equal("expired", (await VideoApiClient.ProblemAsync(gone)).GetProperty("errorCode").GetString());

        _clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(new VideoRetentionSweep(0, 0, 0, 1, 0), await sweeper.SweepAsync(CancellationToken.None));
        Assert.Null(await client.GetJobAsync(job.Id));
        Assert.Empty((await client.GetFromJsonAsync<VideoJobDto[]>("/api/videos", VideoApiClient.Json))!);
    }
}
