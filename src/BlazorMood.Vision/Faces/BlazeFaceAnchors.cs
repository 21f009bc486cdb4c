namespace BlazorMood.Vision.Faces;

/// <summary>
/// Anchor centres of the 256×256 BlazeFace ("back camera") model, in input pixels: a 16×16 grid (stride 16)
/// with 2 anchors per cell, then an 8×8 grid (stride 32) with 6 per cell — 512 + 384 = 896, in the order of the
/// model's two output heads. Box and landmark regressions are pixel offsets from these centres.
/// </summary>
internal static class BlazeFaceAnchors
{
    public static float[] Generate(int inputSize)
    {
        (int Stride, int PerCell)[] layers = [(inputSize / 16, 2), (inputSize / 8, 6)];
        var count = 0;
        foreach (var (stride, perCell) in layers)
        {
            var cells = (inputSize + stride - 1) / stride;
            count += cells * cells * perCell;
        }
        // Interleaved x, y.
        var anchors = new float[count * 2];
        var i = 0;
        foreach (var (stride, perCell) in layers)
        {
            var cells = (inputSize + stride - 1) / stride;
            for (var gy = 0; gy < cells; gy++)
            {
                for (var gx = 0; gx < cells; gx++)
                {
                    for (var n = 0; n < perCell; n++)
                    {
                        anchors[i++] = stride * (gx + 0.5f);
                        anchors[i++] = stride * (gy + 0.5f);
                    }
                }
            }
        }
        return anchors;
    }
}
