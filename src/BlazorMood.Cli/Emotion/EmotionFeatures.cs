using System.Globalization;
using System.Text;
using BlazorMood.Vision;

namespace BlazorMood.Cli.Emotion;

/// <summary>
/// Both models' probabilities for one labelled face of the development set: what the fusion learns from and what the
/// committed test fixture holds (numbers and names only, never pixels).
/// </summary>
/// <param name="Source">Development source (fer2013, ckplus, muxspace).</param>
/// <param name="File">File name in the assembled set.</param>
/// <param name="Group">Faces that must stay on one side of a split (a CK+ subject; otherwise the file).</param>
/// <param name="Label">True class.</param>
/// <param name="Detected">Whether BlazeFace found the face in the frame (else both models saw the whole image).</param>
/// <param name="Human">Human's mini-Xception, seven probabilities in <see cref="EmotionLabels.All"/> order.</param>
/// <param name="FaceApi">face-api's expression net, same order.</param>
public sealed record EmotionFeatureRow(string Source, string File, string Group, string Label, bool Detected, float[] Human, float[] FaceApi)
{
    public int LabelIndex => IndexOf(Label);

    public static int IndexOf(string label)
    {
        for (var i = 0; i < EmotionLabels.All.Count; i++)
        {
            if (EmotionLabels.All[i] == label)
            {
                return i;
            }
        }
        throw new FormatException($"'{label}' is not one of {string.Join(", ", EmotionLabels.All)}.");
    }

    /// <summary>The fusion's input: ln of both models' probabilities, floored as at run time.</summary>
    public float[] Features()
    {
        var x = new float[2 * Human.Length];
        EmotionFusionModel.FeaturesOf(EmotionPrediction(Human), EmotionPrediction(FaceApi), x);
        return x;
    }

    private static EmotionPrediction EmotionPrediction(float[] p)
    {
        var best = 0;
        var dict = new Dictionary<string, float>();
        for (var i = 0; i < p.Length; i++)
        {
            dict[EmotionLabels.All[i]] = p[i];
            best = p[i] > p[best] ? i : best;
        }
        return new EmotionPrediction((Vision.Emotion)best, p[best], dict);
    }
}

/// <summary>Reads and writes feature rows as TSV (invariant culture, 6 decimals: enough for the fusion, small in git).</summary>
public static class EmotionFeatureFile
{
    private static readonly string[] Head =
        ["source", "file", "group", "label", "detected", .. EmotionLabels.All.Select(l => "human_" + l), .. EmotionLabels.All.Select(l => "faceapi_" + l)];

    public static void Write(string path, IEnumerable<EmotionFeatureRow> rows)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join('\t', Head)).Append('\n');
        foreach (var r in rows)
        {
            sb.Append(r.Source).Append('\t').Append(r.File).Append('\t').Append(r.Group).Append('\t').Append(r.Label).Append('\t').Append(r.Detected ? '1' : '0');
            foreach (var v in r.Human.Concat(r.FaceApi))
            {
                sb.Append('\t').Append(v.ToString("0.######", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        Directory.CreateDirectory(dir!);
        File.WriteAllText(path + ".tmp", sb.ToString());
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public static IReadOnlyList<EmotionFeatureRow> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != string.Join('\t', Head))
        {
            throw new FormatException($"{path} is not an emotion feature file (expected the header '{string.Join(' ', Head)}').");
        }
        var n = EmotionLabels.All.Count;
        var rows = new List<EmotionFeatureRow>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }
            var f = lines[i].Split('\t');
            if (f.Length != Head.Length)
            {
                throw new FormatException($"{path}:{i + 1}: {f.Length} columns, expected {Head.Length}.");
            }
            var p = f.Skip(5).Select(v => float.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
            var row = new EmotionFeatureRow(f[0], f[1], f[2], f[3], f[4] == "1", p[..n], p[n..]);
            _ = row.LabelIndex;
            rows.Add(row);
        }
        return rows;
    }
}
