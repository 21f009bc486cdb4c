using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorMood.TestSupport;
using BlazorMood.Web.Live;
using BlazorMood.Web.Tests.Videos;
using BlazorMood.Web.Videos;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using BlazorMood.Live;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Tests.Security;

/// <summary>
/// Issue 15, findings 1, 2, 3 and 5 against a live host: image decompression bombs on the API and the hub, playlists
/// posing as videos, the per-owner job cap under parallel uploads, API tokens offered to pages and the circuit.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
[Collection(SecurityCollection.Name)]
public sealed class HostileInputTests(SecurityServerFixture server)
{
    [Fact]
    public async Task A_png_text_chunk_bomb_posted_to_the_emotion_api_is_refused_quickly_without_inflating()
    {
        var account = await server.CreateAccountAsync();
        using var client = server.ClientFor(account);
        var bomb = HostileMedia.PngWithZtxtBomb();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();

        using var response = await client.PostAsync("api/emotion", ImageForm(bomb, "bomb.png"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        // The 200 MiB inflation once took ~10 s and 1.35 GB; refusing it is a walk over a few chunk headers.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.True(allocated < 100L * 1024 * 1024, $"the process allocated {allocated:N0} bytes while refusing the bomb");
    }

    [Fact]
    public async Task A_bomb_sent_as_a_live_frame_gets_too_large_and_the_connection_lives_on()
    {
        var account = await server.CreateAccountAsync();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "hubs/emotion"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(account.Token))
            .AddMessagePackProtocol()
            .Build();
        await hub.StartAsync();
        var bomb = HostileMedia.PngWithZtxtBomb();
        Assert.True(bomb.Length < 256 * 1024, "the bomb fits in one frame, under Live:MaxFrameBytes");

        var watch = Stopwatch.StartNew();
        var refused = await hub.InvokeAsync<FrameResult>("AnalyzeFrame", 1L, bomb);

        Assert.Equal(FrameStatus.TooLarge, refused.Status);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        // Past the rate gate's burst, so the next frame is not dropped for arriving too soon.
        await Task.Delay(300);
        var next = await hub.InvokeAsync<FrameResult>("AnalyzeFrame", 2L, HostileMedia.Png(64, 64));
        Assert.Equal(FrameStatus.Ok, next.Status);
        Assert.Equal(HubConnectionState.Connected, hub.State);
    }

    [Fact]
    public async Task An_hls_playlist_uploaded_as_clip_mp4_is_415_whether_or_not_the_file_it_names_exists_and_nothing_is_processed()
    {
        var account = await server.CreateAccountAsync();
        using var client = server.ClientFor(account);
        // A real video on the server's disk: the playlist asks ffmpeg to read it and hand it back as "the upload".
        var serverFile = TestClips.Pattern(64, 64, 1);
        var missing = Path.Combine(Path.GetDirectoryName(serverFile)!, "no-such-" + Guid.NewGuid().ToString("n") + ".mp4");
        var before = JobFolders();

        using var existing = await client.PostAsync("api/videos", VideoApiClient.Form(HostileMedia.HlsPlaylist(serverFile), "clip.mp4"));
        using var absent = await client.PostAsync("api/videos", VideoApiClient.Form(HostileMedia.HlsPlaylist(missing), "clip.mp4"));
        using var concat = await client.PostAsync("api/videos", VideoApiClient.Form(HostileMedia.ConcatScript(serverFile), "clip.mp4"));

        var first = await ProblemAsync(existing);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, existing.StatusCode);
        Assert.Equal("not_a_video", first.GetProperty("errorCode").GetString());
        // The same answer either way: the status and the text reveal nothing about the server's files.
        Assert.Equal(existing.StatusCode, absent.StatusCode);
        var second = await ProblemAsync(absent);
        Assert.Equal(first.GetProperty("detail").GetString(), second.GetProperty("detail").GetString());
        Assert.Equal(first.GetProperty("errorCode").GetString(), second.GetProperty("errorCode").GetString());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, concat.StatusCode);
        // Nothing was queued or kept.
        Assert.Empty((await client.GetFromJsonAsync<VideoJobDto[]>("api/videos", VideoApiClient.Json))!);
        Assert.Empty(JobFolders().Except(before));
    }

    [Fact]
    public async Task Six_parallel_uploads_from_one_owner_get_exactly_three_jobs()
    {
        var account = await server.CreateAccountAsync();
        using var client = server.ClientFor(account);
        var clip = await File.ReadAllBytesAsync(TestClips.Pattern(96, 64, 2));

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            client.PostAsync("api/videos", VideoApiClient.Form(clip, $"parallel-{i}.mp4"))));
        try
        {
            var statuses = responses.Select(r => r.StatusCode).ToArray();
            Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.Accepted));
            Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
            var jobs = (await client.GetFromJsonAsync<VideoJobDto[]>("api/videos", VideoApiClient.Json))!;
            Assert.Equal(3, jobs.Length);
            foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests))
            {
                Assert.Equal("too_many_jobs", (await ProblemAsync(refused)).GetProperty("errorCode").GetString());
            }
        }
        finally
        {
            foreach (var job in (await client.GetFromJsonAsync<VideoJobDto[]>("api/videos", VideoApiClient.Json))!)
            {
                await client.DeleteAsync($"api/videos/{job.Id}");
            }
            foreach (var r in responses)
            {
                r.Dispose();
            }
        }
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("GET", "account/tokens")]
    [InlineData("GET", "history")]
    [InlineData("GET", "admin")]
    public async Task An_api_token_does_not_open_a_page(string method, string path)
    {
        var admin = await server.CreateAccountAsync(BlazorMood.Accounts.Roles.Admin);
        using var client = NoRedirects(admin.Token);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login", response.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task An_api_token_cannot_open_a_blazor_circuit()
    {
        var admin = await server.CreateAccountAsync(BlazorMood.Accounts.Roles.Admin);
        using var client = NoRedirects(admin.Token);

        using var negotiate = await client.PostAsync("_blazor/negotiate?negotiateVersion=1", null);

        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
        // The same token still works where tokens belong.
        using var api = await client.GetAsync("api/recommend");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        using var hubNegotiate = await client.PostAsync("hubs/emotion/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.OK, hubNegotiate.StatusCode);
    }

    private HttpClient NoRedirects(string token)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private string[] JobFolders() => Directory.Exists(server.StoragePath) ? Directory.GetDirectories(server.StoragePath) : [];

    internal static MultipartFormDataContent ImageForm(byte[] bytes, string fileName)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return new MultipartFormDataContent { { file, "image", fileName } };
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}
