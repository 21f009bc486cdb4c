namespace BlazorMood.Vision;

/// <summary>The 17 COCO body keypoints, in MoveNet's output order.</summary>
public enum BodyPart
{
    Nose,
    LeftEye,
    RightEye,
    LeftEar,
    RightEar,
    LeftShoulder,
    RightShoulder,
    LeftElbow,
    RightElbow,
    LeftWrist,
    RightWrist,
    LeftHip,
    RightHip,
    LeftKnee,
    RightKnee,
    LeftAnkle,
    RightAnkle,
}

/// <summary>One keypoint in source-image pixels with MoveNet's confidence 0..1.</summary>
public sealed record PoseKeypoint(BodyPart Part, ImagePoint Position, float Score)
{
    /// <summary>camelCase name as Human uses it ("leftShoulder").</summary>
    public string Name => char.ToLowerInvariant(Part.ToString()[0]) + Part.ToString()[1..];
}

/// <summary>A single-person pose.</summary>
/// <param name="Crop">The square region of the image the model looked at (may extend past the image).</param>
/// <param name="RotationDegrees">Rotation applied to the crop before inference (0 unless the upright view scored low and a rotated one did better).</param>
/// <param name="Score">Mean keypoint score.</param>
/// <param name="Keypoints">All 17 keypoints in <see cref="BodyPart"/> order.</param>
public sealed record BodyPose(ImageBox Crop, int RotationDegrees, float Score, IReadOnlyList<PoseKeypoint> Keypoints)
{
    public PoseKeypoint this[BodyPart part] => Keypoints[(int)part];
}
