using BlazorMood.Vision;

namespace BlazorMood.Video;

/// <summary>
/// Pose of the followed person in one frame, remembering which view worked. The full search — the person's box,
/// turned 90° each way when the person may be on their side (<see cref="SidewaysPose"/>), then the whole frame when
/// the box gave a poor pose — costs up to two dozen MoveNet runs on a hard frame and six on every frame of someone
/// lying down. But a person's orientation does not change in a tenth of a second, so after a search:
/// <list type="bullet">
/// <item>the winning orientation alone is tried on the next frames (in the person's current box), and kept while it stays good (a torso and a score of at
///   least <see cref="GoodScore"/>; upright views as the search accepts them), re-checked by a full search every
///   <c>recheckEvery</c> frames;</item>
/// <item>when even the search found nothing good (someone cut off at the waist, nobody there), its view is kept for
///   <c>poorRetryEvery</c> frames before searching again, instead of searching every frame.</item>
/// </list>
/// Upright people with a clear torso cost one run a frame, as before. One instance per clip, used by one stage.
/// </summary>
internal sealed class PoseSearch
{
    /// <summary>MoveNet's own bar for an upright view to need no rotated retry (PoseOptions.RotationRetryBelowScore's default).</summary>
    public const float GoodScore = 0.3f;

    private readonly PoseEstimator _poses;
    private readonly float _minKeypointScore;
    private readonly float _minPoseScore;
    private readonly int _recheckEvery;
    private readonly int _poorRetryEvery;
    private PoseTurn? _turn;
    private bool _viewIsPoor;
    private int _sinceSearch;

    public PoseSearch(PoseEstimator poses, float minKeypointScore, float minPoseScore, int recheckEvery, int poorRetryEvery)
    {
        _poses = poses;
        _minKeypointScore = minKeypointScore;
        _minPoseScore = minPoseScore;
        _recheckEvery = Math.Max(1, recheckEvery);
        _poorRetryEvery = Math.Max(1, poorRetryEvery);
    }

    /// <summary>Full searches so far (the rest of the estimates tried one remembered view).</summary>
    public int Searches { get; private set; }

    /// <summary>
    /// The pose in <paramref name="box"/> (the whole frame when null); null when nobody was found. The box returned is
    /// the one the pose came from (null: the whole frame).
    /// </summary>
    public (BodyPose? Pose, ImageBox? Box) Estimate(RgbFrame frame, ImageBox? box, bool wasSideways, CancellationToken ct)
    {
        BodyPose? upright = null;
        if (_turn is { } turn)
        {
            _sinceSearch++;
            if (_sinceSearch < (_viewIsPoor ? _poorRetryEvery : _recheckEvery))
            {
                // The person's current box (it follows the last pose, also after a whole-frame estimate) in the remembered orientation.
                var pose = SidewaysPose.EstimateTurned(_poses, frame, box, turn, ct);
                if (_viewIsPoor || IsGood(pose, frame, box, turn))
                {
                    return (pose.Score >= _minPoseScore ? pose : null, box);
                }
                upright = turn == PoseTurn.None ? pose : null;
            }
        }
        return Search(frame, box, wasSideways, upright, ct);
    }

    private (BodyPose? Pose, ImageBox? Box) Search(RgbFrame frame, ImageBox? box, bool wasSideways, BodyPose? upright, CancellationToken ct)
    {
        Searches++;
        _sinceSearch = 0;
        var (pose, turn) = SidewaysPose.EstimateWithTurn(_poses, frame, box, _minKeypointScore, wasSideways, upright, ct);
        var whole = box is null;
        if (pose.Score < _minPoseScore && box is not null)
        {
            // The detector's box can be poor for unusual postures (lying, rotated phone clips); the whole frame may do better.
            var (wholePose, wholeTurn) = SidewaysPose.EstimateWithTurn(_poses, frame, null, _minKeypointScore, wasSideways, null, ct);
            if (wholePose.Score > pose.Score)
            {
                (pose, turn, whole) = (wholePose, wholeTurn, true);
            }
        }
        _turn = turn;
        _viewIsPoor = !IsGood(pose, frame, whole ? null : box, turn);
        return (pose.Score >= _minPoseScore ? pose : null, whole ? null : box);
    }

    /// <summary>
    /// A view worth keeping without a search: turned views need a torso and <see cref="GoodScore"/>; the upright view
    /// what the search itself accepts without turning (a torso in a tall region, MoveNet not having rotated it).
    /// </summary>
    private bool IsGood(BodyPose pose, RgbFrame frame, ImageBox? region, PoseTurn turn)
    {
        if (!SidewaysPose.HasTorso(pose, _minKeypointScore) || pose.Score < _minPoseScore)
        {
            return false;
        }
        return turn != PoseTurn.None
            ? pose.Score >= GoodScore
            : pose.RotationDegrees == 0 && !SidewaysPose.IsWide(frame, region);
    }
}
