using System.Net;
using System.Net.Http.Headers;
using BlazorMood.Data.Videos;
using BlazorMood.Web.Tests.Videos;
using BlazorMood.Web.Videos;
using Microsoft.Extensions.DependencyInjection;
using BlazorMood.VideoJobs;

namespace BlazorMood.Web.Tests.Security;

/// <summary>
/// Issue 15, the small findings: <c>HEAD</c> on tracks and annotated videos answered 404, they had no ETag (so
/// <c>If-Range</c> was ignored), and an upload cut off by kill -9 stayed on disk until the hourly sweep.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
[Collection(SecurityCollection.Name)]
public sealed class MediaAndRecoveryTests(SecurityServerFixture server)
{
    [Fact]
    public async Task A_track_answers_head_and_honours_if_range_with_its_etag()
    {
        var account = await server.CreateAccountAsync();
        using var client = server.ClientFor(account);
        using var recommend = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("api/recommend"));
        var url = recommend.RootElement.GetProperty("tracks")[0].GetProperty("url").GetString()!.TrimStart('/');

        await AssertHeadAndIfRangeAsync(client, url);
    }

    [Fact]
    public async Task An_annotated_video_answers_head_and_honours_if_range_with_its_etag()
    {
        var account = await server.CreateAccountAsync();
        using var client = server.ClientFor(account);
        var id = Guid.NewGuid();
        var storage = server.Services.GetRequiredService<VideoStorage>();
        var name = VideoStorage.NewStorageName(id);
        storage.CreateJobFolder(name);
        var annotated = storage.AnnotatedVideoPath(name);
        Directory.CreateDirectory(Path.GetDirectoryName(annotated)!);
        await File.WriteAllBytesAsync(annotated, Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray());
        await server.Services.GetRequiredService<VideoJobStore>().AddAsync(new VideoJobRecord
        {
            Id = id,
            OwnerId = account.Id,
            FileName = "done.mp4",
            StorageName = name,
            State = VideoJobState.Succeeded,
            HasAnnotatedVideo = true,
            CreatedUtc = DateTime.UtcNow,
            FinishedUtc = DateTime.UtcNow,
        }, CancellationToken.None);

        await AssertHeadAndIfRangeAsync(client, $"api/videos/{id}/annotated");
    }

    [Fact]
    public async Task An_upload_left_by_a_killed_process_is_removed_at_start_up()
    {
        var root = Path.Combine(Path.GetTempPath(), "blazormood-tests", "orphans-" + Guid.NewGuid().ToString("n"));
        try
        {
            // What kill -9 mid-upload leaves: a job folder with a partial file and no row, last written before the restart.
            var storagePath = Path.Combine(root, "videos");
            var orphan = Path.Combine(storagePath, VideoStorage.NewStorageName(Guid.NewGuid()));
            Directory.CreateDirectory(orphan);
            var partial = Path.Combine(orphan, "input.mp4");
            await File.WriteAllBytesAsync(partial, new byte[64 * 1024]);
            var killedAt = DateTime.UtcNow.AddMinutes(-1);
            File.SetLastWriteTimeUtc(partial, killedAt);
            Directory.SetLastWriteTimeUtc(orphan, killedAt);

            using var host = new VideoHostFactory(root: root);
            _ = host.Services; // starts the host: its first retention sweep runs now

            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Directory.Exists(orphan) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
            Assert.False(Directory.Exists(orphan), "the partial upload was still there after start-up");
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // The stopped host's database may still be held a moment.
            }
        }
    }

    private static async Task AssertHeadAndIfRangeAsync(HttpClient client, string url)
    {
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        var length = head.Content.Headers.ContentLength;
        Assert.True(length > 100, $"HEAD {url}: Content-Length {length}");
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        var etag = head.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);

        // If-Range with the current ETag: the range is served.
        using var matching = new HttpRequestMessage(HttpMethod.Get, url);
        matching.Headers.Range = new RangeHeaderValue(0, 99);
        matching.Headers.IfRange = new RangeConditionHeaderValue(etag);
        using var partial = await client.SendAsync(matching);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(100, (await partial.Content.ReadAsByteArrayAsync()).Length);

        // If-Range with another version's ETag: the whole file, not a range of something else.
        using var stale = new HttpRequestMessage(HttpMethod.Get, url);
        stale.Headers.Range = new RangeHeaderValue(0, 99);
        stale.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"0-0\""));
        using var whole = await client.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(length, (await whole.Content.ReadAsByteArrayAsync()).Length);
    }
}
