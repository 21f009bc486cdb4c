using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BlazorMood.Bench.Infrastructure;

/// <summary>A printed table plus a JSON file: every benchmark reports through this.</summary>
public sealed class Report(string name, IReadOnlyList<string> columns)
{
    private readonly List<IReadOnlyList<string>> _rows = [];
    private readonly List<object> _records = [];

    public void Add(IReadOnlyList<string> cells, object record)
    {
        _rows.Add(cells);
        _records.Add(record);
    }

    public string ToTable()
    {
        var widths = columns.Select((c, i) => Math.Max(c.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        sb.AppendLine("| " + string.Join(" | ", columns.Select((c, i) => c.PadRight(widths[i]))) + " |");
        sb.AppendLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var r in _rows)
        {
            sb.AppendLine("| " + string.Join(" | ", r.Select((c, i) => c.PadRight(widths[i]))) + " |");
        }
        return sb.ToString();
    }

    /// <summary>Writes <c>{outDir}/{name}.json</c> with the machine description and every row's record.</summary>
    public async Task<string> WriteJsonAsync(string outDir, MachineInfo machine, object settings)
    {
        Directory.CreateDirectory(outDir);
        var path = Path.Combine(outDir, $"{name}.json");
        var doc = new { benchmark = name, machine, settings, results = _records };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        return path;
    }

    public static string Ms(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
}
