using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using BlazorMood.Vision;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Video;

/// <summary>What one run of <see cref="ActivityPipeline"/> produced.</summary>
public sealed record VideoAnalysis(VideoProbe Probe, ActivityResult Activity, string AnnotatedVideoPath, string ActivitiesFilePath, int Frames, int FrameWidth, int FrameHeight, double SampleFps, TimeSpan Elapsed)
{
    /// <summary>The main person's pose at every analysed frame, in time order (what the activity classifier saw).</summary>
    public IReadOnlyList<PoseObservation> Observations { get; init; } = [];

    /// <summary>Time spent in person detection and in pose estimation (the pose stage's two models).</summary>
    public TimeSpan DetectTime { get; init; }

    public TimeSpan PoseTime { get; init; }

    public int Detections { get; init; }

    /// <summary>Frames whose keypoints were interpolated between two estimates (the person was still); the rest were estimated.</summary>
    public int InterpolatedFrames { get; init; }

    /// <summary>Estimates that searched every view (box, turned, whole frame); the others tried the remembered orientation only.</summary>
    public int PoseSearches { get; init; }

    /// <summary>Detector runs started ahead of the pose stage, and how many of those the schedule then did not use.</summary>
    public int DetectionsAhead { get; init; }

    public int DetectionsDiscarded { get; init; }
}

/// <summary>
/// Clip → activities and an annotated MP4, as four stages joined by bounded channels (full mode Wait, so a slow stage
/// pauses the ones before it, down to ffmpeg through its pipe, and memory stays flat whatever the clip's length):
/// <list type="number">
/// <item>decode: ffmpeg samples rgb24 frames at <see cref="VideoOptions.SampleFps"/> and <see cref="VideoOptions.ScaleWidth"/> into pooled buffers;</item>
/// <item>pose: person detection every <see cref="VideoOptions.DetectEveryFrames"/> frames, the main person followed in between by
///   <see cref="PersonTracker"/>, MoveNet on that person's crop (the whole frame when nobody was detected: detectors miss people lying down);</item>
/// <item>classify: each frame waits until the pose context around it is complete (a fixed lag of half the periodicity window),
///   then gets the label of its window;</item>
/// <item>annotate + encode: box, skeleton and label are drawn into the frame, which goes to the H.264 encoder.</item>
/// </list>
/// At the end the whole pose track is classified again with temporal smoothing into the final timeline, and
/// <c>detected_activities.txt</c> is written. Any failure or cancellation cancels every stage and kills both ffmpegs;
/// a partial output file is deleted. Thread-safe: each run has its own state.
/// </summary>
public sealed partial class ActivityPipeline
{
    public const string AnnotatedFileName = "annotated.mp4";
    public const string ActivitiesFileName = "detected_activities.txt";
    private const int LostRedetectFrames = 3;

    private readonly FfmpegService _ffmpeg;
    private readonly ObjectDetector _detector;
    private readonly PoseEstimator _poses;
    private readonly ActivityClassifier _classifier;
    private readonly VideoOptions _options;
    private readonly ILogger<ActivityPipeline> _logger;

    public ActivityPipeline(FfmpegService ffmpeg, ObjectDetector detector, PoseEstimator poses, ActivityClassifier classifier, IOptions<VideoOptions> options, ILogger<ActivityPipeline> logger)
    {
        _ffmpeg = ffmpeg;
        _detector = detector;
        _poses = poses;
        _classifier = classifier;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Written only by the pose stage, read after it finished.</summary>
    private sealed class StageTimings
    {
        public TimeSpan Detect { get; set; }

        public TimeSpan Pose { get; set; }

        public int Detections { get; set; }

        public int Interpolated { get; set; }

        public int PoseSearches { get; set; }

        public int DetectionsAhead { get; set; }

        public int DetectionsDiscarded { get; set; }
    }

    private sealed record Frame(byte[] Buffer, int Index, double Time)
    {
        public ImageBox? Person { get; set; }

        public BodyPose? Pose { get; set; }

        public ActivityWindow? Window { get; set; }

        public IReadOnlyList<ImageBox> Bicycles { get; set; } = [];

        /// <summary>A detector run started ahead for this frame (see <see cref="VideoOptions.DetectAheadFrames"/>); null once used.</summary>
        public Task<(IReadOnlyList<DetectedObject> Objects, TimeSpan Took)>? Detection { get; set; }
    }

    /// <summary>Validates, analyses and annotates <paramref name="inputPath"/>, writing the outputs into <paramref name="outputDirectory"/>.</summary>
    public async Task<VideoAnalysis> RunAsync(string inputPath, string outputDirectory, IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var tracker = new ProgressTracker(progress, _options.MaxProgressPerSecond);
        var probe = await _ffmpeg.ProbeAsync(inputPath, cancellationToken).ConfigureAwait(false);
        var fps = _options.SampleFps;
        var (width, height) = probe.ScaledSize(_options.ScaleWidth);
        var expected = probe.ExpectedSampledFrames(fps);
        tracker.Probed(expected);
        Directory.CreateDirectory(outputDirectory);
        var annotatedPath = Path.Combine(outputDirectory, AnnotatedFileName);
        var activitiesPath = Path.Combine(outputDirectory, ActivitiesFileName);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        var capacity = Math.Max(1, _options.ChannelCapacity);
        Channel<Frame> NewChannel() => Channel.CreateBounded<Frame>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
        var decoded = NewChannel();
        var posed = NewChannel();
        var labelled = NewChannel();
        var observations = new List<PoseObservation>(expected + 16);
        var timings = new StageTimings();

        using var lease = await _ffmpeg.ReserveAsync(2, token).ConfigureAwait(false);
        var encoder = await _ffmpeg.StartEncoderAsync(annotatedPath, width, height, fps, lease, token).ConfigureAwait(false);
        int frameCount;
        try
        {
            // Each stage completes its output channel however it ends, so the next stage never waits forever; the
            // first failure cancels the shared token, which stops the others and kills ffmpeg.
            async Task<T> Stage<T>(Func<Task<T>> body, ChannelWriter<Frame>? output)
            {
                try
                {
                    var result = await body().ConfigureAwait(false);
                    output?.TryComplete();
                    return result;
                }
                catch (Exception e)
                {
                    output?.TryComplete(e);
                    await stop.CancelAsync().ConfigureAwait(false);
                    throw;
                }
            }

            var decodeTask = Stage(() => _ffmpeg.DecodeAsync(inputPath, probe, fps, width, height,
                ArrayPool<byte>.Shared,
                async (buffer, index, time, ct) =>
                {
                    await decoded.Writer.WriteAsync(new Frame(buffer, index, time), ct).ConfigureAwait(false);
                    tracker.Advance(PipelineStage.Decoding);
                },
                lease, token), decoded.Writer);
            var poseTask = Stage(() => PoseStageAsync(decoded.Reader, posed.Writer, width, height, tracker, timings, token), posed.Writer);
            var classifyTask = Stage(() => ClassifyStageAsync(posed.Reader, labelled.Writer, observations, tracker, token), labelled.Writer);
            var encodeTask = Stage(() => EncodeStageAsync(labelled.Reader, encoder, width, height, tracker, token), null);

            try
            {
                await Task.WhenAll(decodeTask, poseTask, classifyTask, encodeTask).ConfigureAwait(false);
            }
            catch
            {
                // Prefer the root cause over the cancellations it set off in the other stages.
                var all = new Task[] { decodeTask, poseTask, classifyTask, encodeTask };
                var root = all.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!)
                    .FirstOrDefault(e => e is not OperationCanceledException and not ChannelClosedException);
                cancellationToken.ThrowIfCancellationRequested();
                if (root is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(root);
                }
                throw;
            }
            finally
            {
                DrainAndReturn(decoded.Reader);
                DrainAndReturn(posed.Reader);
                DrainAndReturn(labelled.Reader);
            }
            frameCount = decodeTask.Result;
            await encoder.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            await encoder.DisposeAsync().ConfigureAwait(false);
        }

        var duration = frameCount / fps;
        var result = _classifier.Classify(observations, duration, cancellationToken);
        await result.WriteDetectedActivitiesAsync(activitiesPath, cancellationToken).ConfigureAwait(false);
        tracker.Complete();
        LogCompleted(frameCount, duration, clock.Elapsed.TotalSeconds, string.Join(",", result.Activities.Select(a => a.Label())));
        return new VideoAnalysis(probe, result, annotatedPath, activitiesPath, frameCount, width, height, fps, clock.Elapsed)
        {
            DetectTime = timings.Detect,
            PoseTime = timings.Pose,
            Detections = timings.Detections,
            InterpolatedFrames = timings.Interpolated,
            PoseSearches = timings.PoseSearches,
            DetectionsAhead = timings.DetectionsAhead,
            DetectionsDiscarded = timings.DetectionsDiscarded,
            Observations = observations,
        };
    }

    private async Task<int> PoseStageAsync(ChannelReader<Frame> input, ChannelWriter<Frame> output, int width, int height, ProgressTracker tracker, StageTimings timings, CancellationToken ct)
    {
        var person = new PersonTracker();
        var schedule = new StillPoseSchedule(_options.PoseEveryFramesWhenStill, _options.StillDisplacement, _options.MinKeypointScore);
        var search = new PoseSearch(_poses, _options.MinKeypointScore, _options.MinPoseScore, _options.PoseSearchEveryFrames, Math.Max(1, _options.PoseSearchEveryFrames / 2));
        IReadOnlyList<ImageBox> bicycles = [];
        var every = Math.Max(1, _options.DetectEveryFrames);
        var everyWhenStill = Math.Max(every, _options.DetectEveryFramesWhenStill);
        var frameBytes = width * height * 3;
        // Frames this stage owns: read but not yet passed on (a held frame waits for the next estimate). Their buffers
        // go back to the pool if the stage fails.
        var owned = new List<Frame>(_options.PoseEveryFramesWhenStill + 1);
        // Frames read from the decoder but not yet processed, in order: where the detector can be started ahead.
        var lookahead = Math.Max(0, _options.DetectAheadFrames);
        var ahead = new List<Frame>(lookahead + 1);
        BodyPose? lastPose = null;
        ImageBox? lastPerson = null;
        var n = 0;
        var sinceDetect = int.MaxValue / 2;
        var lost = true;
        var sideways = false;

        RgbFrame Rgb(Frame f) => new(f.Buffer.AsMemory(0, frameBytes), width, height);

        async ValueTask<Frame?> NextAsync()
        {
            if (ahead.Count == 0 && !await input.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                return null;
            }
            while (ahead.Count <= lookahead && input.TryRead(out var next))
            {
                ahead.Add(next);
            }
            if (ahead.Count == 0)
            {
                return null;
            }
            var first = ahead[0];
            ahead.RemoveAt(0);
            return first;
        }

        async ValueTask EmitAsync(Frame f)
        {
            if (f.Detection is { } unused)
            {
                // Started for a frame the schedule did not detect after all: its buffer must not go on while the
                // detector still reads it.
                f.Detection = null;
                await Task.WhenAny(unused).ConfigureAwait(false);
                timings.DetectionsDiscarded++;
            }
            await output.WriteAsync(f, ct).ConfigureAwait(false);
            owned.Remove(f);
            tracker.Advance(PipelineStage.Pose);
        }

        try
        {
            while (await NextAsync().ConfigureAwait(false) is { } frame)
            {
                owned.Add(frame);
                n++;
                frame.Bicycles = bicycles;
                // Detection is the expensive model (CenterNet, 512 × up to 512, ~4–6× MoveNet): run it on a schedule while the pose
                // keeps the track (rarely while the person is still), and sooner (every third frame) while nobody is followed.
                var interval = schedule.IsStill ? everyWhenStill : every;
                var due = lost ? Math.Min(LostRedetectFrames, interval) : interval;
                var detect = sinceDetect >= due;
                // The next detection falls `next` frames after this one if the person stays as they are now: start it.
                var next = detect ? due : due - sinceDetect;
                if (next >= 1 && next <= ahead.Count && ahead[next - 1] is { Detection: null } upcoming)
                {
                    var image = Rgb(upcoming);
                    upcoming.Detection = Task.Run(() => TimedDetect(image, ct), ct);
                    timings.DetectionsAhead++;
                }
                if (schedule.TrySkip(mustEstimate: detect))
                {
                    sinceDetect++;
                    continue;
                }
                if (detect)
                {
                    sinceDetect = 0;
                    var (objects, took) = frame.Detection is { } started ? await started.ConfigureAwait(false) : TimedDetect(Rgb(frame), ct);
                    frame.Detection = null;
                    timings.Detect += took;
                    timings.Detections++;
                    person.OnDetections(objects.Where(o => o.ClassId == CocoLabels.Person).ToArray());
                    bicycles = objects.Where(o => o.ClassId == CocoLabels.Bicycle).Select(o => o.Box).ToArray();
                    frame.Bicycles = bicycles;
                }
                sinceDetect++;
                var (pose, box) = EstimatePose(search, Rgb(frame), person.Current, sideways, timings, ct);
                if (pose is not null)
                {
                    frame.Pose = pose;
                    lost = false;
                    sideways = pose.RotationDegrees is 90 or 270;
                    person.OnPose(pose, _options.MinKeypointScore, width, height);
                    frame.Person = box ?? person.Current;
                }
                else
                {
                    frame.Person = box;
                    lost = true;
                }

                // Frames skipped while the person was still: interpolated when this estimate agrees with the previous
                // one, estimated now otherwise (the person started moving, or was lost).
                var interpolate = schedule.OnEstimated(frame.Pose);
                var held = owned.Count - 1;
                for (var i = 0; i < held; i++)
                {
                    var h = owned[0];
                    var fraction = (i + 1) / (double)(held + 1);
                    var between = StillPoseSchedule.InterpolateBox(lastPerson, frame.Person, fraction);
                    if (interpolate)
                    {
                        h.Pose = StillPoseSchedule.Interpolate(lastPose!, frame.Pose!, fraction);
                        h.Person = between;
                        timings.Interpolated++;
                    }
                    else
                    {
                        (h.Pose, var used) = EstimatePose(search, Rgb(h), between, sideways, timings, ct);
                        h.Person = used ?? between;
                    }
                    await EmitAsync(h).ConfigureAwait(false);
                }
                lastPose = frame.Pose;
                lastPerson = frame.Person;
                await EmitAsync(frame).ConfigureAwait(false);
            }
            // Frames held at the end have no later estimate to lean on.
            while (owned.Count > 0)
            {
                var h = owned[0];
                (h.Pose, var used) = EstimatePose(search, Rgb(h), lastPerson, sideways, timings, ct);
                h.Person = used ?? lastPerson;
                await EmitAsync(h).ConfigureAwait(false);
            }
        }
        catch
        {
            foreach (var f in owned.Concat(ahead))
            {
                if (f.Detection is { } pending)
                {
                    await Task.WhenAny(pending).ConfigureAwait(false);
                }
                ArrayPool<byte>.Shared.Return(f.Buffer);
            }
            throw;
        }
        timings.PoseSearches = search.Searches;
        return n;
    }

    private (IReadOnlyList<DetectedObject> Objects, TimeSpan Took) TimedDetect(RgbFrame frame, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var objects = _detector.Detect(frame, ct);
        return (objects, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The person's pose (see <see cref="PoseSearch"/>), timed; null when nobody was found.</summary>
    private static (BodyPose? Pose, ImageBox? Box) EstimatePose(PoseSearch search, RgbFrame rgb, ImageBox? box, bool sideways, StageTimings timings, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var result = search.Estimate(rgb, box, sideways, ct);
        timings.Pose += Stopwatch.GetElapsedTime(started);
        return result;
    }

    private async Task<int> ClassifyStageAsync(ChannelReader<Frame> input, ChannelWriter<Frame> output, List<PoseObservation> observations, ProgressTracker tracker, CancellationToken ct)
    {
        // A frame's window needs the pose up to half a context after it; frames wait here that long (about 2 s of
        // frames: a fixed, small amount of memory).
        var lag = Math.Max(_options.WindowSeconds, _options.PeriodicityWindowSeconds) / 2;
        var pending = new Queue<Frame>();
        var cache = new Dictionary<int, ActivityWindow>();
        ActivityWindow? shown = null;
        ActivityWindow? candidate = null;
        var count = 0;

        async Task ReleaseAsync(Frame f)
        {
            var k = (int)Math.Max(0, Math.Round((f.Time - (_options.WindowSeconds / 2)) / _options.HopSeconds));
            if (!cache.TryGetValue(k, out var window))
            {
                window = _classifier.ClassifyWindow(observations, (_options.WindowSeconds / 2) + (k * _options.HopSeconds));
                cache.Clear();
                cache[k] = window;
                // Hysteresis: the drawn label changes only when a new label holds for two windows in a row.
                if (shown is null || window.Activity == shown.Activity || (candidate is not null && candidate.Activity == window.Activity))
                {
                    shown = window;
                }
                candidate = window;
            }
            f.Window = shown?.Activity == window.Activity ? window : shown;
            await output.WriteAsync(f, ct).ConfigureAwait(false);
            tracker.Advance(PipelineStage.Classifying);
            count++;
        }

        await foreach (var frame in input.ReadAllAsync(ct).ConfigureAwait(false))
        {
            observations.Add(new PoseObservation(frame.Time, frame.Pose, frame.Person, frame.Bicycles));
            pending.Enqueue(frame);
            while (pending.Count > 0 && pending.Peek().Time <= frame.Time - lag)
            {
                await ReleaseAsync(pending.Dequeue()).ConfigureAwait(false);
            }
        }
        while (pending.Count > 0)
        {
            await ReleaseAsync(pending.Dequeue()).ConfigureAwait(false);
        }
        return count;
    }

    private async Task<int> EncodeStageAsync(ChannelReader<Frame> input, FfmpegEncoder encoder, int width, int height, ProgressTracker tracker, CancellationToken ct)
    {
        var bytes = width * height * 3;
        var count = 0;
        await foreach (var frame in input.ReadAllAsync(ct).ConfigureAwait(false))
        {
            try
            {
                FrameAnnotator.Draw(frame.Buffer.AsSpan(0, bytes), width, height, frame.Person, frame.Pose, _options.MinKeypointScore, frame.Window);
                await encoder.WriteFrameAsync(frame.Buffer.AsMemory(0, bytes), ct).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame.Buffer);
            }
            tracker.Advance(PipelineStage.Encoding);
            count++;
        }
        return count;
    }

    /// <summary>Returns the buffers of frames left in a channel after a failure to the pool.</summary>
    private static void DrainAndReturn(ChannelReader<Frame> reader)
    {
        while (reader.TryRead(out var frame))
        {
            ArrayPool<byte>.Shared.Return(frame.Buffer);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Video analysed: {Frames} frames ({DurationSeconds:F1} s) in {ElapsedSeconds:F1} s; activities {Activities}")]
    private partial void LogCompleted(int frames, double durationSeconds, double elapsedSeconds, string activities);
}
