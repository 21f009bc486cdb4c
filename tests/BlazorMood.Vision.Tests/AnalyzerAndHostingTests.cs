using SixLabors.ImageSharp.Processing;
using BlazorMood.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BlazorMood.Vision.Tests;

[Trait("Category", "Integration")]
[Trait("Category", "Models")]
[Collection("models")]
public class AnalyzerAndHostingTests(ModelsFixture models)
{
    [Fact]
    public void Analyzes_an_encoded_photo_in_one_call()
    {
        using var image = ModelsFixture.FaceApi(4);
        var jpeg = image.ToJpeg();

        var analysis = models.Analyzer.Analyze(jpeg);

        Assert.Equal((image.Width, image.Height), (analysis.ImageWidth, analysis.ImageHeight));
        Assert.Equal(4, analysis.Faces.Count);
        Assert.Same(analysis.Faces[0], analysis.PrimaryFace);
        foreach (var face in analysis.Faces)
        {
            Assert.Contains(face.Label, EmotionLabels.All);
            Assert.Equal(face.Confidence, face.Probabilities.Values.Max());
            Assert.Equal(face.Label, face.Probabilities.MaxBy(kv => kv.Value).Key);
            Assert.Equal(7, face.Probabilities.Count);
        }
        var t = analysis.Timings;
        Assert.True(t.DecodeMs > 0 && t.DetectMs > 0 && t.ClassifyMs > 0);
        Assert.True(t.TotalMs >= t.DecodeMs + t.DetectMs + t.ClassifyMs - 0.5);
    }

    [Fact]
    public async Task Analyzes_a_stream_and_limits_faces()
    {
        using var image = ModelsFixture.FaceApi(5);
        using var stream = new MemoryStream(image.ToJpeg());
        var analysis = await models.Analyzer.AnalyzeAsync(stream, maxFaces: 2);
        Assert.Equal(2, analysis.Faces.Count);
    }

    [Fact]
    public void A_photo_without_faces_gives_an_empty_result_and_bad_bytes_a_decode_error()
    {
        using var blank = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(320, 240);
        var analysis = models.Analyzer.Analyze(blank.ToJpeg());
        Assert.Empty(analysis.Faces);
        Assert.Null(analysis.PrimaryFace);
        Assert.Equal(0, analysis.Timings.ClassifyMs);

        var e = Assert.Throws<ImageDecodeException>(() => models.Analyzer.Analyze("not an image"u8.ToArray()));
        Assert.Equal(ImageDecodeError.UnknownFormat, e.Error);
    }

    [Fact]
    public void Raw_rgb_frames_give_the_same_answer_as_the_decoded_image()
    {
        using var image = ModelsFixture.Astronaut();
        var bytes = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(bytes);
        var fromFrame = models.Analyzer.Analyze(new RgbFrame(bytes, image.Width, image.Height));
        var fromImage = models.Analyzer.Analyze(image);
        Assert.Equal(fromImage.Faces[0].Box, fromFrame.Faces[0].Box);
        Assert.Equal(fromImage.Faces[0].Probabilities["happy"], fromFrame.Faces[0].Probabilities["happy"]);
    }

    [Fact]
    public async Task Concurrent_callers_get_the_same_results_as_sequential_ones()
    {
        var images = new[] { ModelsFixture.FaceApi(1), ModelsFixture.FaceApi(3), ModelsFixture.Astronaut() };
        try
        {
            var expected = images.Select(i => models.Analyzer.Analyze(i)).ToArray();
            var tasks = Enumerable.Range(0, 12).Select(n => Task.Run(() => (n % 3, models.Analyzer.Analyze(images[n % 3])))).ToArray();
            foreach (var (index, actual) in await Task.WhenAll(tasks))
            {
                Assert.Equal(expected[index].Faces.Count, actual.Faces.Count);
                for (var f = 0; f < actual.Faces.Count; f++)
                {
                    Assert.Equal(expected[index].Faces[f].Box, actual.Faces[f].Box);
                    Assert.Equal(expected[index].Faces[f].Probabilities["neutral"], actual.Faces[f].Probabilities["neutral"]);
                }
            }
        }
        finally
        {
            foreach (var i in images)
            {
                i.Dispose();
            }
        }
    }

    [Fact]
    public void Options_bind_from_the_Vision_configuration_section()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Vision:ModelsPath"] = "/opt/models",
            ["Vision:ExecutionProvider"] = "Cpu",
            ["Vision:IntraOpThreads"] = "2",
            ["Vision:FaceDetector:MinScore"] = "0.6",
            ["Vision:FaceDetector:Tiling"] = "Off",
            ["Vision:Emotion:CropScale"] = "2.5",
            ["Vision:Emotion:FlipAveraging"] = "true",
            ["Vision:Pose:Enabled"] = "false",
        }).Build();
        using var services = new ServiceCollection().AddVision(config).BuildServiceProvider();
        var o = services.GetRequiredService<IOptions<VisionOptions>>().Value;

        Assert.Equal("/opt/models", o.ModelsPath);
        Assert.Equal(ExecutionProvider.Cpu, o.ExecutionProvider);
        Assert.Equal(2, o.IntraOpThreads);
        Assert.Equal(0.6f, o.FaceDetector.MinScore);
        Assert.Equal(FaceTiling.Off, o.FaceDetector.Tiling);
        Assert.Equal(2.5f, o.Emotion.CropScale);
        Assert.True(o.Emotion.FlipAveraging);
        Assert.False(o.Pose.Enabled);
        // Defaults where nothing is configured.
        Assert.Equal("emotion.onnx", o.Emotion.FileName);
        Assert.Equal(0.44f, o.Emotion.EyeLine);
        Assert.True(o.FaceExpression.Enabled);
        Assert.True(o.EmotionFusion.Enabled);
    }

    [Fact]
    public void Defaults_match_the_documented_ones()
    {
        var o = new VisionOptions();
        Assert.Equal("models", o.ModelsPath);
        Assert.Equal(ExecutionProvider.Auto, o.ExecutionProvider);
        Assert.Equal(1, o.IntraOpThreads);
        Assert.True(o.ValidateOnStart);
    }

    private static IHost BuildHost(Action<VisionOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddVision(configure);
        return builder.Build();
    }

    [Fact]
    public async Task Host_start_loads_every_model_eagerly()
    {
        using var host = BuildHost(o =>
        {
            o.ModelsPath = TestAssets.ModelsDir;
            o.ExecutionProvider = ExecutionProvider.Auto;
        });
        await host.StartAsync();
        Assert.NotNull(host.Services.GetRequiredService<EmotionAnalyzer>());
        Assert.NotNull(host.Services.GetRequiredService<PoseEstimator>());
        await host.StopAsync();
    }

    [Fact]
    public async Task Host_start_fails_on_a_missing_model_naming_the_file_and_the_fix()
    {
        var empty = Directory.CreateTempSubdirectory("vision-empty-").FullName;
        try
        {
            using var host = BuildHost(o => o.ModelsPath = empty);
            var e = await Assert.ThrowsAsync<ModelLoadException>(() => host.StartAsync());
            Assert.Contains("blazeface.onnx", e.Message, StringComparison.Ordinal);
            Assert.Contains(ModelLoadException.ImportCommand, e.Message, StringComparison.Ordinal);

            // Opting out of the start-up check defers the failure to first use.
            using var lazy = BuildHost(o =>
            {
                o.ModelsPath = empty;
                o.ValidateOnStart = false;
            });
            await lazy.StartAsync();
            Assert.Throws<ModelLoadException>(() => lazy.Services.GetRequiredService<FaceDetector>());
            await lazy.StopAsync();
        }
        finally
        {
            Directory.Delete(empty, true);
        }
    }

    [Fact]
    public async Task Disabled_models_are_not_loaded_and_invalid_options_fail_at_start()
    {
        var dir = Directory.CreateTempSubdirectory("vision-partial-").FullName;
        try
        {
            foreach (var f in new[] { "blazeface.onnx", "emotion.onnx" })
            {
                File.Copy(Path.Combine(TestAssets.ModelsDir, f), Path.Combine(dir, f));
            }
            using var host = BuildHost(o =>
            {
                o.ModelsPath = dir;
                o.ExecutionProvider = ExecutionProvider.Cpu;
                o.Pose.Enabled = false;
                o.Objects.Enabled = false;
                o.FaceExpression.Enabled = false;
                o.FaceTracking.Enabled = false;
            });
            await host.StartAsync();
            Assert.False(host.Services.GetRequiredService<EmotionAnalyzer>().Fused);
            Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<PoseEstimator>());
            await host.StopAsync();

            using var invalid = BuildHost(o =>
            {
                o.ModelsPath = dir;
                o.FaceDetector.MinScore = 1.5f;
            });
            await Assert.ThrowsAsync<OptionsValidationException>(() => invalid.StartAsync());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_sideways_stored_phone_photo_with_an_orientation_tag_is_analysed_upright()
    {
        using var stored = ModelsFixture.Astronaut().CloneAndDispose(c => c.Rotate(RotateMode.Rotate270));
        stored.Metadata.ExifProfile = new SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifProfile();
        stored.Metadata.ExifProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag.Orientation, (ushort)6);

        var face = Assert.Single(models.Analyzer.Analyze(stored.ToJpeg()).Faces);

        Assert.InRange(face.Landmarks.RollDegrees, -15, 15);
        Assert.Equal(Emotion.Happy, face.Emotion);
    }
}
