using System.Net.Http.Json;
using BlazorMood.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using BlazorMood.Live;

namespace BlazorMood.Web.Tests.Live;

/// <summary>The live hub over real Kestrel with the SignalR .NET client (MessagePack) and real JPEG frames.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class EmotionHubTests(LiveServerFixture server) : IClassFixture<LiveServerFixture>
{
    // Just over the default 15 fps, so paced frames always pass the rate gate.
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(90);

    private LiveOptions Options => server.Services.GetRequiredService<IOptions<LiveOptions>>().Value;

    [Fact]
    public async Task A_smiling_face_comes_back_boxed_tracked_and_labelled_happy()
    {
        await using var hub = await HubClient.ConnectAsync(server);

        var result = await hub.SendAsync(1, TestFrames.Astronaut);

        Assert.Equal(FrameStatus.Ok, result.Status);
        Assert.Equal(1, result.Sequence);
        Assert.Equal(240, result.ImageWidth);
        var face = Assert.Single(result.Faces);
        Assert.Equal(1, face.TrackId);
        Assert.Equal("happy", face.RawLabel);
        Assert.Equal("happy", face.Label);
        Assert.InRange(face.Width, 20, 240);
        Assert.InRange(face.X, 0, 240);
        Assert.Equal(7, face.Probabilities.Length);
        Assert.Equal(7, face.RawProbabilities.Length);
        Assert.Equal(1.0, face.Probabilities.Sum(), 2);
        Assert.NotNull(result.Dominant);
        Assert.Equal("happy", result.Dominant.Label);
        Assert.Equal(face.TrackId, result.Dominant.TrackId);
        Assert.True(result.DominantChanged, "the first label of a stream is a change");
        Assert.NotNull(result.Group);
        Assert.NotNull(result.Timings);
        Assert.True(result.Timings.DetectMs > 0 && result.Timings.ServerMs >= result.Timings.DetectMs);
    }

    /// <summary>A grey 320×240 JPEG with a white square at <paramref name="x"/> (something that moves, no face).</summary>
    private static byte[] SquareAt(int x)
    {
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(320, 240, new SixLabors.ImageSharp.PixelFormats.Rgb24(90, 90, 90));
        for (var py = 80; py < 160; py++)
        {
            for (var px = x; px < x + 80; px++)
            {
                image[px, py] = new SixLabors.ImageSharp.PixelFormats.Rgb24(240, 240, 240);
            }
        }
        using var jpeg = new MemoryStream();
        SixLabors.ImageSharp.ImageExtensions.SaveAsJpeg(image, jpeg);
        return jpeg.ToArray();
    }

    [Fact]
    public async Task Each_reply_says_how_much_of_the_picture_moved_since_the_previous_frame()
    {
        await using var hub = await HubClient.ConnectAsync(server);

        var first = await hub.SendAsync(1, SquareAt(20));
        await Task.Delay(Pace);
        var still = await hub.SendAsync(2, SquareAt(20));
        await Task.Delay(Pace);
        var moved = await hub.SendAsync(3, SquareAt(200));

        Assert.Null(first.Motion); // nothing to compare with
        Assert.Equal(0f, still.Motion);
        // The square left 10 × 8 cells of the 32 × 24 grid and entered as many: about a fifth of the picture.
        Assert.InRange(moved.Motion!.Value, 0.12f, 0.3f);
        Assert.Empty(moved.Faces);
    }

    [Fact]
    public async Task The_same_face_keeps_its_track_and_a_steady_label_across_frames()
    {
        await using var hub = await HubClient.ConnectAsync(server);

        var results = new List<FrameResult>();
        for (var i = 1; i <= 5; i++)
        {
            results.Add(await hub.SendAsync(i, TestFrames.Astronaut));
            await Task.Delay(Pace);
        }

        Assert.All(results, r => Assert.Equal(FrameStatus.Ok, r.Status));
        Assert.All(results, r => Assert.Equal(1, Assert.Single(r.Faces).TrackId));
        Assert.Single(results, r => r.DominantChanged);
        Assert.Equal(5, results[^1].AnalysedFrames);
    }

    [Fact]
    public async Task A_group_photo_gives_several_tracks_and_a_group_mood()
    {
        await using var hub = await HubClient.ConnectAsync(server);

        var result = await hub.SendAsync(1, TestFrames.Group);

        Assert.Equal(FrameStatus.Ok, result.Status);
        Assert.True(result.Faces.Length >= 3, $"expected at least 3 faces, got {result.Faces.Length}");
        Assert.True(result.Faces.Length <= Options.MaxFaces);
        Assert.Equal(result.Faces.Length, result.Faces.Select(f => f.TrackId).Distinct().Count());
        Assert.NotNull(result.Group);
        Assert.Equal(1.0, result.Group.Probabilities.Sum(), 2);
        // The dominant emotion belongs to the largest face.
        var largest = result.Faces.MaxBy(f => f.Width * f.Height)!;
        Assert.Equal(largest.TrackId, result.Dominant!.TrackId);
    }

    [Fact]
    public async Task A_malformed_frame_gets_an_error_reply_and_the_connection_lives_on()
    {
        await using var hub = await HubClient.ConnectAsync(server);
        var garbage = new byte[5000];
        new Random(3).NextBytes(garbage);
        var truncated = TestFrames.Astronaut[..(TestFrames.Astronaut.Length / 3)];

        var bad = await hub.SendAsync(1, garbage);
        await Task.Delay(Pace);
        var cut = await hub.SendAsync(2, truncated);
        await Task.Delay(Pace);
        var empty = await hub.SendAsync(3, []);
        await Task.Delay(Pace);
        var good = await hub.SendAsync(4, TestFrames.Astronaut);

        Assert.Equal(FrameStatus.Invalid, bad.Status);
        Assert.False(string.IsNullOrWhiteSpace(bad.Error));
        Assert.Empty(bad.Faces);
        Assert.Equal(FrameStatus.Invalid, cut.Status);
        Assert.Equal(FrameStatus.Invalid, empty.Status);
        Assert.Equal(FrameStatus.Ok, good.Status);
        Assert.Equal(HubConnectionState.Connected, hub.State);
    }

    [Fact]
    public async Task An_oversize_frame_gets_a_too_large_reply_and_the_connection_lives_on()
    {
        await using var hub = await HubClient.ConnectAsync(server);
        var big = new byte[Options.MaxFrameBytes + 1];
        TestFrames.Astronaut.CopyTo(big, 0);

        var result = await hub.SendAsync(1, big);
        await Task.Delay(Pace);
        var after = await hub.SendAsync(2, TestFrames.Astronaut);

        Assert.Equal(FrameStatus.TooLarge, result.Status);
        Assert.Contains(Options.MaxFrameBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Error, StringComparison.Ordinal);
        Assert.Equal(FrameStatus.Ok, after.Status);
        Assert.Equal(HubConnectionState.Connected, hub.State);
    }

    [Fact]
    public async Task Flooding_beyond_the_rate_drops_and_counts_frames_instead_of_queueing_them()
    {
        await using var hub = await HubClient.ConnectAsync(server);
        const int sent = 40;

        var started = DateTime.UtcNow;
        // Fire everything at once, no waiting for replies: a misbehaving client.
        var results = await Task.WhenAll(Enumerable.Range(1, sent).Select(i => hub.SendAsync(i, TestFrames.Astronaut)));
        var elapsed = DateTime.UtcNow - started;

        var analysed = results.Count(r => r.Status == FrameStatus.Ok);
        var dropped = results.Count(r => r.Status == FrameStatus.Dropped);
        Assert.Equal(sent, analysed + dropped);
        Assert.True(dropped > 0, "frames beyond the rate must be dropped");
        var allowed = Options.BurstFrames + (elapsed.TotalSeconds * Options.MaxFps) + 1;
        Assert.True(analysed <= allowed, $"{analysed} frames analysed in {elapsed.TotalMilliseconds:F0} ms; the rate allows {allowed:F1}");
        Assert.Equal(dropped, results.Max(r => r.DroppedFrames));
        Assert.Equal(HubConnectionState.Connected, hub.State);
    }

    [Fact]
    public async Task A_dominant_change_is_pushed_to_the_account_and_recorded()
    {
        var account = await server.CreateAccountAsync(name: "hub");
        var notifier = server.Services.GetRequiredService<LiveMoodNotifier>();
        var changes = new List<DominantEmotionChanged>();
        using var subscription = notifier.Subscribe(account.Id, u =>
        {
            if (u.Change is { } c)
            {
                lock (changes)
                {
                    changes.Add(c);
                }
            }
            return Task.CompletedTask;
        });
        await using var hub = await HubClient.ConnectAsync(server, account);

        Assert.Equal(account.Id, await hub.InvokeAsync<string>("GetSession"));
        var result = await hub.SendAsync(1, TestFrames.Astronaut);
        Assert.Equal(FrameStatus.Ok, result.Status);

        using var http = server.CreateUserClient(account);
        EmotionEventDto[]? recent = null;
        for (var i = 0; i < 50 && (recent is null || recent.Length == 0); i++)
        {
            await Task.Delay(100);
            recent = await http.GetFromJsonAsync<EmotionEventDto[]>("api/emotions/recent");
        }
        var recorded = Assert.Single(recent!);
        Assert.Equal("happy", recorded.Label);
        Assert.Equal("live", recorded.Source);
        lock (changes)
        {
            Assert.Equal("happy", Assert.Single(changes).Label);
        }
    }

    [Fact]
    public async Task Without_a_token_the_hub_refuses_the_connection()
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "hubs/emotion"))
            .AddMessagePackProtocol()
            .Build();
        await using (connection)
        {
            var e = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, e.StatusCode);
        }
    }
}
