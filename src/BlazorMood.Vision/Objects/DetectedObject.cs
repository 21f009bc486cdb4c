namespace BlazorMood.Vision;

/// <summary>An object found by <see cref="ObjectDetector"/>.</summary>
/// <param name="ClassId">0-based COCO class index (0 = person, 1 = bicycle, …).</param>
/// <param name="Label">COCO label, e.g. "person".</param>
/// <param name="Score">Confidence 0..1.</param>
/// <param name="Box">Box in source-image pixels.</param>
public sealed record DetectedObject(int ClassId, string Label, float Score, ImageBox Box);

/// <summary>The 80 COCO class names in the order of CenterNet's class output.</summary>
public static class CocoLabels
{
    public const int Person = 0;
    public const int Bicycle = 1;

    public static IReadOnlyList<string> All { get; } =
    [
        "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
        "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
        "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
        "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
        "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
        "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed",
        "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven",
        "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
    ];
}
