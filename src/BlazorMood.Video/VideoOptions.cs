namespace BlazorMood.Video;

/// <summary>Options of the video pipeline, bound from the configuration section <c>Video</c>.</summary>
public sealed class VideoOptions
{
    public const string SectionName = "Video";

    /// <summary>Frames a second taken from the clip for analysis and for the annotated output.</summary>
    public double SampleFps { get; set; } = 10;

    /// <summary>Width the sampled frames are scaled to (height keeps the aspect ratio); smaller clips are not enlarged.</summary>
    public int ScaleWidth { get; set; } = 640;

    /// <summary>Longest clip accepted.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest file accepted, in bytes (50 MB).</summary>
    public long MaxFileBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>
    /// FFmpeg demuxers an upload may be read with (its <c>-format_whitelist</c>): the containers cameras and phones
    /// write — mov (MP4, MOV, 3GP, M4V), matroska (MKV, WebM), avi, mpegts (MTS/M2TS, TS), mpeg (MPEG-PS, VOB). Never
    /// playlists (hls), concat scripts or image sequences, which make ffmpeg open other files named inside the upload.
    /// </summary>
    public string AllowedFormats { get; set; } = "mov,matroska,avi,mpegts,mpeg";

    /// <summary>Largest frame side accepted (4K UHD is 3840); anything larger is treated as absurd.</summary>
    public int MaxResolution { get; set; } = 4096;

    /// <summary>Smallest frame side accepted: below this no person can be told apart.</summary>
    public int MinResolution { get; set; } = 32;

    /// <summary>
    /// The learned window classifier (ONNX, trained by <c>blazormood train activity</c>; its sidecar <c>.json</c> beside
    /// it). Disabled, the hand-set decision tree in <see cref="ActivityClassifier"/> labels the windows instead.
    /// </summary>
    public ActivityModelOptions Model { get; set; } = new();

    /// <summary>Seconds of pose that one posture decision looks at.</summary>
    public double WindowSeconds { get; set; } = 2;

    /// <summary>Seconds between window starts.</summary>
    public double HopSeconds { get; set; } = 0.5;

    /// <summary>Seconds of pose used for periodicity and cadence (centred on the window; a stride needs more than 2 s to repeat).</summary>
    public double PeriodicityWindowSeconds { get; set; } = 4;

    /// <summary>
    /// Run the person (and bicycle) detector on every k-th sampled frame (default: once a second at 10 fps); in between
    /// the person is followed by its own pose. While nobody is followed the detector runs every third frame.
    /// </summary>
    public int DetectEveryFrames { get; set; } = 10;

    /// <summary>
    /// While the followed person is still (see <see cref="StillDisplacement"/>), the detector runs on every k-th frame
    /// instead (default: every 3 s at 10 fps): its boxes only re-check a track the pose already holds.
    /// </summary>
    public int DetectEveryFramesWhenStill { get; set; } = 30;

    /// <summary>
    /// How many decoded frames the pose stage looks ahead to start the person detector early, on another thread, for
    /// the frame its schedule will detect next. A detector run costs as much as five or six pose estimates; started
    /// ahead it runs beside them on the second core instead of stopping the pose stage. Results are the same as
    /// without look-ahead (the detector sees the same frame; a run started for a frame the schedule then does not
    /// detect, because the person stopped or started moving, is discarded). 0 runs the detector in line.
    /// </summary>
    public int DetectAheadFrames { get; set; } = 6;

    /// <summary>
    /// While the followed person is still, pose is estimated on every k-th frame and the frames between get keypoints
    /// interpolated between two estimates — only when those two agree, otherwise they are estimated too, so any
    /// movement is sampled at the full rate. 1 estimates every frame.
    /// </summary>
    public int PoseEveryFramesWhenStill { get; set; } = 2;

    /// <summary>
    /// Largest movement of any confident keypoint between two pose estimates, in torso lengths, for the person to count
    /// as still. MoveNet's jitter on a still person in a clip reaches ≈ 0.05; a walking person's ankles move ≈ 0.3 in 0.1 s.
    /// At 0.15, frontal walking and fidgeting sitters (legs moving mostly towards the camera) were sometimes interpolated
    /// and misread on the biomechanical model; 0.1 never was.
    /// </summary>
    public float StillDisplacement { get; set; } = 0.1f;

    /// <summary>
    /// Frames between full pose searches (upright box, box turned 90° both ways, whole frame). In between only the
    /// orientation that won is tried, as long as it stays good; after a search that found no good view, the next one
    /// comes after half as many frames. 1 searches on every frame.
    /// </summary>
    public int PoseSearchEveryFrames { get; set; } = 10;

    /// <summary>Keypoints scoring below this are treated as missing.</summary>
    public float MinKeypointScore { get; set; } = 0.3f;

    /// <summary>Mean pose score below which a frame counts as "no person".</summary>
    public float MinPoseScore { get; set; } = 0.2f;

    /// <summary>Frames each pipeline channel holds before the stage before it waits (memory bound, not speed).</summary>
    public int ChannelCapacity { get; set; } = 8;

    /// <summary>
    /// Threads of the ffmpeg decoder. 0 (default): one thread for sources up to 1920×1080 — the pose stage keeps the
    /// other core busy, and on two cores one decoder thread was measured to use 20–30% less CPU for the same frames —
    /// and ffmpeg's own choice above that, where a single thread would become the bottleneck.
    /// </summary>
    public int DecoderThreads { get; set; }

    /// <summary>
    /// Whether the H.264/HEVC decoder skips its deblocking (loop) filter. It saves 18% of the decoder's CPU on 720p
    /// clips and changes no frame's timing, but it is off: with it, leave-one-source-out accuracy on the real
    /// development clips fell from 103 to 99 of 114 (docs/accuracy.md, "Detector and decoder changes of the eighth session"). MoveNet reads
    /// the blockier frames of compressed phone clips worse, even at half size.
    /// </summary>
    public bool DecoderSkipLoopFilter { get; set; }

    /// <summary>Threads of the libx264 encoder of the annotated output (a 640-wide stream at 10 fps needs one); 0 lets ffmpeg choose.</summary>
    public int EncoderThreads { get; set; } = 1;

    /// <summary>H.264 preset of the annotated output (libx264).</summary>
    public string EncoderPreset { get; set; } = "veryfast";

    /// <summary>H.264 constant rate factor of the annotated output.</summary>
    public int EncoderCrf { get; set; } = 26;

    /// <summary>Most progress reports a second.</summary>
    public double MaxProgressPerSecond { get; set; } = 4;
}

/// <summary>Where the learned activity model lives (a file name under <c>Vision:ModelsPath</c>, or an absolute path).</summary>
public sealed class ActivityModelOptions : BlazorMood.Vision.ModelOptions
{
    public override string FileName { get; set; } = "activity.onnx";
}
