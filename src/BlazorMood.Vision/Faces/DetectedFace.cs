namespace BlazorMood.Vision;

/// <summary>
/// BlazeFace's six landmarks, in source-image pixels. "Right" and "left" are the person's own sides,
/// so in an unmirrored photo of someone facing the camera <see cref="RightEye"/> is the eye on the image's left.
/// </summary>
public sealed record FaceLandmarks(
    ImagePoint RightEye,
    ImagePoint LeftEye,
    ImagePoint Nose,
    ImagePoint Mouth,
    ImagePoint RightEar,
    ImagePoint LeftEar)
{
    /// <summary>Distance between the eye centres, in pixels.</summary>
    public float EyeDistance => RightEye.DistanceTo(LeftEye);

    /// <summary>Midpoint between the eyes.</summary>
    public ImagePoint EyeCenter => ImagePoint.Midpoint(RightEye, LeftEye);

    /// <summary>In-plane head rotation (roll) in degrees: the angle of the line from the right to the left eye; 0 when level, positive clockwise on screen.</summary>
    public float RollDegrees => MathF.Atan2(LeftEye.Y - RightEye.Y, LeftEye.X - RightEye.X) * (180f / MathF.PI);

    /// <summary>The landmarks in model order: right eye, left eye, nose, mouth, right ear, left ear.</summary>
    public IReadOnlyList<ImagePoint> ToList() => [RightEye, LeftEye, Nose, Mouth, RightEar, LeftEar];
}

/// <summary>A face found by <see cref="FaceDetector"/>.</summary>
/// <param name="Box">Face box in source-image pixels (not clipped to the image; may extend slightly past an edge).</param>
/// <param name="Score">Detector confidence 0..1.</param>
/// <param name="Landmarks">Eyes, nose, mouth and ears.</param>
public sealed record DetectedFace(ImageBox Box, float Score, FaceLandmarks Landmarks);
