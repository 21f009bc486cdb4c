using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Library;
using BlazorMood.Music.Recommendation;
using BlazorMood.Training.Music;

namespace BlazorMood.Cli.Music;

/// <summary>
/// Measures every track of a library and compares it with what metadata.json declares (the generator writes the
/// tempo, key and mode each track was made with): the recipe behind the tagging numbers in docs/accuracy.md.
/// Valence and arousal are compared with the mood the track's playlist stands for (<see cref="MoodSpace.ForPlaylist"/>).
/// </summary>
internal static class TaggingReport
{
    public sealed record Result(IReadOnlyList<string> Rows, IReadOnlyList<string> Summary);

    public static async Task<Result> RunAsync(LibrarySnapshot snapshot, AudioAnalyzer analyzer, CancellationToken cancellationToken)
    {
        var rows = new List<string> { "track\tdeclaredBpm\tmeasuredBpm\terrorPct\tdeclaredKey\tmeasuredKey\tlufs\tonsetsPerSecond\tbrightnessHz\tvalence\tarousal\tplaylistValence\tplaylistArousal" };
        int tempoTotal = 0, tempoWithin3 = 0, keyTotal = 0, keyExact = 0, modeTotal = 0, modeRight = 0;
        var valence = new List<(double Measured, double Expected)>();
        var arousal = new List<(double Measured, double Expected)>();
        var seconds = 0.0;
        var started = Stopwatch.GetTimestamp();
        foreach (var playlist in snapshot.Playlists)
        {
            var declared = Declared(Path.Combine(snapshot.RootPath, playlist.Name, PlaylistLoader.MetadataFileName));
            foreach (var track in playlist.Tracks)
            {
                var f = await analyzer.AnalyzeAsync(track.FullPath, cancellationToken);
                seconds += f.DurationSeconds;
                declared.TryGetValue(Path.GetFileName(track.RelativePath), out var d);
                double? errorPct = d.Bpm is { } db && f.Bpm is { } mb ? 100 * (mb - db) / db : null;
                if (d.Bpm is not null)
                {
                    tempoTotal++;
                    tempoWithin3 += errorPct is { } e && Math.Abs(e) <= 3 ? 1 : 0;
                }
                if (d.Key is not null && d.Mode is "major" or "minor")
                {
                    keyTotal++;
                    keyExact += f.Key == d.Key && f.Mode == d.Mode ? 1 : 0;
                }
                if (d.Mode is not null)
                {
                    // Phrygian has a minor third: it counts as the minor family.
                    modeTotal++;
                    modeRight += (d.Mode == "major") == (f.Mode == "major") ? 1 : 0;
                }
                var expected = MoodSpace.ForPlaylist(playlist.Name);
                if (f.Valence is { } v && f.Arousal is { } a)
                {
                    valence.Add((v, expected.Valence));
                    arousal.Add((a, expected.Arousal));
                }
                rows.Add(string.Join('\t', track.RelativePath, Fmt(d.Bpm), Fmt(f.Bpm), Fmt(errorPct, "0.0"), $"{d.Key} {d.Mode}".Trim(), $"{f.Key} {f.Mode}".Trim(),
                    Fmt(f.LoudnessLufs, "0.0"), Fmt(f.OnsetsPerSecond), Fmt(f.BrightnessHz, "0"), Fmt(f.Valence), Fmt(f.Arousal), Fmt(expected.Valence), Fmt(expected.Arousal)));
            }
        }
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var summary = new List<string>
        {
            $"tracks: {rows.Count - 1}, audio {seconds / 60:0.0} min, analysed in {elapsed:0.0} s ({seconds / Math.Max(elapsed, 1e-9):0}x real time)",
            $"tempo within 3% of the declared tempo: {tempoWithin3}/{tempoTotal}",
            $"key and mode exact (major/minor tracks): {keyExact}/{keyTotal}",
            $"mode family (major vs minor/phrygian): {modeRight}/{modeTotal}",
            $"valence vs playlist mood: Pearson r = {Pearson(valence):0.00} (n = {valence.Count})",
            $"arousal vs playlist mood: Pearson r = {Pearson(arousal):0.00} (n = {arousal.Count})",
        };
        return new Result(rows, summary);
    }

    private static Dictionary<string, (double? Bpm, string? Key, string? Mode)> Declared(string metadataPath)
    {
        var result = new Dictionary<string, (double? Bpm, string? Key, string? Mode)>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllText(metadataPath));
        var entries = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement : doc.RootElement.GetProperty("tracks");
        foreach (var e in entries.EnumerateArray())
        {
            if (!e.TryGetProperty("filepath", out var file) || file.ValueKind != JsonValueKind.String)
            {
                continue;
            }
            double? bpm = e.TryGetProperty("bpm", out var b) && b.ValueKind == JsonValueKind.Number ? b.GetDouble() : null;
            string? key = e.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            string? mode = e.TryGetProperty("mode", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            result[Path.GetFileName(file.GetString()!)] = (bpm, key, mode);
        }
        return result;
    }

    internal static double Pearson(IReadOnlyList<(double X, double Y)> pairs)
    {
        if (pairs.Count < 2)
        {
            return double.NaN;
        }
        double mx = pairs.Average(p => p.X), my = pairs.Average(p => p.Y);
        double cov = 0, vx = 0, vy = 0;
        foreach (var (x, y) in pairs)
        {
            cov += (x - mx) * (y - my);
            vx += (x - mx) * (x - mx);
            vy += (y - my) * (y - my);
        }
        return vx <= 0 || vy <= 0 ? double.NaN : cov / Math.Sqrt(vx * vy);
    }

    private static string Fmt(double? value, string format = "0.00") => value?.ToString(format, CultureInfo.InvariantCulture) ?? "";
}

/// <summary>
/// Correlates the valence/arousal estimate with listeners' ratings: a folder of clips named <c>&lt;song id&gt;.mp3</c>
/// (or any audio extension) and a CSV with a header naming <c>song_id</c> and valence/arousal mean columns
/// (DEAM's <c>static_annotations.csv</c>: <c>song_id,mean_arousal,std_arousal,mean_valence,std_valence</c>; PMEmo's
/// <c>static_annotations.csv</c>: <c>musicId,Arousal(mean),Valence(mean)</c>). The clips are only read, never kept.
/// </summary>
internal static class EmotionEvaluation
{
    public static async Task<IReadOnlyList<string>> RunAsync(string audioDir, string annotationsCsv, AudioAnalyzer analyzer, CancellationToken cancellationToken)
    {
        var lines = await File.ReadAllLinesAsync(annotationsCsv, cancellationToken);
        var header = lines[0].Split(',').Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Col(params string[] names) => header.FindIndex(h => names.Any(n => h.Contains(n, StringComparison.Ordinal)));
        var idCol = Col("song_id", "musicid");
        var valenceCol = Col("mean_valence", "valence_mean", "valence(mean)");
        var arousalCol = Col("mean_arousal", "arousal_mean", "arousal(mean)");
        if (idCol < 0 || valenceCol < 0 || arousalCol < 0)
        {
            throw new InvalidOperationException($"{annotationsCsv}: the header must name the song id and the valence and arousal means (found: {lines[0]})");
        }
        var ratings = lines.Skip(1).Select(l => l.Split(','))
            .Where(c => c.Length > Math.Max(idCol, Math.Max(valenceCol, arousalCol)))
            .ToDictionary(c => c[idCol].Trim(), c => (Valence: double.Parse(c[valenceCol], CultureInfo.InvariantCulture), Arousal: double.Parse(c[arousalCol], CultureInfo.InvariantCulture)));
        var valence = new List<(double, double)>();
        var arousal = new List<(double, double)>();
        var rows = new List<string> { "song\tratedValence\tratedArousal\testValence\testArousal\tbpm\tlufs\tkey\tonsetsPerSecond" };
        foreach (var file in Directory.EnumerateFiles(audioDir).Order(StringComparer.Ordinal))
        {
            if (!ratings.TryGetValue(Path.GetFileNameWithoutExtension(file), out var rated))
            {
                continue;
            }
            var f = await analyzer.AnalyzeAsync(file, cancellationToken);
            valence.Add((f.Valence!.Value, rated.Valence));
            arousal.Add((f.Arousal!.Value, rated.Arousal));
            rows.Add(FormattableString.Invariant($"{Path.GetFileName(file)}\t{rated.Valence}\t{rated.Arousal}\t{f.Valence:0.00}\t{f.Arousal:0.00}\t{f.Bpm:0.0}\t{f.LoudnessLufs:0.0}\t{f.Key} {f.Mode}\t{f.OnsetsPerSecond:0.00}"));
        }
        rows.Add($"clips with ratings: {valence.Count}");
        rows.Add($"valence: Pearson r = {TaggingReport.Pearson(valence):0.00}");
        rows.Add($"arousal: Pearson r = {TaggingReport.Pearson(arousal):0.00}");
        return rows;
    }
}

/// <summary>
/// Scores the valence/arousal estimate against Russell-quadrant labels: a folder with subfolders <c>q1</c>..<c>q4</c>
/// (the 4Q set of Panda et al. 2018, assembled by <c>scripts/devdata.sh --set music-emotion</c>): q1 excited and
/// pleasant, q2 excited and unpleasant, q3 calm and unpleasant, q4 calm and pleasant. Per axis it reports how well the
/// estimate ranks the two halves (AUC: 0.5 is chance), its correlation with the half (point-biserial r) and how often
/// it falls on the right side of 0.5; the same for each measured cue alone, and the four-way quadrant accuracy.
/// The clips are only read, never kept; <paramref name="tsvOut"/> keeps the measured numbers of every clip.
/// </summary>
internal static class QuadrantEvaluation
{
    private static readonly string[] AudioExtensions = [".mp3", ".wav", ".ogg", ".opus", ".flac", ".m4a"];

    public static async Task<IReadOnlyList<string>> RunAsync(string folder, string? tsvOut, AudioAnalyzer analyzer, int parallelism, CancellationToken cancellationToken)
    {
        var clips = new List<(string File, int Quadrant)>();
        for (var q = 1; q <= 4; q++)
        {
            var dir = new[] { $"q{q}", $"Q{q}" }.Select(d => Path.Combine(folder, d)).FirstOrDefault(Directory.Exists);
            if (dir is null)
            {
                continue;
            }
            clips.AddRange(Directory.EnumerateFiles(dir)
                .Where(f => AudioExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .Select(f => (f, q)));
        }
        if (clips.Count == 0)
        {
            throw new InvalidOperationException($"{folder}: no audio under q1/ … q4/ (scripts/devdata.sh --set music-emotion assembles them)");
        }
        var measured = new (string File, int Quadrant, AudioFeatures? Features, string? Error)[clips.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, clips.Count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var (file, q) = clips[i];
                try
                {
                    measured[i] = (file, q, await analyzer.AnalyzeAsync(file, ct), null);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    measured[i] = (file, q, null, ex.Message);
                }
            });
        var ok = measured.Where(m => m.Features is { Valence: not null, Arousal: not null }).ToArray();
        var rows = new List<string>
        {
            FormattableString.Invariant($"clips: {clips.Count} ({string.Join(", ", Enumerable.Range(1, 4).Select(q => $"q{q} {clips.Count(c => c.Quadrant == q)}"))}); analysed: {ok.Length}; failed: {measured.Length - ok.Length}"),
            "",
            "axis      cue             AUC     r      right side of 0.5",
        };
        var axes = new (string Name, Func<int, bool> High, Func<AudioFeatures, double?> Estimate)[]
        {
            ("arousal", q => q is 1 or 2, f => f.Arousal),
            ("valence", q => q is 1 or 4, f => f.Valence),
        };
        var cues = new (string Name, Func<AudioFeatures, double?> Value)[]
        {
            ("tempo (BPM)", f => f.Bpm),
            ("loudness (LUFS)", f => f.LoudnessLufs),
            ("brightness (Hz)", f => f.BrightnessHz),
            ("onsets/s", f => f.OnsetsPerSecond),
            ("mode contrast", f => f.ModeContrast),
            ("key clarity", f => f.KeyClarity),
        };
        foreach (var (name, high, estimate) in axes)
        {
            var pairs = ok.Select(m => (Score: estimate(m.Features!)!.Value, High: high(m.Quadrant))).ToList();
            var right = pairs.Count(p => (p.Score >= 0.5) == p.High) / (double)pairs.Count;
            rows.Add(FormattableString.Invariant($"{name,-9} {"estimate",-15} {MusicMoodTrainer.Auc(pairs):0.000}  {TaggingReport.Pearson(pairs.Select(p => (p.Score, p.High ? 1.0 : 0.0)).ToList()),6:0.000}  {right:P1}"));
            foreach (var (cue, value) in cues)
            {
                var cuePairs = ok.Where(m => value(m.Features!) is { } v && double.IsFinite(v)).Select(m => (Score: value(m.Features!)!.Value, High: high(m.Quadrant))).ToList();
                rows.Add(FormattableString.Invariant($"{"",-9} {cue,-15} {MusicMoodTrainer.Auc(cuePairs):0.000}  {TaggingReport.Pearson(cuePairs.Select(p => (p.Score, p.High ? 1.0 : 0.0)).ToList()),6:0.000}  (n = {cuePairs.Count})"));
            }
        }
        var confusion = new int[5, 5];
        foreach (var m in ok)
        {
            var excited = m.Features!.Arousal >= 0.5;
            var pleasant = m.Features.Valence >= 0.5;
            var predicted = excited ? (pleasant ? 1 : 2) : (pleasant ? 4 : 3);
            confusion[m.Quadrant, predicted]++;
        }
        var correct = Enumerable.Range(1, 4).Sum(q => confusion[q, q]);
        rows.Add("");
        rows.Add(FormattableString.Invariant($"quadrant from the estimate (0.5 on each axis): {correct}/{ok.Length} = {correct / (double)ok.Length:P1} (chance about 25 %)"));
        rows.Add("truth \\ estimate   q1    q2    q3    q4");
        for (var q = 1; q <= 4; q++)
        {
            rows.Add(FormattableString.Invariant($"q{q}              {confusion[q, 1],4}  {confusion[q, 2],4}  {confusion[q, 3],4}  {confusion[q, 4],4}"));
        }
        foreach (var failed in measured.Where(m => m.Features is null).Take(10))
        {
            rows.Add($"failed: {Path.GetFileName(failed.File)}: {failed.Error}");
        }
        if (tsvOut is not null)
        {
            var tsv = new List<string> { "file\tquadrant\tbpm\ttempoConfidence\tlufs\tenergyDb\tbrightnessHz\tonsetsPerSecond\tmodeContrast\tkeyClarity\tvalence\tarousal" };
            tsv.AddRange(ok.Select(m => FormattableString.Invariant(
                $"{Path.GetFileName(m.File)}\tq{m.Quadrant}\t{m.Features!.Bpm}\t{m.Features.TempoConfidence}\t{m.Features.LoudnessLufs}\t{m.Features.EnergyDb}\t{m.Features.BrightnessHz}\t{m.Features.OnsetsPerSecond}\t{m.Features.ModeContrast}\t{m.Features.KeyClarity}\t{m.Features.Valence}\t{m.Features.Arousal}")));
            await File.WriteAllLinesAsync(tsvOut, tsv, cancellationToken);
            rows.Add($"per-clip numbers: {tsvOut}");
        }
        return rows;
    }
}
