namespace BlazorMood.Vision.Imaging;

/// <summary>Greedy non-maximum suppression over boxes with scores.</summary>
internal static class NonMaxSuppression
{
    /// <summary>
    /// Groups candidates: repeatedly takes the best remaining one and every remaining candidate overlapping it by
    /// more than <paramref name="iouThreshold"/>. Each cluster lists its best candidate first. At most
    /// <paramref name="maxClusters"/> clusters, best first. Plain NMS keeps each cluster's first index;
    /// weighted NMS blends the members.
    /// </summary>
    public static List<List<int>> Cluster(IReadOnlyList<ImageBox> boxes, IReadOnlyList<float> scores, float iouThreshold, int maxClusters)
    {
        var order = Enumerable.Range(0, boxes.Count).ToArray();
        Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a]));
        var taken = new bool[boxes.Count];
        var clusters = new List<List<int>>();
        for (var oi = 0; oi < order.Length && clusters.Count < maxClusters; oi++)
        {
            var best = order[oi];
            if (taken[best])
            {
                continue;
            }
            taken[best] = true;
            var members = new List<int> { best };
            for (var oj = oi + 1; oj < order.Length; oj++)
            {
                var other = order[oj];
                if (!taken[other] && boxes[best].IntersectionOverUnion(boxes[other]) > iouThreshold)
                {
                    taken[other] = true;
                    members.Add(other);
                }
            }
            clusters.Add(members);
        }
        return clusters;
    }

    /// <summary>Plain NMS: indices of the kept boxes, best first.</summary>
    public static List<int> Suppress(IReadOnlyList<ImageBox> boxes, IReadOnlyList<float> scores, float iouThreshold, int maxKept) =>
        Cluster(boxes, scores, iouThreshold, maxKept).Select(c => c[0]).ToList();
}
