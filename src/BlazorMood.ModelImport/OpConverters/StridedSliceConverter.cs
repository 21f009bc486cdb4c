using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.OnnxBuild;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.OpConverters;

/// <summary>
/// TF StridedSlice with all five masks, as Slice → Squeeze (shrink_axis) → Unsqueeze (new_axis).
/// The sparse slice spec is first expanded against the input rank (which the ellipsis needs).
/// </summary>
internal sealed class StridedSliceConverter : IOpConverter
{
    public IReadOnlyList<string> Ops { get; } = ["StridedSlice"];

    public void Convert(TfjsNode node, ConversionContext ctx)
    {
        var info = ctx.InputInfo(node, 0);
        if (!info.HasRank)
        {
            throw new ConversionException($"Node {node}: StridedSlice needs a known input rank.");
        }
        var begin = ctx.RequireConstant(node, 1, "begin").AsInt64s();
        var end = ctx.RequireConstant(node, 2, "end").AsInt64s();
        var strides = ctx.RequireConstant(node, 3, "strides").AsInt64s();
        var masks = new SliceMasks(
            node.IntAttr("begin_mask", 0), node.IntAttr("end_mask", 0), node.IntAttr("ellipsis_mask", 0),
            node.IntAttr("new_axis_mask", 0), node.IntAttr("shrink_axis_mask", 0));
        var plan = Plan(begin, end, strides, masks, info.Shape!);

        var g = ctx.Graph;
        var value = ctx.Input(node, 0);
        var steps = plan.Slices;
        var lastStep = node.Name;
        var needSqueeze = plan.SqueezeAxes.Length > 0;
        var needUnsqueeze = plan.UnsqueezeAxes.Length > 0;
        if (steps.Count > 0)
        {
            var name = needSqueeze || needUnsqueeze ? node.Name + "/slice" : lastStep;
            value = g.Add("Slice", name,
            [
                value,
                g.Int64s([.. steps.Select(s => s.Start)]),
                g.Int64s([.. steps.Select(s => s.End)]),
                g.Int64s([.. steps.Select(s => (long)s.Axis)]),
                g.Int64s([.. steps.Select(s => s.Step)]),
            ]);
        }
        if (needSqueeze)
        {
            value = g.Add("Squeeze", needUnsqueeze ? node.Name + "/squeeze" : lastStep, [value, g.Int64s(plan.SqueezeAxes)]);
        }
        if (needUnsqueeze)
        {
            value = g.Add("Unsqueeze", lastStep, [value, g.Int64s(plan.UnsqueezeAxes)]);
        }
        if (steps.Count == 0 && !needSqueeze && !needUnsqueeze)
        {
            value = g.Add("Identity", lastStep, [value]);
        }
        ctx.SetOutput(node, value, new TensorInfo(info.Type, plan.OutputShape));
    }

    public readonly record struct SliceMasks(long Begin, long End, long Ellipsis, long NewAxis, long ShrinkAxis);

    public readonly record struct AxisSlice(int Axis, long Start, long End, long Step);

    /// <summary>Slice ranges on input axes, input axes to squeeze, output axes to insert, and the result shape.</summary>
    public sealed record SlicePlan(IReadOnlyList<AxisSlice> Slices, long[] SqueezeAxes, long[] UnsqueezeAxes, int[] OutputShape);

    public static SlicePlan Plan(long[] begin, long[] end, long[] strides, SliceMasks masks, int[] inputShape)
    {
        var n = begin.Length;
        if (end.Length != n || strides.Length != n)
        {
            throw new ConversionException("StridedSlice: begin, end and strides differ in length.");
        }
        static bool Bit(long mask, int i) => ((mask >> i) & 1) != 0;
        var rank = inputShape.Length;
        var slices = new List<AxisSlice>();
        var squeeze = new List<long>();
        var unsqueeze = new List<long>();
        var output = new List<int>();
        var dim = 0;
        for (var i = 0; i < n; i++)
        {
            if (Bit(masks.Ellipsis, i))
            {
                var later = Enumerable.Range(i + 1, n - i - 1).Count(j => !Bit(masks.NewAxis, j));
                var stop = rank - later;
                for (; dim < stop; dim++)
                {
                    output.Add(inputShape[dim]);
                }
                continue;
            }
            if (Bit(masks.NewAxis, i))
            {
                unsqueeze.Add(output.Count);
                output.Add(1);
                continue;
            }
            if (dim >= rank)
            {
                throw new ConversionException($"StridedSlice: the slice spec has more entries than the input has axes ({rank}).");
            }
            var step = strides[i];
            if (step == 0)
            {
                throw new ConversionException("StridedSlice: a stride of 0 is invalid.");
            }
            if (Bit(masks.ShrinkAxis, i))
            {
                // One element at begin; begin = -1 means the last element, whose exclusive end is "past the end".
                var b = begin[i];
                slices.Add(new AxisSlice(dim, b, b == -1 ? long.MaxValue : b + 1, 1));
                squeeze.Add(dim);
                dim++;
                continue;
            }
            var start = Bit(masks.Begin, i) ? (step > 0 ? 0 : long.MaxValue) : begin[i];
            var stopAt = Bit(masks.End, i) ? (step > 0 ? long.MaxValue : long.MinValue) : end[i];
            var size = inputShape[dim];
            var whole = size >= 0 && step == 1 && ClampStart(start, size, step) == 0 && ClampEnd(stopAt, size, step) == size;
            if (!whole)
            {
                slices.Add(new AxisSlice(dim, start, stopAt, step));
            }
            output.Add(size < 0 ? -1 : SliceLength(start, stopAt, step, size));
            dim++;
        }
        for (; dim < rank; dim++)
        {
            output.Add(inputShape[dim]);
        }
        return new SlicePlan(slices, [.. squeeze], [.. unsqueeze], [.. output]);
    }

    private static long ClampStart(long s, int size, long step)
    {
        if (s < 0)
        {
            s += size;
        }
        return step > 0 ? Math.Clamp(s, 0, size) : Math.Clamp(s, -1, size - 1);
    }

    private static long ClampEnd(long e, int size, long step)
    {
        if (e < 0 && e != long.MinValue)
        {
            e += size;
        }
        return step > 0 ? Math.Clamp(e, 0, size) : Math.Clamp(e, -1, size - 1);
    }

    private static int SliceLength(long start, long end, long step, int size)
    {
        var s = ClampStart(start, size, step);
        var e = ClampEnd(end, size, step);
        var len = step > 0 ? (e - s + step - 1) / step : (s - e + (-step) - 1) / -step;
        return (int)Math.Max(0, len);
    }
}
