namespace BlazorMood.Media;

/// <summary>
/// Where ffmpeg and ffprobe are and how long and how many of them may run, bound from the <c>Ffmpeg</c> section. Every
/// feature that starts them (video analysis, audio analysis, upload checks, the starter-library encoder) reads this.
/// </summary>
public sealed class FfmpegOptions
{
    public const string SectionName = "Ffmpeg";

    /// <summary>Folder holding the <c>ffmpeg</c> and <c>ffprobe</c> binaries (relative to the content root); empty uses the PATH.</summary>
    public string BinaryFolder { get; set; } = "";

    /// <summary>Longest one ffprobe run may take before it is killed (checking an upload, video or audio).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest a whole video decode or encode may take before its ffmpeg is killed.</summary>
    public TimeSpan VideoProcessTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Longest one audio run may take (decoding a track for analysis, encoding a synthesised one) before it is killed.</summary>
    public TimeSpan AudioProcessTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Video ffmpeg/ffprobe processes at once over the whole process (a running clip holds a decoder and an encoder).</summary>
    public int MaxConcurrentVideoProcesses { get; set; } = 4;

    /// <summary>Audio analyses at once (each one keeps a core busy).</summary>
    public int MaxConcurrentAudioProcesses { get; set; } = 1;

    /// <summary>The ffmpeg executable: in <see cref="BinaryFolder"/>, or looked up on the PATH.</summary>
    public string FfmpegPath => Binary("ffmpeg");

    /// <summary>The ffprobe executable: in <see cref="BinaryFolder"/>, or looked up on the PATH.</summary>
    public string FfprobePath => Binary("ffprobe");

    private string Binary(string name) => string.IsNullOrWhiteSpace(BinaryFolder) ? name : Path.Combine(BinaryFolder, name);
}

/// <summary>Checks <see cref="FfmpegOptions"/> at start, with one message per problem naming the setting.</summary>
public sealed class FfmpegOptionsValidator : IValidateOptions<FfmpegOptions>
{
    public ValidateOptionsResult Validate(string? name, FfmpegOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.BinaryFolder))
        {
            if (!Directory.Exists(options.BinaryFolder))
            {
                failures.Add($"Ffmpeg:BinaryFolder '{options.BinaryFolder}' does not exist (leave it empty to use ffmpeg and ffprobe from the PATH).");
            }
            else
            {
                foreach (var binary in new[] { options.FfmpegPath, options.FfprobePath })
                {
                    if (!File.Exists(binary))
                    {
                        failures.Add($"Ffmpeg:BinaryFolder '{options.BinaryFolder}' has no {Path.GetFileName(binary)}.");
                    }
                }
            }
        }
        Positive(failures, options.ProbeTimeout, nameof(FfmpegOptions.ProbeTimeout));
        Positive(failures, options.VideoProcessTimeout, nameof(FfmpegOptions.VideoProcessTimeout));
        Positive(failures, options.AudioProcessTimeout, nameof(FfmpegOptions.AudioProcessTimeout));
        if (options.MaxConcurrentVideoProcesses < 2)
        {
            failures.Add($"Ffmpeg:MaxConcurrentVideoProcesses is {options.MaxConcurrentVideoProcesses}; it must be at least 2 (a clip needs a decoder and an encoder at once).");
        }
        if (options.MaxConcurrentAudioProcesses < 1)
        {
            failures.Add($"Ffmpeg:MaxConcurrentAudioProcesses is {options.MaxConcurrentAudioProcesses}; it must be at least 1.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, TimeSpan value, string setting)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"Ffmpeg:{setting} is {value}; it must be positive.");
        }
    }
}
