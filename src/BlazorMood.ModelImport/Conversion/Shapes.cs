namespace BlazorMood.ModelImport.Conversion;

/// <summary>Shape arithmetic for static shape inference; -1 is an unknown dimension, null an unknown rank.</summary>
public static class Shapes
{
    /// <summary>NumPy-style broadcasting, the rule both TF and ONNX use for elementwise ops.</summary>
    public static int[]? Broadcast(int[]? a, int[]? b)
    {
        if (a is null || b is null)
        {
            return null;
        }
        var rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            var db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            result[i] = (da, db) switch
            {
                (1, _) => db,
                (_, 1) => da,
                (-1, _) => db,
                (_, -1) => da,
                _ when da == db => da,
                _ => throw new ConversionException($"Shapes [{string.Join(',', a)}] and [{string.Join(',', b)}] do not broadcast."),
            };
        }
        return result;
    }

    /// <summary>An axis that may be negative (counted from the end), made non-negative.</summary>
    public static int NormalizeAxis(long axis, int rank)
    {
        var a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw new ConversionException($"Axis {axis} is out of range for rank {rank}.");
        }
        return (int)a;
    }

    public static int[] Permute(int[] shape, IReadOnlyList<int> perm) => perm.Select(p => shape[p]).ToArray();

    /// <summary>Result shape of a reshape with a target that may hold one -1 (inferred) entry.</summary>
    public static int[] Reshape(int[]? input, long[] target)
    {
        var result = target.Select(t => checked((int)t)).ToArray();
        var inferred = Array.IndexOf(result, -1);
        if (inferred >= 0)
        {
            if (input is null || input.Any(d => d < 0))
            {
                return result;
            }
            var known = result.Where((d, i) => i != inferred).Aggregate(1, (x, y) => x * y);
            result[inferred] = known == 0 ? 0 : TensorData.ElementCount(input) / known;
        }
        return result;
    }
}
