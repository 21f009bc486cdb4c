using System.Globalization;
using BlazorMood.Video.Drawing;
using BlazorMood.Vision;

namespace BlazorMood.Video;

/// <summary>Burns the person box, skeleton, activity label and confidence into an rgb24 frame.</summary>
public static class FrameAnnotator
{
    private static readonly (BodyPart A, BodyPart B)[] Bones =
    [
        (BodyPart.LeftShoulder, BodyPart.RightShoulder), (BodyPart.LeftHip, BodyPart.RightHip),
        (BodyPart.LeftShoulder, BodyPart.LeftHip), (BodyPart.RightShoulder, BodyPart.RightHip),
        (BodyPart.LeftShoulder, BodyPart.LeftElbow), (BodyPart.LeftElbow, BodyPart.LeftWrist),
        (BodyPart.RightShoulder, BodyPart.RightElbow), (BodyPart.RightElbow, BodyPart.RightWrist),
        (BodyPart.LeftHip, BodyPart.LeftKnee), (BodyPart.LeftKnee, BodyPart.LeftAnkle),
        (BodyPart.RightHip, BodyPart.RightKnee), (BodyPart.RightKnee, BodyPart.RightAnkle),
        (BodyPart.Nose, BodyPart.LeftEye), (BodyPart.Nose, BodyPart.RightEye),
        (BodyPart.LeftEye, BodyPart.LeftEar), (BodyPart.RightEye, BodyPart.RightEar),
    ];

    public static readonly Rgb BoxColour = new(40, 220, 90);
    public static readonly Rgb LeftColour = new(255, 170, 30);
    public static readonly Rgb RightColour = new(40, 160, 255);
    public static readonly Rgb TextColour = new(255, 255, 255);

    /// <summary>The label text drawn for a window: "RUNNING 87%", "EXERCISING: SQUATS 74%", "NO PERSON".</summary>
    public static string LabelText(ActivityWindow? window)
    {
        if (window is null || window.Activity == ActivityKind.Unknown)
        {
            return "NO PERSON";
        }
        var name = window.Activity.Label().ToUpperInvariant();
        if (window.Exercise != ExerciseKind.None)
        {
            name += ": " + window.Exercise switch { ExerciseKind.PushUps => "PUSH-UPS", var e => e.ToString().ToUpperInvariant() };
        }
        return string.Create(CultureInfo.InvariantCulture, $"{name} {window.Confidence * 100:F0}%");
    }

    public static void Draw(Span<byte> rgb24, int width, int height, ImageBox? person, BodyPose? pose, float minScore, ActivityWindow? window)
    {
        var canvas = new FrameCanvas(rgb24, width, height);
        var thickness = Math.Max(1, width / 320);
        if (person is { } box)
        {
            canvas.DrawRect((int)box.X, (int)box.Y, (int)box.Width, (int)box.Height, BoxColour, thickness + 1);
        }
        if (pose is not null)
        {
            foreach (var (a, b) in Bones)
            {
                var ka = pose[a];
                var kb = pose[b];
                if (ka.Score >= minScore && kb.Score >= minScore)
                {
                    var colour = a.ToString().StartsWith("Left", StringComparison.Ordinal) && b.ToString().StartsWith("Left", StringComparison.Ordinal) ? LeftColour
                        : a.ToString().StartsWith("Right", StringComparison.Ordinal) && b.ToString().StartsWith("Right", StringComparison.Ordinal) ? RightColour
                        : BoxColour;
                    canvas.DrawLine((int)ka.Position.X, (int)ka.Position.Y, (int)kb.Position.X, (int)kb.Position.Y, colour, thickness + 1);
                }
            }
            foreach (var k in pose.Keypoints.Where(k => k.Score >= minScore))
            {
                canvas.DrawDot((int)k.Position.X, (int)k.Position.Y, thickness + 1, TextColour);
            }
        }

        // Font pixels: 1 up to 479 px wide, 2 at 480–719 (the default 640), 3 beyond.
        var scale = Math.Max(1, width / 240);
        var lines = new List<string> { LabelText(window) };
        if (window?.CadenceSpm is { } spm)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{spm:F0} STEPS/MIN"));
        }
        var pad = 3 * scale;
        var lineHeight = FrameCanvas.TextHeight(scale) + pad;
        var boxWidth = lines.Max(l => FrameCanvas.MeasureText(l, scale)) + (2 * pad);
        canvas.FillRect(pad, pad, boxWidth, (lines.Count * lineHeight) + pad, new Rgb(0, 0, 0), 0.6f);
        for (var i = 0; i < lines.Count; i++)
        {
            canvas.DrawText(2 * pad, 2 * pad + (i * lineHeight), lines[i], TextColour, scale);
        }
    }
}
