using System.Diagnostics;
using System.Text.Json.Nodes;
using BlazorMood.Music.Curation;
using BlazorMood.Music.Library;
using BlazorMood.Music.Recommendation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlazorMood.Music.Tests.Curation;

/// <summary>
/// A temporary library with the real music services and curation over it (no watcher: the curator reloads itself),
/// and ffmpeg-generated audio. Disposing deletes the folder.
/// </summary>
internal sealed class CurationHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public CurationHarness(Action<CurationOptions>? configure = null, DateTimeOffset? now = null, bool watch = false)
    {
        Root = Path.Combine(Path.GetTempPath(), "bm-curation-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Time = new ManualTime(now ?? new DateTimeOffset(2026, 11, 24, 15, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(Time);
        services.AddMusic(o =>
        {
            o.LibraryPath = Root;
            o.WatchForChanges = watch;
            o.ReloadDebounce = TimeSpan.FromMilliseconds(100);
            o.Recommender.RandomSeed = 7;
            o.Recommender.FeedbackWeight = 0;
        });
        services.AddLibraryCuration(o => configure?.Invoke(o));
        _services = services.BuildServiceProvider();
    }

    public string Root { get; }

    public ManualTime Time { get; }

    public LibraryCurator Curator => _services.GetRequiredService<LibraryCurator>();

    public CurationStore Store => _services.GetRequiredService<CurationStore>();

    public MusicLibrary Library => _services.GetRequiredService<MusicLibrary>();

    public Recommender Recommender => _services.GetRequiredService<Recommender>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public string PlaylistDir(string name) => Path.Combine(Root, name);

    public string MetadataPath(string name) => Path.Combine(Root, name, PlaylistLoader.MetadataFileName);

    /// <summary>A playlist in the original format with <paramref name="count"/> generated tracks (sine tones, Opus).</summary>
    public string AddPlaylist(string name, int count, double seconds = 2)
    {
        var dir = PlaylistDir(name);
        Directory.CreateDirectory(dir);
        var entries = new JsonArray();
        for (var i = 1; i <= count; i++)
        {
            var file = $"{name}-{i:00}.opus";
            GeneratedAudio.Write(Path.Combine(dir, file), "libopus", seconds, 220 * i);
            entries.Add(new JsonObject { ["title"] = $"{name} {i}", ["artist"] = "Tone", ["duration"] = seconds, ["filepath"] = file, ["bpm"] = 90 + i });
        }
        File.WriteAllText(MetadataPath(name), entries.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        Library.ReloadAsync().GetAwaiter().GetResult();
        return dir;
    }

    public Track Track(string playlist, int index) => Library.Current.FindPlaylist(playlist)!.Tracks[index];

    /// <summary>Every file under the root except the curation state folder, with its bytes' hash: "nothing else changed" checks.</summary>
    public IReadOnlyDictionary<string, string> LibraryFiles() => Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
        .Where(f => !Path.GetRelativePath(Root, f).StartsWith(CurationOptions.StateFolderName, StringComparison.Ordinal))
        .ToDictionary(f => Path.GetRelativePath(Root, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));

    public string[] Incoming() => Directory.Exists(Path.Combine(Root, CurationOptions.StateFolderName, "incoming"))
        ? Directory.GetFiles(Path.Combine(Root, CurationOptions.StateFolderName, "incoming"))
        : [];

    public void Dispose()
    {
        _services.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Audio made by ffmpeg from a lavfi sine (the only media these tests use).</summary>
internal static class GeneratedAudio
{
    /// <summary>Encoders of Debian's ffmpeg for each accepted upload format, with the extension the library must choose.</summary>
    public static IEnumerable<object[]> Formats =>
    [
        ["mp3", "libmp3lame", ".mp3"],
        ["ogg", "libvorbis", ".ogg"],
        ["opus", "libopus", ".opus"],
        ["wav", "pcm_s16le", ".wav"],
        ["flac", "flac", ".flac"],
        ["m4a", "aac", ".m4a"],
    ];

    public static void Write(string path, string codec, double seconds, double frequency = 440, IReadOnlyDictionary<string, string>? tags = null, string? format = null)
    {
        var args = new List<string> { "-v", "error", "-y", "-f", "lavfi", "-i", $"sine=frequency={frequency}:duration={seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}", "-c:a", codec };
        foreach (var (k, v) in tags ?? new Dictionary<string, string>())
        {
            args.AddRange(["-metadata", $"{k}={v}"]);
        }
        if (format is not null)
        {
            args.AddRange(["-f", format]);
        }
        args.Add(path);
        Run("ffmpeg", args);
    }

    /// <summary>A click track at <paramref name="bpm"/> (2 kHz bursts on every beat): real audio with a measurable tempo.</summary>
    public static void WriteClicks(string path, string codec, double bpm, double seconds, string? format = null)
    {
        var expr = $"if(lt(mod(t\\,{(60 / bpm).ToString("0.######", System.Globalization.CultureInfo.InvariantCulture)})\\,0.005)\\,sin(2*PI*2000*t)\\,0)";
        var args = new List<string> { "-v", "error", "-y", "-f", "lavfi", "-i", $"aevalsrc={expr}:s=22050:d={seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}", "-c:a", codec };
        if (format is not null)
        {
            args.AddRange(["-f", format]);
        }
        args.Add(path);
        Run("ffmpeg", args);
    }

    public static void Run(string exe, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{exe} failed: {err}");
    }
}

/// <summary>A stream that yields some bytes of a real file, then fails (a dropped connection mid-upload).</summary>
internal sealed class FailingStream(byte[] data, int failAfter) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => data.Length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_position >= failAfter)
        {
            throw new IOException("The client went away.");
        }
        var n = Math.Min(count, Math.Min(failAfter, data.Length) - _position);
        Array.Copy(data, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
