using System.Text.Json;
using BlazorMood.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace BlazorMood.Cli.Tests;

/// <summary>The evaluation command end to end, with the real models on real photos.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "Models")]
public sealed class EvalEmotionCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("eval-emotion-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Scores_a_labelled_folder_counts_faceless_images_as_misses_and_writes_json()
    {
        Directory.CreateDirectory(Path.Combine(_root, "happy"));
        Directory.CreateDirectory(Path.Combine(_root, "Sad"));
        Directory.CreateDirectory(Path.Combine(_root, "not-a-class"));
        File.Copy(TestAssets.AstronautPng, Path.Combine(_root, "happy", "astronaut.png"));
        using (var blank = new Image<Rgb24>(160, 120, new Rgb24(128, 128, 128)))
        {
            await blank.SaveAsPngAsync(Path.Combine(_root, "Sad", "blank.png"));
        }
        await File.WriteAllTextAsync(Path.Combine(_root, "happy", "notes.txt"), "ignored: not an image");
        var json = Path.Combine(_root, "report.json");

        var (code, output, errors) = await Run("eval", "emotion", _root, "--json", json, "--models", TestAssets.ModelsDir);

        Assert.Equal(0, code);
        Assert.Contains("accuracy: 50.0", output, StringComparison.Ordinal);
        Assert.Contains("not-a-class", errors, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var r = doc.RootElement;
        Assert.Equal(2, r.GetProperty("total").GetInt32());
        Assert.Equal(1, r.GetProperty("misses").GetInt32());
        var samples = r.GetProperty("samples").EnumerateArray().ToDictionary(s => s.GetProperty("truth").GetString()!);
        Assert.Equal("happy", samples["happy"].GetProperty("predicted").GetString());
        Assert.Equal(JsonValueKind.Null, samples["sad"].GetProperty("predicted").ValueKind);
        Assert.Equal("no face found", samples["sad"].GetProperty("note").GetString());
    }

    [Fact]
    public async Task Whole_image_mode_classifies_a_pre_cropped_face_without_detection()
    {
        Directory.CreateDirectory(Path.Combine(_root, "happy"));
        // A tight crop of the astronaut's face, the way FER-2013 images are framed (grayscale, 48×48).
        using (var image = Image.Load<Rgb24>(TestAssets.AstronautPng))
        {
            var analysis = FaceCrop.OfLargestFace(image, TestAssets.ModelsDir);
            image.Mutate(c => c.Crop(analysis).Resize(48, 48).Grayscale());
            await image.SaveAsPngAsync(Path.Combine(_root, "happy", "crop.png"));
        }
        var json = Path.Combine(_root, "r.json");

        var (code, _, _) = await Run("eval", "emotion", _root, "--whole-image", "--json", json, "--models", TestAssets.ModelsDir);

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        Assert.Equal("whole-image", doc.RootElement.GetProperty("mode").GetString());
        Assert.Equal(0, doc.RootElement.GetProperty("misses").GetInt32());
        Assert.Equal(1.0, doc.RootElement.GetProperty("accuracy").GetDouble());
    }

    [Theory]
    [InlineData()]
    [InlineData("eval")]
    [InlineData("eval", "activity-typo", "x")]
    [InlineData("eval", "emotion", "/no/such/folder")]
    [InlineData("eval", "emotion", ".", "--bogus")]
    [InlineData("eval", "emotion", ".", "--crop-scale", "abc")]
    public async Task Bad_usage_exits_2_with_a_message(params string[] args)
    {
        var (code, _, errors) = await Run(args);

        Assert.Equal(2, code);
        Assert.False(string.IsNullOrWhiteSpace(errors));
    }
}
