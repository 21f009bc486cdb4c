namespace BlazorMood.Vision;

/// <summary>Where inference runs. See <see cref="ModelSessionFactory"/> for the exact behaviour of each.</summary>
public enum ExecutionProvider
{
    /// <summary>Try CUDA device 0; fall back to the CPU (one log line) when CUDA cannot be initialised.</summary>
    Auto,

    /// <summary>CPU only; CUDA is never tried.</summary>
    Cpu,

    /// <summary>CUDA device 0 or fail: start-up throws when CUDA cannot be initialised.</summary>
    Cuda,
}

/// <summary>Options of the vision library, bound from the configuration section <c>Vision</c>.</summary>
public sealed class VisionOptions
{
    public const string SectionName = "Vision";

    /// <summary>Folder of the ONNX models; relative paths resolve against the current directory, then the app base directory.</summary>
    public string ModelsPath { get; set; } = "models";

    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Auto;

    /// <summary>
    /// Threads one inference may use. 1 is the default because on small machines two intra-op threads
    /// were measured to be unreliable (sometimes slower), and a server runs several requests at once anyway.
    /// </summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Load every enabled model when the host starts, so a missing or corrupt file stops start-up instead of the first request.</summary>
    public bool ValidateOnStart { get; set; } = true;

    public FaceDetectorOptions FaceDetector { get; set; } = new();

    /// <summary>How a stream follows its faces between whole-frame detections (see <see cref="TrackingFaceDetector"/>).</summary>
    public FaceTrackingOptions FaceTracking { get; set; } = new();

    public EmotionOptions Emotion { get; set; } = new();

    /// <summary>face-api's expression net, the second emotion model (see <see cref="FaceExpressionClassifier"/>).</summary>
    public FaceExpressionOptions FaceExpression { get; set; } = new();

    /// <summary>The learned combination of the two emotion models (see <see cref="EmotionFusion"/>).</summary>
    public EmotionFusionOptions EmotionFusion { get; set; } = new();

    /// <summary>When a streamed face may keep the previous frame's emotion (see <see cref="EmotionReuseMemory"/>).</summary>
    public EmotionReuseOptions EmotionReuse { get; set; } = new();

    public PoseOptions Pose { get; set; } = new();

    public ObjectDetectorOptions Objects { get; set; } = new();

    public ImageDecoderOptions Decoder { get; set; } = new();
}

/// <summary>Options shared by every model.</summary>
public abstract class ModelOptions
{
    /// <summary>File name inside <see cref="VisionOptions.ModelsPath"/> (or an absolute path).</summary>
    public abstract string FileName { get; set; }

    /// <summary>A disabled model is never loaded, and its component throws when used.</summary>
    public bool Enabled { get; set; } = true;
}

public sealed class FaceDetectorOptions : ModelOptions
{
    public override string FileName { get; set; } = "blazeface.onnx";

    /// <summary>Minimum face score (after the sigmoid), 0..1.</summary>
    public float MinScore { get; set; } = 0.5f;

    /// <summary>Boxes overlapping a better one by more than this intersection-over-union are merged or dropped.</summary>
    public float IouThreshold { get; set; } = 0.3f;

    /// <summary>Most faces the detector returns per picture (the live view's own limit, Live:MaxFaces, is below it).</summary>
    public int MaxFaces { get; set; } = 50;

    /// <summary>
    /// Blend overlapping candidates weighted by score (MediaPipe's "weighted NMS") instead of keeping only the best;
    /// it steadies boxes and landmarks between video frames.
    /// </summary>
    public bool WeightedNms { get; set; } = true;

    /// <summary>Extra detector passes over overlapping tiles of large images, for small faces in group photos.</summary>
    public FaceTiling Tiling { get; set; } = FaceTiling.Auto;
}

/// <summary>
/// Following a stream's faces with BlazeFace's 128×128 front-camera model on a square around each face's last box,
/// instead of running the 256×256 model over the whole frame every time (≈ a quarter of its work per face).
/// </summary>
public sealed class FaceTrackingOptions : ModelOptions
{
    public override string FileName { get; set; } = "blazeface-front.onnx";

    /// <summary>Minimum face score in the region (after the sigmoid), 0..1.</summary>
    public float MinScore { get; set; } = 0.5f;

    /// <summary>
    /// Side of the searched square as a multiple of the face box's larger side: 2 leaves half a face of room on every
    /// side for the head to move between two frames and shows the face at about half the model's input, the size the
    /// front-camera model was made for.
    /// </summary>
    public float RegionScale { get; set; } = 2f;

    /// <summary>
    /// When the face is not in that square: side of a second, wider square (a multiple of the box's larger side) for a
    /// head that moved further in one frame, such as a quick turn, before giving up and searching the whole frame. There
    /// the face nearest its old centre is taken if it grew or shrank by at most 1.5× and its centre moved by at most
    /// 1.5 box sides. One more run of the small model (≈ 2.8 ms) instead of a whole-frame detection and a fresh
    /// classification with every model view (≈ 25 ms together). 0: no second look.
    /// </summary>
    public float WideRegionScale { get; set; } = 4f;

    /// <summary>Least overlap (intersection over union) of the face found in the region with the face's last box; less counts as lost.</summary>
    public float MinOverlap { get; set; } = 0.3f;

    /// <summary>
    /// A whole-frame detection at least every this many frames of a stream, which finds faces that came into view
    /// (25 at 10 fps: within 2.5 s). A face the tracker loses triggers one at once. 1: every frame (no tracking).
    /// </summary>
    public int FullDetectionEvery { get; set; } = 25;

    /// <summary>
    /// Most faces a frame follows; with more, the whole frame is searched. Each followed face is one run of the small
    /// model (≈ 2.8 ms against ≈ 12.5 ms for the whole-frame model on the 2-core machine of docs/benchmarks.md), so
    /// from about four faces on following them costs as much as searching the frame.
    /// </summary>
    public int MaxFaces { get; set; } = 3;
}

/// <summary>When <see cref="FaceDetector"/> also searches tiles of the image (each tile is one more detector run, ≈6 ms).</summary>
public enum FaceTiling
{
    /// <summary>Whole image only: fastest; faces under ≈ 1/12 of the image's long side are missed.</summary>
    Off,

    /// <summary>Tiles when more than one face is requested and the image is large enough for tiles to help.</summary>
    Auto,

    /// <summary>Tiles whenever the image is large enough for them to help, even for one face.</summary>
    Always,
}

/// <summary>
/// How the face is cut out for the emotion model. The model was trained on FER-2013-style crops
/// (brow to chin, near square, little background), so the crop imitates that framing; see the README.
/// </summary>
public sealed class EmotionOptions : ModelOptions
{
    public override string FileName { get; set; } = "emotion.onnx";

    /// <summary>Rotate the crop so that the eyes are level (needs the detector's eye landmarks).</summary>
    public bool AlignEyes { get; set; } = true;

    /// <summary>Side of the square crop as a multiple of the face scale (see <see cref="FaceScaleFromEyes"/>).</summary>
    public float CropScale { get; set; } = 2.6f;

    /// <summary>
    /// Where the eye line sits in the crop, as a fraction of its height from the top.
    /// Lower values put more forehead above the eyes.
    /// </summary>
    public float EyeLine { get; set; } = 0.44f;

    /// <summary>
    /// Face scale = max(inter-eye distance, eye-to-mouth distance × <see cref="MouthToEyeRatio"/>) when true;
    /// the detector box width when false. The landmark scale is steadier under pose changes than the box.
    /// </summary>
    public bool FaceScaleFromEyes { get; set; } = true;

    /// <summary>Converts the eye-midpoint-to-mouth distance into an equivalent inter-eye distance (≈ IOD / EM on frontal faces).</summary>
    public float MouthToEyeRatio { get; set; } = 0.95f;

    /// <summary>
    /// Render the crop at this many pixels and scale it up to the model's 64 (FER-2013 images are 48×48); 0 or 64
    /// renders directly at 64.
    /// </summary>
    public int SourceResolution { get; set; } = 64;

    /// <summary>Also classify the mirrored crop and average the two (≈ +0.5 points, ≈ +1 ms).</summary>
    public bool FlipAveraging { get; set; }
}

/// <summary>
/// How the face is cut out for face-api's expression net. face-api hands it its own detector's box (tight, brow to chin)
/// padded to a square; the defaults were measured on the development set (docs/accuracy.md).
/// </summary>
public sealed class FaceExpressionOptions : ModelOptions
{
    public override string FileName { get; set; } = "face-expression.onnx";

    /// <summary>Side of the square crop as a multiple of the BlazeFace box's larger side.</summary>
    public float BoxScale { get; set; } = 1.1f;

    /// <summary>Moves the crop's centre down (positive) or up by this fraction of its side.</summary>
    public float ShiftY { get; set; } = 0.05f;

    /// <summary>Rotate the crop so that the eyes are level.</summary>
    public bool AlignEyes { get; set; }

    /// <summary>Also classify the mirrored crop and average the two (one batched run).</summary>
    public bool FlipAveraging { get; set; } = true;
}

/// <summary>
/// The learned fusion of both emotion models: a linear layer and softmax over their log-probabilities, trained by
/// <c>blazormood train emotion-fusion</c>. Used only when both models are enabled.
/// </summary>
public sealed class EmotionFusionOptions
{
    /// <summary>Weights file (JSON) in <see cref="VisionOptions.ModelsPath"/>, unless rooted.</summary>
    public string FileName { get; set; } = "emotion-fusion.json";

    public bool Enabled { get; set; } = true;
}

public sealed class PoseOptions : ModelOptions
{
    public override string FileName { get; set; } = "movenet-lightning.onnx";

    /// <summary>Margin added around the person box on every side, as a fraction of its longer side.</summary>
    public float CropMargin { get; set; } = 0.15f;

    /// <summary>When the upright view's mean keypoint score is below this, rotated views (90°, 270°, 180°) are tried too; 0 disables.</summary>
    public float RotationRetryBelowScore { get; set; } = 0.3f;
}

public sealed class ObjectDetectorOptions : ModelOptions
{
    public override string FileName { get; set; } = "centernet.onnx";

    /// <summary>CenterNet's scores run low (clear people score 0.3–0.6), hence a low default; Human uses 0.2.</summary>
    public float MinScore { get; set; } = 0.25f;

    /// <summary>Class-wise non-maximum suppression threshold.</summary>
    public float IouThreshold { get; set; } = 0.4f;

    public int MaxObjects { get; set; } = 50;

    /// <summary>
    /// With a model whose input height is free (the committed one, see models/README.md): a picture wider than tall
    /// is fed at 512 px wide and only as high as it needs (in 32-row steps, plus one 32-row band of black below, which
    /// keeps the scores of people cut off by the bottom edge), instead of letterboxed into 512×512. A 16:9 frame then
    /// costs 320 rows instead of 512: 41 % less time, and the same people with scores within 0.05. Off by default: the
    /// small score changes re-rank people, so the upload pipeline sometimes follows another person; on the development
    /// clips that moved four clips (one net loss) and it turned a synthetic test clip of a still group from standing
    /// to walking (docs/accuracy.md). Turn it on where the detector's time matters more, after checking on your clips.
    /// </summary>
    public bool FitHeight { get; set; }
}

public sealed class ImageDecoderOptions
{
    /// <summary>Largest accepted image, in pixels (width × height); checked from the header before decoding.</summary>
    public long MaxPixels { get; set; } = 24_000_000;

    /// <summary>Largest accepted encoded size, in bytes, for streams.</summary>
    public long MaxBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// Largest PNG ancillary chunk (text, EXIF, anything lower-case); a webcam frame or photo carries a few hundred
    /// bytes of them. All ancillary chunks together may hold four times this.
    /// </summary>
    public int MaxAncillaryChunkBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Largest compressed PNG metadata chunk (zTXt, compressed iTXt, iCCP): deflate inflates about 1000:1, so this is
    /// the decompression-bomb guard. Real ICC profiles compress to a few KB.
    /// </summary>
    public int MaxCompressedChunkBytes { get; set; } = 16 * 1024;

    /// <summary>Largest single buffer the image decoder may allocate, in MB, whatever the file's header claims.</summary>
    public int MaxAllocationMegabytes { get; set; } = 256;

    /// <summary>Most memory the decoder's buffer pool keeps between decodes, in MB.</summary>
    public int MaxPoolMegabytes { get; set; } = 64;

    /// <summary>Decodes running at once in the process (0 = one per CPU core); more wait <see cref="QueueTimeout"/>.</summary>
    public int MaxConcurrentDecodes { get; set; }

    /// <summary>How long a decode waits for a free slot before it fails as busy (HTTP 503, a dropped live frame).</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(1);
}
