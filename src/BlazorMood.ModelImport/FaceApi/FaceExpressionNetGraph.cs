using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.FaceApi;

/// <summary>
/// face-api's <c>FaceExpressionNet</c> as a TF.js graph model. face-api ships only a weights manifest and shards;
/// the network is defined in its TypeScript (<c>src/faceFeatureExtractor/FaceFeatureExtractor.ts</c>,
/// <c>denseBlock.ts</c>, <c>src/common/depthwiseSeparableConv.ts</c>, <c>src/faceProcessor/FaceProcessor.ts</c>,
/// <c>src/faceExpressionNet/FaceExpressionNet.ts</c> in the package). This writes that network out as graph-model
/// nodes named after the manifest's weights, so the ordinary converter turns it into ONNX and the weights are
/// read, dequantised and checked exactly as for Human's graph models.
/// </summary>
/// <remarks>
/// Contract of the result: input <c>input</c> float32 [N, 112, 112, 3], RGB 0..255, already padded to a square and
/// resized to 112 (face-api's <c>NetInput.toBatchTensor(112, true)</c>: centred zero padding, bilinear resize);
/// output <c>expressions</c> float32 [N, 7], softmax over
/// neutral, happy, sad, angry, fearful, disgusted, surprised (face-api's <c>FaceExpressions</c> order).
/// </remarks>
public static class FaceExpressionNetGraph
{
    public const int InputSize = 112;

    /// <summary>face-api's per-channel means, subtracted before dividing by 255.</summary>
    private static readonly float[] MeanRgb = [122.782f, 117.001f, 104.298f];

    private const string MeanConst = "normalize/mean_rgb";
    private const string ScaleConst = "normalize/scale";
    private const string FlattenShapeConst = "flatten/shape";

    /// <summary>Builds the graph model around the weights manifest at <paramref name="manifestPath"/>.</summary>
    public static TfjsGraphModel Build(string manifestPath)
    {
        var full = Path.GetFullPath(manifestPath);
        JsonNode manifest;
        try
        {
            manifest = JsonNode.Parse(File.ReadAllBytes(full)) ?? throw new InvalidDataException($"'{full}' is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{full}' is not a valid weights manifest: {e.Message}", e);
        }
        if (manifest is not JsonArray)
        {
            throw new InvalidDataException($"'{full}' is not a weights manifest (expected a JSON array of weight groups).");
        }
        var weightNames = manifest.AsArray()
            .SelectMany(g => g?["weights"]?.AsArray() ?? [])
            .Select(w => w?["name"]?.GetValue<string>() ?? "")
            .ToHashSet(StringComparer.Ordinal);

        var nodes = new JsonArray();
        var b = new Builder(nodes, weightNames, full);
        nodes.Add(Node("input", "Placeholder", [], new JsonObject
        {
            ["dtype"] = Type(),
            ["shape"] = new JsonObject { ["shape"] = Shape(-1, InputSize, InputSize, 3) },
        }));
        b.Const(MeanConst);
        b.Const(ScaleConst);
        b.Const(FlattenShapeConst, "DT_INT32");

        // normalize(x, meanRgb).div(255)
        var x = b.Op("normalize/sub", "Sub", "input", MeanConst);
        x = b.Op("normalize/div", "RealDiv", x, ScaleConst);
        x = b.DenseBlock4(x, "dense0", isFirstLayer: true);
        x = b.DenseBlock4(x, "dense1");
        x = b.DenseBlock4(x, "dense2");
        x = b.DenseBlock4(x, "dense3");
        x = b.Op("avg_pool", "AvgPool", [x], new JsonObject
        {
            ["ksize"] = IntList(1, 7, 7, 1),
            ["strides"] = IntList(1, 2, 2, 1),
            ["padding"] = Str("VALID"),
            ["data_format"] = Str("NHWC"),
            ["T"] = Type(),
        });
        // bottleneckFeatures.as2D(batch, -1) → fully connected → softmax.
        x = b.Op("flatten", "Reshape", x, FlattenShapeConst);
        var fcWeights = b.Weight("fc/weights");
        x = b.Op("fc/matmul", "MatMul", [x, fcWeights], new JsonObject
        {
            ["transpose_a"] = new JsonObject { ["b"] = false },
            ["transpose_b"] = new JsonObject { ["b"] = false },
            ["T"] = Type(),
        });
        x = b.Op("fc/add", "AddV2", x, b.Weight("fc/bias"));
        b.Op("expressions", "Softmax", [x], new JsonObject { ["T"] = Type() });

        var model = new JsonObject
        {
            ["format"] = "graph-model",
            ["generatedBy"] = "face-api FaceExpressionNet (network defined in @vladmandic/face-api src/faceExpressionNet)",
            ["convertedBy"] = "BlazorMood.ModelImport FaceExpressionNetGraph",
            ["modelTopology"] = new JsonObject { ["node"] = nodes },
            ["weightsManifest"] = manifest.DeepClone(),
            ["signature"] = new JsonObject
            {
                ["inputs"] = new JsonObject { ["input:0"] = SignatureTensor("input:0", -1, InputSize, InputSize, 3) },
                ["outputs"] = new JsonObject { ["expressions:0"] = SignatureTensor("expressions:0", -1, 7) },
            },
        };
        return TfjsGraphModel.Parse(Encoding.UTF8.GetBytes(model.ToJsonString()), full);
    }

    /// <summary>The constants the code adds around the manifest's weights (normalisation and the flatten shape).</summary>
    public static IReadOnlyDictionary<string, TensorData> ExtraConstants { get; } = new Dictionary<string, TensorData>(StringComparer.Ordinal)
    {
        [MeanConst] = TensorData.Floats([3], MeanRgb),
        [ScaleConst] = TensorData.Floats([], [255f]),
        [FlattenShapeConst] = TensorData.Int32s([2], [-1, 256]),
    };

    /// <summary>The manifest's weights plus <see cref="ExtraConstants"/>.</summary>
    public static IReadOnlyDictionary<string, TensorData> ReadWeights(TfjsGraphModel graph)
    {
        var weights = new Dictionary<string, TensorData>(TfjsWeightReader.ReadAll(graph), StringComparer.Ordinal);
        foreach (var (name, value) in ExtraConstants)
        {
            weights.Add(name, value);
        }
        return weights;
    }

    private sealed class Builder(JsonArray nodes, HashSet<string> weightNames, string source)
    {
        private readonly HashSet<string> _consts = new(StringComparer.Ordinal);

        public void Const(string name, string dtype = "DT_FLOAT")
        {
            if (_consts.Add(name))
            {
                nodes.Add(Node(name, "Const", [], new JsonObject { ["dtype"] = new JsonObject { ["type"] = dtype } }));
            }
        }

        /// <summary>A Const node for a manifest weight; a weight the manifest lacks fails here, naming the file.</summary>
        public string Weight(string name)
        {
            if (!weightNames.Contains(name))
            {
                throw new InvalidDataException($"The weights manifest '{source}' has no weight '{name}', which FaceExpressionNet needs.");
            }
            Const(name);
            return name;
        }

        public string Op(string name, string op, string a, string b) => Op(name, op, [a, b], new JsonObject { ["T"] = Type() });

        public string Op(string name, string op, string[] inputs, JsonObject attrs)
        {
            nodes.Add(Node(name, op, inputs, attrs));
            return name;
        }

        /// <summary>
        /// denseBlock4: out1 = relu(conv0(x)); out2..out4 are separable convs of the running relu'd sums, and the
        /// block returns relu(out1 + out2 + out3 + out4). The sums keep face-api's association order
        /// (out1 + (out2 + (out3 + out4))) so float rounding matches TF.js.
        /// </summary>
        public string DenseBlock4(string x, string block, bool isFirstLayer = false)
        {
            string out1;
            if (isFirstLayer)
            {
                out1 = Conv($"{block}/conv0", "_FusedConv2D", x, Weight($"{block}/conv0/filters"), Weight($"{block}/conv0/bias"), 2, "SAME", relu: true);
            }
            else
            {
                out1 = SeparableConv($"{block}/conv0", x, 2, relu: true);
            }
            var out2 = SeparableConv($"{block}/conv1", out1, 1);
            var in3 = Op($"{block}/in3", "Relu", [Op($"{block}/in3/add", "AddV2", out1, out2)], new JsonObject { ["T"] = Type() });
            var out3 = SeparableConv($"{block}/conv2", in3, 1);
            var sum23 = Op($"{block}/in4/add23", "AddV2", out2, out3);
            var in4 = Op($"{block}/in4", "Relu", [Op($"{block}/in4/add", "AddV2", out1, sum23)], new JsonObject { ["T"] = Type() });
            var out4 = SeparableConv($"{block}/conv3", in4, 1);
            var sum34 = Op($"{block}/out/add34", "AddV2", out3, out4);
            var sum234 = Op($"{block}/out/add234", "AddV2", out2, sum34);
            return Op($"{block}/out", "Relu", [Op($"{block}/out/add", "AddV2", out1, sum234)], new JsonObject { ["T"] = Type() });
        }

        /// <summary>tf.separableConv2d(x, depthwise, pointwise, stride, 'same') + bias: a strided depthwise conv, then a 1×1 conv.</summary>
        private string SeparableConv(string name, string x, int stride, bool relu = false)
        {
            var dw = Conv(name + "/depthwise", "DepthwiseConv2dNative", x, Weight(name + "/depthwise_filter"), null, stride, "SAME", relu: false);
            return Conv(name + "/pointwise", "_FusedConv2D", dw, Weight(name + "/pointwise_filter"), Weight(name + "/bias"), 1, "VALID", relu);
        }

        private string Conv(string name, string op, string x, string filter, string? bias, int stride, string padding, bool relu)
        {
            var attrs = new JsonObject
            {
                ["strides"] = IntList(1, stride, stride, 1),
                ["padding"] = Str(padding),
                ["data_format"] = Str("NHWC"),
                ["dilations"] = IntList(1, 1, 1, 1),
                ["T"] = Type(),
            };
            string[] inputs = bias is null ? [x, filter] : [x, filter, bias];
            if (op == "_FusedConv2D")
            {
                var fused = new JsonArray(B64("BiasAdd"));
                if (relu)
                {
                    fused.Add(B64("Relu"));
                }
                attrs["fused_ops"] = new JsonObject { ["list"] = new JsonObject { ["s"] = fused } };
                attrs["num_args"] = new JsonObject { ["i"] = "1" };
            }
            return Op(name, op, inputs, attrs);
        }
    }

    private static JsonObject Node(string name, string op, string[] inputs, JsonObject attrs) => new()
    {
        ["name"] = name,
        ["op"] = op,
        ["input"] = new JsonArray(inputs.Select(i => (JsonNode)JsonValue.Create(i)!).ToArray()),
        ["attr"] = attrs,
    };

    private static JsonObject Type() => new() { ["type"] = "DT_FLOAT" };

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private static JsonObject Str(string s) => new() { ["s"] = B64(s) };

    private static JsonObject IntList(params int[] values) =>
        new() { ["list"] = new JsonObject { ["i"] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v.ToString(System.Globalization.CultureInfo.InvariantCulture))!).ToArray()) } };

    private static JsonObject Shape(params int[] dims) =>
        new() { ["dim"] = new JsonArray(dims.Select(d => (JsonNode)new JsonObject { ["size"] = d.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToArray()) };

    private static JsonObject SignatureTensor(string name, params int[] dims) => new()
    {
        ["name"] = name,
        ["dtype"] = "DT_FLOAT",
        ["tensorShape"] = Shape(dims),
    };
}
