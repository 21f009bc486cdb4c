using System.Globalization;
using BlazorMood.Web.Videos;
using MudBlazor;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Components.Pages.Home.Video;

/// <summary>How the Upload Video tab words and colours jobs, stages, activities, times and sizes.</summary>
public static class VideoDisplay
{
    public const string UnknownActivity = "unknown";

    // One fixed colour per activity so the timeline, its legend and the past jobs agree (and colour-blind-distinct
    // neighbours: gait warm, postures cool, effort purple).
    private static readonly Dictionary<string, string> ActivityColours = new(StringComparer.OrdinalIgnoreCase)
    {
        ["standing"] = "#1e88e5",
        ["sitting"] = "#00897b",
        ["lying"] = "#3949ab",
        ["walking"] = "#fb8c00",
        ["running"] = "#e53935",
        ["cycling"] = "#43a047",
        ["exercising"] = "#8e24aa",
        [UnknownActivity] = "#9e9e9e",
    };

    private static readonly Dictionary<string, string> StageNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["queued"] = "Waiting for a worker",
        ["probing"] = "Checking the file",
        ["decoding"] = "Decoding frames",
        ["pose"] = "Finding the person and the pose",
        ["detecting"] = "Finding the person and the pose",
        ["classifying"] = "Recognising activities",
        ["encoding"] = "Writing the annotated video",
        ["completed"] = "Done",
    };

    /// <summary>The activity's colour; anything the palette does not know is a neutral grey-blue.</summary>
    public static string ActivityColour(string? activity) =>
        activity is not null && ActivityColours.TryGetValue(activity, out var colour) ? colour : "#78909c";

    /// <summary>"running" → "Running".</summary>
    public static string ActivityName(string? activity) =>
        string.IsNullOrWhiteSpace(activity) ? "Unknown" : Capitalise(activity.Trim());

    /// <summary>What a pipeline stage is doing, in words ("decoding" → "Decoding frames").</summary>
    public static string StageName(string? stage) =>
        string.IsNullOrWhiteSpace(stage) ? "" : StageNames.TryGetValue(stage, out var name) ? name : Capitalise(stage);

    public static string StatusText(VideoJobStatus status) => status switch
    {
        VideoJobStatus.Queued => "Queued",
        VideoJobStatus.Running => "Processing",
        VideoJobStatus.Succeeded => "Done",
        VideoJobStatus.Failed => "Failed",
        VideoJobStatus.Cancelled => "Cancelled",
        _ => status.ToString(),
    };

    /// <summary>The wire name ("succeeded"), for data attributes that tests and scripts read.</summary>
    public static string StatusWire(VideoJobStatus status) => status.ToString().ToLowerInvariant();

    public static Color StatusColour(VideoJobStatus status) => status switch
    {
        VideoJobStatus.Queued => Color.Default,
        VideoJobStatus.Running => Color.Info,
        VideoJobStatus.Succeeded => Color.Success,
        VideoJobStatus.Failed => Color.Error,
        VideoJobStatus.Cancelled => Color.Warning,
        _ => Color.Default,
    };

    public static bool IsActive(VideoJobStatus status) => status is VideoJobStatus.Queued or VideoJobStatus.Running;

    /// <summary>Time left in words: "about 40 s left", "about 2 min 05 s left"; null while there is no estimate.</summary>
    public static string EtaText(double? seconds)
    {
        if (seconds is not { } s || !double.IsFinite(s) || s < 0)
        {
            return "Estimating the time left…";
        }
        if (s < 1)
        {
            return "Almost done";
        }
        var whole = (int)Math.Ceiling(s);
        return whole < 60
            ? string.Create(CultureInfo.InvariantCulture, $"About {whole} s left")
            : string.Create(CultureInfo.InvariantCulture, $"About {whole / 60} min {whole % 60:00} s left");
    }

    /// <summary>A position in a clip with tenths: "0:02.5", "1:05.0" (a timeline's segments are often under a second apart).</summary>
    public static string ClipTime(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0)
        {
            seconds = 0;
        }
        var tenths = (long)Math.Round(seconds * 10, MidpointRounding.AwayFromZero);
        var minutes = tenths / 600;
        var rest = (tenths % 600) / 10.0;
        return string.Create(CultureInfo.InvariantCulture, $"{minutes}:{rest:00.0}");
    }

    /// <summary>A clip's length in whole seconds: "0:03", "4:59"; "—" when unknown.</summary>
    /// <summary>"Possible fall at 0:12.3." or "Possible falls at 0:04.0, 0:12.3 and 0:30.0." (times in clip order).</summary>
    public static string FallsText(IReadOnlyList<double> falls)
    {
        var times = falls.Where(double.IsFinite).Order().Select(ClipTime).ToArray();
        return times.Length switch
        {
            0 => "",
            1 => $"Possible fall at {times[0]}.",
            _ => $"Possible falls at {string.Join(", ", times[..^1])} and {times[^1]}.",
        };
    }

    public static string Duration(double? seconds)
    {
        if (seconds is not { } s || !double.IsFinite(s) || s < 0)
        {
            return "—";
        }
        var whole = (long)Math.Round(s, MidpointRounding.AwayFromZero);
        return string.Create(CultureInfo.InvariantCulture, $"{whole / 60}:{whole % 60:00}");
    }

    public static string Percent(double fraction) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Round(Math.Clamp(double.IsFinite(fraction) ? fraction : 0, 0, 1) * 100):0}%");

    public static string Cadence(double? stepsPerMinute) =>
        stepsPerMinute is { } c && double.IsFinite(c) && c > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{Math.Round(c):0} steps/min")
            : "";

    public static string Bytes(double bytes)
    {
        const double Kb = 1024, Mb = Kb * 1024, Gb = Mb * 1024;
        return bytes switch
        {
            >= Gb => string.Create(CultureInfo.InvariantCulture, $"{bytes / Gb:0.0} GB"),
            >= Mb => string.Create(CultureInfo.InvariantCulture, $"{bytes / Mb:0.0} MB"),
            >= Kb => string.Create(CultureInfo.InvariantCulture, $"{bytes / Kb:0} kB"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{bytes:0} bytes"),
        };
    }

    /// <summary>
    /// When a job was made, in UTC with the zone said (the server renders it and does not know the browser's zone).
    /// </summary>
    public static string When(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The activity covering most of the clip, or null when none was recognised.</summary>
    public static string? MainActivity(VideoJobDto job) =>
        job.Activities.FirstOrDefault(a => !string.Equals(a, UnknownActivity, StringComparison.OrdinalIgnoreCase));

    /// <summary>A number for CSS (always a dot, never a locale's comma).</summary>
    public static string Css(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Capitalise(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].Replace('_', ' ').Replace('-', ' ');
}
