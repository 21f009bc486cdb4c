using System.Diagnostics;
using BlazorMood.TestSupport;

namespace BlazorMood.Web.Tests.Curation;

/// <summary>
/// The real host over a throw-away copy of some starter playlists, so admin changes never touch the repository's
/// <c>playlists/</c>. Deleted with the factory.
/// </summary>
public sealed class CurationWebFactory : BlazorMoodWebFactory
{
    public CurationWebFactory()
        : this(CopyLibrary())
    {
    }

    private CurationWebFactory(string root)
        : base(new Dictionary<string, string?> { ["Music:LibraryPath"] = root })
    {
        LibraryRoot = root;
    }

    public string LibraryRoot { get; }

    /// <summary>Copies the named starter playlists (metadata.json and audio) into a new temporary library.</summary>
    public static string CopyLibrary(params string[] playlists)
    {
        var root = Path.Combine(Path.GetTempPath(), "bm-curation-web-" + Guid.NewGuid().ToString("N"));
        foreach (var playlist in playlists.Length > 0 ? playlists : ["emotion_happy", "emotion_neutral", "emotion_sad", "activity_running"])
        {
            var to = Directory.CreateDirectory(Path.Combine(root, playlist)).FullName;
            foreach (var file in Directory.GetFiles(Path.Combine(TestAssets.RepoRoot, "playlists", playlist)))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }
        }
        return root;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try
            {
                Directory.Delete(LibraryRoot, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>Audio made by ffmpeg from lavfi sources (the only media these tests upload).</summary>
public static class GeneratedTracks
{
    /// <summary>A click track: a 5 ms 2 kHz burst on every beat at <paramref name="bpm"/>, with a title tag.</summary>
    public static byte[] Clicks(double bpm, double seconds, string title, string codec = "libvorbis", string extension = "ogg")
    {
        var path = Path.Combine(Path.GetTempPath(), $"bm-generated-{Guid.NewGuid():N}.{extension}");
        var period = (60 / bpm).ToString("0.######", System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            Run("-v", "error", "-y", "-f", "lavfi", "-i", $"aevalsrc=if(lt(mod(t\\,{period})\\,0.005)\\,sin(2*PI*2000*t)\\,0):s=22050:d={seconds}",
                "-c:a", codec, "-metadata", $"title={title}", "-metadata", "artist=Click Generator", path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void Run(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "ffmpeg failed: " + err);
    }
}
