using Microsoft.Extensions.DependencyInjection;
using BlazorMood.TestSupport;

namespace BlazorMood.Video.Tests;

[Trait("Category", "Integration")]
[Trait("Category", "Ffmpeg")]
[Trait("Category", "Models")]
[Collection("video-models")]
public sealed class PipelineTests(VideoFixture fixture) : IDisposable
{
    private readonly TempFolder _dir = new();

    public static TheoryData<string, string?> StandingPhotos() => new()
    {
        { "sample6", null },
        { "sample4", null },
        { "samples", "crop=160:158:0:0" },
    };

    private static string Photo(string name) => name == "samples" ? TestAssets.HumanAsset("samples.jpg") : TestAssets.FaceApiSample(name + ".jpg");

    [Theory]
    [MemberData(nameof(StandingPhotos))]
    public async Task Photos_of_standing_people_read_standing(string photo, string? crop)
    {
        var clip = Clips.FromStill(_dir.File("still.mp4"), Photo(photo), 2, crop is null ? 480 : 320, crop: crop);
        var result = await fixture.Pipeline.RunAsync(clip, _dir.File("out"), null, CancellationToken.None);
        Assert.True(result.Activity.Dominant == ActivityKind.Standing, $"{photo}: {ClassifierTests.Describe(result.Activity)}");
    }

    // sample4 rotated is left out: four overlapping people cut off at the thighs, on their side; MoveNet's hips stay
    // under 0.3 in most frames whichever way the crop is turned, so the clip reads "unknown" (no torso), not lying.
    [Theory]
    [InlineData("sample6", null)]
    [InlineData("samples", "crop=160:158:0:0")]
    public async Task The_same_photos_rotated_90_degrees_read_lying(string photo, string? crop)
    {
        var clip = Clips.FromStill(_dir.File("rotated.mp4"), Photo(photo), 2, crop is null ? 480 : 320, "transpose=1", crop: crop);
        var result = await fixture.Pipeline.RunAsync(clip, _dir.File("out"), null, CancellationToken.None);
        Assert.True(result.Activity.Dominant == ActivityKind.Lying, $"{photo}: {ClassifierTests.Describe(result.Activity)}");
    }

    [Fact]
    public async Task The_full_pipeline_writes_an_annotated_h264_mp4_with_every_sampled_frame_and_the_activities_file()
    {
        var clip = Clips.FromStill(_dir.File("person.mp4"), TestAssets.FaceApiSample("sample6.jpg"), 3, 400, fps: 25);
        var reports = new List<PipelineProgress>();
        var progress = new SyncProgress(reports.Add);
        var result = await fixture.Pipeline.RunAsync(clip, _dir.File("out"), progress, CancellationToken.None);

        Assert.Equal(30, result.Frames);
        var (codec, pix, frames, w, h) = Clips.Probe(result.AnnotatedVideoPath);
        Assert.Equal(("h264", "yuv420p", 30), (codec, pix, frames));
        Assert.Equal((400, result.FrameHeight), (w, h));
        Assert.Equal("standing\n", await File.ReadAllTextAsync(result.ActivitiesFilePath));
        Assert.Equal(new[] { ActivityPipeline.AnnotatedFileName, ActivityPipeline.ActivitiesFileName }, Directory.GetFiles(_dir.File("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        // Progress: throttled (a 3 s clip takes a few seconds, so only a handful), ends complete.
        Assert.NotEmpty(reports);
        Assert.Equal(PipelineStage.Completed, reports[^1].Stage);
        Assert.Equal(1, reports[^1].Fraction);
        Assert.All(reports.Zip(reports.Skip(1)), p => Assert.True(p.Second.Fraction >= p.First.Fraction));
        Assert.Equal(0, fixture.Ffmpeg.RunningProcesses);
    }

    [Fact]
    public async Task A_still_person_is_estimated_about_every_other_frame_and_every_frame_is_still_annotated()
    {
        var clip = Clips.FromStill(_dir.File("still.mp4"), TestAssets.FaceApiSample("sample6.jpg"), 4, 480, "noise=alls=6:allf=t");
        var result = await fixture.Pipeline.RunAsync(clip, _dir.File("out"), null, CancellationToken.None);
        using var everyFrame = VideoFixture.Build(o =>
        {
            o.PoseEveryFramesWhenStill = 1;
            o.DetectEveryFramesWhenStill = o.DetectEveryFrames;
        });
        var reference = await everyFrame.GetRequiredService<ActivityPipeline>().RunAsync(clip, _dir.File("reference"), null, CancellationToken.None);

        Assert.Equal(40, result.Frames);
        Assert.InRange(result.InterpolatedFrames, 12, 20);
        Assert.Equal(0, reference.InterpolatedFrames);
        Assert.Equal(ActivityKind.Standing, result.Activity.Dominant);
        Assert.Equal(reference.Activity.Dominant, result.Activity.Dominant);
        Assert.Equal(40, Clips.Probe(result.AnnotatedVideoPath).Frames);
        // Still: fewer detector runs too (every 3 s instead of every second).
        Assert.Equal((2, 4), (result.Detections, reference.Detections));
    }

    [Fact]
    public async Task Starting_the_detector_ahead_gives_exactly_the_track_of_running_it_in_line()
    {
        // The photo slides sideways for 3 s and then holds still: the detector's schedule goes from every 10th frame to
        // every 30th on the way, so a run started ahead for the old schedule may have to be discarded, not used.
        var clip = Clips.FromStill(_dir.File("moving.mp4"), TestAssets.FaceApiSample("sample6.jpg"), 7, 520,
            "crop=480:ih:'20+20*sin(2*PI*1.5*t)*lt(t\\,3)':0,noise=alls=6:allf=t");
        var result = await fixture.Pipeline.RunAsync(clip, _dir.File("out"), null, CancellationToken.None);
        using var inLine = VideoFixture.Build(o => o.DetectAheadFrames = 0);
        var reference = await inLine.GetRequiredService<ActivityPipeline>().RunAsync(clip, _dir.File("reference"), null, CancellationToken.None);

        Assert.Equal(0, reference.DetectionsAhead);
        // Every run but the first frame's can start ahead (how many do depends on how far the decoder is ahead).
        Assert.InRange(result.DetectionsAhead - result.DetectionsDiscarded, 1, result.Detections - 1);
        Assert.Equal(reference.Detections, result.Detections);
        Assert.Equal(reference.Observations.Select(Describe), result.Observations.Select(Describe));
        Assert.Equal(reference.Activity.Dominant, result.Activity.Dominant);
    }

    private static string Describe(PoseObservation o) =>
        FormattableString.Invariant($"{o.TimeSeconds:R} {o.PersonBox} {string.Join(' ', o.Bicycles)} ") +
        (o.Pose is null ? "-" : string.Join(' ', o.Pose.Keypoints.Select(k => FormattableString.Invariant($"{k.Position.X:R},{k.Position.Y:R},{k.Score:R}"))));

    [Fact]
    public async Task A_lying_person_is_searched_in_every_orientation_about_once_a_second_not_on_every_frame()
    {
        var clip = Clips.FromStill(_dir.File("rotated.mp4"), TestAssets.FaceApiSample("sample6.jpg"), 4, 480, "transpose=1,noise=alls=6:allf=t");
        var result = await fixture.Pipeline.RunAsync(clip, _dir.File("out"), null, CancellationToken.None);
        using var everyFrame = VideoFixture.Build(o => o.PoseSearchEveryFrames = 1);
        var reference = await everyFrame.GetRequiredService<ActivityPipeline>().RunAsync(clip, _dir.File("reference"), null, CancellationToken.None);

        Assert.Equal(ActivityKind.Lying, result.Activity.Dominant);
        Assert.Equal(ActivityKind.Lying, reference.Activity.Dominant);
        // 40 frames: a search on the first, then one a second (sooner when the remembered view stops scoring well).
        Assert.InRange(result.PoseSearches, 1, 10);
        Assert.Equal(reference.Frames - reference.InterpolatedFrames, reference.PoseSearches);
    }

    [Fact]
    public async Task Nobody_in_view_costs_a_full_search_only_every_few_frames()
    {
        var clip = Clips.TestPattern(_dir.File("pattern.mp4"), 320, 240, 3, 10);
        var result = await fixture.Pipeline.RunAsync(clip, _dir.File("out"), null, CancellationToken.None);
        Assert.Equal(ActivityKind.Unknown, result.Activity.Dominant);
        Assert.Equal(0, result.InterpolatedFrames);
        Assert.InRange(result.PoseSearches, 1, (30 / 5) + 1);
    }

    [Fact]
    public async Task Cancellation_kills_ffmpeg_and_leaves_no_files()
    {
        var clip = Clips.TestPattern(_dir.File("long.mp4"), 320, 240, 60, 10);
        var output = _dir.File("cancelled");
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p =>
        {
            if (p.Stages.GetValueOrDefault(PipelineStage.Pose) > 0)
            {
                cts.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fixture.Pipeline.RunAsync(clip, output, progress, cts.Token));

        Assert.Equal(0, fixture.Ffmpeg.RunningProcesses);
        Assert.Empty(Directory.Exists(output) ? Directory.GetFileSystemEntries(output) : []);
        // No ffmpeg still reading this clip.
        var survivors = Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Where(d =>
            {
                try
                {
                    return File.ReadAllText(Path.Combine(d, "cmdline")).Contains(_dir.Path, StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
                catch (UnauthorizedAccessException)
                {
                    return false;
                }
            }).ToArray();
        Assert.Empty(survivors);
    }

    [Fact]
    public async Task Corrupt_input_fails_the_pipeline_with_a_clear_message_and_no_output()
    {
        var path = _dir.File("zero.mp4");
        await File.WriteAllBytesAsync(path, []);
        var e = await Assert.ThrowsAsync<VideoProcessingException>(() => fixture.Pipeline.RunAsync(path, _dir.File("out"), null, CancellationToken.None));
        Assert.Equal(VideoError.Empty, e.Error);
        Assert.False(Directory.Exists(_dir.File("out")));
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Reports synchronously (Progress&lt;T&gt; posts to the thread pool, which would race the assertions).</summary>
    private sealed class SyncProgress(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value)
        {
            lock (this)
            {
                report(value);
            }
        }
    }
}
