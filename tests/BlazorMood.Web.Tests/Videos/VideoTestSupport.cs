using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorMood.TestSupport;
using BlazorMood.Web.Live;
using BlazorMood.Web.Videos;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using BlazorMood.Live;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Tests.Videos;

/// <summary>
/// The real host (real models, real ffmpeg) with its own database and video storage folder in a temp directory,
/// removed on dispose, plus settings for the test (small caps, a fake clock…).
/// </summary>
public class VideoHostFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    private readonly bool _ownsRoot;

    /// <param name="root">Folder of the database and the video storage; a given one is shared (another host after a restart) and not deleted.</param>
    public VideoHostFactory(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, string? root = null)
    {
        _ownsRoot = root is null;
        Root = root ?? Path.Combine(Path.GetTempPath(), "blazormood-tests", "videos-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(Root);
        _settings = new Dictionary<string, string?>
        {
            ["Data:DatabasePath"] = DatabasePath,
            ["VideoJobs:StoragePath"] = StoragePath,
            // The tests poll; a quick heartbeat makes saved progress and remote cancels visible sooner.
            ["VideoJobs:HeartbeatInterval"] = "00:00:00.250",
            // One account uploads many clips here; the rate-limit tests have their own host.
            ["RateLimits:VideoUploads:PermitLimit"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
        _services = services;
    }

    public string Root { get; }

    public string DatabasePath => Path.Combine(Root, "web-tests.db");

    public string StoragePath => Path.Combine(Root, "videos");

    /// <summary>Job folders on disk (one per job with files).</summary>
    public string[] JobFolders() => Directory.Exists(StoragePath) ? Directory.GetDirectories(StoragePath) : [];

    public string JobFolder(Guid id) => Path.Combine(StoragePath, id.ToString("N", CultureInfo.InvariantCulture));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(TestAssets.RepoRoot);
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    /// <summary>A client signed in (API token) as the account whose id is <paramref name="session"/>: its own owner of jobs.</summary>
    public HttpClient ClientFor(string session) =>
        TestAccounts.ForIdAsync(Services, session).GetAwaiter().GetResult().Authorize(CreateClient());

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsRoot)
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a stopping process; the temp folder is cleaned by the OS eventually.
            }
        }
    }
}

/// <summary>Clips made by ffmpeg at test time (lavfi sources or a sample photo looped), small so the suite stays fast.</summary>
public static class TestClips
{
    public static string Folder { get; } = CreateFolder();

    private static string CreateFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "blazormood-tests", "clips-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static string Ffmpeg(string name, params string[] args)
    {
        var output = Path.Combine(Folder, name);
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-nostdin", "-v", "error", "-y" }.Concat(args).Append(output))
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "ffmpeg failed: " + err);
        return output;
    }

    private static string Seconds(double s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>A standing person (face-api sample photo) looped into an H.264 faststart MP4.</summary>
    public static string StandingPerson(double seconds = 2, int width = 320) =>
        Ffmpeg($"standing-{seconds}-{width}-{Guid.NewGuid():n}.mp4", "-loop", "1", "-framerate", "10", "-t", Seconds(seconds),
            "-i", TestAssets.FaceApiSample("sample6.jpg"), "-vf", $"scale={width}:-2,format=yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-movflags", "+faststart");

    /// <summary>ffmpeg's moving test pattern (no person) as an H.264 faststart MP4.</summary>
    public static string Pattern(int width, int height, double seconds, int fps = 10) =>
        Ffmpeg($"pattern-{width}x{height}-{seconds}-{Guid.NewGuid():n}.mp4", "-f", "lavfi", "-i", $"testsrc2=size={width}x{height}:rate={fps}:duration={Seconds(seconds)}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart");

    /// <summary>30 s of test pattern with no person, small enough for a 1 MB cap: a job that is still running when a test acts on it.</summary>
    public static string LongPattern() =>
        Ffmpeg($"long-{Guid.NewGuid():n}.mp4", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10:duration=30",
            "-c:v", "libx264", "-preset", "ultrafast", "-crf", "38", "-pix_fmt", "yuv420p", "-movflags", "+faststart");

    /// <summary>A flat colour clip (cheap to encode at any size).</summary>
    public static string Colour(int width, int height, double seconds, int fps = 5) =>
        Ffmpeg($"colour-{width}x{height}-{seconds}-{Guid.NewGuid():n}.mp4", "-f", "lavfi", "-i", $"color=c=teal:size={width}x{height}:rate={fps}:duration={Seconds(seconds)}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart");
}

/// <summary>HTTP helpers for the video API.</summary>
public static class VideoApiClient
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static MultipartFormDataContent Form(byte[] bytes, string fileName, string contentType = "video/mp4")
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    public static async Task<HttpResponseMessage> UploadAsync(this HttpClient client, string path, string? fileName = null) =>
        await client.PostAsync("/api/videos", Form(await File.ReadAllBytesAsync(path), fileName ?? Path.GetFileName(path)));

    /// <summary>Uploads a clip that must be accepted; returns its job.</summary>
    public static async Task<VideoJobDto> SubmitAsync(this HttpClient client, string path, string? fileName = null)
    {
        var response = await client.UploadAsync(path, fileName);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var job = (await response.Content.ReadFromJsonAsync<VideoJobDto>(Json))!;
        Assert.Equal($"/api/videos/{job.Id}", response.Headers.Location?.OriginalString);
        return job;
    }

    public static async Task<VideoJobDto?> GetJobAsync(this HttpClient client, Guid id)
    {
        var response = await client.GetAsync($"/api/videos/{id}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<VideoJobDto>(Json);
    }

    /// <summary>Polls the job until <paramref name="done"/> holds (or fails the test after <paramref name="timeoutSeconds"/>).</summary>
    public static async Task<VideoJobDto> WaitForAsync(this HttpClient client, Guid id, Func<VideoJobDto, bool> done, double timeoutSeconds = 180)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var job = await client.GetJobAsync(id);
            Assert.NotNull(job);
            if (done(job))
            {
                return job;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Timed out; job is {job.Status} at {job.Progress:P0} ({job.Stage}) error={job.Error}");
            await Task.Delay(100);
        }
    }

    /// <summary>Running, with frames already decoded (so the pipeline's processes are up).</summary>
    public static bool IsDecoding(VideoJobDto job) =>
        job.Status == VideoJobStatus.Running && job.Stages.Any(s => s.Name == "decoding" && s.Fraction > 0);

    public static Task<VideoJobDto> WaitForEndAsync(this HttpClient client, Guid id, double timeoutSeconds = 180) =>
        client.WaitForAsync(id, j => j.Status is VideoJobStatus.Succeeded or VideoJobStatus.Failed or VideoJobStatus.Cancelled, timeoutSeconds);

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
