using System.Diagnostics;
using BlazorMood.TestSupport;

namespace BlazorMood.Web.Tests.E2E;

/// <summary>
/// y4m clips for Chromium's fake webcam, made with ffmpeg from test photos into the test cache (never the
/// repository). 4:2:0 is required: Chromium rejects 4:4:4 clips with NotFoundError.
/// </summary>
public static class FakeCamera
{
    // The 512×512 astronaut centred on a 640×480 frame.
    private static readonly Lazy<string> AstronautLazy = new(() =>
        Make(TestAssets.AstronautPng, "astronaut-640x480.y4m", "scale=480:480,pad=640:480:80:0,format=yuv420p"));

    // Three people side by side (face-api's demo sample1.jpg, 3:2), letterboxed into 640×480.
    private static readonly Lazy<string> GroupLazy = new(() =>
        Make(TestAssets.FaceApiSample("sample1.jpg"), "group-640x480.y4m", "scale=640:-2,pad=640:480:(ow-iw)/2:(oh-ih)/2,format=yuv420p"));

    // A moving colour test pattern made by ffmpeg itself: no face, no third-party picture (for screenshots).
    private static readonly Lazy<string> TestPatternLazy = new(() =>
        Make(["-f", "lavfi", "-i", "testsrc2=size=640x480:rate=10"], "test-pattern-640x480.y4m", "format=yuv420p"));

    public static string AstronautClip => AstronautLazy.Value;

    /// <summary>ffmpeg's own test pattern: pages with the camera on, with nobody in view.</summary>
    public static string TestPatternClip => TestPatternLazy.Value;

    // A laughing face: the right-hand woman of face-api's demo sample1.jpg, cut out square and centred on 640×480.
    private static readonly Lazy<string> SmilingLazy = new(() =>
        Make(TestAssets.FaceApiSample("sample1.jpg"), "smiling-640x480.y4m", "crop=640:640:1180:60,scale=480:480,pad=640:480:80:0,format=yuv420p"));

    /// <summary>A laughing face (npm sample photo).</summary>
    public static string SmilingClip => SmilingLazy.Value;

    /// <summary>
    /// A development-set face picture (see <see cref="DevSetFaces"/>) at 60 % of the height of a grey 640×480 frame,
    /// as a webcam would show a head at arm's length.
    /// </summary>
    public static string DevSetFaceClip(string relativePath) =>
        Make(Path.Combine(DevSetFaces.Root, relativePath), "devset-" + Path.GetFileNameWithoutExtension(relativePath) + "-640x480.y4m",
            "scale=-2:288,pad=640:480:(ow-iw)/2:(oh-ih)/2:color=gray,format=yuv420p");

    /// <summary>A group photo (several faces at once): the kiosk's camera in a gym.</summary>
    public static string GroupClip => GroupLazy.Value;

    // The three people of face-api's demo sample1.jpg jumping together on a grey wall: the photo bounces 50 px up and
    // down twice a second (a jumping-jack pace) for 5 s, 10 frames a second. Made here from an npm sample photo.
    private static readonly Lazy<string> JumpingGroupLazy = new(() =>
        Make(["-f", "lavfi", "-i", "color=c=gray:size=640x480:rate=10:duration=5", "-loop", "1", "-i", TestAssets.FaceApiSample("sample1.jpg")],
            "jumping-group-640x480.y4m",
            "[1:v]scale=560:-2,setsar=1[people];[0:v][people]overlay=x=40:y='70+50*sin(2*PI*2*t)':shortest=1,format=yuv420p[out]",
            complex: true));

    /// <summary>
    /// People jumping in front of the kiosk's camera, made by the tests from an npm sample photo (no clip of the
    /// development set needed): the whole picture moves every frame, as a group doing jumping jacks does.
    /// </summary>
    public static string JumpingGroupClip => JumpingGroupLazy.Value;

    /// <summary>
    /// The first <paramref name="seconds"/> of a clip of the activity development set (see <see cref="ActivityClips"/>),
    /// letterboxed into 640×480: a person exercising in front of the kiosk's camera.
    /// </summary>
    public static string ActivityClip(string relativePath, int seconds) =>
        Make(["-i", Path.Combine(ActivityClips.Root, relativePath)], "activity-" + Path.GetFileNameWithoutExtension(relativePath) + $"-{seconds}s-640x480.y4m",
            "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,format=yuv420p", seconds: seconds);

    private static string Make(string photo, string name, string filter) => Make(["-loop", "1", "-i", photo], name, filter);

    /// <summary>
    /// Still pictures one after another, each for its seconds (then Chromium loops the whole): a face whose
    /// expression changes while the test runs. Two frames a second keep the file small; the page samples the camera
    /// at its own rate.
    /// </summary>
    public static string Sequence(string name, params (string Photo, string Filter, int Seconds)[] parts)
    {
        var input = new List<string>();
        var graph = new List<string>();
        for (var i = 0; i < parts.Length; i++)
        {
            input.AddRange(["-loop", "1", "-t", parts[i].Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", parts[i].Photo]);
            graph.Add($"[{i}:v]{parts[i].Filter},fps=2,format=yuv420p,setsar=1[p{i}]");
        }
        var concat = string.Concat(Enumerable.Range(0, parts.Length).Select(i => $"[p{i}]")) + $"concat=n={parts.Length}:v=1:a=0[out]";
        return Make([.. input], name, string.Join(';', graph) + ";" + concat, complex: true);
    }

    private static string Make(string[] input, string name, string filter, bool complex = false, int seconds = 1)
    {
        var folder = Path.Combine(TestAssets.CacheRoot, "fake-camera");
        Directory.CreateDirectory(folder);
        var clip = Path.Combine(folder, name);
        if (File.Exists(clip) && new FileInfo(clip).Length > 0)
        {
            return clip;
        }
        var partial = clip + ".partial";
        var psi = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // One second (a picture) or a few (a clip) at 10 fps (a sequence: its own length at 2 fps); Chromium loops the file.
        foreach (var a in complex
                     ? (string[])["-nostdin", "-y", "-loglevel", "error", .. input, "-filter_complex", filter, "-map", "[out]", "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", partial]
                     : [
                         "-nostdin", "-y", "-loglevel", "error", .. input, "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-r", "10",
                         "-vf", filter, "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", partial,
                     ])
        {
            psi.ArgumentList.Add(a);
        }
        using var ffmpeg = Process.Start(psi) ?? throw new InvalidOperationException("ffmpeg did not start");
        var errors = ffmpeg.StandardError.ReadToEnd();
        ffmpeg.WaitForExit();
        if (ffmpeg.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg failed ({ffmpeg.ExitCode}): {errors}");
        }
        File.Move(partial, clip, overwrite: true);
        return clip;
    }
}
