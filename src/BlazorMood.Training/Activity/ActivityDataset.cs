using BlazorMood.Video;
using CliWrap;
using CliWrap.Buffered;

namespace BlazorMood.Training.Activity;

/// <summary>A labelled clip as the classifier sees it: observations over time, its source and kind of data.</summary>
/// <param name="Kind">"real" (a development clip's extracted track), "mocap" (filmed by <see cref="VirtualCamera"/>) or "synthetic".</param>
/// <param name="CountedCadenceSpm">Steps a minute counted on the source motion (motion capture), the reference for cadence.</param>
public sealed record LabelledClip(string Id, string Source, string Kind, string Label, double DurationSeconds, IReadOnlyList<PoseObservation> Observations, double? CountedCadenceSpm = null);

/// <summary>One training example: a window's feature vector, the clip's label and where it came from.</summary>
public sealed record WindowRow(float[] Features, string Label, string Source, string Kind, string ClipId);

/// <summary>Collects labelled clips from the three kinds of data and cuts them into feature windows.</summary>
public static class ActivityDataset
{
    /// <summary>Labels a development clip's folder gives ("exercising/push-ups" → "push-ups"); null for what the model does not learn.</summary>
    public static string? ModelLabel(string folderLabel) => folderLabel switch
    {
        "exercising/push-ups" => "push-ups",
        "exercising/squats" => "squats",
        "exercising/jumping" => "jumping",
        "running" or "walking" or "standing" or "sitting" or "lying" or "cycling" => folderLabel,
        _ => null,
    };

    /// <summary>Real clips: every keypoint track (<c>*.json</c>) under <paramref name="tracksFolder"/>, in path order.</summary>
    public static IReadOnlyList<LabelledClip> RealClips(string tracksFolder)
    {
        if (!Directory.Exists(tracksFolder))
        {
            return [];
        }
        var clips = new List<LabelledClip>();
        foreach (var file in Directory.EnumerateFiles(tracksFolder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var track = KeypointTrack.FromJson(File.ReadAllText(file));
            if (ModelLabel(track.Label) is { } label)
            {
                clips.Add(new LabelledClip(track.Clip, track.Source, "real", label, track.DurationSeconds, track.ToObservations()));
            }
        }
        return clips;
    }

    /// <summary>
    /// Motion-capture clips from the snapshots under <paramref name="mirror"/> (&lt;owner&gt;+&lt;name&gt;/repo), each filmed
    /// <paramref name="camerasPerClip"/> times; at most <paramref name="maxPerLabel"/> files of a label per source
    /// (taken evenly over the sorted list, so styles and actors stay mixed). Missing snapshots are reported, not fatal.
    /// </summary>
    public static async Task<IReadOnlyList<LabelledClip>> MocapClipsAsync(string mirror, Random random, int maxPerLabel, int camerasPerClip, TextWriter log, CancellationToken ct)
    {
        var clips = new List<LabelledClip>();
        foreach (var recipe in MocapCatalog.All)
        {
            var gitDir = Path.Combine(mirror, recipe.Repository.Replace('/', '+'), "repo");
            if (!Directory.Exists(gitDir))
            {
                await log.WriteLineAsync($"mocap source {recipe.Source}: no snapshot at {gitDir} (fetch {recipe.Repository}); skipped");
                continue;
            }
            var listing = await Git(gitDir, ["ls-tree", "-r", "--name-only", recipe.Commit], ct);
            var byLabel = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => (Path: p, Label: recipe.Label(p)))
                .Where(x => x.Label is not null)
                .GroupBy(x => x.Label!)
                .OrderBy(g => g.Key, StringComparer.Ordinal);
            foreach (var group in byLabel)
            {
                var files = group.Select(x => x.Path).Order(StringComparer.Ordinal).ToArray();
                var step = Math.Max(1.0, files.Length / (double)maxPerLabel);
                var taken = 0;
                for (var f = 0.0; f < files.Length && taken < maxPerLabel; f += step, taken++)
                {
                    var path = files[(int)f];
                    BvhMotion motion;
                    try
                    {
                        motion = BvhMotion.Parse(await Git(gitDir, ["cat-file", "blob", $"{recipe.Commit}:{path}"], ct));
                    }
                    catch (Exception e) when (e is FormatException or InvalidOperationException)
                    {
                        await log.WriteLineAsync($"  {recipe.Source} {path}: skipped ({e.Message})");
                        continue;
                    }
                    if (motion.DurationSeconds < 1)
                    {
                        continue;
                    }
                    var clip = new MotionClip($"{recipe.Source}/{Path.GetFileNameWithoutExtension(path)}", recipe.Source, group.Key, motion.FrameTimeSeconds, motion.Frames);
                    var counted = group.Key is "running" or "walking" ? clip.CountedCadenceSpm() : null;
                    for (var c = 0; c < camerasPerClip; c++)
                    {
                        clips.Add(new LabelledClip($"{clip.Id}#{c}", recipe.Source, "mocap", group.Key, clip.DurationSeconds, VirtualCamera.Film(clip, random), counted));
                    }
                }
            }
        }
        return clips;
    }

    /// <summary>
    /// People holding still, from real poses: one frame of a real clip held for 2–6 s with a little keypoint jitter
    /// (a photo, someone waiting, a sleeper). The label is the clip's when it is a resting one (standing, sitting,
    /// lying); from any other clip only a frame whose body is upright with straight knees is held, and it is standing
    /// (a still, straight-legged upright person is standing whatever they did before). Three in ten of the standing
    /// frames are turned by a quarter turn and are lying. Each keeps its clip's source,
    /// so leave-one-source-out holds it out together with the clip it came from.
    /// </summary>
    public static IReadOnlyList<LabelledClip> FrozenClips(IEnumerable<LabelledClip> realClips, Random random, int perClip, ActivityClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        var frozen = new List<LabelledClip>();
        foreach (var clip in realClips)
        {
            var posed = clip.Observations.Where(o => o.Pose is not null).ToArray();
            if (posed.Length == 0)
            {
                continue;
            }
            for (var n = 0; n < perClip; n++)
            {
                var frame = posed[random.Next(posed.Length)];
                string label;
                if (clip.Label is "standing" or "sitting" or "lying")
                {
                    label = clip.Label;
                }
                else
                {
                    // Upright with straight knees, judged on the held frame itself (a window of one repeated frame).
                    var still = Enumerable.Range(0, 20).Select(i => frame with { TimeSeconds = i * 0.1 }).ToArray();
                    if (classifier.ExtractFeatures(still, 1) is not { } f || !(f.TorsoAngleDegrees < 25) || !(f.KneeAngleDegrees > 160) || !(f.ThighAlongTorso > 0.6))
                    {
                        continue;
                    }
                    label = "standing";
                }
                var pose = frame.Pose!;
                // Lying seen from the side has the image geometry of standing turned a quarter: a still upright frame
                // turned by ±90° is a person lying (a photo of someone in bed, a sleeper on a sofa).
                if (label == "standing" && random.NextDouble() < 0.3)
                {
                    pose = Turned(pose, random.NextDouble() < 0.5 ? 1 : -1);
                    label = "lying";
                }
                // Standing close to a camera (a portrait, a webcam): the frame ends above the knees.
                if (label == "standing" && random.NextDouble() < 0.4)
                {
                    var cutScore = (float)(0.02 + (random.NextDouble() * 0.15));
                    pose = pose with { Keypoints = pose.Keypoints.Select(k => k.Part >= BlazorMood.Vision.BodyPart.LeftKnee ? k with { Score = cutScore } : k).ToArray() };
                }
                var torso = Math.Max(4.0, pose.Crop.Height / 3.0);
                var jitter = (0.002 + (random.NextDouble() * 0.03)) * torso;
                var seconds = 2 + (random.NextDouble() * 4);
                var observations = new List<PoseObservation>();
                for (var t = 0.0; t < seconds; t += 0.1)
                {
                    var keypoints = pose.Keypoints.Select(k => k with
                    {
                        Position = new BlazorMood.Vision.ImagePoint(
                            (float)(k.Position.X + (VirtualCamera.Gauss(random) * jitter)),
                            (float)(k.Position.Y + (VirtualCamera.Gauss(random) * jitter))),
                    }).ToArray();
                    observations.Add(new PoseObservation(t, pose with { Keypoints = keypoints }, frame.PersonBox, frame.Bicycles));
                }
                frozen.Add(new LabelledClip($"{clip.Id}@still{n}", clip.Source, "frozen", label, seconds, observations));
            }
        }
        return frozen;
    }

    /// <summary>The pose turned by a quarter turn (<paramref name="direction"/> ±1) about its keypoints' centre.</summary>
    private static BlazorMood.Vision.BodyPose Turned(BlazorMood.Vision.BodyPose pose, int direction)
    {
        var cx = pose.Keypoints.Average(k => k.Position.X);
        var cy = pose.Keypoints.Average(k => k.Position.Y);
        return pose with
        {
            Keypoints = pose.Keypoints.Select(k => k with
            {
                Position = new BlazorMood.Vision.ImagePoint(cx - (direction * (k.Position.Y - cy)), cy + (direction * (k.Position.X - cx))),
            }).ToArray(),
        };
    }

    /// <summary>Synthetic clips of every label, each filmed once.</summary>
    public static IReadOnlyList<LabelledClip> SyntheticClips(int perLabel, Random random, int seed) =>
        SyntheticMotions.Generate(perLabel, seed)
            .Select(m => new LabelledClip(m.Id, m.Source, "synthetic", m.Label, m.DurationSeconds, VirtualCamera.Film(m, random)))
            .ToArray();

    /// <summary>Every window of every clip whose body is seen well enough to measure.</summary>
    public static IReadOnlyList<WindowRow> Windows(IEnumerable<LabelledClip> clips, ActivityClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        var rows = new List<WindowRow>();
        foreach (var clip in clips)
        {
            foreach (var centre in classifier.WindowCentres(clip.DurationSeconds))
            {
                if (classifier.ExtractFeatures(clip.Observations, centre) is { } features)
                {
                    rows.Add(new WindowRow(ActivityFeatureVector.Of(features), clip.Label, clip.Source, clip.Kind, clip.Id));
                }
            }
        }
        return rows;
    }

    private static async Task<string> Git(string gitDir, string[] args, CancellationToken ct)
    {
        var result = await CliWrap.Cli.Wrap("git").WithArguments(["--git-dir", gitDir, .. args])
            .WithValidation(CommandResultValidation.ZeroExitCode)
            .ExecuteBufferedAsync(ct);
        return result.StandardOutput;
    }
}
