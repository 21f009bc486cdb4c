namespace BlazorMood.Cli.Emotion;

/// <summary>Calibration of predicted probabilities.</summary>
public static class Calibration
{
    /// <summary>
    /// Expected calibration error: the top-class confidences are put in <paramref name="bins"/> equal-width bins and the
    /// gap between mean confidence and accuracy in each bin is averaged, weighted by the bin's share of the samples.
    /// 0 means "80 % sure" is right 80 % of the time.
    /// </summary>
    public static double ExpectedCalibrationError(IReadOnlyList<(float Confidence, bool Correct)> predictions, int bins = 15)
    {
        if (predictions.Count == 0)
        {
            return 0;
        }
        var count = new int[bins];
        var confidence = new double[bins];
        var correct = new double[bins];
        foreach (var (c, ok) in predictions)
        {
            var b = Math.Clamp((int)(c * bins), 0, bins - 1);
            count[b]++;
            confidence[b] += c;
            correct[b] += ok ? 1 : 0;
        }
        double ece = 0;
        for (var b = 0; b < bins; b++)
        {
            if (count[b] > 0)
            {
                ece += (double)count[b] / predictions.Count * Math.Abs((confidence[b] - correct[b]) / count[b]);
            }
        }
        return ece;
    }
}
