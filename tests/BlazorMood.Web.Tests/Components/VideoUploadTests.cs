using Bunit;
using BlazorMood.Video;
using BlazorMood.Web.Components.Pages.Home;
using BlazorMood.Web.Components.Pages.Home.Video;
using BlazorMood.Web.Videos;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Tests.Components;

/// <summary>
/// The Upload Video tab over an in-memory job service and a notifier the test drives, with the upload module mocked:
/// live progress, results, failures, the past jobs, cancel and delete, the upload's own progress and errors.
/// </summary>
public sealed class VideoUploadTests : MudComponentTest
{
    private const string Owner = "owner-1";
    private readonly FakeVideoJobs _jobs = new();
    private readonly FakeVideoJobNotifier _notifier = new();
    private readonly BunitJSModuleInterop _module;
    private readonly BunitJSModuleInterop _uploader;

    public VideoUploadTests()
    {
        Context.Services.AddSingleton<IVideoJobs>(_jobs);
        Context.Services.AddSingleton<IVideoJobNotifier>(_notifier);
        Context.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new VideoOptions()));
        _module = Context.JSInterop.SetupModule(VideoDropZone.ModulePath);
        _uploader = _module.SetupModule("create", _ => true);
        _uploader.SetupVoid("cancel").SetVoidResult();
        _uploader.SetupVoid("dispose").SetVoidResult();
        // The signed-in account, the owner the upload API also resolves.
        SignIn(Owner);
    }

    private IRenderedComponent<VideoUpload> Render()
    {
        var cut = Context.Render<VideoUpload>();
        cut.WaitForElement("[data-testid=job-list]");
        return cut;
    }

    private static string Testid(string id) => $"[data-testid={id}]";

    [Fact]
    public void Lists_the_owners_jobs_newest_first_with_status_date_length_and_main_activity()
    {
        var old = TestJobs.Succeeded("old.mp4", minutesAgo: 90, duration: 61);
        var failed = TestJobs.Failed("bad.mp4", minutesAgo: 30);
        var running = TestJobs.Running("now.mp4", minutesAgo: 1);
        _jobs.Add(Owner, old);
        _jobs.Add(Owner, failed);
        _jobs.Add(Owner, running);
        _jobs.Add("someone-else", TestJobs.Succeeded("theirs.mp4"));

        var cut = Render();

        Assert.Equal([Owner], _jobs.ListOwners);
        var rows = cut.FindAll(Testid("past-job"));
        Assert.Equal([running.Id, failed.Id, old.Id], rows.Select(r => Guid.Parse(r.GetAttribute("data-job-id")!)));
        Assert.Equal(["running", "failed", "succeeded"], rows.Select(r => r.GetAttribute("data-status")));
        Assert.Equal("Processing 25%", rows[0].QuerySelector(Testid("past-job-status"))!.TextContent.Trim());
        Assert.Equal("Done", rows[2].QuerySelector(Testid("past-job-status"))!.TextContent.Trim());
        Assert.Equal("2026-11-24 10:30 UTC", rows[2].QuerySelector(Testid("past-job-date"))!.TextContent);
        Assert.Equal("1:01", rows[2].QuerySelector(Testid("past-job-duration"))!.TextContent);
        Assert.Equal("walking", rows[2].QuerySelector(Testid("past-job-activity"))!.GetAttribute("data-activity"));
        Assert.Null(rows[1].QuerySelector(Testid("past-job-activity")));
        // Back on the page while a clip is being analysed: its progress is shown at once.
        Assert.Equal(running.Id.ToString(), cut.Find(Testid("current-job")).GetAttribute("data-job-id"));
    }

    [Fact]
    public void A_running_job_shows_overall_and_per_stage_progress_with_the_current_stage_and_the_eta()
    {
        var job = TestJobs.Running(progress: 0.4, stage: "pose", eta: 65) with { Attempts = 2 };
        _jobs.Add(Owner, job);

        var cut = Render();

        Assert.Equal("0.4", cut.Find(Testid("job-progress-overall")).GetAttribute("data-value"));
        Assert.Equal("40%", cut.Find(Testid("job-progress-percent")).TextContent);
        Assert.Equal("About 1 min 05 s left", cut.Find(Testid("job-eta")).TextContent);
        Assert.Contains("Finding the person and the pose", cut.Find(Testid("job-progress")).TextContent, StringComparison.Ordinal);
        Assert.Contains("attempt 2", cut.Find(Testid("job-attempts")).TextContent, StringComparison.Ordinal);
        var stages = cut.FindAll(Testid("job-stage"));
        Assert.Equal(["probing", "decoding", "pose", "classifying", "encoding"], stages.Select(s => s.GetAttribute("data-stage")));
        Assert.Equal(["1", "0.6", "0.4", "0.36", "0.32"], stages.Select(s => s.GetAttribute("data-fraction")));
        Assert.Equal("pose", Assert.Single(stages, s => s.GetAttribute("data-current") == "true").GetAttribute("data-stage"));
        Assert.Equal(["100%", "60%", "40%", "36%", "32%"], stages.Select(s => s.QuerySelector(".job-stage__percent")!.TextContent));
    }

    [Fact]
    public async Task Pushed_updates_re_render_the_progress_and_then_the_result()
    {
        var job = TestJobs.Running(progress: 0.1, eta: null);
        _jobs.Add(Owner, job);
        var cut = Render();
        Assert.Equal("Estimating the time left…", cut.Find(Testid("job-eta")).TextContent);

        await _notifier.PublishAsync(Owner, job with { Progress = 0.6, Stage = "encoding", EtaSeconds = 12.2 });

        cut.WaitForAssertion(() => Assert.Equal("60%", cut.Find(Testid("job-progress-percent")).TextContent));
        Assert.Equal("About 13 s left", cut.Find(Testid("job-eta")).TextContent);
        Assert.Contains("Writing the annotated video", cut.Find(Testid("job-progress")).TextContent, StringComparison.Ordinal);

        var done = TestJobs.Succeeded("run.mp4", cadence: 118.4) with { Id = job.Id, CreatedAt = job.CreatedAt };
        await _notifier.PublishAsync(Owner, done);

        cut.WaitForElement(Testid("job-result"));
        Assert.Empty(cut.FindAll(Testid("job-progress")));
        Assert.Equal($"/api/videos/{job.Id}/annotated", cut.Find(Testid("annotated-video")).GetAttribute("src"));
        Assert.NotNull(cut.Find(Testid("annotated-video")).GetAttribute("controls"));
        Assert.Equal(3, cut.FindAll(Testid("timeline-segment")).Count);
        Assert.Equal(["walking", "standing"], cut.FindAll(Testid("job-activity")).Select(a => a.GetAttribute("data-activity")));
        Assert.Equal("118 steps/min", cut.Find(Testid("job-cadence")).TextContent);
        Assert.Equal("0:06", cut.Find(Testid("job-duration")).TextContent);
        Assert.Contains("Music for walking", cut.Find(Testid("to-recommendations")).TextContent, StringComparison.Ordinal);
        Assert.Equal("succeeded", cut.Find($"{Testid("past-job")}[data-job-id='{job.Id}']").GetAttribute("data-status"));
    }

    [Fact]
    public async Task A_job_pushed_from_elsewhere_joins_the_list_and_other_owners_jobs_never_arrive()
    {
        var cut = Render();
        Assert.NotNull(cut.Find(Testid("job-list-empty")));

        var other = TestJobs.Queued("other-tab.mp4");
        await _notifier.PublishAsync(Owner, other);
        await _notifier.PublishAsync("someone-else", TestJobs.Queued("theirs.mp4"));

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(Testid("past-job"))));
        Assert.Equal(other.Id.ToString(), cut.Find(Testid("past-job")).GetAttribute("data-job-id"));
        Assert.Equal([Owner], _notifier.SubscribedOwners);
    }

    [Fact]
    public void A_failed_job_shows_the_servers_message()
    {
        var failed = TestJobs.Failed(error: "The video is cut off: 40 of 120 frames could be decoded.");
        _jobs.Add(Owner, failed);
        var cut = Render();

        cut.Find($"{Testid("past-job")} {Testid("past-job-open")}").Click();

        Assert.Equal("failed", cut.Find(Testid("current-job")).GetAttribute("data-status"));
        Assert.Equal("The video is cut off: 40 of 120 frames could be decoded.", cut.Find(Testid("job-error")).TextContent.Trim());
        Assert.Empty(cut.FindAll(Testid("job-result")));
    }

    [Fact]
    public void Opening_a_past_job_shows_its_result()
    {
        var older = TestJobs.Succeeded("older.mp4", minutesAgo: 10);
        var newer = TestJobs.Succeeded("newer.mp4", minutesAgo: 5) with { HasAnnotatedVideo = false };
        _jobs.Add(Owner, older);
        _jobs.Add(Owner, newer);
        var cut = Render();
        Assert.Empty(cut.FindAll(Testid("current-job")));

        cut.Find($"{Testid("past-job")}[data-job-id='{older.Id}'] {Testid("past-job-open")}").Click();
        Assert.Equal($"/api/videos/{older.Id}/annotated", cut.Find(Testid("annotated-video")).GetAttribute("src"));

        cut.Find($"{Testid("past-job")}[data-job-id='{newer.Id}'] {Testid("past-job-open")}").Click();
        Assert.Equal(newer.Id.ToString(), cut.Find(Testid("current-job")).GetAttribute("data-job-id"));
        // Retention removed its video; the timeline stays.
        Assert.Empty(cut.FindAll(Testid("annotated-video")));
        Assert.NotNull(cut.Find(Testid("annotated-missing")));
        Assert.Equal(3, cut.FindAll(Testid("timeline-segment")).Count);
    }

    [Fact]
    public void A_flagged_fall_is_shown_above_the_timeline_with_its_times_and_a_clip_without_one_has_no_alert()
    {
        var fell = TestJobs.Succeeded("fell.mp4", minutesAgo: 10) with { Falls = [12.34, 3.96] };
        var calm = TestJobs.Succeeded("calm.mp4", minutesAgo: 5);
        _jobs.Add(Owner, fell);
        _jobs.Add(Owner, calm);
        var cut = Render();

        cut.Find($"{Testid("past-job")}[data-job-id='{fell.Id}'] {Testid("past-job-open")}").Click();
        var alert = cut.Find(Testid("job-falls"));
        Assert.StartsWith("Possible falls at 0:04.0 and 0:12.3.", alert.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains("Check on them", alert.TextContent, StringComparison.Ordinal);

        cut.Find($"{Testid("past-job")}[data-job-id='{calm.Id}'] {Testid("past-job-open")}").Click();
        Assert.Empty(cut.FindAll(Testid("job-falls")));
    }

    [Theory]
    [InlineData(new double[0], "")]
    [InlineData(new[] { 61.25 }, "Possible fall at 1:01.3.")]
    [InlineData(new[] { 30.0, 4.0, 12.34 }, "Possible falls at 0:04.0, 0:12.3 and 0:30.0.")]
    public void Falls_are_listed_in_clip_order_in_words(double[] falls, string expected) =>
        Assert.Equal(expected, VideoDisplay.FallsText(falls));

    [Fact]
    public async Task Cancel_asks_the_service_and_shows_the_cancelled_job()
    {
        var job = TestJobs.Running();
        _jobs.Add(Owner, job);
        var cut = Render();

        cut.Find(Testid("job-cancel")).Click();

        Assert.Contains($"cancel {Owner} {job.Id}", _jobs.Calls);
        // The service's notifier reports the cancelled state.
        await _notifier.PublishAsync(Owner, job with { Status = VideoJobStatus.Cancelled, Stage = null });
        cut.WaitForElement(Testid("job-cancelled"));
        Assert.Empty(cut.FindAll(Testid("job-progress")));
    }

    [Fact]
    public void Cancel_of_a_job_that_finished_meanwhile_shows_what_it_became()
    {
        var job = TestJobs.Running();
        _jobs.Add(Owner, job);
        var cut = Render();
        _jobs.Add(Owner, TestJobs.Succeeded(job.FileName) with { Id = job.Id, CreatedAt = job.CreatedAt });

        cut.Find(Testid("job-cancel")).Click();

        cut.WaitForElement(Testid("job-result"));
        Assert.Contains($"get {Owner} {job.Id}", _jobs.Calls);
    }

    [Fact]
    public void Delete_asks_the_service_removes_the_row_and_closes_the_job_if_it_was_open()
    {
        var keep = TestJobs.Succeeded("keep.mp4", minutesAgo: 10);
        var remove = TestJobs.Running("remove.mp4");
        _jobs.Add(Owner, keep);
        _jobs.Add(Owner, remove);
        var cut = Render();
        Assert.Equal(remove.Id.ToString(), cut.Find(Testid("current-job")).GetAttribute("data-job-id"));

        cut.Find($"{Testid("past-job")}[data-job-id='{remove.Id}'] {Testid("past-job-delete")}").Click();

        Assert.Contains($"delete {Owner} {remove.Id}", _jobs.Calls);
        Assert.Equal([keep.Id.ToString()], cut.FindAll(Testid("past-job")).Select(r => r.GetAttribute("data-job-id")));
        Assert.Empty(cut.FindAll(Testid("current-job")));
    }

    [Fact]
    public async Task A_stale_read_never_rolls_a_job_back()
    {
        var job = TestJobs.Running(progress: 0.1);
        _jobs.Add(Owner, job);
        var cut = Render();
        await _notifier.PublishAsync(Owner, job with { Progress = 0.8 });
        cut.WaitForAssertion(() => Assert.Equal("80%", cut.Find(Testid("job-progress-percent")).TextContent));

        // The upload's own get answers after a newer push arrived.
        _jobs.GetOverride = _ => job;
        var zone = cut.FindComponent<VideoDropZone>();
        await cut.InvokeAsync(() => zone.Instance.OnUploadSucceeded(job.Id.ToString()));

        Assert.Equal("80%", cut.Find(Testid("job-progress-percent")).TextContent);
        // …but a re-run after a restart (more attempts) is news, and a finished state beats any running one.
        Assert.False(VideoUpload.IsOlder(job with { Attempts = 2, Status = VideoJobStatus.Queued, Progress = 0 }, job with { Progress = 0.8 }));
        Assert.True(VideoUpload.IsOlder(job with { Progress = 0.9 }, job with { Status = VideoJobStatus.Succeeded }));
        Assert.True(VideoUpload.IsOlder(job with { Status = VideoJobStatus.Queued, Progress = 0 }, job));
    }

    [Fact]
    public async Task Disposing_the_tab_unsubscribes_from_the_notifier()
    {
        _jobs.Add(Owner, TestJobs.Running());
        var cut = Render();
        Assert.Equal(1, _notifier.Active);

        await Context.DisposeComponentsAsync();

        Assert.Equal(0, _notifier.Active);
        Assert.Single(_uploader.Invocations["dispose"]);
    }

    [Fact]
    public void The_drop_zone_starts_the_upload_module_with_the_endpoint_and_the_size_cap()
    {
        var cut = Render();

        var create = Assert.Single(_module.Invocations["create"]);
        var options = create.Arguments[3]!;
        Assert.Equal("/api/videos", options.GetType().GetProperty("url")!.GetValue(options));
        Assert.Equal(50L * 1024 * 1024, options.GetType().GetProperty("maxBytes")!.GetValue(options));
        Assert.Contains("up to 50.0 MB and 5:00 long", cut.Find(Testid("drop-zone-limits")).TextContent, StringComparison.Ordinal);
        Assert.Equal("idle", cut.Find(Testid("video-drop")).GetAttribute("data-state"));
    }

    [Fact]
    public async Task Upload_progress_then_the_accepted_job_is_followed()
    {
        var cut = Render();
        var zone = cut.FindComponent<VideoDropZone>();

        await cut.InvokeAsync(() => zone.Instance.OnUploadStarted("treadmill.mp4", 4 * 1024 * 1024));
        await cut.InvokeAsync(() => zone.Instance.OnUploadProgress(1024 * 1024, 4 * 1024 * 1024));

        Assert.Equal("uploading", cut.Find(Testid("video-drop")).GetAttribute("data-state"));
        Assert.Equal("1.0 MB of 4.0 MB · 25%", cut.Find(Testid("upload-progress-text")).TextContent.Trim());
        Assert.Contains("Uploading treadmill.mp4", cut.Find(Testid("upload-progress")).TextContent, StringComparison.Ordinal);
        Assert.True(zone.Instance.IsUploading);

        await cut.InvokeAsync(() => zone.Instance.OnUploadProgress(4 * 1024 * 1024, 4 * 1024 * 1024));
        Assert.Contains("the server is checking the video", cut.Find(Testid("upload-progress-text")).TextContent, StringComparison.Ordinal);

        var job = TestJobs.Queued("treadmill.mp4");
        _jobs.Add(Owner, job);
        await cut.InvokeAsync(() => zone.Instance.OnUploadSucceeded(job.Id.ToString()));

        Assert.Empty(cut.FindAll(Testid("upload-progress")));
        Assert.Contains($"get {Owner} {job.Id}", _jobs.Calls);
        Assert.Equal(job.Id.ToString(), cut.Find(Testid("current-job")).GetAttribute("data-job-id"));
        Assert.Equal("Starts when a worker is free", cut.Find(Testid("job-eta")).TextContent);
        Assert.Equal(job.Id.ToString(), cut.Find(Testid("past-job")).GetAttribute("data-job-id"));
    }

    [Fact]
    public async Task A_refused_upload_shows_the_servers_message_and_keeps_the_page_usable()
    {
        var cut = Render();
        var zone = cut.FindComponent<VideoDropZone>();
        await cut.InvokeAsync(() => zone.Instance.OnUploadStarted("notes.mp4", 2000));

        await cut.InvokeAsync(() => zone.Instance.OnUploadFailed("notes.mp4 is not a video: ffprobe found no video stream.", 415));

        Assert.Equal("notes.mp4 is not a video: ffprobe found no video stream.", cut.Find(Testid("upload-error")).TextContent.Trim());
        Assert.Equal("error", cut.Find(Testid("video-drop")).GetAttribute("data-state"));
        Assert.Empty(cut.FindAll(Testid("upload-progress")));
        Assert.Empty(cut.FindAll(Testid("current-job")));

        // The next try starts clean.
        await cut.InvokeAsync(() => zone.Instance.OnUploadStarted("clip.mp4", 2000));
        Assert.Empty(cut.FindAll(Testid("upload-error")));
    }

    [Fact]
    public async Task Cancel_upload_aborts_the_request_in_the_browser_and_says_so()
    {
        var cut = Render();
        var zone = cut.FindComponent<VideoDropZone>();
        await cut.InvokeAsync(() => zone.Instance.OnUploadStarted("long.mp4", 40e6));
        await cut.InvokeAsync(() => zone.Instance.OnUploadProgress(10e6, 40e6));

        cut.Find(Testid("upload-cancel")).Click();
        Assert.Single(_uploader.Invocations["cancel"]);
        await cut.InvokeAsync(zone.Instance.OnUploadCancelled);

        Assert.Contains("cancelled", cut.Find(Testid("upload-notice")).TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll(Testid("upload-progress")));
        Assert.Empty(cut.FindAll(Testid("upload-error")));
    }

    [Fact]
    public async Task A_file_refused_by_the_browser_precheck_shows_why()
    {
        var cut = Render();
        var zone = cut.FindComponent<VideoDropZone>();

        await cut.InvokeAsync(() => zone.Instance.OnUploadRejected("\"holiday.mov\" is 80.0 MB; videos up to 50.0 MB are accepted."));

        Assert.Contains("80.0 MB", cut.Find(Testid("upload-error")).TextContent, StringComparison.Ordinal);
        Assert.False(zone.Instance.IsUploading);
    }

    [Fact]
    public void Music_for_the_activity_opens_the_recommendations_tab()
    {
        _jobs.Add(Owner, TestJobs.Succeeded("walk.mp4"));
        var home = Context.Render<Home>();
        home.WaitForElement(Testid("past-job-open")).Click();

        home.Find(Testid("to-recommendations")).Click();

        Assert.Equal(2, home.FindComponent<MudTabs>().Instance.GetState(t => t.ActivePanelIndex));
        // This job's activity, asked for: the player plays it whatever the latest job or the face says.
        var player = Context.Services.GetRequiredService<BlazorMood.Playback.PlayerState>();
        Assert.Equal("walking", player.RequestedActivity);
        Assert.True(player.IsPlaying);
    }

    [Fact]
    public void The_owner_is_the_session_handed_over_from_prerendering()
    {
        var cut = Render();

        Assert.Equal(Owner, cut.Instance.OwnerId);
        Assert.Equal([Owner], _notifier.SubscribedOwners);
        Assert.Equal([Owner], _jobs.ListOwners);
    }
}
