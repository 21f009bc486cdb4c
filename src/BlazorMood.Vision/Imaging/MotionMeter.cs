namespace BlazorMood.Vision;

/// <summary>
/// How much of a stream's picture moved since its previous frame: the frame is shrunk in memory to a grid of
/// <see cref="Columns"/> × <see cref="Rows"/> brightness cells (a block average, which also averages the camera's
/// noise away), and the share of cells whose brightness changed by more than <see cref="CellThreshold"/> is the
/// motion, 0 (still) to 1 (everything moved). The median change of all cells is taken off first, so the camera's
/// exposure stepping brighter or darker does not read as motion. Only the grid of the last frame is kept; no picture.
/// One instance per stream; not thread-safe (a stream's frames come one at a time).
/// </summary>
public sealed class MotionMeter
{
    public const int Columns = 32;
    public const int Rows = 24;

    /// <summary>Brightness change (0..255 scale) of a cell that counts as moved; camera noise after block averaging stays under it.</summary>
    public const float CellThreshold = 10f;

    private readonly float[] _cells = new float[Columns * Rows];
    private readonly float[] _previous = new float[Columns * Rows];
    private readonly float[] _deltas = new float[Columns * Rows];
    private readonly float[] _sorted = new float[Columns * Rows];
    private int _width;
    private int _height;
    private bool _hasPrevious;
    private bool _compared;
    private float _shift;

    /// <summary>
    /// The share of the picture (0..1) that changed since the previous frame measured here; null for the first frame
    /// and after the frame size changed (nothing to compare with).
    /// </summary>
    public float? Measure(RgbFrame frame)
    {
        if (frame.Width < Columns || frame.Height < Rows)
        {
            Reset();
            return null;
        }
        Shrink(frame, _cells);
        float? motion = null;
        _compared = false;
        if (_hasPrevious && _width == frame.Width && _height == frame.Height)
        {
            motion = Compare();
            _compared = true;
        }
        Array.Copy(_cells, _previous, _cells.Length);
        _width = frame.Width;
        _height = frame.Height;
        _hasPrevious = true;
        return motion;
    }

    /// <summary>Forgets the previous frame (the camera was cut).</summary>
    public void Reset() => _hasPrevious = _compared = false;

    /// <summary>
    /// Whether anything moved, in the last <see cref="Measure"/>, in or next to <paramref name="box"/> (pixels of that
    /// frame): the cells the box touches and one cell around them. True when the last measure had nothing to compare
    /// with, so a caller never takes "unknown" for "still".
    /// </summary>
    public bool MovedNear(ImageBox box)
    {
        if (!_compared || _width <= 0 || _height <= 0)
        {
            return true;
        }
        var left = Math.Clamp((int)Math.Floor(box.X * Columns / _width) - 1, 0, Columns - 1);
        var right = Math.Clamp((int)Math.Floor(box.Right * Columns / _width) + 1, 0, Columns - 1);
        var top = Math.Clamp((int)Math.Floor(box.Y * Rows / _height) - 1, 0, Rows - 1);
        var bottom = Math.Clamp((int)Math.Floor(box.Bottom * Rows / _height) + 1, 0, Rows - 1);
        for (var row = top; row <= bottom; row++)
        {
            for (var column = left; column <= right; column++)
            {
                if (Math.Abs(_deltas[(row * Columns) + column] - _shift) > CellThreshold)
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Mean brightness of each cell, from every second pixel of every second row (plenty for a block average).</summary>
    private static void Shrink(RgbFrame frame, float[] cells)
    {
        var bytes = frame.Bytes;
        var width = frame.Width;
        var height = frame.Height;
        Span<int> sums = stackalloc int[Columns * Rows];
        Span<int> counts = stackalloc int[Columns * Rows];
        sums.Clear();
        counts.Clear();
        for (var y = 0; y < height; y += 2)
        {
            var row = y * Rows / height * Columns;
            var offset = y * width * 3;
            for (var x = 0; x < width; x += 2)
            {
                var i = offset + x * 3;
                // Integer Rec. 601 luma: 0.299 R + 0.587 G + 0.114 B.
                var luma = (77 * bytes[i] + 150 * bytes[i + 1] + 29 * bytes[i + 2]) >> 8;
                var cell = row + x * Columns / width;
                sums[cell] += luma;
                counts[cell]++;
            }
        }
        for (var c = 0; c < cells.Length; c++)
        {
            cells[c] = counts[c] > 0 ? (float)sums[c] / counts[c] : 0f;
        }
    }

    private float Compare()
    {
        for (var c = 0; c < _cells.Length; c++)
        {
            _deltas[c] = _cells[c] - _previous[c];
        }
        // The median change is the whole picture's brightness shift (exposure, a light switched on), not movement.
        Array.Copy(_deltas, _sorted, _deltas.Length);
        Array.Sort(_sorted);
        var shift = _sorted[_sorted.Length / 2];
        _shift = shift;
        var moved = 0;
        for (var c = 0; c < _deltas.Length; c++)
        {
            if (Math.Abs(_deltas[c] - shift) > CellThreshold)
            {
                moved++;
            }
        }
        return (float)moved / _deltas.Length;
    }
}
