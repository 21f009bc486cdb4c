using BlazorMood.Hosting;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using BlazorMood.Web.Accounts;
using BlazorMood.Web.Live;
using BlazorMood.Web.Operations;
using BlazorMood.Web.Tests.Videos;
using BlazorMood.Web.Videos;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using BlazorMood.Diagnostics;
using BlazorMood.Live;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace BlazorMood.Web.Tests.Operations;

/// <summary>
/// The real app on Kestrel on a loopback port (so /metrics is reached from loopback, as a sidecar scraper would),
/// with a rate gate of one frame a second (so a second frame sent at once is dropped) and a capturing logger.
/// </summary>
public sealed class OperationsHost : VideoHostFactory
{
    public OperationsHost()
        : base(
            new Dictionary<string, string?>
            {
                ["Vision:ExecutionProvider"] = "Cpu",
                ["Live:MaxFps"] = "1",
                ["Live:BurstFrames"] = "1",
                ["VideoJobs:MaxConcurrentJobs"] = "1",
                ["RateLimits:EmotionApi:PermitLimit"] = "100000",
            },
            services =>
            {
                services.AddSingleton<ILoggerProvider>(Logs);
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(Spans));
            })
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");
        (User, _, Admin) = TestAccounts.SeedAsync(Services).GetAwaiter().GetResult();
    }

    /// <summary>Static only because the base constructor registers it before this instance exists; one per fixture class.</summary>
    private static CapturingLoggerProvider Logs { get; } = new();

    public CapturingLoggerProvider CapturedLogs => Logs;

    /// <summary>Static for the same reason as <see cref="Logs"/>: every span the host's tracer provider ended.</summary>
    private static SpanCollector Spans { get; } = new();

    public IReadOnlyList<Activity> EndedSpans => Spans.Ended;

    public Uri BaseAddress { get; }

    public TestAccount User { get; }

    public TestAccount Admin { get; }

    public HttpClient Client(TestAccount? account = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (account is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", account.Token);
        }
        return client;
    }

    public async Task<HubConnection> ConnectHubAsync()
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(BaseAddress, "hubs/emotion"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(User.Token))
            .AddMessagePackProtocol()
            .Build();
        await connection.StartAsync();
        return connection;
    }
}

[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
[Collection(OperationsCollection.Name)]
public sealed partial class OperationsTests(OperationsHost host) : IClassFixture<OperationsHost>
{
    [Fact]
    public async Task Readyz_answers_anonymous_callers_with_every_check_healthy()
    {
        using var anonymous = host.Client();

        var response = await anonymous.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        var checks = report.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("models").GetProperty("status").GetString());
        Assert.EndsWith(".onnx", checks.GetProperty("models").GetProperty("data").GetProperty("EmotionClassifier").GetString(), StringComparison.Ordinal);
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Contains("Sqlite", checks.GetProperty("database").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Metrics_count_analysed_and_dropped_frames_and_finished_jobs()
    {
        using var scraper = host.Client(); // anonymous, from loopback: allowed by the default access rule
        var before = await ScrapeAsync(scraper);
        Assert.Contains("# TYPE blazormood_video_queue_depth gauge", before, StringComparison.Ordinal);
        Assert.Matches(@"blazormood_video_queue_depth\{[^}]*state=""queued""[^}]*\} \d+", before);

        await using (var hub = await host.ConnectHubAsync())
        {
            Assert.Equal(FrameStatus.Ok, (await hub.InvokeAsync<FrameResult>("AnalyzeFrame", 1L, TestFrames.Astronaut)).Status);
            // One token a second: the next frame sent at once finds none.
            Assert.Equal(FrameStatus.Dropped, (await hub.InvokeAsync<FrameResult>("AnalyzeFrame", 2L, TestFrames.Astronaut)).Status);
        }
        using var user = host.Client(host.User);
        var job = await user.SubmitAsync(TestClips.StandingPerson(seconds: 1, width: 160));
        Assert.Equal(VideoJobStatus.Succeeded, (await user.WaitForEndAsync(job.Id)).Status);

        // The exporter caches a scrape briefly; poll until the new values show.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string after;
        do
        {
            await Task.Delay(400);
            after = await ScrapeAsync(scraper);
        }
        while (Value(after, "blazormood_video_job_duration_seconds_count", "outcome=\"succeeded\"") <= Value(before, "blazormood_video_job_duration_seconds_count", "outcome=\"succeeded\"")
            && DateTime.UtcNow < deadline);

        Assert.True(Value(after, "blazormood_frames_analysed_total") >= Value(before, "blazormood_frames_analysed_total") + 1, after);
        Assert.True(Value(after, "blazormood_frames_dropped_total") >= Value(before, "blazormood_frames_dropped_total") + 1, after);
        Assert.True(Value(after, "blazormood_frame_latency_milliseconds_count") >= Value(before, "blazormood_frame_latency_milliseconds_count") + 1, after);
        Assert.True(Value(after, "blazormood_frame_latency_milliseconds_sum") > Value(before, "blazormood_frame_latency_milliseconds_sum"), after);
        Assert.True(Value(after, "blazormood_video_job_duration_seconds_count", "outcome=\"succeeded\"") >= Value(before, "blazormood_video_job_duration_seconds_count", "outcome=\"succeeded\"") + 1, after);
        Assert.Contains("# TYPE blazormood_frame_latency_milliseconds histogram", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_frame_stream_and_a_video_job_log_inside_a_scope_with_their_correlation_id()
    {
        string connectionId;
        await using (var hub = await host.ConnectHubAsync())
        {
            connectionId = hub.ConnectionId!;
            // Not an image: the processor logs the rejection.
            Assert.Equal(FrameStatus.Invalid, (await hub.InvokeAsync<FrameResult>("AnalyzeFrame", 1L, "not a picture"u8.ToArray())).Status);
        }
        using var user = host.Client(host.User);
        var job = await user.SubmitAsync(TestClips.StandingPerson(seconds: 1, width: 160));
        await user.WaitForEndAsync(job.Id);

        var rejected = Assert.Single(host.CapturedLogs.Entries, e => e.Category == typeof(LiveFrameProcessor).FullName && e.Message.Contains(connectionId, StringComparison.Ordinal));
        Assert.Equal(connectionId, rejected.Scope(BlazorMoodTracing.IdKey));
        Assert.Equal(BlazorMoodTracing.FrameStream, rejected.Scope(BlazorMoodTracing.KindKey));
        var jobId = job.Id.ToString("D", CultureInfo.InvariantCulture);
        List<CapturedLogEntry> JobEntries() => host.CapturedLogs.Entries.Where(e => e.Category == typeof(VideoJobWorker).FullName && e.Message.Contains(jobId, StringComparison.Ordinal)).ToList();
        // The outcome is stored before the worker logs it: give the last line a moment.
        for (var i = 0; i < 50 && JobEntries().Count < 2; i++)
        {
            await Task.Delay(100);
        }
        var jobEntries = JobEntries();
        Assert.True(jobEntries.Count >= 2, "started and succeeded are logged");
        Assert.All(jobEntries, e => Assert.Equal(jobId, e.Scope(BlazorMoodTracing.IdKey)));
        Assert.All(jobEntries, e => Assert.Equal(BlazorMoodTracing.VideoJob, e.Scope(BlazorMoodTracing.KindKey)));
        // appsettings.json turns scopes on for the console logger, so the id shows in production logs too.
        Assert.True(host.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue.IncludeScopes);
    }

    [Fact]
    public async Task A_video_job_run_is_a_span_tagged_with_its_id_in_one_trace_with_its_database_calls_and_its_log_lines()
    {
        using var user = host.Client(host.User);
        var job = await user.SubmitAsync(TestClips.StandingPerson(seconds: 1, width: 160));
        await user.WaitForEndAsync(job.Id);
        var jobId = job.Id.ToString("D", CultureInfo.InvariantCulture);

        Activity? Run() => host.EndedSpans.LastOrDefault(s => s.Source.Name == BlazorMoodTracing.SourceName
            && s.GetTagItem(BlazorMoodTracing.IdKey) as string == jobId);
        for (var i = 0; i < 50 && Run() is null; i++)
        {
            await Task.Delay(100);
        }
        var run = Run();
        Assert.NotNull(run);
        Assert.Equal(BlazorMoodTracing.VideoJob, run.GetTagItem(BlazorMoodTracing.KindKey));
        Assert.Equal(ActivityKind.Consumer, run.Kind);
        // The run's database writes (claim renewals, progress, the outcome) are spans of the same trace.
        Assert.Contains(host.EndedSpans, s => s.TraceId == run.TraceId && s.SpanId != run.SpanId
            && s.Source.Name.Contains("EntityFrameworkCore", StringComparison.Ordinal));
        // The upload itself is an ASP.NET Core server span.
        Assert.Contains(host.EndedSpans, s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server
            && (s.GetTagItem("url.path") as string ?? "").StartsWith("/api/videos", StringComparison.Ordinal));
        // The worker's lines about the run carry the span's trace id beside the correlation id.
        var lines = host.CapturedLogs.Entries.Where(e => e.Category == typeof(VideoJobWorker).FullName && e.Message.Contains(jobId, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, e => Assert.Equal(run.TraceId.ToHexString(), e.Scope("TraceId")?.ToString()));
        // Probes are not traced.
        using var anonymous = host.Client();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        await Task.Delay(200);
        Assert.DoesNotContain(host.EndedSpans, s => s.GetTagItem("url.path") as string == "/healthz");
    }

    [Fact]
    public async Task An_admin_token_scrapes_metrics_and_readiness_needs_no_sign_in()
    {
        using var admin = host.Client(host.Admin);

        var response = await admin.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MetricsAccess.LoopbackOrAdmin, "127.0.0.1", null, true)]
    [InlineData(MetricsAccess.LoopbackOrAdmin, "::1", null, true)]
    [InlineData(MetricsAccess.LoopbackOrAdmin, "10.1.2.3", null, false)]
    [InlineData(MetricsAccess.LoopbackOrAdmin, "10.1.2.3", Roles.User, false)]
    [InlineData(MetricsAccess.LoopbackOrAdmin, "10.1.2.3", Roles.Admin, true)]
    [InlineData(MetricsAccess.LoopbackOrAdmin, null, null, false)]
    [InlineData(MetricsAccess.Admin, "127.0.0.1", null, false)]
    [InlineData(MetricsAccess.Admin, "127.0.0.1", Roles.Kiosk, false)]
    [InlineData(MetricsAccess.Admin, "10.1.2.3", Roles.Admin, true)]
    [InlineData(MetricsAccess.Anonymous, "10.1.2.3", null, true)]
    public async Task The_metrics_access_rule_decides_by_address_and_role(MetricsAccess access, string? address, string? role, bool allowed)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = address is null ? null : IPAddress.Parse(address);
        var user = role is null
            ? new ClaimsPrincipal(new ClaimsIdentity())
            : new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, role)], "Test"));
        var requirement = new MetricsAccessRequirement();
        var context = new AuthorizationHandlerContext([requirement], user, http);
        var handler = new MetricsAccessHandler(new FixedOptions(new OperationsOptions { MetricsAccess = access }));

        await handler.HandleAsync(context);

        Assert.Equal(allowed, context.HasSucceeded);
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Sum of the samples of <paramref name="name"/> (whose labels contain <paramref name="label"/>, when given); 0 when absent.</summary>
    private static double Value(string exposition, string name, string? label = null) =>
        Sample().Matches(exposition)
            .Where(m => m.Groups["name"].Value == name && (label is null || m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|NaN|\+Inf)(?: \d+)?$", RegexOptions.Multiline)]
    private static partial Regex Sample();

    private sealed class FixedOptions(OperationsOptions value) : IOptionsMonitor<OperationsOptions>
    {
        public OperationsOptions CurrentValue => value;

        public OperationsOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<OperationsOptions, string?> listener) => null;
    }
}

/// <summary>An OpenTelemetry processor that keeps every ended span in memory (the exporter side of a test).</summary>
public sealed class SpanCollector : BaseProcessor<Activity>
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<Activity> _ended = new();

    public IReadOnlyList<Activity> Ended => [.. _ended];

    public override void OnEnd(Activity data) => _ended.Enqueue(data);
}
